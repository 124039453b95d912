/**
 * Zeek's BitTorrent peer wire analyzer (BITTORRENT; src/analyzer/protocol/
 * bittorrent, its BinPAC grammar): each side first sends a 68-byte handshake
 * (pstrlen 19, "BitTorrent protocol", 8 reserved bytes, info hash, peer id),
 * then messages of a 4-byte big-endian length and that many bytes (an id and
 * its body; length 0 is a keep-alive). Each side's first handshake confirms.
 *
 * Its malformations are Zeek's: a handshake without the protocol string
 * removes the analyzer silently (it is not BitTorrent); a length past
 * 0x40000 or a body too short for its message stops that side with
 * bittorrent_peer_weird "Stopping BitTorrent analysis: protocol violation
 * (binpac exception: …)", and both sides stopped is a violation. A message
 * is raised once whole: a side that ends inside one says nothing of it.
 * Partial connections are not read. A piece's data is counted, not kept, so
 * a side holds at most one message's first bytes (the bitfield or unknown
 * body, bounded by the length limit).
 *
 * As Telnet, no base script registers it: `engine.registerForPort("BITTORRENT", 6881)`
 * or a user signature's `enable "bittorrent"` starts it.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1, u16, u32 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import { BinpacError, needBytes } from "../binpac.js";

export interface BittorrentEvents {
  /** A side's handshake: its reserved bytes, the torrent's info hash and the peer's id. */
  bittorrent_peer_handshake: [c: Connection, is_orig: boolean, reserved: string, info_hash: string, peer_id: string];
  bittorrent_peer_keep_alive: [c: Connection, is_orig: boolean];
  bittorrent_peer_choke: [c: Connection, is_orig: boolean];
  bittorrent_peer_unchoke: [c: Connection, is_orig: boolean];
  bittorrent_peer_interested: [c: Connection, is_orig: boolean];
  bittorrent_peer_not_interested: [c: Connection, is_orig: boolean];
  bittorrent_peer_have: [c: Connection, is_orig: boolean, piece_index: number];
  bittorrent_peer_bitfield: [c: Connection, is_orig: boolean, bitfield: string];
  bittorrent_peer_request: [c: Connection, is_orig: boolean, index: number, begin: number, length: number];
  /** A piece message: its block's place and how many data bytes it carried. */
  bittorrent_peer_piece: [c: Connection, is_orig: boolean, index: number, begin: number, piece_length: number];
  bittorrent_peer_cancel: [c: Connection, is_orig: boolean, index: number, begin: number, length: number];
  /** A port message (DHT): the peer's listening port (tcp). */
  bittorrent_peer_port: [c: Connection, is_orig: boolean, listen_port: number];
  /** A message of an id the protocol does not define, with its body. */
  bittorrent_peer_unknown: [c: Connection, is_orig: boolean, message_id: number, data: string];
  /** The analyzer stopped reading a side: why. */
  bittorrent_peer_weird: [c: Connection, is_orig: boolean, msg: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends BittorrentEvents {}
}

registerEvents<BittorrentEvents>({
  bittorrent_peer_handshake: true,
  bittorrent_peer_keep_alive: true,
  bittorrent_peer_choke: true,
  bittorrent_peer_unchoke: true,
  bittorrent_peer_interested: true,
  bittorrent_peer_not_interested: true,
  bittorrent_peer_have: true,
  bittorrent_peer_bitfield: true,
  bittorrent_peer_request: true,
  bittorrent_peer_piece: true,
  bittorrent_peer_cancel: true,
  bittorrent_peer_port: true,
  bittorrent_peer_unknown: true,
  bittorrent_peer_weird: true,
});

const HANDSHAKE_LENGTH = 68;
const PROTOCOL = "BitTorrent protocol";
/** Zeek's MSGLEN_LIMIT: a longer message length stops the side. */
export const BITTORRENT_MESSAGE_LIMIT = 0x40000;
const LENGTH_PREFIX = 4;
const PIECE = 7;
/** What a piece message keeps: its length, id, index and begin; the block is only counted. */
const PIECE_KEPT = LENGTH_PREFIX + 1 + 8;

