/**
 * policy/protocols/smtp/detect-suspicious-orig (Zeek's script) on self-made
 * SMTP conversations, with a database of our own (test/helpers/mmdb-writer.ts)
 * holding what Zeek's test City database holds for 128.3.0.0/16 (its
 * main.go: US, Berkeley): the X-Originating-IP and the far end of the path
 * (the client, or the earliest Received hop) checked against
 * SMTP::suspicious_origination_countries and _networks, an
 * SMTP::Suspicious_Origination notice for each that matches, worded as
 * Zeek's. Without the script nothing changes, whatever the settings.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { type MmdbIn, writeMmdb } from "../../helpers/mmdb-writer.js";
import { memorySource } from "../../helpers/packets.js";
import { logRecords } from "../../helpers/tsv.js";
import { type Endpoints, tcpTrace, ZEEK_SEED } from "../../session/harness.js";
import { type Step, segments } from "./tcp-conv.js";

const LBL = new Map<string, MmdbIn>([
  ["country", new Map<string, MmdbIn>([["iso_code", "US"]])],
  ["city", new Map([["names", new Map([["en", "Berkeley"]])]])],
]);

/** One message sent with `headers` (lines without CRLF) and a body line. */
function mail(headers: string[]): Step[] {
  return [
    ["s", "220 mx.example.com ESMTP\r\n"],
    ["c", "HELO client.example\r\n"],
    ["s", "250 mx.example.com\r\n"],
    ["c", "MAIL FROM:<a@example.org>\r\n"],
    ["s", "250 ok\r\n"],
    ["c", "RCPT TO:<b@example.com>\r\n"],
    ["s", "250 ok\r\n"],
    ["c", "DATA\r\n"],
    ["s", "354 go ahead\r\n"],
    ["c", `${[...headers, "Subject: hi", "", "hello", "."].join("\r\n")}\r\n`],
    ["s", "250 queued\r\n"],
    ["c", "QUIT\r\n"],
    ["s", "221 bye\r\n"],
  ];
}

interface Run {
  smtp: string;
  notices: Record<string, string>[];
  reporter: Record<string, string>[];
}

const SCRIPT = ["policy/protocols/smtp/detect-suspicious-orig"];

