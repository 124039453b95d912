/**
 * An HTTP message and its MIME entities (Zeek's HTTP_Message / HTTP_Entity on
 * its MIME_Entity): the headers of the top-level entity, its body framed by
 * Content-Length, chunked transfer or the end of the connection, decoded from
 * gzip/deflate, split into multipart parts (nested, each an entity with its
 * own headers and transfer encoding), and handed to http_entity_data and the
 * files framework in pieces of at most 1500 bytes (Zeek's
 * http_entity_data_delivery_size).
 */
import * as zlib from "node:zlib";
import { DOUBLE_MINUS_ONE, DOUBLE_ZERO } from "../../../doubles.js";
import { latin1 } from "../../../packet/bytes.js";
import type { HttpSignatureMatcher } from "../analyzer.js";
import { BodyDecoder } from "../mime/decode.js";
import { CType, MimeEntity, Transfer } from "../mime/entity.js";
import type { HttpMessageStat, MimeHeaderRec } from "./events.js";
import { iequal, valueToken } from "./mime.js";

/** Zeek's HTTP_BODY_NOT_EXPECTED / EXPECTED / MAYBE (multipart parts are made with 1: expected). */
export const enum Body {
  NotExpected = 0,
  Expected = 1,
  Maybe = 2,
}

const enum Chunk {
  NonChunked,
  BeforeChunk,
  ExpectChunkSize,
  ExpectChunkData,
  ExpectChunkDataCrlf,
  ExpectChunkTrailer,
  ExpectNothing,
}

/** Zeek's http_entity_data_delivery_size. */
export const ENTITY_DATA_DELIVERY_SIZE = 1500;
/** Zeek's ZIP analyzer inflates into 4096-byte pieces. */
const UNZIP_SIZE = 4096;
const INT_MAX = 2147483647;

/** What a message needs from the analyzer. */
export interface MessageOwner {
  weird(name: string, addl?: string, source?: string): void;
  /** An analyzer is made for the connection (the body's ZIP inflater): it takes an analyzer id (AnalyzerHost.takeAnalyzerId). */
  takeAnalyzerId(): void;
  limitReached(name: string, n: number): void;
  httpEvent(category: string, detail: string): void;
  beginEntity(isOrig: boolean): void;
  endEntity(isOrig: boolean): void;
  header(isOrig: boolean, name: string, value: string): void;
  allHeaders(isOrig: boolean, list: readonly MimeHeaderRec[]): void;
  wantsAllHeaders(): boolean;
  contentType(isOrig: boolean, ty: string, subty: string): void;
  entityData(isOrig: boolean, data: Uint8Array): void;
  messageDone(isOrig: boolean, stat: HttpMessageStat): void;
  /** RequestMade/ReplyMade(false, "message ends normally"). */
  messageFinished(isOrig: boolean): void;
  setPlainDelivery(isOrig: boolean, len: number): void;
  setDeliverySize(isOrig: boolean, len: number): void;
  /** The multipart line mode of the side's line splitter. */
  multipartLines(isOrig: boolean, on: boolean): void;
  readonly replyCode: number;
  readonly connectionClose: boolean;
  /** The HTTP version of the message under way on that side, as major*10+minor (11 = 1.1). */
  version(isOrig: boolean): number;
  // The files framework (handles come from the http script, after a drain).
  fileId(isOrig: boolean): string;
  fileDataIn(id: string, isOrig: boolean, data: Uint8Array, offset?: number): string;
  fileSetSize(id: string, isOrig: boolean, size: number): string;
  fileGap(id: string, isOrig: boolean, offset: number, len: number): string;
  fileEnd(id: string): void;
  /** Zeek's EndOfFile(tag, conn, is_orig): the file the side's handle names now, ended if open. */
  fileEndByHandle(isOrig: boolean): void;
  now(): number;
  /** User signatures' http-* patterns (null unless some signature has one). */
  readonly signatures: HttpSignatureMatcher | null;
}

