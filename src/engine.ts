/**
 * The engine: wires the layers, in the one-way order of the architecture
 * (source → filter → link → ip → session/analyzers → events → scripts). It is
 * the only module that knows every layer.
 */
import type { AnalyzerComponent, AppAnalyzerSpec } from "./analyzer/app/analyzer.js";
import { HIST_ANALYZER_LIMIT } from "./analyzer/app/instance.js";
import { DEFAULT_ANALYZERS } from "./analyzer/app/protocols.js";
import { AnalyzerRegistry, bindAppRegistry } from "./analyzer/app/registry.js";
import { icmpOneWay } from "./analyzer/icmp/icmp-conn.js";
import { IgmpAnalyzer, igmpWanted } from "./analyzer/igmp/igmp.js";
import { isPacketAnalyzerTag, type PacketAnalyzerName, type PacketAnalyzerTag, packetAnalyzerName } from "./analyzer/packet-analyzer-tags.js";
import { type ContentsDirection, getContentsFile, setContentsFile } from "./analyzer/tcp/contents-file.js";
import { type TcpRawOption, tcpRawOptions } from "./analyzer/tcp/options.js";
import { Reassembler } from "./analyzer/tcp/reassembler.js";
import { DEFAULT_TRANSPORTS } from "./analyzer/transports.js";
import { Tunnels } from "./analyzer/tunnel/tunnels.js";
import { type GeneveOption, geneveOptions } from "./analyzer/tunnel/udp-tunnels.js";
import { asDouble } from "./doubles.js";
import { EventBus, type HandlerOptions } from "./event/bus.js";
import type { EventMap, EventName, Handler } from "./event/events.js";
import type { GroupKind } from "./event/groups.js";
import { type HookHandler, type HookMap, type HookName, type HookOptions, Hooks } from "./event/hooks.js";
import type { Connection, ConnId, ConnStatsRecord, PacketSourceRecord, RawPktHdr, Transport } from "./event/records.js";
import { type Clock, limitAddl, type WeirdSampling, Weirds } from "./event/weirds.js";
import type { FaFile } from "./files/file.js";
import { type FileManager, fileManagerFor, fileManagerOf } from "./files/manager.js";
import { fileAnalyzerName } from "./files/tags.js";
import { compileFileMagic, setUserFileMagic } from "./files/user-magic.js";
import { compileFilter } from "./filter/compile.js";
import { Discarder, type Discarders } from "./ip/discarder.js";
import { IpLayer } from "./ip/ip-layer.js";
import { NetFilter } from "./ip/net-filter.js";
import { applySetting, defaultSettings, type EngineSettings, policyScriptLoaded } from "./options.js";
import { ArpAnalyzer } from "./packet/arp.js";
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP } from "./packet/ip-protocols.js";
import { identifierText, type LinkDecoder, LinkLayer, linkDecoderNamed, skipDecoder } from "./packet/link.js";
import { Packet } from "./packet/packet.js";
import { PacketUse, USE_HEADERS, USE_WHOLE } from "./packet/packet-use.js";
import { pcapPacket, pktHdr, rawPktHdr } from "./packet/pkt-hdr.js";
import { UnknownProtocols } from "./packet/unknown-protocols.js";
import { PacketDumper } from "./record/packet-dumper.js";
import { recordContents } from "./record/record-contents.js";
import type { RecordMode } from "./record/recorder.js";
import { type ScriptRun, zeekLoadedScripts } from "./scripts/loaded-scripts.js";
import { parseAddress } from "./scripts/site.js";
import { ZeekRandom } from "./scripts/zeek-random.js";
import { ConnRecord } from "./session/conn-record.js";
import { type Conn, liveConn, type ThresholdKind } from "./session/connection.js";
import { SessionManager } from "./session/manager.js";
import { isLoaded } from "./session/server-ports.js";
import { connStatsRecord, type EngineStats } from "./session/stats.js";
import type { TimerClient } from "./session/timers.js";
import { CONNKEY_VLAN_FIVETUPLE, VLAN_FIVETUPLE_SCRIPT } from "./session/vlan-key.js";
import {
  compileUserSignatures,
  readSignatures,
  type SignatureCondition,
  type SignatureConstant,
  type SignatureDataHandler,
  SignatureFunctions,
  type SignatureMessageHandler,
  type SignatureSource,
  SignatureTap,
  type UserSignature,
} from "./signatures/index.js";
import { NETMASK_UNKNOWN, type PacketSource, type RawPacket } from "./source/raw-packet.js";
import { TableHasher } from "./zeek-table/hash.js";

/** A handler of Zeek's Analyzer::disabling_analyzer hook: false keeps the analyzer. */
export type DisablingAnalyzerHook = (c: Connection, name: string, aid: number) => boolean | undefined;

/** A capture filter compiled to a predicate over the raw packet. */
export type PacketPredicate = (raw: RawPacket) => boolean;

/**
 * Receives every packet that entered the engine (passed the filter), once it
 * and its events were processed, with what the analysis used of it (see
 * packet/packet-use.ts): `headerBytes` is where its headers end, counted from
 * its first byte, or -1 for "measure them". record/recorder.ts's Recorder is one.
 */
export interface PacketRecorder {
  record(raw: RawPacket, mode: RecordMode, headerBytes: number): void;
}

/** The reporter's weird sampling as the settings (Weird::sampling_*) give it at the start; the config framework may change it later. */
function weirdSampling(s: EngineSettings): WeirdSampling {
  const { "Weird::sampling_threshold": threshold, "Weird::sampling_rate": rate, "Weird::sampling_duration": duration } = s;
  return { threshold, rate, duration, whitelist: s["Weird::sampling_whitelist"], globalList: s["Weird::sampling_global_list"] };
}

/** The analyzer tree of the connection behind record `c`, if it has one. */
function treeOf(c: Connection) {
  return c instanceof ConnRecord ? (c.owner as Conn).scriptTree() : null;
}

/** Zeek's UNKNOWN_IP_PROTO: a conn_id whose proto was never set. */
const UNKNOWN_IP_PROTO = 65535;
/** The largest 802.1Q VLAN id (12 bits). */
const MAX_VLAN = 4095;

/** Zeek's Describe of a port: "80/tcp", "8/icmp", "0/unknown". */
function portText(port: number, transport: Transport): string {
  return `${port}/${transport === "unknown_transport" ? "unknown" : transport}`;
}

/** Zeek's Describe of a conn_id, as its errors quote it; `ctxFields`: conn_id_ctx has vlan_fivetuple's fields. */
export function describeConnId(id: ConnId, ctxFields: boolean): string {
  const field = (v: number | undefined) => (v === undefined ? "<uninitialized>" : String(v));
  const ctx = ctxFields ? `[vlan=${field(id.ctx?.vlan)}, inner_vlan=${field(id.ctx?.inner_vlan)}]` : "[]";
  return `[orig_h=${id.orig_h}, orig_p=${portText(id.orig_p, id.transport)}, resp_h=${id.resp_h}, resp_p=${portText(id.resp_p, id.transport)}, proto=${id.proto}, ctx=${ctx}]`;
}

/**
 * Zeek's build_dummy_conn_record: what lookup_connection returns for an id
 * that is no connection — 0.0.0.0:0/udp both ways (proto unset: 65535), empty
 * endpoints, start_time network time, no service, empty history. Zeek leaves
 * its uid unset; here it is "".
 */
export function dummyConnection(now: number): Connection {
  const endpoint = () => ({ size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, flow_label: 0 });
  return {
    id: { orig_h: "0.0.0.0", orig_p: 0, resp_h: "0.0.0.0", resp_p: 0, transport: "udp", proto: UNKNOWN_IP_PROTO },
    orig: endpoint(),
    resp: endpoint(),
    start_time: now,
    duration: 0,
    service: new Set<string>(),
    history: "",
    uid: "",
  };
}

/** A VLAN id of a conn_id's ctx as a key's (−1: unset); null when no packet can carry it. */
function ctxVlan(v: number | undefined): number | null {
  if (v === undefined) return -1;
  return Number.isInteger(v) && v >= 0 && v <= MAX_VLAN ? v : null;
}

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= 0 && p <= 0xffff;
}

/** PacketUse levels as the recorder's modes. */
const RECORD_MODES: readonly RecordMode[] = ["none", "headers", "whole"];

