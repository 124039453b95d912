/**
 * policy/frameworks/software/windows-version-detection: a CRL fetch from
 * crl.microsoft.com with a Microsoft-CryptoAPI agent names the client's
 * Windows release in software.log (OS::WINDOWS); an agent the table does not
 * know is parsed as "Unknown CryptoAPI Version/<version>"; other hosts or
 * agents, or the script not loaded, find nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../session/harness.js";

/** One HTTP GET with `host` and `agent` from 10.0.0.N (a connection per client), answered 200. */
function fetch(n: number, host: string, agent: string): TestPacket[] {
  const t = 10 * n;
  const request = `GET /pki/crl/products/CodeSignPCA.crl HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\n\r\n`;
  const reply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const segs: Seg[] = [
    ...handshake(t),
    { t: t + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: request },
    { t: t + 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + request.length, payload: reply },
  ];
  return tcpTrace(segs, { client: `10.0.0.${n}` });
}

async function software(loads: string[]): Promise<string[][]> {
  const engine = new Engine({ loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const packets = [
    ...fetch(1, "crl.microsoft.com", "Microsoft-CryptoAPI/6.1"),
    ...fetch(2, "crl.microsoft.com", "Microsoft-CryptoAPI/5.131.2600.5512"),
    ...fetch(3, "crl.microsoft.com", "Microsoft-CryptoAPI/11.2"),
    ...fetch(4, "example.com", "Microsoft-CryptoAPI/6.1"),
    ...fetch(5, "crl.microsoft.com", "curl/8.0"),
  ];
  await engine.run(memorySource(packets));
  let text = "";
  try {
    text = scripts.logs.text("software");
  } catch {
    return [];
  }
  const fieldsLine = text.split("\n").find((l) => l.startsWith("#fields"));
  if (fieldsLine === undefined) return [];
  const header = fieldsLine.split("\t").slice(1);
  const cols = ["host", "software_type", "name", "version.major", "version.minor", "version.minor2", "version.minor3", "version.addl", "unparsed_version"].map(
    (f) => header.indexOf(f),
  );
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => cols.map((i) => l.split("\t")[i]!))
    .filter((r) => r[1] === "OS::WINDOWS");
}

test("windows-version-detection: CRL fetches' CryptoAPI agents name the client's Windows release", async () => {
  assert.deepEqual(await software(["frameworks/software/windows-version-detection"]), [
    ["10.0.0.1", "OS::WINDOWS", "Windows", "6", "1", "-", "-", "7 or Server 2008 R2", "-"],
    ["10.0.0.2", "OS::WINDOWS", "Windows", "5", "131", "2600", "5512", "XP SP3", "-"],
    ["10.0.0.3", "OS::WINDOWS", "Unknown CryptoAPI Version", "11", "2", "-", "-", "-", "Unknown CryptoAPI Version/11.2"],
  ]);
  assert.deepEqual(await software(["frameworks/software/version-changes"]), []);
});
