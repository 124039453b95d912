/**
 * reporter.log: bronze's own messages about a run, as Zeek's reporter
 * framework (base/frameworks/reporter) logs its internal ones — a row per
 * message with network time, level (Reporter::INFO, WARNING, ERROR), message
 * and, where there is one, a location in a script. Like Zeek with its default
 * Reporter::info_to_stderr / warnings_to_stderr / errors_to_stderr, each
 * message is also shown on stderr, unless the caller counts and summarises
 * repeats itself (`quiet`).
 *
 * Each message is also raised as Zeek's reporter_info / reporter_warning /
 * reporter_error event, for scripts that act on them — except a message about a
 * failing handler of one of those events, which Zeek (`&error_handler`) and
 * bronze only log, so that a throwing reporter handler cannot feed itself.
 *
 * The log file appears with its first message, as every log does.
 */
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";

export const REPORTER_FIELDS: readonly LogField[] = fields(["ts", "time"], ["level", "enum"], ["message", "string"], ["location", "string"]);

export type ReporterLevel = "INFO" | "WARNING" | "ERROR";

export interface ReportOptions {
  /** Where in a script the message is about ("file.ts, line 5", Zeek's form). */
  location?: string;
  /** Write the row only: the caller shows (or summarises) it on stderr itself. */
  quiet?: boolean;
  /** Raise no reporter_* event: the message is about a reporter_* handler. */
  noEvent?: boolean;
}

/** Where stderr lines go, and the network time rows are stamped with. */
export interface ReporterHost {
  clock: { readonly now: number };
  /** One line of text (no newline); absent: nothing on stderr. */
  stderr?: (line: string) => void;
  /** Queues the reporter_* event of a message; absent: no events (a host without an event queue). */
  raise?: (level: ReporterLevel, t: number, message: string, location: string) => void;
  /**
   * Whether reporter.log is written (default true). Zeek's log is the
   * reporter framework's script (base/frameworks/reporter): with -b and
   * without it, messages only go to stderr and to the reporter_* events.
   */
  log?: boolean;
}

export class Reporter {
  private writer: LogWriter | null = null;
  /** Messages reported, per level. */
  readonly counts: Record<ReporterLevel, number> = { INFO: 0, WARNING: 0, ERROR: 0 };

  constructor(
    private readonly logs: LogManager,
    private readonly host: ReporterHost,
  ) {}

  info(message: string, options: ReportOptions = {}): void {
    this.report("INFO", message, options);
  }

  warning(message: string, options: ReportOptions = {}): void {
    this.report("WARNING", message, options);
  }

  error(message: string, options: ReportOptions = {}): void {
    this.report("ERROR", message, options);
  }

  /** A stderr line as Zeek formats a reporter message ("warning in file, line 5: …"), after bronze's prefix. */
  static format(level: ReporterLevel, message: string, location?: string): string {
    const prefix = level === "INFO" ? "" : level.toLowerCase();
    const where = location !== undefined && location !== "" ? location : "";
    if (prefix === "") return where === "" ? message : `${where}: ${message}`;
    return where === "" ? `${prefix}: ${message}` : `${prefix} in ${where}: ${message}`;
  }

  private report(level: ReporterLevel, message: string, options: ReportOptions): void {
    this.counts[level]++;
    const t = this.host.clock.now;
    if (this.host.log !== false) {
      this.writer ??= this.logs.open({ path: "reporter", fields: REPORTER_FIELDS });
      this.writer.write([t, `Reporter::${level}`, message, options.location]);
    }
    if (!options.noEvent) this.host.raise?.(level, t, message, options.location ?? "");
    if (!options.quiet) this.host.stderr?.(`bronze: ${Reporter.format(level, message, options.location)}`);
  }
}
