/**
 * The VLAN part of a connection key (Zeek's CONNKEY_VLAN_FIVETUPLE, loaded by
 * policy/frameworks/conn_key/vlan_fivetuple): a packet's outer and inner
 * 802.1Q ids as one small integer, so that two flows with the same five-tuple
 * on different VLANs are two connections. Only the link layer of the packet
 * itself counts: a tunnel's inner packet starts untagged (Zeek builds it as a
 * packet of its own), and a reassembled fragment has the tags of the
 * fragment that completed it.
 *
 * The packed form keeps each id plus one (0 = no tag) in 13 bits: always a
 * small integer (V8 stores it unboxed), and 0 for an untagged packet, which
 * is what a connection without the field reads.
 */
import type { ConnIdCtx } from "../event/records.js";
import type { Packet } from "../packet/packet.js";

/** Zeek's ConnKey::factory values (without the module). */
export const CONNKEY_FIVETUPLE = "CONNKEY_FIVETUPLE";
export const CONNKEY_VLAN_FIVETUPLE = "CONNKEY_VLAN_FIVETUPLE";
export const CONNKEY_FACTORIES = [CONNKEY_FIVETUPLE, CONNKEY_VLAN_FIVETUPLE] as const;
export type ConnKeyFactory = (typeof CONNKEY_FACTORIES)[number];

/** The Zeek script that switches the key and adds id.ctx.vlan / id.ctx.inner_vlan to conn_id (its name under policy/, as policyScriptLoaded takes it). */
export const VLAN_FIVETUPLE_SCRIPT = "frameworks/conn_key/vlan_fivetuple";

/** The key of an untagged packet. */
export const NO_VLANS = 0;

const INNER_BITS = 13;
const INNER_MASK = (1 << INNER_BITS) - 1;

/** The VLAN key of `pkt` (its link layer set vlan/innerVlan, −1 when absent). */
export function vlanKeyOf(pkt: Packet): number {
  return ((pkt.vlan + 1) << INNER_BITS) | (pkt.innerVlan + 1);
}

/** The outer VLAN id of `key`, undefined when the packet had no tag. */
export function outerVlan(key: number): number | undefined {
  const v = key >>> INNER_BITS;
  return v === 0 ? undefined : v - 1;
}

/** The inner (Q-in-Q) VLAN id of `key`, undefined when the packet had fewer than two tags. */
export function innerVlan(key: number): number | undefined {
  const v = key & INNER_MASK;
  return v === 0 ? undefined : v - 1;
}

/** conn_id's ctx of a connection with VLAN key `key`: its outer and inner ids, each only when the packet had that tag. */
export function vlanContext(key: number): ConnIdCtx {
  const ctx: ConnIdCtx = {};
  const outer = outerVlan(key);
  const inner = innerVlan(key);
  if (outer !== undefined) ctx.vlan = outer;
  if (inner !== undefined) ctx.inner_vlan = inner;
  return ctx;
}

/** Zeek's absent tag in its key (vlan_unset_val). */
const ZEEK_UNSET = 0xff000000;

/**
 * An id as Zeek's key stores it (a host-order uint32, little-endian on the
 * machines its baselines come from), read as memcmp compares it: the bytes
 * reversed. Zeek sorts the connections left at the end of input by memcmp
 * of their keys, so an untagged flow (0xFF000000, bytes 00 00 00 ff) comes
 * after VLAN 0 and before every other id.
 */
function memcmpOrder(id: number | undefined): number {
  const v = id === undefined ? ZEEK_UNSET : id;
  return (((v & 0xff) << 24) | (((v >>> 8) & 0xff) << 16) | (((v >>> 16) & 0xff) << 8) | (v >>> 24)) >>> 0;
}

/** Orders two VLAN keys as Zeek's session table drains them (outer id, then inner, as memcmp sees them). */
export function compareVlanKeys(a: number, b: number): number {
  if (a === b) return 0;
  return memcmpOrder(outerVlan(a)) - memcmpOrder(outerVlan(b)) || memcmpOrder(innerVlan(a)) - memcmpOrder(innerVlan(b));
}
