/**
 * Zeek's btests of base/protocols/modbus whose scripts print event
 * arguments, replayed through test/helpers/btest-replay: their
 * commands read from Zeek's source, every file they compare as Zeek's
 * baseline. Their handlers all have one shape (`print "NAME", c$id, ARG…`,
 * an ARG a parameter or its size `|P|`), so the twin is built from the
 * script's own handlers: each prints as Zeek's `print` does. Their
 * `coverage` file (how many of events.bif's modbus events the output names)
 * is computed here. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so.
 *
 * Left out:
 * - events: its first trace, modbus/modbus.pcap, is not in the corpus
 *   (Zeek's mirror does not hold its contents either), and a listed btest
 *   whose trace is missing fails under CI. Its commands are read now (the
 *   counted outputs through sed -E, sort and uniq: btest-replay's pipeline
 *   step; the weird.logs concatenated), and its 32 handlers have the one
 *   shape the twin is built from: listing it is all it needs once the
 *   trace is there.
 * - exception_handling, modbus_and_non_modbus_on_port_502: logs only,
 *   replayed by test/conformance/btest-applogs.
 * - policy: logs only (modbus_register_change.log, known_modbus.log), which
 *   btest-applogs does not replay yet.
 * - length_mismatch: it runs a trace and checks nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Engine } from "../../../src/engine.js";
import type { EventName } from "../../../src/event/events.js";
import type { Connection } from "../../../src/event/records.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekString } from "../../helpers/zeek-print.js";
import { baselineLines, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/modbus";
/** The coverage commands: the test computes the file they write. */
const COVERAGE = /^(cat output \| awk|cat \$\{DIST\}|echo `cat covered`|btest-diff coverage$)/;
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its Modbus btests", skip: COVERAGE };

/** Zeek's `print` of a value inside a print list: records and vectors bracketed, bools T/F, strings escaped. */
function show(v: unknown): string {
  if (typeof v === "boolean") return v ? "T" : "F";
  if (typeof v === "string") return zeekString(v);
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
  return `[${Object.entries(v as object)
    .map(([k, x]: [string, unknown]) => `${k}=${show(x)}`)
    .join(", ")}]`;
}

/** One handler of the script: its event, its parameters after `c`, and what it prints after `c$id`. */
interface Handler {
  readonly event: string;
  readonly params: string[];
  readonly prints: string[];
}

/** The script's handlers, each `event NAME(c: connection, P: T, …) { print "NAME", c$id, ARG, …; }`. */
function handlers(script: string): Handler[] {
  const out: Handler[] = [];
  for (const m of script.matchAll(/^event (modbus_\w+)\(c: connection, ([^)]*)\)\s*\{\s*print "\1", c\$id, ([^;]*);\s*\}/gm)) {
    const params = m[2]!.split(",").map((p) => p.split(":")[0]!.trim());
    out.push({ event: m[1]!, params, prints: m[3]!.split(",").map((p) => p.trim()) });
  }
  return out;
}

/** The twin of the script's handlers. */
function scriptTwin(script: string): Twin {
  const list = handlers(script);
  assert.ok(list.length > 0, "the script's modbus handlers");
  return (engine: Engine, print) => {
    const on = engine.on.bind(engine) as (name: EventName, handler: (c: Connection, ...args: unknown[]) => void) => Engine;
    for (const h of list) {
      on(h.event as EventName, (c, ...args) => {
        const value = (expr: string): string => {
          const size = /^\|(\w+)\|$/.exec(expr);
          const arg = args[h.params.indexOf(size?.[1] ?? expr)];
          assert.ok(arg !== undefined, `${h.event}: ${expr} is a parameter`);
          return size !== null ? String((arg as unknown[]).length) : show(arg);
        };
        print(h.event, zeekConnId(c.id), ...h.prints.map(value));
      });
    }
  };
}

/** The coverage line: the distinct event names of the counted output, of events.bif's modbus events. */
function coverage(z: ZeekSource, output: string): string {
  const covered = new Set(
    output
      .split("\n")
      .map((l) => l.split(/\s+/)[1] ?? "")
      .filter((w) => w.startsWith("modbus_")),
  ).size;
  const total = z.read("src/analyzer/protocol/modbus/events.bif").match(/^event modbus_/gm)?.length ?? 0;
  return `${covered} of ${total} events triggered by trace`;
}

const BTESTS: ReadonlyArray<{ name: string; what: string }> = [
  { name: "coil_parsing_big", what: "coils of a large trace, counted by line" },
  { name: "coil_parsing_small", what: "coils of a small trace, counted by line" },
  { name: "register_parsing", what: "input registers and their count, with modbus.log" },
];

for (const { name, what } of BTESTS) {
  test(`Zeek's btest modbus/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const script = zeek?.read(`${DIR}/${name}.zeek`) ?? "";
    const b = readBtest(t, SUITE, name);
    const files = b === null ? null : await replayBtest(b, scriptTwin(script));
    if (files === null || zeek === null || !/btest-diff coverage$/m.test(script)) return;
    const want = baselineLines(zeek, `scripts.base.protocols.modbus.${name}/coverage`);
    assert.deepEqual([coverage(zeek, files.get("output") ?? "")], want);
  });
}
