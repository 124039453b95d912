/**
 * The ADAT exchange of AUTH GSSAPI (RFC 2228) as Zeek's FTP_ADAT support
 * analyzers read it: GridFTP's GSI mechanism carries a TLS handshake as
 * base64 tokens in "ADAT <token>" commands and "334/335/235 ADAT=<token>"
 * replies. The decoded tokens go to the SSL child; the exchange ends (no more
 * forwarding) on a reply that closes it, a new AUTH, or a first client token
 * that does not look like a TLS handshake record.
 */
import type { AnalyzerHost, ChildStream } from "../analyzer.js";

const B64 = (() => {
  const t = new Int8Array(256).fill(-1);
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) t[abc.charCodeAt(i)] = i;
  // '=' is padding: it fills a group as a zero.
  t[0x3d] = 0;
  return t;
})();

/**
 * Zeek's decode_base64 with a connection: null when a byte is not base64
 * (weird base64_illegal_encoding, once) or groups follow the padding; an
 * incomplete last group is padded with a weird.
 */
export function decodeBase64Strict(data: Uint8Array, weird: (addl: string) => void): Uint8Array | null {
  const out = new Uint8Array(Math.floor((data.length + 3) / 4) * 3);
  let n = 0;
  const group = [0, 0, 0, 0];
  let have = 0;
  let padding = 0;
  let afterPadding = false;
  let errored = false;
  const flush = (): void => {
    if (afterPadding) {
      if (!errored) weird("extra base64 groups after '=' padding are ignored");
      errored = true;
      have = 0;
      return;
    }
    const bits = (group[0]! << 18) | (group[1]! << 12) | (group[2]! << 6) | group[3]!;
    const octets = 3 - padding;
    if (octets >= 1) out[n++] = (bits >> 16) & 0xff;
    if (octets >= 2) out[n++] = (bits >> 8) & 0xff;
    if (octets >= 3) out[n++] = bits & 0xff;
    if (padding > 0) afterPadding = true;
    have = 0;
    padding = 0;
  };
  for (const c of data) {
    if (c === 0x3d) padding++;
    const k = B64[c]!;
    if (k >= 0) {
      group[have++] = k;
      if (have === 4) flush();
    } else {
      if (!errored) weird(`character ${c} ignored by Base64 decoding`);
      errored = true;
    }
  }
  if (errored) return null;
  if (have !== 0) {
    weird(`incomplete base64 group, padding with ${(4 - have) * 6} bits of 0`);
    while (have < 4) {
      padding++;
      group[have++] = 0;
    }
    flush();
  }
  return out.subarray(0, n);
}

const ADAT_EQ = [0x41, 0x44, 0x41, 0x54, 0x3d]; // "ADAT="

export class AdatFilter {
  private firstToken = true;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly ssl: ChildStream,
    private readonly onDone: () => void,
  ) {}

  /** One control line (after the FTP analyzer handled it). */
  line(isOrig: boolean, line: Uint8Array): void {
    let decoded: Uint8Array | null = null;
    let done = false;
    const weird = (addl: string): void => this.host.weird("base64_illegal_encoding", addl, "");
    if (isOrig) {
      let i = 0;
      while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
      let end = i;
      while (end < line.length && line[end] !== 0 && !isSpace(line[end]!)) end++;
      const cmd = String.fromCharCode(...line.subarray(i, end));
      // strncmp(cmd, "ADAT", cmd_len): a prefix of ADAT counts.
      if ("ADAT".startsWith(cmd)) {
        let a = end;
        while (a < line.length && (line[a] === 0x20 || line[a] === 0x09)) a++;
        decoded = decodeBase64Strict(line.subarray(a), weird);
        if (this.firstToken) {
          if (decoded === null) this.host.weird("ftp_adat_bad_first_token_encoding", "", "FTP_ADAT");
          const msg = decoded ?? new Uint8Array(0);
          // GSI starts right in on a TLS handshake record: content type 22 and a length that fits.
          if (msg.length < 5 || msg[0] !== 0x16 || msg.length - 5 !== ((msg[3]! << 8) | msg[4]!)) {
            done = true;
            decoded = null;
          }
        }
        this.firstToken = false;
      } else if ("AUTH".startsWith(cmd)) done = true;
    } else {
      const code =
        line.length >= 3 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2]) ? (line[0]! - 0x30) * 100 + (line[1]! - 0x30) * 10 + (line[2]! - 0x30) : 0;
      switch (code) {
        case 232:
        case 234:
          done = true;
          break;
        case 235:
        case 334:
        case 335: {
          if (code === 235) done = true;
          let i = 3;
          if (line.length > 3 && line[3] === 0x2d) i++;
          while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
          if (line.length - i >= 5 && ADAT_EQ.every((b, k) => line[i + k] === b)) decoded = decodeBase64Strict(line.subarray(i + 5), weird);
          break;
        }
        case 421:
        case 431:
        case 500:
        case 501:
        case 503:
        case 535:
        case 631:
        case 632:
        case 633:
          done = true;
          break;
      }
    }
    if (decoded !== null && decoded.length > 0 && this.ssl.active) this.ssl.deliverStream(isOrig, 0, decoded);
    if (done) this.onDone();
  }
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d);
}
