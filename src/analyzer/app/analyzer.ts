/**
 * The application-layer analyzer interface: how protocol analyzers (SSH,
 * HTTP, DNS, TLS…) receive a connection's data, as Zeek's analyzers do.
 *
 * - A stream analyzer (TCP) gets each side's reassembled bytes in order
 *   (Zeek's DeliverStream), the holes the peer acked but nobody saw
 *   (Undelivered), the end of a side (EndpointEOF/EndOfData) and `done` once
 *   when the connection goes away or the analyzer is removed.
 * - A datagram analyzer (UDP) gets each datagram's payload (DeliverPacket).
 *
 * An analyzer talks to the engine only through its `AnalyzerHost`: events,
 * confirmation, violations, weirds, child analyzers, expected connections.
 * Analyzers are declared by an `AnalyzerComponent` (one per protocol folder),
 * attached to a connection by port, by an expected connection, or by a DPD
 * signature (src/analyzer/app/pia.ts), and cost nothing on connections that
 * do not use them.
 */
import type { EventMap, EventName } from "../../event/events.js";
import type { Connection } from "../../event/records.js";
import type { AnalyzerFiles } from "../../files/source.js";
import type { EngineSettings } from "../../options.js";
import type { Signature } from "./signature.js";

/** A consumer of one TCP connection's two reassembled byte streams. */
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
  /** The analyzer is removed or the connection goes away: flush and release. Called exactly once. */
  done(): void;
  /**
   * A packet with RST arrived on the connection, before its data is delivered
   * (Zeek's TCP_ApplicationAnalyzer::PacketWithRST; only top-level analyzers hear it).
   */
  packetWithRst?(): void;
}

/** A stream analyzer is an AppAnalyzer (the name protocol folders use). */
export type StreamAnalyzer = AppAnalyzer;

/** An analyzer of one UDP flow's datagrams. */
export interface DatagramAnalyzer {
  /** One datagram's payload (as captured: may be shorter than the UDP length says). A view: copy what you keep. */
  deliverPacket(isOrig: boolean, data: Uint8Array): void;
  /** The analyzer is removed or the flow goes away. Called exactly once. */
  done(): void;
}

/** A child analyzer's input, held by its parent (e.g. SSL under SMTP after STARTTLS). */
export interface ChildStream {
  /** As AppAnalyzer.deliverStream; `seq` is the parent's position when it has one, else 0. */
  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void;
  undelivered(isOrig: boolean, seq: number, len: number): void;
  endOfData(isOrig: boolean): void;
  /** False once the child was removed (violation, error): stop forwarding. */
  readonly active: boolean;
  /**
   * The parent removes the child (Zeek's RemoveChildAnalyzer): it takes
   * nothing more, and its `done` comes at the parent's next delivery or when
   * the connection goes away. QUIC closes its SSL child after a Retry.
   */
  remove(): void;
}

/** How a child analyzer is added (AnalyzerHost.addChild). */
export interface ChildOptions {
  /** Another instance even when one of this name is there already (Zeek's SMB runs one DCE_RPC per named pipe). */
  readonly multiple?: boolean;
  /** A number the child sees as its host's `childKey` (SMB: the pipe's file id, which DCE_RPC's events carry as `fid`). */
  readonly key?: number;
  /**
   * The child is the component's datagram analyzer even on a TCP connection:
   * each deliverStream call is one packet (Zeek's GSSAPI hands a Kerberos
   * token to a KRB analyzer's DeliverPacket).
   */
  readonly packets?: boolean;
  /**
   * The child is the component's stream analyzer even on a UDP connection,
   * each deliverStream call a piece of its stream (Zeek's Spicy
   * protocol_handle_get_or_create makes a TCP child: QUIC's SSL).
   */
  readonly stream?: boolean;
  /**
   * Outside the analyzer tree as scripts see it, as Zeek's
   * InstantiateAnalyzer makes the analyzers SMB, DCE-RPC and GSSAPI feed
   * (GSSAPI, NTLM, KRB, DCE_RPC per pipe): lookup_connection_analyzer_id and
   * disable_analyzer do not find it, so a violation never removes it.
   */
  readonly detached?: boolean;
}

