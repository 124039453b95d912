/**
 * Live capture through libpcap, using the `pcap` package (node_pcap) only for
 * its capture session: open_live with a kernel-side BPF filter, the pcap
 * header (timestamp, caplen, len) of each packet, and pcap_stats. Its decoders
 * are not used. The package is an optional dependency with a native addon:
 * offline analysis works where it could not be built, and `openLive` then
 * fails with one clear message.
 *
 * Why this binding: it builds with node-gyp against the system libpcap on
 * Node 20, exposes per-packet capture timestamps (network time for live
 * traffic) and capture statistics; `cap` exposes neither.
 *
 * One wart: after `stop()` node_pcap keeps polling the capture descriptor
 * until one more packet arrives, so a program that used a LiveSource ends
 * with `process.exit` (the CLI does, once its output is flushed).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { endianness, type NetworkInterfaceInfo, networkInterfaces } from "node:os";
import { join } from "node:path";
import { DOUBLE_ZERO } from "../doubles.js";
import { MAXIMUM_SNAPLEN } from "./pcap.js";
import { type IdleSink, type PacketSink, type PacketSource, type RawPacket, type SourceProperties, type SourceSummary, TraceError } from "./raw-packet.js";

/** How long without a packet before network time follows the wall clock (and then how often). */
const IDLE_CHECK_MS = 1000;

export interface LiveOptions {
  /** tcpdump-syntax filter compiled by libpcap into the kernel (BPF). */
  filter?: string;
  /** Bytes captured per packet (default 262144, as tcpdump: a loopback packet may be 64 KiB). */
  snaplen?: number;
  /** Promiscuous mode (default true, as Zeek always captures). */
  promiscuous?: boolean;
  /** Kernel buffer size in bytes (default 10 MiB). */
  bufferSize?: number;
  /** Called once the capture is open (packets are being captured from then on). */
  onListening?: (info: ListeningInfo) => void;
  /** libpcap's warnings while opening a capture that then opened (e.g. no IPv4 address on the interface). */
  onWarning?: (message: string) => void;
}

/** What a capture opened with. */
export interface ListeningInfo {
  iface: string;
  linktype: number;
  snaplen: number;
  promiscuous: boolean;
}

/** What libpcap counted, reported at exit. */
export interface CaptureStats {
  received: number;
  dropped: number;
  ifDropped: number;
}

interface PcapPacket {
  buf: Buffer;
  header: Buffer;
}
interface PcapSession {
  link_type: string;
  on(event: "packet", listener: (p: PcapPacket) => void): void;
  stats(): { ps_recv: number; ps_drop: number; ps_ifdrop: number };
  close(): void;
  /** node_pcap's internals, used to read what is waiting when the capture stops (see LiveSource.stop). */
  session: { dispatch(buf: Buffer, header: Buffer): number };
  buf: Buffer;
  header: Buffer;
}
interface PcapModule {
  createSession(device: string, options: Record<string, unknown>): PcapSession;
  /** Called by node_pcap with libpcap's warnings while opening (its default prints them with console.warn). */
  warningHandler: (message: string) => void;
}

/** libpcap's pcap_compile messages (the interface opened; the filter is what it refused). */
const PCAP_FILTER_ERROR = /syntax error|illegal (token|char)|unknown (host|port|protocol|network|ether)|expression rejects|not supported|can't|too many/i;

const LINKTYPE_BY_NAME: Record<string, number> = {
  LINKTYPE_NULL: 0,
  LINKTYPE_ETHERNET: 1,
  LINKTYPE_RAW: 101,
  LINKTYPE_LINUX_SLL: 113,
  LINKTYPE_IEEE802_11_RADIO: 127,
};

/**
 * Why -i cannot work, and what makes it work. npm drops an optional package
 * whose build failed (no libpcap headers), so `npm rebuild pcap` finds
 * nothing to rebuild: the addon comes back with a new install once the
 * headers are there.
 */
