/**
 * The NTP analyzer's event and records, as Zeek declares them (events.bif
 * of the NTP analyzer; NTP::Message and its parts in init-bare.zeek). Times
 * are seconds since 1970 (0 for an all-zero NTP timestamp), intervals
 * seconds, strings one byte per character.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** NTP::StandardMessage: modes 1-5. */
export interface NtpStandardMessage {
  stratum: number;
  /** 2^poll seconds. */
  poll: number;
  /** 2^precision seconds. */
  precision: number;
  root_delay: number;
  root_disp: number;
  /** Stratum 0: the reference id as a kiss code. */
  kiss_code?: string;
  /** Stratum 1: the reference clock's name. */
  ref_id?: string;
  /** Stratum 2 and up: the reference server's address. */
  ref_addr?: string;
  ref_time: number;
  org_time: number;
  rec_time: number;
  xmt_time: number;
  key_id?: number;
  digest?: string;
  num_exts: number;
}

/** NTP::ControlMessage: mode 6. */
export interface NtpControlMessage {
  op_code: number;
  resp_bit: boolean;
  err_bit: boolean;
  more_bit: boolean;
  sequence: number;
  status: number;
  association_id: number;
  data?: string;
  key_id?: number;
  crypto_checksum?: string;
}

/** NTP::Mode7Message: mode 7 (ntpdc's private requests). */
export interface NtpMode7Message {
  req_code: number;
  auth_bit: boolean;
  sequence: number;
  implementation: number;
  err: number;
  data?: string;
}

/** NTP::Message. */
export interface NtpMessage {
  version: number;
  mode: number;
  std_msg?: NtpStandardMessage;
  control_msg?: NtpControlMessage;
  mode7_msg?: NtpMode7Message;
}

export interface NtpEvents {
  /** Every NTP message that parsed. */
  ntp_message: [c: Connection, is_orig: boolean, msg: NtpMessage];
}

declare module "../../../event/events.js" {
  interface EventMap extends NtpEvents {}
}

registerEvents<NtpEvents>({ ntp_message: true });