/** The BitTorrent messages whose body is fixed (id → event and the body's size). */
const EMPTY_MESSAGES = ["bittorrent_peer_choke", "bittorrent_peer_unchoke", "bittorrent_peer_interested", "bittorrent_peer_not_interested"] as const;

/** A handshake that is not BitTorrent's: Zeek drops the analyzer without a word. */
class NotBittorrent extends Error {}

/** One side's unit in the making: the handshake, then each message (length prefix and body). */
class PeerFlow {
  handshaken = false;
  stopped = false;
  /** The unit's bytes kept so far (a piece's block is not kept). */
  private buf = new Uint8Array(HANDSHAKE_LENGTH);
  private kept = 0;
  /** Bytes of the unit seen (kept or not) and the unit's whole size (0: not known yet). */
  private seen = 0;
  private size = 0;

  /**
   * Feeds bytes; `unit` gets each whole unit (its kept bytes and its size).
   * Throws BinpacError on a length past the limit.
   */
  feed(data: Uint8Array, unit: (kept: Uint8Array, size: number) => void): void {
    let at = 0;
    while (at < data.length && !this.stopped) {
      const want = this.size === 0 ? this.headerSize() : this.size;
      const take = Math.min(want - this.seen, data.length - at);
      this.keep(data.subarray(at, at + take));
      at += take;
      this.seen += take;
      if (this.seen < want) return;
      if (this.size === 0) {
        this.size = this.unitSize();
        if (this.seen < this.size) continue;
      }
      const kept = this.buf.subarray(0, this.kept);
      const size = this.size;
      this.kept = this.seen = this.size = 0;
      unit(kept, size);
    }
  }

  /** The bytes needed to know the unit's size. */
  private headerSize(): number {
    return this.handshaken ? LENGTH_PREFIX : HANDSHAKE_LENGTH;
  }

  private unitSize(): number {
    if (!this.handshaken) return HANDSHAKE_LENGTH;
    const length = u32(this.buf, 0);
    if (length > BITTORRENT_MESSAGE_LIMIT) throw new BinpacError(`message length prefix exceeds limit: ${length} > ${BITTORRENT_MESSAGE_LIMIT}`);
    return LENGTH_PREFIX + length;
  }

  /** Keeps what the unit's event needs: all of it, but of a piece its first PIECE_KEPT bytes (`bytes` start at `seen`). */
  private keep(bytes: Uint8Array): void {
    const head = this.handshaken ? Math.min(bytes.length, Math.max(0, PIECE_KEPT - this.seen)) : bytes.length;
    this.append(bytes.subarray(0, head));
    if (head === bytes.length || this.buf[LENGTH_PREFIX] === PIECE) return;
    this.append(bytes.subarray(head));
  }

  private append(part: Uint8Array): void {
    if (part.length === 0) return;
    if (this.kept + part.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.kept + part.length, Math.min(2 * this.buf.length, LENGTH_PREFIX + BITTORRENT_MESSAGE_LIMIT)));
      grown.set(this.buf.subarray(0, this.kept));
      this.buf = grown;
    }
    this.buf.set(part, this.kept);
    this.kept += part.length;
  }
}