/** What the engine offers one analyzer instance. */
export interface AnalyzerHost {
  /** Zeek's analyzer name of this instance, e.g. "SSH". */
  readonly name: string;
  /** The analyzer instance's id (Zeek's aid). */
  readonly id: number;
  /**
   * Numbers an analyzer Zeek makes here that bronze has no instance for
   * (HTTP's ZIP inflater of a compressed body): it takes the next id, so
   * the analyzers made after it get Zeek's numbers.
   */
  takeAnalyzerId(): number;
  /** The engine's settings (Zeek's script-level options). */
  readonly settings: EngineSettings;
  /** The connection record (Zeek's `c`), refreshed now. */
  conn(): Connection;
  /** Network time. */
  now(): number;
  /** True when a handler exists for `event`: check before building costly arguments. */
  wants(event: EventName): boolean;
  /**
   * The bus' table of handled events, the same object for the engine's life: `handled.x` is
   * `wants("x")` as one property read, for checks made per line (wants is a hash lookup).
   */
  readonly handled: { readonly [E in EventName]: boolean };
  /** Queues `event` when a handler exists (arguments are built by the caller: use `wants` first when they cost). */
  raise<E extends EventName>(event: E, ...args: EventMap[E]): void;
  /** Zeek's AnalyzerConfirmation: once per instance, analyzer_confirmation_info (the dpd script adds the service). */
  confirm(): void;
  /** True once `confirm` was called. */
  readonly confirmed: boolean;
  /** Zeek's AnalyzerViolation: analyzer_violation_info; the dpd script may then disable the analyzer. */
  violation(reason: string, data?: Uint8Array | string): void;
  /** A weird about this connection under Zeek's name (source: this analyzer, or `source`: "" for a script's weird, "CONTENTLINE" for a support analyzer's). */
  weird(name: string, addl?: string, source?: string): void;
  /** A weird about no connection (Zeek's reporter->Weird without one, e.g. ASN.1 decoding's asn_oid_subidentifier_too_long): weird.log without uid. */
  netWeird(name: string, addl?: string): void;
  /** A reporter warning (Zeek's reporter->Warning from an analyzer): reporter.log, or stderr without it. */
  warning(message: string): void;
  /**
   * Zeek's LimitReachedWeird: the weird with "limit" or "limit > max", and 'X'
   * in the history. Without `limit`, the weird has no addl (Zeek's SMB AndX
   * checks: Weird, then the 'X' letter by hand). `source`: a support
   * analyzer's name (FTP's NVT), else this analyzer's.
   */
  limitReached(name: string, limit?: number, max?: number, source?: string): void;
  /** True when the TCP connection's start was not seen (Zeek's IsPartial): stream positions are then guesses. */
  isPartial(): boolean;
  /** True when that side of a TCP connection closed (FIN), now or before a later RST (Zeek's TCP()->OrigState() or OrigPrevState() is CLOSED); false on UDP. */
  sideClosed(isOrig: boolean): boolean;
  /**
   * A TCP side's endpoint state and the one before it (TcpState values: Zeek's
   * OrigState()/OrigPrevState(), RespState()/RespPrevState()); null on UDP.
   * Optional: hosts of tests may lack it (analyzers then assume no TCP).
   */
  tcpState?(isOrig: boolean): readonly [state: number, prevState: number] | null;
  /** The connection's originator and responder ports (without building the connection record). */
  readonly origPort: number;
  readonly respPort: number;
  /**
   * Adds a child analyzer by Zeek name (null when unknown, disabled or, unless
   * `options.multiple`, already present); the caller forwards data to it.
   */
  addChild(name: string, options?: ChildOptions): ChildStream | null;
  /** The `key` this instance was added with as a child (ChildOptions), else 0: SMB's pipe FID for a DCE_RPC child. */
  readonly childKey: number;
  /**
   * Hands the rest of this stream to a fresh protocol detection (Zeek's
   * child PIA_TCP after SOCKS, HTTP CONNECT): the caller forwards the bytes
   * after its own protocol; the DPD signatures are matched from their start
   * and the analyzers they enable become this analyzer's children. Null when
   * no signatures are loaded, on UDP, or when this analyzer was removed.
   * WebSocket feeds it its message payload the same way.
   * It takes the next analyzer id, as Zeek's PIA_TCP does, unless `numbered`
   * (its id was taken when Zeek made it, earlier: takeAnalyzerId).
   */
  addDetection(numbered?: boolean): ChildStream | null;
  /**
   * Zeek's Analyzer::schedule_analyzer: a later connection from `orig` (null:
   * any) to `resp`:`respPort` over `proto` gets analyzer `name` first, if it
   * starts within `timeout` seconds.
   */
  expectConnection(orig: string | null, resp: string, respPort: number, proto: "tcp" | "udp", name: string, timeout: number): void;
  /** Removes this analyzer from the connection (Zeek's Remove/SetSkip): no more data, `done` runs. */
  remove(): void;
  /**
   * Runs the events queued so far now (Zeek's event_mgr.Drain, as its
   * get_file_handle does): for an analyzer about to ask script state (a file
   * handle) that handlers of this packet's earlier events update. Handlers
   * may remove this analyzer meanwhile (check your state after).
   */
  drainEvents(): void;
  /** The files framework: hand it the files this analyzer carries (docs/files.md). */
  readonly files: AnalyzerFiles;
  /**
   * The user signatures' http-* patterns of this connection (HTTP asks once,
   * at its start); null (or absent, in test hosts) when no loaded signature
   * has one: the analyzer then hands them nothing.
   */
  httpSignatures?(): HttpSignatureMatcher | null;
  /**
   * The user signatures' `ftp` or `finger` patterns of this connection (the
   * analyzer asks once, at its start); null (or absent) when no loaded
   * signature has one.
   */
  lineSignatures?(type: "ftp" | "finger"): LineSignatureMatcher | null;
}

