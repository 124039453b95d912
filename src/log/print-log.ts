/**
 * Zeek's `print` statement and its redirection into a log
 * (Log::print_to_log, Log::print_log_path): a script prints values on
 * standard output (`print a, b`) or into a file it opened (`print f, a, b`),
 * each value described as Zeek describes it and the values joined with
 * ", ". With Log::REDIRECT_STDOUT the prints meant for standard output
 * become rows of print.log instead (`ts`, the network time, and `vals`, the
 * values' descriptions); with Log::REDIRECT_ALL the prints into files too,
 * the file then being the first value (`file "name" of string`). Each row
 * also goes to the handlers of Log::log_print (the stream's event).
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { LogManager } from "./manager.js";
import { fields } from "./schema.js";
import type { LogWriter } from "./writer.js";

/** Log::PrintLogType's names, without "Log::". */
export const PRINT_REDIRECTS = ["REDIRECT_NONE", "REDIRECT_STDOUT", "REDIRECT_ALL"] as const;
export type PrintRedirect = (typeof PRINT_REDIRECTS)[number];

/** A file a script opened for printing (Zeek's open()): created, or emptied, when opened. */
export class PrintFile {
  private fd: number | null;

  constructor(
    /** The name the script gave, as Zeek describes the file. */
    readonly name: string,
    path: string,
  ) {
    this.fd = openSync(path, "w");
  }

  /** Appends text; nothing once closed (Zeek prints nothing into a closed file). */
  write(text: string): void {
    if (this.fd !== null) writeSync(this.fd, text);
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** What a script prints: text, counts and ints, bools (T/F), or a file (only as the first value). */
export type PrintValue = string | number | boolean | PrintFile;

/** Log::PrintLogInfo: one redirected print. */
export interface PrintLogInfo {
  ts: number;
  vals: string[];
}

export interface PrintOptions {
  /** Log::print_to_log (default REDIRECT_NONE). */
  redirect?: PrintRedirect;
  /** Log::print_log_path (default "print"). */
  path?: string;
  /** Network time, for the rows' ts. */
  now: () => number;
  /** Standard output (default process.stdout). */
  stdout?: (text: string) => void;
  /** Where open() makes files (default the current directory, as Zeek's open). */
  dir?: string;
}

/** Zeek's description of a printed value (ODesc in readable style). */
function describe(v: PrintValue): string {
  if (v instanceof PrintFile) return `file "${v.name}" of string`;
  if (typeof v === "boolean") return v ? "T" : "F";
  return String(v);
}

/** Zeek's print statement, with Log::print_to_log's redirection. */
export class ZeekPrint {
  private readonly redirect: PrintRedirect;
  private readonly handlers: Array<(info: PrintLogInfo) => void> = [];
  private writer: LogWriter | null = null;

  constructor(
    logs: LogManager,
    private readonly options: PrintOptions,
  ) {
    this.redirect = options.redirect ?? "REDIRECT_NONE";
    // As Zeek's zeek_init creates Log::PRINTLOG only when prints are redirected: no stream otherwise.
    if (this.redirect !== "REDIRECT_NONE") {
      const path = options.path ?? "print";
      this.writer = logs.open({ path, fields: fields(["ts", "time"], ["vals", "vector[string]"]), id: "Log::PRINTLOG" });
    }
  }

  /** Zeek's open(name): a file to print into, in the directory of the run. */
  open(name: string): PrintFile {
    return new PrintFile(name, join(this.options.dir ?? ".", name));
  }

  /** Zeek's `print a, b, …`; with a PrintFile first, `print f, a, b, …` (nothing when it is closed). */
  print(...values: PrintValue[]): void {
    const first = values[0];
    const file = first instanceof PrintFile ? first : null;
    if (file !== null && !file.isOpen) return;
    if (this.redirect === "REDIRECT_ALL" || (this.redirect === "REDIRECT_STDOUT" && file === null)) {
      this.log(values.map(describe));
      return;
    }
    const text = `${values
      .slice(file === null ? 0 : 1)
      .map(describe)
      .join(", ")}\n`;
    if (file !== null) file.write(text);
    else (this.options.stdout ?? ((t: string) => void process.stdout.write(t)))(text);
  }

  /** A handler of Log::log_print, the print stream's event: each row as it is written. */
  onLogPrint(handler: (info: PrintLogInfo) => void): void {
    this.handlers.push(handler);
  }

  private log(vals: string[]): void {
    const info = { ts: this.options.now(), vals };
    this.writer!.write([info.ts, vals]);
    for (const h of this.handlers) h(info);
  }
}
