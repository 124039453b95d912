/**
 * The DNP3 events bronze raises, with Zeek's names and arguments (Zeek's dnp3
 * events.bif). Every argument is a Zeek count; where the grammar reads a
 * signed integer (the int32/int16 analog values) Zeek's count holds its
 * sign extension to 64 bits, which a number cannot carry, so those arrive as
 * bigints (-1 is 2^64 - 1, as Zeek prints it). time48 is the 48-bit
 * millisecond timestamp as a number. Strings hold one byte per character
 * (latin1), as the wire carried them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

type Flag = [c: Connection, is_orig: boolean, flag: number, value: number];
type FlagSigned = [c: Connection, is_orig: boolean, flag: number, value: bigint];
type FlagTime = [c: Connection, is_orig: boolean, flag: number, value: number, time48: number];
type FlagSignedTime = [c: Connection, is_orig: boolean, flag: number, value: bigint, time48: number];
type Value = [c: Connection, is_orig: boolean, value: number];
type Signed = [c: Connection, is_orig: boolean, value: bigint];
type Double = [c: Connection, is_orig: boolean, flag: number, value_low: number, value_high: number];
type DoubleTime = [c: Connection, is_orig: boolean, flag: number, value_low: number, value_high: number, time48: number];
type Command = [c: Connection, is_orig: boolean, control_code: number, count8: number, on_time: number, off_time: number, status_code: number];

export interface Dnp3Events {
  /** The link-layer header of the first frame of an application fragment: length, control, destination, source. */
  dnp3_header_block: [c: Connection, is_orig: boolean, len: number, ctrl: number, dest_addr: number, src_addr: number];
  /** A request's application header: application control and function code. */
  dnp3_application_request_header: [c: Connection, is_orig: boolean, application: number, fc: number];
  /** A response's application header: application control, function code and the internal indications (IIN1 << 8 | IIN2). */
  dnp3_application_response_header: [c: Connection, is_orig: boolean, application: number, fc: number, iin: number];
  /** An object header: group << 8 | variation, qualifier, the number of objects and the range's low and high values. */
  dnp3_object_header: [c: Connection, is_orig: boolean, obj_type: number, qua_field: number, number: number, rf_low: number, rf_high: number];
  /** An object's prefix (index or size; 0 when the qualifier has none). */
  dnp3_object_prefix: [c: Connection, is_orig: boolean, prefix_value: number];
  /** A response's data object: the byte of a g1/g10 binary object, else 255. */
  dnp3_response_data_object: [c: Connection, is_orig: boolean, data_value: number];
  /** g0: a device attribute (data type code, length, value). */
  dnp3_attribute_common: [c: Connection, is_orig: boolean, data_type_code: number, leng: number, attribute_obj: string];
  /** g12v1: a control relay output block. */
  dnp3_crob: Command;
  /** g12v2: a pattern control block. */
  dnp3_pcb: Command;
  /** g20v1 */
  dnp3_counter_32wFlag: [c: Connection, is_orig: boolean, flag: number, count_value: number];
  /** g20v2 */
  dnp3_counter_16wFlag: [c: Connection, is_orig: boolean, flag: number, count_value: number];
  /** g20v5 */
  dnp3_counter_32woFlag: [c: Connection, is_orig: boolean, count_value: number];
  /** g20v6 */
  dnp3_counter_16woFlag: [c: Connection, is_orig: boolean, count_value: number];
  /** g21v1 */
  dnp3_frozen_counter_32wFlag: [c: Connection, is_orig: boolean, flag: number, count_value: number];
  /** g21v2 */
  dnp3_frozen_counter_16wFlag: [c: Connection, is_orig: boolean, flag: number, count_value: number];
  /** g21v5 */
  dnp3_frozen_counter_32wFlagTime: [c: Connection, is_orig: boolean, flag: number, count_value: number, time48: number];
  /** g21v6 */
  dnp3_frozen_counter_16wFlagTime: [c: Connection, is_orig: boolean, flag: number, count_value: number, time48: number];
  /** g21v9 */
  dnp3_frozen_counter_32woFlag: [c: Connection, is_orig: boolean, count_value: number];
  /** g21v10 */
  dnp3_frozen_counter_16woFlag: [c: Connection, is_orig: boolean, count_value: number];
  /** g30v1 */
  dnp3_analog_input_32wFlag: FlagSigned;
  /** g30v2 */
  dnp3_analog_input_16wFlag: FlagSigned;
  /** g30v3 */
  dnp3_analog_input_32woFlag: Signed;
  /** g30v4 */
  dnp3_analog_input_16woFlag: Signed;
  /** g30v5: the single-precision float's bits. */
  dnp3_analog_input_SPwFlag: Flag;
  /** g30v6: the double's bits, low and high words. */
  dnp3_analog_input_DPwFlag: Double;
  /** g31v1 */
  dnp3_frozen_analog_input_32wFlag: FlagSigned;
  /** g31v2 */
  dnp3_frozen_analog_input_16wFlag: FlagSigned;
  /** g31v3 */
  dnp3_frozen_analog_input_32wTime: FlagSignedTime;
  /** g31v4 */
  dnp3_frozen_analog_input_16wTime: FlagSignedTime;
  /** g31v5 */
  dnp3_frozen_analog_input_32woFlag: Signed;
  /** g31v6 (unsigned in Zeek's grammar) */
  dnp3_frozen_analog_input_16woFlag: Value;
  /** g31v7 */
  dnp3_frozen_analog_input_SPwFlag: Flag;
  /** g31v8 */
  dnp3_frozen_analog_input_DPwFlag: Double;
  /** g32v1 */
  dnp3_analog_input_event_32woTime: FlagSigned;
  /** g32v2 */
  dnp3_analog_input_event_16woTime: FlagSigned;
  /** g32v3 */
  dnp3_analog_input_event_32wTime: FlagSignedTime;
  /** g32v4 */
  dnp3_analog_input_event_16wTime: FlagSignedTime;
  /** g32v5 */
  dnp3_analog_input_event_SPwoTime: Flag;
  /** g32v6 */
  dnp3_analog_input_event_DPwoTime: Double;
  /** g32v7 */
  dnp3_analog_input_event_SPwTime: FlagTime;
  /** g32v8 */
  dnp3_analog_input_event_DPwTime: DoubleTime;
  /** g33v1 */
  dnp3_frozen_analog_input_event_32woTime: FlagSigned;
  /** g33v2 */
  dnp3_frozen_analog_input_event_16woTime: FlagSigned;
  /** g33v3 */
  dnp3_frozen_analog_input_event_32wTime: FlagSignedTime;
  /** g33v4 (a 32-bit value in Zeek's grammar) */
  dnp3_frozen_analog_input_event_16wTime: FlagSignedTime;
  /** g33v5 */
  dnp3_frozen_analog_input_event_SPwoTime: Flag;
  /** g33v6 */
  dnp3_frozen_analog_input_event_DPwoTime: Double;
  /** g33v7 */
  dnp3_frozen_analog_input_event_SPwTime: FlagTime;
  /** g33v8 */
  dnp3_frozen_analog_input_event_DPwTime: DoubleTime;
  /** g70v5: a file block (handle, block number, data). */
  dnp3_file_transport: [c: Connection, is_orig: boolean, file_handle: number, block_num: number, file_data: string];
  /** The rest of the fragment where Zeek's grammar does not parse it (obsolete and unknown objects, unknown response codes). */
  dnp3_debug_byte: [c: Connection, is_orig: boolean, debug: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends Dnp3Events {}
}

