/**
 * Zeek's NetWare Core Protocol analyzer over TCP (NCP, port 524 by a
 * script's choice; src/analyzer/protocol/ncp): each side is cut into
 * frames by its support analyzer (CONTENTS_NCP): an 8-byte header
 * (signature, then the frame's whole length, big-endian), and the rest of
 * the frame; a client's frame has 8 more header bytes (version, reply
 * buffer size). Then the NCP header (frame type, sequence, connection,
 * task) and the body: a request's function (0x57, the enhanced file
 * services, with its subfunction: 0x57SS), a reply's completion code.
 * ncp_request and ncp_reply carry the body's length; a reply carries the
 * last request's frame type and function. It never confirms.
 *
 * Its limits are Zeek's: a frame longer than NCP::max_frame_size (or
 * shorter than its own 8-byte header) is the weird ncp_large_frame
 * (CONTENTS_NCP), with 'X' in the history; the rest of that delivery is
 * dropped and the side looks for a frame again. Looking for a frame (a side
 * whose first data came outside an established connection, or after that
 * weird) takes a delivery only when it starts like one: long enough, a
 * known frame type where it would be (Zeek assumes frames start at packet
 * boundaries). After a content gap the side is not read. A frame too short
 * for its fields is a violation worded as BinPAC's exception.
 *
 * As Telnet, no base script registers it: `engine.registerForPort("NCP", 524)`.
 */
import { registerEvents } from "../../../event/events.js";
import { type Connection, TcpState } from "../../../event/records.js";
import { u16, u32 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, needBytes } from "../binpac.js";

export interface NcpEvents {
  /** A client's frame: its NCP frame type, the body's length, the function (0x57SS for enhanced file services). */
  ncp_request: [c: Connection, frame_type: number, length: number, func: number];
  /** A server's frame: its frame type and body length, the last request's frame type and function, the completion code. */
  ncp_reply: [c: Connection, frame_type: number, length: number, req_frame: number, req_func: number, completion_code: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends NcpEvents {}
}

registerEvents<NcpEvents>({ ncp_request: true, ncp_reply: true });

/** The NCP-over-TCP/IP header every frame starts with: signature and length. */
const TCPIP_HEADER = 8;
/** A client's frame has the version and reply buffer size after it. */
const REQUEST_HEADER = 16;
/** The NCP header: frame type, sequence, connection low, task, connection high. */
const NCP_HEADER = 6;
/** The frame types Zeek looks for when it resynchronizes. */
const FRAME_TYPES = new Set([0x1111, 0x2222, 0x3333, 0x5555, 0x7777, 0x9999]);
const ENHANCED_FILE_SERVICES = 0x57;

/** What a side's framer made of a delivery's bytes. */
const enum Framed {
  More,
  Whole,
  TooLarge,
}

/** One side's frame being gathered (Zeek's NCP_FrameBuffer). */
class FrameBuffer {
  private buf = new Uint8Array(TCPIP_HEADER);
  private have = 0;
  private length = 0;

  get empty(): boolean {
    return this.have === 0;
  }

  /** The whole frame just gathered. */
  get frame(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.have = 0;
    this.length = 0;
  }

  /** Takes bytes from `data` at `at`; how many it took and what it has now. */
  take(data: Uint8Array, at: number, maxFrame: number): { taken: number; framed: Framed } {
    const start = at;
    if (this.have < TCPIP_HEADER) {
      const n = Math.min(TCPIP_HEADER - this.have, data.length - at);
      this.buf.set(data.subarray(at, at + n), this.have);
      this.have += n;
      at += n;
      if (this.have < TCPIP_HEADER) return { taken: at - start, framed: Framed.More };
      this.length = u32(this.buf, 4);
      // The buffer only grows: a frame no longer than one already held is taken whatever the bound.
      if (this.length > this.buf.length) {
        if (this.length > maxFrame) return { taken: at - start, framed: Framed.TooLarge };
        const grown = new Uint8Array(this.length);
        grown.set(this.buf.subarray(0, this.have));
        this.buf = grown;
      }
    }
    const n = Math.max(0, Math.min(this.length - this.have, data.length - at));
    this.buf.set(data.subarray(at, at + n), this.have);
    this.have += n;
    at += n;
    if (this.have < this.length) return { taken: at - start, framed: Framed.More };
    // A length shorter than the header itself is as bad as one too long.
    return { taken: at - start, framed: this.have === this.length ? Framed.Whole : Framed.TooLarge };
  }
}

/** A side's framing (Zeek's Contents_NCP_Analyzer). */
class NcpSide {
  readonly buffer = new FrameBuffer();
  /** Looking for a frame's start (decided at the side's first data). */
  resync = true;
  resyncDecided = false;
  hadGap = false;
}

class NcpAnalyzer implements StreamAnalyzer {
  private readonly sides = [new NcpSide(), new NcpSide()] as const;
  /** The last request's frame type and function, which replies carry (Zeek's NCP_Session). */
  private requestFrameType = 0;
  private requestFunction = 0;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const side = this.sides[isOrig ? 0 : 1];
    if (!side.resyncDecided) {
      side.resyncDecided = true;
      // Zeek resynchronizes a side whose endpoint was not ESTABLISHED at its first data.
      const tcp = this.host.tcpState?.(isOrig) ?? null;
      side.resync = tcp !== null && tcp[0] !== TcpState.ESTABLISHED;
    }
    if (side.hadGap) return;
    if (side.buffer.empty && side.resync) {
      if (!startsFrame(data, isOrig)) return;
      side.resync = false;
    }
    this.frames(side, isOrig, data);
  }

