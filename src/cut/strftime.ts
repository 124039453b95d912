/**
 * strftime(3) as glibc runs it in the C locale (zeek-cut never calls
 * setlocale), for bronze-cut's -d/-u/-D/-U. Flags (_ - 0 ^ # +), widths and
 * the E/O modifiers are read as glibc reads them; a conversion glibc does not
 * know is copied out as written, as glibc does.
 */
import { isLeap } from "./calendar.js";
import type { BrokenDown } from "./clock.js";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The composite conversions, as the C locale spells them. */
const COMPOSITE: Record<string, string> = {
  c: "%a %b %e %H:%M:%S %Y",
  D: "%m/%d/%y",
  F: "%Y-%m-%d",
  r: "%I:%M:%S %p",
  R: "%H:%M",
  T: "%H:%M:%S",
  x: "%m/%d/%y",
  X: "%H:%M:%S",
};

/** One conversion's flags as written: `%_5d` is flag "_", width 5. */
interface Spec {
  flag: string;
  width: number | null;
}

/** A number padded as the conversion's default (`pad`, `width`) or the flags ask. */
function num(value: number, width: number, pad: "0" | " ", spec: Spec): string {
  const w = spec.width ?? width;
  const digits = String(Math.abs(value));
  const sign = value < 0 ? "-" : spec.flag.includes("+") && digits.length > w ? "+" : "";
  if (spec.flag.includes("-")) return sign + digits;
  const fill = spec.flag.includes("_") ? " " : spec.flag.includes("0") || spec.flag.includes("+") ? "0" : pad;
  const body = sign + digits;
  if (body.length >= w) return body;
  return fill === "0" ? sign + digits.padStart(w - sign.length, "0") : body.padStart(w, " ");
}

/** A word (name, AM/PM, zone) with the case and width flags applied. */
function word(text: string, spec: Spec, swapTo: "upper" | "lower" = "upper"): string {
  let s = text;
  if (spec.flag.includes("^")) s = s.toUpperCase();
  else if (spec.flag.includes("#")) s = swapTo === "upper" ? s.toUpperCase() : s.toLowerCase();
  const w = spec.width ?? 0;
  return s.length >= w ? s : s.padStart(w, spec.flag.includes("0") ? "0" : " ");
}

/** ISO 8601 week-based year and week number (%G, %V). */
function isoWeek(t: BrokenDown): { year: number; week: number } {
  const isoDay = (t.weekday + 6) % 7; // Monday = 0
  const thursday = t.yearDay - isoDay + 3; // yearDay of this week's Thursday
  if (thursday < 0) {
    const prevLen = isLeap(t.year - 1) ? 366 : 365;
    return { year: t.year - 1, week: Math.floor((thursday + prevLen) / 7) + 1 };
  }
  const len = isLeap(t.year) ? 366 : 365;
  if (thursday >= len) return { year: t.year + 1, week: 1 };
  return { year: t.year, week: Math.floor(thursday / 7) + 1 };
}

/** The +hhmm of an offset in seconds (glibc drops the seconds). */
function zoneOffset(offset: number, spec: Spec): string {
  const a = Math.abs(offset);
  const hhmm = Math.floor(a / 3600) * 100 + Math.floor((a % 3600) / 60);
  const digits = num(hhmm, 4, "0", { flag: spec.flag.replace("+", ""), width: spec.width === null ? null : spec.width - 1 });
  return (offset < 0 ? "-" : "+") + digits;
}

/** A numeric conversion's value, default width and padding; undefined when `c` is not one. */
function numeric(c: string, t: BrokenDown): [number, number, "0" | " "] | undefined {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  switch (c) {
    case "C":
      return [Math.floor(t.year / 100), 2, "0"];
    case "d":
      return [t.day, 2, "0"];
    case "e":
      return [t.day, 2, " "];
    case "g":
      return [((isoWeek(t).year % 100) + 100) % 100, 2, "0"];
    case "G":
      return [isoWeek(t).year, 1, "0"];
    case "H":
      return [t.hour, 2, "0"];
    case "I":
      return [hour12, 2, "0"];
    case "j":
      return [t.yearDay + 1, 3, "0"];
    case "k":
      return [t.hour, 2, " "];
    case "l":
      return [hour12, 2, " "];
    case "m":
      return [t.month + 1, 2, "0"];
    case "M":
      return [t.minute, 2, "0"];
    case "S":
      return [t.second, 2, "0"];
    case "u":
      return [t.weekday === 0 ? 7 : t.weekday, 1, "0"];
    case "U":
      return [Math.floor((t.yearDay + 7 - t.weekday) / 7), 2, "0"];
    case "V":
      return [isoWeek(t).week, 2, "0"];
    case "w":
      return [t.weekday, 1, "0"];
    case "W":
      return [Math.floor((t.yearDay + 7 - ((t.weekday + 6) % 7)) / 7), 2, "0"];
    case "y":
      return [((t.year % 100) + 100) % 100, 2, "0"];
    case "Y":
      return [t.year, 1, "0"];
    default:
      return undefined;
  }
}

/** A textual conversion's output; undefined when `c` is not one. */
function textual(c: string, t: BrokenDown, spec: Spec): string | undefined {
  switch (c) {
    case "a":
      return word(DAYS[t.weekday]!.slice(0, 3), spec);
    case "A":
      return word(DAYS[t.weekday]!, spec);
    case "b":
    case "h":
      return word(MONTHS[t.month]!.slice(0, 3), spec);
    case "B":
      return word(MONTHS[t.month]!, spec);
    case "p":
      return word(t.hour < 12 ? "AM" : "PM", spec, "lower");
    case "P":
      return word(t.hour < 12 ? "am" : "pm", spec);
    case "Z":
      return word(t.zone, spec, "lower");
    case "z":
      return zoneOffset(t.offset, spec);
    case "s":
      return num(Number(t.epoch), 1, "0", spec);
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "%":
      return word("%", spec);
    default:
      return undefined;
  }
}

/** One conversion; undefined when glibc would not know it. */
function convert(c: string, t: BrokenDown, spec: Spec): string | undefined {
  const composite = COMPOSITE[c];
  if (composite !== undefined) return word(strftime(composite, t), { flag: spec.flag.replace(/[#^]/g, ""), width: spec.width });
  const n = numeric(c, t);
  if (n !== undefined) return num(n[0], n[1], n[2], spec);
  return textual(c, t, spec);
}

const CONVERSION = /%([_\-0^#+]*)(\d*)([EO]?)([\s\S]?)/y;

/** Formats `t` as strftime(fmt) does. */
export function strftime(fmt: string, t: BrokenDown): string {
  let out = "";
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf("%", i);
    if (pct < 0) return out + fmt.slice(i);
    out += fmt.slice(i, pct);
    CONVERSION.lastIndex = pct;
    const m = CONVERSION.exec(fmt)!;
    const spec: Spec = { flag: m[1]!, width: m[2] === "" ? null : Number(m[2]) };
    const done = m[4] === "" ? undefined : convert(m[4]!, t, spec);
    // An unknown conversion (or a '%' ending the format) is copied out as written.
    out += done ?? m[0];
    i = pct + m[0].length;
  }
  return out;
}