export interface EngineOptions {
  /** Zeek's -C: skip IP and transport checksum validation. */
  ignoreChecksums?: boolean;
  /** Zeek's -b: only scripts named in `loads` contribute (e.g. likely server ports). */
  bare?: boolean;
  /** Zeek script names loaded, e.g. "base/protocols/http" (they set core facts such as server ports). */
  loads?: string[];
  /** SipHash key words from a Zeek seed file, for Zeek's deterministic uids (Connection::GetUID); random uids otherwise. */
  seed?: readonly number[];
  /** Setting overrides, as objects or Zeek redef strings ("tcp_attempt_delay=10sec"). */
  settings?: Partial<EngineSettings> | string[];
  /** Only packets the predicate accepts reach the engine (the capture filter). */
  filter?: PacketPredicate;
  /**
   * The capture filter's text as the command line gave it (Zeek's -f,
   * cmd_line_bpf_filter): the packet-filter framework's filter is this one
   * whatever the scripts ask, and packet_filter.log shows it.
   */
  cmdLineFilter?: string;
  /** Trace recording (-w): each packet is handed over whole, header-only or not at all, as the analysis decided. */
  recorder?: PacketRecorder;
  /**
   * The application analyzers to register (default: all of bronze's, as
   * Zeek's default scripts do; with `bare`, only those whose script is in
   * `loads` are active). `[]` for none.
   */
  analyzers?: readonly AnalyzerComponent[];
  /**
   * Zeek built with Spicy (its usual build): the analyzers Zeek writes in
   * Spicy (QUIC, LDAP, PostgreSQL, Redis) run as part of the default
   * scripts. Off by default, as in the Zeek whose logs the corpus holds;
   * naming a protocol's script (`base/protocols/ldap`) turns on that one.
   */
  spicy?: boolean;
}

export interface RunSummary {
  packets: number;
  /** Set when the input ended mid-record. */
  truncated: string | null;
}

export class Engine {
  readonly bus = new EventBus();
  readonly settings: EngineSettings;
  /** Zeek built with Spicy (EngineOptions.spicy): the Spicy analyzers and their scripts are part of the default ones. */
  readonly spicy: boolean;
  /**
   * Network time. It starts at 1.0, not 0: Zeek's network_time() never goes
   * below 1.0 while reading a trace (its event corpus prints 1.000000 for every
   * event of traces stamped 0.0–0.9, e.g. quic/interop/*, finger/long-*.pcapng),
   * while connections keep their packets' own times (conn.log ts 0.001000).
   */
  readonly clock: Clock = { now: asDouble(1) }; // a double field from the start (see doubles.ts)
  readonly weirds: Weirds;
  /** Hashes for script tables iterated in Zeek's order (keyed by the seed, as uids are). */
  readonly tableHash: TableHasher;
  /** Zeek's `rand` for scripts (SumStats' samples): deterministic with a whole seed file, as Zeek's is. */
  readonly random: ZeekRandom;
  readonly link: LinkLayer;
  readonly ip: IpLayer;
  /** Link and IP layers for the inner packets of tunnels (their own fragment state). */
  private readonly innerLink: LinkLayer;
  private readonly innerIp: IpLayer;
  readonly sessions: SessionManager;
  private filter: PacketPredicate | undefined;
  /** Zeek's cmd_line_bpf_filter: -f's text ("" when none). */
  readonly cmdLineBpfFilter: string;
  /** The command line's script loads, for zeek_script_loaded (the files Zeek would load for it). */
  private readonly scriptRun: ScriptRun;
  private readonly recorder: PacketRecorder | null;
  private readonly packet = new Packet();
  /** What the layers used of the packet being processed (for the recorder). */
  private readonly use = new PacketUse();
  private readonly analyzers: AnalyzerRegistry;
  /** The tunnel packet analyzers (for switching them off and on). */
  private readonly tunnels: Tunnels;
  private started = false;
  private finished = false;
  /** `schedule` statements' events still pending in the timer heap (see finish). */
  private pendingScheduledEvents = 0;
  /** Scripts' pending asynchronous work (DNS lookups of `when` statements), waited for at the end of input. */
  private readonly held = new Set<Promise<unknown>>();
  /** Packets that passed the filter and entered the engine. */
  packetsSeen = 0;
  /** Of those, the ones no analyzer took (see processed). */
  private packetsUnprocessed = 0;
  /** The packet being processed (or the last one): get_current_packet's. */
  private currentRaw: RawPacket | null = null;
  /** The source run() reads (packet_source()'s), null before. */
  private source: PacketSource | null = null;
  /** The source was read to its end: no packet is current any more (currentPacketTs). */
  private inputDone = false;
  /** dump_current_packet's open file, made on first use. */
  private dumper: PacketDumper | null = null;
  /** Their bytes on the wire (Zeek's packet source counts the pcap header's len). */
  bytesSeen = 0;
  /** User signatures loaded (loadSignatures), and their tap on the sessions (null until some are loaded). */
  private userSignatures: UserSignature[] = [];
  private signatureTap: SignatureTap | null = null;
  /** The eval functions and custom event handlers registered for signatures (looked up when the run starts). */
  private readonly signatureFunctions: SignatureFunctions;

  constructor(options: EngineOptions = {}) {
    this.settings = defaultSettings();
    this.spicy = options.spicy ?? false;
    // The script's redef, before the command line's (which may set it back, as in Zeek).
    if (policyScriptLoaded(options.loads ?? [], VLAN_FIVETUPLE_SCRIPT)) this.settings["ConnKey::factory"] = CONNKEY_VLAN_FIVETUPLE;
    // HTTP::upgrade_analyzers' websocket entry is base/protocols/websocket's redef: with -b and without that script the table is empty.
    if (!isLoaded(options.bare ?? false, options.loads ?? [], "base/protocols/websocket")) this.settings["HTTP::upgrade_analyzers"] = new Map();
    if (Array.isArray(options.settings)) for (const s of options.settings) applySetting(this.settings, s);
    else if (options.settings) Object.assign(this.settings, options.settings);
    if (options.ignoreChecksums) this.settings.ignore_checksums = true;
    // Zeek stamps an event with network_time() as it is queued: 0.0 before the first packet.
    if (this.settings["EventMetadata::add_network_timestamp"]) this.bus.stamp = () => this.networkTime;
    this.filter = options.filter;
    this.cmdLineBpfFilter = options.cmdLineFilter ?? "";
    this.scriptRun = { bare: options.bare ?? false, loads: options.loads ?? [], captureFilter: options.filter !== undefined, spicy: this.spicy };
    this.recorder = options.recorder ?? null;
    this.weirds = new Weirds(this.bus, this.clock, weirdSampling(this.settings));
    this.signatureFunctions = new SignatureFunctions(this.bus);
    this.tableHash = new TableHasher(options.seed);
    this.random = new ZeekRandom(options.seed);
    this.link = new LinkLayer(this.weirds);
    this.ip = new IpLayer(this.weirds, this.settings);
    this.innerLink = new LinkLayer(this.weirds);
    // ARP runs as in Zeek, on every ARP frame (its truncated_ARP weird); its events are built only when handled.
    const arp = new ArpAnalyzer(this.bus, (name) => this.weirds.net(name, "", "ARP"));
    this.link.arp = arp;
    this.innerLink.arp = arp;
    this.innerIp = new IpLayer(this.weirds, this.settings);
    this.sessions = new SessionManager({
      bus: this.bus,
      weirds: this.weirds,
      clock: this.clock,
      settings: this.settings,
      bare: options.bare ?? false,
      loads: options.loads ?? [],
      seed: options.seed,
      use: this.use,
      warning: (message) => this.coreWarning(message),
      error: (message) => this.builtinError(message),
    });
    for (const transport of DEFAULT_TRANSPORTS) this.sessions.registerTransport(transport);
    const sessions = this.sessions;
    const tunnels = (this.tunnels = new Tunnels({
      bus: this.bus,
      weirds: this.weirds,
      clock: this.clock,
      packetUse: this.use,
      encapsulations: sessions.encapsulations,
      processInner: (inner) => this.processInner(inner),
      arp: this.link.arp ?? undefined,
      newTunnelUid: () => sessions.newTunnelUid(),
      delayTeredoConfirmation: () => this.settings["Tunnel::delay_teredo_confirmation"],
      geneveLayer: (layer) => this.noteGeneveLayer(layer),
      maxDepth: () => this.settings["Tunnel::max_depth"],
    }));
    sessions.registerPacketAnalyzer(tunnels);
    sessions.registerDecapsulator(tunnels);
    this.analyzers = new AnalyzerRegistry(options.bare ?? false, options.loads ?? [], options.spicy ?? false);
    for (const component of options.analyzers ?? DEFAULT_ANALYZERS) {
      const tcp = this.componentPorts(component);
      this.analyzers.register(component, tcp);
      // The default likely server ports leave out the Spicy analyzers' (see server-ports.ts): an active one adds its own.
      if (component.spicy === true && this.analyzers.active(component)) this.addServerPorts(tcp, component.udpPorts ?? []);
    }
    bindAppRegistry(this.sessions, this.analyzers);
    // Analyzer::disable_all, then Analyzer::disabled_analyzers, as the analyzer framework's zeek_init does them (before a script's zeek_init enables some).
    if (this.settings["Analyzer::disable_all"]) this.analyzers.disableAll();
    // TCPSTATS: no analyzer of bronze's, but its analyzer ids. Packet analyzers' tags keep their module (PacketAnalyzer::ANALYZER_VXLAN).
    for (const tag of this.settings["Analyzer::disabled_analyzers"]) this.disableAnalyzerType(tag);
    // bits_per_uid: the file ids follow it too (the connections' uids take it from the settings).
    if (this.settings.bits_per_uid !== 96) this.fileManager().setUidBits(this.settings.bits_per_uid);
  }

