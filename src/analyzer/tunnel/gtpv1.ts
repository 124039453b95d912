/**
 * GTPv1 (3GPP TS 29.060 control plane, TS 29.281 user plane) as Zeek's GTPv1
 * packet analyzer reads it: the header with its optional fields and
 * extension headers, then either a T-PDU (message 255, the user's IP packet)
 * or the information elements of a control message.
 *
 * `readGtpv1` only finds where things are (no allocation: the tunnel path
 * runs it on every packet); the records of Zeek's gtpv1_* events are built
 * here only when a script handles them.
 */
import type { GtpEndUserAddr, GtpGsnAddr, GtpPrivateExtension, GtpQosProfile, GtpRai, Gtpv1Hdr } from "../../event/records.js";
import { formatAddr, formatAddrBytes } from "../../ip/addr.js";
import { latin1, u16, u32 } from "../../packet/bytes.js";

const HEADER = 8;
const OPTIONAL = 4;
const FLAG_PT = 0x10;
const FLAG_RSV = 0x08;
const FLAG_E = 0x04;
const FLAG_S = 0x02;
const FLAG_PN = 0x01;
const FLAGS_OPTIONAL = FLAG_E | FLAG_S | FLAG_PN;

/** Message type of a T-PDU (G-PDU): user data follows the header. */
export const GTP_T_PDU = 0xff;

/** readGtpv1's verdicts, in the order Zeek's analyzer reaches them. */
export const GtpRead = {
  /** A GTPv1 header (pt flag set); `GtpLayout` says where its body starts. */
  OK: 0,
  /** Shorter than its header, optional fields or extension headers say: Zeek's parser gives up. */
  MALFORMED: 1,
  /** A version other than 1 (Zeek reports "GTPv1 bad Version"). */
  BAD_VERSION: 2,
  /** GTP' (pt flag clear): not analysed, quietly. */
  NOT_GTP: 3,
} as const;
export type GtpRead = (typeof GtpRead)[keyof typeof GtpRead];

/** Where a message's parts are: filled by readGtpv1 (one reused object per caller). */
export interface GtpLayout {
  flags: number;
  msgType: number;
  /** The first byte after the header, its optional fields and extension headers. */
  body: number;
}

/** Reads the GTPv1 header of `d[off, end)` into `out`. */
export function readGtpv1(d: Uint8Array, off: number, end: number, out: GtpLayout): GtpRead {
  if (end - off < HEADER) return GtpRead.MALFORMED;
  const flags = d[off]!;
  out.flags = flags;
  out.msgType = d[off + 1]!;
  let at = off + HEADER;
  if ((flags & FLAGS_OPTIONAL) !== 0) {
    if (end - at < OPTIONAL) return GtpRead.MALFORMED;
    at += OPTIONAL;
  }
  // With the E flag at least one extension header follows, whatever the optional
  // next_type says; each names the next, 0 ending the list.
  if ((flags & FLAG_E) !== 0) {
    for (;;) {
      if (at >= end) return GtpRead.MALFORMED;
      const size = d[at]! * 4;
      if (size === 0 || end - at < size) return GtpRead.MALFORMED;
      at += size;
      if (d[at - 1] === 0) break;
    }
  }
  out.body = at;
  // Zeek parses the whole message before looking at the version and pt flag.
  if (flags >> 5 !== 1) return GtpRead.BAD_VERSION;
  return (flags & FLAG_PT) === 0 ? GtpRead.NOT_GTP : GtpRead.OK;
}

