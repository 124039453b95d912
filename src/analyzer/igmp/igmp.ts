/**
 * IGMP (IP protocol 2; RFC 1112, 2236, 3376): the events of Zeek's IGMP
 * packet analyzer (a Spicy one, src/packet_analysis/protocol/igmp), for the
 * scripts that handle them (policy/protocols/conn/multicast-participants).
 *
 * A message is read as Zeek's grammar reads it: a query (its v3 form, with
 * the flags, QQIC and sources), a v1 or v2 report, a v2 leave, or a v3
 * report with its group records; another type, or a message shorter than
 * its form, is not one. Events come only for a message whose checksum, over
 * the bytes its form took, is right (with -C too).
 *
 * The analyzer takes IGMP's packets only in runs whose scripts handle its
 * events, or with --spicy: a Zeek built without Spicy (the corpus') has no
 * IGMP analyzer and keeps them as unknown-IP connections, and so does
 * bronze otherwise. When
 * it takes them, they are packets and no connections (no conn.log rows, no
 * uids drawn), as in Zeek 9.1 with Spicy, and a bad checksum is the
 * igmp_invalid_checksum weird (but with -C).
 */
import type { EventBus } from "../../event/bus.js";
import { registerEvents } from "../../event/events.js";
import type { Weirds } from "../../event/weirds.js";
import { dstAddrText, srcAddrText } from "../../ip/addr.js";
import type { Packet } from "../../packet/packet.js";
import type { PacketAnalyzer } from "../../session/transport.js";

export const IPPROTO_IGMP = 2;

const MEMBERSHIP_QUERY = 0x11;
const MEMBERSHIP_REPORT_V1 = 0x12;
const MEMBERSHIP_REPORT_V2 = 0x16;
const LEAVE_GROUP = 0x17;
const MEMBERSHIP_REPORT_V3 = 0x22;

/** IGMP::GroupType's names, by record type (RFC 3376 §4.2.12). */
const GROUP_TYPES = ["", "MODE_IS_INCLUDE", "MODE_IS_EXCLUDE", "CHANGE_TO_INCLUDE_MODE", "CHANGE_TO_EXCLUDE_MODE", "ALLOW_NEW_SOURCES", "BLOCK_OLD_SOURCES"];

/** IGMP::Group: a group record of a version 3 report. */
export interface IgmpGroup {
  /** IGMP::GroupType without its module ("MODE_IS_INCLUDE"), or "unknown-N". */
  group_type: string;
  aux_data_len: number;
  num_sources: number;
  multicast_addr: string;
  sources: string[];
  /** One byte per character. */
  aux_data: string;
}

export interface IgmpEvents {
  /** A membership query (in its version 3 form) from `source` about `group_addr` (0.0.0.0: a general query). */
  "IGMP::membership_query": [source: string, group_addr: string];
  "IGMP::membership_report_v1": [source: string, group_addr: string];
  "IGMP::membership_report_v2": [source: string, group_addr: string];
  "IGMP::membership_report_v3": [source: string, groups: IgmpGroup[]];
  "IGMP::leave_group": [source: string, group_addr: string];
}
declare module "../../event/events.js" {
  interface EventMap extends IgmpEvents {}
}
registerEvents<IgmpEvents>({
  "IGMP::membership_query": true,
  "IGMP::membership_report_v1": true,
  "IGMP::membership_report_v2": true,
  "IGMP::membership_report_v3": true,
  "IGMP::leave_group": true,
});

function ipv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

/** A v3 report's group records from `at`, and where they end; null when one runs past `end`. */
function groupRecords(b: Uint8Array, at: number, end: number, count: number): { groups: IgmpGroup[]; end: number } | null {
  const groups: IgmpGroup[] = [];
  for (let g = 0; g < count; g++) {
    if (at + 8 > end) return null;
    const type = b[at]!;
    const auxLen = b[at + 1]!;
    const num = (b[at + 2]! << 8) | b[at + 3]!;
    const group = ipv4(b, at + 4);
    at += 8;
    if (at + 4 * num + auxLen > end) return null;
    const sources: string[] = [];
    for (let i = 0; i < num; i++, at += 4) sources.push(ipv4(b, at));
    const aux = String.fromCharCode(...b.subarray(at, at + auxLen));
    at += auxLen;
    groups.push({ group_type: GROUP_TYPES[type] ?? `unknown-${type}`, aux_data_len: auxLen, num_sources: num, multicast_addr: group, sources, aux_data: aux });
  }
  return { groups, end: at };
}

