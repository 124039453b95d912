/**
 * The WebSocket analyzer (Zeek's binpac one: websocket-protocol.pac and
 * WebSocket.cc). HTTP starts it as a child after a 101 reply to
 * `Upgrade: websocket` (HTTP::upgrade_analyzers); it raises
 * websocket_established at once (the script logs websocket.log from it),
 * then parses each side's frames (RFC 6455 §5.2):
 *
 * - a message is a first frame (opcode not 0) and, until FIN, continuation
 *   frames (opcode 0); anything else is a violation, after which that side
 *   is no longer parsed (a binpac &enforce failure in Zeek). Control frames
 *   inside a fragmented message are therefore violations too, as in Zeek.
 * - the payload is taken in chunks of at most WebSocket::payload_chunk_size
 *   (8192) bytes, each waited for whole, unmasked, raised as
 *   websocket_frame_data and, for text and binary messages, forwarded to a
 *   DPD child (WebSocket::use_dpd_default): SSL, SSH or HTTP tunnelled in
 *   WebSocket messages are found and analysed as on their own.
 * - control frames (close, ping, pong) over WebSocket::max_control_frame_size
 *   (125, RFC 6455's limit; 0 for none) bytes are the weird
 *   websocket_control_frame_size_exceeded and only their first that many
 *   bytes are raised.
 * - the analyzer confirms the protocol when the first whole message ends
 *   (websocket_message); a content gap stops all parsing.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, AppAnalyzer, ChildStream } from "../analyzer.js";

export interface WebSocketEvents {
  /** The analyzer was attached after the HTTP upgrade (`aid` is its id). */
  websocket_established: [c: Connection, aid: number];
  /** A whole message (all its frames) ended; `opcode` is its first frame's. */
  websocket_message: [c: Connection, is_orig: boolean, opcode: number];
  /** A frame header. */
  websocket_frame: [c: Connection, is_orig: boolean, fin: boolean, reserved: number, opcode: number, payload_len: number];
  /** A chunk of a frame's payload, unmasked. */
  websocket_frame_data: [c: Connection, is_orig: boolean, data: string];
  /** A close frame: its status (0 when it has no payload) and reason. */
  websocket_close: [c: Connection, is_orig: boolean, status: number, reason: string];
}
declare module "../../../event/events.js" {
  interface EventMap extends WebSocketEvents {}
}
registerEvents<WebSocketEvents>({
  websocket_established: true,
  websocket_message: true,
  websocket_frame: true,
  websocket_frame_data: true,
  websocket_close: true,
});

const OPCODE_TEXT = 1;
const OPCODE_BINARY = 2;
const OPCODE_CLOSE = 8;
const OPCODE_PING = 9;
const OPCODE_PONG = 10;
/** WebSocket::payload_chunk_size. */
const PAYLOAD_CHUNK_SIZE = 8192;
const MAX_HEADER = 14;

/** One direction's frame parser (binpac's WebSocket_Flow). */
class Flow {
  /** Header bytes collected so far. */
  private readonly head = new Uint8Array(MAX_HEADER);
  private headLen = 0;
  /** Bytes of the current chunk collected so far (a chunk is processed whole). */
  private chunk: Uint8Array | null = null;
  private chunkLen = 0;
  private inPayload = false;
  /** The next frame starts a message (its opcode must not be 0). */
  private firstFrame = true;
  private fin = false;
  private frameOpcode = 0;
  private effectiveOpcode = 0;
  private messageOpcode = 0;
  private payloadLeft = 0;
  private emitLeft = 0;
  private hasMask = false;
  private readonly mask = new Uint8Array(4);
  private maskIdx = 0;
  dead = false;

  constructor(
    private readonly a: WebSocketAnalyzer,
    private readonly isOrig: boolean,
  ) {}

