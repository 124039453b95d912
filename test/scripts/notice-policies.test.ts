/**
 * Policy scripts that turn protocol and core events into notices, on
 * self-made conversations: policy/protocols/smtp/blocklists and
 * policy/protocols/conn/weirds. Each also checked not to act unless loaded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { type GapStep, type Step, segments } from "../analyzer/app/tcp-conv.js";
import { memorySource } from "../helpers/packets.js";
import { logRecords } from "../helpers/tsv.js";
import { tcpTrace } from "../session/harness.js";

/** notice.log's note, msg and sub columns after a TCP conversation to `sport` (client 10.0.0.1). */
async function notices(steps: (Step | GapStep)[], sport: number, loads: string[]): Promise<string[][]> {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(memorySource(tcpTrace(segments(steps, 0, { ackClient: true }), { sport })));
  scripts.close();
  return logRecords(scripts.logs.text("notice")).map((n) => [n.note!, n.msg!, n.sub!]);
}

function smtp(reply: string): Step[] {
  return [
    ["s", "220 mx.example.com ESMTP\r\n"],
    ["c", "HELO client.example\r\n"],
    ["s", "250 mx.example.com\r\n"],
    ["c", "MAIL FROM:<a@example.com>\r\n"],
    ["s", `${reply}\r\n`],
    ["c", "QUIT\r\n"],
    ["s", "221 bye\r\n"],
  ];
}

const BLOCKLISTS = ["policy/protocols/smtp/blocklists"];

test("smtp/blocklists: an error reply naming a block list is a notice; Blocked_Host when its first address is the client's", async () => {
  const listed = "550 5.7.1 Service unavailable; Client host [10.0.0.1] blocked using zen.spamhaus.org/query/ip/10.0.0.1";
  assert.deepEqual(await notices(smtp(listed), 25, BLOCKLISTS), [["SMTP::Blocklist_Blocked_Host", "10.0.0.1 is on an SMTP block list", listed.slice(4)]]);
  const other = "554 rejected, see http://www.spamcop.net/bl.shtml?192.0.2.99";
  assert.deepEqual(await notices(smtp(other), 25, BLOCKLISTS), [
    ["SMTP::Blocklist_Error_Message", "10.0.0.1 received an error message mentioning an SMTP block list", other.slice(4)],
  ]);
  // 421 and success codes are left alone, as is an error naming no list; nothing without the script.
  assert.deepEqual(await notices(smtp("421 spamhaus.org/ busy"), 25, BLOCKLISTS), []);
  assert.deepEqual(await notices(smtp("250 ok spamhaus.org/"), 25, BLOCKLISTS), []);
  assert.deepEqual(await notices(smtp("550 no such user"), 25, BLOCKLISTS), []);
  assert.deepEqual(await notices(smtp(listed), 25, []), []);
});

test("conn/weirds: a content gap is a Conn::Content_Gap notice naming the side, sequence and length", async () => {
  const steps: (Step | GapStep)[] = [
    ["c", "hello "],
    ["gap-c", 100],
    ["c", "world"],
    ["s", "ok"],
  ];
  const rows = await notices(steps, 7000, ["policy/protocols/conn/weirds"]);
  assert.deepEqual(
    rows.map((r) => r[0]),
    ["Conn::Content_Gap"],
  );
  assert.match(rows[0]![1]!, /^10\.0\.0\.1:40000 > 192\.0\.2\.10:7000 content gap \(> 7\/100\)$/);
  assert.deepEqual(await notices(steps, 7000, []), []);
});
