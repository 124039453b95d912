/**
 * reporter.log: bronze's own messages about a run, as Zeek's reporter
 * framework (base/frameworks/reporter) logs its internal ones — a row per
 * message with network time, level (Reporter::INFO, WARNING, ERROR), message
 * and, where there is one, a location in a script. Like Zeek with its default
 * Reporter::info_to_stderr / warnings_to_stderr / errors_to_stderr, each
 * message is also shown on stderr, unless the caller counts and summarises
 * repeats itself (`quiet`).
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
}

/** Where stderr lines go, and the network time rows are stamped with. */
export interface ReporterHost {
  clock: { readonly now: number };
  /** One line of text (no newline); absent: nothing on stderr. */
  stderr?: (line: string) => void;
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
    this.writer ??= this.logs.open({ path: "reporter", fields: REPORTER_FIELDS });
    this.writer.write([this.host.clock.now, `Reporter::${level}`, message, options.location]);
    if (!options.quiet) this.host.stderr?.(`bronze: ${Reporter.format(level, message, options.location)}`);
  }
}