/** Zeek's gtpv1_hdr of the message at `off` (read by readGtpv1 as OK). */
export function gtpv1Hdr(d: Uint8Array, off: number): Gtpv1Hdr {
  const flags = d[off]!;
  const hdr: Gtpv1Hdr = {
    version: flags >> 5,
    pt_flag: (flags & FLAG_PT) !== 0,
    rsv: (flags & FLAG_RSV) !== 0,
    e_flag: (flags & FLAG_E) !== 0,
    s_flag: (flags & FLAG_S) !== 0,
    pn_flag: (flags & FLAG_PN) !== 0,
    msg_type: d[off + 1]!,
    length: u16(d, off + 2),
    teid: u32(d, off + 4),
  };
  if ((flags & FLAGS_OPTIONAL) !== 0) {
    hdr.seq = u16(d, off + HEADER);
    hdr.n_pdu = d[off + HEADER + 2]!;
    hdr.next_type = d[off + HEADER + 3]!;
  }
  return hdr;
}

// ---------------------------------------------------------------- information elements

/** Value lengths of the type-value elements (types below 128; the others carry a 16-bit length). */
const TV_LENGTHS: ReadonlyMap<number, number> = new Map([
  [1, 1],
  [2, 8],
  [3, 6],
  [4, 4],
  [5, 4],
  [8, 1],
  [9, 28],
  [11, 1],
  [12, 3],
  [13, 1],
  [14, 1],
  [15, 1],
  [16, 4],
  [17, 4],
  [18, 5],
  [19, 1],
  [20, 1],
  [21, 1],
  [22, 9],
  [23, 1],
  [24, 1],
  [25, 2],
  [26, 2],
  [27, 2],
  [28, 2],
  [29, 1],
  [127, 4],
]);

/** Elements whose value has a fixed part a shorter length cannot hold (Zeek's parser then gives up). */
const TLV_MINIMUM: ReadonlyMap<number, number> = new Map([
  [128, 2], // end user address: PDP type organisation and number
  [135, 1], // QoS profile: allocation/retention priority
  [255, 2], // private extension: its identifier
]);

const TLV = 0x80;

/** Calls `visit` for each element of `d[at, end)`; false when one is cut short or of an unknown type-value kind. */
function eachElement(d: Uint8Array, at: number, end: number, visit: (type: number, value: number, len: number) => void): boolean {
  while (at < end) {
    const type = d[at]!;
    let len: number;
    let value: number;
    if ((type & TLV) !== 0) {
      if (end - at < 3) return false;
      len = u16(d, at + 1);
      value = at + 3;
      if (len < (TLV_MINIMUM.get(type) ?? 0)) return false;
    } else {
      const fixed = TV_LENGTHS.get(type);
      if (fixed === undefined) return false;
      len = fixed;
      value = at + 1;
    }
    if (end - value < len) return false;
    visit(type, value, len);
    at = value + len;
  }
  return true;
}

/** True when the control message body `d[at, end)` is a list of elements Zeek's parser reads through. */
export function elementsParse(d: Uint8Array, at: number, end: number): boolean {
  return eachElement(d, at, end, () => {});
}

type ElementValue = number | boolean | string | GtpRai | GtpEndUserAddr | GtpGsnAddr | GtpQosProfile | GtpPrivateExtension | undefined;

/** The IMSI's TBCD digits (low nibble first) as a number, filler nibbles (0xF) skipped. */
function imsi(d: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  for (let i = at + 7; i >= at; i--) {
    for (const digit of [d[i]! >> 4, d[i]! & 0x0f]) {
      if (digit === 0x0f) continue;
      value += digit * scale;
      scale *= 10;
    }
  }
  return value;
}

/** Routing area identity: MCC digits, a two- or three-digit MNC (a filler third digit makes it two), LAC, RAC. */
function rai(d: Uint8Array, at: number): GtpRai {
  const mcc = (d[at]! & 0x0f) * 100 + (d[at]! >> 4) * 10 + (d[at + 1]! & 0x0f);
  const mnc3 = d[at + 1]! >> 4;
  const mnc1 = d[at + 2]! & 0x0f;
  const mnc2 = d[at + 2]! >> 4;
  const mnc = mnc3 !== 0 ? mnc1 * 10 + mnc2 : mnc1 * 100 + mnc2 * 10 + mnc3;
  return { mcc, mnc, lac: u16(d, at + 3), rac: d[at + 5]! };
}