  /**
   * Zeek's Analyzer::disable_analyzer(Analyzer::ANALYZER_<name>): the analyzer
   * (`name` as "SSL" or "ANALYZER_SSL", any case) is started on no connection
   * from now on; false when there is no analyzer of that name.
   */
  disableAnalyzerType(name: string): boolean {
    if (isPacketAnalyzerTag(name)) return this.setPacketAnalyzerEnabled(name, false);
    // A file analyzer's tag (Files::ANALYZER_PE): Files::disable_analyzer, as the analyzer framework passes it on.
    const file = fileAnalyzerName(name);
    if (file !== null) return this.fileManager().disableAnalyzer(file);
    return this.analyzers.setEnabled(name.replace(/^ANALYZER_/i, ""), false);
  }

  /** Zeek's Analyzer::enable_analyzer: undoes disableAnalyzerType. */
  enableAnalyzerType(name: string): boolean {
    if (isPacketAnalyzerTag(name)) return this.setPacketAnalyzerEnabled(name, true);
    const file = fileAnalyzerName(name);
    if (file !== null) return this.fileManager().enableAnalyzer(file);
    return this.analyzers.setEnabled(name.replace(/^ANALYZER_/i, ""), true);
  }

  /**
   * Zeek's PacketAnalyzer::__disable_analyzer (what Analyzer::disable_analyzer
   * does with a packet analyzer's tag): from the next packet on, the packets
   * it would analyse are handled as if it did not exist (a VXLAN datagram
   * stays a UDP datagram on 4789/udp; IP-in-IP without IPTUNNEL is left
   * alone; ARP frames raise no ARP event). True when done; false for a
   * packet analyzer bronze cannot switch off (the link and IP layers, TCP,
   * UDP, ICMP: SWITCHABLE_PACKET_ANALYZERS lists the others) or an unknown name.
   */
  disablePacketAnalyzer(tag: PacketAnalyzerTag | PacketAnalyzerName): boolean {
    return this.setPacketAnalyzerEnabled(tag, false);
  }

  /** Zeek's PacketAnalyzer::__enable_analyzer: undoes disablePacketAnalyzer. */
  enablePacketAnalyzer(tag: PacketAnalyzerTag | PacketAnalyzerName): boolean {
    return this.setPacketAnalyzerEnabled(tag, true);
  }

  /** Switches packet analyzer `tag` where it is recognised: the tunnels, the link layers' ARP, the session layer's unknown-IP fallback. */
  private setPacketAnalyzerEnabled(tag: string, enabled: boolean): boolean {
    const name = packetAnalyzerName(tag);
    if (name === null) return false;
    if (name === "ARP" && this.link.arp !== null) {
      this.link.arp.enabled = enabled;
      return true;
    }
    if (name === "UNKNOWN_IP_TRANSPORT") {
      if (enabled) this.sessions.enableFallback();
      else this.sessions.disableFallback();
      return true;
    }
    return this.tunnels.setEnabled(name, enabled);
  }

  /**
   * Registers an application analyzer (a component, or the older
   * name/ports/create spec): it attaches to new connections whose responder
   * port is one of its ports (`ports` overrides its TCP ones) and is started
   * by its DPD signatures; like Zeek's Analyzer::register_for_ports, the
   * ports become likely server ports. A component of the same name is replaced.
   */
  registerAnalyzer(spec: AnalyzerComponent | AppAnalyzerSpec, ports?: readonly number[]): this {
    const component: AnalyzerComponent = "create" in spec ? { name: spec.name, script: "", tcpPorts: spec.tcpPorts, stream: (h) => spec.create(h) } : spec;
    const tcp = ports ?? component.tcpPorts ?? [];
    this.analyzers.register(component, tcp);
    if (this.analyzers.active(component)) this.addServerPorts(tcp, component.udpPorts ?? []);
    return this;
  }

  /** A component's TCP ports: its ports setting's (a user's redef of Redis::ports) or its own. */
  private componentPorts(component: AnalyzerComponent): readonly number[] {
    const setting = component.portsSetting === undefined ? undefined : this.settings[component.portsSetting];
    return setting instanceof Set ? [...(setting as Set<number>)] : (component.tcpPorts ?? []);
  }

  /** Makes responder ports likely server ports (Zeek's likely_server_ports, from the analyzers' registrations). */
  private addServerPorts(tcp: readonly number[], udp: readonly number[]): void {
    for (const p of tcp) this.sessions.serverPorts.tcp[p] = 1;
    for (const p of udp) this.sessions.serverPorts.udp[p] = 1;
  }

  /**
   * Zeek's Analyzer::register_for_port(Analyzer::ANALYZER_<name>, port/proto):
   * the registered analyzer `name` ("TELNET" or "ANALYZER_TELNET", any case)
   * attaches to new connections to responder `port`. As in Zeek, the port
   * does not become a likely server port. Under -b its script need not be
   * loaded. False when no analyzer has that name.
   */
  registerForPort(name: string, port: number, proto: "tcp" | "udp" = "tcp"): boolean {
    return this.analyzers.registerPort(name.replace(/^ANALYZER_/i, ""), port, proto === "udp");
  }

  /** Analyzer::disabling_analyzer's handlers, highest priority first (equal ones in the order added). */
  private disablingHooks: { hook: DisablingAnalyzerHook; priority: number }[] = [];

  /**
   * Zeek's Analyzer::disabling_analyzer hook: `hook` runs before an analyzer
   * is disabled (by disableAnalyzer, which scripts and the DPD policy call),
   * with its name; returning false keeps it. Lower priorities run later.
   */
  onDisablingAnalyzer(hook: DisablingAnalyzerHook, priority = 0): void {
    this.disablingHooks.push({ hook, priority });
    this.disablingHooks.sort((a, b) => b.priority - a.priority);
  }

  /**
   * Zeek's disable_analyzer: removes analyzer instance `aid` from connection
   * `c`; false when it is not there (or a hook kept it). With `prevent`, no
   * analyzer of its kind is attached to its parent again (a later DPD match).
   * The connection's session adapter (TCP, UDP, ICMP) is the root of its
   * analyzers and stays: asking for it is a reporter error, as in Zeek. With
   * `errIfNoAnalyzer` (Zeek's err_if_no_conn), so is an id it does not have.
   */
  disableAnalyzer(c: Connection, aid: number, prevent = false, errIfNoAnalyzer = false): boolean {
    if (aid !== 0 && c instanceof ConnRecord && (c.owner as Conn).rootAnalyzerId() === aid) {
      this.builtinError(`root analyzer ${c.id.transport.toUpperCase()} cannot be removed`);
      return false;
    }
    const live = liveConn(c);
    if (aid !== 0 && live !== null && live.connSizeId() === aid) return this.disableConnSize(c, live, aid);
    const hooks = this.disablingHooks;
    // The tree asks `allow` only of an analyzer it has: that it was asked tells "kept by a hook" from "none such".
    let found = false;
    const allow =
      hooks.length === 0 && !errIfNoAnalyzer
        ? undefined
        : (name: string) => {
            found = true;
            return hooks.every((h) => h.hook(c, name, aid) !== false);
          };
    const disabled = treeOf(c)?.disable(aid, allow, prevent) ?? false;
    if (!found && errIfNoAnalyzer) this.builtinError("connection does not have analyzer specified to disable");
    return disabled;
  }

  /**
   * Zeek's disable_analyzer(cid, aid, err_if_no_conn, prevent) as its bif
   * does it: the connection `id` names (either way round), its analyzer
   * `aid` removed. A connection that does not exist (never was, or was
   * removed) is a builtin error whatever `errIfNoConn` says; `errIfNoConn`
   * (Zeek's default T) makes one of an analyzer the connection does not have.
   */
  disableAnalyzerById(id: ConnId, aid: number, errIfNoConn = true, prevent = false): boolean {
    const conn = this.findById(id);
    if (conn === null) {
      this.builtinError(`connection ID not a known connection (${describeConnId(id, this.sessions.idContexts !== null)})`);
      return false;
    }
    return this.disableAnalyzer(conn.val(), aid, prevent, errIfNoConn);
  }

  /** disable_analyzer of `c`'s ConnSize (a child of the session adapter, as in Zeek): its thresholds stop. */
  private disableConnSize(c: Connection, conn: Conn, aid: number): boolean {
    if (!this.disablingHooks.every((h) => h.hook(c, "CONNSIZE", aid) !== false)) return false;
    conn.removeConnSize();
    return true;
  }

  /**
   * Zeek's Reporter::conn_weird: a weird about connection `c` (a record the
   * engine made), through the weird policy; once `c` was removed (a scheduled
   * event's), an expired_conn_weird of its id and uid.
   */
  connWeird(name: string, c: Connection, addl = "", source = ""): void {
    if (!(c instanceof ConnRecord)) return;
    const owner = c.owner as Conn;
    if (owner.removed) this.weirds.expiredConn(name, c, addl, source);
    else owner.weird(name, addl, source);
  }

