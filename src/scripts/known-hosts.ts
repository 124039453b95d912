/**
 * Zeek's policy/protocols/conn/known-hosts: known_hosts.log, each address
 * that completed a TCP handshake (either side), once a day, among the hosts
 * Known::host_tracking selects (LOCAL_HOSTS by default: Site::local_nets).
 * The in-memory set of Zeek's script (no Broker or storage-framework store;
 * those are off by default): an address is logged the first time, with the
 * network time of the handshake, and again once a day has passed since it
 * was added (the set's &create_expire=1day).
 */
import { TcpState } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { zeekSetOrder } from "../zeek-table/table.js";
import { addrMatchesHost, localNetsOf } from "./directions-and-hosts.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { LocalNets } from "./site.js";

export const KNOWN_HOSTS_FIELDS: readonly LogField[] = fields(["ts", "time"], ["host", "addr"]);

/** Known::hosts' &create_expire: an address is logged again a day after it was added. */
const HOST_EXPIRY = 86400;

/** Before the default handlers, as Zeek's (&priority=5). */
const PRIORITY = 5;

export function loadKnownHosts(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "known_hosts", fields: KNOWN_HOSTS_FIELDS });
  /** Known::hosts: each address and when it was added. */
  const known = new Map<string, number>();
  let local: LocalNets | null = null;
  host.on(
    "connection_established",
    (c) => {
      if (c.orig.state !== TcpState.ESTABLISHED || c.resp.state !== TcpState.ESTABLISHED) return;
      local ??= localNetsOf(host.settings);
      const now = host.clock.now;
      // `for ( host in set(orig_h, resp_h) )`: the two addresses in the order of Zeek's set.
      for (const addr of zeekSetOrder(host.tableHash.addr, [c.id.orig_h, c.id.resp_h])) {
        if (!addrMatchesHost(addr, host.settings["Known::host_tracking"], local)) continue;
        const added = known.get(addr);
        if (added !== undefined && added + HOST_EXPIRY > now) continue;
        known.set(addr, now);
        log.write([now, addr]);
      }
    },
    { priority: PRIORITY },
  );
}
