/**
 * Test helpers for the BER-based analyzers (SNMP, Kerberos): a small DER
 * encoder to build messages by hand, a host that records what an analyzer
 * does, and a mutator for fuzzing.
 */
import type { AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import type { EventName } from "../../../src/event/events.js";
import type { Connection } from "../../../src/event/records.js";
import { defaultSettings } from "../../../src/options.js";

export type Bytes = number[];

/** One element: identifier octet, DER length, content. */
export function tlv(tag: number, ...content: Bytes[]): Bytes {
  const body = content.flat();
  const n = body.length;
  let len: Bytes;
  if (n < 0x80) len = [n];
  else if (n < 0x100) len = [0x81, n];
  else if (n < 0x10000) len = [0x82, n >> 8, n & 0xff];
  else len = [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return [tag, ...len, ...body];
}

export function int(n: number): Bytes {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0]! & 0x80) out.unshift(0);
  return tlv(0x02, out);
}

export function str(tag: number, s: string): Bytes {
  return tlv(
    tag,
    [...s].map((c) => c.charCodeAt(0) & 0xff),
  );
}

export function octets(s: string): Bytes {
  return str(0x04, s);
}

export function oid(text: string): Bytes {
  const arcs = text.split(".").map(Number);
  const out: number[] = [];
  const push = (n: number): void => {
    const digits: number[] = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) digits.unshift((v & 0x7f) | 0x80);
    out.push(...digits);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const a of arcs.slice(2)) push(a);
  return tlv(0x06, out);
}

export const seq = (...c: Bytes[]): Bytes => tlv(0x30, ...c);
export const ctx = (n: number, ...c: Bytes[]): Bytes => tlv(0xa0 | n, ...c);
export const app = (n: number, ...c: Bytes[]): Bytes => tlv(0x60 | n, ...c);

export interface Recorded {
  events: Array<{ name: string; args: unknown[] }>;
  violations: string[];
  weirds: string[];
  netWeirds: string[];
  /** Reporter warnings. */
  warnings: string[];
  confirmed: number;
  files: Array<{ handle: string; isOrig: boolean; data: Uint8Array; mime?: string }>;
}

export const TEST_CONN = {
  uid: "Ctest",
  start_time: 1400000000.5,
  id: { orig_h: "10.0.0.1", orig_p: 40000, resp_h: "10.0.0.2", resp_p: 88, transport: "udp", proto: 17 },
} as unknown as Connection;

/** A host recording events, violations, weirds and files; `handled` limits the events wanted. */
export function recordingHost(handled?: ReadonlySet<string>, partial = false): AnalyzerHost & { rec: Recorded } {
  const rec: Recorded = { events: [], violations: [], weirds: [], netWeirds: [], warnings: [], confirmed: 0, files: [] };
  const handles = new Map<string, string>();
  const host = {
    rec,
    name: "TEST",
    id: 1,
    origPort: 40000,
    respPort: 88,
    confirmed: false,
    wants: (e: EventName) => handled === undefined || handled.has(e),
    raise: (e: EventName, ...args: unknown[]) => {
      if (handled === undefined || handled.has(e)) rec.events.push({ name: e, args });
    },
    confirm: () => void rec.confirmed++,
    violation: (reason: string) => void rec.violations.push(reason),
    weird: (n: string, addl = "") => void rec.weirds.push(addl === "" ? n : `${n} ${addl}`),
    netWeird: (n: string, addl = "") => void rec.netWeirds.push(addl === "" ? n : `${n} ${addl}`),
    limitReached: () => undefined,
    warning: (m: string) => void rec.warnings.push(m),
    settings: defaultSettings(),
    isPartial: () => partial,
    conn: () => TEST_CONN,
    now: () => 1400000001,
    files: {
      fuid: (handle: string) => {
        const f = `F${handles.size}`;
        handles.set(f, handle);
        return f;
      },
      dataIn: (fuid: string, isOrig: boolean, data: Uint8Array, _offset?: number, mime?: string) => {
        rec.files.push({ handle: handles.get(fuid) ?? "", isOrig, data: data.slice(), mime });
        return fuid;
      },
      gap: (fuid: string) => fuid,
      setSize: (fuid: string) => fuid,
      endOfFile: () => undefined,
    },
  };
  return host as unknown as AnalyzerHost & { rec: Recorded };
}

/** The arguments after the connection of each event `name`. */
export function argsOf(rec: Recorded, name: string): unknown[][] {
  return rec.events.filter((e) => e.name === name).map((e) => e.args.slice(1));
}

/** Random edits: byte flips, truncation, length-octet damage, appended garbage. */
export function mutate(msg: Uint8Array, r: () => number): Uint8Array {
  let out = Uint8Array.from(msg);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const what = r();
    if (what < 0.4 && out.length > 0) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
    else if (what < 0.6) out = out.subarray(0, Math.floor(r() * (out.length + 1)));
    else if (what < 0.8 && out.length > 1) out[Math.floor(r() * out.length)] = 0x80 | Math.floor(r() * 10);
    else out = Uint8Array.from([...out, ...Array.from({ length: Math.floor(r() * 20) }, () => Math.floor(r() * 256))]);
  }
  return out;
}

/** `depth` nested SEQUENCEs around one NULL, with 4-byte long-form lengths. */
export function deeplyNested(depth: number): Uint8Array {
  const out = new Uint8Array(depth * 6 + 2);
  for (let level = 0; level < depth; level++) {
    // The element at `level` (0 outermost) holds everything after its 6-byte header.
    const n = (depth - level - 1) * 6 + 2;
    out.set([0x30, 0x84, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], level * 6);
  }
  out.set([0x05, 0x00], depth * 6);
  return out;
}
