/**
 * Zeek's Sun RPC btests (testing/btest/scripts/base/protocols/{portmap,
 * mount,nfs,rpc}): each `zeek -b -r TRACE %INPUT` run is an engine in bare
 * mode with Zeek's btest seed, the analyzer registered for the test's
 * ports, and a TypeScript twin of the test's handlers that prints what the
 * script prints (the connection record as `zeek -b` prints it); lines are
 * compared after btest's default canonifier (the first time of a line
 * masked). The weird.log
 * tests run bronze's command line and compare the zeek-cut of its
 * weird.log; rpc.max-pending-calls runs the default scripts (no -b) and
 * compares its printed lines and its conn.log and weird.log cuts. Zeek's
 * source and the corpus traces are oracles: without them the tests skip,
 * saying so.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { PmPortRequest, RpcPort } from "../../src/analyzer/app/rpc/portmap.js";
import { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { openTrace } from "../../src/source/open.js";
import { bronze } from "../cli/run-cli.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { maskFirstTime, zeekBareConnection, zeekDouble, zeekInterval, zeekString } from "../helpers/zeek-print.js";
import { ZEEK_SEED } from "../session/harness.js";
import { zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const BASELINE = "testing/btest/Baseline/scripts.base.protocols";
const zeek = zeekSource();

/** Why the btests cannot run here, or null. */
function missing(): string | null {
  if (zeek === null) return "Zeek's source not found (set BRONZE_ZEEK_SOURCE): its RPC btests are not replayed";
  if (!existsSync(join(TRACES, "nfs"))) return `the corpus' RPC traces are missing (${TRACES}): Zeek's RPC btests are not replayed`;
  return null;
}

/**
 * What `zeek -b` loads anyway: bronze's bare mode naming no script stands
 * for `-b base/protocols/conn`, whose new_connection handler would draw
 * every uid at creation (Zeek draws them here at a connection's first
 * event).
 */
const BARE_LOADS = ["base/frameworks/analyzer"];

/** A baseline's lines, without btest's header. */
function baselineLines(file: string): string[] {
  return zeek!
    .read(`${BASELINE}.${file}`)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("### "));
}

/** Fields whose numbers are times or intervals (the rest are counts). */
const TIME_FIELDS = new Set(["req_start", "rep_start", "atime", "mtime", "ctime"]);
const INTERVAL_FIELDS = new Set(["req_dur", "rep_dur"]);

/**
 * Zeek's `print` of an RPC event's record value, fields in the analyzer's
 * (Zeek's) order, unset ones <uninitialized>; `field` says how a number
 * prints. A readdir's entries print with Zeek's unset element 0 first.
 */