/** What the FTP and Finger analyzers hand user signatures' `ftp` and `finger` patterns: each request line Zeek matches, whole. */
export interface LineSignatureMatcher {
  line(data: Uint8Array): void;
}

/**
 * What the HTTP analyzer hands user signatures' http-* patterns
 * (src/signatures/tap.ts), at the places Zeek's HTTP analyzer calls its rule
 * matcher.
 */
export interface HttpSignatureMatcher {
  /** A request line parsed: its unescaped URI (http-request). */
  requestUri(uri: string): void;
  /** A header of a request or reply (http-request-header, http-reply-header), when http_header has a handler (as Zeek). */
  header(isOrig: boolean, name: string, value: string): void;
  /** A piece of an entity's body, dechunked and decompressed (http-request-body, http-reply-body); `first` for its first piece. */
  body(isOrig: boolean, data: Uint8Array, first: boolean): void;
  /** An entity ended (its body's end of line: patterns ending in `$`). */
  endOfBody(isOrig: boolean): void;
}

/**
 * An analyzer's rule for which side of a UDP flow is the client, asked with
 * each datagram's payload `d[start, end)` (as captured) while the analyzer is
 * attached by port: a bit set of ROLE_USED (the analyzer parsed the payload),
 * ROLE_FLIP (the originator is the server: turn the flow around) and
 * ROLE_DONE (ask no more for this flow); 0 when it could not tell.
 * `respMulticast`: the responder's address is a multicast one.
 */
export type UdpRoleRule = (d: Uint8Array, start: number, end: number, isOrig: boolean, respMulticast: boolean) => number;
export const ROLE_USED = 1;
export const ROLE_FLIP = 2;
export const ROLE_DONE = 4;

/**
 * What an analyzer attached to a UDP flow by its responder port does to the
 * flow itself, beyond its events (the parts of Zeek's analyzers that
 * conn.log shows): the UDP analyzer asks the registry for them when the flow
 * starts (AnalyzerRegistry.udpFlowRules).
 */
export interface UdpFlowRules {
  /** The analyzer raises udp_session_done when the flow is removed (Zeek's DNS, NTP, SNMP, Syslog analyzers do in Done). */
  readonly sessionDone?: boolean;
  /**
   * The analyzer expires the flow itself, this many seconds after its last
   * packet, also at end of input (DNS's dns_session_timeout): checked every
   * period, with a second of slack, as Zeek's DNS analyzer checks.
   */
  readonly expiry?: number;
  /** Which side is the client (DNS: a response first; NTP: the mode). */
  readonly role?: UdpRoleRule;
  /**
   * The analyzer removes the flow this many seconds after it started, with
   * connection_timeout, whatever came since; also at end of input (Zeek's
   * RPC analyzers' expire timer at rpc_timeout).
   */
  readonly lifetime?: (settings: EngineSettings) => number;
}