export function pcapUnavailable(why: string): TraceError {
  return new TraceError(
    `live capture is not available in this build: the optional 'pcap' package (libpcap binding) could not be loaded (${why}); ` +
      "install libpcap's headers (Debian/Ubuntu: apt-get install libpcap-dev; Fedora: dnf install libpcap-devel; macOS: included), " +
      "then run 'npm ci' (or 'npm install') again in bronze's folder to build it",
  );
}

/** Loads node_pcap; `load` is the module loader (replaced by tests). */
export function loadPcap(load: (id: string) => unknown = createRequire(import.meta.url)): PcapModule {
  try {
    return load("pcap") as PcapModule;
  } catch (error) {
    throw pcapUnavailable(error instanceof Error ? error.message.split("\n")[0]! : String(error));
  }
}

/** The DLT of a session: node_pcap names a few, and says "Unknown linktype N" for the rest. */
function linktypeOf(name: string): number {
  const known = LINKTYPE_BY_NAME[name];
  if (known !== undefined) return known;
  const m = /(\d+)\s*$/.exec(name);
  return m ? Number(m[1]) : 1;
}

/** What Zeek keeps when libpcap finds no IPv4 address on the interface (its pcap_lookupnet fails). */
const NETMASK_NO_ADDRESS = 0xffffff00;

/**
 * pcap_lookupnet's netmask of `iface` as Zeek keeps it (packet_source()'s
 * netmask): the first IPv4 address's mask, its bytes in network order read
 * as a host integer (255.255.255.0 is 0x00ffffff on a little-endian host);
 * 0 for libpcap's pseudo-device "any"; 0xffffff00 without an IPv4 address.
 */