  /**
   * Zeek's Reporter::limit_reached_weird: a connection weird whose addl is
   * the observed `limit` ("limit > max" when a maximum is given), and 'X'
   * (an analyzer limit) in the connection's history, once.
   */
  limitReachedWeird(name: string, c: Connection, limit: number, max = 0, source = ""): void {
    this.connWeird(name, c, limitAddl(limit, max), source);
    if (c instanceof ConnRecord) (c.owner as Conn).checkHistory(HIST_ANALYZER_LIMIT, "X");
  }

  /** Zeek's current_event_time(): the network time the running event was queued at, -1 without EventMetadata::add_network_timestamp. */
  currentEventTime(): number {
    return this.bus.currentEventTime;
  }

  /** Zeek's EventMetadata::current_all(): the running event's metadata, its network timestamp (none without add_network_timestamp). */
  currentEventMetadata(): Array<{ id: "EventMetadata::NETWORK_TIMESTAMP"; val: number }> {
    const ts = this.bus.currentEventTime;
    return ts < 0 ? [] : [{ id: "EventMetadata::NETWORK_TIMESTAMP", val: ts }];
  }

  /** Zeek's reporter->Weird with no connection (net_weird). */
  netWeird(name: string, addl = "", source = ""): void {
    this.weirds.net(name, addl, source);
  }

  /** Zeek's Reporter::flow_weird: a weird between addresses `src` and `dst` (text), sampled per pair. */
  flowWeird(name: string, src: string, dst: string, addl = "", source = ""): void {
    this.weirds.flow(name, src, dst, addl, source);
  }

  /** Zeek's lookup_connection_analyzer_id: the id of `c`'s active analyzer named `name`, 0 when none. */
  lookupAnalyzer(c: Connection, name: string): number {
    // ConnSize is none of the application analyzers: the connection keeps its id.
    if (/^(ANALYZER_)?CONNSIZE$/i.test(name)) return liveConn(c)?.connSizeId() ?? 0;
    return treeOf(c)?.lookup(name) ?? 0;
  }

  /**
   * Where built-in functions report their errors (Zeek's emit_builtin_error,
   * a reporter error): loadBuiltinScripts points it at reporter.log's
   * Reporter. Until then (null) an error is a stderr line and the
   * reporter_error event.
   */
  builtinErrors: ((message: string) => void) | null = null;

  /** Zeek's emit_builtin_error: a reporter error, with no script location (Zeek's form when it has none). */
  private builtinError(message: string): void {
    this.coreReport(this.builtinErrors, "reporter_error", "error: ", message);
  }

  /**
   * A reporter message of the engine's own, with no script location: to
   * `hook` once the scripts set one (reporter.log), else a stderr line
   * (`prefix` after "bronze: ") and the reporter event.
   */
  private coreReport(
    hook: ((message: string) => void) | null,
    event: "reporter_info" | "reporter_warning" | "reporter_error",
    prefix: string,
    message: string,
  ): void {
    if (hook !== null) return hook(message);
    process.stderr.write(`bronze: ${prefix}${message}\n`);
    this.raise(event, this.clock.now, message, "");
  }

  /**
   * Zeek's session_mgr->FindConnection(conn_id) for the bifs: the live
   * connection keyed by `id`'s addresses, ports and `proto` (either way
   * round; an ICMP id is one-way when its orig_p is a type without
   * counterpart), and, where connections are keyed by VLAN
   * (policy/frameworks/conn_key/vlan_fivetuple), its ctx's VLAN ids. Found
   * through the connection table's hash, as a packet's connection is. An id
   * no key can be made of is a builtin error, as Zeek's ConnKeyFromVal reports it.
   */
  private findById(id: ConnId): Conn | null {
    const proto = id.proto;
    if (proto === UNKNOWN_IP_PROTO) {
      this.builtinError('invalid connection ID record encountered: the proto field has the "unknown" 65535 value. Did you forget to set it?');
      return null;
    }
    const orig = parseAddress(id.orig_h);
    const resp = parseAddress(id.resp_h);
    if (orig === null || resp === null || !isPort(id.orig_p) || !isPort(id.resp_p)) {
      // Not an address or a port: Zeek's record would lack the field.
      this.builtinError("invalid connection ID record encountered");
      return null;
    }
    // No packet's protocol is outside 0-255: Zeek makes the key, which finds nothing.
    if (!Number.isInteger(proto) || proto < 0 || proto > 255) return null;
    const sessions = this.sessions;
    let vlan = -1;
    let innerVlan = -1;
    if (sessions.vlanKeyed) {
      // CONNKEY_VLAN_FIVETUPLE without the script's conn_id_ctx fields (ConnKey::factory set alone).
      if (sessions.idContexts === null) {
        this.builtinError("missing vlan or inner_vlan field in context");
        return null;
      }
      const v = ctxVlan(id.ctx?.vlan);
      const inner = ctxVlan(id.ctx?.inner_vlan);
      if (v === null || inner === null) return null;
      vlan = v;
      innerVlan = inner;
    }
    const oneWay = (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) && icmpOneWay(id.orig_p, proto === IPPROTO_ICMPV6);
    return sessions.findById(orig, id.orig_p, resp, id.resp_p, proto, oneWay, vlan, innerVlan);
  }

  /**
   * Zeek's connection_exists: whether `id` (a record's `c.id`, a copy, or one
   * a script built) is a connection the engine tracks now, in either
   * direction and, with policy/frameworks/conn_key/vlan_fivetuple, on the
   * VLANs of its ctx. False once the connection was removed (also in its
   * connection_state_remove handlers, as in Zeek).
   */
  connectionExists(id: ConnId): boolean {
    return this.findById(id) !== null;
  }

  /**
   * Zeek's lookup_connection: the live record of the connection `id` names
   * (refreshed, as Zeek's GetVal is). For an id that is no connection, as
   * Zeek: a reporter error "connection ID not a known connection (<the
   * id>)" and a placeholder record (dummyConnection: 0.0.0.0, port 0/udp,
   * empty history, uid "") that no engine function acts on.
   */
  lookupConnection(id: ConnId): Connection {
    const conn = this.findById(id);
    if (conn !== null) return conn.val();
    this.builtinError(`connection ID not a known connection (${describeConnId(id, this.sessions.idContexts !== null)})`);
    return dummyConnection(this.clock.now);
  }

  /**
   * Zeek's Files::lookup_file: the file `fuid` names while it is open. For
   * an id that is no open file, as Zeek: a reporter error "file ID <fuid>
   * not a known file" and nothing (undefined). Files::file_exists asks
   * without the error: `fileManager().lookup(fuid) !== undefined`.
   */
  lookupFile(fuid: string): FaFile | undefined {
    const f = fileManagerOf(this.bus)?.lookup(fuid);
    if (f === undefined) this.builtinError(`file ID ${fuid} not a known file`);
    return f;
  }

  /** Zeek's Connection::FindAnalyzer: `c`'s active analyzer object named `name` (for bifs such as set_secret), null when none. */
  connectionAnalyzer(c: Connection, name: string): unknown {
    return treeOf(c)?.analyzerNamed(name) ?? null;
  }

  /** Zeek's Connection::FindAnalyzer by id: `c`'s active analyzer object `aid` (a script configuring the analyzer it was told of), null when none. */
  connectionAnalyzerById(c: Connection, aid: number): unknown {
    return treeOf(c)?.analyzerWithId(aid) ?? null;
  }

  /** Zeek's Analyzer::registered_ports(tag) holding `port`/`transport`: whether the analyzer named `name` attaches to that responder port. */
  registeredPort(name: string, port: number, transport: Transport): boolean {
    if (transport !== "tcp" && transport !== "udp") return false;
    const wanted = name.toLowerCase();
    return this.analyzers.forPort(port, transport === "udp")?.some((c) => c.name.toLowerCase() === wanted) ?? false;
  }

  /** Zeek's Analyzer::schedule_analyzer (see AnalyzerScriptHost). */
  scheduleAnalyzer(orig: string, resp: string, respPort: number, proto: "tcp" | "udp", name: string, timeout: number): void {
    this.analyzers.expect(orig, resp, respPort, proto, name, this.clock.now + timeout, this.clock.now);
  }

  /** Zeek's set_contents_file: writes connection `c`'s stream(s) to `path` as they are delivered (see analyzer/tcp/contents-file.ts). */
  setContentsFile(c: Connection, direction: ContentsDirection, path: string): boolean {
    return setContentsFile(c, direction, path);
  }

  /** Zeek's get_contents_file: the path set for one side of `c`, if any. */
  getContentsFile(c: Connection, direction: ContentsDirection): string | undefined {
    return getContentsFile(c, direction);
  }

  /**
   * Trace recording's per-connection override (see record/record-contents.ts):
   * `c`'s later packets are recorded whole (true) or header-only (false)
   * whatever the analysis used; null returns to the analysis' decision.
   */
  recordContents(c: Connection, whole: boolean | null): boolean {
    return recordContents(c, whole);
  }

