/**
 * Engine.disableAnalyzerById, Zeek's disable_analyzer(cid, aid,
 * err_if_no_conn, prevent) as its bif does it: a connection id that names no
 * live connection is a builtin error whatever err_if_no_conn says; an
 * analyzer id the connection does not have is one only with err_if_no_conn
 * (its default T); an analyzer a disabling_analyzer hook keeps is none.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import type { Connection } from "../../../src/event/records.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { CLIENT, SERVER, tcpTrace } from "../../session/harness.js";
import { type Step, segments } from "./tcp-conv.js";

const GET: Step[] = [
  ["c", "GET / HTTP/1.1\r\nHost: example.org\r\n\r\n"],
  ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"],
];

/** Runs one HTTP conversation; `probe` runs at HTTP's first confirmation (with its aid) and at connection_state_remove (aid 0). */
async function run(probe: (engine: Engine, c: Connection, aid: number, out: string[]) => void, setup?: (engine: Engine) => void): Promise<string[]> {
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  engine.builtinErrors = (m) => void out.push(`error: ${m}`);
  setup?.(engine);
  let confirmed = false;
  engine.on("analyzer_confirmation_info", (_tag, info) => {
    // Once: HTTP disabled without `prevent`, DPD may start it again on the reply.
    if (info.c !== undefined && !confirmed) probe(engine, info.c, info.aid, out);
    confirmed = true;
  });
  engine.on("connection_state_remove", (c) => probe(engine, c, 0, out));
  await engine.run(memorySource(tcpTrace(segments(GET), { sport: 80, cport: 40000 })));
  return out;
}

const UNKNOWN = `error: connection ID not a known connection ([orig_h=${CLIENT}, orig_p=40000/tcp, resp_h=${SERVER}, resp_p=81/tcp, proto=6, ctx=[]])`;
const NO_ANALYZER = "error: connection does not have analyzer specified to disable";

test("an id that names no connection is an error with err_if_no_conn T or F", async () => {
  const out = await run((engine, c, aid, lines) => {
    if (aid === 0) return;
    const other = { ...c.id, resp_p: 81 };
    lines.push(String(engine.disableAnalyzerById(other, aid)), String(engine.disableAnalyzerById(other, aid, false)));
  });
  assert.deepEqual(out, [UNKNOWN, UNKNOWN, "false", "false"]);
});

test("an analyzer the connection does not have: an error only with err_if_no_conn; HTTP's own id disables it, once", async () => {
  const out = await run((engine, c, aid, lines) => {
    if (aid === 0) return;
    lines.push(`quiet ${engine.disableAnalyzerById(c.id, 999, false)}`);
    lines.push(`loud ${engine.disableAnalyzerById(c.id, 999)}`);
    lines.push(`http ${engine.disableAnalyzerById(c.id, aid)}`);
    lines.push(`again ${engine.disableAnalyzerById(c.id, aid)}`);
    lines.push(`again quiet ${engine.disableAnalyzerById(c.id, aid, false)}`);
  });
  assert.deepEqual(out, ["quiet false", NO_ANALYZER, "loud false", "http true", NO_ANALYZER, "again false", "again quiet false"]);
});

test("kept by an Analyzer::disabling_analyzer hook: false, and no error (the analyzer is there)", async () => {
  const out = await run(
    (engine, c, aid, lines) => {
      if (aid !== 0) lines.push(`kept ${engine.disableAnalyzerById(c.id, aid)}`);
    },
    (engine) => engine.onDisablingAnalyzer(() => false),
  );
  assert.deepEqual(out, ["kept false"]);
});

test("a removed connection (its connection_state_remove handlers) is no known connection", async () => {
  const out = await run((engine, c, aid, lines) => {
    if (aid === 0) lines.push(`removed ${engine.disableAnalyzerById(c.id, 3, false)}`);
  });
  assert.deepEqual(out, [UNKNOWN.replace("81/tcp", "80/tcp"), "removed false"]);
});
