/**
 * Zeek's NetControl packetfilter plugin (plugins/packetfilter.zeek): drop
 * rules for the monitor (target MONITOR) on addresses, or on flows given
 * by addresses alone, become drop filters of bronze's own packet filter
 * (Zeek's install_src_net_filter and install_dst_net_filter): the engine
 * stops seeing those packets. Anything needing ports or MAC addresses is
 * not for it.
 */
import type { FilterSide } from "../../ip/net-filter.js";
import { parseSubnet, type Subnet } from "../site.js";
import type { NetControl } from "./framework.js";
import type { NetControlPlugin, PluginState, Rule } from "./types.js";

/** The subnets to filter, by side, or null when the rule is not one the packet filter can apply. */
function filters(r: Rule): Array<readonly [FilterSide, Subnet]> | null {
  if (r.ty !== "NetControl::DROP" || r.target !== "NetControl::MONITOR") return null;
  const e = r.entity;
  if (e.ty === "NetControl::ADDRESS" && e.ip !== undefined) {
    const net = parseSubnet(e.ip);
    return [
      ["src", net],
      ["dst", net],
    ];
  }
  const f = e.flow;
  if (e.ty !== "NetControl::FLOW" || f === undefined) return null;
  if (f.src_p !== undefined || f.dst_p !== undefined || f.src_m !== undefined || f.dst_m !== undefined) return null;
  const out: Array<readonly [FilterSide, Subnet]> = [];
  if (f.src_h !== undefined) out.push(["src", parseSubnet(f.src_h)]);
  if (f.dst_h !== undefined) out.push(["dst", parseSubnet(f.dst_h)]);
  return out;
}

/** NetControl::create_packetfilter. It answers nothing back, as Zeek's: its rules stay requested and never expire. */
export function createPacketfilter(nc: NetControl): PluginState {
  const plugin: NetControlPlugin = {
    name: () => "Packetfilter",
    canExpire: false,
    addRule(_p, r) {
      const nets = filters(r);
      const filter = nc.host.netFilter?.();
      if (nets === null || filter === undefined) return false;
      for (const [side, net] of nets) filter.install(side, net, 0, 1.0);
      return true;
    },
    removeRule(_p, r) {
      const nets = filters(r);
      const filter = nc.host.netFilter?.();
      if (nets === null || filter === undefined) return false;
      for (const [side, net] of nets) filter.uninstall(side, net);
      return true;
    },
  };
  return { plugin, config: new Map(), _priority: 0, _activated: false };
}
