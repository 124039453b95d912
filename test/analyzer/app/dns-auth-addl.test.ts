/** policy/protocols/dns/auth-addl: dns.log's auth and addl, from the reply sections Zeek skips by default. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { parseLogText } from "../../helpers/tsv.js";
import { CLIENT, SERVER, udpPacket, ZEEK_SEED } from "../../session/harness.js";
import { header, name, QR, question, RA, RD, rr } from "./dns-helpers.js";

const ip = (a: string) => a.split(".").map(Number);
/** A reply for www.example.com with one answer, two name servers (authority) and their addresses (additional). */
const reply = Uint8Array.from([
  ...header(7, QR | RD | RA, 1, 1, 2, 2),
  ...question("www.example.com"),
  ...rr(name("www.example.com"), 1, ip("192.0.2.80")),
  ...rr(name("example.com"), 2, name("ns1.example.com")),
  ...rr(name("example.com"), 2, name("ns2.example.com")),
  ...rr(name("ns1.example.com"), 1, ip("192.0.2.1")),
  ...rr(name("ns2.example.com"), 1, ip("192.0.2.2"), 300),
]);
const query = Uint8Array.from([...header(7, RD, 1), ...question("www.example.com")]);

async function dnsRow(loads: string[]): Promise<Record<string, string>> {
  const engine = new Engine({ seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource([udpPacket(1, CLIENT, 40000, SERVER, 53, query), udpPacket(1.01, SERVER, 53, CLIENT, 40000, reply)]));
  scripts.close();
  const { fields, rows } = parseLogText(scripts.logs.text("dns"));
  return Object.fromEntries(fields.map((f, i) => [f, rows[0]![i]!]));
}

test("auth-addl: the authority section's names and the additional section's addresses, as sets", async () => {
  const row = await dnsRow(["policy/protocols/dns/auth-addl"]);
  assert.equal(row.answers, "192.0.2.80");
  assert.deepEqual(row.auth!.split(",").sort(), ["ns1.example.com", "ns2.example.com"]);
  assert.deepEqual(row.addl!.split(",").sort(), ["192.0.2.1", "192.0.2.2"]);
  // Without the script, no such columns (and Zeek's defaults skip the sections).
  const plain = await dnsRow([]);
  assert.equal(plain.auth, undefined);
  assert.equal(plain.answers, "192.0.2.80");
});
