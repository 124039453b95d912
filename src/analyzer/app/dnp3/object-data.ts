/**
 * The data of each DNP3 object type as Zeek's dnp3-objects.pac reads it
 * (sizes, byte order: little-endian throughout), and the per-type events its
 * dnp3-analyzer.pac raises once an object is read. A reader returns the byte
 * dnp3_response_data_object reports for the binary types (g1v1/2, g10v1/2).
 */

import type { EventName } from "../../../event/events.js";
import { latin1 } from "../../../packet/bytes.js";
import type { ObjectParser } from "./objects.js";

export type DataReader = (p: ObjectParser, prefix: number, fc: number) => number | undefined;

const AUTHENTICATE_FILE = 0x1d;

/** Skips a fixed-size object. */
const fixed =
  (n: number): DataReader =>
  (p) => {
    p.need(n, "object");
    return undefined;
  };
/** A one-byte object whose byte is the data value. */
const byte: DataReader = (p) => p.u8("object");
/** &restofdata: the rest of the fragment, no event. */
const restOf: DataReader = (p) => {
  p.rest();
  return undefined;
};
const debug: DataReader = (p) => {
  p.debugByte();
  return undefined;
};

/** Zeek's count of a sign-extended int32/int16. */
const signed = (v: number): bigint => BigInt.asUintN(64, BigInt(v));
const s16 = (v: number): number => (v << 16) >> 16;

type Field = "flag" | "u32" | "i32" | "u16" | "i16" | "time" | "u32lo";
/** The fields' values in wire order (a signed one as Zeek's count). */
function read(p: ObjectParser, fields: readonly Field[]): Array<number | bigint> {
  const out: Array<number | bigint> = [];
  for (const f of fields) {
    if (f === "flag") out.push(p.u8("flag"));
    else if (f === "u32" || f === "u32lo") out.push(p.le32("value"));
    else if (f === "i32") out.push(signed(p.le32("value") | 0));
    else if (f === "u16") out.push(p.le16("value"));
    else if (f === "i16") out.push(signed(s16(p.le16("value"))));
    else out.push(p.time48());
  }
  return out;
}

/** An object of `fields` raising `event` with their values. */
function valued(event: EventName, fields: readonly Field[]): DataReader {
  return (p) => {
    const v = read(p, fields);
    const host = p.host;
    // The event map's tuple for `event` is exactly these values after (c, is_orig).
    if (host.wants(event)) (host.raise as (e: EventName, ...a: unknown[]) => void)(event, host.conn(), p.isOrig, ...v);
    return undefined;
  };
}

const command =
  (event: "dnp3_crob" | "dnp3_pcb"): DataReader =>
  (p) => {
    const code = p.u8("control_code");
    const count = p.u8("count");
    const on = p.le32("on_time");
    const off = p.le32("off_time");
    const status = p.u8("status_code");
    if (p.host.wants(event)) p.host.raise(event, p.host.conn(), p.isOrig, code, count, on, off, status);
    return undefined;
  };

const attribute: DataReader = (p) => {
  const code = p.u8("data_type_code");
  const leng = p.u8("leng");
  const obj = p.bytes(leng, "attribute_obj");
  if (p.host.wants("dnp3_attribute_common")) p.host.raise("dnp3_attribute_common", p.host.conn(), p.isOrig, code, leng, latin1(obj));
  return undefined;
};

/** A fixed head, then a string whose length is the little-endian uint16s at the given offsets summed. */
const sized =
  (head: number, ...lengths: number[]): DataReader =>
  (p) => {
    const at = p.at;
    p.need(head, "object");
    let n = 0;
    for (const off of lengths) n += p.d[at + off]! | (p.d[at + off + 1]! << 8);
    p.bytes(n, "object");
    return undefined;
  };
/** A head, then a string of prefix - head bytes (the prefix sizes the object; g120 takes it as a uint16). */
const byPrefix =
  (head: number, wide = true): DataReader =>
  (p, prefix) => {
    p.need(head, "object");
    p.bytes((wide ? prefix : prefix & 0xffff) - head, "object");
    return undefined;
  };

