/**
 * A minimal SSH analyzer: it follows each side through the clear-text part
 * of the protocol — the version line ("SSH-2.0-OpenSSH_9.6", RFC 4253 §4.2),
 * then the binary packets of the key exchange (§6) — and confirms the
 * protocol when a side sends NEWKEYS (SSH2 message 21; SSH1's
 * SSH_CMSG_SESSION_KEY, 3), which is when Zeek's SSH analyzer confirms and
 * puts "ssh" into c.service (conn.log's service column). After that the side
 * is encrypted and ignored. It is the example of the app-analyzer interface:
 * it raises no events of its own; `listener` hears the version lines.
 *
 * As in Zeek: partial connections (no handshake seen) are not analysed, and a
 * content gap stops the analysis of the connection. RFC 4253 lets the server
 * send other lines before its version line; they are skipped. A side that
 * sends more than MAX_PRE_VERSION_BYTES without a version line, or a packet
 * length no implementation would send, is a violation.
 */
import type { AnalyzerComponent, AnalyzerHost, AppAnalyzer } from "../analyzer.js";

/** Bytes a side may send before its version line (a line is at most 255 bytes; servers may send a few lines first). */
const MAX_PRE_VERSION_BYTES = 4096;
/** Larger binary packets are taken as "not SSH" (RFC 4253 §6.1 requires 35000; real KEXINITs stay far below this). */
const MAX_PACKET_LENGTH = 256 * 1024;
const SSH2_MSG_NEWKEYS = 21;
const SSH1_CMSG_SESSION_KEY = 3;
const LF = 0x0a;
const CR = 0x0d;
const VERSION_PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"

/** Called with each side's version line (without CR LF). */
export type SshVersionListener = (isOrig: boolean, version: string) => void;

const enum Phase {
  Version,
  Packets,
  Done,
}

/** One side: looks for its version line, then walks its clear-text binary packets. */
class SshSide {
  phase = Phase.Version;
  /** SSH1 framing (version 1.x other than 1.99). */
  ssh1 = false;
  private pending: Uint8Array = new Uint8Array(0);
  /** Header bytes of the packet being read (length, then padding/type). */
  private readonly header = new Uint8Array(16);
  private headerLen = 0;
  private headerNeed = 0;
  /** Bytes of the current packet still to skip after its header. */
  private skip = 0;

  /** Feeds bytes while looking for the version line; returns the line once found, null while looking, undefined when giving up. */
  findVersion(data: Uint8Array): { line: string; rest: Uint8Array } | null | undefined {
    const all = new Uint8Array(this.pending.length + data.length);
    all.set(this.pending);
    all.set(data, this.pending.length);
    let lineStart = 0;
    for (let i = 0; i < all.length; i++) {
      if (all[i] !== LF) continue;
      if (startsWithVersion(all, lineStart)) {
        this.pending = new Uint8Array(0);
        const end = i > lineStart && all[i - 1] === CR ? i - 1 : i;
        return { line: new TextDecoder("latin1").decode(all.subarray(lineStart, end)), rest: all.subarray(i + 1) };
      }
      lineStart = i + 1;
    }
    if (all.length > MAX_PRE_VERSION_BYTES) return undefined;
    // Skipped lines count against the limit; rescanning them is cheap at this size.
    this.pending = all;
    return null;
  }

