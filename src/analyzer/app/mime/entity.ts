/**
 * What HTTP's entities and mail's entities share (Zeek's MIME_Entity under
 * HTTP_Entity and MIME_Mail's entities): the header lines (folded lines
 * joined, Content-Type with its multipart boundary, Content-Transfer-Encoding),
 * the body lines decoded from base64 or quoted-printable, multipart parts and
 * message/* children nested up to MIME::max_depth, and the "illegal format"
 * reports on the way. A subclass says where headers, data and reports go, and
 * HTTP's adds its own framing (Content-Length, chunks, gzip) around it.
 */
import { iequal, isLws, parseContentType, parseHeader, valueToken } from "../http/mime.js";
import { type BodyDecoder, BodyEncoding, boundaryKind } from "./decode.js";
import type { MimeHeaderRec } from "./events.js";
import { FoldedHeader } from "./folded.js";

/** MIME::max_depth: deeper nesting is cut with a limit weird. */
export const MIME_MAX_DEPTH = 100;
/** MIME::max_header_bytes: a folded header stops growing there (limit weird). */
export const MIME_MAX_HEADER_BYTES = 65536;

/** Zeek's content types, as far as an entity's parsing cares. */
export const enum CType {
  Text,
  Multipart,
  Message,
  Other,
}

/** The Content-Transfer-Encoding a body is decoded from (Other: taken as it is, 7bit, 8bit and binary too). */
export const enum Transfer {
  Other,
  Base64,
  QuotedPrintable,
}

/** One MIME entity; `E` is the subclass, the type of its children. */
export abstract class MimeEntity<E extends MimeEntity<E>> {
  readonly depth: number;
  inHeader = true;
  /** EndOfData ran (Zeek's end_of_data). */
  ended = false;
  ctype: CType = CType.Text;
  /** The Content-Type's type and subtype, upper case. */
  contentTypeStr = "TEXT";
  contentSubtypeStr = "PLAIN";
  protected readonly header = new FoldedHeader();
  /** Every header, kept for the all-headers event when it is handled (null when not). */
  protected readonly headers: MimeHeaderRec[] | null;
  protected boundary: string | null = null;
  protected transfer: Transfer;
  protected child: E | null = null;

  constructor(
    readonly parent: E | null,
    keepHeaders: boolean,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
    this.transfer = parent === null ? Transfer.Other : parent.transfer;
    this.headers = keepHeaders ? [] : null;
  }

  /** A header line was parsed (`folds`: the lines it was folded from). */
  protected abstract submitHeader(name: string, value: string, folds: number): void;
  /** The headers ended. */
  protected abstract submitAllHeaders(): void;
  /** The decoder this entity's body lines go through (made when first needed, if the subclass likes). */
  protected abstract bodyDecoder(): BodyDecoder;
  /** The body ended: flush what its decoder holds. */
  protected abstract finishBody(): void;
  /** A child entity of this one. */
  protected abstract newChild(): E;
  /** The child began (its begin-entity event). */
  protected abstract childBegun(child: E): void;
  /** The entity ended (its end-entity event). */
  protected abstract entityEnded(): void;
  /** A mime_event or http_event "illegal format". */
  protected abstract illegalFormat(detail: string): void;
  protected abstract limitReached(name: string, n: number): void;
  /** A line of this entity (header or body; without its CR LF when `trailingCrlf`). */
  abstract deliver(data: Uint8Array, trailingCrlf: boolean): void;
  abstract endOfData(): void;

  /** MIME_Entity::Deliver. */
  protected mimeDeliver(data: Uint8Array, trailingCrlf: boolean): void {
    if (this.inHeader) {
      if (data.length === 0 || data[0] === 0) {
        this.finishHeader();
        this.inHeader = false;
        this.submitAllHeaders();
        if (!this.ended) this.beginBody();
      } else if (isLws(data[0]!)) this.contHeader(data);
      else this.newHeader(data);
    } else this.newDataLine(data, trailingCrlf);
  }