const fileTransport: DataReader = (p, prefix) => {
  const handle = p.le32("file_handle");
  const block = p.le32("block_num");
  const data = p.bytes(prefix - 8, "file_data");
  if (p.host.wants("dnp3_file_transport")) p.host.raise("dnp3_file_transport", p.host.conn(), p.isOrig, handle, block, latin1(data));
  return undefined;
};

const fileControlId: DataReader = (p) => {
  sized(34, 0)(p, 0, 0);
  p.rest(); // the records: &restofdata
  return undefined;
};

/** g91v1: a delay, a count, then that many status elements (length, code, length - 1 bytes). */
const activateConf: DataReader = (p) => {
  p.need(4, "time_delay");
  const n = p.u8("count");
  for (let i = 0; i < n; i++) {
    const len = p.u8("len");
    p.u8("status_code");
    p.bytes(len - 1, "ancillary");
  }
  return undefined;
};

/** A head, then `count` (a uint16 at offset `at`) items of `size` bytes. */
const counted =
  (head: number, at: number, size: number): DataReader =>
  (p) => {
    const start = p.at;
    p.need(head, "object");
    p.need((p.d[start + at]! | (p.d[start + at + 1]! << 8)) * size, "object");
    return undefined;
  };

/** g120: the authentication objects, sized by the prefix or by their own lengths. */
const AUTH: ReadonlyArray<[number, DataReader]> = [
  [0x7801, byPrefix(8, false)],
  [0x7802, byPrefix(6, false)],
  [0x7803, fixed(6)],
  [0x7804, fixed(2)],
  [
    0x7805,
    (p, prefix) => {
      const start = p.at;
      p.need(11, "object");
      const cha = p.d[start + 9]! | (p.d[start + 10]! << 8);
      p.bytes(cha, "chan_data");
      p.bytes((prefix & 0xffff) - 11 - cha, "mac");
      return undefined;
    },
  ],
  [0x7806, byPrefix(6, false)],
  [0x7807, byPrefix(15, false)],
  [0x7808, byPrefix(2, false)],
  [0x7809, byPrefix(0, false)],
  [0x780a, sized(16, 10, 12, 14)],
  [0x780b, (p) => sized(5, 1, 3)(p, 0, 0)],
  [0x780c, sized(10, 8)],
  [0x780d, sized(8, 6)],
  [0x780e, byPrefix(0, false)],
  [0x780f, byPrefix(0, false)],
];

/** What requests and responses read alike. */
const COMMON: ReadonlyArray<[number, DataReader]> = [
  [0x0c01, command("dnp3_crob")],
  [0x0c02, command("dnp3_pcb")],
  [0x0c03, fixed(1)],
  [0x3201, fixed(6)],
  [0x3202, fixed(10)],
  [0x3203, fixed(6)],
  [0x3301, fixed(6)],
  [0x3302, fixed(6)],
  [0x3401, fixed(2)],
  [0x3402, fixed(2)],
  [0x4601, fileControlId],
  [0x4603, sized(26, 2)],
  [0x4604, byPrefix(13)],
  [0x4605, fileTransport],
  [0x4606, byPrefix(9)],
  [0x4607, sized(20, 2)],
  ...AUTH,
];

/** Request objects (only the types of Zeek's Request_Objects reach here). */
export const REQUEST_READERS: ReadonlyMap<number, DataReader> = new Map<number, DataReader>([
  ...COMMON,
  // g70v2 is read only in an AUTHENTICATE_FILE request.
  [0x4602, (p, pre, fc) => (fc === AUTHENTICATE_FILE ? sized(12, 2, 6)(p, pre, fc) : undefined)],
  [0x5001, restOf],
]);