/**
 * Node's zlib stream driven synchronously, chunk after chunk, with its state
 * kept (Zeek's ZIP analyzer inflates each piece of the body as it comes).
 * Node's *Sync functions and `_processChunk` close the stream after one
 * call, so this runs the same native `writeSync` loop they run, without the
 * close; `destroyed` tells a zlib error (the stream closes itself then, and
 * must not be written again).
 */
interface ZlibInternals {
  _handle: { writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void } | null;
  _writeState: Uint32Array;
  _chunkSize: number;
  readonly destroyed: boolean;
  on(event: "error", fn: () => void): unknown;
  close(): void;
}

export class SyncInflater {
  private readonly z: ZlibInternals;
  constructor(raw: boolean) {
    // One native call fills at most UNZIP_SIZE bytes, as each inflate() of Zeek's ZIP
    // analyzer does: when zlib fails, the pieces inflated before the failing call are kept.
    const options = { chunkSize: UNZIP_SIZE };
    this.z = (raw ? zlib.createInflateRaw(options) : zlib.createUnzip(options)) as unknown as ZlibInternals;
    // The stream reports its errors as an event too: `destroyed` is what we read.
    this.z.on("error", () => {});
  }

  /** Inflates `input`; the output so far, and whether zlib failed (the inflater is then dead). */
  feed(input: Uint8Array): { out: Uint8Array; failed: boolean } {
    const z = this.z;
    const outs: Uint8Array[] = [];
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      const handle = z._handle;
      if (z.destroyed || handle === null) return { out: joinChunks(outs), failed: true };
      const size = z._chunkSize;
      const buf = Buffer.allocUnsafe(size);
      handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, inOff, inLen, buf, 0, size);
      if (z.destroyed) return { out: joinChunks(outs), failed: true };
      const outLeft = z._writeState[0]!;
      const inLeft = z._writeState[1]!;
      if (size - outLeft > 0) outs.push(buf.subarray(0, size - outLeft));
      inOff += inLen - inLeft;
      inLen = inLeft;
      if (outLeft !== 0) return { out: joinChunks(outs), failed: false };
    }
  }

  close(): void {
    if (!this.z.destroyed) this.z.close();
  }
}

function joinChunks(parts: Uint8Array[]): Uint8Array {
  return parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

class Unzip {
  private z = new SyncInflater(false);
  private ok = true;
  private produced = false;
  constructor(private readonly weird: (name: string) => void) {}

  /** Inflates `data`; returns the output (maybe empty). */
  feed(data: Uint8Array): Uint8Array {
    if (!this.ok || data.length === 0) return EMPTY;
    let r = this.z.feed(data);
    if (r.failed && !this.produced && r.out.length === 0) {
      // Some servers send deflate without the zlib header: retry raw.
      this.z.close();
      this.z = new SyncInflater(true);
      r = this.z.feed(data);
    }
    if (r.out.length > 0) this.produced = true;
    if (r.failed) {
      this.ok = false;
      this.weird("inflate_failed");
    }
    return r.out;
  }

  done(): void {
    this.safeClose();
    this.ok = false;
  }

  private safeClose(): void {
    try {
      this.z.close();
    } catch {
      // already closed
    }
  }
}

const EMPTY = new Uint8Array(0);

const INT64_MAX = (1n << 63n) - 1n;

/** Zeek's atoi_n: leading digits of `base` (a leading '-' allowed); null when the first character is not one, or past int64. "" is 0. */
export function atoiN(s: string, base: number): number | null {
  let i = 0;
  let neg = false;
  if (s.length > 0 && s[0] === "-") {
    neg = true;
    i = 1;
  }
  let n = 0;
  const start = i;
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= base) {
      if (i > start) break;
      return null;
    }
    n = Math.min(n * base + d, Number.MAX_SAFE_INTEGER);
  }
  // Past what doubles hold exactly, std::from_chars into Zeek's int64 decides: out of range fails.
  if (n >= Number.MAX_SAFE_INTEGER) {
    const digits = s.slice(start, i);
    const big = base === 16 ? BigInt(`0x${digits}`) : base === 10 ? BigInt(digits) : null;
    if (big !== null && big > (neg ? INT64_MAX + 1n : INT64_MAX)) return null;
  }
  return neg ? -n : n;
}