  /** Zeek's script hooks (HTTP::max_files_policy, WebSocket::configure_analyzer, …); their handlers share the events' groups. */
  private readonly hooks = new Hooks(this.bus.groups);

  /**
   * Registers a handler of a script hook (`hook NAME(…)` in a Zeek script);
   * returning false is `break`. `options` is its priority, or the priority
   * and event groups as for on().
   */
  onHook<H extends HookName>(name: H, handler: HookHandler<H>, options: number | HookOptions = 0): this {
    this.noteHandler();
    this.hooks.on(name, handler, this.inModule(typeof options === "number" ? { priority: options } : options));
    return this;
  }

  /** Runs a script hook's handlers: true unless one broke (Zeek's `hook NAME(args)` expression). */
  runHook<H extends HookName>(name: H, ...args: HookMap[H]): boolean {
    return this.hooks.run(name, ...args);
  }

  /** Registers an event handler (see docs/events.md). */
  on<E extends EventName>(name: E | "bro_init" | "bro_done", handler: Handler<E>, options?: HandlerOptions): this {
    this.noteHandler();
    this.bus.on(name, handler, this.inModule(options ?? {}));
    return this;
  }

  /**
   * A handler's options with its module: the one it names, else Zeek's
   * GLOBAL for a user's handler (every Zeek handler is in its module's
   * group), and for a built-in script's the module of the Zeek script it
   * stands for (asScriptModule); one registered outside any such script
   * while the built-in scripts load is in no module group.
   */
  private inModule<O extends HandlerOptions>(options: O): O {
    if (options.module !== undefined) return options;
    const module = this.builtinModule ?? (this.builtinDepth === 0 ? "GLOBAL" : undefined);
    return module === undefined ? options : { ...options, module };
  }

  // Zeek's six BIFs of event groups. enable_*/disable_* answer true, or
  // false with Zeek's builtin error "no such event group" when no handler
  // names the group (nothing is created); has_* only look.

  /** Zeek's enable_event_group: the group's handlers (events and hooks) run again, unless another of their groups is disabled. */
  readonly enableEventGroup = (group: string): boolean => this.switchGroup("attribute", group, true);
  /** Zeek's disable_event_group: the group's handlers (events and hooks) stop running until it is enabled again. */
  readonly disableEventGroup = (group: string): boolean => this.switchGroup("attribute", group, false);
  /** Zeek's has_event_group: whether a handler names the attribute group (`{ group }`). */
  readonly hasEventGroup = (group: string): boolean => this.bus.groups.lookup("attribute", group) !== undefined;
  /** Zeek's enable_module_events: the module's handlers run again (those of a disabled attribute group still do not). */
  readonly enableModuleEvents = (module: string): boolean => this.switchGroup("module", module, true);
  /** Zeek's disable_module_events: every handler of the module (events and hooks) stops running. */
  readonly disableModuleEvents = (module: string): boolean => this.switchGroup("module", module, false);
  /** Zeek's has_module_events: whether a handler is in the module (user handlers naming none are in GLOBAL). */
  readonly hasModuleEvents = (module: string): boolean => this.bus.groups.lookup("module", module) !== undefined;

  /** Switches a group; an unknown one is Zeek's builtin error "no such event group" (the module kind too). */
  private switchGroup(kind: GroupKind, name: string, enabled: boolean): boolean {
    if (this.bus.groups.setEnabled(kind, name, enabled)) return true;
    this.builtinError(`no such event group: ${name}`);
    return false;
  }

  /** Nesting depth of asBuiltinScripts: the handlers registered meanwhile are the built-in scripts'. */
  private builtinDepth = 0;

  /**
   * Runs `load` (loadBuiltinScripts) with the handlers and hooks it registers
   * counted as the built-in scripts' own: those read no link-layer address
   * unless mac-logging is loaded, so they do not make connections keep them.
   */
  asBuiltinScripts<T>(load: () => T): T {
    this.builtinDepth++;
    try {
      return load();
    } finally {
      this.builtinDepth--;
    }
  }

  /** The module of the built-in script whose handlers are being registered (asScriptModule). */
  private builtinModule: string | undefined = undefined;

  /**
   * Runs `load` (a built-in script's loading) with
   * the handlers and hooks it registers in `module`'s group, as Zeek puts a
   * script's handlers in the group of its `module` line: so
   * disableModuleEvents("HTTP") silences base/protocols/http.
   */
  asScriptModule<T>(module: string, load: () => T): T {
    const outer = this.builtinModule;
    this.builtinModule = module;
    try {
      return load();
    } finally {
      this.builtinModule = outer;
    }
  }

  /** A handler not of the built-in scripts may read any connection record: from now on connections keep their l2_addr (SessionManager.keepL2Addresses). */
  private noteHandler(): void {
    if (this.builtinDepth === 0) this.sessions.keepL2Addresses = true;
  }

  /** Queues event `name` (Zeek's `event` statement in a script): it runs after the events already queued. */
  raise<E extends EventName>(name: E, ...args: EventMap[E]): void {
    if (this.bus.has(name)) this.bus.queueArgs(name, args);
  }

  /**
   * Loads user signatures (Zeek's `-s file.sig` and `@load-sigs`): each
   * source is a file path (found as given or with ".sig" added), the text
   * of signatures itself, or `{ text, file }` (text, and the name its errors
   * give). All sources of one call are compiled together (a
   * requirement may name a signature of another file), and with those of
   * earlier calls. A match raises signature_match; base/frameworks/signatures
   * (loadBuiltinScripts) writes signatures.log. File signatures (`file-magic`
   * patterns with `file-mime` actions) are matched on files' first bytes
   * instead, their types ranked with Zeek's own in the MIME sniffing
   * (files/user-magic.ts). Throws a SignatureError (file and line in its
   * message) for a missing or bad file, and an Error once the run has
   * started. Until this is called the engine does nothing for signatures on
   * any packet, nor after it when all the signatures loaded are file ones.
   */
  loadSignatures(...sources: SignatureSource[]): this {
    if (this.started) throw new Error("loadSignatures: signatures must be loaded before the first packet");
    const all = [...this.userSignatures, ...readSignatures(sources)];
    // File signatures (file-magic) go to the files framework's MIME sniffing; packets never see them.
    const fileMagic = compileFileMagic(all.filter((s) => s.fileMagic.length > 0));
    const packetSignatures = all.filter((s) => s.fileMagic.length === 0);
    const set = packetSignatures.length > 0 ? compileUserSignatures(packetSignatures) : null;
    // Only what compiled is kept: a bad file leaves the engine as it was.
    this.userSignatures = all;
    setUserFileMagic(this.bus, fileMagic);
    if (set === null) return this;
    if (this.signatureTap !== null) this.signatureTap.set = set;
    else {
      const tap = new SignatureTap(set, this.bus, this.settings, this.signatureFunctions);
      this.signatureTap = tap;
      this.sessions.setPacketTap(tap);
      this.analyzers.streamTap = tap;
    }
    return this;
  }

  /**
   * Registers the function a signature's `eval NAME` condition calls (Zeek's
   * `function NAME(state: signature_state, data: string): bool`). It runs
   * while the signature is tried, after its requirements and the conditions
   * before it in the file: `data` is the chunk its patterns just matched in,
   * empty when it is tried without new data; only `true` lets it fire. Names
   * are looked up when the run starts (a SignatureError for one nobody
   * registered), so this may come after loadSignatures.
   */
  signatureCondition(name: string, condition: SignatureCondition): this {
    this.signatureFunctions.condition(name, condition);
    return this;
  }

  /**
   * Handles a signature's custom event (`event NAME "msg"`: the "message"
   * form, `(state, msg, data, endOfMatch)`; `event NAME`: the "no-message"
   * form, `(state, data, endOfMatch)`), Zeek's user-named events raised
   * instead of signature_match. Queued in order with the other events. A
   * name no handler was registered for, or registered in the other form, is
   * a SignatureError when the run starts.
   */
  onSignatureEvent(name: string, form: "message", handler: SignatureMessageHandler): this;
  onSignatureEvent(name: string, form: "no-message", handler: SignatureDataHandler): this;
  onSignatureEvent(name: string, form: "message" | "no-message", handler: SignatureMessageHandler | SignatureDataHandler): this {
    this.signatureFunctions.onEvent(name, form, handler);
    return this;
  }

  /**
   * Registers a script constant that signature files name as a value
   * (Zeek's `dst-ip == mynets`, `ip-proto == udp_proto_number`): numbers for
   * port, ip-proto and header conditions, addresses or prefixes as text
   * ("10.0.0.0/8") for src-ip and dst-ip; a list stands for a set. Resolved
   * when the run starts (a SignatureError for a name nobody registered).
   */
  signatureConstant(name: string, value: SignatureConstant): this {
    this.signatureFunctions.constant(name, value);
    return this;
  }

