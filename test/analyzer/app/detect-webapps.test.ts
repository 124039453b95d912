/**
 * policy/protocols/http/detect-webapps on a crafted HTTP session: a
 * WordPress page makes a software.log row (HTTP::WEB_APPLICATION, with its
 * url in the column the script adds); the same application seen again (on
 * another connection: a signature fires once per connection) closer to the
 * site's root is logged again, elsewhere not; signatures.log
 * stays empty; without the script, no url column and no row.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { logRecords } from "../../helpers/tsv.js";
import { tcpTrace } from "../../session/harness.js";
import { type Step, segments } from "./tcp-conv.js";

const PAGE = `<html><head><meta name="generator" content="WordPress 6.4.2" /></head><body>hi</body></html>`;

function exchange(uri: string, body: string): Step[] {
  return [
    ["c", `GET ${uri} HTTP/1.1\r\nHost: blog.example.com\r\n\r\n`],
    ["s", `HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`],
  ];
}

/** One connection per request (a signature fires once per connection), from client ports 40000, 40001, … */
async function logs(requests: Step[][], loads: string[]): Promise<{ software: Record<string, string>[]; signatures: number }> {
  const engine = new Engine({ settings: ["Software::asset_tracking=ALL_HOSTS"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const packets = requests.flatMap((steps, i) => tcpTrace(segments(steps, 10 * i, { ackClient: true }), { sport: 80, cport: 40000 + i }));
  await engine.run(memorySource(packets));
  scripts.close();
  return { software: logRecords(scripts.logs.text("software")), signatures: logRecords(scripts.logs.text("signatures")).length };
}

test("a web application in a reply body is software.log's HTTP::WEB_APPLICATION with its url; nearer the root it is logged again", async () => {
  const steps = [exchange("/blog/2020/01/post", PAGE), exchange("/blog/", PAGE), exchange("/shop/", PAGE)];
  const r = await logs(steps, ["policy/protocols/http/detect-webapps"]);
  assert.deepEqual(
    r.software.map((row) => [row.software_type, row.name, row.unparsed_version, row.url]),
    [
      ["HTTP::WEB_APPLICATION", "WordPress", "WordPress", "http://blog.example.com/blog/2020/01/post"],
      ["HTTP::WEB_APPLICATION", "WordPress", "WordPress", "http://blog.example.com/blog/"],
    ],
  );
  assert.equal(r.signatures, 0);
  const plain = await logs(steps, []);
  assert.deepEqual(plain.software, []);
});