/** g42 and g43 share one layout per variation. */
const analogOutputEvents = (group: number): Array<[number, DataReader]> => [5, 3, 11, 9, 5, 9, 11, 15].map((n, i) => [(group << 8) | (i + 1), fixed(n)]);

const ATTRIBUTES: Array<[number, DataReader]> = [];
for (let v = 0xd3; v <= 0xff; v++) if (v !== 0xf4 && v !== 0xfb && v !== 0xfd) ATTRIBUTES.push([v, attribute]);

const OBSOLETE = [0x1403, 0x1404, 0x1407, 0x1408, 0x1503, 0x1504, 0x1507, 0x1508, 0x150b, 0x150c];
const COUNTER_EVENTS = (group: number): Array<[number, DataReader]> => [
  [(group << 8) | 1, fixed(5)],
  [(group << 8) | 2, fixed(3)],
  [(group << 8) | 3, debug],
  [(group << 8) | 4, debug],
  [(group << 8) | 5, fixed(11)],
  [(group << 8) | 6, fixed(9)],
  [(group << 8) | 7, debug],
  [(group << 8) | 8, debug],
];

const COUNTERS: Array<[number, DataReader]> = [
  [0x1401, valued("dnp3_counter_32wFlag", ["flag", "u32"])],
  [0x1402, valued("dnp3_counter_16wFlag", ["flag", "u16"])],
  [0x1405, valued("dnp3_counter_32woFlag", ["u32"])],
  [0x1406, valued("dnp3_counter_16woFlag", ["u16"])],
  [0x1501, valued("dnp3_frozen_counter_32wFlag", ["flag", "u32"])],
  [0x1502, valued("dnp3_frozen_counter_16wFlag", ["flag", "u16"])],
  [0x1505, valued("dnp3_frozen_counter_32wFlagTime", ["flag", "u32", "time"])],
  [0x1506, valued("dnp3_frozen_counter_16wFlagTime", ["flag", "u16", "time"])],
  [0x1509, valued("dnp3_frozen_counter_32woFlag", ["u32"])],
  [0x150a, valued("dnp3_frozen_counter_16woFlag", ["u16"])],
  ...OBSOLETE.map((t): [number, DataReader] => [t, debug]),
  ...COUNTER_EVENTS(0x16),
  ...COUNTER_EVENTS(0x17),
];

