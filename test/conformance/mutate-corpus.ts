/**
 * Hostile input on real traffic, for people (not part of `npm test`): the
 * corpus' classic-pcap traces (under 3 MB) with random bytes changed in some
 * of their packets, run in-process with the default scripts and checksums
 * ignored (so the changed packets reach the analyzers). A problem is an
 * exception out of the engine, a script handler's exception, or an analyzer
 * violation whose reason is a JavaScript error rather than a protocol's.
 * Each distinct problem is printed once and its trace kept.
 *
 *   node dist/test/conformance/mutate-corpus.js [--spicy] [SEED] [ROUNDS] [OUT_DIR]
 *
 * --spicy runs Zeek's Spicy analyzers too (bronze --spicy: QUIC, LDAP,
 * PostgreSQL, Redis, syslog over TCP), which a default run leaves off.
 *
 * A round takes one trace (chosen by the seeded generator), changes one to
 * four bytes past the link header in 1, 5 or 20 % of its packets, writes it
 * to OUT_DIR and runs it. The same seed gives the same rounds.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { openTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";
import { rng } from "../helpers/rng.js";

const PCAP_MAGICS = new Set([0xa1b2c3d4, 0xa1b23c4d]);
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const LINK_HEADER = 14;
/**
 * Reasons that are JavaScript's, not a protocol's: an analyzer that throws is
 * reported as "NAME analyzer error: MESSAGE" (instance.ts), and these are the
 * messages of V8's own errors.
 */
const JS_ERROR =
  /analyzer error: .*(Cannot read|Cannot set|is not a function|is not iterable|Maximum call stack|out of bounds|outside the bounds|Invalid (typed )?array length|undefined|null)/;

function traces(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) traces(path, out);
    else if (/\.(pcap|trace|dump)(\.gz)?$/.test(name) && st.size < 3e6) out.push(path);
  }
  return out.sort();
}

/** The trace's bytes with some packets changed, or null when it is not classic pcap. */
function mutate(path: string, rand: () => number): Buffer | null {
  let b = readFileSync(path);
  if (path.endsWith(".gz")) b = gunzipSync(b);
  if (b.length < GLOBAL_HEADER || !PCAP_MAGICS.has(b.readUInt32LE(0))) return null;
  b = Buffer.from(b);
  const rate = [0.01, 0.05, 0.2][Math.floor(rand() * 3)]!;
  for (let at = GLOBAL_HEADER; at + RECORD_HEADER <= b.length; ) {
    const start = at + RECORD_HEADER;
    const end = Math.min(b.length, start + b.readUInt32LE(at + 8));
    if (rand() < rate && end > start + LINK_HEADER) {
      for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) {
        const i = start + LINK_HEADER + Math.floor(rand() * (end - start - LINK_HEADER));
        b[i] = rand() < 0.5 ? Math.floor(rand() * 256) : b[i]! ^ (1 << Math.floor(rand() * 8));
      }
    }
    at = end;
  }
  return b;
}

/** Runs one trace; the problems seen. */
async function problemsOf(path: string, spicy: boolean): Promise<string[]> {
  const engine = new Engine({ ignoreChecksums: true, spicy });
  loadBuiltinScripts(engine, { memory: true });
  const problems: string[] = [];
  (engine.bus as unknown as { reportError: (e: string, err: unknown) => void }).reportError = (e, err) =>
    problems.push(`handler of ${e}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  engine.on("analyzer_violation_info", (atype, info) => {
    if (JS_ERROR.test(info.reason)) problems.push(`violation ${atype}: ${info.reason}`);
  });
  try {
    await engine.run(await openTrace(path));
  } catch (e) {
    problems.push(`run threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  return problems;
}

async function main(args: string[]): Promise<number> {
  const spicy = args.includes("--spicy");
  const argv = args.filter((a) => a !== "--spicy");
  const seed = Number(argv[0] ?? 1);
  const rounds = Number(argv[1] ?? 100);
  const out = argv[2] ?? join(tmpdir(), "bronze-mutate");
  mkdirSync(out, { recursive: true });
  const all = traces(join(corpusRoot(), "zeek", "traces"));
  const rand = rng(seed);
  const seen = new Set<string>();
  let ran = 0;
  for (let round = 0; round < rounds; round++) {
    const path = all[Math.floor(rand() * all.length)]!;
    const bytes = mutate(path, rand);
    if (bytes === null) continue;
    const file = join(out, "round.pcap");
    writeFileSync(file, bytes);
    ran++;
    for (const p of await problemsOf(file, spicy)) {
      const key = p.split("\n")[0]!.replace(/\d+/g, "N");
      if (seen.has(key)) continue;
      seen.add(key);
      const kept = join(out, `problem-${seen.size}.pcap`);
      writeFileSync(kept, bytes);
      process.stdout.write(`round ${round} (${path}), kept as ${kept}:\n  ${p.split("\n").slice(0, 4).join("\n  ")}\n`);
    }
  }
  process.stdout.write(`seed ${seed}: ${ran} traces run, ${seen.size} distinct problems\n`);
  return seen.size === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
