/**
 * Contents files: a connection's reassembled stream(s) written to a file as
 * they are delivered (Zeek's set_contents_file / get_contents_file, the way
 * tcpflow writes flows).
 *
 * Setting a file switches on delivery for that connection only (its TCP
 * analyzer keeps payload from then on), whatever tcp_content_deliver_* say.
 * Bytes arrive in sequence order, each byte once (the first copy wins, §4.2);
 * a hole the peer acked is written as Zeek writes it, "\n<<gap N>>\n". With
 * CONTENTS_BOTH both sides go into one file in delivery order.
 *
 * A failure (the file cannot be opened, a write fails) raises
 * `contents_file_write_failure(c, msg)` with the reason, closes the file and
 * lets the engine carry on. Files are closed when the connection is removed.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Connection } from "../../event/records.js";
import { ConnRecord } from "../../session/conn-record.js";
import { CONTENTS_BOTH, CONTENTS_ORIG, CONTENTS_RESP, type ContentsSink } from "../app/conn-streams.js";
import { TcpConn } from "./tcp-conn.js";

export { CONTENTS_BOTH, CONTENTS_ORIG, CONTENTS_RESP };

/** Which side(s): a name, or Zeek's constant (CONTENTS_ORIG = 1, CONTENTS_RESP = 2, CONTENTS_BOTH = 3). */
export type ContentsDirection = "orig" | "resp" | "both" | typeof CONTENTS_ORIG | typeof CONTENTS_RESP | typeof CONTENTS_BOTH;

function directionBits(direction: ContentsDirection): number {
  switch (direction) {
    case "orig":
    case CONTENTS_ORIG:
      return CONTENTS_ORIG;
    case "resp":
    case CONTENTS_RESP:
      return CONTENTS_RESP;
    case "both":
    case CONTENTS_BOTH:
      return CONTENTS_BOTH;
    default:
      throw new RangeError(`bad contents direction ${String(direction)}`);
  }
}

/** The TCP connection behind a record handed to a script, if it is one. */
function tcpConnOf(c: Connection): TcpConn | null {
  if (!(c instanceof ConnRecord)) return null;
  const owner: unknown = c.owner;
  return owner instanceof TcpConn && !owner.removed ? owner : null;
}

/**
 * Writes the stream(s) of `direction` of connection `c` to `path` (created or
 * truncated) from now on. Returns false when `c` is not a live TCP connection
 * or the file cannot be opened (then contents_file_write_failure says why).
 */
export function setContentsFile(c: Connection, direction: ContentsDirection, path: string): boolean {
  const bits = directionBits(direction);
  const conn = tcpConnOf(c);
  if (conn === null) return false;
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (err) {
    reportFailure(conn, `cannot open contents file ${path}: ${reason(err)}`);
    return false;
  }
  const file = new ContentsFile(path, bits, fd, (msg) => reportFailure(conn, msg));
  conn.openStreams().setContentsFile(bits, file);
  return true;
}

/** The path of the contents file of one side ("orig"/CONTENTS_ORIG or "resp"/CONTENTS_RESP), if one is set. */
export function getContentsFile(c: Connection, direction: ContentsDirection): string | undefined {
  const bits = directionBits(direction);
  const conn = tcpConnOf(c);
  if (conn === null || conn.streams === null) return undefined;
  if (bits === CONTENTS_BOTH) {
    // Zeek answers for the originator first.
    return (conn.streams.contentsFile(CONTENTS_ORIG) ?? conn.streams.contentsFile(CONTENTS_RESP))?.path;
  }
  return conn.streams.contentsFile(bits)?.path;
}

function reportFailure(conn: TcpConn, msg: string): void {
  const bus = conn.ctx.bus;
  if (bus.wants.contents_file_write_failure) bus.queue("contents_file_write_failure", conn.val(), msg);
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One open contents file: synchronous writes straight from the delivered bytes (no copy). */
export class ContentsFile implements ContentsSink {
  private fd: number | null;

  constructor(
    readonly path: string,
    readonly directions: number,
    fd: number,
    private readonly onFailure: (msg: string) => void,
  ) {
    this.fd = fd;
  }

  /** True until the file is closed (done, or after a failure). */
  get isOpen(): boolean {
    return this.fd !== null;
  }

  deliverStream(_isOrig: boolean, _seq: number, data: Uint8Array): void {
    this.write(data, "content");
  }

  undelivered(_isOrig: boolean, _seq: number, len: number): void {
    this.write(new TextEncoder().encode(`\n<<gap ${len}>>\n`), "gap");
  }

  endOfData(_isOrig: boolean): void {}

  done(): void {
    const fd = this.fd;
    if (fd === null) return;
    this.fd = null;
    try {
      closeSync(fd);
    } catch (err) {
      this.onFailure(`TCP reassembler contents close failure: ${this.path}: ${reason(err)}`);
    }
  }

  private write(data: Uint8Array, what: "content" | "gap"): void {
    const fd = this.fd;
    if (fd === null) return;
    try {
      for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
    } catch (err) {
      this.done();
      this.onFailure(`TCP reassembler ${what} write failure: ${this.path}: ${reason(err)}`);
    }
  }
}
