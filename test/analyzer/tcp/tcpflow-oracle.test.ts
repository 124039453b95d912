/**
 * tcpflow as an independent oracle for TCP stream reassembly: for every TCP
 * connection of the corpus traces, each side's stream as bronze delivers it
 * (the concatenation of tcp_contents with delivery on for everything) must be
 * byte-identical to the file tcpflow writes for that flow — or differ for a
 * reason the test names. The reasons are where Zeek's rules and tcpflow's
 * legitimately part ways (holes, first-copy-wins, connections without a
 * handshake, what tcpflow cannot read); anything else fails the test, listed
 * by trace and connection.
 *
 * tcpflow runs once per trace (two at a time) and its output is cached under
 * os.tmpdir() keyed by the trace's path, size and mtime; bronze runs in-process.
 * Skips with a message when the corpus or tcpflow is absent.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { type Connection, Engine, openTrace } from "../../../src/index.js";
import { loadSuites, type Suite } from "../../conformance/conn-harness.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../../helpers/corpus.js";
import { gateProblems } from "../../helpers/gates.js";

const run = promisify(execFile);

function hasTcpflow(): boolean {
  try {
    execFileSync("tcpflow", ["-h"], { stdio: "ignore" }); // (-V exits 1)
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- tcpflow side

/** One file tcpflow wrote: a direction of a flow. */
interface FlowFile {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  start: number;
  path: string;
}

interface TcpflowResult {
  files: FlowFile[];
  /** tcpflow's complaints (unknown link type, SYN with data…). */
  stderr: string;
}

/** Runs tcpflow on `trace` into a cached directory (reused while the trace is unchanged). */
async function tcpflowOutput(trace: string): Promise<TcpflowResult> {
  const st = statSync(trace);
  const key = createHash("sha1").update(`${trace}\0${st.size}\0${st.mtimeMs}`).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), "bronze-tcpflow-cache", key);
  const done = join(dir, "done");
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let input = trace;
    if (trace.endsWith(".gz")) {
      input = join(dir, "input.pcap");
      writeFileSync(input, gunzipSync(readFileSync(trace)));
    }
    let stderr = "";
    try {
      const out = await run("tcpflow", ["-r", input, "-o", dir], { maxBuffer: 64 << 20 });
      stderr = out.stderr;
    } catch (err) {
      stderr = String((err as { stderr?: string }).stderr ?? err);
    }
    if (input !== trace) rmSync(input);
    writeFileSync(join(dir, "stderr"), stderr);
    writeFileSync(done, "");
  }
  return { files: parseReport(dir), stderr: readFileSync(join(dir, "stderr"), "utf8") };
}

/** The flows of tcpflow's DFXML report (report.xml): file name, addresses, ports, start time. */
function parseReport(dir: string): FlowFile[] {
  const report = join(dir, "report.xml");
  if (!existsSync(report)) return [];
  const files: FlowFile[] = [];
  for (const m of readFileSync(report, "utf8").matchAll(/<fileobject>([\s\S]*?)<\/fileobject>/g)) {
    const body = m[1]!;
    const name = /<filename>([^<]*)<\/filename>/.exec(body)?.[1];
    const attr = (a: string): string => new RegExp(`${a}='([^']*)'`).exec(body)?.[1] ?? "";
    if (name === undefined || !existsSync(name)) continue;
    files.push({
      src: attr("src_ipn"),
      sport: Number(attr("srcport")),
      dst: attr("dst_ipn"),
      dport: Number(attr("dstport")),
      start: Date.parse(attr("startime")) / 1000,
      path: name,
    });
  }
  return files;
}

// ---------------------------------------------------------------- bronze side

/** One direction of one connection as bronze delivered it. */
interface Side {
  chunks: Array<[seq: number, data: Uint8Array]>;
  /** Every payload-carrying segment as it arrived (relative seq of its first byte). */
  segments: Array<[seq: number, data: Uint8Array]>;
  gaps: number;
}

interface BronzeConn {
  uid: string;
  c: Connection;
  sides: [Side, Side];
  inconsistent: boolean;
  weirds: Set<string>;
}