/** A 4- or 16-byte address as text, else undefined. */
function addrOf(d: Uint8Array, at: number, len: number): string | undefined {
  if (len === 4) return formatAddr(0, 0, 0xffff, u32(d, at));
  return len === 16 ? formatAddrBytes(d.subarray(at, at + 16)) : undefined;
}

const PDP_IPV4 = 0x21;
const PDP_IPV6 = 0x57;

function endUserAddr(d: Uint8Array, at: number, len: number): GtpEndUserAddr {
  const eua: GtpEndUserAddr = { pdp_type_org: d[at]! & 0x0f, pdp_type_num: d[at + 1]! };
  const addr = at + 2;
  const addrLen = len - 2;
  if (addrLen === 0) return eua;
  // An IPv4 or IPv6 type reads the address's first bytes; too few leave it unset.
  if (eua.pdp_type_num === PDP_IPV4) {
    if (addrLen >= 4) eua.pdp_ip = addrOf(d, addr, 4);
  } else if (eua.pdp_type_num === PDP_IPV6) {
    if (addrLen >= 16) eua.pdp_ip = addrOf(d, addr, 16);
  } else eua.pdp_other_addr = latin1(d.subarray(addr, addr + addrLen));
  return eua;
}

function gsnAddr(d: Uint8Array, at: number, len: number): GtpGsnAddr {
  const ip = addrOf(d, at, len);
  return ip !== undefined ? { ip } : { other: latin1(d.subarray(at, at + len)) };
}

const bytes = (d: Uint8Array, at: number, len: number): string => latin1(d.subarray(at, at + len));

/** Each element type's value as Zeek's records hold it. */
const ELEMENT_VALUES: ReadonlyMap<number, (d: Uint8Array, at: number, len: number) => ElementValue> = new Map<
  number,
  (d: Uint8Array, at: number, len: number) => ElementValue
>([
  [1, (d, at) => d[at]!], // cause
  [2, imsi],
  [3, rai],
  [8, (d, at) => (d[at]! & 1) === 1], // reordering required
  [14, (d, at) => d[at]!], // recovery: restart counter
  [15, (d, at) => d[at]! & 1], // selection mode
  [16, (d, at) => u32(d, at)], // TEID data I
  [17, (d, at) => u32(d, at)], // TEID control plane
  [19, (d, at) => (d[at]! & 1) === 1], // teardown indication
  [20, (d, at) => d[at]! & 0x0f], // NSAPI
  [26, (d, at) => u16(d, at)], // charging characteristics
  [27, (d, at) => u16(d, at)], // trace reference
  [28, (d, at) => u16(d, at)], // trace type
  [127, (d, at) => u32(d, at)], // charging id
  [128, endUserAddr],
  [131, bytes], // access point name
  [132, bytes], // protocol configuration options
  [133, gsnAddr],
  [134, bytes], // MSISDN
  [135, (d, at, len): GtpQosProfile => ({ priority: d[at]!, data: bytes(d, at + 1, len - 1) })],
  [137, bytes], // traffic flow template
  [142, bytes], // trigger id
  [143, bytes], // OMC identity
  [251, addrOf], // charging gateway address
  [255, (d, at, len): GtpPrivateExtension => ({ id: u16(d, at), value: bytes(d, at + 2, len - 2) })],
]);

/** A message's record fields by element type: the field of its first occurrence, and of later ones when they go elsewhere. */
type ElementFields = ReadonlyMap<number, readonly [first: string, later?: string]>;