  /**
   * MIME_Entity::EndOfData: the headers or the body and the children
   * finished, then the end of the entity; false when it had already ended.
   */
  protected endEntity(): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (this.inHeader) {
      this.finishHeader();
      this.inHeader = false;
      this.submitAllHeaders();
      this.illegalFormat("entity body missing");
    } else {
      if (this.child !== null) {
        if (this.ctype === CType.Multipart) this.illegalFormat("multipart closing boundary delimiter missing");
        this.endChild();
      }
      this.finishBody();
    }
    this.entityEnded();
    return true;
  }

  /** A multipart part: its last CR LF belongs to the boundary after it. */
  protected holdsCrlf(): boolean {
    return this.parent !== null && this.parent.ctype === CType.Multipart;
  }

  private beginBody(): void {
    if (this.transfer === Transfer.Base64) this.bodyDecoder().startBase64();
    if (this.ctype === CType.Message) this.beginChild();
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
      this.illegalFormat("first header line starts with linear whitespace");
      let ws = 0;
      while (ws < data.length && isLws(data[ws]!)) ws++;
      this.newHeader(data.subarray(ws));
      return;
    }
    if (header.length >= MIME_MAX_HEADER_BYTES) {
      this.limitReached("exceeded_mime_max_header_bytes", header.length);
      return;
    }
    header.fold(data);
  }

  private finishHeader(): void {
    const folds = this.header.lines;
    const line = this.header.end();
    if (line === null) return;
    const h = parseHeader(line);
    if (h === null) return;
    if (iequal(h.name, "content-type")) this.parseContentTypeField(h.value);
    else if (iequal(h.name, "content-transfer-encoding")) {
      const t = valueToken(h.value);
      if (t === null) this.illegalFormat("encoding type not found in content encoding");
      else this.transfer = iequal(t.token, "base64") ? Transfer.Base64 : iequal(t.token, "quoted-printable") ? Transfer.QuotedPrintable : Transfer.Other;
    }
    this.submitHeader(h.name, h.value, folds);
    this.headers?.push({ original_name: h.name, name: h.name.toUpperCase(), value: h.value });
  }

  private parseContentTypeField(value: string): void {
    const ct = parseContentType(value);
    if (ct === null) {
      this.illegalFormat("media type/subtype not found in content type");
      return;
    }
    this.contentTypeStr = ct.type;
    this.contentSubtypeStr = ct.subtype;
    this.ctype = ct.type === "MULTIPART" ? CType.Multipart : ct.type === "MESSAGE" ? CType.Message : ct.type === "TEXT" ? CType.Text : CType.Other;
    if (ct.badBoundary) this.illegalFormat("Could not parse multipart boundary");
    if (ct.boundary !== undefined) this.boundary = ct.boundary;
    if (this.ctype === CType.Multipart && this.boundary === null) {
      this.illegalFormat("boundary delimiter is not specified for a multipart entity -- content is treated as type application/octet-stream");
      this.ctype = CType.Other;
    }
  }

  private decodeDataLine(data: Uint8Array, trailingCrlf: boolean): void {
    const t = this.transfer;
    const how = t === Transfer.QuotedPrintable ? BodyEncoding.QuotedPrintable : t === Transfer.Base64 ? BodyEncoding.Base64 : BodyEncoding.AsIs;
    this.bodyDecoder().line(data, trailingCrlf, how, this.holdsCrlf());
  }

  private beginChild(): void {
    if (this.depth >= MIME_MAX_DEPTH) {
      // Deeper entities' lines go to this one.
      this.limitReached("exceeded_mime_max_depth", this.depth);
      return;
    }
    const child = this.newChild();
    this.child = child;
    this.childBegun(child);
  }

  private endChild(): void {
    const c = this.child!;
    c.endOfData();
    this.child = null;
  }
}
