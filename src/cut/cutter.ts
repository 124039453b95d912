/**
 * The line-by-line work of bronze-cut, zeek-cut's behaviour: each header
 * block (#separator, #unset_field, #fields, #types) sets up the columns for
 * the data lines after it, so logs concatenated on stdin each cut by their
 * own header. Lines are latin1 strings, so every byte passes through as is.
 */
import type { CutOptions } from "./args.js";
import { breakDown, localZone, UTC_ZONE, type Zone } from "./clock.js";
import { strftime } from "./strftime.js";

/** Where the cutter's output goes. */
export interface CutSink {
  out(text: string): void;
  err(line: string): void;
}

/** strtol's LONG_MAX: what an overflowing time value saturates to. */
const LONG_MAX = 2n ** 63n - 1n;
/** zeek-cut's timestamp buffer; a longer (or empty) strftime result is a failed conversion. */
const MAX_TIMESTAMP_LEN = 100;

/** strtol(s, &end, 10): the value (saturated) and where the number ends (0 when there is none). */
function strtol(s: string): { value: bigint; end: number } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (m === null) return { value: 0n, end: 0 };
  const v = BigInt(m[2]!);
  const value = m[1] === "-" ? (v > LONG_MAX + 1n ? -LONG_MAX - 1n : -v) : v > LONG_MAX ? LONG_MAX : v;
  return { value, end: m[0].length };
}

/** The separator byte of a "#separator " value: "\xHH" (read as strtol base 16 reads it) or the first character; "" when it is NUL. */
function parseSeparator(value: string): string {
  if (!value.startsWith("\\x")) return value.slice(0, 1);
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]*)/.exec(value.slice(2))!;
  // strtol's long, cast to a char: only the low byte counts.
  const low = m[2] === "" ? 0 : Number(BigInt(`0x${m[2]}`) & 0xffn);
  const byte = m[1] === "-" ? (256 - low) & 0xff : low;
  return byte === 0 ? "" : String.fromCharCode(byte);
}

export class Cutter {
  private ifs = "\t";
  private ofs = "\t";
  private unset = "-";
  /** Log column per output column; -1 for a named column this log lacks (printed empty). */
  private outIndexes: number[] = [];
  /** Fields a data line must have: the highest output index plus one. */
  private idxRange = 0;
  private timeCols: boolean[] = [];
  private headersSeen = 0;
  private prevHeader = false;
  private prevFields = false;
  private readonly zone: Zone;
  private readonly local: Zone;
  /** The last converted second and its text: logs repeat seconds, and zone look-ups cost. */
  private cached: { value: bigint; text: string } | null = null;

  constructor(
    private readonly o: CutOptions,
    private readonly sink: CutSink,
    private readonly prog: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.local = localZone(env.TZ, env);
    this.zone = o.time === "utc" ? UTC_ZONE : this.local;
  }

  /** Takes one line without its newline; false after a fatal header error (reported; the run ends with status 1). */
  line(text: string): boolean {
    if (this.prevFields && !text.startsWith("#types")) return this.fatal("bad log header (missing #types line)");
    if (!text.startsWith("#")) {
      this.prevHeader = false;
      this.outputFields(false, text);
      return true;
    }
    if (!this.prevHeader) {
      // A new header block; after two, which one it is no longer matters.
      this.prevHeader = true;
      if (this.headersSeen < 2) this.headersSeen++;
    }
    if (!this.headerLine(text)) return false;
    this.showHeader(text);
    return true;
  }

  /** Reads a header line into the block's state; false on a fatal error. */
  private headerLine(text: string): boolean {
    if (text.startsWith("#separator ")) {
      const ifs = parseSeparator(text.slice(11));
      if (ifs === "") return this.fatal("bad log header (invalid #separator line)");
      this.ifs = ifs;
      this.ofs = this.o.ofs !== "" ? this.o.ofs : ifs;
    } else if (text.startsWith("#unset_field")) {
      if (text.length < 14) return this.fatal("bad log header (invalid #unset_field line)");
      this.unset = text.slice(13);
    } else if (text.startsWith("#fields")) {
      this.prevFields = true;
      this.findOutputIndexes(text.slice(8));
    } else if (text.startsWith("#types")) {
      if (!this.prevFields) return this.fatal("bad log header (missing #fields line)");
      this.prevFields = false;
      if (this.o.time !== "none") return this.findTimeCols(text.slice(7));
    }
    return true;
  }