async function bronzeStreams(trace: string): Promise<BronzeConn[]> {
  const engine = new Engine({ ignoreChecksums: true, settings: { tcp_content_deliver_all_orig: true, tcp_content_deliver_all_resp: true } });
  const live = new Map<string, BronzeConn>();
  const done: BronzeConn[] = [];
  const of = (c: Connection): BronzeConn => {
    let b = live.get(c.uid);
    if (b === undefined) {
      b = {
        uid: c.uid,
        c,
        sides: [
          { chunks: [], segments: [], gaps: 0 },
          { chunks: [], segments: [], gaps: 0 },
        ],
        inconsistent: false,
        weirds: new Set(),
      };
      live.set(c.uid, b);
    }
    return b;
  };
  engine.on("tcp_contents", (c, isOrig, seq, data) => of(c).sides[isOrig ? 0 : 1].chunks.push([seq, data]));
  engine.on("tcp_packet", (c, isOrig, flags, seq, _ack, len, payload) => {
    if (len > 0 && payload.length > 0 && !flags.includes("R")) of(c).sides[isOrig ? 0 : 1].segments.push([flags.includes("S") ? seq + 1 : seq, payload]);
  });
  engine.on("content_gap", (c, isOrig) => of(c).sides[isOrig ? 0 : 1].gaps++);
  engine.on("rexmit_inconsistency", (c) => (of(c).inconsistent = true));
  engine.on("weird", (w) => {
    if (w.conn !== undefined && w.conn.id.transport === "tcp") of(w.conn).weirds.add(w.name);
  });
  engine.on("connection_state_remove", (c) => {
    if (c.id.transport !== "tcp") return;
    const b = of(c);
    live.delete(c.uid);
    done.push(b);
  });
  await engine.run(await openTrace(trace));
  return done;
}

