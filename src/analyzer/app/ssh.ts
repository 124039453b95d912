/**
 * A minimal SSH analyzer: finds each side's protocol version line
 * ("SSH-2.0-OpenSSH_9.6", RFC 4253 §4.2) and confirms the protocol, which
 * puts "ssh" into c.service (conn.log's service column), as Zeek's SSH
 * analyzer does for a connection that speaks SSH. It parses nothing beyond
 * the version exchange: it is the example of the app-analyzer interface.
 *
 * RFC 4253 lets the server send other lines before its version line; they
 * are skipped. A side that sends more than MAX_PRE_VERSION_BYTES without a
 * version line, or whose stream has a hole before it, is not SSH: violation.
 */
import type { AppAnalyzer, AppAnalyzerHost, AppAnalyzerSpec } from "./analyzer.js";

/** Bytes a side may send before its version line (RFC 4253 limits a line to 255 bytes; servers may send a few lines first). */
const MAX_PRE_VERSION_BYTES = 4096;
const LF = 0x0a;
const VERSION_PREFIX = [0x53, 0x53, 0x48, 0x2d]; // "SSH-"

/** Called with each side's version line (without CR LF). */
export type SshVersionListener = (isOrig: boolean, version: string) => void;

/** Buffers one side's bytes until its version line is complete. */
class SideScanner {
  done = false;
  private pending: Uint8Array = new Uint8Array(0);

  /** Feeds `data`; returns the version line once found, null while looking, undefined when it gave up. */
  feed(data: Uint8Array): string | null | undefined {
    const all = new Uint8Array(this.pending.length + data.length);
    all.set(this.pending);
    all.set(data, this.pending.length);
    let lineStart = 0;
    for (let i = 0; i < all.length; i++) {
      if (all[i] !== LF) continue;
      if (startsWithVersion(all, lineStart)) {
        this.done = true;
        this.pending = new Uint8Array(0);
        let end = i;
        if (end > lineStart && all[end - 1] === 0x0d) end--;
        return new TextDecoder("latin1").decode(all.subarray(lineStart, end));
      }
      lineStart = i + 1;
    }
    if (all.length > MAX_PRE_VERSION_BYTES) {
      this.done = true;
      return undefined;
    }
    // Keep everything (skipped lines count against the limit; rescanning them is cheap at this size).
    this.pending = all;
    return null;
  }
}

function startsWithVersion(b: Uint8Array, at: number): boolean {
  for (let k = 0; k < VERSION_PREFIX.length; k++) if (b[at + k] !== VERSION_PREFIX[k]) return false;
  return true;
}

class SshAnalyzer implements AppAnalyzer {
  private readonly sides = [new SideScanner(), new SideScanner()];

  constructor(
    private readonly host: AppAnalyzerHost,
    private readonly listener: SshVersionListener | undefined,
  ) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    if (side.done) return;
    const version = side.feed(data);
    if (version === undefined) this.host.violation("no SSH version line");
    else if (version !== null) {
      this.listener?.(isOrig, version);
      this.host.confirm("ssh");
    }
  }

  undelivered(isOrig: boolean, _seq: number, _len: number): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    if (!side.done) this.host.violation("content gap before the SSH version line");
  }

  endOfData(_isOrig: boolean): void {}

  done(): void {}
}

/** An SSH analyzer spec for port 22; `listener` hears each side's version line. */
export function sshAnalyzer(listener?: SshVersionListener): AppAnalyzerSpec {
  return {
    name: "SSH",
    tcpPorts: [22],
    create: (host) => new SshAnalyzer(host, listener),
  };
}

/** The SSH analyzer on port 22 (register with `engine.registerAnalyzer(SSH_ANALYZER)`). */
export const SSH_ANALYZER: AppAnalyzerSpec = sshAnalyzer();