/** A digit's value in bases up to 36 (letters either case), 99 for any other character (parseInt's NaN). */
function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x7a ? l - 0x61 + 10 : 99;
}

/** util::atoi_n in base 10 into an int64 (the digits up to the first other character), exact; 0 when there are none. */
function atoiInt64(s: string): bigint {
  const m = /^(-?)(\d+)/.exec(s);
  if (m === null) return 0n;
  const v = BigInt.asIntN(64, BigInt(m[2]!));
  return m[1] === "-" ? BigInt.asIntN(64, -v) : v;
}

export class HttpEntity extends MimeEntity<HttpEntity> {
  /** The body's decoding into pieces of http_entity_data_delivery_size (made at the first body line). */
  private body: BodyDecoder | null = null;
  // HTTP_Entity
  // The lengths and offsets start as doubles: a Content-Length or range
  // parsed from text, or a length past a gap, is not always a small integer,
  // and the first one that is not would move every entity to a new shape
  // (see doubles.ts).
  private chunked: Chunk = Chunk.NonChunked;
  private contentLength = DOUBLE_MINUS_ONE;
  private rangeLength = DOUBLE_MINUS_ONE;
  private expectDataLength = DOUBLE_ZERO;
  bodyLength = DOUBLE_ZERO;
  headerLength = 0;
  private encoding: "identity" | "gzip" | "deflate" = "identity";
  private zip: Unzip | null = null;
  private isPartialContent = false;
  private offset = DOUBLE_ZERO;
  private instanceLength = DOUBLE_MINUS_ONE;
  private sendSize = true;
  private expect100 = false;
  fileId = "";

  constructor(
    private readonly msg: HttpMessage,
    parent: HttpEntity | null,
    private readonly expectBody: Body,
  ) {
    super(parent, msg.owner.wantsAllHeaders());
  }

  private get owner(): MessageOwner {
    return this.msg.owner;
  }

