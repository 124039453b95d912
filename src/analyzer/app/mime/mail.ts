/**
 * A mail message as Zeek's MIME_Mail sees it (src/analyzer/protocol/mime/):
 * the lines of one message (SMTP's DATA/BDAT, POP3's RETR/TOP) parsed into
 * MIME entities — headers (folded lines joined, Content-Type with its
 * multipart boundary, Content-Transfer-Encoding), bodies decoded from base64
 * or quoted-printable, multipart parts and message/* children nested up to
 * MIME::max_depth — with the mime_* events and each leaf entity's decoded
 * data handed to the files framework in pieces of at most
 * mime_segment_length bytes (one piece per line at most, as Zeek flushes
 * after every line).
 *
 * The header grammar (tokens, comments, quoted strings, Content-Type
 * parameters) is shared with HTTP's entities (../http/mime.ts).
 */
import { createHash, type Hash } from "node:crypto";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { iequal, isLws, parseContentType, parseHeader, valueToken } from "../http/mime.js";
import { BodyDecoder, BodyEncoding, boundaryKind } from "./decode.js";
import type { MimeHeaderRec } from "./events.js";
import { FoldedHeader } from "./folded.js";
import "./events.js";

/** Zeek's mime_segment_length: the largest piece of data handed on at once. */
export const MIME_SEGMENT_LENGTH = 1024;
/** MIME::max_depth: deeper nesting is cut with a limit weird. */
export const MIME_MAX_DEPTH = 100;
/** MIME::max_header_bytes: a folded header stops growing there (limit weird). */
export const MIME_MAX_HEADER_BYTES = 65536;
/** bronze's bound on data kept for mime_entity_data / mime_all_data (Zeek keeps everything). */
const MAX_KEPT_DATA = 32 << 20;

const enum CType {
  Multipart = 0,
  Message = 1,
  Text = 2,
  Other = 3,
}

/** Zeek's MIME content encodings, in its order (OTHER when unknown or absent). */
const enum Encoding {
  SevenBit = 0,
  EightBit = 1,
  Binary = 2,
  QuotedPrintable = 3,
  Base64 = 4,
  Other = 5,
}

const ENCODING_NAMES = ["7BIT", "8BIT", "BINARY", "QUOTED-PRINTABLE", "BASE64"];
const TYPE_NAMES = ["MULTIPART", "MESSAGE", "TEXT"];

/** What a message needs from the analyzer that carries it. */
export interface MailOwner {
  readonly host: AnalyzerHost;
  /**
   * The file id for this side's next file (Zeek's GetFileID: the protocol's
   * get_file_handle after the events so far ran); "" when the protocol names
   * no file.
   */
  fileId(isOrig: boolean): string;
}

/** One MIME entity (Zeek's MIME_Entity). */
class MimeEntity {
  readonly depth: number;
  private inHeader = true;
  private ended = false;
  private readonly header = new FoldedHeader();
  private readonly headers: MimeHeaderRec[] | null;
  ctype: CType = CType.Text;
  private boundary: string | null = null;
  private encoding: Encoding;
  private child: MimeEntity | null = null;
  private readonly body: BodyDecoder;