export function captureNetmask(iface: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): number {
  if (iface === "any") return 0;
  const v4 = interfaces[iface]?.find((a) => a.family === "IPv4");
  if (v4 === undefined) return NETMASK_NO_ADDRESS;
  const [a, b, c, d] = v4.netmask.split(".").map(Number) as [number, number, number, number];
  return (endianness() === "LE" ? (d << 24) | (c << 16) | (b << 8) | a : (a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Where Linux lists its network interfaces, one entry each. */
const SYS_CLASS_NET = "/sys/class/net";

/** True when `iface` is known to be gone: Linux no longer lists it (elsewhere, or for "any", never known). */
export function interfaceRemoved(iface: string, netDir = SYS_CLASS_NET): boolean {
  if (iface === "any" || !existsSync(netDir)) return false;
  return !existsSync(join(netDir, iface));
}

/** A source that captures on `iface` until `stop()` is called. */
export class LiveSource implements PacketSource {
  readonly name: string;
  private session: PcapSession | null = null;
  /** The capture's link type and netmask once it is open. */
  private opened: SourceProperties | null = null;
  private finish: ((s: SourceSummary) => void) | null = null;
  private packets = 0;
  private finalStats: CaptureStats | null = null;
  private lullTimer: NodeJS.Timeout | null = null;
  /** What the capture opens with (LiveOptions' defaults filled in), and what onListening reports. */
  private readonly snaplen: number;
  private readonly promiscuous: boolean;

  constructor(
    iface: string,
    private readonly options: LiveOptions = {},
  ) {
    this.name = iface;
    this.snaplen = options.snaplen ?? MAXIMUM_SNAPLEN;
    this.promiscuous = options.promiscuous ?? true;
  }

  open(): void {
    if (this.session !== null) return;
    const pcap = loadPcap();
    let session: PcapSession;
    // libpcap's warnings (e.g. "SIOCGIFADDR: nosuch0: No such device") are
    // kept: shown as bronze warnings once the capture is open, dropped when
    // opening fails (the error says it all).
    const warnings: string[] = [];
    pcap.warningHandler = (message) => void warnings.push(String(message));
    try {
      session = pcap.createSession(this.name, {
        filter: this.options.filter ?? "",
        snap_length: this.snaplen,
        promiscuous: this.promiscuous,
        buffer_size: this.options.bufferSize ?? 10 * 1024 * 1024,
        buffer_timeout: 0,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const filter = this.options.filter ?? "";
      if (filter !== "" && PCAP_FILTER_ERROR.test(message)) throw new TraceError(`bad filter '${filter}': ${message}`);
      throw new TraceError(`cannot capture on ${this.name}: ${message}`);
    }
    for (const w of warnings) this.options.onWarning?.(w);
    this.session = session;
    this.opened = { live: true, linkType: linktypeOf(session.link_type), netmask: captureNetmask(this.name) };
  }

  run(sink: PacketSink, idle?: IdleSink): Promise<SourceSummary> {
    this.open();
    const session = this.session!;
    const linktype = this.opened!.linkType;
    const raw: RawPacket = { ts: DOUBLE_ZERO, caplen: 0, wirelen: 0, linktype, data: new Uint8Array(0), offset: 0 };
    session.on("packet", (p) => {
      // pcap_pkthdr as node_pcap copies it: tv_sec, tv_usec, caplen, len (host order).
      const h = p.header;
      raw.ts = h.readUInt32LE(0) + h.readUInt32LE(4) / 1e6;
      raw.caplen = h.readUInt32LE(8);
      raw.wirelen = h.readUInt32LE(12);
      raw.data = p.buf;
      raw.offset = 0;
      this.packets++;
      sink(raw);
    });
    if (idle !== undefined) this.watchForLulls(idle);
    this.options.onListening?.({ iface: this.name, linktype, snaplen: this.snaplen, promiscuous: this.promiscuous });
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /**
   * Every IDLE_CHECK_MS without a packet, network time is moved to the wall
   * clock: connections on a quiet link time out and logs rotate on time,
   * not at the next packet (Zeek's run loop does the same in a lull).
   * A lull is also when an interface that was removed (a container's veth)
   * is noticed: libpcap reports nothing then, the descriptor just stays
   * quiet, so the capture ends as at Ctrl-C, saying why.
   */
  private watchForLulls(idle: IdleSink): void {
    let seen = this.packets;
    this.lullTimer = setInterval(() => {
      if (this.packets === seen) {
        if (interfaceRemoved(this.name)) {
          this.stop(`capture on ${this.name} ended: the interface was removed`);
          return;
        }
        idle(Date.now() / 1000);
      }
      seen = this.packets;
    }, IDLE_CHECK_MS);
  }

  /** A capture's properties; its link type is known once it is open (-1 before: the engine opens it before zeek_init). */
  properties(): SourceProperties {
    return this.opened ?? { live: true, linkType: -1, netmask: captureNetmask(this.name) };
  }

  /** Capture statistics so far (or at stop). */
  stats(): CaptureStats | null {
    if (this.finalStats) return this.finalStats;
    if (!this.session) return null;
    const s = this.session.stats();
    return { received: s.ps_recv, dropped: s.ps_drop, ifDropped: s.ps_ifdrop };
  }

  /**
   * Ends the capture: packets the kernel already captured are processed
   * first, then the promise of `run` resolves and the engine flushes its state.
   * `why`: the capture ended on its own (the run's summary says it).
   */
  stop(why: string | null = null): void {
    const session = this.session;
    if (!session) return;
    // node_pcap reads when its descriptor polls readable: what arrived since
    // is read now, so that a connection that just ended is seen whole.
    session.session.dispatch(session.buf, session.header);
    this.finalStats = this.stats(); // before the handle is closed
    // close() only breaks libpcap's loop: node_pcap closes the handle and
    // stops polling at the next read that finds a packet, which may never
    // come; so the CLI ends the process itself (see cli/main.ts).
    session.close();
    this.session = null;
    if (this.lullTimer !== null) clearInterval(this.lullTimer);
    this.lullTimer = null;
    this.finish?.({ packets: this.packets, truncated: why });
    this.finish = null;
  }
}

/** Opens a live capture; throws TraceError when libpcap is not available. */
export function openLive(iface: string, options: LiveOptions = {}): LiveSource {
  loadPcap();
  return new LiveSource(iface, options);
}
