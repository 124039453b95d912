/** The policy scripts that add http.log columns: header-names, var-extraction-uri and var-extraction-cookies. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { extractKeys } from "../../../src/analyzer/app/http/policy-columns.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { parseLogText } from "../../helpers/tsv.js";
import { handshake, tcpTrace, ZEEK_SEED } from "../../session/harness.js";

test("HTTP::extract_keys: every part's key, a part without '=' whole, empty parts kept", () => {
  assert.deepEqual(extractKeys("a=1&b=2=3&&flag", /&/), ["a", "b", "", "flag"]);
  assert.deepEqual(extractKeys("sid=x;  theme=dark", /;[ \t]*/), ["sid", "theme"]);
});

const REQUEST = "GET /q?x=1&y=2 HTTP/1.1\r\nHost: h\r\nCookie: sid=abc; lang=en\r\nAccept: */*\r\n\r\n";
const REPLY = "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 0\r\n\r\n";

async function httpLog(loads: string[], settings: string[] = []): Promise<{ fields: string[]; row: string[] }> {
  const segs = [
    ...handshake(0),
    { t: 1, from: "c" as const, flags: "PA", seq: 1001, ack: 5001, payload: REQUEST },
    { t: 2, from: "s" as const, flags: "PA", seq: 5001, ack: 1001 + REQUEST.length, payload: REPLY },
  ];
  const engine = new Engine({ seed: ZEEK_SEED, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(tcpTrace(segs, { sport: 80 })));
  scripts.close();
  const { fields, rows } = parseLogText(scripts.logs.text("http"));
  return { fields, row: rows[0]! };
}

test("the column scripts add their columns in the order they are loaded, with the request's names and keys", async () => {
  const { fields, row } = await httpLog(["protocols/http/var-extraction-cookies", "policy/protocols/http/header-names", "protocols/http/var-extraction-uri"]);
  const added = fields.slice(fields.indexOf("resp_mime_types") + 1);
  assert.deepEqual(added, ["cookie_vars", "client_header_names", "server_header_names", "uri_vars"]);
  const at = (name: string) => row[fields.indexOf(name)];
  assert.equal(at("cookie_vars"), "sid,lang");
  assert.equal(at("client_header_names"), "HOST,COOKIE,ACCEPT");
  assert.equal(at("server_header_names"), "-");
  assert.equal(at("uri_vars"), "x,y");
});

test("HTTP::log_server_header_names=T logs the reply's names too; no script, no column", async () => {
  const { fields, row } = await httpLog(["protocols/http/header-names"], ["HTTP::log_server_header_names=T", "HTTP::log_client_header_names=F"]);
  assert.equal(row[fields.indexOf("server_header_names")], "SERVER,CONTENT-LENGTH");
  assert.equal(row[fields.indexOf("client_header_names")], "-");
  assert.equal((await httpLog([])).fields.at(-1), "resp_mime_types");
});