/** The PDP context messages (types 16 to 21): their event and where each element goes in its record. */
export const PDP_MESSAGES: ReadonlyMap<number, { event: GtpPdpEvent; fields: ElementFields }> = new Map([
  [
    16,
    {
      event: "gtpv1_create_pdp_ctx_request",
      fields: fields({
        2: ["imsi"],
        3: ["rai"],
        14: ["recovery"],
        15: ["select_mode"],
        16: ["data1"],
        17: ["cp"],
        20: ["nsapi", "linked_nsapi"],
        26: ["charge_character"],
        27: ["trace_ref"],
        28: ["trace_type"],
        128: ["end_user_addr"],
        131: ["ap_name"],
        132: ["opts"],
        133: ["signal_addr", "user_addr"],
        134: ["msisdn"],
        135: ["qos_prof"],
        137: ["tft"],
        142: ["trigger_id"],
        143: ["omc_id"],
        255: ["ext"],
      }),
    },
  ],
  [
    17,
    {
      event: "gtpv1_create_pdp_ctx_response",
      fields: fields({
        1: ["cause"],
        8: ["reorder_req"],
        14: ["recovery"],
        16: ["data1"],
        17: ["cp"],
        127: ["charging_id"],
        128: ["end_user_addr"],
        132: ["opts"],
        133: ["cp_addr", "user_addr"],
        135: ["qos_prof"],
        251: ["charge_gateway"],
        255: ["ext"],
      }),
    },
  ],
  [
    18,
    {
      event: "gtpv1_update_pdp_ctx_request",
      fields: fields({
        2: ["imsi"],
        3: ["rai"],
        14: ["recovery"],
        16: ["data1"],
        17: ["cp"],
        20: ["nsapi"],
        27: ["trace_ref"],
        28: ["trace_type"],
        133: ["cp_addr", "user_addr"],
        135: ["qos_prof"],
        137: ["tft"],
        142: ["trigger_id"],
        143: ["omc_id"],
        255: ["ext"],
        128: ["end_user_addr"],
      }),
    },
  ],
  [
    19,
    {
      event: "gtpv1_update_pdp_ctx_response",
      fields: fields({
        1: ["cause"],
        14: ["recovery"],
        16: ["data1"],
        17: ["cp"],
        127: ["charging_id"],
        133: ["cp_addr", "user_addr"],
        135: ["qos_prof"],
        251: ["charge_gateway"],
        255: ["ext"],
      }),
    },
  ],
  [20, { event: "gtpv1_delete_pdp_ctx_request", fields: fields({ 19: ["teardown_ind"], 20: ["nsapi"], 255: ["ext"] }) }],
  [21, { event: "gtpv1_delete_pdp_ctx_response", fields: fields({ 1: ["cause"], 255: ["ext"] }) }],
]);

export type GtpPdpEvent =
  | "gtpv1_create_pdp_ctx_request"
  | "gtpv1_create_pdp_ctx_response"
  | "gtpv1_update_pdp_ctx_request"
  | "gtpv1_update_pdp_ctx_response"
  | "gtpv1_delete_pdp_ctx_request"
  | "gtpv1_delete_pdp_ctx_response";

function fields(byType: Record<number, readonly [string, string?]>): ElementFields {
  return new Map(Object.entries(byType).map(([t, f]) => [Number(t), f]));
}

/**
 * The record of a PDP context message's elements `d[at, end)` (already
 * found to parse): each element Zeek's record has a field for, later
 * occurrences overwriting earlier ones except where a second field takes
 * them; `invalid` hears of each element the message type has no field for
 * (Zeek's gtp_invalid_info_element, with the type).
 */
export function pdpElements(
  fieldsByType: ElementFields,
  d: Uint8Array,
  at: number,
  end: number,
  invalid: (type: number) => void,
): Record<string, ElementValue> {
  const record: Record<string, ElementValue> = {};
  const seen = new Set<number>();
  eachElement(d, at, end, (type, value, len) => {
    const slot = fieldsByType.get(type);
    const read = ELEMENT_VALUES.get(type);
    if (slot === undefined || read === undefined) {
      invalid(type);
      return;
    }
    const field = seen.has(type) && slot[1] !== undefined ? slot[1] : slot[0];
    seen.add(type);
    const v = read(d, value, len);
    if (v === undefined) delete record[field];
    else record[field] = v;
  });
  return record;
}