/** How many bytes the message's form takes (0: not a message Zeek's grammar reads), and its v3 report's groups. */
function messageLength(b: Uint8Array, start: number, end: number): { length: number; groups?: IgmpGroup[] } {
  const type = b[start];
  const has = (n: number) => start + n <= end;
  if (type === MEMBERSHIP_REPORT_V1 || type === MEMBERSHIP_REPORT_V2 || type === LEAVE_GROUP) return { length: has(8) ? 8 : 0 };
  if (type === MEMBERSHIP_QUERY) {
    if (!has(12)) return { length: 0 };
    const sources = (b[start + 10]! << 8) | b[start + 11]!;
    // The sources, then whatever follows up to the end (additional data).
    return { length: has(12 + 4 * sources) ? end - start : 0 };
  }
  if (type === MEMBERSHIP_REPORT_V3) {
    if (!has(8)) return { length: 0 };
    const records = groupRecords(b, start + 8, end, (b[start + 6]! << 8) | b[start + 7]!);
    return records === null ? { length: 0 } : { length: records.end - start, groups: records.groups };
  }
  return { length: 0 };
}

/** The ones' complement sum of `length` bytes (an even number) as 16-bit words is all ones: the checksum is right. */
function checksumRight(b: Uint8Array, start: number, length: number): boolean {
  if (length % 2 !== 0) return false;
  let sum = 0;
  for (let i = 0; i < length; i += 2) {
    sum += (b[start + i]! << 8) | b[start + i + 1]!;
    if (sum > 0xffff) sum -= 0xffff;
  }
  return sum === 0xffff;
}

/**
 * Whether a script handles an IGMP event (its handlers' groups enabled or
 * not: the analyzer is there as its script is loaded, and each event is
 * raised only while wanted): then IGMP's packets go to the analyzer (see above).
 */
export function igmpWanted(bus: EventBus): boolean {
  return IGMP_EVENTS.some((name) => bus.registered(name));
}

const IGMP_EVENTS = [
  "IGMP::membership_query",
  "IGMP::membership_report_v1",
  "IGMP::membership_report_v2",
  "IGMP::membership_report_v3",
  "IGMP::leave_group",
] as const;

/** Zeek's IGMP packet analyzer: each IGMP packet's event, no connection. */
export class IgmpAnalyzer implements PacketAnalyzer {
  readonly protocols: readonly number[] = [IPPROTO_IGMP];

  constructor(private readonly host: { readonly bus: EventBus; readonly weirds: Weirds; readonly settings: { readonly ignore_checksums: boolean } }) {}

  process(pkt: Packet): void {
    const b = pkt.data;
    const start = pkt.l4Offset;
    const end = start + Math.min(pkt.l4Len, pkt.l4CapLen);
    if (start >= end) return;
    const { length, groups } = messageLength(b, start, end);
    if (length === 0) return;
    if (!checksumRight(b, start, length)) {
      if (!this.host.settings.ignore_checksums) this.host.weirds.flow("igmp_invalid_checksum", srcAddrText(pkt), dstAddrText(pkt), "", "IGMP");
      return;
    }
    igmpEvent(this.host.bus, pkt, groups);
  }
}

/** Queues the event of IGMP packet `pkt`, a message Zeek's grammar reads with a right checksum. */
function igmpEvent(bus: EventBus, pkt: Packet, groups: IgmpGroup[] | undefined): void {
  const b = pkt.data;
  const start = pkt.l4Offset;
  const source = srcAddrText(pkt);
  const type = b[start];
  // Each event only while one of its handlers is enabled (a group switched off drops it, as Zeek raises no unhandled event).
  const w = bus.wants;
  if (type === MEMBERSHIP_REPORT_V3) {
    if (w["IGMP::membership_report_v3"]) bus.queue("IGMP::membership_report_v3", source, groups!);
    return;
  }
  const group = ipv4(b, start + 4);
  if (type === MEMBERSHIP_QUERY) {
    if (w["IGMP::membership_query"]) bus.queue("IGMP::membership_query", source, group);
  } else if (type === MEMBERSHIP_REPORT_V1) {
    if (w["IGMP::membership_report_v1"]) bus.queue("IGMP::membership_report_v1", source, group);
  } else if (type === MEMBERSHIP_REPORT_V2) {
    if (w["IGMP::membership_report_v2"]) bus.queue("IGMP::membership_report_v2", source, group);
  } else if (w["IGMP::leave_group"]) bus.queue("IGMP::leave_group", source, group);
}