  /** zeek_init was raised (the run began): what a script starts from now on (an input stream) starts at once. */
  get initialized(): boolean {
    return this.started;
  }

  /** Raises zeek_init once, before the first packet (after resolving the names the signatures use). */
  start(): void {
    if (this.started) return;
    if (this.signatureTap !== null) this.signatureTap.set = this.signatureFunctions.bind(this.userSignatures, this.signatureTap.set);
    this.started = true;
    // IGMP is analysed (packets, no connections) only for scripts that handle its events, or as a
    // Zeek built with Spicy (whose IGMP analyzer always runs): see analyzer/igmp.
    if (this.spicy || igmpWanted(this.bus)) this.sessions.registerPacketAnalyzer(new IgmpAnalyzer(this));
    // Set up when a handler is registered, enabled or not; each asks `wants` where it raises, so it follows the event groups' later switches.
    const bus = this.bus;
    if (bus.registered("unknown_protocol")) this.reportUnknownProtocols();
    if (bus.registered("esp_packet")) {
      // A reassembled datagram is whole: Zeek's header then has no captured length to check.
      const esp = (pkt: Packet, captured: number) => {
        if (bus.wants.esp_packet) bus.queue("esp_packet", pktHdr(pkt.data, pkt.l3Offset, pkt.reassembled ? 0 : captured));
      };
      this.ip.espPacket = esp;
      this.innerIp.espPacket = esp;
    }
    if (bus.registered("mobile_ipv6_message")) {
      // Building the record may find anomalies Zeek reports as it builds it (pkt-hdr.ts's mobilityMsg): only when the event is raised.
      const weird = (name: string, addl: string) => this.weirds.net(name, addl);
      const mobility = (pkt: Packet, captured: number) => {
        if (bus.wants.mobile_ipv6_message) bus.queue("mobile_ipv6_message", pktHdr(pkt.data, pkt.l3Offset, pkt.reassembled ? 0 : captured, weird));
      };
      this.ip.mobilityMessage = mobility;
      this.innerIp.mobilityMessage = mobility;
    }
    // Zeek decides whether to queue zeek_script_loaded once, after the top-level statements and before any zeek_init handler runs.
    const scriptsLoaded = bus.wants.zeek_script_loaded;
    bus.raiseNow("zeek_init");
    // Analyzer::requested_analyzers: the analyzer framework's zeek_init enables them at priority -5, after a script's own.
    for (const tag of this.settings["Analyzer::requested_analyzers"]) this.enableAnalyzerType(tag);
    if (scriptsLoaded) this.reportLoadedScripts();
  }

  /** zeek_script_loaded for each file Zeek loads for this command line, after zeek_init as Zeek queues them (loaded-scripts.ts). */
  private reportLoadedScripts(): void {
    const prefix = this.settings["LoadedScripts::prefix"].replace(/\/+$/, "");
    for (const { file, level } of zeekLoadedScripts(this.scriptRun)) {
      this.bus.queue("zeek_script_loaded", prefix === "" ? file : `${prefix}/${file}`, level);
    }
    this.bus.drain();
  }

  /** unknown_protocol from the link layers and the unknown-IP transport (packet/unknown-protocols.ts). */
  private reportUnknownProtocols(): void {
    const unknown = new UnknownProtocols(
      this.clock,
      (analyzer, protocol, first, history) => this.bus.queue("unknown_protocol", analyzer, protocol, first, history),
      () => this.bus.wants.unknown_protocol,
    );
    this.link.unknown = unknown;
    this.innerLink.unknown = unknown;
    this.sessions.unknownIpProtocol = (pkt) => {
      const end = pkt.l4Offset + Math.min(pkt.l4Len, pkt.l4CapLen);
      unknown.report("UNKNOWN_IP_TRANSPORT", pkt.ipProto, pkt.data, pkt.l4Offset, end, () => [...this.link.history(), "IP", "UNKNOWN_IP_TRANSPORT"]);
    };
  }

  /** Reads every packet of `source`, then flushes remaining state and raises zeek_done. */
  async run(source: PacketSource): Promise<RunSummary> {
    // Zeek opens its packet source before zeek_init: its handlers can ask for it.
    this.source = source;
    source.open?.();
    this.start();
    let summary: Awaited<ReturnType<PacketSource["run"]>>;
    try {
      summary = await source.run(
        (raw) => this.processPacket(raw),
        (wallTime) => this.idle(wallTime),
      );
      await this.settleHeld();
      this.inputDone = true;
      // Zeek's packet source says so as it closes, before net_done.
      if (this.bus.wants["Pcap::file_done"]) this.bus.queue("Pcap::file_done", source.name);
    } finally {
      this.finish();
    }
    return { packets: summary.packets, truncated: summary.truncated };
  }

  /**
   * Zeek's packet_source(): the source being read, null before run() (Zeek's
   * record then has no field set). Once the input ended the source is
   * closed, as Zeek's is at the end of its trace: its path reads "not
   * open", its link type -1 and its netmask unknown.
   */
  packetSource(): PacketSourceRecord | null {
    const source = this.source;
    if (source === null) return null;
    const p = source.properties?.() ?? { live: false, linkType: -1, netmask: NETMASK_UNKNOWN };
    if (this.inputDone) return { live: p.live, path: "not open", link_type: -1, netmask: NETMASK_UNKNOWN };
    return { live: p.live, path: source.name, link_type: p.linkType, netmask: p.netmask };
  }

  /**
   * Zeek's get_current_packet()$data: the bytes captured of the packet being
   * processed (its events' handlers run before the next one is read), link
   * layer included, outer packet for a tunnelled one; after the last packet,
   * that one; null before the first. A view: valid while its handlers run.
   */
  currentPacketData(): Uint8Array | null {
    const raw = this.currentRaw;
    return raw === null ? null : raw.data.subarray(raw.offset, raw.offset + raw.caplen);
  }

  /** How many ARP messages were analysed so far (see ArpAnalyzer.processed). */
  private arpProcessed(): number {
    return this.link.arp?.processed ?? 0;
  }

  /**
   * Zeek's packet->processed for the packet just analysed: a TCP, UDP or ICMP
   * connection took it (an unknown IP protocol's connection does not count,
   * as Zeek's UnknownIPTransport analyzer says), or ARP read it.
   */
  private processed(arpBefore: number): boolean {
    const conn = this.use.conn as Conn | null;
    return (conn !== null && conn.transport !== "unknown_transport") || this.arpProcessed() !== arpBefore;
  }

  /** No analyzer took `raw`: counted (get_conn_stats' num_packets_unprocessed), and packet_not_processed if handled. */
  private notProcessed(raw: RawPacket): void {
    this.packetsUnprocessed++;
    if (this.bus.wants.packet_not_processed) this.bus.queue("packet_not_processed", pcapPacket(raw));
  }

  /**
   * Zeek's get_current_packet_ts(): the timestamp of the packet being
   * processed (or the last one, between packets); 0 before the first and
   * once the input ended (what the final flush raises has no packet).
   */
  currentPacketTs(): number {
    return this.inputDone || this.currentRaw === null ? 0 : this.currentRaw.ts;
  }

  /**
   * Zeek's get_current_packet_header: the raw_pkt_hdr of the packet being
   * processed (outer packet for a tunnelled one; after the last packet, that
   * one; null before the first). For a datagram reassembled from fragments,
   * its headers are the reassembled datagram's, and the link layer's `len`
   * counts the whole datagram while `cap_len` stays the last fragment's
   * frame, as Zeek leaves them.
   */
  currentPacketHeader(): RawPktHdr | null {
    const raw = this.currentRaw;
    if (raw === null) return null;
    const pkt = this.packet;
    const hdr = rawPktHdr(raw, pkt);
    if (pkt.reassembled) hdr.l2.len = pkt.l2HeaderLen + pkt.ipTotalLen;
    return hdr;
  }

  /**
   * Zeek's dump_current_packet: appends the packet being processed (as read,
   * the outer one of a tunnelled packet) to the pcap file at `path`, which
   * stays open until another path is asked for or the run ends (a new or
   * empty file gets a header; an existing one must be a pcap of the packet's
   * link type). False before the first packet or when the file cannot be
   * written.
   */
  dumpCurrentPacket(path: string): boolean {
    const raw = this.currentRaw;
    if (raw === null) return false;
    return (this.dumper ??= new PacketDumper()).dump(path, raw);
  }

  /**
   * Zeek's TCP::raw_options: the TCP options of the packet being processed
   * (the innermost that reached a TCP connection), unparsed, in order; none
   * for a packet that did not. Each option is its kind and its data (a copy,
   * without kind and length bytes; empty for EOL and NOP). Parsing stops at a
   * length that does not fit, and with `stopAtEol` after an EOL.
   */
  tcpRawOptions(stopAtEol = true): TcpRawOption[] {
    const pkt = this.use.transport;
    if (pkt === null || pkt.ipProto !== IPPROTO_TCP) return [];
    return tcpRawOptions(pkt.data, pkt.l4Offset, pkt.l4CapLen, stopAtEol);
  }

