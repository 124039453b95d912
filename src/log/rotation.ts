/**
 * Log rotation as Zeek's logging framework does it (Log::default_rotation_interval):
 * each log's file is closed every interval of network time and renamed
 * `<path>.<open time>.log`, the open time in local time as
 * Log::default_rotation_date_format (%Y-%m-%d-%H-%M-%S) writes it; the next
 * record starts a new file. Rotations fall on the time of day
 * `log_rotate_base_time` (default 0:00) plus whole intervals, so hourly logs
 * turn over on the hour whenever the run started. At the end of a run every
 * file still open is rotated too ("terminating"), after its last records.
 */
import { breakDown, localZone } from "../cut/clock.js";
import { strftime } from "../cut/strftime.js";
import type { TimerClient } from "../session/timers.js";
import { formatLogStamp, pad2 } from "./wall-clock.js";

/** Zeek's Log::default_rotation_date_format. */
export const DEFAULT_ROTATION_DATE_FORMAT = "%Y-%m-%d-%H-%M-%S";

/** What rotation needs from the engine: network time, a timer in its heap, and the settings read when a log opens. */
export interface LogRotationServices {
  readonly clock: { readonly now: number };
  /** Zeek's network_time(): 0 before the first packet, then the clock's time; absent: always the clock's time. */
  networkTime?(): number;
  scheduleClient(client: TimerClient, time: number): void;
  readonly settings: {
    readonly "Log::default_rotation_interval": number;
    readonly log_rotate_base_time: string;
    readonly "Log::default_rotation_postprocessor_cmd": string;
    readonly "Log::default_rotation_dir": string;
    readonly "Log::default_rotation_postprocessor_cmd_env": ReadonlyMap<string, string>;
    /** Shadow files and the rotation of leftover logs at start-up (leftover.ts); absent: off. */
    readonly "LogAscii::enable_leftover_log_rotation"?: boolean;
    /** The open time's format in rotated names; absent: DEFAULT_ROTATION_DATE_FORMAT. */
    readonly "Log::default_rotation_date_format"?: string;
  };
}

/** The postprocessor command's environment: the run's, with each entry of Log::default_rotation_postprocessor_cmd_env as ZEEK_ARG_<name> (Zeek's system_env). */
export function postprocessorEnv(table: ReadonlyMap<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [name, value] of table) env[`ZEEK_ARG_${name.toUpperCase()}`] = value;
  return env;
}

/** A rotated file, as Zeek's postprocessors get it (Log::RotationInfo). */
export interface RotationInfo {
  /** The rotated file's name (in the log directory). */
  fname: string;
  /** The log's path ("conn"). */
  path: string;
  /** Network time the file was opened (or last rotated), and closed. */
  open: number;
  close: number;
  /** Rotated because the run ended. */
  terminating: boolean;
  /** The directory the rotated file is in (the log directory); absent for logs kept in memory. */
  dir?: string;
}

/** What Zeek's Log::rotation_format_func is given (Log::RotationFmtInfo). */
export interface RotationFormatInfo {
  /** The log's path ("conn"). */
  path: string;
  open: number;
  close: number;
  terminating: boolean;
  /** The filter has a postprocessor of its own (Zeek's default function then names the file path-%y-%m-%d_%H.%M.%S). */
  ownPostprocessor: boolean;
}

/** Where a rotated file goes (Zeek's Log::RotationPath): its name without ".log", and a directory ("" or absent: Log::default_rotation_dir's). */
export interface RotationPath {
  fileBasename: string;
  dir?: string;
}

/** Seconds after midnight of an "H:MM" time of day; -1 for "" (no base: multiples of the interval). Zeek's parse_rotate_base_time. */
export function parseRotateBaseTime(text: string): number {
  if (text === "") return -1;
  const m = /^(\d{1,2}):(\d{1,2})$/.exec(text.trim());
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(`log_rotate_base_time: not a time of day (H:MM): ${JSON.stringify(text)}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60;
}

/**
 * Seconds from `current` to the next rotation (Zeek's calc_next_rotate):
 * the first local midnight + `base` + k·interval after `current`, or the next
 * multiple of the interval when there is no base.
 */
export function nextRotationDelay(current: number, interval: number, base: number): number {
  if (base < 0) return Math.floor(current / interval) * interval + interval - current;
  const day = new Date(Math.floor(current) * 1000);
  day.setHours(0, 0, 0, 0);
  const startOfDay = day.getTime() / 1000;
  const delta = startOfDay + base + Math.ceil((current - startOfDay - base) / interval) * interval - current;
  return delta > 0 ? delta : interval;
}

/** Local time as %Y-%m-%d-%H-%M-%S (Log::default_rotation_date_format): rotated files' names, the format of the #open lines. */
export function rotationStamp(t: number): string {
  return formatLogStamp(new Date(Math.floor(t) * 1000));
}

/** Local time in Log::default_rotation_date_format `format` (strftime, as Zeek's default rotation_format_func writes it). */
export function rotationDateStamp(t: number, format: string): string {
  if (format === DEFAULT_ROTATION_DATE_FORMAT) return rotationStamp(t);
  const epoch = BigInt(Math.floor(t));
  const zone = localZone(process.env.TZ, process.env);
  const offset = zone.offsetAt(epoch);
  const local = breakDown(epoch, offset, zone.nameAt(epoch, offset));
  return local === null ? rotationStamp(t) : strftime(format, local);
}

/** Local time as %y-%m-%d_%H.%M.%S: the times postprocessor commands get (Log::run_rotation_postprocessor_cmd). */
export function postprocessorStamp(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  return `${pad2(d.getFullYear() % 100)}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}_${pad2(d.getHours())}.${pad2(d.getMinutes())}.${pad2(d.getSeconds())}`;
}

/** A word for sh, quoted as Zeek's safe_shell_quote does (in double quotes, with \, ", $ and ` escaped). */
export function shellQuote(text: string): string {
  return `"${text.replace(/[\\"$`]/g, "\\$&")}"`;
}

/**
 * The rotated file as Zeek names it to its postprocessor (RotationInfo$fname):
 * its directory, as the log directory or Log::default_rotation_dir was given,
 * then its name; the name alone in the working directory.
 */
export function rotatedFilePath(info: RotationInfo): string {
  return info.dir === undefined || info.dir === "." ? info.fname : `${info.dir}/${info.fname}`;
}

/** The command line Zeek's ASCII postprocessor runs (in the working directory) for a rotated file: `cmd file path open close terminating writer`. */
export function postprocessorCommand(cmd: string, info: RotationInfo): string {
  return `${cmd} ${shellQuote(rotatedFilePath(info))} ${shellQuote(info.path)} ${postprocessorStamp(info.open)} ${postprocessorStamp(info.close)} ${info.terminating ? 1 : 0} ascii`;
}
