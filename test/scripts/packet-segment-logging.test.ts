/**
 * policy/frameworks/analyzer/packet-segment-logging on a crafted FTP
 * session whose server turns out to speak something else: the FTP
 * analyzer's violation puts the first Analyzer::Logging::packet_segment_size
 * bytes of the packet being processed, as captured (Ethernet header on), into
 * analyzer.log's packet_segment; without the script the column is absent.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { segments } from "../analyzer/app/tcp-conv.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { tcpTrace } from "../session/harness.js";

const NOT_FTP = "SSH-2.0-OpenSSH_9.6\r\n";

function packets(): TestPacket[] {
  const steps: ["c" | "s", string][] = [
    ["s", "220 ftp ready\r\n"],
    ["c", "USER anonymous\r\n"],
    ["s", "331 ok\r\n"],
    ["c", "PASS x\r\n"],
    ["s", "230 in\r\n"],
    ["c", "SYST\r\n"],
    ["s", NOT_FTP],
  ];
  return tcpTrace(segments(steps, 0, { ackClient: true }), { sport: 21 });
}

async function analyzerLog(trace: TestPacket[], loads: string[], settings: string[] = []): Promise<{ fields: string[]; rows: string[][] }> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(trace));
  scripts.close();
  return parseLogText(scripts.logs.text("analyzer"));
}

/** Bytes as the ASCII logs escape them (printable ASCII kept, the rest \\xNN). */
function escaped(b: Uint8Array): string {
  return [...b].map((x) => (x >= 0x20 && x < 0x7f && x !== 0x5c ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, "0")}`)).join("");
}

test("the violation's packet, link layer on, cut at packet_segment_size, in analyzer.log's packet_segment", async () => {
  const trace = packets();
  const frame = trace.find((p) => Buffer.from(p.bytes).includes(NOT_FTP))!.bytes;
  const loads = ["policy/frameworks/analyzer/packet-segment-logging"];
  const log = await analyzerLog(trace, loads);
  const at = log.fields.indexOf("packet_segment");
  assert.equal(log.fields.at(-1), "packet_segment");
  assert.deepEqual(
    log.rows.map((r) => [r[log.fields.indexOf("analyzer_name")], r[at]]),
    [["FTP", escaped(frame)]],
  );
  const cut = await analyzerLog(trace, loads, ["Analyzer::Logging::packet_segment_size=20"]);
  assert.equal(cut.rows[0]![at], escaped(frame.subarray(0, 20)));
  const plain = await analyzerLog(trace, []);
  assert.equal(plain.fields.includes("packet_segment"), false);
  assert.equal(plain.rows.length, 1);
});