  /** Processes one packet: timers due by its time first, then the packet, then its events. */
  processPacket(raw: RawPacket): void {
    if (this.filter !== undefined && !this.filter(raw)) return;
    if (!this.started) this.start();
    // Zeek's run loop: network time is set by the first packet, which says so before anything it causes.
    if (this.currentRaw === null && this.bus.wants.network_time_init) this.bus.queue("network_time_init");
    this.currentRaw = raw;
    this.packetsSeen++;
    this.bytesSeen += raw.wirelen;
    const pkt = this.packet;
    pkt.ts = raw.ts;
    pkt.caplen = raw.caplen;
    pkt.wirelen = raw.wirelen;
    pkt.linktype = raw.linktype;
    pkt.data = raw.data;
    pkt.offset = raw.offset;
    pkt.end = raw.offset + raw.caplen;
    // Network time never goes backwards (Zeek's run_state packet loop); the packet keeps its own ts.
    if (raw.ts > this.clock.now) this.clock.now = raw.ts;
    this.sessions.advanceTime();
    // What the layers use of the packet (for the recorder): PacketUse's rule
    // written out rather than called (reset, ipLayerDone), as every call V8
    // inlines into this, the hottest function, takes from one inlining budget.
    const use = this.use;
    use.level = USE_HEADERS;
    use.headerEnd = -1;
    use.conn = null;
    const arpBefore = this.arpProcessed();
    use.transport = null;
    const isIp = this.link.decode(pkt);
    const subframe = this.link.subframeAt;
    if (isIp) {
      if (!this.ip.process(pkt)) use.level = USE_WHOLE;
      else {
        if (pkt.reassembled) use.level = USE_WHOLE;
        this.sessions.process(pkt);
      }
    }
    if (subframe >= 0) this.link.eachSubframe(pkt, subframe, this.link.subframeEnd, this.processIp);
    if (pkt.lengthFromCapture) use.level = USE_WHOLE;
    if (!this.processed(arpBefore)) this.notProcessed(raw);
    // Zeek queues raw_packet once the packet was analysed, after the events its analysis raised.
    if (this.bus.wants.raw_packet) this.bus.queue("raw_packet", rawPktHdr(raw, pkt));
    this.bus.drain();
    if (this.recorder !== null) this.record(raw);
  }

  /** A lull in live capture set network time (idle), packets or not. */
  private lulled = false;

  /**
   * Zeek's network_time(): 0 until the first packet or, capturing live, the
   * first lull sets it; then the clock's time.
   */
  get networkTime(): number {
    return this.packetsSeen > 0 || this.lulled ? this.clock.now : 0;
  }

  /**
   * A lull in live capture: network time moves on to `wallTime` and the
   * timers due by then run, with their events (Zeek's run loop updates
   * network time from the clock and expires timers when no packet is
   * pending). Packets timestamped earlier later keep their own time.
   */
  idle(wallTime: number): void {
    if (this.finished) return;
    if (!this.started) this.start();
    this.lulled = true;
    if (wallTime > this.clock.now) this.clock.now = wallTime;
    this.sessions.advanceTime();
    this.bus.drain();
  }

  /**
   * Replaces the capture filter for the packets that follow (Zeek's
   * Pcap::install_pcap_filter, which a script calls as traffic goes, e.g.
   * to shed a flood): a tcpdump expression (a bad one throws
   * FilterSyntaxError and keeps the filter in place), a predicate, or null
   * for none. Live capture's kernel filter (-f with -i) still applies first.
   */
  setFilter(filter: string | PacketPredicate | null): void {
    this.filter = typeof filter === "string" ? compileFilter(filter) : (filter ?? undefined);
  }

  /**
   * The analyzers' registered responder ports (Zeek's Analyzer::ports), for
   * the packet-filter framework's Analyzer::get_bpf; in registration order.
   */
  analyzerPorts(): Array<{ name: string; tcp: number[]; udp: number[] }> {
    // base/packet-protocols (loaded with -b too) registers the UDP tunnels' packet analyzers for their ports into Analyzer::ports.
    return [...this.analyzers.portsByAnalyzer(), { name: "UDP tunnels", tcp: [], udp: [...this.tunnels.udpServerPorts] }];
  }