  constructor(
    private readonly mail: MimeMail,
    private readonly parent: MimeEntity | null,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.encoding = parent === null ? Encoding.Other : parent.encoding;
    this.headers = mail.host.wants("mime_all_headers") ? [] : null;
    this.body = new BodyDecoder(MIME_SEGMENT_LENGTH, (data) => mail.submitData(data), mail);
  }

  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    if (this.inHeader) {
      if (data.length === 0 || data[0] === 0) {
        this.finishHeader();
        this.inHeader = false;
        this.mail.submitAllHeaders(this.headers ?? []);
        if (!this.ended) this.beginBody();
      } else if (isLws(data[0]!)) this.contHeader(data);
      else this.newHeader(data);
    } else this.newDataLine(data, trailingCrlf);
  }

  private beginBody(): void {
    if (this.encoding === Encoding.Base64) this.body.startBase64();
    if (this.ctype === CType.Message) this.beginChild();
  }

  endOfData(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.inHeader) {
      this.finishHeader();
      this.inHeader = false;
      this.mail.submitAllHeaders(this.headers ?? []);
      this.mail.event("illegal format", "entity body missing");
    } else {
      if (this.child !== null) {
        if (this.ctype === CType.Multipart) this.mail.event("illegal format", "multipart closing boundary delimiter missing");
        this.endChild();
      }
      this.body.finish();
    }
    this.mail.endEntity();
  }

  private newDataLine(data: Uint8Array, trailingCrlf: boolean): void {
    if (this.ctype === CType.Multipart) {
      const b = boundaryKind(this.boundary, data);
      if (b === 1) {
        if (this.child !== null) this.endChild();
        if (!this.ended) this.beginChild();
        return;
      }
      if (b === 2) {
        if (this.child !== null) this.endChild();
        this.endOfData();
        return;
      }
    }
    if (this.ctype === CType.Multipart || this.ctype === CType.Message) {
      // Data before the first or after the last boundary is dropped.
      this.child?.deliver(data, trailingCrlf);
    } else this.decodeDataLine(data, trailingCrlf);
  }

  private newHeader(data: Uint8Array): void {
    this.finishHeader();
    if (data.length > 0) this.header.begin(data);
  }

  private contHeader(data: Uint8Array): void {
    const header = this.header;
    if (!header.active) {
      this.mail.event("illegal format", "first header line starts with linear whitespace");
      let ws = 0;
      while (ws < data.length && isLws(data[ws]!)) ws++;
      this.newHeader(data.subarray(ws));
      return;
    }
    if (header.length >= MIME_MAX_HEADER_BYTES) {
      this.mail.host.limitReached("exceeded_mime_max_header_bytes", header.length);
      return;
    }
    header.fold(data);
  }

  private finishHeader(): void {
    const line = this.header.end();
    if (line === null) return;
    const h = parseHeader(line);
    if (h === null) return;
    if (iequal(h.name, "content-type")) this.parseContentTypeField(h.value);
    else if (iequal(h.name, "content-transfer-encoding")) {
      const t = valueToken(h.value);
      if (t === null) this.mail.event("illegal format", "encoding type not found in content encoding");
      else {
        const i = ENCODING_NAMES.findIndex((n) => iequal(n, t.token));
        this.encoding = i < 0 ? Encoding.Other : (i as Encoding);
      }
    }
    const rec: MimeHeaderRec = { original_name: h.name, name: h.name.toUpperCase(), value: h.value };
    this.mail.submitHeader(rec);
    this.headers?.push(rec);
  }

  private parseContentTypeField(value: string): void {
    const ct = parseContentType(value);
    if (ct === null) {
      this.mail.event("illegal format", "media type/subtype not found in content type");
      return;
    }
    const i = TYPE_NAMES.indexOf(ct.type);
    this.ctype = i < 0 ? CType.Other : (i as CType);
    if (ct.badBoundary) this.mail.event("illegal format", "Could not parse multipart boundary");
    if (ct.boundary !== undefined) this.boundary = ct.boundary;
    if (this.ctype === CType.Multipart && this.boundary === null) {
      this.mail.event("illegal format", "boundary delimiter is not specified for a multipart entity -- content is treated as type application/octet-stream");
      this.ctype = CType.Other;
    }
  }

  private decodeDataLine(data: Uint8Array, trailingCrlf: boolean): void {
    const e = this.encoding;
    const how = e === Encoding.QuotedPrintable ? BodyEncoding.QuotedPrintable : e === Encoding.Base64 ? BodyEncoding.Base64 : BodyEncoding.AsIs;
    this.body.line(data, trailingCrlf, how, this.parent !== null && this.parent.ctype === CType.Multipart);
  }

  private beginChild(): void {
    if (this.depth >= MIME_MAX_DEPTH) {
      // Deeper entities' lines go to this one.
      this.mail.host.limitReached("exceeded_mime_max_depth", this.depth);
      return;
    }
    this.child = new MimeEntity(this.mail, this);
    this.mail.beginEntity();
  }

  private endChild(): void {
    const c = this.child!;
    this.child = null;
    c.endOfData();
  }
}

/** One mail message (Zeek's MIME_Mail): its entities, events and files. */
export class MimeMail {
  readonly host: AnalyzerHost;
  private readonly top: MimeEntity;
  /** The file of the entity under way ("" until its first data), and its length so far (both per message, as Zeek's). */
  private fileId = "";
  private entityLen = 0;
  private entityContent: Uint8Array[] | null = null;
  private allContent: Uint8Array[] | null = null;
  private kept = 0;
  private md5: Hash | null = null;
  private contentLength = 0;
  private finished = false;