  // ---------------------------------------------------------------- HTTP_Entity::Deliver

  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    if (this.ended) {
      if (this.ctype !== CType.Multipart) this.illegalFormat("data trailing the end of entity");
      return;
    }
    if (this.inHeader) {
      if (!trailingCrlf) this.owner.weird("http_no_crlf_in_header_list");
      this.headerLength += data.length;
      this.mimeDeliver(data, trailingCrlf);
      return;
    }
    if (this.ctype === CType.Multipart || this.ctype === CType.Message) {
      this.deliverBody(data, trailingCrlf);
      if (this.depth === 0 && this.contentLength > 0) {
        this.expectDataLength -= data.length;
        if (trailingCrlf) this.expectDataLength -= 2;
        if (this.expectDataLength <= 0) {
          this.msg.setPlainDelivery(0);
          this.endOfData();
        }
      }
    } else if (this.chunked !== Chunk.NonChunked) {
      switch (this.chunked) {
        case Chunk.ExpectChunkSize: {
          const text = latin1(data);
          let n = atoiN(text, 16);
          if (n === null) {
            this.owner.weird("HTTP_bad_chunk_size", text);
            n = 0;
          }
          this.expectDataLength = n;
          if (n > 0) {
            this.chunked = Chunk.ExpectChunkData;
            this.msg.setPlainDelivery(n);
          } else {
            this.inHeader = true;
            this.chunked = Chunk.ExpectChunkTrailer;
          }
          break;
        }
        case Chunk.ExpectChunkData:
          this.expectDataLength -= data.length;
          if (this.expectDataLength <= 0) {
            this.msg.setPlainDelivery(0);
            this.chunked = Chunk.ExpectChunkDataCrlf;
          }
          this.deliverBody(data, false);
          break;
        case Chunk.ExpectChunkDataCrlf:
          if (data.length > 0) this.illegalFormat("inaccurate chunk size: data before <CR><LF>");
          this.chunked = Chunk.ExpectChunkSize;
          break;
        default:
          break;
      }
    } else if (this.contentLength >= 0) {
      this.deliverBody(data, false);
      this.expectDataLength -= data.length;
      if (this.expectDataLength <= 0) {
        this.msg.setPlainDelivery(0);
        this.msg.setDeliverySize(-1);
        this.endOfData();
      }
    } else this.deliverBody(data, trailingCrlf);
  }

  private deliverBody(data: Uint8Array, trailingCrlf: boolean): void {
    if (this.encoding !== "identity") {
      const out = (this.zip ??= this.newUnzip()).feed(data);
      for (let i = 0; i < out.length; i += UNZIP_SIZE) this.deliverBodyClear(out.subarray(i, Math.min(out.length, i + UNZIP_SIZE)), false);
    } else this.deliverBodyClear(data, trailingCrlf);
  }

  private deliverBodyClear(data: Uint8Array, trailingCrlf: boolean): void {
    // http-*-body patterns: the decoded body of each entity (a multipart's parts each), without a trailing CR LF.
    const sigs = this.owner.signatures;
    if (sigs !== null) sigs.body(this.msg.isOrig, data, this.bodyLength === 0);
    this.bodyLength += data.length;
    if (trailingCrlf) this.bodyLength += 2;
    // A body handed over as data (no CR LF to put back) in no transfer encoding, not split
    // into parts: straight to the pieces, without the line path (the same pieces it gives).
    if (
      !trailingCrlf &&
      !this.inHeader &&
      this.transfer === Transfer.Other &&
      this.ctype !== CType.Multipart &&
      this.ctype !== CType.Message &&
      !this.holdsCrlf()
    ) {
      this.bodyDecoder().data(data);
    } else this.mimeDeliver(data, trailingCrlf);
  }

  /** A content gap of `len` bytes in the body; false when the message cannot go on. */
  undelivered(len: number): boolean {
    if ((this.ended && this.inHeader) || this.bodyLength === 0) return false;
    this.fileId = this.owner.fileGap(this.fileId || this.owner.fileId(this.msg.isOrig), this.msg.isOrig, this.bodyLength, len);
    if (this.isPartialContent) this.offset += len;
    if (this.chunked !== Chunk.NonChunked) {
      if (this.chunked === Chunk.ExpectChunkData && this.expectDataLength >= len) {
        this.bodyLength += len;
        this.expectDataLength -= len;
        this.msg.setPlainDelivery(this.expectDataLength);
        if (this.expectDataLength === 0) this.chunked = Chunk.ExpectChunkDataCrlf;
        return true;
      }
      return false;
    }
    if (this.contentLength >= 0) {
      if (this.expectDataLength >= len) {
        this.bodyLength += len;
        this.expectDataLength -= len;
        this.msg.setPlainDelivery(this.expectDataLength);
        if (this.expectDataLength <= 0) this.endOfData();
        return true;
      }
      return false;
    }
    return false;
  }

  /** HTTP_Entity::SubmitData: http_entity_data, then the file. */
  private submitData(data: Uint8Array): void {
    const o = this.owner;
    const isOrig = this.msg.isOrig;
    o.entityData(isOrig, data);
    if (this.sendSize && this.encoding !== "identity") this.sendSize = false;
    if (this.isPartialContent) {
      if (this.sendSize && this.instanceLength > 0) this.fileId = o.fileSetSize(this.fileId || o.fileId(isOrig), isOrig, this.instanceLength);
      this.fileId = o.fileDataIn(this.fileId || o.fileId(isOrig), isOrig, data, this.offset);
      this.offset += data.length;
    } else {
      if (this.sendSize && this.contentLength > 0) this.fileId = o.fileSetSize(this.fileId || o.fileId(isOrig), isOrig, this.contentLength);
      this.fileId = o.fileDataIn(this.fileId || o.fileId(isOrig), isOrig, data);
    }
    this.sendSize = false;
  }

  // ---------------------------------------------------------------- MIME_Entity hooks

  /*
   * The closures of the body's decoder and inflater are made in methods of their
   * own: a closure over `this` in a hot method makes V8 allocate a context at
   * every call of it, not only when the closure is made.
   */

  protected bodyDecoder(): BodyDecoder {
    return (this.body ??= this.newBodyDecoder());
  }

  private newBodyDecoder(): BodyDecoder {
    return new BodyDecoder(ENTITY_DATA_DELIVERY_SIZE, (data) => this.submitData(data), this);
  }

  private newUnzip(): Unzip {
    // Zeek inflates with a ZIP_Analyzer made for this entity's body.
    this.owner.takeAnalyzerId();
    // Zeek's ZIP analyzer reports inflate_failed under its own name.
    return new Unzip((name) => this.owner.weird(name, "", "ZIP"));
  }

  /** MIME_Entity::IllegalEncoding: an http_event. */
  illegalEncoding(detail: string): void {
    this.msg.submitEvent("illegal encoding", detail);
  }

  /** The base64 converter reports to the connection (a weird of no analyzer, as Zeek's Connection::Weird). */
  base64Illegal(msg: string): void {
    this.owner.weird("base64_illegal_encoding", msg, "");
  }

  protected finishBody(): void {
    this.body?.finish();
  }

  /** HTTP_Entity::EndOfData then MIME_Entity::EndOfData. */
  endOfData(): void {
    if (this.zip !== null) {
      this.zip.done();
      this.zip = null;
      this.encoding = "identity";
    }
    // Zeek's HTTP_Entity::EndOfData: the body patterns' end (a trailing `$` may match), each time it is called.
    const sigs = this.owner.signatures;
    if (sigs !== null) sigs.endOfBody(this.msg.isOrig);
    this.endEntity();
  }

  protected newChild(): HttpEntity {
    return new HttpEntity(this.msg, this, Body.Expected);
  }

  protected childBegun(child: HttpEntity): void {
    this.msg.beginEntity(child);
  }

  protected entityEnded(): void {
    this.msg.endEntity(this);
  }

  protected illegalFormat(detail: string): void {
    this.msg.submitEvent("illegal format", detail);
  }

  protected limitReached(name: string, n: number): void {
    this.owner.limitReached(name, n);
  }

  // ---------------------------------------------------------------- HTTP_Entity headers

  protected submitHeader(name: string, value: string, folds: number): void {
    const o = this.owner;
    if (this.depth === 0 && folds > 1) o.weird("HTTP_obsolete_line_folding", name);
    if (iequal(name, "content-length")) {
      if (this.chunked !== Chunk.NonChunked) o.weird("HTTP_content_length_and_chunked");
      const vt = valueToken(value);
      if (vt !== null) {
        const n = atoiN(vt.token, 10);
        if (n !== null && n >= 0) {
          if (n > 0 && vt.token.startsWith("0")) o.weird("HTTP_content_length_leading_zeros", vt.token);
          this.contentLength = n;
          if (this.isPartialContent && this.rangeLength !== this.contentLength) {
            o.weird("HTTP_range_not_matching_len");
            if (this.rangeLength > this.contentLength) this.contentLength = this.rangeLength;
          }
          if (this.contentLength === 0 && this.expect100) o.weird("HTTP_content_length_0_and_expect_100_cont");
        } else {
          o.weird("HTTP_bad_content_length", vt.token);
          this.contentLength = 0;
        }
      }
    } else if (iequal(name, "content-range") && o.replyCode === 206) {
      // Zeek's HTTP_Entity::SubmitHeader returns early on a range it cannot
      // use: the header is then never submitted (no http_header event).
      if (!this.parseContentRange(value)) return;
    } else if (iequal(name, "transfer-encoding")) {
      if (this.depth === 0) {
        const vt = valueToken(value);
        if (vt !== null && iequal(vt.token, "chunked") && o.version(this.msg.isOrig) === 11) {
          this.chunked = Chunk.BeforeChunk;
          if (vt.rest.length > 0) o.weird("HTTP_chunked_multi", vt.rest);
          if (this.contentLength >= 0) o.weird("HTTP_content_length_and_chunked");
        }
      } else o.weird("HTTP_nested_transfer_encoding_header");
    } else if (iequal(name, "content-encoding")) {
      const vt = valueToken(value);
      if (vt !== null) {
        if (iequal(vt.token, "gzip") || iequal(vt.token, "x-gzip")) this.encoding = "gzip";
        if (iequal(vt.token, "deflate")) this.encoding = "deflate";
      }
    } else if (iequal(name, "expect")) {
      const vt = valueToken(value);
      if (vt === null || !iequal(vt.token, "100-continue")) o.weird("HTTP_expect_not_100_continue", vt?.token ?? "");
      this.expect100 = true;
      if (this.contentLength === 0) o.weird("HTTP_content_length_0_and_expect_100_cont");
    }
    this.msg.submitHeader(name, value);
  }

  /** Reads a 206 reply's Content-Range; false when the header is refused (a weird said why). */
  private parseContentRange(value: string): boolean {
    const o = this.owner;
    if (this.chunked !== Chunk.NonChunked) o.weird("HTTP_content_range_and_chunked");
    const vt = valueToken(value);
    const unit = vt?.token ?? "";
    const range = (vt?.rest ?? "").replaceAll(" ", "");
    if (unit !== "bytes") {
      o.weird("HTTP_content_range_unknown_byte_unit");
      return false;
    }
    const slash = range.indexOf("/");
    if (slash < 0) {
      o.weird("HTTP_content_range_cannot_parse");
      return false;
    }
    const spec = range.slice(0, slash);
    const instance = range.slice(slash + 1);
    const dash = spec.indexOf("-");
    if (dash < 0) {
      o.weird("HTTP_content_range_cannot_parse");
      return false;
    }
    const f = atoiN(spec.slice(0, dash), 10);
    const l = atoiN(spec.slice(dash + 1), 10);
    if (f === null || l === null) {
      o.weird("HTTP_content_range_cannot_parse", range);
      return false;
    }
    if (f < 0 || l < 0) {
      o.weird("HTTP_content_range_invalid", range);
      return false;
    }
    if (l < f) {
      o.weird("HTTP_non_positive_content_range", range);
      return false;
    }
    // Zeek's int64 arithmetic: a range whose length does not fit is refused (doubles cannot tell, BigInt
    // can; only needed when an end is past what doubles hold exactly: below, the length fits).
    const huge = f >= Number.MAX_SAFE_INTEGER || l >= Number.MAX_SAFE_INTEGER;
    if (huge && atoiInt64(spec.slice(dash + 1)) - atoiInt64(spec.slice(0, dash)) > INT64_MAX - 1n) {
      o.weird("HTTP_content_range_overflow", range);
      return false;
    }
    const len = l - f + 1;
    if (len > 0) {
      if (instance !== "*") {
        const n = atoiN(instance, 10);
        if (n === null) {
          o.weird("HTTP_content_range_invalid_instance", range);
          this.instanceLength = 0;
        } else this.instanceLength = n;
      }
      this.isPartialContent = true;
      this.offset = f;
      this.rangeLength = len;
      if (this.contentLength > 0) {
        if (this.contentLength !== this.rangeLength) {
          o.weird("HTTP_range_not_matching_len");
          if (this.rangeLength > this.contentLength) this.contentLength = this.rangeLength;
        }
      } else this.contentLength = this.rangeLength;
    }
    return true;
  }

  protected submitAllHeaders(): void {
    const msg = this.msg;
    const isOrig = msg.isOrig;
    if (this.parent !== null && this.parent.ctype === CType.Multipart) this.owner.multipartLines(isOrig, true);
    if (this.contentLength >= 0) msg.setDeliverySize(this.contentLength);
    if (this.chunked === Chunk.ExpectChunkTrailer) {
      this.chunked = Chunk.ExpectNothing;
      this.endOfData();
      return;
    }
    msg.submitAllHeaders(this.headers ?? [], this);
    if (this.expectBody === Body.NotExpected) {
      this.endOfData();
      return;
    }
    if (this.ctype === CType.Multipart || this.ctype === CType.Message) {
      if (this.chunked !== Chunk.NonChunked) this.owner.weird("HTTP_chunked_transfer_for_multipart_message");
      if (this.depth === 0 && this.contentLength >= 0) {
        if (this.contentLength > 0) {
          this.expectDataLength = this.contentLength;
          msg.setDeliverySize(this.contentLength);
        } else this.endOfData();
      }
    } else if (this.chunked !== Chunk.NonChunked) this.chunked = Chunk.ExpectChunkSize;
    else if (this.contentLength >= 0) {
      if (this.contentLength > 0) {
        this.expectDataLength = this.contentLength;
        msg.setPlainDelivery(this.contentLength);
      } else this.endOfData();
    } else if (this.owner.connectionClose || this.encoding !== "identity") {
      this.expectDataLength = INT_MAX;
      msg.setPlainDelivery(INT_MAX);
    } else if (this.expectBody !== Body.Expected) this.endOfData();
  }
}