  /**
   * Frames of pcap link type `linktype` start with `bytes` bytes to skip,
   * then IP (Zeek's SKIP packet analyzer registered under ROOT, with
   * PacketAnalyzer::SKIP::skip_bytes): for a vendor's capture header, or
   * outer headers to look through. A shorter frame is dropped with the
   * skip_bad_length weird.
   */
  skipLinkHeader(linktype: number, bytes: number): void {
    if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`skipLinkHeader: bytes must be a whole number ≥ 0, got ${bytes}`);
    this.link.register(linktype, skipDecoder(bytes));
  }

  /**
   * Zeek's PacketAnalyzer::register_packet_analyzer: from the next packet
   * on, what packet analyzer `parent` finds under `identifier` (a pcap link
   * type under ROOT, an EtherType under ETHERNET, VLAN, LINUXSLL, SNAP, …)
   * goes to `child`: a link analyzer bronze decodes, IP, or SKIP (which
   * skips PacketAnalyzer::SKIP::skip_bytes, then IP). Replacing a mapping
   * is a reporter info, as in Zeek. False when bronze cannot do it: a
   * parent it does not dispatch by number, or a child it has no decoder
   * for (ARP, the tunnels, the transports).
   */
  registerPacketAnalyzer(parent: PacketAnalyzerTag | PacketAnalyzerName, identifier: number, child: PacketAnalyzerTag | PacketAnalyzerName): boolean {
    const parentName = packetAnalyzerName(parent);
    const childName = packetAnalyzerName(child);
    if (parentName === null || childName === null || !Number.isInteger(identifier) || identifier < 0) return false;
    const decoder = this.packetAnalyzerDecoder(childName);
    if (decoder === undefined) return false;
    const previous = this.link.registerChild(parentName, identifier, decoder, childName);
    if (previous === false) return false;
    if (previous !== null) this.coreInfo(`Overwriting packet analyzer mapping ${identifierText(identifier)} => ${previous} with ${childName}`);
    return true;
  }

  /** The decoder a registration of packet analyzer `name` forwards to (SKIP with this run's skip_bytes). */
  private packetAnalyzerDecoder(name: PacketAnalyzerName): LinkDecoder | undefined {
    if (name === "SKIP") return skipDecoder(this.settings["PacketAnalyzer::SKIP::skip_bytes"]);
    return linkDecoderNamed(name);
  }

  /**
   * Where the engine's own reporter infos go (Zeek's reporter->Info from its
   * core, with no script location): loadBuiltinScripts points it at
   * reporter.log's Reporter. Until then (null) an info is a stderr line and
   * the reporter_info event.
   */
  reporterInfo: ((message: string) => void) | null = null;

  private coreInfo(message: string): void {
    this.coreReport(this.reporterInfo, "reporter_info", "", message);
  }

  /** Where the engine's own reporter warnings go (Zeek's reporter->Warning from its core, e.g. an analyzer's): as reporterInfo. */
  reporterWarning: ((message: string) => void) | null = null;

  private coreWarning(message: string): void {
    this.coreReport(this.reporterWarning, "reporter_warning", "warning: ", message);
  }

  /**
   * Sets a threshold on connection `c` (Zeek's set_current_conn_bytes_threshold,
   * _packets_threshold and _duration_threshold): when the side's IP bytes or
   * packets reach `threshold` (or a packet comes `threshold` seconds after
   * the first), conn_bytes_threshold_crossed (…packets…, …duration…) is
   * raised once; 0 clears it. One already crossed fires at once. False when
   * `c` is not a connection the engine still tracks.
   */
  setConnThreshold(c: Connection, kind: ThresholdKind, threshold: number, isOrig = true): boolean {
    if (!(threshold >= 0 && Number.isFinite(threshold))) throw new RangeError(`setConnThreshold: threshold must be a finite number ≥ 0, got ${threshold}`);
    const conn = liveConn(c);
    if (conn === null) return false;
    conn.setThreshold(kind, threshold, isOrig);
    return true;
  }

  /**
   * Zeek's packet filter, for install_src_net_filter and friends: made (and
   * given to the IP layers, outer and tunnelled) on first use, so that a run
   * without one asks nothing per packet.
   */
  netFilter(): NetFilter {
    if (this.ip.netFilter === null) {
      const filter = new NetFilter(this.random);
      this.ip.netFilter = filter;
      this.innerIp.netFilter = filter;
    }
    return this.ip.netFilter;
  }

  /**
   * Zeek's discarders (discarder_check_ip, _tcp, _udp, _icmp): functions
   * that drop packets before any analysis when they return true, asked by
   * the IP layers (outer and tunnelled) after the header and checksum
   * checks, before fragment reassembly (src/ip/discarder.ts says what each
   * is given). Replaces those set before; none given removes them, and a
   * run without them asks nothing per packet.
   */
  setDiscarders(discarders: Discarders): void {
    const any = discarders.ip !== undefined || discarders.tcp !== undefined || discarders.udp !== undefined || discarders.icmp !== undefined;
    const discarder = any ? new Discarder(discarders, () => this.settings.discarder_maxlen) : null;
    this.ip.discarder = discarder;
    this.innerIp.discarder = discarder;
  }

  /**
   * Stops analysing connection `c`'s later packets (Zeek's
   * skip_further_processing, e.g. for a bulk transfer a script has seen
   * enough of): no more events, reassembly or counting for it; it still
   * times out and gets its conn.log line, with what was counted before.
   * False when `c` is not a connection the engine still tracks.
   */
  skipFurtherProcessing(c: Connection): boolean {
    const conn = liveConn(c);
    if (conn === null) return false;
    conn.skipFurther();
    return true;
  }

  /** The Geneve layers of the packet being processed (geneveAt: its packetsSeen), their UDP payloads. */
  private readonly geneveLayers: Uint8Array[] = [];
  private geneveAt = -1;

  private noteGeneveLayer(layer: Uint8Array): void {
    if (this.geneveAt !== this.packetsSeen) {
      this.geneveLayers.length = 0;
      this.geneveAt = this.packetsSeen;
    }
    this.geneveLayers.push(layer);
  }

  /**
   * Zeek's PacketAnalyzer::Geneve::get_options(): the options of each Geneve
   * header of the current packet (the innermost last), for the handlers of
   * the events it caused.
   */
  geneveOptions(): GeneveOption[][] {
    return this.geneveAt === this.packetsSeen ? this.geneveLayers.map(geneveOptions) : [];
  }

  /** The threshold set on `c` (0: none, or not a tracked connection); Zeek's get_current_conn_*_threshold. */
  connThreshold(c: Connection, kind: ThresholdKind, isOrig = true): number {
    return liveConn(c)?.threshold(kind, isOrig) ?? 0;
  }

  /** The files framework's manager (see AnalyzerScriptHost.fileManager): the one the connections' analyzers hand their files to. */
  fileManager(): FileManager {
    // The session manager is the files' services, as it is for the connections' analyzers (instance.ts).
    return fileManagerFor(this.bus, this.clock, this.sessions);
  }

  /** The totals behind Zeek's get_*_stats functions (see AnalyzerScriptHost.stats). */
  stats(): EngineStats {
    const files = fileManagerOf(this.bus);
    const weirds = this.weirds;
    const bus = this.bus;
    const timers = this.sessions.timerCounts();
    const events = this.bus.eventCounts();
    return {
      pktsRecvd: this.packetsSeen,
      bytesRecvd: this.bytesSeen,
      pktsUnprocessed: this.packetsUnprocessed,
      gaps: this.sessions.gapStats,
      conns: this.sessions.connCounts,
      fragments: {
        current: this.ip.fragments.pending + this.innerIp.fragments.pending,
        max: this.ip.fragments.stats.maxPending + this.innerIp.fragments.stats.maxPending,
      },
      eventsQueued: events.queued,
      eventsDispatched: events.dispatched,
      timersCurrent: timers.current,
      timersCumulative: timers.cumulative,
      filesCurrent: files?.openFiles ?? 0,
      filesCumulative: files?.totalFiles ?? 0,
      reassemTcpBytes: Reassembler.totalBytes,
      terminating: this.finished,
      // Made when asked: a copy of every name's count.
      get weirdsByType() {
        return weirds.counts;
      },
      get handlerCalls() {
        return bus.handlerCalls();
      },
    };
  }

  /** Zeek's get_conn_stats(): the connection and packet counters, as its ConnStats record. */
  connStats(): ConnStatsRecord {
    return connStatsRecord(this.stats());
  }

  /** Zeek's script-level timers (see AnalyzerScriptHost.schedule). */
  schedule(at: number, fn: (now: number) => void): void {
    this.addScriptTimer(at, fn, false);
  }

  /** The end of input waits for `work` (a script's `when` lookup; see AnalyzerScriptHost.holdUntil). */
  holdUntil(work: Promise<unknown>): void {
    this.held.add(work);
    const forget = (): void => void this.held.delete(work);
    work.then(forget, forget);
  }

  /** Waits for the held work, including what it holds in turn. */
  private async settleHeld(): Promise<void> {
    while (this.held.size > 0) await Promise.allSettled([...this.held]);
  }

  /** A `schedule` statement's event (see AnalyzerScriptHost.scheduleEvent). */
  scheduleEvent(at: number, fn: (now: number) => void): void {
    // Zeek's schedule expression does nothing once it is terminating.
    if (!this.finished) this.addScriptTimer(at, fn, true);
  }

  /** A script's own event, queued now (see AnalyzerScriptHost.queueEvent). */
  queueEvent(fn: (now: number) => void): void {
    this.bus.queueCall(fn, this.clock.now);
  }

  /**
   * A script timer goes into the one timer heap the connections' timers are
   * in, as Zeek's TimerMgr holds its ScheduleTimers and table-expiry timers
   * beside the sessions': timers due at the same packet fire in time order
   * across both, and timers due at the same instant in the heap's order.
   */
  private addScriptTimer(at: number, fn: (now: number) => void, event: boolean): void {
    if (event) this.pendingScheduledEvents++;
    this.sessions.scheduleClient(new ScriptTimer(this, fn, event, at), at);
  }

  /**
   * A script timer is due (`atEnd`: flushed at the end of input). A
   * `schedule` statement's event is queued (ScheduleTimer::Dispatch): its
   * handlers run in the drain after the packet, before the packet's events;
   * at the end of input too. The other script timers run their function,
   * but not at the end of input (Zeek expires table timers without
   * dispatching them). An event's network timestamp (event metadata) is
   * the time it was scheduled for, never later than network time (at the
   * end all timers fire).
   */
  scriptTimerDue(fn: (now: number) => void, event: boolean, atEnd: boolean, at: number): void {
    const now = this.clock.now;
    if (event) {
      this.pendingScheduledEvents--;
      this.bus.queueCall(fn, now, at);
    } else if (!atEnd) fn(now);
  }

  /** Hands the packet just processed to the recorder, with what the analysis used of it. */
  private record(raw: RawPacket): void {
    const use = this.use;
    this.recorder!.record(raw, RECORD_MODES[use.decision()]!, use.headerEnd < 0 ? -1 : use.headerEnd - raw.offset);
  }

  /** The IP and session layers for a further A-MSDU subframe (processPacket inlines this, PacketUse's rule included, for the first). */
  private readonly processIp = (pkt: Packet): void => {
    if (this.use.ipLayerDone(pkt, this.ip.process(pkt))) this.sessions.process(pkt);
  };

  /**
   * A tunnel's inner frame (Tunnels.run): the link and IP layers for inner
   * packets, then the session layer, as for a packet off the wire; the
   * tunnel analyzer entered its encapsulation first.
   */
  private processInner(inner: Packet): boolean {
    const link = this.innerLink;
    const isIp = link.decode(inner);
    const subframe = link.subframeAt;
    const frameEnd = link.subframeEnd;
    let accepted = false;
    if (isIp) accepted = this.analyzeInnerIp(inner);
    else this.use.headerEnd = inner.end; // a non-IP inner frame is all header
    if (subframe >= 0) link.eachSubframe(inner, subframe, frameEnd, this.processInnerIp);
    return accepted;
  }

  /** The IP and session layers for an inner packet (once per A-MSDU subframe), with PacketUse's IP-layer rule. */
  private readonly processInnerIp = (inner: Packet): void => void this.analyzeInnerIp(inner);

  /** processInnerIp, telling whether the IP layer accepted the packet. */
  private analyzeInnerIp(inner: Packet): boolean {
    const accepted = this.innerIp.process(inner);
    if (this.use.ipLayerDone(inner, accepted)) this.sessions.process(inner);
    return accepted;
  }

  /** End of input: shutdown timers, pending connections, zeek_done (session::Manager::Drain). Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.bus.drain();
    this.bus.raiseNow("net_done", this.clock.now);
    this.ip.flush();
    // Zeek's done_with_network expires every timer, then drains, then flushes
    // the connections left: scheduled events see them still open, before
    // zeek_done. Without any, the timers expire in sessions.finish as before.
    if (this.pendingScheduledEvents > 0) {
      this.sessions.expireTimers();
      this.bus.drain();
    }
    this.sessions.finish();
    this.bus.drain();
    // Files still open time out after the connections (Zeek's file manager terminates last).
    fileManagerOf(this.bus)?.finish();
    this.bus.drain();
    this.bus.raiseNow("zeek_done");
    this.dumper?.close();
  }
}

/** A script's timer in the timer heap (Engine.addScriptTimer). */
class ScriptTimer implements TimerClient {
  constructor(
    private readonly engine: Engine,
    private readonly fn: (now: number) => void,
    private readonly event: boolean,
    private readonly at: number,
  ) {}

  onTimer(atEnd: boolean): void {
    this.engine.scriptTimerDue(this.fn, this.event, atEnd, this.at);
  }
}