class BittorrentAnalyzer implements StreamAnalyzer {
  private readonly flows = [new PeerFlow(), new PeerFlow()] as const;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.host.isPartial()) return;
    const flow = this.flows[isOrig ? 0 : 1];
    if (flow.stopped) return;
    try {
      flow.feed(data, (kept, size) => this.unit(flow, isOrig, kept, size));
    } catch (err) {
      if (err instanceof NotBittorrent) this.host.remove();
      else if (err instanceof BinpacError) this.stop(flow, isOrig, err.message);
      else throw err;
    }
  }

  // Zeek's BitTorrent analyzer leaves content gaps alone (its recovery is commented out).
  undelivered(): void {}

  endOfData(): void {}

  done(): void {}

  private stop(flow: PeerFlow, isOrig: boolean, reason: string): void {
    flow.stopped = true;
    const host = this.host;
    if (host.wants("bittorrent_peer_weird")) {
      host.raise("bittorrent_peer_weird", host.conn(), isOrig, `Stopping BitTorrent analysis: protocol violation (binpac exception: ${reason})`);
    }
    if (this.flows[0].stopped && this.flows[1].stopped) host.violation("BitTorrent: content gap and/or protocol violation");
  }

  private unit(flow: PeerFlow, isOrig: boolean, kept: Uint8Array, size: number): void {
    if (flow.handshaken) return this.message(isOrig, kept, size);
    if (kept[0] !== PROTOCOL.length || latin1(kept.subarray(1, 20)) !== PROTOCOL) throw new NotBittorrent();
    flow.handshaken = true;
    const host = this.host;
    if (host.wants("bittorrent_peer_handshake")) {
      host.raise("bittorrent_peer_handshake", host.conn(), isOrig, latin1(kept.subarray(20, 28)), latin1(kept.subarray(28, 48)), latin1(kept.subarray(48, 68)));
    }
    host.confirm();
  }

  /** A whole message: `m` its kept bytes from the length prefix on, `size` its length with the prefix. */
  private message(isOrig: boolean, m: Uint8Array, size: number): void {
    const host = this.host;
    if (size === LENGTH_PREFIX) {
      if (host.wants("bittorrent_peer_keep_alive")) host.raise("bittorrent_peer_keep_alive", host.conn(), isOrig);
      return;
    }
    const id = m[LENGTH_PREFIX]!;
    const body = LENGTH_PREFIX + 1;
    const end = size;
    const empty = EMPTY_MESSAGES[id];
    if (empty !== undefined) {
      if (host.wants(empty)) host.raise(empty, host.conn(), isOrig);
      return;
    }
    switch (id) {
      case 4:
        needBytes(end, body, 4, "BitTorrent_Have");
        if (host.wants("bittorrent_peer_have")) host.raise("bittorrent_peer_have", host.conn(), isOrig, u32(m, body));
        return;
      case 5:
        if (host.wants("bittorrent_peer_bitfield")) host.raise("bittorrent_peer_bitfield", host.conn(), isOrig, latin1(m.subarray(body, end)));
        return;
      case 6:
      case 8:
        return this.blockMessage(isOrig, id === 6 ? "bittorrent_peer_request" : "bittorrent_peer_cancel", m, end);
      case PIECE:
        needBytes(end, body, 8, "BitTorrent_PieceHeader");
        if (host.wants("bittorrent_peer_piece")) host.raise("bittorrent_peer_piece", host.conn(), isOrig, u32(m, body), u32(m, body + 4), end - body - 8);
        return;
      case 9:
        needBytes(end, body, 2, "BitTorrent_Port");
        if (host.wants("bittorrent_peer_port")) host.raise("bittorrent_peer_port", host.conn(), isOrig, u16(m, body));
        return;
      default:
        if (host.wants("bittorrent_peer_unknown")) host.raise("bittorrent_peer_unknown", host.conn(), isOrig, id, latin1(m.subarray(body, end)));
    }
  }

  /** A request or cancel: index, begin, length. */
  private blockMessage(isOrig: boolean, event: "bittorrent_peer_request" | "bittorrent_peer_cancel", m: Uint8Array, end: number): void {
    const body = LENGTH_PREFIX + 1;
    needBytes(end, body, 12, event === "bittorrent_peer_request" ? "BitTorrent_Request" : "BitTorrent_Cancel");
    const host = this.host;
    if (host.wants(event)) host.raise(event, host.conn(), isOrig, u32(m, body), u32(m, body + 4), u32(m, body + 8));
  }
}

/** Zeek's BitTorrent peer analyzer: no base script registers it (no port, no signature). */
export const BITTORRENT: AnalyzerComponent = {
  name: "BITTORRENT",
  script: "",
  stream: (host) => new BittorrentAnalyzer(host),
};
