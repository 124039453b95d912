/**
 * Zeek's btests of core/tunnels whose scripts print (or whose logs the
 * log-only replay leaves out), replayed with test/helpers/btest-replay:
 * each btest's commands are read from Zeek's source at test time, its
 * handlers have a TypeScript twin printing as Zeek's `print` does, and each
 * file it compares is compared with Zeek's baseline after btest's
 * canonifier. Zeek's source and the corpus traces are the oracles: without
 * them the tests skip, saying so.
 *
 * core/tunnels and core/tunnels/gtp replayed elsewhere: btest-applogs (the
 * log-only ones: ayiya*, geneve-47101, -arp, -ipv6, -truncated,
 * -vxlan-truncated, gre*, gtp/{different_dl_and_ul,false_gtp,inner_ipv6,
 * inner_teredo,not_user_plane_data,outer_ip_frag,unknown_or_too_short},
 * teredo-known-services, teredo-udp-in-udp, analyzer-confirmation),
 * packet-event-btests (vxlan*, geneve, geneve-many-options,
 * geneve-inner-tcp-bad-checksum, teredo, teredo_bubble_with_payload),
 * tunnel-event-btests (gtp/{ext_header,opt_header,pdp_ctx_messages,
 * non_recursive}), tunnel-depth-btests (max-depth, max-depth-exceeded),
 * analyzer-core-btests (analyzer-confirmation).
 *
 * Left out:
 * - gre-aruba-ccmp: it compares nothing (a run that must not crash; the log-only replay runs its trace's kind).
 */
import { basename } from "node:path";
import { test } from "node:test";
import type { Connection, EncapsulatingConn } from "../../src/event/records.js";
import { coreBtestCase, type Twin } from "../helpers/btest-replay.js";
import { zeekConnId, zeekRecord } from "../helpers/zeek-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its core/tunnels btests";

/** A transport's name for a port, by IP protocol number (Zeek's "unknown" for the others). */
const TRANSPORTS: Readonly<Record<number, string>> = { 6: "tcp", 17: "udp", 1: "icmp", 58: "icmp" };

/** Zeek's `print` of an EncapsulatingConnVector (c$tunnel, tunnel_changed's e). */
function zeekEncaps(e: readonly EncapsulatingConn[]): string {
  const one = (x: EncapsulatingConn): string => {
    const cid = zeekConnId({ ...x.cid, transport: TRANSPORTS[x.cid.proto] ?? "unknown" });
    return `[cid=${cid}, tunnel_type=${x.tunnel_type}${x.uid === undefined ? "" : `, uid=${x.uid}`}]`;
  };
  return `[${e.map(one).join(", ")}]`;
}

/** ip-in-ip's and ip-tunnel-uid's new_connection and tunnel_changed handlers. */
const tunnelEvents: Twin = (engine, print) => {
  engine.on("new_connection", (c) => {
    if (c.tunnel === undefined) return print("new_connection: no tunnel");
    print("new_connection: tunnel");
    print(`    conn_id: ${zeekConnId(c.id)}`);
    print(`    encap: ${zeekEncaps(c.tunnel)}`);
  });
  engine.on("tunnel_changed", (c, e) => {
    print("tunnel_changed:");
    print(`    conn_id: ${zeekConnId(c.id)}`);
    if (c.tunnel !== undefined) print(`    old: ${zeekEncaps(c.tunnel)}`);
    print(`    new: ${zeekEncaps(e)}`);
  });
};

/** gre-erspan3-dot1q's ICMP echo handlers and its connection_state_remove. */
const erspanEcho: Twin = (engine, print) => {
  engine.on("icmp_echo_request", (_c, _info, id, seq) => print("echo request", String(id), String(seq)));
  engine.on("icmp_echo_reply", (_c, _info, id, seq) => print("echo reply", String(id), String(seq)));
  engine.on("connection_state_remove", (c: Connection) => {
    print(zeekConnId(c.id));
    print(zeekEncaps(c.tunnel ?? []));
    print(`vlans ${c.vlan}, ${c.inner_vlan !== undefined ? "shouldn't be set" : "nil"}`);
  });
};

const BTESTS: ReadonlyArray<{ path: string; what: string; twin: Twin }> = [
  { path: "ip-in-ip.test", what: "IP-in-IP tunnels' c$tunnel and tunnel_changed (6in6, 6in6in6, 6in4, 4in6, 4in4)", twin: tunnelEvents },
  {
    path: "ip-tunnel-uid.test",
    what: "an IP tunnel keeps its uid across packets",
    twin: (engine, print, trace, options) => {
      tunnelEvents(engine, print, trace, options);
      engine.on("new_packet", (c) => {
        print("NEW_PACKET:");
        print(`    ${zeekConnId(c.id)}`);
        if (c.tunnel !== undefined) print(`    ${zeekEncaps(c.tunnel)}`);
      });
    },
  },
  {
    path: "count-default-tunnel-changes.zeek",
    what: "tunnel_changed is raised Tunnel::max_changes_per_connection times, conn.log and tunnel.log",
    twin: (engine, print) => {
      let changed = 0;
      engine.on("tunnel_changed", () => void changed++);
      engine.on("zeek_done", () => print(`tunnel_changed=${changed}`));
    },
  },
  {
    path: "geneve-get-options.zeek",
    what: "PacketAnalyzer::Geneve::get_options(): each Geneve layer's options, read from new_connection",
    twin: (engine, print, trace) =>
      engine.on("new_connection", (c) => {
        if (c.tunnel === undefined) return;
        print("new_connection", c.uid, basename(trace));
        for (const layer of engine.geneveOptions()) {
          for (const o of layer)
            print(
              "opt",
              zeekRecord([
                ["class", o.class],
                ["critical", o.critical],
                ["typ", o.typ],
                ["data", o.data],
              ]),
            );
        }
      }),
  },
  { path: "gre-erspan3-dot1q.zeek", what: "ICMP in ERSPAN III in GRE with a VLAN tag inside", twin: erspanEcho },
  { path: "ip-in-ip-version.zeek", what: "an inner IP header of the wrong version or truncated is a weird", twin: () => undefined },
  { path: "vxlan-unknown-internal-packet.zeek", what: "IGMP inside VXLAN: conn.log, and no analyzer violation", twin: () => undefined },
];

for (const { path, what, twin } of BTESTS) {
  test(`Zeek's btest core/tunnels/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, `tunnels/${path}`, twin));
}