  private showHeader(text: string): void {
    if (this.o.header < this.headersSeen) return;
    if (text.startsWith("#fields") || (text.startsWith("#types") && !this.o.minimal)) this.outputFields(true, text);
    else if (!this.o.minimal) this.sink.out(`${text}\n`);
  }

  /** Which log columns to print, from the #fields names (after "#fields" and its separator). */
  private findOutputIndexes(names: string): void {
    const fields = names.split(this.ifs);
    const { columns, negate } = this.o;
    if (columns.length === 0) {
      this.outIndexes = fields.map((_, i) => i);
      this.idxRange = fields.length;
      return;
    }
    this.outIndexes = negate ? fields.flatMap((f, i) => (columns.includes(f) ? [] : [i])) : columns.map((c) => fields.indexOf(c));
    // No spread into Math.max: a log may have more columns than a call takes arguments.
    this.idxRange = this.outIndexes.reduce((a, b) => Math.max(a, b), 0) + 1;
  }

  private findTimeCols(types: string): boolean {
    const fields = types.split(this.ifs);
    if (fields.length < this.idxRange) return this.fatal("log header does not have enough fields");
    this.timeCols = fields.slice(0, this.idxRange).map((t) => t === "time");
    return true;
  }

  /** Prints the chosen columns of a data line, or of a #fields/#types line (whose first field is its tag). */
  private outputFields(header: boolean, text: string): void {
    const h = header ? 1 : 0;
    const fields = text.split(this.ifs);
    if (fields.length < this.idxRange + h) return this.sink.err(`${this.prog}: skipping log line (not enough fields)`);
    const convertTimes = this.o.time !== "none" && !header;
    const retype = this.o.time !== "none" && header && fields[0] === "#types";
    const parts: string[] = header && !this.o.minimal ? [fields[0]!] : [];
    for (const idx of this.outIndexes) {
      if (idx === -1) parts.push("");
      else if (convertTimes && this.timeCols[idx]) parts.push(this.time(fields[idx]!));
      else if (retype && fields[idx + 1] === "time") parts.push("string");
      else parts.push(fields[idx + h]!);
    }
    this.sink.out(`${parts.join(this.ofs)}\n`);
  }

  /** A time field converted; on any failure the field unchanged (with zeek-cut's message). */
  private time(field: string): string {
    const { value, end } = strtol(field);
    if (value < 0n || value === LONG_MAX) return this.warn(`time value out-of-range: ${field}`, field);
    // zeek-cut wants digits then a '.', and ignores the fraction: times are cut to the second, never rounded.
    if (field[end] !== ".") return field === this.unset ? field : this.warn(`time field is not valid: ${field}`, field);
    if (this.cached?.value === value) return this.cached.text;
    const offset = this.zone.offsetAt(value);
    const tm = breakDown(value, offset, this.zone.nameAt(value, offset));
    if (tm === null) return this.warn(`time value out-of-range: ${field}`, field);
    // %s is mktime() of the broken-down time, which reads it as local time even under -u (glibc).
    if (this.o.time === "utc") tm.epoch = value - BigInt(this.local.offsetAt(value));
    const text = strftime(this.o.timeFormat, tm);
    if (text.length === 0 || text.length >= MAX_TIMESTAMP_LEN) return this.warn("failed to convert timestamp (try a shorter format string)", field);
    this.cached = { value, text };
    return text;
  }

  private warn(message: string, field: string): string {
    this.sink.err(`${this.prog}: ${message}`);
    return field;
  }

  private fatal(message: string): false {
    this.sink.err(`${this.prog}: ${message}`);
    return false;
  }
}