async function run(steps: Step[], ends: Endpoints, loads: string[], settings: string[] = [], database = true): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-smtp-orig-"));
  try {
    if (database) writeFileSync(join(dir, "GeoLite2-City.mmdb"), writeMmdb([["128.3.0.0/16", LBL]]));
    const engine = new Engine({ seed: ZEEK_SEED, settings: [`mmdb_dir=${dir}`, "mmdb_dir_fallbacks=vector()", ...settings], loads });
    const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
    await engine.run(memorySource(tcpTrace(segments(steps, 0, { ackClient: true }), { sport: 25, ...ends })));
    scripts.close();
    // Without #open/#close: their wall-clock times differ between two runs a second apart.
    const smtp = scripts.logs
      .text("smtp")
      .split("\n")
      .filter((l) => !l.startsWith("#open") && !l.startsWith("#close"))
      .join("\n");
    return { smtp, notices: logRecords(scripts.logs.text("notice")), reporter: logRecords(scripts.logs.text("reporter")) };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

const US = ['SMTP::suspicious_origination_countries={"US"}'];
const FROM_LBL: Endpoints = { client: "128.3.0.9", server: "192.0.2.10" };
const FROM_ELSEWHERE: Endpoints = { client: "10.0.0.1", server: "192.0.2.10" };

test("smtp detect-suspicious-orig: a client in a watched country is a notice about the path's end (no Received header: the client)", async () => {
  const r = await run(mail([]), FROM_LBL, SCRIPT, US);
  assert.equal(r.notices.length, 1);
  const n = r.notices[0]!;
  assert.equal(n.note, "SMTP::Suspicious_Origination");
  assert.equal(n.msg, "Based up Received headers, email originated from US (128.3.0.9).");
  // Notice::Info($id=rec$id): the connection's id, src, dst and port, but no uid.
  assert.equal(n.uid, "-");
  assert.deepEqual(
    [n["id.orig_h"], n["id.resp_h"], n["id.resp_p"], n.src, n.dst, n.p, n.proto],
    ["128.3.0.9", "192.0.2.10", "25", "128.3.0.9", "192.0.2.10", "25", "tcp"],
  );
  assert.deepEqual(r.reporter, []);
});

test("smtp detect-suspicious-orig: X-Originating-IP in a watched country; a network match has an empty country", async () => {
  const steps = mail(["X-Originating-IP: [128.3.4.5]"]);
  const us = await run(steps, FROM_ELSEWHERE, SCRIPT, US);
  assert.deepEqual(
    us.notices.map((n) => n.msg),
    ["An email originated from US (128.3.4.5)."],
  );
  // The client 10.0.0.1 is in no country of the database; in a watched network it is a notice too, after the X-Originating-IP's.
  const both = await run(steps, FROM_ELSEWHERE, SCRIPT, [...US, "SMTP::suspicious_origination_networks={10.0.0.0/8}"]);
  assert.deepEqual(
    both.notices.map((n) => n.msg),
    ["An email originated from US (128.3.4.5).", "Based up Received headers, email originated from  (10.0.0.1)."],
  );
  // Networks alone: the X-Originating-IP in 128.3.0.0/16 matches with its country named.
  const nets = await run(steps, FROM_ELSEWHERE, SCRIPT, ["SMTP::suspicious_origination_networks={128.3.0.0/16}"]);
  assert.deepEqual(
    nets.notices.map((n) => n.msg),
    ["An email originated from US (128.3.4.5)."],
  );
});

test("smtp detect-suspicious-orig: the earliest Received hop is the path's end; later hops and the client are not checked", async () => {
  const steps = mail(["Received: from relay (relay [192.0.2.77]) by mx.example.com", "Received: from client (unknown [128.3.7.7]) by relay"]);
  const r = await run(steps, FROM_ELSEWHERE, SCRIPT, US);
  assert.deepEqual(
    r.notices.map((n) => n.msg),
    ["Based up Received headers, email originated from US (128.3.7.7)."],
  );
  // The client in the database, the earliest hop not: nothing.
  const hopElsewhere = await run(mail(["Received: from client (unknown [198.51.100.9]) by mx"]), FROM_LBL, SCRIPT, US);
  assert.deepEqual(hopElsewhere.notices, []);
});

test("smtp detect-suspicious-orig: nothing watched (the defaults), nothing noticed; no database, the lookup's error in reporter.log", async () => {
  const quiet = await run(mail(["X-Originating-IP: 128.3.4.5"]), FROM_LBL, SCRIPT);
  assert.deepEqual(quiet.notices, []);
  assert.deepEqual(quiet.reporter, []);
  const nodb = await run(mail(["X-Originating-IP: 128.3.4.5"]), FROM_LBL, SCRIPT, US, false);
  assert.deepEqual(nodb.notices, []);
  assert.deepEqual(
    nodb.reporter.map((r) => [r.level, r.message]),
    [["Reporter::ERROR", "Failed to open GeoIP location database (lookup_location(128.3.4.5))"]],
  );
});

test("smtp detect-suspicious-orig: without the script no notice and no lookup, and smtp.log is the same", async () => {
  const steps = mail(["X-Originating-IP: [128.3.4.5]", "Received: from client (unknown [128.3.7.7]) by relay"]);
  const settings = [...US, "SMTP::suspicious_origination_networks={0.0.0.0/0}"];
  const without = await run(steps, FROM_LBL, [], settings, false);
  assert.deepEqual(without.notices, []);
  assert.deepEqual(without.reporter, []);
  const withIt = await run(steps, FROM_LBL, SCRIPT, settings);
  assert.equal(withIt.notices.length, 2);
  assert.equal(withIt.smtp, without.smtp);
  assert.match(without.smtp, /\t128\.3\.4\.5\t/);
});

test("smtp detect-suspicious-orig: a transaction logged when its connection ends (no DATA) is checked too", async () => {
  const r = await run(mail([]).slice(0, 7), FROM_LBL, SCRIPT, US);
  assert.match(r.smtp, /\t128\.3\.0\.9\t/);
  assert.deepEqual(
    r.notices.map((n) => n.msg),
    ["Based up Received headers, email originated from US (128.3.0.9)."],
  );
});