function zeekValue(v: unknown, field = ""): string {
  if (v === undefined) return field === "" ? "" : "<uninitialized>";
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "number") {
    if (TIME_FIELDS.has(field)) return zeekDouble(v);
    if (INTERVAL_FIELDS.has(field)) return zeekInterval(v);
    return String(v);
  }
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    const items = v.map((e) => zeekValue(e));
    return `[${(field === "entries" ? ["", ...items] : items).join(", ")}]`;
  }
  const fields = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${zeekValue(x, k)}`);
  return `[${fields.join(", ")}]`;
}

/** A handler printing `fmt("NAME: %s\n\t%s…\n", c, args…)` as the MOUNT and NFS btests do. */
function printer(out: string[], name: string): (c: Connection, ...args: unknown[]) => void {
  return (c, ...args) => {
    const text = `${name}: ${[zeekBareConnection(c), ...args.map((a) => zeekValue(a))].join("\n\t")}\n`;
    out.push(maskFirstTime(zeekString(text)));
  };
}

/** One bare-mode engine with the analyzer on the ports and the twin's handlers: what it printed. */
async function run(
  trace: string,
  analyzer: string,
  ports: readonly (readonly [number, "tcp" | "udp"])[],
  twin: (e: Engine, out: string[]) => void,
): Promise<string[]> {
  const engine = new Engine({ bare: true, loads: BARE_LOADS, seed: ZEEK_SEED, ignoreChecksums: true });
  loadBuiltinScripts(engine, { memory: true, bare: true, loads: BARE_LOADS });
  for (const [p, proto] of ports) assert.ok(engine.registerForPort(analyzer, p, proto));
  const out: string[] = [];
  twin(engine, out);
  await engine.run(await openTrace(join(TRACES, trace)));
  return out;
}

const on = (e: Engine): ((name: string, handler: (c: Connection, ...args: unknown[]) => void) => void) =>
  e.on.bind(e) as unknown as (name: string, handler: (c: Connection, ...args: unknown[]) => void) => void;

const pmPort = (p: RpcPort): string => `${p.port}/${p.proto}`;
const portRequest = (pr: PmPortRequest): string => `[program=${pr.program}, version=${pr.version}, is_tcp=${pr.is_tcp ? "T" : "F"}]`;
const origPort = (c: Connection): string => `${c.id.orig_p}/${c.id.transport}`;

test("btest portmap.basic", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  const out = await run("rpc-portmap-sadmind.pcap", "PORTMAPPER", [[111, "udp"]], (e, o) => {
    e.on("pm_request_getport", (c, pr, p) => void o.push(["portmap request getport", origPort(c), portRequest(pr), pmPort(p)].join(", ")));
    e.on("pm_request_callit", (c, call, p) => void o.push(["portmap request callit", origPort(c), zeekValue(call), pmPort(p)].join(", ")));
    e.on("rpc_call", (c, xid, prog, ver, proc, len) => void o.push(["rpc call", origPort(c), xid, prog, ver, proc, len].join(", ")));
    e.on("rpc_reply", (c, xid, status, len) => void o.push(["rpc reply", origPort(c), xid, status, len].join(", ")));
  });
  assert.deepEqual(out, baselineLines("portmap.basic/output"));
});

const MOUNT_PORTS = [
  [635, "tcp"],
  [635, "udp"],
  [20048, "tcp"],
  [20048, "udp"],
] as const;

test("btest mount.basic", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  const out = await run("mount/mount_base.pcap", "MOUNT", MOUNT_PORTS, (e, o) => {
    for (const name of ["mount_proc_mnt", "mount_proc_umnt", "mount_proc_umnt_all", "mount_proc_not_implemented"]) on(e)(name, printer(o, name));
  });
  assert.deepEqual(out, baselineLines("mount.basic/.stdout"));
});

/** Command-line words registering `analyzer` for the ports. */
function registrations(analyzer: string, ports: readonly (readonly [number, "tcp" | "udp"])[]): string[] {
  return ports.map(([p, proto]) => `Analyzer::register_for_port(Analyzer::ANALYZER_${analyzer}, ${p}/${proto})`);
}

/**
 * The weird.log.all of a btest that runs `zeek -b -r TRACE` with the weird
 * script for each trace and appends `zeek-cut` of its weird.log (`-m`, with
 * the header, where `header` says so).
 */
async function weirdLogAll(runs: readonly (readonly [trace: string, header: boolean])[], args: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const [trace, header] of runs) {
    const dir = mkdtempSync(join(tmpdir(), "bronze-rpc-"));
    try {
      const seed = join(corpusRoot(), "zeek", "random.seed");
      const r = await bronze(["-b", "-C", "--seed-file", seed, "-r", join(TRACES, trace), "--logdir", dir, "base/frameworks/notice/weird", ...args]);
      assert.equal(r.code, 0, r.err);
      const log = join(dir, "weird.log");
      parts.push(existsSync(log) ? zeekCut(readFileSync(log, "latin1"), [], header) : "");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return parts.filter((p) => p !== "").join("\n");
}

test("btest mount.weird", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  const got = await weirdLogAll(
    [
      ["mount/mount-unmount-bad-status.pcap", true],
      ["mount/mount-unmount-bad-auth-flavor.pcap", true],
    ],
    registrations("MOUNT", MOUNT_PORTS),
  );
  assert.equal(canonicalBtestLog(got), canonicalBtestLog(zeek!.read(`${BASELINE}.mount.weird/weird.log.all`)));
});

const NFS_PORTS = [
  [2049, "tcp"],
  [2049, "udp"],
] as const;

const NFS_BASIC_EVENTS = [
  "nfs_proc_lookup",
  "nfs_proc_read",
  "nfs_proc_readlink",
  "nfs_proc_write",
  "nfs_proc_create",
  "nfs_proc_mkdir",
  "nfs_proc_remove",
  "nfs_proc_rmdir",
  "nfs_proc_readdir",
  "nfs_proc_rename",
  "nfs_proc_sattr",
  "nfs_proc_link",
  "nfs_proc_symlink",
  "nfs_proc_not_implemented",
];

test("btest nfs.basic", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  const out = await run("nfs/nfs_base.pcap", "NFS", NFS_PORTS, (e, o) => {
    for (const name of NFS_BASIC_EVENTS) on(e)(name, printer(o, name));
  });
  assert.deepEqual(out, baselineLines("nfs.basic/.stdout"));
});

test("btest nfs.weird", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  const got = await weirdLogAll(
    [
      ["nfs/nfs_fsinfo_bad_status.pcap", true],
      ["nfs/nfs_getattr_bad_ftype.pcap", false],
      ["nfs/nfs_setattr_bad_set_it.pcap", false],
      ["nfs/nfs_write_bad_stable_how.pcap", false],
    ],
    registrations("NFS", NFS_PORTS),
  );
  assert.equal(canonicalBtestLog(got), canonicalBtestLog(zeek!.read(`${BASELINE}.nfs.weird/weird.log.all`)));
});

/** Zeek's btest conn.log/weird.log: zeek-cut -m of the columns ([] for all), times masked as btest-diff-cut's canonifier does. */
function cutLog(text: string, columns: readonly string[]): string {
  return canonicalBtestLog(zeekCut(text, columns, true));
}

test("btest rpc.max-pending-calls", async (t) => {
  const why = missing();
  if (why !== null) return oracleMissing(t, why);
  // `zeek -r -` with the default scripts; the test logs every RPC_pending_calls_discarded.
  const repeats = new Set(["bad_IP_checksum", "bad_TCP_checksum", "bad_UDP_checksum", "bad_ICMP_checksum", "RPC_pending_calls_discarded"]);
  const engine = new Engine({ seed: ZEEK_SEED, settings: { "Weird::weird_do_not_ignore_repeats": repeats } });
  const scripts = loadBuiltinScripts(engine, { memory: true, stderr: null });
  assert.ok(engine.registerForPort("ANALYZER_MOUNT", 111, "tcp"));
  const out: string[] = [];
  engine.on(
    "rpc_discarded_pending_calls",
    (c) => void out.push(maskFirstTime(["rpc_discarded_pending_calls", zeekDouble(engine.clock.now), c.uid].join(", "))),
  );
  await engine.run(await openTrace(join(TRACES, "portmapper-many-unanswered-calls.pcapng.gz")));
  const base = `${BASELINE}.rpc.max-pending-calls`;
  assert.deepEqual(out, baselineLines("rpc.max-pending-calls/out"));
  const conn = ["uid", "service", "history", "duration", "orig_pkts", "resp_pkts"];
  assert.equal(cutLog(scripts.logs.text("conn"), conn), canonicalBtestLog(zeek!.read(`${base}/conn.log`)));
  assert.equal(cutLog(scripts.logs.text("weird"), []), canonicalBtestLog(zeek!.read(`${base}/weird.log`)));
});