  /**
   * Walks binary packets in `data`; returns the message type of a key-switching
   * message when one ends the clear text, -1 when none did, -2 on a bad length.
   */
  walkPackets(data: Uint8Array): number {
    let i = 0;
    while (i < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      if (this.headerNeed === 0) this.headerNeed = 4;
      while (this.headerLen < this.headerNeed && i < data.length) this.header[this.headerLen++] = data[i++]!;
      if (this.headerLen < this.headerNeed) break;
      const length = ((this.header[0]! << 24) | (this.header[1]! << 16) | (this.header[2]! << 8) | this.header[3]!) >>> 0;
      if (length > MAX_PACKET_LENGTH || length < (this.ssh1 ? 1 : 2)) return -2;
      // SSH2: length, padding length, type. SSH1: length, 1-8 padding bytes, type (Zeek's get_kex_length).
      const padding = this.ssh1 ? 8 - (length % 8) : 1;
      const typeAt = 4 + padding;
      if (this.headerNeed === 4) {
        this.headerNeed = typeAt + 1;
        continue;
      }
      const type = this.header[typeAt]!;
      const total = this.ssh1 ? length + 4 + padding : length + 4;
      this.skip = total - (typeAt + 1);
      this.headerLen = this.headerNeed = 0;
      if (type === (this.ssh1 ? SSH1_CMSG_SESSION_KEY : SSH2_MSG_NEWKEYS)) return type;
    }
    return -1;
  }
}

function startsWithVersion(b: Uint8Array, at: number): boolean {
  for (let k = 0; k < VERSION_PREFIX.length; k++) if (b[at + k] !== VERSION_PREFIX[k]) return false;
  return true;
}

/** "SSH-1.5-…" speaks SSH1; "SSH-1.99-…" is an SSH2 server that accepts SSH1 clients. */
function isSsh1(version: string): boolean {
  return version.startsWith("SSH-1.") && !version.startsWith("SSH-1.99");
}

class SshAnalyzer implements AppAnalyzer {
  private readonly sides = [new SshSide(), new SshSide()];
  private stopped = false;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly listener: SshVersionListener | undefined,
  ) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.stopped || this.host.isPartial()) return;
    const side = this.sides[isOrig ? 0 : 1]!;
    let rest = data;
    if (side.phase === Phase.Version) {
      const found = side.findVersion(data);
      if (found === undefined) return this.host.violation("no SSH version line");
      if (found === null) return;
      side.phase = Phase.Packets;
      const other = this.sides[isOrig ? 1 : 0]!;
      side.ssh1 = isSsh1(found.line);
      if (side.ssh1 && other.phase !== Phase.Version) other.ssh1 = true;
      if (other.ssh1) side.ssh1 = true;
      this.listener?.(isOrig, found.line);
      rest = found.rest;
    }
    if (side.phase !== Phase.Packets || rest.length === 0) return;
    const type = side.walkPackets(rest);
    if (type === -2) return this.host.violation("bad SSH packet length");
    if (type >= 0) {
      side.phase = Phase.Done; // encrypted from here on
      this.host.confirm();
    }
  }

  undelivered(_isOrig: boolean, _seq: number, _len: number): void {
    // Zeek's SSH analyzer stops at the first content gap.
    this.stopped = true;
  }

  endOfData(_isOrig: boolean): void {}

  done(): void {}
}

/** The SSH analyzer component (port 22, and DPD: a version line from both sides); `listener` hears each side's version line. */
export function sshAnalyzer(listener?: SshVersionListener): AnalyzerComponent {
  return {
    name: "SSH",
    script: "base/protocols/ssh",
    tcpPorts: [22],
    signatures: SSH_SIGNATURES,
    stream: (host) => new SshAnalyzer(host, listener),
  };
}

/**
 * Zeek's ssh/dpd.sig: a client version line enables SSH once the server sent
 * one too.
 */
const SSH_SIGNATURES = [
  { id: "dpd_ssh_client", proto: "tcp", payload: "[sS][sS][hH]-[12]\\.", requiresReverse: "dpd_ssh_server", enable: "ssh", tcpState: "originator" },
  { id: "dpd_ssh_server", proto: "tcp", payload: "[sS][sS][hH]-[12]\\.", tcpState: "responder" },
] as const;

/** The SSH analyzer. */
export const SSH: AnalyzerComponent = sshAnalyzer();
/** The old name of the SSH component. */
export const SSH_ANALYZER = SSH;
