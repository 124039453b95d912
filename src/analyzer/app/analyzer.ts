/**
 * The application-layer analyzer interface: how protocol analyzers (HTTP,
 * DNS over TCP, TLS, SSH, FTP…) receive a connection's two byte streams, as
 * Zeek's TCP_ApplicationAnalyzer does (DeliverStream, Undelivered,
 * EndpointEOF, Done).
 *
 * The TCP analyzer feeds every attached analyzer from the reassembler's
 * in-order deliveries — the same path as `tcp_contents` — so an analyzer sees
 * each byte once, in sequence order, first copy winning (behaviour doc §4.2).
 * Holes the peer acked come as `undelivered`; `endOfData` when a side's
 * stream ended (connection_EOF); `done` once, when the connection is removed.
 *
 * Analyzers are attached at connection creation by the responder port they
 * were registered for (`Engine.registerAnalyzer`, Zeek's
 * Analyzer::register_for_ports, which also makes the ports likely server
 * ports). A connection without analyzers pays nothing per packet.
 */
import type { Connection } from "../../event/records.js";

export interface AppAnalyzer {
  /**
   * In-order bytes of one side, starting at relative sequence number `seq`
   * (1 = the first byte after the SYN). `data` is a view into a buffer the
   * engine reuses: copy what you keep beyond the call.
   */
  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void;
  /** Bytes `[seq, seq+len)` of one side were acked by the peer but never seen (a content gap). */
  undelivered(isOrig: boolean, seq: number, len: number): void;
  /** One side's stream ended: everything up to its FIN/RST was delivered. */
  endOfData(isOrig: boolean): void;
  /** The connection is going away: flush and release. Called exactly once. */
  done(): void;
}

/** What the engine offers the analyzer of one connection. */
export interface AppAnalyzerHost {
  /** The connection record (Zeek's `c`), refreshed now. */
  connection(): Connection;
  /** Zeek's AnalyzerConfirmation: the protocol is what the analyzer parses; `service` goes into c.service (conn.log). */
  confirm(service: string): void;
  /** Zeek's AnalyzerViolation: the bytes are not this protocol; the analyzer is detached (done() is still called). */
  violation(reason: string): void;
  /** True when the connection's start was not seen (Zeek's TCP IsPartial): stream positions are then guesses. */
  isPartial(): boolean;
  /** A weird about this connection, under Zeek's name. */
  weird(name: string, addl?: string): void;
}

/** A registrable analyzer: its name, the TCP responder ports it attaches to, and its factory. */
export interface AppAnalyzerSpec {
  /** Zeek's analyzer tag name, e.g. "SSH". */
  readonly name: string;
  /** TCP responder ports (Zeek's likely server ports of the protocol). */
  readonly tcpPorts: readonly number[];
  /** One analyzer instance per connection. */
  create(host: AppAnalyzerHost): AppAnalyzer;
}
