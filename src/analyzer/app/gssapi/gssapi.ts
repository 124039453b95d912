/**
 * Zeek's GSSAPI analyzer: SPNEGO tokens (RFC 4178), one whole token per
 * deliverStream call (SMB's session-setup security blobs, DCE-RPC's auth
 * type 9 trailers). It has no port nor signature; its parent adds it.
 *
 * Read as Zeek's BinPAC grammar reads them, with its loose ASN.1 headers
 * (one tag byte, a length byte, then that many length bytes when the top
 * bit is set):
 * - a token tagged 0x60 is a negTokenInit: the mechanism OID, the [0]
 *   wrapper and the SEQUENCE header are stepped over, then each [n] field:
 *   mechTypes, reqFlags, mechToken, mechListMIC;
 * - otherwise a negTokenResp: after the SEQUENCE header, negState (raising
 *   gssapi_neg_result with its value), supportedMech, responseToken,
 *   mechListMIC;
 * - the GSS-API MIC and wrap tokens (headers 04 04, 05 04) are skipped;
 * - a field number other than 0-3, or a field longer than the token, is a
 *   violation ("Binpac exception: …"); a token read whole confirms GSSAPI.
 *
 * A mechToken or responseToken starting "NTLMSSP" goes to an NTLM child; one
 * starting 0x60 (a Kerberos GSS token: OID, two token id bytes, then the
 * message) or 0x6e/0x6f (a bare AP-REQ/AP-REP) to a KRB child, which reads
 * each token as one datagram (its kerberos.log rows and `krb` service).
 * Both children are detached (outside the tree as scripts see it), as Zeek
 * instantiates them outside its analyzer tree.
 */
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import "./events.js";

/** A field past the token's end, or an unknown field (BinPAC's exceptions). */
class Malformed extends Error {}

/** BinPAC's ASN1EncodingMeta: tag byte, length byte, optional long-form length bytes. */
interface Meta {
  tag: number;
  /** The first length byte as it is (GSSAPI_SELECT's token id uses it). */
  lenByte: number;
  length: number;
}

/** A cursor over one token (or part of it). */
class Cursor {
  constructor(
    readonly d: Uint8Array,
    public at: number,
    readonly end: number,
  ) {}

  meta(): Meta {
    if (this.at + 2 > this.end) throw new Malformed(`out_of_bound: ASN1EncodingMeta: ${this.at + 2} > ${this.end}`);
    const tag = this.d[this.at]!;
    const lenByte = this.d[this.at + 1]!;
    this.at += 2;
    let length = lenByte;
    if ((lenByte & 0x80) !== 0) {
      const n = lenByte & 0x7f;
      if (this.at + n > this.end) throw new Malformed(`out_of_bound: ASN1EncodingMeta:more_len: ${this.at + n} > ${this.end}`);
      // binary_to_int64: big-endian, only the low 64 bits kept (a number: exact to 2^53).
      length = 0;
      for (let k = 0; k < n; k++) length = (length % 2 ** 45) * 256 + this.d[this.at + k]!;
      this.at += n;
    }
    return { tag, lenByte, length };
  }

  /** `n` bytes from here (a view), which must lie inside the bounds. */
  take(n: number, what: string): Uint8Array {
    if (n > this.end - this.at) throw new Malformed(`out_of_bound: ${what}: ${n} > ${this.end - this.at}`);
    const v = this.d.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }

  /** A whole ASN1Encoding (header and content); its content. */
  encoding(what: string): Uint8Array {
    const m = this.meta();
    return this.take(m.length, what);
  }
}

export class GssapiAnalyzer implements StreamAnalyzer {
  private ntlm: ChildStream | null = null;
  private krb: ChildStream | null = null;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    try {
      this.token(isOrig, new Cursor(data, 0, data.length));
    } catch (err) {
      if (!(err instanceof Malformed)) throw err;
      this.host.violation(`Binpac exception: binpac exception: ${err.message}`);
      return;
    }
    this.host.confirm();
  }

  private token(isOrig: boolean, c: Cursor): void {
    const wrapper = c.meta();
    const tokId = (wrapper.tag << 8) | wrapper.lenByte;
    if (tokId === 0x0404 || tokId === 0x0504) return;
    const init = wrapper.tag === 0x60;
    if (init) {
      c.encoding("GSSAPI_NEG_TOKEN:oid");
      c.meta();
    }
    c.meta();
    // The fields run to the token's end, each bounded by its own header.
    while (c.at < c.end) {
      const m = c.meta();
      const index = (m.tag - 0xa0) & 0xff;
      const body = new Cursor(c.d, c.at, c.at + m.length);
      c.take(m.length, init ? "GSSAPI_NEG_TOKEN_INIT_Arg" : "GSSAPI_NEG_TOKEN_RESP_Arg");
      if (index > 3) throw new Malformed(`invalid index for case: ${init ? "GSSAPI_NEG_TOKEN_INIT_Arg_Data" : "GSSAPI_NEG_TOKEN_RESP_Arg"}: ${index}`);
      if (index === 2) this.mechToken(isOrig, body);
      else if (init || index !== 0) body.encoding("ASN1Encoding");
      else this.negState(body);
    }
  }

  private negState(body: Cursor): void {
    const v = body.encoding("ASN1Integer");
    if (!this.host.wants("gssapi_neg_result")) return;
    let state = 0;
    for (const b of v) state = (state % 2 ** 45) * 256 + b;
    this.host.raise("gssapi_neg_result", this.host.conn(), state);
  }

  /** A mechToken/responseToken: to NTLM or KRB by its first byte. */
  private mechToken(isOrig: boolean, body: Cursor): void {
    const token = body.encoding("GSSAPI_NEG_TOKEN_MECH_TOKEN:token");
    const first = token.length > 0 ? token[0]! : -1;
    if (first === 0x4e) {
      if (token.length >= 7 && token[1] === 0x54 && token[2] === 0x4c && token[3] === 0x4d && token[4] === 0x53 && token[5] === 0x53 && token[6] === 0x50) {
        this.ntlm ??= this.host.addChild("NTLM", { detached: true });
        if (this.ntlm?.active) this.ntlm.deliverStream(isOrig, 0, token);
      }
    } else if (first === 0x60) {
      // KRB_OID_BLOB: its header, the mechanism OID, a 2-byte token id, then the Kerberos message.
      const k = new Cursor(token, 0, token.length);
      k.meta();
      k.encoding("KRB_OID_BLOB:oid");
      k.take(2, "KRB_OID_BLOB:token_id");
      this.toKrb(isOrig, token.subarray(k.at));
    } else if (first === 0x6e || first === 0x6f) this.toKrb(isOrig, token);
  }

  private toKrb(isOrig: boolean, message: Uint8Array): void {
    this.krb ??= this.host.addChild("KRB", { packets: true, detached: true });
    if (this.krb?.active) this.krb.deliverStream(isOrig, 0, message);
  }

  undelivered(): void {}
  endOfData(): void {}
  done(): void {}
}

export const GSSAPI: AnalyzerComponent = {
  name: "GSSAPI",
  // Zeek has no script for GSSAPI: the analyzer is always there.
  script: "",
  detached: true,
  stream: (host) => new GssapiAnalyzer(host),
};