const ANALOG: Array<[number, DataReader]> = [
  [0x1e01, valued("dnp3_analog_input_32wFlag", ["flag", "i32"])],
  [0x1e02, valued("dnp3_analog_input_16wFlag", ["flag", "i16"])],
  [0x1e03, valued("dnp3_analog_input_32woFlag", ["i32"])],
  [0x1e04, valued("dnp3_analog_input_16woFlag", ["i16"])],
  [0x1e05, valued("dnp3_analog_input_SPwFlag", ["flag", "u32"])],
  [0x1e06, valued("dnp3_analog_input_DPwFlag", ["flag", "u32", "u32"])],
  [0x1f01, valued("dnp3_frozen_analog_input_32wFlag", ["flag", "i32"])],
  [0x1f02, valued("dnp3_frozen_analog_input_16wFlag", ["flag", "i16"])],
  [0x1f03, valued("dnp3_frozen_analog_input_32wTime", ["flag", "i32", "time"])],
  [0x1f04, valued("dnp3_frozen_analog_input_16wTime", ["flag", "i16", "time"])],
  [0x1f05, valued("dnp3_frozen_analog_input_32woFlag", ["i32"])],
  [0x1f06, valued("dnp3_frozen_analog_input_16woFlag", ["u16"])],
  [0x1f07, valued("dnp3_frozen_analog_input_SPwFlag", ["flag", "u32"])],
  [0x1f08, valued("dnp3_frozen_analog_input_DPwFlag", ["flag", "u32", "u32"])],
  [0x2001, valued("dnp3_analog_input_event_32woTime", ["flag", "i32"])],
  [0x2002, valued("dnp3_analog_input_event_16woTime", ["flag", "i16"])],
  [0x2003, valued("dnp3_analog_input_event_32wTime", ["flag", "i32", "time"])],
  [0x2004, valued("dnp3_analog_input_event_16wTime", ["flag", "i16", "time"])],
  [0x2005, valued("dnp3_analog_input_event_SPwoTime", ["flag", "u32"])],
  [0x2006, valued("dnp3_analog_input_event_DPwoTime", ["flag", "u32", "u32"])],
  [0x2007, valued("dnp3_analog_input_event_SPwTime", ["flag", "u32", "time"])],
  [0x2008, valued("dnp3_analog_input_event_DPwTime", ["flag", "u32", "u32", "time"])],
  [0x2101, valued("dnp3_frozen_analog_input_event_32woTime", ["flag", "i32"])],
  [0x2102, valued("dnp3_frozen_analog_input_event_16woTime", ["flag", "i16"])],
  [0x2103, valued("dnp3_frozen_analog_input_event_32wTime", ["flag", "i32", "time"])],
  // g33v4's value is 32 bits wide in Zeek's grammar.
  [0x2104, valued("dnp3_frozen_analog_input_event_16wTime", ["flag", "i32", "time"])],
  [0x2105, valued("dnp3_frozen_analog_input_event_SPwoTime", ["flag", "u32"])],
  [0x2106, valued("dnp3_frozen_analog_input_event_DPwoTime", ["flag", "u32", "u32"])],
  [0x2107, valued("dnp3_frozen_analog_input_event_SPwTime", ["flag", "u32", "time"])],
  [0x2108, valued("dnp3_frozen_analog_input_event_DPwTime", ["flag", "u32", "u32", "time"])],
  [0x2201, fixed(2)],
  [0x2202, fixed(4)],
  [0x2203, fixed(4)],
  ...[5, 3, 5, 9].map((n, i): [number, DataReader] => [0x2801 + i, fixed(n)]),
  ...[5, 3, 5, 9].map((n, i): [number, DataReader] => [0x2901 + i, fixed(n)]),
  ...analogOutputEvents(0x2a),
  ...analogOutputEvents(0x2b),
];

/** Response objects; a type not here is Zeek's Default_Wrap (see `unlisted`). */
export const RESPONSE_READERS: ReadonlyMap<number, DataReader> = new Map<number, DataReader>([
  ...ATTRIBUTES,
  [0x0101, byte],
  [0x0102, byte],
  [0x0201, fixed(1)],
  [0x0202, fixed(7)],
  [0x0203, fixed(3)],
  [0x0301, restOf],
  [0x0302, fixed(1)],
  [0x0401, fixed(7)],
  [0x0402, fixed(3)],
  [0x0a01, byte],
  [0x0a02, byte],
  [0x0b01, fixed(1)],
  [0x0b02, fixed(7)],
  [0x0d01, fixed(1)],
  [0x0d02, fixed(7)],
  ...COUNTERS,
  ...ANALOG,
  ...COMMON,
  [0x4602, sized(12, 2, 6)],
  [0x5001, fixed(2)],
  [0x5101, fixed(3)],
  [0x5201, counted(10, 8, 4)],
  [0x5301, sized(8, 6)],
  [0x5302, counted(8, 6, 4)],
  [0x5501, fixed(5)],
  [0x5601, fixed(5)],
  [0x5602, fixed(1)],
  [0x5603, debug],
  [0x5701, debug],
  [0x5801, debug],
  [0x5b01, activateConf],
  [0x6501, fixed(2)],
  [0x6502, fixed(4)],
  [0x6503, fixed(8)],
  [0x6601, fixed(1)],
]);

/** Zeek's Default_Wrap: groups 110-113 are octet strings as long as the variation, anything else the rest as debug bytes. */
export const unlisted =
  (type: number): DataReader =>
  (p) => {
    const group = type >>> 8;
    if (group >= 0x6e && group <= 0x71) p.need(type & 0xff, "unresolved");
    else p.debugByte();
    return undefined;
  };
