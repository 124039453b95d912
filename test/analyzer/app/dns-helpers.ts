/**
 * Building DNS messages for the DNS tests, and a host that records what the
 * interpreter does (events, weirds, violations, limits, confirmations).
 */

import type { DnsHost } from "../../../src/analyzer/app/dns/interpreter.js";
import type { EventName } from "../../../src/event/events.js";
import type { Connection } from "../../../src/event/records.js";
import { defaultSettings, type EngineSettings } from "../../../src/options.js";

export type Bytes = number[];

/** A header: id, flags word, then the four section counts. */
export function header(id: number, flags: number, qd: number, an = 0, ns = 0, ar = 0): Bytes {
  return [id >> 8, id & 0xff, flags >> 8, flags & 0xff, qd >> 8, qd & 0xff, an >> 8, an & 0xff, ns >> 8, ns & 0xff, ar >> 8, ar & 0xff];
}

/** A name as labels ("" is the root). */
export function name(text: string): Bytes {
  const out: Bytes = [];
  if (text !== "") for (const label of text.split(".")) out.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  out.push(0);
  return out;
}

export function u16(v: number): Bytes {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function u32(v: number): Bytes {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** A character string (length byte, then the text). */
export function cstr(s: string): Bytes {
  return [s.length, ...[...s].map((c) => c.charCodeAt(0))];
}

export function question(qname: string, qtype = 1, qclass = 1): Bytes {
  return [...name(qname), ...u16(qtype), ...u16(qclass)];
}

/** A resource record; `owner` is label bytes (use name() or a pointer). */
export function rr(owner: Bytes, type: number, rdata: Bytes, ttl = 300, klass = 1, rdlength = rdata.length): Bytes {
  return [...owner, ...u16(type), ...u16(klass), ...u32(ttl), ...u16(rdlength), ...rdata];
}

/** A compression pointer to `offset`. */
export function ptr(offset: number): Bytes {
  return [0xc0 | (offset >> 8), offset & 0xff];
}

export const QR = 0x8000;
export const RD = 0x0100;
export const RA = 0x0080;

/** A standard response to one question with `answers`. */
export function response(qname: string, qtype: number, answers: Bytes[], id = 0x1234): Uint8Array {
  return Uint8Array.from([...header(id, QR | RD | RA, 1, answers.length), ...question(qname, qtype), ...answers.flat()]);
}

export interface Recorded {
  events: Array<{ name: string; args: unknown[] }>;
  weirds: string[];
  violations: string[];
  confirmed: number;
}

/** A host that records everything; `handled` limits which events are wanted (default: all). */
export function recordingHost(handled?: ReadonlySet<string>): DnsHost & { rec: Recorded; origPort: number; respPort: number; settings: EngineSettings } {
  const rec: Recorded = { events: [], weirds: [], violations: [], confirmed: 0 };
  const conn = {
    uid: "Ctest",
    id: { orig_h: "10.0.0.1", orig_p: 40000, resp_h: "10.0.0.2", resp_p: 53, transport: "udp", proto: 17 },
  } as unknown as Connection;
  return {
    rec,
    origPort: 40000,
    respPort: 53,
    settings: defaultSettings(),
    wants: (e: EventName) => handled === undefined || handled.has(e),
    raise: ((e: EventName, ...args: unknown[]) => {
      if (handled === undefined || handled.has(e)) rec.events.push({ name: e, args });
    }) as DnsHost["raise"],
    weird: (n: string, addl = "") => void rec.weirds.push(addl === "" ? n : `${n} ${addl}`),
    limitReached: (n: string, limit: number, max = 0) => void rec.weirds.push(max > 0 ? `${n} ${limit} > ${max}` : `${n} ${limit}`),
    violation: (reason: string) => void rec.violations.push(reason),
    confirm: () => void rec.confirmed++,
    conn: () => conn,
  };
}

/** The events of one kind, their arguments after the connection. */
export function argsOf(rec: Recorded, event: string): unknown[][] {
  return rec.events.filter((e) => e.name === event).map((e) => e.args.slice(1));
}
