/**
 * Running the ICS analyzers (Modbus, DNP3) on crafted conversations, and
 * building their wire formats: Modbus/TCP PDUs, DNP3 link frames with their
 * CRCs.
 */

import type { AnalyzerComponent } from "../../../src/analyzer/app/analyzer.js";
import { DNP3_TCP, DNP3_UDP } from "../../../src/analyzer/app/dnp3/dnp3.js";
import { MODBUS } from "../../../src/analyzer/app/modbus/modbus.js";
import { MQTT } from "../../../src/analyzer/app/mqtt/mqtt.js";
import type { EventName } from "../../../src/event/events.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { type Endpoints, udpPacket } from "../../session/harness.js";
import { conversation, type Turn } from "./ssh-wire.js";

export const ICS_ANALYZERS: readonly AnalyzerComponent[] = [MODBUS, DNP3_TCP, DNP3_UDP, MQTT];

export interface IcsRun {
  events: string[];
  logs: (path: string) => string[];
}

/** An event argument as text: the connection record as "c" (also inside records). */
function show(v: unknown): string {
  const isConn = (x: unknown): boolean => x !== null && typeof x === "object" && "uid" in x && "id" in x;
  if (isConn(v)) return "c";
  if (typeof v === "bigint") return `${v}n`;
  return JSON.stringify(v, (_k, x: unknown) => (isConn(x) ? "c" : typeof x === "bigint" ? `${x}n` : x));
}

/** Any packets (e.g. a conversation and traffic after it) through the ICS analyzers and the default scripts. */
export async function run(packets: Parameters<typeof memorySource>[0], watch: EventName[] = [], loads: string[] = []): Promise<IcsRun> {
  const engine = new Engine({ analyzers: [...ICS_ANALYZERS], loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const events: string[] = [];
  for (const name of watch) engine.on(name, ((...args: unknown[]) => events.push([name, ...args.map(show)].join(" "))) as never);
  await engine.run(memorySource(packets));
  scripts.close();
  const logs = (path: string): string[] => {
    try {
      return scripts.logs
        .text(path)
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"));
    } catch {
      return [];
    }
  };
  return { events, logs };
}

/** A TCP conversation (handshake, the turns, FIN exchange) to `port`. */
export function runTcp(turns: Turn[], port: number, watch: EventName[] = [], ends: Endpoints = {}, loads: string[] = []): Promise<IcsRun> {
  return run(conversation(turns, { sport: port, ...ends }), watch, loads);
}

/** UDP datagrams between two hosts to `port` ("c": client to server). */
export function runUdp(datagrams: Array<{ from: "c" | "s"; data: Uint8Array }>, port: number, watch: EventName[] = []): Promise<IcsRun> {
  const packets = datagrams.map((d, i) =>
    d.from === "c" ? udpPacket(1 + i, "10.0.0.1", 40000, "10.0.0.2", port, d.data) : udpPacket(1 + i, "10.0.0.2", port, "10.0.0.1", 40000, d.data),
  );
  return run(packets, watch);
}

/** A Modbus/TCP PDU: MBAP header (length = unit id + function code + data), function code, data. */
export function modbusPdu(tid: number, unit: number, fc: number, data: number[], pid = 0): Uint8Array {
  const len = 2 + data.length;
  return new Uint8Array([tid >> 8, tid & 0xff, pid >> 8, pid & 0xff, len >> 8, len & 0xff, unit, fc, ...data]);
}

function crc16(bytes: number[]): number[] {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let j = 0; j < 8; j++) crc = crc & 1 ? (crc >>> 1) ^ 0xa6bc : crc >>> 1;
  }
  crc = ~crc & 0xffff;
  return [crc & 0xff, crc >> 8];
}

/**
 * One DNP3 link frame: header (control, destination, source) with its CRC,
 * then the transport byte and application bytes in 16-byte blocks each with
 * its CRC. `corrupt` spoils the header's or the first block's CRC.
 */
export function dnp3Frame(ctrl: number, user: number[], opts: { dest?: number; src?: number; corrupt?: "header" | "block" } = {}): Uint8Array {
  const dest = opts.dest ?? 1;
  const src = opts.src ?? 100;
  const head = [0x05, 0x64, 5 + user.length, ctrl, dest & 0xff, dest >> 8, src & 0xff, src >> 8];
  const out = [...head, ...crc16(head)];
  if (opts.corrupt === "header") out[8]! ^= 0xff;
  for (let i = 0; i < user.length; i += 16) {
    const block = user.slice(i, i + 16);
    const crc = crc16(block);
    if (opts.corrupt === "block" && i === 0) crc[0]! ^= 0xff;
    out.push(...block, ...crc);
  }
  return new Uint8Array(out);
}

/** A single-frame application fragment: transport byte FIR|FIN|seq, then the application bytes. */
export function dnp3App(fromMaster: boolean, app: number[]): Uint8Array {
  return dnp3Frame(fromMaster ? 0xc4 : 0x44, [0xc0, ...app]);
}

/** Runs the default analyzers and scripts on a TCP conversation to `port` (for files carried by HTTP). */
export async function runDefault(turns: Turn[], port: number): Promise<IcsRun> {
  const engine = new Engine({});
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(memorySource(conversation(turns, { sport: port })));
  scripts.close();
  return {
    events: [],
    logs: (path: string): string[] => {
      try {
        return scripts.logs
          .text(path)
          .split("\n")
          .filter((l) => l !== "" && !l.startsWith("#"));
      } catch {
        return [];
      }
    },
  };
}

/** An MQTT control packet: fixed header (type << 4 | flags), remaining length (7 bits a byte), body. */
export function mqttPacket(type: number, flags: number, body: number[]): Uint8Array {
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return new Uint8Array([(type << 4) | flags, ...len, ...body]);
}

/** An MQTT string: 16-bit length, bytes. */
export function mqttStr(s: string): number[] {
  return [s.length >> 8, s.length & 0xff, ...[...s].map((ch) => ch.charCodeAt(0))];
}
