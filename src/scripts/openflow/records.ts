/**
 * Building the framework's records: a flow mod with Zeek's defaults filled
 * in, and OpenFlow::match_conn, a connection's one-way match.
 */
import type { ConnId } from "../../event/records.js";
import { hostSubnet } from "../netcontrol/helpers.js";
import type { NetControlConnId } from "../netcontrol/types.js";
import { ETH_IPv4, ETH_IPv6, IP_ICMP, IP_TCP, IP_UDP } from "./consts.js";
import type { OfpFlowAction, OfpFlowMod, OfpFlowModInput, OfpMatch } from "./types.js";

/** An ofp_flow_action with Zeek's defaults: no output port (drop), VLAN kept. */
export function ofpFlowAction(a: Partial<OfpFlowAction> = {}): OfpFlowAction {
  return { ...a, out_ports: [...(a.out_ports ?? [])], vlan_strip: a.vlan_strip ?? false };
}

/** An ofp_flow_mod with Zeek's defaults: no timeouts, priority 0, no flags, no actions. */
export function ofpFlowMod(m: OfpFlowModInput): OfpFlowMod {
  return {
    ...m,
    idle_timeout: m.idle_timeout ?? 0,
    hard_timeout: m.hard_timeout ?? 0,
    priority: m.priority ?? 0,
    flags: m.flags ?? 0,
    actions: ofpFlowAction(m.actions),
  };
}

/** A copy of `m` that shares nothing with it (Zeek's copy()), for changing one flow mod into the next. */
export function copyFlowMod(m: OfpFlowMod): OfpFlowMod {
  return { ...m, actions: ofpFlowAction(m.actions) };
}

/** The IP protocol of a port's transport: TCP unless it is a UDP or ICMP port (Zeek's test order). */
export function transportProto(transport: string): number {
  if (transport === "udp") return IP_UDP;
  if (transport === "icmp") return IP_ICMP;
  return IP_TCP;
}

/** The ethertype of an address or subnet's family. */
export function dlType(addrOrSubnet: string): number {
  return addrOrSubnet.includes(":") ? ETH_IPv6 : ETH_IPv4;
}

/** One end of a connection: address, port number and the port's transport. */
interface End {
  readonly h: string;
  readonly p: number;
  readonly transport: string;
}

/** The two ends of either kind of conn_id: bronze's (numbers and a transport) or NetControl's (Zeek's "80/tcp" ports). */
function ends(id: ConnId | NetControlConnId): [End, End] {
  if ("transport" in id) {
    return [
      { h: id.orig_h, p: id.orig_p, transport: id.transport },
      { h: id.resp_h, p: id.resp_p, transport: id.transport },
    ];
  }
  const port = (p: string): [number, string] => {
    const [n, t] = p.split("/");
    return [Number(n), t ?? "unknown"];
  };
  const [op, ot] = port(id.orig_p);
  const [rp, rt] = port(id.resp_p);
  return [
    { h: id.orig_h, p: op, transport: ot },
    { h: id.resp_h, p: rp, transport: rt },
  ];
}

/**
 * OpenFlow::match_conn: the match of a connection's packets from originator
 * to responder, or the other way with `reverse`. The ethertype and protocol
 * come from the (possibly swapped) source's address and port.
 */
export function matchConn(id: ConnId | NetControlConnId, reverse = false): OfpMatch {
  const [orig, resp] = ends(id);
  const [src, dst] = reverse ? [resp, orig] : [orig, resp];
  return {
    dl_type: dlType(src.h),
    nw_proto: transportProto(src.transport),
    nw_src: hostSubnet(src.h),
    tp_src: src.p,
    nw_dst: hostSubnet(dst.h),
    tp_dst: dst.p,
  };
}
