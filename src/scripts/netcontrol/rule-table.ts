/**
 * The rules the framework knows (main.zeek's rules, rule_entities and
 * rules_by_subnets): by id, by entity and type (one rule of a type per
 * entity), and by the subnets their entity involves, for find_rules_subnet.
 */

import type { TableHasher } from "../../zeek-table/hash.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import { inSubnet, parseSubnet, type Subnet } from "../site.js";
import type { Entity, Rule, RuleType } from "./types.js";

/** An entity and rule type as one key: equal records give equal keys. */
function entityKey(e: Entity, ty: RuleType): string {
  const f = e.flow;
  const c = e.conn;
  return JSON.stringify([
    ty,
    e.ty,
    e.ip ?? null,
    e.mac ?? null,
    c === undefined ? null : [c.orig_h, c.orig_p, c.resp_h, c.resp_p, c.proto ?? null],
    f === undefined ? null : [f.src_h ?? null, f.src_p ?? null, f.dst_h ?? null, f.dst_p ?? null, f.src_m ?? null, f.dst_m ?? null],
  ]);
}

/** The subnets a rule's entity involves (an address is its /32 or /128). */
function entitySubnets(e: Entity): string[] {
  const host = (a: string) => (a.includes(":") ? `${a}/128` : `${a}/32`);
  if (e.ty === "NetControl::ADDRESS") return e.ip === undefined ? [] : [e.ip];
  if (e.ty === "NetControl::CONNECTION") return e.conn === undefined ? [] : [host(e.conn.orig_h), host(e.conn.resp_h)];
  if (e.ty !== "NetControl::FLOW" || e.flow === undefined) return [];
  return [e.flow.src_h, e.flow.dst_h].filter((s): s is string => s !== undefined);
}

function parseNet(text: string): Subnet | null {
  try {
    return parseSubnet(text);
  } catch {
    return null;
  }
}

export class RuleTable {
  private readonly rules = new Map<string, Rule>();
  private readonly byEntity = new Map<string, Rule>();
  /** Rule ids by subnet text, in insertion order (iterated in Zeek's set order). */
  private readonly bySubnet = new Map<string, string[]>();

  constructor(private readonly hash: TableHasher) {}

  get(id: string): Rule | undefined {
    return this.rules.get(id);
  }

  ids(): string[] {
    return [...this.rules.keys()];
  }

  get size(): number {
    return this.rules.size;
  }

  /** Sizes of the three tables (a test of Zeek's checks that all three empty). */
  sizes(): { rules: number; entities: number; subnets: number } {
    return { rules: this.rules.size, entities: this.byEntity.size, subnets: this.bySubnet.size };
  }

  entityRule(e: Entity, ty: RuleType): Rule | undefined {
    return this.byEntity.get(entityKey(e, ty));
  }

  add(r: Rule): void {
    this.rules.set(r.id, r);
    this.byEntity.set(entityKey(r.entity, r.ty), r);
    for (const s of entitySubnets(r.entity)) {
      const ids = this.bySubnet.get(s);
      if (ids === undefined) this.bySubnet.set(s, [r.id]);
      else if (!ids.includes(r.id)) ids.push(r.id);
    }
  }

  delete(r: Rule): void {
    for (const s of entitySubnets(r.entity)) {
      const ids = this.bySubnet.get(s)?.filter((id) => id !== r.id);
      if (ids === undefined) continue;
      if (ids.length === 0) this.bySubnet.delete(s);
      else this.bySubnet.set(s, ids);
    }
    this.byEntity.delete(entityKey(r.entity, r.ty));
    this.rules.delete(r.id);
  }

  /** The rules of every subnet that holds `sn` (Zeek's matching_subnets, least specific first), each subnet's in set order. */
  findSubnet(sn: string): Rule[] {
    const target = parseNet(sn);
    if (target === null) return [];
    const holding: { net: Subnet; ids: string[] }[] = [];
    for (const [text, ids] of this.bySubnet) {
      const net = parseNet(text);
      if (net !== null && net.bits <= target.bits && inSubnet(target.bytes, net)) holding.push({ net, ids });
    }
    holding.sort((a, b) => a.net.bits - b.net.bits);
    return holding.flatMap(({ ids }) => zeekSetOrder(this.hash.string, ids).flatMap((id) => this.rules.get(id) ?? []));
  }
}
