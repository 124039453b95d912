/**
 * The body side of a MIME entity, shared by mail (SMTP, POP3: mail.ts) and
 * HTTP (../http/entity.ts), as Zeek's HTTP_Entity and MIME_Mail's entities
 * share MIME_Entity: each body line decoded by the entity's transfer
 * encoding (base64 across lines, quoted-printable, or as is with the CR LF
 * put back), the bytes gathered into segments of a fixed size (HTTP's
 * http_entity_data_delivery_size, mail's mime_segment_length) and handed on
 * when full and at the end of every line (Zeek's FlushData after each
 * DecodeDataLine); and the multipart boundary test.
 *
 * Decoded bytes go straight into the segment buffer: no array per line.
 */

/** Where decoded bytes go, one at a time. */
export interface OctetSink {
  octet(b: number): void;
}

const B64 = new Int8Array(256).fill(-1);
for (let i = 0; i < 64; i++) B64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;
B64[0x3d] = 0;
const PADDING = Uint8Array.of(0x3d, 0x3d, 0x3d);

/** Zeek's Base64Converter: groups of four across lines, '=' padding, one report per decoder for junk. */
export class Base64Converter {
  private g0 = 0;
  private g1 = 0;
  private g2 = 0;
  private g3 = 0;
  private next = 0;
  private padding = 0;
  private afterPadding = false;
  private errors = 0;

  constructor(private readonly illegal: (msg: string) => void) {}

  /** True once junk or data after the padding was seen (Zeek's Errored). */
  get errored(): boolean {
    return this.errors > 0;
  }

  /** Decodes `data` into `out`. */
  decode(data: Uint8Array, out: OctetSink): void {
    for (let i = 0; ; i++) {
      if (this.next === 4) this.flushGroup(out);
      if (i >= data.length) break;
      const c = data[i]!;
      if (c === 0x3d) this.padding++;
      const k = B64[c]!;
      if (k >= 0) {
        switch (this.next++) {
          case 0:
            this.g0 = k;
            break;
          case 1:
            this.g1 = k;
            break;
          case 2:
            this.g2 = k;
            break;
          default:
            this.g3 = k;
        }
      } else if (++this.errors === 1) this.illegal(`character ${c} ignored by Base64 decoding`);
    }
  }

  private flushGroup(out: OctetSink): void {
    if (this.afterPadding) {
      if (++this.errors === 1) this.illegal("extra base64 groups after '=' padding are ignored");
      this.next = 0;
      return;
    }
    const n = 3 - this.padding;
    const v = (this.g0 << 18) | (this.g1 << 12) | (this.g2 << 6) | this.g3;
    if (n >= 1) out.octet((v >> 16) & 0xff);
    if (n >= 2) out.octet((v >> 8) & 0xff);
    if (n >= 3) out.octet(v & 0xff);
    if (this.padding > 0) this.afterPadding = true;
    this.next = 0;
    this.padding = 0;
  }

  /** The end: an incomplete group is padded with zero bits. */
  done(out: OctetSink): void {
    if (this.next === 0) return;
    if (this.next < 4) this.illegal(`incomplete base64 group, padding with ${(4 - this.next) * 6} bits of 0`);
    this.decode(PADDING.subarray(0, 4 - this.next), out);
  }
}

/** Bytes gathered into segments of `size`, each handed to `submit` (a view of a reused buffer: copy what you keep). */
export class SegmentBuffer implements OctetSink {
  /** Made at the first byte: most entities have no body. */
  private buf: Uint8Array | null = null;
  private len = 0;

  constructor(
    private readonly size: number,
    private readonly submit: (data: Uint8Array) => void,
  ) {}

  octet(b: number): void {
    const buf = (this.buf ??= new Uint8Array(this.size));
    buf[this.len++] = b;
    if (this.len === this.size) {
      this.len = 0;
      this.submit(buf);
    }
  }

  octets(data: Uint8Array): void {
    const n = data.length;
    let i = 0;
    // Whole segments of the input go on as views of it, without the copy.
    while (this.len === 0 && n - i >= this.size) {
      this.submit(data.subarray(i, i + this.size));
      i += this.size;
    }
    while (i < n) {
      const buf = (this.buf ??= new Uint8Array(this.size));
      const k = Math.min(this.size - this.len, n - i);
      buf.set(data.subarray(i, i + k), this.len);
      this.len += k;
      i += k;
      if (this.len === this.size) {
        this.len = 0;
        this.submit(buf);
      }
    }
  }

  /**
   * `data` then a flush, as `octets(data)` and `flush()` would hand it on; with
   * nothing gathered (always so between deliveries) the pieces are views of
   * `data` itself, without the copy.
   */
  octetsFlushed(data: Uint8Array): void {
    if (this.len > 0) {
      this.octets(data);
      this.flush();
      return;
    }
    const size = this.size;
    for (let i = 0; i < data.length; i += size) this.submit(data.subarray(i, Math.min(data.length, i + size)));
  }