/** Every DNP3 event: the three header events first, then the object events in events.bif's order. */
export const DNP3_EVENT_NAMES: readonly (keyof Dnp3Events)[] = [
  "dnp3_header_block",
  "dnp3_application_request_header",
  "dnp3_application_response_header",
  "dnp3_object_header",
  "dnp3_object_prefix",
  "dnp3_response_data_object",
  "dnp3_attribute_common",
  "dnp3_crob",
  "dnp3_pcb",
  "dnp3_counter_32wFlag",
  "dnp3_counter_16wFlag",
  "dnp3_counter_32woFlag",
  "dnp3_counter_16woFlag",
  "dnp3_frozen_counter_32wFlag",
  "dnp3_frozen_counter_16wFlag",
  "dnp3_frozen_counter_32wFlagTime",
  "dnp3_frozen_counter_16wFlagTime",
  "dnp3_frozen_counter_32woFlag",
  "dnp3_frozen_counter_16woFlag",
  "dnp3_analog_input_32wFlag",
  "dnp3_analog_input_16wFlag",
  "dnp3_analog_input_32woFlag",
  "dnp3_analog_input_16woFlag",
  "dnp3_analog_input_SPwFlag",
  "dnp3_analog_input_DPwFlag",
  "dnp3_frozen_analog_input_32wFlag",
  "dnp3_frozen_analog_input_16wFlag",
  "dnp3_frozen_analog_input_32wTime",
  "dnp3_frozen_analog_input_16wTime",
  "dnp3_frozen_analog_input_32woFlag",
  "dnp3_frozen_analog_input_16woFlag",
  "dnp3_frozen_analog_input_SPwFlag",
  "dnp3_frozen_analog_input_DPwFlag",
  "dnp3_analog_input_event_32woTime",
  "dnp3_analog_input_event_16woTime",
  "dnp3_analog_input_event_32wTime",
  "dnp3_analog_input_event_16wTime",
  "dnp3_analog_input_event_SPwoTime",
  "dnp3_analog_input_event_DPwoTime",
  "dnp3_analog_input_event_SPwTime",
  "dnp3_analog_input_event_DPwTime",
  "dnp3_frozen_analog_input_event_32woTime",
  "dnp3_frozen_analog_input_event_16woTime",
  "dnp3_frozen_analog_input_event_32wTime",
  "dnp3_frozen_analog_input_event_16wTime",
  "dnp3_frozen_analog_input_event_SPwoTime",
  "dnp3_frozen_analog_input_event_DPwoTime",
  "dnp3_frozen_analog_input_event_SPwTime",
  "dnp3_frozen_analog_input_event_DPwTime",
  "dnp3_file_transport",
  "dnp3_debug_byte",
];

/** The events raised while parsing a fragment's objects (all but the three header events). */
export const DNP3_OBJECT_EVENTS: readonly (keyof Dnp3Events)[] = DNP3_EVENT_NAMES.slice(3);

registerEvents<Dnp3Events>(Object.fromEntries(DNP3_EVENT_NAMES.map((n) => [n, true])) as Record<keyof Dnp3Events, true>);
