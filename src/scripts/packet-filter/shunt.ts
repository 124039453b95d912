/**
 * Zeek's policy/frameworks/packet-filter/shunt: keeps a connection's data
 * packets (or all of two hosts' packets) away from the analysis with the
 * capture filter. The shunts become one exclude, "shunt_filters", that a
 * filter plugin rebuilds at each build; the text is Zeek's, quirks included
 * (several shunts are and'ed together, so with more than one of a kind the
 * exclude matches nothing; a connection's ports are matched either way).
 */
import { describeConnId } from "../../engine.js";
import type { ConnId } from "../../event/records.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { NoticeLog } from "../notice.js";
import type { PolicyScript } from "../policy-scripts.js";
import { type PacketFilterFramework, packetFilterFramework } from "./framework.js";
import { combineFilters } from "./utils.js";

export const SHUNT_SCRIPT_NAME = "policy/frameworks/packet-filter/shunt";

/** A TCP connection's control packets still pass, so that it is logged and its shunt ends with it. */
const TCP_DATA_ONLY = "tcp and tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) == 0";

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/** A set[conn_id]'s key: the id's fields that make it (its ctx aside). */
function idKey(id: ConnId): string {
  return `${id.orig_h}|${id.orig_p}|${id.resp_h}|${id.resp_p}|${id.proto}`;
}

export class PacketFilterShunt {
  /** Zeek's shunted_conns and shunted_host_pairs (kept in insertion order). */
  private readonly conns = new Map<string, ConnId>();
  private readonly hostPairs = new Map<string, ConnId>();

  constructor(
    private readonly framework: PacketFilterFramework,
    private readonly notices: NoticeLog,
    private readonly host: AnalyzerScriptHost,
  ) {
    framework.registerFilterPlugin({ func: () => this.shuntFilters() });
    // The shunt ends with the connection; the filter follows at the next change tracking (Zeek waits for it too).
    host.on("connection_state_remove", (c) => void this.conns.delete(idKey(c.id)), { priority: -5 });
  }

  /** Zeek's PacketFilter::shunt_conn: the connection's data packets are filtered out; IPv6 cannot be (Cannot_BPF_Shunt_Conn). */
  shuntConn(id: ConnId): boolean {
    if (id.orig_h.includes(":")) {
      const described = describeConnId(id, false);
      this.notices.notice({
        note: "PacketFilter::Cannot_BPF_Shunt_Conn",
        msg: "IPv6 connections can't be shunted with BPF due to limitations in BPF",
        sub: "ipv6_conn",
        id,
        identifier: described,
      });
      return false;
    }
    if (this.reachedMax()) return false;
    this.framework.filterChanged = true;
    this.conns.set(idKey(id), { ...id });
    this.framework.install();
    return true;
  }

  /** Zeek's PacketFilter::shunt_host_pair: every packet between the id's two hosts is filtered out. */
  shuntHostPair(id: ConnId): boolean {
    this.framework.filterChanged = true;
    if (this.reachedMax()) return false;
    this.hostPairs.set(idKey(id), { ...id });
    this.framework.install();
    return true;
  }

  /** Zeek's PacketFilter::unshunt_host_pair: the filter changes at the next change tracking (every 5 minutes). */
  unshuntHostPair(id: ConnId): boolean {
    this.framework.filterChanged = true;
    return this.hostPairs.delete(idKey(id));
  }

  /** Zeek's PacketFilter::force_unshunt_host_pair: unshunt_host_pair and install now. */
  forceUnshuntHostPair(id: ConnId): boolean {
    if (!this.unshuntHostPair(id)) return false;
    this.framework.install();
    return true;
  }

  /** Zeek's PacketFilter::current_shunted_conns. */
  currentShuntedConns(): ConnId[] {
    return [...this.conns.values()];
  }

  /** Zeek's PacketFilter::current_shunted_host_pairs. */
  currentShuntedHostPairs(): ConnId[] {
    return [...this.hostPairs.values()];
  }

  /** More shunts than PacketFilter::max_bpf_shunts: a notice, and no new shunt. */
  private reachedMax(): boolean {
    const max = this.host.settings["PacketFilter::max_bpf_shunts"];
    if (this.conns.size + this.hostPairs.size <= max) return false;
    this.notices.notice({
      note: "PacketFilter::No_More_Conn_Shunts_Available",
      msg: `${max} BPF shunts are in place and no more will be added until space clears.`,
    });
    return true;
  }

  /** The filter plugin: the shunts' exclude, as Zeek's shunt_filters() writes it. */
  private shuntFilters(): void {
    let tcp = "";
    let udp = "";
    for (const id of this.conns.values()) {
      const f = `host ${id.orig_h} and port ${id.orig_p} and host ${id.resp_h} and port ${id.resp_p}`;
      if (id.proto === IPPROTO_UDP) udp = combineFilters(udp, "and", f);
      else if (id.proto === IPPROTO_TCP) tcp = combineFilters(tcp, "and", f);
    }
    if (tcp !== "") tcp = combineFilters(TCP_DATA_ONLY, "and", tcp);
    let pairs = "";
    for (const id of this.hostPairs.values()) pairs = combineFilters(pairs, "and", `host ${id.orig_h} and host ${id.resp_h}`);
    const filter = combineFilters(combineFilters(tcp, "and", udp), "and", pairs);
    if (filter !== "") this.framework.exclude("shunt_filters", filter);
  }
}

/** The policy script: the framework (loaded with it, as its @load does) gets its shunt API. */
export const SHUNT_SCRIPT: PolicyScript = {
  script: SHUNT_SCRIPT_NAME,
  what: "BPF shunts of connections and host pairs (context.packetFilter.shunt)",
  load(host, { logs, notices, reporter }) {
    const framework = packetFilterFramework(host, { logs, notices, warning: (m) => reporter.warning(m) });
    framework.shunt = new PacketFilterShunt(framework, notices, host);
  },
};