/** One HTTP message (a request or a reply) of one side. */
export class HttpMessage {
  readonly topLevel: HttpEntity;
  current: HttpEntity | null = null;
  readonly startTime: number;
  // Doubles from the start, as HttpEntity's lengths.
  bodyLength = DOUBLE_ZERO;
  contentGapLength = DOUBLE_ZERO;
  headerLength: number;
  finished = false;

  constructor(
    readonly owner: MessageOwner,
    readonly isOrig: boolean,
    expectBody: Body,
    initHeaderLength: number,
  ) {
    this.startTime = owner.now();
    this.headerLength = initHeaderLength;
    this.topLevel = new HttpEntity(this, null, expectBody);
    this.beginEntity(this.topLevel);
  }

  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    this.topLevel.deliver(data, trailingCrlf);
  }

  /** HTTP_Message::Done. */
  done(interrupted = false, detail = "message ends normally"): void {
    if (this.finished) return;
    this.finished = true;
    this.topLevel.endOfData();
    const o = this.owner;
    if (this.isOrig || o.replyCode !== 206) {
      if (this.topLevel.fileId !== "") o.fileEnd(this.topLevel.fileId);
      else o.fileEndByHandle(this.isOrig);
    }
    o.messageDone(this.isOrig, {
      start: this.startTime,
      interrupted,
      finish_msg: detail,
      body_length: this.bodyLength,
      content_gap_length: this.contentGapLength,
      header_length: this.headerLength,
    });
    o.messageFinished(this.isOrig);
  }

  undelivered(len: number): boolean {
    const e = this.current ?? this.topLevel;
    if (e.undelivered(len)) {
      this.contentGapLength += len;
      return true;
    }
    return false;
  }

  beginEntity(e: HttpEntity): void {
    this.current = e;
    this.owner.beginEntity(this.isOrig);
  }

  endEntity(e: HttpEntity): void {
    const o = this.owner;
    if (e === this.topLevel) {
      this.bodyLength += e.bodyLength;
      this.headerLength += e.headerLength;
    }
    o.endEntity(this.isOrig);
    this.current = e.parent;
    if (e.parent !== null && e.parent.ctype === CType.Multipart) o.multipartLines(this.isOrig, false);
    if (e === this.topLevel) this.done();
    else if (this.isOrig || o.replyCode !== 206) {
      if (e.fileId !== "") o.fileEnd(e.fileId);
      else o.fileEndByHandle(this.isOrig);
    }
  }

  submitHeader(name: string, value: string): void {
    this.owner.header(this.isOrig, name, value);
  }

  submitAllHeaders(list: readonly MimeHeaderRec[], e: HttpEntity): void {
    this.owner.allHeaders(this.isOrig, list);
    this.owner.contentType(this.isOrig, e.contentTypeStr, e.contentSubtypeStr);
  }

  submitEvent(category: string, detail: string): void {
    this.owner.httpEvent(category, detail);
  }

  setPlainDelivery(len: number): void {
    this.owner.setPlainDelivery(this.isOrig, len);
  }

  setDeliverySize(len: number): void {
    this.owner.setDeliverySize(this.isOrig, len);
  }
}
