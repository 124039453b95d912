/**
 * Zeek's policy/protocols/conn/multicast-participants:
 * multicast_participants.log, one row per connection to an IPv4 multicast
 * group (224.0.0.0/4) that IGMP showed members of: the members known when
 * the connection started, and those that joined while it lasted, written
 * when it is removed.
 *
 * IGMP reports (src/analyzer/igmp) add a member to a group (a v3 report's
 * records: allowing new sources, in include mode, or in exclude mode with no
 * sources); a leave message, or a v3 change to include mode with no
 * sources, takes it out. At most Conn::max_igmp_groups groups and
 * Conn::max_igmp_sources_per_group members each (0: no limit); past them
 * the igmp_max_groups_exceeded and igmp_max_sources_exceeded weirds.
 *
 * Handling IGMP's events, the script has IGMP analysed as Zeek 9.1 does
 * (src/analyzer/igmp): its packets are then no connections.
 */
import type { Connection } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { ZeekTable } from "../zeek-table/table.js";
import "../analyzer/igmp/igmp.js";
import type { AnalyzerScriptHost } from "./host.js";
import { registerRemovalHook, removalHook } from "./removal-hooks.js";

export const MULTICAST_PARTICIPANTS_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["cid", "string"],
  ["orig_h", "addr"],
  ["group_addr", "addr"],
  ["group_p", "port"],
  ["participants", "set[addr]"],
);

/** multicast_conns' sets: a connection stops taking new members 400 s (RFC 3376's membership interval) after it was added. */
const CONN_EXPIRY = 400;

/** 224.0.0.0/4 (IGMP is IPv4's: IPv6 multicast is not looked at). */
function isMulticast(addr: string): boolean {
  const first = Number(addr.slice(0, addr.indexOf(".")));
  return !addr.includes(":") && first >= 224 && first <= 239;
}

export function loadMulticastParticipants(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "multicast_participants", fields: MULTICAST_PARTICIPANTS_FIELDS });
  const newSet = () => new ZeekTable<string, true>(host.tableHash.addr);
  /** igmp_group_sources: each group's members. */
  const groups = new Map<string, ZeekTable<string, true>>();
  /** multicast_conns: the live connections to each group (when each was added), with their c$multicast_srcs. */
  const conns = new Map<string, Map<Connection, { readonly added: number; readonly srcs: ZeekTable<string, true> }>>();

  const removal = removalHook(host, (c) => {
    const byConn = conns.get(c.id.resp_h);
    const entry = byConn?.get(c);
    if (entry === undefined) return;
    if (entry.srcs.size > 0) log.write([c.start_time, c.uid, c.id.orig_h, c.id.resp_h, c.id.resp_p, entry.srcs.keys()]);
    byConn!.delete(c);
    if (byConn!.size === 0) conns.delete(c.id.resp_h);
  });

  host.on("new_connection", (c) => {
    if (!isMulticast(c.id.resp_h)) return;
    const members = groups.get(c.id.resp_h);
    // copy(): a new set, built by iterating the group's.
    const srcs = newSet();
    for (const m of members?.keys() ?? []) srcs.set(m, true);
    let byConn = conns.get(c.id.resp_h);
    if (byConn === undefined) conns.set(c.id.resp_h, (byConn = new Map()));
    byConn.set(c, { added: host.clock.now, srcs });
    registerRemovalHook(c, removal);
  });

  const addSource = (source: string, group: string): void => {
    let members = groups.get(group);
    if (members === undefined) {
      const max = host.settings["Conn::max_igmp_groups"];
      if (max > 0 && groups.size >= max) return void host.netWeird?.("igmp_max_groups_exceeded");
      groups.set(group, (members = newSet()));
    }
    const max = host.settings["Conn::max_igmp_sources_per_group"];
    if (max > 0 && members.size >= max) return void host.netWeird?.("igmp_max_sources_exceeded", group);
    members.set(source, true);
    const now = host.clock.now;
    for (const entry of conns.get(group)?.values() ?? []) if (entry.added + CONN_EXPIRY > now) entry.srcs.set(source, true);
  };
  const removeSource = (source: string, group: string): void => {
    const members = groups.get(group);
    if (members === undefined) return;
    members.delete(source);
    if (members.size === 0) groups.delete(group);
  };

  host.on("IGMP::membership_report_v1", addSource);
  host.on("IGMP::membership_report_v2", addSource);
  host.on("IGMP::leave_group", removeSource);
  host.on("IGMP::membership_report_v3", (source, records) => {
    for (const g of records) {
      const t = g.group_type;
      const noSources = g.num_sources === 0;
      if (t === "ALLOW_NEW_SOURCES" || t === "MODE_IS_INCLUDE" || (noSources && (t === "MODE_IS_EXCLUDE" || t === "CHANGE_TO_EXCLUDE_MODE"))) {
        addSource(source, g.multicast_addr);
      } else if (t === "CHANGE_TO_INCLUDE_MODE" && noSources) removeSource(source, g.multicast_addr);
    }
  });
}