  /** Hands on what is gathered. */
  flush(): void {
    if (this.len > 0) {
      const n = this.len;
      this.len = 0;
      this.submit(this.buf!.subarray(0, n));
    }
  }
}

/** A body's transfer encoding, as far as decoding goes. */
export const enum BodyEncoding {
  AsIs = 0,
  QuotedPrintable = 1,
  Base64 = 2,
}

/** What a body decoder reports. */
export interface BodyReports {
  /** MIME_Entity::IllegalEncoding (mime_event / http_event "illegal encoding"). */
  illegalEncoding(detail: string): void;
  /** The base64 converter's complaint (Zeek's conn weird base64_illegal_encoding). */
  base64Illegal(msg: string): void;
}

const CR = 0x0d;
const LF = 0x0a;

/** One entity's body decoding (Zeek's MIME_Entity::DecodeDataLine and friends). */
export class BodyDecoder {
  private b64: Base64Converter | null = null;
  private delayCrlf = false;
  readonly out: SegmentBuffer;

  constructor(
    segmentSize: number,
    submit: (data: Uint8Array) => void,
    private readonly reports: BodyReports,
  ) {
    this.out = new SegmentBuffer(segmentSize, submit);
  }

  /** The body begins in base64 (StartDecodeBase64). */
  startBase64(): void {
    this.b64 = new Base64Converter((m) => this.reports.base64Illegal(m));
  }

  /**
   * One body line; `holdCrlf`: the entity is a multipart part, whose last
   * CR LF belongs to the boundary that follows (so each is held until more
   * content comes).
   */
  line(data: Uint8Array, trailingCrlf: boolean, encoding: BodyEncoding, holdCrlf: boolean): void {
    switch (encoding) {
      case BodyEncoding.QuotedPrintable:
        this.quotedPrintable(data);
        break;
      case BodyEncoding.Base64:
        this.b64?.decode(data, this.out);
        break;
      default:
        if (this.delayCrlf) {
          this.delayCrlf = false;
          this.out.octet(CR);
          this.out.octet(LF);
        }
        this.out.octets(data);
        if (trailingCrlf) {
          if (holdCrlf) this.delayCrlf = true;
          else {
            this.out.octet(CR);
            this.out.octet(LF);
          }
        }
    }
    this.out.flush();
  }

  /**
   * Body bytes delivered as data, not as a line (HTTP's bodies of known
   * length, chunk data, data up to the connection's end): as a line without
   * CR LF in no transfer encoding, decoded as is.
   */
  data(data: Uint8Array): void {
    this.out.octetsFlushed(data);
  }

  /** The body's end: the base64 remainder (FinishDecodeBase64), then what is gathered. */
  finish(): void {
    if (this.b64 !== null) {
      this.b64.done(this.out);
      this.b64 = null;
    }
    this.out.flush();
  }

  private quotedPrintable(data: Uint8Array): void {
    const out = this.out;
    let end = data.length - 1;
    while (end >= 0 && (data[end] === 9 || data[end] === 32)) end--;
    let soft = false;
    for (let i = 0; i <= end; i++) {
      const ch = data[i]!;
      if (ch === 0x3d) {
        if (i === end) soft = true;
        else {
          const a = i + 2 < data.length ? hexValue(data[i + 1]!) : -1;
          const b = i + 2 < data.length ? hexValue(data[i + 2]!) : -1;
          if (a >= 0 && b >= 0) {
            out.octet((a << 4) + b);
            i += 2;
          } else {
            this.reports.illegalEncoding("= is not followed by two hexadecimal digits in quoted-printable encoding");
            out.octet(ch);
          }
        }
      } else if ((ch >= 33 && ch <= 60) || (ch >= 62 && ch <= 126) || ch === 9 || ch === 32) out.octet(ch);
      else {
        // Zeek prints the byte as a (signed) char.
        this.reports.illegalEncoding(`control characters in quoted-printable encoding: ${ch > 127 ? ch - 256 : ch}`);
        out.octet(ch);
      }
    }
    if (!soft) {
      out.octet(CR);
      out.octet(LF);
    }
  }
}

function hexValue(ch: number): number {
  if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
  if (ch >= 0x41 && ch <= 0x46) return ch - 0x41 + 10;
  if (ch >= 0x61 && ch <= 0x66) return ch - 0x61 + 10;
  return -1;
}

/** A body line against a multipart boundary: 0 none, 1 a delimiter, 2 the closing one. */
export function boundaryKind(boundary: string | null, data: Uint8Array): number {
  if (boundary === null) return 0;
  if (data.length < 2 || data[0] !== 0x2d || data[1] !== 0x2d) return 0;
  if (data.length - 2 < boundary.length) return 0;
  for (let i = 0; i < boundary.length; i++) if (data[2 + i] !== boundary.charCodeAt(i)) return 0;
  const rest = 2 + boundary.length;
  return data.length - rest >= 2 && data[rest] === 0x2d && data[rest + 1] === 0x2d ? 2 : 1;
}