  deliver(data: Uint8Array): void {
    let pos = 0;
    while (pos < data.length && !this.dead) {
      if (!this.inPayload) {
        const need = this.headerNeed();
        const take = Math.min(need - this.headLen, data.length - pos);
        this.head.set(data.subarray(pos, pos + take), this.headLen);
        this.headLen += take;
        pos += take;
        // The header's length depends on its first two bytes: look again once they are in.
        if (this.headLen >= this.headerNeed()) this.header();
        continue;
      }
      const want = Math.min(this.payloadLeft, PAYLOAD_CHUNK_SIZE);
      if (this.chunkLen === 0 && data.length - pos >= want) {
        this.payloadChunk(data.subarray(pos, pos + want));
        pos += want;
        continue;
      }
      this.chunk ??= new Uint8Array(PAYLOAD_CHUNK_SIZE);
      const take = Math.min(want - this.chunkLen, data.length - pos);
      this.chunk.set(data.subarray(pos, pos + take), this.chunkLen);
      this.chunkLen += take;
      pos += take;
      if (this.chunkLen === want) {
        const whole = this.chunk.subarray(0, want);
        this.chunkLen = 0;
        this.payloadChunk(whole);
      }
    }
  }

  /** The header's full length as far as its bytes so far tell. */
  private headerNeed(): number {
    if (this.headLen < 2) return 2;
    const len1 = this.head[1]! & 0x7f;
    return 2 + (this.head[1]! & 0x80 ? 4 : 0) + (len1 < 126 ? 0 : len1 === 126 ? 2 : 8);
  }

  private header(): void {
    const h = this.head;
    const opcode = h[0]! & 0x0f;
    if (this.firstFrame ? opcode === 0 : opcode !== 0) {
      this.dead = true;
      this.a.host.violation("Binpac exception: binpac exception: &enforce violation : WebSocket_FrameHeader:first2", h.subarray(0, 2));
      return;
    }
    const fin = (h[0]! & 0x80) !== 0;
    const reserved = (h[0]! & 0x70) >> 4;
    const len1 = h[1]! & 0x7f;
    this.hasMask = (h[1]! & 0x80) !== 0;
    let at = 2;
    let len = len1;
    if (len1 === 126) {
      len = (h[2]! << 8) | h[3]!;
      at = 4;
    } else if (len1 === 127) {
      // 64 bits; anything past 2^53 is beyond any capture anyway.
      len = 0;
      for (let i = 2; i < 10; i++) len = len * 256 + h[i]!;
      at = 10;
    }
    if (this.hasMask) this.mask.set(h.subarray(at, at + 4));
    this.headLen = 0;
    // binpac's new_frame_payload, then process_header.
    const host = this.a.host;
    if (this.payloadLeft > 0) host.weird("websocket_frame_not_consumed");
    if (this.firstFrame) {
      this.effectiveOpcode = opcode;
      this.messageOpcode = opcode;
    }
    this.payloadLeft = len;
    this.emitLeft = len;
    const control = this.effectiveOpcode === OPCODE_CLOSE || this.effectiveOpcode === OPCODE_PING || this.effectiveOpcode === OPCODE_PONG;
    const max = host.settings["WebSocket::max_control_frame_size"];
    if (control && max !== 0 && this.emitLeft > max) {
      host.weird("websocket_control_frame_size_exceeded", `${len} > ${max}`);
      this.emitLeft = max;
    }
    this.maskIdx = 0;
    this.fin = fin;
    this.frameOpcode = opcode;
    if (host.wants("websocket_frame")) host.raise("websocket_frame", host.conn(), this.isOrig, fin, reserved, opcode, len);
    if (len > 0) {
      this.inPayload = true;
      return;
    }
    // An empty close frame has no chunk to parse its status from: placeholders.
    if (opcode === OPCODE_CLOSE && host.wants("websocket_close")) host.raise("websocket_close", host.conn(), this.isOrig, 0, "");
    this.frameDone();
  }

