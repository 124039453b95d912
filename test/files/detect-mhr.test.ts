/**
 * policy/frameworks/files/detect-MHR (Zeek's script): a PDF fetched over
 * HTTP has its SHA-1 looked up as a TXT record under
 * malware.hash.cymru.com; an answer with a detection rate at or above
 * TeamCymruMalwareHashRegistry::notice_threshold is a Match notice about the
 * file (fuid, MIME type, its URL as file_desc, the connection). The
 * registry is a resolver object here (src/scripts/dns-lookups.ts is tested
 * against a DNS server on loopback in ssh-interesting-hostnames.test.ts).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { type DnsResolver, useDnsResolver } from "../../src/scripts/dns-lookups.js";
import { segments } from "../analyzer/app/tcp-conv.js";
import { memorySource } from "../helpers/packets.js";
import { logRecords } from "../helpers/tsv.js";
import { tcpTrace } from "../session/harness.js";

const SCRIPT = "policy/frameworks/files/detect-MHR";
const PDF = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const SHA1 = createHash("sha1").update(PDF).digest("hex");

/** A registry answering TXT queries from `answers`; the names asked are kept. */
function registry(answers: Record<string, string>, asked: string[]): DnsResolver {
  return {
    reverse: () => Promise.reject(new Error("not asked")),
    resolveTxt: async (name) => {
      asked.push(name);
      const a = answers[name];
      if (a === undefined) throw new Error("ENOTFOUND");
      return [[a]];
    },
  };
}

async function run(loads: string[], body: string, type: string, answers: Record<string, string>, settings: string[] = []) {
  const asked: string[] = [];
  const engine = new Engine({ loads, settings });
  useDnsResolver(engine, registry(answers, asked));
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  const reply = `HTTP/1.1 200 OK\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  await engine.run(
    memorySource(
      tcpTrace(
        segments([
          ["c", "GET /docs/report.pdf HTTP/1.1\r\nHost: files.example.com\r\n\r\n"],
          ["s", reply],
        ]),
        { sport: 80 },
      ),
    ),
  );
  scripts.close();
  return { asked, notices: logRecords(scripts.logs.text("notice")), files: logRecords(scripts.logs.text("files")) };
}

test("detect-MHR: a PDF whose SHA-1 the registry rates 35 % is a Match notice about the file", async () => {
  const r = await run([SCRIPT], PDF, "application/pdf", { [`${SHA1}.malware.hash.cymru.com`]: "1700000000 35" });
  assert.deepEqual(r.asked, [`${SHA1}.malware.hash.cymru.com`]);
  assert.equal(r.notices.length, 1);
  const n = r.notices[0]!;
  const f = r.files[0]!;
  assert.equal(n.note, "TeamCymruMalwareHashRegistry::Match");
  assert.match(n.msg!, /^Malware Hash Registry Detection rate: 35% {2}Last seen: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(n.sub, `https://www.virustotal.com/gui/search/${SHA1}`);
  assert.deepEqual([n.fuid, n.file_mime_type, n.file_desc, n.uid], [f.fuid, "application/pdf", "http://files.example.com/docs/report.pdf", f.uid]);
  // hash-all-files comes with the script: files.log has the SHA-1 looked up.
  assert.equal(f.sha1, SHA1);
});

test("detect-MHR: below the threshold, an odd answer, no answer or another MIME type give no notice", async () => {
  const name = `${SHA1}.malware.hash.cymru.com`;
  assert.deepEqual((await run([SCRIPT], PDF, "application/pdf", { [name]: "1700000000 9" })).notices, []);
  assert.equal(
    (await run([SCRIPT], PDF, "application/pdf", { [name]: "1700000000 9" }, ["TeamCymruMalwareHashRegistry::notice_threshold=5"])).notices.length,
    1,
  );
  assert.deepEqual((await run([SCRIPT], PDF, "application/pdf", { [name]: "127.0.0.2" })).notices, []);
  assert.deepEqual((await run([SCRIPT], PDF, "application/pdf", {})).notices, []);
  const text = await run([SCRIPT], "just words, nothing else\n", "text/plain", {});
  assert.deepEqual(text.asked, []);
});

test("detect-MHR: without the script nothing is asked", async () => {
  const r = await run([], PDF, "application/pdf", { [`${SHA1}.malware.hash.cymru.com`]: "1700000000 35" });
  assert.deepEqual([r.asked, r.notices], [[], []]);
});
