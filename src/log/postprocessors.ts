/**
 * Zeek's rotation postprocessors that ship rotated logs to other hosts
 * (base/frameworks/logging/postprocessors/scp and sftp): a filter whose
 * `postprocessor` is one of these copies each rotated file of a log to every
 * destination named for that log's path, then removes it. As Zeek's:
 *
 * - nothing happens while reading a trace (reading_traces()): the rotated
 *   file stays where it is;
 * - each destination's file is `<dir>/<path>.<open time>.log`, the open time
 *   in the local zone as Log::scp_rotation_date_format (or sftp's) writes it;
 * - one shell command does every copy, then `/bin/rm` of the file: scp's
 *   `scp FILE USER@HOST:DEST;`, sftp's `echo put FILE DEST | sftp -P PORT -b -
 *   USER@HOST;` (run in the background; the run does not wait for it).
 *
 * Zeek keys its destinations by writer and path; bronze's rotated logs are the
 * ASCII writer's, so by path. A path without destinations: nothing happens.
 */
import { spawn } from "node:child_process";
import { DEFAULT_ROTATION_DATE_FORMAT, type RotationInfo, rotatedFilePath, rotationDateStamp, shellQuote } from "./rotation.js";

/** Log::SCPDestination. */
export interface ScpDestination {
  readonly user: string;
  readonly host: string;
  /** The directory on the host. */
  readonly path: string;
}

/** Log::SFTPDestination. */
export interface SftpDestination extends ScpDestination {
  /** Default 22. */
  readonly hostPort?: number;
}

export interface ShippingOptions<D> {
  /** Log::scp_destinations (sftp_destinations): the destinations of each log path ("conn"). */
  readonly destinations: ReadonlyMap<string, readonly D[]>;
  /** Zeek's reading_traces(): true while reading a trace (then nothing is shipped). */
  readonly readingTraces: boolean;
  /** Log::scp_rotation_date_format (sftp_rotation_date_format); default %Y-%m-%d-%H-%M-%S. */
  readonly dateFormat?: string;
  /** Runs the command (default: `/bin/sh -c`, in the background, its output to standard error). */
  readonly run?: (command: string) => void;
}

function runInBackground(command: string): void {
  spawn("/bin/sh", ["-c", command], { stdio: ["ignore", 2, 2] }).on("error", () => undefined);
}

/** The destination file of a rotated log: `<dir>/<path>.<open time>.log`. */
function destinationFile(dir: string, info: RotationInfo, format: string): string {
  return `${dir}/${info.path}.${rotationDateStamp(info.open, format)}.log`;
}

/** The shell command scp_postprocessor runs for `info`. */
export function scpCommand(info: RotationInfo, destinations: readonly ScpDestination[], format = DEFAULT_ROTATION_DATE_FORMAT): string {
  const file = rotatedFilePath(info);
  let command = "";
  for (const d of destinations) command += `scp ${file} ${d.user}@${d.host}:${destinationFile(d.path, info, format)};`;
  return `${command}/bin/rm ${shellQuote(file)}`;
}

/** The shell command sftp_postprocessor runs for `info`. */
export function sftpCommand(info: RotationInfo, destinations: readonly SftpDestination[], format = DEFAULT_ROTATION_DATE_FORMAT): string {
  const file = rotatedFilePath(info);
  let command = "";
  for (const d of destinations) {
    command += `echo put ${file} ${destinationFile(d.path, info, format)} | sftp -P ${d.hostPort ?? 22} -b - ${d.user}@${d.host};`;
  }
  return `${command}/bin/rm ${shellQuote(file)}`;
}

function shipping<D>(options: ShippingOptions<D>, command: (info: RotationInfo, d: readonly D[], format: string) => string): (info: RotationInfo) => void {
  const run = options.run ?? runInBackground;
  return (info) => {
    const destinations = options.destinations.get(info.path);
    if (options.readingTraces || destinations === undefined) return;
    run(command(info, destinations, options.dateFormat ?? DEFAULT_ROTATION_DATE_FORMAT));
  };
}

/** Log::scp_postprocessor: a filter's `postprocessor` that copies each rotated file with scp, then removes it. */
export function scpPostprocessor(options: ShippingOptions<ScpDestination>): (info: RotationInfo) => void {
  return shipping(options, scpCommand);
}

/** Log::sftp_postprocessor: as scpPostprocessor, with sftp in batch mode. */
export function sftpPostprocessor(options: ShippingOptions<SftpDestination>): (info: RotationInfo) => void {
  return shipping(options, sftpCommand);
}
