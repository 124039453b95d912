/**
 * NetControl's high-level calls: main.zeek's whitelist, redirect and
 * quarantine helpers, drop.zeek's drop_address and drop_connection (with
 * netcontrol_drop.log) and shunt.zeek's shunt_flow (netcontrol_shunt.log).
 * Each builds a rule and hands it to add_rule; the id is "" when refused.
 */
import type { NetControl } from "./framework.js";
import type { Entity, FlowId, NetControlConnId, RuleInput } from "./types.js";

/** An address as a one-host subnet (Zeek's `a as subnet`). */
export function hostSubnet(a: string): string {
  return a.includes(":") ? `${a}/128` : `${a}/32`;
}

/** A flow_id as a NetControl flow entity (every field set). */
function flowEntity(f: FlowId): Entity {
  return { ty: "NetControl::FLOW", flow: { src_h: hostSubnet(f.src_h), src_p: f.src_p, dst_h: hostSubnet(f.dst_h), dst_p: f.dst_p } };
}

export function dropAddress(nc: NetControl, a: string, t: number, location = ""): string {
  const r: RuleInput = {
    ty: "NetControl::DROP",
    target: "NetControl::FORWARD",
    entity: { ty: "NetControl::ADDRESS", ip: hostSubnet(a) },
    expire: t,
    location,
  };
  if (!nc.runDropRulePolicy(r)) return "";
  const id = nc.addRule(r);
  if (id !== "") nc.logs.writeDrop(nc.now(), id, a, t, location);
  return id;
}

export function dropConnection(nc: NetControl, c: NetControlConnId, t: number, location = ""): string {
  const r: RuleInput = { ty: "NetControl::DROP", target: "NetControl::FORWARD", entity: { ty: "NetControl::CONNECTION", conn: c }, expire: t, location };
  if (!nc.runDropRulePolicy(r)) return "";
  const id = nc.addRule(r);
  if (id !== "") nc.logs.writeDrop(nc.now(), id, c, t, location);
  return id;
}

export function shuntFlow(nc: NetControl, f: FlowId, t: number, location = ""): string {
  const id = nc.addRule({ ty: "NetControl::DROP", target: "NetControl::MONITOR", entity: flowEntity(f), expire: t, location });
  if (id !== "") nc.logs.writeShunt(nc.now(), id, f, t, location);
  return id;
}

export function whitelistSubnet(nc: NetControl, s: string, t: number, location = ""): string {
  return nc.addRule({
    ty: "NetControl::WHITELIST",
    priority: nc.host.settings["NetControl::whitelist_priority"],
    target: "NetControl::FORWARD",
    entity: { ty: "NetControl::ADDRESS", ip: s },
    expire: t,
    location,
  });
}

export function redirectFlow(nc: NetControl, f: FlowId, outPort: number, t: number, location = ""): string {
  return nc.addRule({ ty: "NetControl::REDIRECT", target: "NetControl::FORWARD", entity: flowEntity(f), expire: t, location, out_port: outPort });
}

/** Quarantine priority: main.zeek's +5 on the rewrite and whitelist rules, above the drop of everything else. */
const QUARANTINE_PRIORITY = 5;

/**
 * quarantine_host: drops everything from `infected` except DNS, which goes
 * to `quarantine` instead of `dns` (answers rewritten back), and web traffic
 * to `quarantine` (its warning page).
 */
export function quarantineHost(nc: NetControl, infected: string, dns: string, quarantine: string, t: number, location = ""): string[] {
  const inf = hostSubnet(infected);
  const flow = (flow: Entity["flow"]): Entity => ({ ty: "NetControl::FLOW", flow });
  const base = { target: "NetControl::FORWARD", expire: t, location } as const;
  const rules: RuleInput[] = [
    { ...base, ty: "NetControl::DROP", entity: flow({ src_h: inf }) },
    {
      ...base,
      ty: "NetControl::MODIFY",
      entity: flow({ src_h: inf, dst_h: hostSubnet(dns), dst_p: "53/udp" }),
      mod: { dst_h: quarantine },
      priority: QUARANTINE_PRIORITY,
    },
    {
      ...base,
      ty: "NetControl::MODIFY",
      entity: flow({ src_h: hostSubnet(dns), src_p: "53/udp", dst_h: inf }),
      mod: { src_h: dns },
      priority: QUARANTINE_PRIORITY,
    },
    { ...base, ty: "NetControl::WHITELIST", entity: flow({ src_h: inf, dst_h: hostSubnet(quarantine), dst_p: "80/tcp" }), priority: QUARANTINE_PRIORITY },
  ];
  return rules.map((r) => nc.addRule(r));
}
