/**
 * Crash recovery of rotating logs, as Zeek's ASCII writer does it with
 * LogAscii::enable_leftover_log_rotation: while a rotating log is open, a
 * hidden shadow file beside it (`.shadow.conn.log`) holds the log's
 * extension and the name of its filter's own postprocessor. Rotation
 * removes it, so a shadow file found at start-up means a run died with the
 * log open: that log is rotated first (the manager's rotateLeftoverLogs),
 * its open time the shadow file's change time, its close time the log's
 * modification time. A shadow file whose log is gone is removed.
 */
import { readdirSync, readFileSync, renameSync, type Stats, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, parse } from "node:path";
import { systemErrorText } from "../system-error.js";

const SHADOW_PREFIX = ".shadow.";

/** The shadow file of log file `file`: `logs/conn.log` → `logs/.shadow.conn.log`. */
export function shadowFile(file: string): string {
  return join(dirname(file), SHADOW_PREFIX + basename(file));
}

/**
 * Writes the shadow file of log file `file`: its extension (".log") and the
 * postprocessor's name ("" for the default one), a line each. Written under
 * a temporary name and renamed, so a crash never leaves half of one.
 */
export function writeShadowFile(file: string, extension: string, postprocessor: string): void {
  const shadow = shadowFile(file);
  const tmp = join(dirname(shadow), `.tmp${basename(shadow)}`);
  try {
    writeFileSync(tmp, `${extension}\n${postprocessor}\n`);
  } catch (error) {
    throw new Error(`cannot open ${tmp}: ${systemErrorText(error)}`);
  }
  try {
    renameSync(tmp, shadow);
  } catch (error) {
    unlinkQuietly(tmp);
    throw new Error(`Unable to rename ${tmp} to ${shadow}: ${systemErrorText(error)}`);
  }
}

/** A log a previous run left open (it has a shadow file), ready to be rotated. */
export interface LeftoverLog {
  /** The log file (absolute). */
  file: string;
  shadow: string;
  /** Its path ("conn"): the file's name without its last extension. */
  path: string;
  /** What the rotated name ends with (".log", ".log.gz"). */
  extension: string;
  /** The name of the postprocessor its filter had; "" for the default one. */
  postprocessor: string;
  /** Whole seconds: the shadow file's change time, the log's modification time. */
  open: number;
  close: number;
}

/** How findLeftoverLogs reports (Zeek's reporter). */
export interface LeftoverReports {
  warning(message: string): void;
  error(message: string): void;
}

/**
 * The leftover logs of directory `dir` (absolute), by name: each
 * `.shadow.NAME` whose NAME is a file. Shadow files without their log are
 * removed. `extension` is the one assumed when a shadow file is not two
 * lines. Unreadable ones are reported and left alone.
 */
export function findLeftoverLogs(dir: string, extension: string, report: LeftoverReports): LeftoverLog[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (error) {
    report.error(`failed to open directory '${dir}' in search of leftover logs: ${systemErrorText(error)}`);
    return [];
  }
  const found: LeftoverLog[] = [];
  for (const name of names) {
    if (!name.startsWith(SHADOW_PREFIX)) continue;
    const shadow = join(dir, name);
    const file = join(dir, name.slice(SHADOW_PREFIX.length));
    if (!isFile(file)) {
      // There was a log here; it is gone (rotated by hand, or never written).
      try {
        unlinkSync(shadow);
      } catch (error) {
        report.error(`cannot unlink stale ${shadow}: ${systemErrorText(error)}`);
      }
      continue;
    }
    try {
      found.push(leftoverLog(file, shadow, extension, report));
    } catch (error) {
      report.error(`failed to process leftover log '${file}': ${systemErrorText(error)}`);
    }
  }
  return found;
}

/** The leftover log `file` as its shadow file describes it (throws what cannot be read). */
function leftoverLog(file: string, shadow: string, extension: string, report: LeftoverReports): LeftoverLog {
  let text: string;
  try {
    text = readFileSync(shadow, "latin1");
  } catch (error) {
    throw new Error(`Failed to open ${shadow}: ${systemErrorText(error)}`);
  }
  const lines = text.split("\n");
  let postprocessor = "";
  // Fewer than two lines (an empty file): the default extension and postprocessor, said once.
  if (lines.length < 2) {
    report.warning(
      `Found leftover log, '${file}', but the associated shadow  file, '${shadow}', required to process it is invalid: using default  for extension (${extension}) and post_proc_func`,
    );
  } else {
    extension = lines[0]!;
    postprocessor = lines[1]!;
  }
  const open = Math.floor(stat(shadow).ctimeMs / 1000);
  const close = Math.floor(stat(file).mtimeMs / 1000);
  return { file, shadow, path: parse(file).name, extension, postprocessor, open, close };
}

function stat(file: string): Stats {
  try {
    return statSync(file);
  } catch (error) {
    throw new Error(`Failed to stat ${file}: ${systemErrorText(error)}`);
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Nothing to clean up.
  }
}