  private payloadChunk(data: Uint8Array): void {
    const host = this.a.host;
    this.payloadLeft -= data.length;
    const emit = Math.min(data.length, this.emitLeft);
    this.emitLeft -= emit;
    let plain = data;
    if (this.hasMask) {
      plain = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) plain[i] = data[i]! ^ this.mask[this.maskIdx++ & 3]!;
    }
    if (host.wants("websocket_frame_data")) host.raise("websocket_frame_data", host.conn(), this.isOrig, latin1(plain.subarray(0, emit)));
    if (this.effectiveOpcode === OPCODE_TEXT || this.effectiveOpcode === OPCODE_BINARY) this.a.forward(this.isOrig, plain);
    if (this.frameOpcode === OPCODE_CLOSE) {
      if (emit < 2) {
        this.dead = true;
        host.violation(`Binpac exception: binpac exception: out_of_bound: WebSocket_FramePayloadClose:status: 2 > ${emit}`);
        return;
      }
      if (host.wants("websocket_close")) host.raise("websocket_close", host.conn(), this.isOrig, (plain[0]! << 8) | plain[1]!, latin1(plain.subarray(2, emit)));
    }
    if (this.payloadLeft === 0) {
      this.inPayload = false;
      this.frameDone();
    }
  }

  private frameDone(): void {
    const host = this.a.host;
    if (this.fin) {
      this.firstFrame = true;
      host.confirm();
      if (host.wants("websocket_message")) host.raise("websocket_message", host.conn(), this.isOrig, this.messageOpcode);
    } else this.firstFrame = false;
  }
}

/**
 * WebSocket::AnalyzerConfig: what carries the messages' payload. `analyzer`
 * (a Zeek analyzer name, SSH for Analyzer::ANALYZER_SSH) is attached as the
 * child; without it, `use_dpd` (WebSocket::use_dpd_default) attaches a
 * protocol detection, else nothing.
 */
export interface WebSocketAnalyzerConfig {
  analyzer?: string;
  use_dpd: boolean;
  subprotocol?: string;
  server_extensions?: string[];
}

/**
 * WebSocket::__configure_analyzer: `analyzer` (the connection's analyzer of
 * the aid the script was given, as the engine finds it) hands its payload
 * to `config`'s child from now on. The script calls it from
 * websocket_established, once WebSocket::configure_analyzer's handlers had
 * their say. False when it is no (longer a) WebSocket analyzer.
 */
export function configureWebSocket(analyzer: unknown, config: Readonly<WebSocketAnalyzerConfig>): boolean {
  if (!(analyzer instanceof WebSocketAnalyzer)) return false;
  analyzer.configure(config);
  return true;
}

class WebSocketAnalyzer implements AppAnalyzer {
  private readonly flows: [Flow, Flow];
  private hadGap = false;
  /**
   * Where text and binary payload goes: a DPD child made at the first data
   * (undefined until then), the configured analyzer, or nowhere (null).
   */
  private child: ChildStream | null | undefined;
  /** A detection's id was taken at configure time (Zeek makes its PIA_TCP then). */
  private detectionNumbered = false;
  constructor(readonly host: AnalyzerHost) {
    this.flows = [new Flow(this, true), new Flow(this, false)];
    // Zeek's Init(): the script logs and configures the analyzer from this event.
    if (host.wants("websocket_established")) host.raise("websocket_established", host.conn(), host.id);
  }

  /** Zeek's Configure: the configured analyzer is made now, or a detection's id taken (its PIA_TCP is made now), or nothing. */
  configure(config: Readonly<WebSocketAnalyzerConfig>): void {
    if (this.child !== undefined) return;
    if (config.analyzer !== undefined) this.child = this.host.addChild(config.analyzer);
    else if (config.use_dpd) {
      this.host.takeAnalyzerId();
      this.detectionNumbered = true;
    } else this.child = null;
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.hadGap || data.length === 0) return;
    this.flows[isOrig ? 0 : 1].deliver(data);
  }

  /**
   * Text and binary payload goes on to the configured child, by default a
   * PIA (Zeek's Configure with use_dpd, run by the script's
   * websocket_established handler before any frame arrives): the analyzer it
   * finds (SSL, SSH, HTTP…) runs inside.
   */
  forward(isOrig: boolean, data: Uint8Array): void {
    if (this.child === undefined) this.child = this.host.addDetection(this.detectionNumbered);
    if (this.child?.active) this.child.deliverStream(isOrig, 0, data);
  }

  undelivered(): void {
    this.hadGap = true;
  }
  endOfData(isOrig: boolean): void {
    if (this.child?.active) this.child.endOfData(isOrig);
  }
  done(): void {}
}

/** WEBSOCKET: no ports, no signatures; HTTP adds it on an upgrade. */
export const WEBSOCKET: AnalyzerComponent = {
  name: "WEBSOCKET",
  script: "base/protocols/websocket",
  stream: (host) => new WebSocketAnalyzer(host),
};