function streamOf(side: Side): Uint8Array {
  const total = side.chunks.reduce((n, [, d]) => n + d.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const [, d] of side.chunks) {
    out.set(d, at);
    at += d.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every byte of `chunks` sits at its stream offset (seq − 1) in `file` with the same value. */
function chunksAgree(chunks: Side["chunks"], file: Uint8Array): boolean {
  for (const [seq, d] of chunks) {
    const at = seq - 1;
    if (at < 0 || at + d.length > file.length) return false;
    for (let i = 0; i < d.length; i++) if (file[at + i] !== d[i]) return false;
  }
  return true;
}

/**
 * The stream as a reassembler keeping the first (or the last, as tcpflow
 * does) copy of each byte would have it, built from the raw segments in
 * arrival order over the range bronze delivered; cut like bronze's chunks.
 */
function imageChunks(side: Side, keep: "first" | "last"): Side["chunks"] {
  const end = side.chunks.reduce((n, [seq, d]) => Math.max(n, seq - 1 + d.length), 0);
  const image = new Uint8Array(end);
  const set = new Uint8Array(end);
  for (const [seq, d] of side.segments) {
    const at = seq - 1;
    for (let i = Math.max(0, -at); i < d.length && at + i < end; i++) {
      if (keep === "first" && set[at + i] === 1) continue;
      image[at + i] = d[i]!;
      set[at + i] = 1;
    }
  }
  return side.chunks.map(([seq, d]) => [seq, image.subarray(seq - 1, seq - 1 + d.length)]);
}

/** Where `file` differs from what bronze delivered, it holds zeros (and it is long enough). */
function differsOnlyByZeros(chunks: Side["chunks"], file: Uint8Array): boolean {
  for (const [seq, d] of chunks) {
    const at = seq - 1;
    if (at < 0 || at + d.length > file.length) return false;
    for (let i = 0; i < d.length; i++) if (file[at + i] !== d[i] && file[at + i] !== 0) return false;
  }
  return true;
}

/** Where `file` has bytes bronze did not deliver: inside bronze's range or past its end, and whether any TCP segment carried them. */
function extraBytes(side: Side, file: Uint8Array): { carried: boolean; inside: boolean; past: boolean } {
  const delivered = new Uint8Array(file.length);
  const carried = new Uint8Array(file.length);
  for (const [seq, d] of side.chunks) delivered.fill(1, Math.max(0, seq - 1), Math.min(file.length, seq - 1 + d.length));
  for (const [seq, d] of side.segments) carried.fill(1, Math.max(0, seq - 1), Math.min(file.length, seq - 1 + d.length));
  const end = side.chunks.reduce((n, [seq, d]) => Math.max(n, seq - 1 + d.length), 0);
  const out = { carried: false, inside: false, past: false };
  for (let i = 0; i < file.length; i++) {
    if (delivered[i] === 1) continue;
    if (carried[i] === 1) out.carried = true;
    else if (i < end) out.inside = true;
    else out.past = true;
  }
  return out;
}

// ---------------------------------------------------------------- comparison

/** "a|1|b|2" → "b|2|a|1". */
function reverse(tuple: string): string {
  const [a, ap, b, bp] = tuple.split("|");
  return `${b}|${bp}|${a}|${ap}`;
}

const IDENTICAL = "identical";
const IDENTICAL_EMPTY = "identical (both empty)";
/** Bronze delivered bytes that are not the first copy the segments carried: a bronze bug, never explained away. */
const BRONZE_WRONG = "BRONZE BUG: delivered bytes differ from the first copy the segments carried";
/** tcpflow files larger than this are sparse artefacts of sequence jumps. */
const MAX_FILE = 256 << 20;

/** Why a side differs (or IDENTICAL); null when nothing explains it. */
function classify(
  conn: BronzeConn,
  isOrig: boolean,
  candidates: FlowFile[],
  tcpflow: TcpflowResult,
  otherSideWritten: boolean,
  tupleFiles: FlowFile[],
): string | null {
  const side = conn.sides[isOrig ? 0 : 1];
  const ours = streamOf(side);
  // A sequence jump makes tcpflow seek gigabytes ahead (a sparse file): not worth reading.
  const sane = candidates.filter((f) => statSync(f.path).size <= MAX_FILE);
  if (sane.length === 0 && candidates.length > 0) return "sequence jump: tcpflow writes a sparse multi-gigabyte file";
  const files = sane.map((f) => readFileSync(f.path));
  if (files.some((f) => equalBytes(f, ours))) return IDENTICAL;
  // Independent of tcpflow: every delivered byte is the first copy some segment carried for it.
  const first = imageChunks(side, "first");
  if (!side.chunks.every(([, d], i) => equalBytes(d, first[i]![1]))) return BRONZE_WRONG;
  const handshake = isOrig ? conn.c.history.includes("S") : /[hH]/.test(conn.c.history) || conn.c.history.includes("S");
  if (files.length === 0) {
    if (ours.length === 0) return IDENTICAL;
    if (/unknown datalink/.test(tcpflow.stderr)) return "tcpflow cannot read this link type";
    if (tcpflow.files.length === 0) return "tcpflow decoded no flow in this trace (an encapsulation it does not parse)";
    if (tupleFiles.some((f) => statSync(f.path).size <= MAX_FILE && chunksAgree(side.chunks, readFileSync(f.path)))) {
      return "5-tuple reused: tcpflow wrote this connection's bytes into an earlier connection's file";
    }
    if (otherSideWritten) {
      return "tcpflow wrote the other side but not this one (packets it cannot parse: IP fragments, extension headers)";
    }
    if (conn.c.tunnel_parents !== undefined && conn.c.tunnel_parents.size > 0) return "inside a tunnel (tcpflow does not decapsulate)";
    if (conn.weirds.has("fragment_with_DF") || /frag/i.test([...conn.weirds].join())) return "IP fragments (tcpflow does not reassemble them)";
    return null;
  }
  const agree = files.some((f) => chunksAgree(side.chunks, f));
  if (agree) {
    const extra = extraBytes(side, files.find((f) => chunksAgree(side.chunks, f))!);
    if (!extra.carried) {
      // Every byte tcpflow has beyond bronze's came from no TCP segment.
      if (extra.inside) return "hole: tcpflow fills bytes no segment carried";
      return "tcpflow takes Ethernet padding for payload (bytes past the stream no segment carried)";
    }
    if (side.gaps > 0) return "hole: bronze reports a content gap, tcpflow zero-fills it";
    if (conn.weirds.has("above_hole_data_without_any_acks") || conn.weirds.has("excessive_data_without_further_acks"))
      return "reassembly limit: Zeek stops delivering, tcpflow keeps writing";
    if (conn.weirds.has("truncated_tcp_payload")) return "snaplen-truncated payload (Zeek delivers none of it)";
    return "undelivered tail: data above a hole that was never filled nor acked (Zeek holds it back)";
  }
  if (files.some((f) => chunksAgree(imageChunks(side, "last"), f))) {
    return conn.inconsistent
      ? "retransmission with different bytes: first copy wins in Zeek, tcpflow keeps the last"
      : "retransmission with different bytes over acked data or a keep-alive byte: Zeek keeps the first copy silently, tcpflow the last";
  }
  if (conn.inconsistent) return "retransmissions with different bytes (rexmit_inconsistency): first copy wins in Zeek, tcpflow differs";
  if (files.some((f) => differsOnlyByZeros(side.chunks, f))) return "tcpflow wrote zeros where the packets carried bytes (TSO segments with IP length 0)";
  if (!handshake) return "no handshake: the stream's start is a guess (bronze and tcpflow guess differently)";
  if (/SYN with data/.test(tcpflow.stderr)) return "SYN with data: tcpflow drops the SYN's payload";
  return null;
}

const root = corpusRoot();
const suite: Suite | undefined = loadSuites(root).find((s) => s.id === "zeek-all");
const missing = suite === undefined ? `corpus not found at ${root}` : !hasTcpflow() ? "tcpflow not installed" : false;

test("TCP streams equal tcpflow's files, or differ for a named reason", { skip: skipUnlessOracle(missing), timeout: 300_000 }, async () => {
  requireOracle(missing);
  const traces = [...new Set(suite!.cases.map((c) => join(suite!.dir, c.trace)))];
  // tcpflow first, two at a time (the machine's cores); bronze in-process after.
  const outputs = new Map<string, TcpflowResult>();
  for (let i = 0; i < traces.length; i += 2) {
    const batch = traces.slice(i, i + 2);
    const results = await Promise.all(batch.map((t) => tcpflowOutput(t)));
    batch.forEach((t, k) => outputs.set(t, results[k]!));
  }
  const counts = new Map<string, number>();
  const unexplained: string[] = [];
  const examples = new Map<string, string>();
  // Every zeek-all trace is one Zeek read: an exception out of bronze is a failure, counted and named.
  const errors: string[] = [];
  for (const trace of traces) {
    const tcpflow = outputs.get(trace)!;
    let conns: BronzeConn[];
    try {
      conns = await bronzeStreams(trace);
    } catch (err) {
      errors.push(`${relative(join(root, "zeek", "traces"), trace)}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
      continue;
    }
    const byTuple = new Map<string, FlowFile[]>();
    for (const f of tcpflow.files) {
      const k = `${f.src}|${f.sport}|${f.dst}|${f.dport}`;
      byTuple.set(k, [...(byTuple.get(k) ?? []), f]);
    }
    const sides = conns.flatMap((conn) =>
      [true, false].map((isOrig) => {
        const id = conn.c.id;
        const k = isOrig ? `${id.orig_h}|${id.orig_p}|${id.resp_h}|${id.resp_p}` : `${id.resp_h}|${id.resp_p}|${id.orig_h}|${id.orig_p}`;
        return { conn, isOrig, k };
      }),
    );
    // Connections reusing a 5-tuple share candidate files: a file identical to one side is that side's.
    const used = new Set<string>();
    const exact = new Set<(typeof sides)[number]>();
    for (const entry of sides) {
      const ours = streamOf(entry.conn.sides[entry.isOrig ? 0 : 1]);
      const match = (byTuple.get(entry.k) ?? []).find(
        (f) => !used.has(f.path) && statSync(f.path).size === ours.length && equalBytes(readFileSync(f.path), ours),
      );
      if (match === undefined) continue;
      used.add(match.path);
      exact.add(entry);
    }
    for (const entry of sides) {
      const { conn, isOrig, k } = entry;
      const side = conn.sides[isOrig ? 0 : 1];
      const candidates = exact.has(entry) ? [] : (byTuple.get(k) ?? []).filter((f) => !used.has(f.path));
      if (side.chunks.length === 0 && candidates.length === 0) continue;
      const why = exact.has(entry)
        ? side.chunks.length === 0
          ? IDENTICAL_EMPTY
          : IDENTICAL
        : classify(conn, isOrig, candidates, tcpflow, byTuple.has(reverse(k)), byTuple.get(k) ?? []);
      const label = `${relative(join(root, "zeek", "traces"), trace)} ${conn.uid} ${isOrig ? "orig" : "resp"} ${k}`;
      if (why === null || why === BRONZE_WRONG) unexplained.push(`${label}${why === null ? "" : `: ${why}`}`);
      else {
        counts.set(why, (counts.get(why) ?? 0) + 1);
        if (why !== IDENTICAL && why !== IDENTICAL_EMPTY && !examples.has(why)) examples.set(why, label);
      }
    }
  }
  const lines = [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([why, n]) => `  ${String(n).padStart(6)}  ${why}${examples.has(why) ? `  (e.g. ${examples.get(why)})` : ""}`);
  console.log(
    `tcpflow agreement over ${traces.length} traces (connection sides):\n${lines.join("\n")}\n  ${String(unexplained.length).padStart(6)}  UNEXPLAINED`,
  );
  for (const u of unexplained.slice(0, 40)) console.log(`  unexplained: ${u}`);
  assert.deepEqual(errors, [], `${errors.length} traces threw out of bronze`);
  assert.deepEqual(gateProblems({ "tcpflow: connection sides identical": counts.get(IDENTICAL) ?? 0 }), []);
  assert.deepEqual(unexplained, []);
});