  private frames(side: NcpSide, isOrig: boolean, data: Uint8Array): void {
    const maxFrame = this.host.settings["NCP::max_frame_size"];
    for (let at = 0; at < data.length; ) {
      const { taken, framed } = side.buffer.take(data, at, maxFrame);
      at += taken;
      if (framed === Framed.More) return;
      if (framed === Framed.Whole) {
        this.frame(isOrig, side.buffer.frame);
        side.buffer.reset();
        continue;
      }
      // The rest of this delivery is dropped; the side looks for a frame's start again.
      this.host.limitReached("ncp_large_frame", undefined, undefined, "CONTENTS_NCP");
      side.buffer.reset();
      side.resync = true;
      return;
    }
  }

  undelivered(isOrig: boolean): void {
    const side = this.sides[isOrig ? 0 : 1];
    side.hadGap = true;
    side.buffer.reset();
    side.resync = true;
  }

  endOfData(): void {}

  done(): void {}

  /** A whole frame: its fields, then the event (Zeek's NCP_Session::Deliver). */
  private frame(isOrig: boolean, f: Uint8Array): void {
    try {
      if (isOrig) this.request(f);
      else this.reply(f);
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
    }
  }

  private request(f: Uint8Array): void {
    needBytes(f.length, 0, REQUEST_HEADER + NCP_HEADER, "ncp_over_tcpip_frame");
    const ncp = REQUEST_HEADER;
    const bodyLength = f.length - ncp - NCP_HEADER;
    const body = ncp + NCP_HEADER;
    let func = bodyLength > 0 ? f[body]! : 0;
    if (func === ENHANCED_FILE_SERVICES) func = (func << 8) | (bodyLength > 1 ? f[body + 1]! : 0);
    this.requestFrameType = u16(f, ncp);
    this.requestFunction = func;
    const host = this.host;
    if (host.wants("ncp_request")) host.raise("ncp_request", host.conn(), this.requestFrameType, bodyLength, func);
  }

  private reply(f: Uint8Array): void {
    const ncp = TCPIP_HEADER;
    needBytes(f.length, 0, ncp + NCP_HEADER, "ncp_over_tcpip_frame");
    const body = ncp + NCP_HEADER;
    needBytes(f.length, body, 2, "ncp_reply");
    const host = this.host;
    if (!host.wants("ncp_reply")) return;
    host.raise("ncp_reply", host.conn(), u16(f, ncp), f.length - body, this.requestFrameType, this.requestFunction, f[body]!);
  }
}

/** A delivery that starts like a frame: long enough, and a known frame type where a frame has it. */
function startsFrame(data: Uint8Array, isOrig: boolean): boolean {
  const typeAt = isOrig ? REQUEST_HEADER : TCPIP_HEADER;
  // Zeek's smallest: a request's headers; a reply's headers and its completion code and status.
  if (data.length < (isOrig ? REQUEST_HEADER + NCP_HEADER : TCPIP_HEADER + NCP_HEADER + 2)) return false;
  return FRAME_TYPES.has(u16(data, typeAt));
}

/** Zeek's NCP analyzer: no base script registers it (no port, no signature). */
export const NCP: AnalyzerComponent = {
  name: "NCP",
  script: "",
  /** Zeek's constructor makes a Contents_NCP_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new NcpAnalyzer(host),
};
