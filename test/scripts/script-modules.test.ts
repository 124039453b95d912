/**
 * The built-in scripts' module groups (src/scripts/script-modules.ts): each
 * script's handlers are in the group of the module its Zeek script declares
 * (checked against Zeek's scripts), so disableModuleEvents("HTTP") silences
 * base/protocols/http while the HTTP analyzer itself runs on.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { POLICY_SCRIPTS } from "../../src/scripts/policy-scripts.js";
import { PROTOCOL_SCRIPTS } from "../../src/scripts/protocols.js";
import { MODULE_SCRIPTS, scriptModule } from "../../src/scripts/script-modules.js";
import { oracleMissing } from "../helpers/corpus.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, tcpTrace } from "../session/harness.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";

/** The module Zeek script `script` declares: its first `module X;` line, else GLOBAL (Zeek's default). */
function declaredModule(zeek: ZeekSource, script: string): string {
  const slash = script.lastIndexOf("/");
  const dir = `scripts/${script.slice(0, slash)}`;
  const base = script.slice(slash + 1);
  const file = zeek.list(dir).includes(`${base}.zeek`)
    ? `${dir}/${base}.zeek`
    : ["main.zeek", "__load__.zeek"]
        .map((f) => `scripts/${script}/${f}`)
        .find((f) => zeek.list(f.slice(0, f.lastIndexOf("/"))).includes(f.slice(f.lastIndexOf("/") + 1)));
  assert.ok(file !== undefined, `no Zeek script ${script}`);
  return /^module\s+([\w:]+)\s*;/m.exec(zeek.read(file))?.[1] ?? "GLOBAL";
}

test("every built-in script's module is the one its Zeek script declares", (t) => {
  const zeek = zeekSource();
  if (zeek === null) return oracleMissing(t, "Zeek's source not found: set BRONZE_ZEEK_SOURCE");
  const scripts = new Set([...MODULE_SCRIPTS, ...PROTOCOL_SCRIPTS.map((p) => p.script), ...POLICY_SCRIPTS.map((p) => p.script)]);
  const differ = [...scripts].filter((s) => scriptModule(s) !== declaredModule(zeek, s)).map((s) => `${s}: ${scriptModule(s)} ≠ ${declaredModule(zeek, s)}`);
  assert.deepEqual(differ, []);
  // Every loaded script is in the table (none falls back to GLOBAL unchecked).
  assert.deepEqual(
    [...scripts].filter((s) => !MODULE_SCRIPTS.includes(s)),
    [],
  );
});

/** An HTTP request and its answer from client port `cport`, starting at `t0`. */
function httpConversation(t0: number, cport: number): TestPacket[] {
  const request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  const reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  return tcpTrace(
    [
      ...handshake(t0),
      { t: t0 + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: request },
      { t: t0 + 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + request.length, payload: reply },
      { t: t0 + 3, from: "c", flags: "FA", seq: 1001 + request.length, ack: 5001 + reply.length },
      { t: t0 + 4, from: "s", flags: "FA", seq: 5001 + reply.length, ack: 1002 + request.length },
    ],
    { client: "10.0.0.1", server: "10.0.0.2", sport: 80, cport },
  );
}

/** A log's rows (after the header), split into columns. */
function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/** Runs two HTTP conversations (client ports 40000, 40001) with `setup` before; http.log's client ports and conn.log's services. */
async function twoConversations(setup: (engine: Engine) => void): Promise<{ http: string[]; services: string[] }> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  setup(engine);
  await engine.run(memorySource([...httpConversation(0, 40000), ...httpConversation(10, 40001)]));
  const connFields =
    scripts.logs
      .text("conn")
      .match(/^#fields\t(.*)$/m)?.[1]
      ?.split("\t") ?? [];
  const service = connFields.indexOf("service");
  return { http: rows(scripts.logs.text("http")).map((r) => r[3]!), services: rows(scripts.logs.text("conn")).map((r) => r[service]!) };
}

test("disableModuleEvents('HTTP') before the run: http.log stays empty, conn.log still names the service (the analyzer runs)", async () => {
  const answers: boolean[] = [];
  const out = await twoConversations((engine) => void answers.push(engine.hasModuleEvents("HTTP"), engine.disableModuleEvents("HTTP")));
  assert.deepEqual(answers, [true, true]);
  assert.deepEqual(out.http, []);
  assert.deepEqual(out.services, ["http", "http"]);
  assert.deepEqual((await twoConversations(() => undefined)).http, ["40000", "40001"]);
});

test("enableModuleEvents('HTTP') mid-run: the later connection's requests are logged again", async () => {
  const out = await twoConversations((engine) => {
    engine.disableModuleEvents("HTTP");
    engine.on("new_connection", (c) => void (c.id.orig_p === 40001 && engine.enableModuleEvents("HTTP")));
  });
  assert.deepEqual(out.http, ["40001"]);
  assert.deepEqual(out.services, ["http", "http"]);
});

test("a module group exists once a loaded script's handler is in it: none for HTTP on a bare engine or with -b, Conn's with -b", () => {
  const bare = new Engine();
  assert.equal(bare.hasModuleEvents("HTTP"), false);
  loadBuiltinScripts(bare, { memory: true, bare: true });
  assert.equal(bare.hasModuleEvents("HTTP"), false);
  assert.equal(bare.hasModuleEvents("Conn"), true);
});
