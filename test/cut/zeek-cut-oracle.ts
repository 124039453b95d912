/**
 * zeek-cut itself as an oracle: built with the system's C compiler from the
 * zeek-cut.c of the source the btests come from (into a temporary folder,
 * never into the repository), then run beside bronze-cut on generated logs
 * and command lines: several blocks, other separators, missing and short
 * header lines, short rows, time values of every kind, options in any order.
 * bronze-cut runs in this process (runCut, what its launcher calls): a process
 * per case cost ~45 s of the suite, and the other tests of test/cut run the
 * built command as a user does.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { runCut } from "../../src/cut/main.js";
import { rng } from "../helpers/rng.js";
import type { CutBtestSource } from "./zeek-cut-btests.js";

/** Where zeek-cut.c is in each layout (zeek-aux before the move, Zeek after). */
const SOURCES = ["zeek-cut/zeek-cut.c", "tools/zeek-cut/zeek-cut.c"];

/** Builds zeek-cut into `dir`; its path, or null without a compiler or the source. */
export function buildZeekCut(src: CutBtestSource, dir: string): string | null {
  for (const path of SOURCES) {
    let code: string;
    try {
      code = src.read(path);
    } catch {
      continue;
    }
    const exe = join(dir, "zeek-cut");
    const cc = spawnSync("cc", ["-O1", "-x", "c", "-o", exe, "-"], { input: Buffer.from(code, "latin1") });
    return cc.status === 0 ? exe : null;
  }
  return null;
}

const NAMES = ["ts", "uid", "a", "b", "id.orig_h", "t2", "x"];
const TYPES = ["time", "string", "count", "time", "addr"];
const VALUES = [
  "1329843175.680248",
  "0.0",
  "-",
  "",
  "hello",
  "-5.5",
  "77777777777777777777",
  "123",
  ".5",
  " 12.3",
  "99999999999999999.0",
  "+42.1",
  "(empty)",
  "1711846800.0",
];
const SEPARATORS = ["\t", ",", ";", " ", "|"];
const ZONES = ["UTC", "PST+8", "CET-1CEST,M3.5.0,M10.5.0/3", "Europe/Berlin", "Australia/Sydney"];

/** One generated case. */
export interface OracleCase {
  args: string[];
  input: string;
  tz: string;
}

class Generator {
  constructor(private readonly r: () => number) {}

  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.r() * a.length)]!;
  }

  chance(p: number): boolean {
    return this.r() < p;
  }

  count(n: number): number {
    return Math.floor(this.r() * n);
  }

  /** One log's header block and rows, sometimes broken. */
  block(): string {
    const sep = this.pick(SEPARATORS);
    const n = 1 + this.count(5);
    const fields = Array.from({ length: n }, () => this.pick(NAMES));
    const lines: string[] = [];
    const hex = `\\x${sep.charCodeAt(0).toString(16).padStart(2, "0")}`;
    if (this.chance(0.9)) lines.push(`#separator ${this.chance(0.85) ? hex : this.pick(["\\x", "x", "\\x2c", "\\x00", ""])}`);
    if (this.chance(0.4)) lines.push(`#unset_field${sep}${this.pick(["-", "(unset)", ""])}`);
    lines.push(`#path${sep}p`);
    if (this.chance(0.95)) lines.push(`#fields${sep}${fields.join(sep)}`);
    if (this.chance(0.95))
      lines.push(
        `#types${sep}${fields
          .map(() => this.pick(TYPES))
          .slice(0, this.chance(0.9) ? n : n - 1)
          .join(sep)}`,
      );
    for (let r = this.count(4); r > 0; r--) lines.push(Array.from({ length: this.chance(0.9) ? n : this.count(n + 2) }, () => this.pick(VALUES)).join(sep));
    if (this.chance(0.5)) lines.push(`#close${sep}2026-12-06-15-00-00`);
    return `${lines.join("\n")}\n`;
  }

  args(): string[] {
    const a: string[] = [];
    for (let k = this.count(4); k > 0; k--) {
      const o = this.pick(["-c", "-C", "-m", "-M", "-n", "-d", "-u", "-D", "-U", "-F"]);
      a.push(o);
      if (o === "-D" || o === "-U") a.push(this.pick(["%s %Z %z", "%H:%M", "%c%c%c%c%c%c%c%c", "%F %T %j %U %W %V %G"]));
      if (o === "-F") a.push(this.pick([",", ":", "ab"]));
    }
    for (let k = this.count(4); k > 0; k--) a.push(this.pick([...NAMES, "nosuch"]));
    return a;
  }
}

/** `n` cases from `seed`. */
export function oracleCases(seed: number, n: number): OracleCase[] {
  const g = new Generator(rng(seed));
  return Array.from({ length: n }, () => {
    const input = Array.from({ length: 1 + g.count(3) }, () => g.block()).join("");
    return { args: g.args(), input, tz: g.pick(ZONES) };
  });
}

/** zeek-cut's status, stdout and stderr on a case. */
function runZeekCut(zeekCut: string, c: OracleCase): string {
  const r = spawnSync(zeekCut, c.args, { input: Buffer.from(c.input, "latin1"), env: { PATH: process.env.PATH, TZ: c.tz } });
  return outcome(r.status, r.stdout, r.stderr);
}

/** bronze-cut's, run in this process with the environment zeek-cut gets. */
async function runBronzeCut(c: OracleCase): Promise<string> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      out.push(chunk);
      done();
    },
  });
  const input = Readable.from([Buffer.from(c.input, "latin1")]);
  const status = await runCut(c.args, { input, output, error: (line) => err.push(`${line}\n`), env: { PATH: process.env.PATH, TZ: c.tz } });
  return outcome(status, Buffer.concat(out), Buffer.from(err.join(""), "latin1"));
}

/** A run as one comparable string, the tool's name as zeek-cut's. */
function outcome(status: number | null, stdout: Buffer, stderr: Buffer): string {
  const text = (b: Buffer): string => b.toString("latin1").replaceAll("bronze-cut", "zeek-cut");
  return JSON.stringify([status, text(stdout), text(stderr)]);
}

/** The cases where bronze-cut's status, output or messages differ from zeek-cut's. */
export async function differences(zeekCut: string, cases: readonly OracleCase[]): Promise<{ c: OracleCase; zeek: string; bronze: string }[]> {
  const diffs: { c: OracleCase; zeek: string; bronze: string }[] = [];
  for (const c of cases) {
    const z = runZeekCut(zeekCut, c);
    const b = await runBronzeCut(c);
    if (z !== b) diffs.push({ c, zeek: z, bronze: b });
  }
  return diffs;
}
