/**
 * The local zone as glibc's localtime_r finds it, for bronze-cut's -d/-D:
 * a compiled zone file (TZif, RFC 8536: /etc/localtime, or TZ's name under
 * /usr/share/zoneinfo) or a POSIX TZ rule ("PST+8", "CET-1CEST,M3.5.0,
 * M10.5.0/3"), so that offsets and abbreviations (%z, %Z) are the C
 * library's, not ICU's ("CET", where Intl says "GMT+1").
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { daysFromCivil, yearOf } from "./calendar.js";

/** A local time type: seconds east of UTC and its abbreviation. */
export interface LocalType {
  offset: number;
  name: string;
}

/** A zone: the local time type at each second since the epoch. */
export type ZoneRule = (epoch: bigint) => LocalType;

/** When a POSIX rule switches: "Mm.w.d", "Jn" or "n", and the local time of day. */
interface Switch {
  kind: "M" | "J" | "n";
  a: number;
  b: number;
  c: number;
  time: number;
}

interface PosixRule {
  std: LocalType;
  dst: LocalType | null;
  start: Switch | null;
  end: Switch | null;
}

const NAME = /^(?:<([^>]*)>|([A-Za-z]{3,}))/;
const OFFSET = /^([+-]?)(\d{1,3})(?::(\d{1,2}))?(?::(\d{1,2}))?/;

/** "[+-]hh[:mm[:ss]]" as seconds; [value, characters read] or null. */
function readOffset(s: string): [number, number] | null {
  const m = OFFSET.exec(s);
  if (m === null) return null;
  const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
  return [m[1] === "-" ? -v : v, m[0].length];
}

function readSwitch(s: string): Switch | null {
  const m = /^(?:M(\d+)\.(\d+)\.(\d+)|J(\d+)|(\d+))(?:\/(.*))?$/.exec(s);
  if (m === null) return null;
  const time = m[6] === undefined ? 7200 : readOffset(m[6])?.[0];
  if (time === undefined) return null;
  if (m[1] !== undefined) return { kind: "M", a: Number(m[1]), b: Number(m[2]), c: Number(m[3]), time };
  return { kind: m[4] !== undefined ? "J" : "n", a: Number(m[4] ?? m[5]), b: 0, c: 0, time };
}

/** Parses a POSIX TZ value; null when it is not one. Offsets in TZ count west, ours east. */
export function parsePosixTz(tz: string): PosixRule | null {
  const std = NAME.exec(tz);
  if (std === null) return null;
  let rest = tz.slice(std[0].length);
  const stdOff = readOffset(rest);
  if (stdOff === null) return null;
  rest = rest.slice(stdOff[1]);
  const stdType = { name: (std[1] ?? std[2])!, offset: -stdOff[0] };
  const dst = NAME.exec(rest);
  if (dst === null) return rest === "" ? { std: stdType, dst: null, start: null, end: null } : null;
  rest = rest.slice(dst[0].length);
  const dstOff = readOffset(rest);
  if (dstOff !== null) rest = rest.slice(dstOff[1]);
  const dstType = { name: (dst[1] ?? dst[2])!, offset: dstOff === null ? stdType.offset + 3600 : -dstOff[0] };
  // Without rules glibc takes them from "posixrules" (America/New_York's): the US rules since 2007.
  const [from, to] = rest === "" ? ["M3.2.0", "M11.1.0"] : rest.slice(1).split(",");
  const start = readSwitch(from ?? "");
  const end = readSwitch(to ?? "");
  if (start === null || end === null || (rest !== "" && !rest.startsWith(","))) return null;
  return { std: stdType, dst: dstType, start, end };
}

