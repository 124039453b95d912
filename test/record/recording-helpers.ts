/** Shared by the recording tests: run the engine with a recorder, re-read a recording, compare conn.logs. */
import assert from "node:assert/strict";
import { Engine, type EngineOptions } from "../../src/engine.js";
import { Recorder } from "../../src/record/recorder.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { openTrace } from "../../src/source/open.js";
import type { PacketSource } from "../../src/source/raw-packet.js";
import { parseLog } from "../conformance/conn-compare.js";

export interface RunOptions {
  seed: readonly number[];
  settings?: string[];
  ignoreChecksums?: boolean;
  /** Adds handlers, analyzers, overrides before the run. */
  setup?: (e: Engine) => void;
  /** The application analyzers (default: all of bronze's). */
  analyzers?: EngineOptions["analyzers"];
}

export interface RecordedPacket {
  caplen: number;
  wirelen: number;
}

export interface Recorded {
  path: string;
  records: RecordedPacket[];
  recorder: Recorder;
  /** conn.log of the recording run. */
  conn: string;
}

/** conn.log (in memory) of a run over `source`, with `recorder` when given. */
export async function connLogOf(source: PacketSource, o: RunOptions, recorder?: Recorder): Promise<string> {
  const engine = new Engine({ seed: o.seed, settings: o.settings ?? [], ignoreChecksums: o.ignoreChecksums, recorder, analyzers: o.analyzers });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  o.setup?.(engine);
  await engine.run(source);
  scripts.close();
  return scripts.logs.text("conn");
}

/** Runs over `source` recording to `path`; the records as written. */
export async function recordRun(source: PacketSource, path: string, o: RunOptions): Promise<Recorded> {
  const recorder = new Recorder(path);
  const conn = await connLogOf(source, o, recorder);
  recorder.close();
  const records: RecordedPacket[] = [];
  await (await openTrace(path)).run((p) => void records.push({ caplen: p.caplen, wirelen: p.wirelen }));
  return { path, records, recorder, conn };
}

/** conn.log of a run over the trace file `path`. */
export async function reread(path: string, o: RunOptions): Promise<string> {
  return connLogOf(await openTrace(path), o);
}

/** Two conn.logs are the same but for the wall-clock #open/#close lines. */
export function assertSameConnLog(actual: string, expected: string, what = ""): void {
  const body = (log: string): string => log.replace(/^#(open|close)\t.*\n/gm, "");
  assert.equal(body(actual), body(expected), what);
}

/**
 * A header-only TCP recording re-read: payload that was acked but is no
 * longer in the trace counts (as Zeek reads any snapped trace) as missed_bytes
 * and adds the gap letters G/g to the history. Every other column is the same.
 */
export function assertSameButGaps(original: string, replayed: string, what = ""): void {
  const a = parseLog(original);
  const b = parseLog(replayed);
  assert.deepEqual(b.columns, a.columns, `${what} columns`);
  assert.equal(b.rows.length, a.rows.length, `${what} rows`);
  const col = (name: string): number => a.columns.indexOf(name);
  const missed = col("missed_bytes");
  const history = col("history");
  const origBytes = col("orig_bytes");
  const respBytes = col("resp_bytes");
  for (let i = 0; i < a.rows.length; i++) {
    const x = a.rows[i]!;
    const y = b.rows[i]!;
    const row = `${what} row ${i}`;
    assert.deepEqual(
      y.filter((_, c) => c !== missed && c !== history),
      x.filter((_, c) => c !== missed && c !== history),
      row,
    );
    assert.equal(y[history]!.replace(/[Gg]/g, ""), x[history]!.replace(/[Gg]/g, ""), `${row} history`);
    const bytes = (v: string): number => (v === "-" ? 0 : Number(v));
    if (x[missed] === "0") assert.ok(bytes(y[missed]!) <= bytes(x[origBytes]!) + bytes(x[respBytes]!), `${row}: at most the snapped payload is missed`);
  }
}