  constructor(
    private readonly owner: MailOwner,
    readonly isOrig: boolean,
  ) {
    this.host = owner.host;
    if (this.host.wants("mime_content_hash")) this.md5 = createHash("md5");
    if (this.host.wants("mime_all_data")) this.allContent = [];
    this.top = new MimeEntity(this, null);
    this.beginEntity();
  }

  /** One line of the message (without its CR LF when `trailingCrlf`). */
  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    if (!this.finished) this.top.deliver(data, trailingCrlf);
  }

  /** A content gap of `len` bytes in the message: the current file misses them. */
  undelivered(len: number): void {
    if (this.finished) return;
    const id = this.fileId !== "" ? this.fileId : this.owner.fileId(this.isOrig);
    this.fileId = id === "" ? "" : this.host.files.gap(id, this.isOrig, this.entityLen, len);
  }

  /** The message ended (Zeek's MIME_Mail::Done). */
  done(): void {
    if (this.finished) return;
    this.top.endOfData();
    this.finished = true;
    const h = this.host;
    if (this.allContent !== null && h.wants("mime_all_data")) {
      const s = joinLatin1(this.allContent);
      h.raise("mime_all_data", h.conn(), s.length, s);
    }
    if (this.md5 !== null && h.wants("mime_content_hash")) h.raise("mime_content_hash", h.conn(), this.contentLength, this.md5.digest().toString("latin1"));
    this.endOfFileByHandle();
  }

  beginEntity(): void {
    this.entityLen = 0;
    this.fileId = "";
    if (this.host.wants("mime_entity_data")) this.entityContent = [];
    if (this.host.wants("mime_begin_entity")) this.host.raise("mime_begin_entity", this.host.conn());
  }

  endEntity(): void {
    const h = this.host;
    if (this.entityContent !== null) {
      const s = joinLatin1(this.entityContent);
      this.entityContent = null;
      if (h.wants("mime_entity_data")) h.raise("mime_entity_data", h.conn(), s.length, s);
    }
    if (h.wants("mime_end_entity")) h.raise("mime_end_entity", h.conn());
    if (this.fileId !== "") h.files.endOfFile(this.fileId);
    else this.endOfFileByHandle();
    this.fileId = "";
  }

  /** Zeek's EndOfFile(tag, conn): the files the handle names now, for both sides (this runs the queued events). */
  private endOfFileByHandle(): void {
    for (const side of [true, false]) {
      const id = this.owner.fileId(side);
      if (id !== "") this.host.files.endOfFile(id);
    }
  }

  submitHeader(rec: MimeHeaderRec): void {
    if (this.host.wants("mime_one_header")) this.host.raise("mime_one_header", this.host.conn(), rec);
  }

  submitAllHeaders(list: readonly MimeHeaderRec[]): void {
    if (this.host.wants("mime_all_headers")) this.host.raise("mime_all_headers", this.host.conn(), list);
  }

  submitData(data: Uint8Array): void {
    const h = this.host;
    this.contentLength += data.length;
    this.md5?.update(data);
    if ((this.entityContent !== null || this.allContent !== null) && this.kept + data.length <= MAX_KEPT_DATA) {
      const copy = data.slice();
      this.kept += copy.length;
      this.entityContent?.push(copy);
      this.allContent?.push(copy);
    }
    if (h.wants("mime_segment_data")) h.raise("mime_segment_data", h.conn(), data.length, latin1(data));
    const id = this.fileId !== "" ? this.fileId : this.owner.fileId(this.isOrig);
    this.fileId = id === "" ? "" : h.files.dataIn(id, this.isOrig, data);
    this.entityLen += data.length;
  }

  event(category: string, detail: string): void {
    if (this.host.wants("mime_event")) this.host.raise("mime_event", this.host.conn(), category, detail);
  }

  /** A quoted-printable decoding problem (mime_event "illegal encoding"). */
  illegalEncoding(detail: string): void {
    this.event("illegal encoding", detail);
  }

  /** The base64 converter's complaint: Zeek's converter reports to the connection (a weird), not as a mime_event. */
  base64Illegal(msg: string): void {
    this.host.weird("base64_illegal_encoding", msg, "");
  }
}

function joinLatin1(parts: readonly Uint8Array[]): string {
  let s = "";
  for (const p of parts) s += latin1(p);
  return s;
}