/** A registrable analyzer: one per protocol folder (Zeek's analyzer component plus its scripts' registrations). */
export interface AnalyzerComponent {
  /** Zeek's analyzer name, e.g. "SSH", "DNS", "KRB_TCP" (c.service gets it in lower case). */
  readonly name: string;
  /** The Zeek script that registers it (`base/protocols/ssh`): with -b it is active only when loaded. */
  readonly script: string;
  /** TCP responder ports it attaches to (Analyzer::register_for_ports; they are likely server ports). */
  readonly tcpPorts?: readonly number[];
  /**
   * A set[port] setting that holds its TCP ports instead of `tcpPorts`
   * (Zeek's `const ports = {…} &redef` a script registers): a redef of it
   * changes where the analyzer attaches, and the likely server ports.
   */
  readonly portsSetting?: keyof EngineSettings;
  /** UDP responder ports it attaches to. */
  readonly udpPorts?: readonly number[];
  /**
   * UDP responder ports it attaches to that are not likely server ports
   * (register_for_ports' non_server_ports: QUIC's DNS-over-QUIC ports).
   */
  readonly udpNonServerPorts?: readonly number[];
  /** What it does to a UDP flow it is attached to by port (role, expiry, udp_session_done). */
  readonly udpFlow?: UdpFlowRules;
  /** DPD signatures (from the protocol's dpd.sig) that may enable it or others. */
  readonly signatures?: readonly Signature[];
  /** Signature files of its outside its script (policy/protocols/ssl/dpd-v2.sig), by Zeek's name: loaded when a load names them. */
  readonly signatureFiles?: Readonly<Record<string, readonly Signature[]>>;
  /** A stream analyzer for a TCP connection. */
  readonly stream?: (host: AnalyzerHost) => StreamAnalyzer;
  /** A datagram analyzer for a UDP flow. */
  readonly datagram?: (host: AnalyzerHost) => DatagramAnalyzer;
  /** Added as a child, it is always detached (ChildOptions.detached): Zeek never puts it in the tree (GSSAPI, NTLM). */
  readonly detached?: boolean;
  /**
   * Zeek's class is a plain Analyzer, not a TCP application analyzer: on a
   * TCP connection (KRB as GSSAPI's child) its violations are reported even
   * when the connection is partial or had a content gap (AnalyzerOwner.incomplete).
   */
  readonly reportsIncomplete?: boolean;
  /**
   * Zeek implements it in Spicy (QUIC, LDAP, PostgreSQL, Redis). The corpus'
   * Zeek was built without Spicy and has none of them, so bronze runs it
   * only in a Spicy configuration (EngineOptions.spicy, `bronze --spicy`:
   * as a Zeek built with Spicy, the usual build) or when its script is named
   * (`bronze -r t.pcap base/protocols/quic`).
   */
  readonly spicy?: boolean;
  /**
   * For a protocol Zeek has twice under one name, a legacy analyzer and a
   * Spicy one (spicy_add_analyzer's LEGACY: Finger, Syslog over UDP): which
   * of them this is. The corpus' Zeek (no Spicy) runs the "legacy" one, a
   * build with Spicy the "spicy" one instead; a registry knows only the one
   * of its configuration (EngineOptions.spicy), whatever the loaded scripts.
   */
  readonly build?: "legacy" | "spicy";
  /**
   * How many support analyzers Zeek's class makes for itself on a TCP
   * connection (content-line splitters, NVTs, Contents_DNS…, one per side):
   * each takes an analyzer id (aid) right after its own, so the analyzers
   * made after it are numbered past them. None on UDP.
   */
  readonly supportAnalyzers?: number;
  /**
   * Its support analyzers are made in Init, not its constructor (the Sun RPC
   * family's Contents_RPC): at a connection's creation they are numbered
   * after ConnSize, not before the next port analyzer.
   */
  readonly supportAtInit?: boolean;
}

/**
 * The old name of a TCP analyzer registration (name, ports, factory), kept
 * for `Engine.registerAnalyzer` callers: it is a component with no script.
 */
export interface AppAnalyzerSpec {
  readonly name: string;
  readonly tcpPorts: readonly number[];
  create(host: AnalyzerHost): AppAnalyzer;
}
