/**
 * Running self-made UDP conversations through the engine with the default
 * scripts, for the DHCP, NTP, Syslog, RADIUS and SIP tests: the logs they
 * wrote, the events asked for, violations and confirmations.
 */

import type { AnalyzerHost } from "../../../src/analyzer/app/analyzer.js";
import { Engine } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import type { Connection } from "../../../src/event/records.js";
import { defaultSettings } from "../../../src/options.js";
import { loadBuiltinScripts } from "../../../src/scripts/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import { memorySource, type TestPacket } from "../../helpers/packets.js";

export interface UdpRun {
  /** A log's rows as column → value maps (empty when the log was not written). */
  rows(path: string): Array<Record<string, string>>;
  /** The log's text ("" when not written). */
  text(path: string): string;
  events: Array<{ name: string; args: unknown[] }>;
  violations: string[];
  confirmations: string[];
  /** conn.log's service column, row by row. */
  services: string[];
}

/** The packets through the engine with the default scripts (and `loads`), `settings` as the command line's NAME=VALUE words. */
export async function runUdp(
  packets: TestPacket[],
  events: readonly EventName[] = [],
  seed?: readonly number[],
  loads: string[] = [],
  settings: string[] = [],
): Promise<UdpRun> {
  const engine = new Engine({ ignoreChecksums: true, seed, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const seen: UdpRun["events"] = [];
  for (const name of events) engine.on(name, ((...args: unknown[]) => void seen.push({ name, args })) as never);
  const violations: string[] = [];
  const confirmations: string[] = [];
  engine.on("analyzer_violation_info", (atype, info) => void violations.push(`${atype}: ${info.reason}`));
  engine.on("analyzer_confirmation_info", (atype) => void confirmations.push(atype));
  await engine.run(memorySource(packets));
  scripts.close();
  const written = new Set(scripts.logs.written());
  const text = (path: string): string => (written.has(path) ? scripts.logs.text(path) : "");
  const rows = (path: string): Array<Record<string, string>> => {
    if (!written.has(path)) return [];
    const log = parseLog(text(path));
    return log.rows.map((r) => Object.fromEntries(log.columns.map((c, i) => [c, r[i]!])));
  };
  return { rows, text, events: seen, violations, confirmations, services: rows("conn").map((r) => r.service!) };
}

/** Big-endian helpers for building messages. */
export function be16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function be32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

export function ip4(s: string): number[] {
  return s.split(".").map(Number);
}

/** What a stub host saw of one analyzer instance. */
export interface StubRecord {
  events: Array<{ name: string; args: unknown[] }>;
  violations: string[];
  weirds: string[];
  confirmed: number;
}

/** A host for driving one analyzer instance directly (no engine, no DPD): it records what the analyzer reports. */
export function stubHost(handled = true, ports: [number, number] = [68, 67]): { host: AnalyzerHost; rec: StubRecord } {
  const rec: StubRecord = { events: [], violations: [], weirds: [], confirmed: 0 };
  const conn = {
    uid: "Cstub",
    id: { orig_h: "10.0.0.1", orig_p: ports[0], resp_h: "10.0.0.2", resp_p: ports[1], transport: "udp", proto: 17 },
  } as unknown as Connection;
  const host = {
    name: "STUB",
    id: 1,
    settings: defaultSettings(),
    origPort: ports[0],
    respPort: ports[1],
    confirmed: false,
    conn: () => conn,
    now: () => 1,
    wants: () => handled,
    raise: (name: string, ...args: unknown[]) => void rec.events.push({ name, args }),
    confirm: () => void rec.confirmed++,
    violation: (reason: string) => void rec.violations.push(reason),
    weird: (name: string, addl = "") => void rec.weirds.push(addl === "" ? name : `${name} ${addl}`),
    limitReached: () => {},
    isPartial: () => false,
    sideClosed: () => false,
    addChild: () => null,
    expectConnection: () => {},
    remove: () => {},
    drainEvents: () => {},
  };
  return { host: host as unknown as AnalyzerHost, rec };
}