/** The local seconds since the epoch, in `year`, at which a switch happens (before its offset is applied). */
function switchTime(sw: Switch, year: number): number {
  const jan1 = daysFromCivil(year, 0, 1);
  const leap = daysFromCivil(year + 1, 0, 1) - jan1 === 366;
  let day: number;
  if (sw.kind === "J") day = jan1 + sw.a - 1 + (leap && sw.a > 59 ? 1 : 0);
  else if (sw.kind === "n") day = jan1 + sw.a;
  else {
    const first = daysFromCivil(year, sw.a - 1, 1);
    const next = sw.a === 12 ? daysFromCivil(year + 1, 0, 1) : daysFromCivil(year, sw.a, 1);
    const weekday = (((first + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
    day = first + ((sw.c - weekday + 7) % 7) + (sw.b - 1) * 7;
    while (day >= next) day -= 7;
  }
  return day * 86400 + sw.time;
}

/** A POSIX rule as a zone. */
export function posixZone(rule: PosixRule): ZoneRule {
  const { std, dst, start, end } = rule;
  if (dst === null || start === null || end === null) return () => std;
  return (epoch) => {
    const t = Number(epoch);
    const year = yearOf(t + std.offset);
    // The start is given in standard time, the end in daylight time.
    const on = switchTime(start, year) - std.offset;
    const off = switchTime(end, year) - dst.offset;
    const inDst = on < off ? t >= on && t < off : t < off || t >= on;
    return inDst ? dst : std;
  };
}

/** A TZif file's zone; null when `bytes` is not one. */
export function tzifZone(bytes: Buffer): ZoneRule | null {
  if (bytes.length < 44 || bytes.toString("latin1", 0, 4) !== "TZif") return null;
  const v1 = counts(bytes, 0);
  const v1Len = 44 + v1.time * 5 + v1.type * 6 + v1.chars + v1.leap * 8 + v1.std + v1.ut;
  // Version 2 and later repeat the data with 64-bit times, then a POSIX rule for times after the last transition.
  const wide = bytes[4] !== 0 && bytes.length >= v1Len + 44;
  const base = wide ? v1Len : 0;
  const c = counts(bytes, base);
  const size = wide ? 8 : 4;
  let p = base + 44;
  const times: number[] = [];
  for (let i = 0; i < c.time; i++, p += size) times.push(wide ? Number(bytes.readBigInt64BE(p)) : bytes.readInt32BE(p));
  const index = [...bytes.subarray(p, p + c.time)];
  p += c.time;
  const types: LocalType[] = [];
  const charsAt = p + c.type * 6;
  for (let i = 0; i < c.type; i++, p += 6) {
    const start = charsAt + bytes[p + 5]!;
    const stop = bytes.indexOf(0, start);
    types.push({ offset: bytes.readInt32BE(p), name: bytes.toString("latin1", start, stop < 0 ? charsAt + c.chars : stop) });
  }
  if (types.length === 0) return null;
  const footer = wide ? /\n([^\n]*)\n?$/.exec(bytes.toString("latin1", charsAt + c.chars + c.leap * 12 + c.std + c.ut))?.[1] : undefined;
  const tail = footer === undefined || footer === "" ? null : parsePosixTz(footer);
  return transitions(times, index, types, tail === null ? null : posixZone(tail));
}

/** The six counts of a TZif header at `at`. */
function counts(b: Buffer, at: number): { ut: number; std: number; leap: number; time: number; type: number; chars: number } {
  const n = (i: number): number => b.readUInt32BE(at + 20 + i * 4);
  return { ut: n(0), std: n(1), leap: n(2), time: n(3), type: n(4), chars: n(5) };
}

/** A zone from transition times: the type of the last transition at or before a time; before the first, type 0; after the last, the footer's rule. */
function transitions(times: number[], index: number[], types: LocalType[], tail: ZoneRule | null): ZoneRule {
  return (epoch) => {
    const t = Number(epoch);
    if (times.length === 0 || t < times[0]!) return times.length === 0 && tail !== null ? tail(epoch) : types[0]!;
    if (tail !== null && t >= times[times.length - 1]!) return tail(epoch);
    let lo = 0;
    let hi = times.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return types[index[lo]!] ?? types[0]!;
  };
}

/** The zone glibc would use for TZ: its file, or its POSIX rule; null when neither can be read (then the JS Date is asked). */
export function systemZone(tz: string | undefined, env: NodeJS.ProcessEnv): ZoneRule | null {
  if (tz === "") return () => ({ offset: 0, name: "UTC" });
  const name = tz === undefined ? "/etc/localtime" : tz.startsWith(":") ? tz.slice(1) : tz;
  const dir = env.TZDIR ?? "/usr/share/zoneinfo";
  const path = isAbsolute(name) ? name : join(dir, name);
  try {
    const z = tzifZone(readFileSync(path));
    if (z !== null) return z;
  } catch {
    // Not a file: a POSIX rule, or a zone this system lacks.
  }
  const rule = tz === undefined || tz.startsWith(":") ? null : parsePosixTz(tz);
  if (rule !== null) return posixZone(rule);
  // glibc then runs on UTC, named by the letters TZ starts with ("Foo/Bar": "Foo"), if three or more.
  // Without any zone files here, though, the JS Date (ICU's own zone data) is the better guess.
  if (!existsSync(dir)) return null;
  // (TZ unset and no /etc/localtime: plain UTC.)
  const unknown = { offset: 0, name: tz === undefined ? "UTC" : (/^:?([A-Za-z]{3,})/.exec(tz)?.[1] ?? "") };
  return () => unknown;
}
