/**
 * policy/frameworks/notice/community-id: notice.log's community_id. Zeek's
 * btest (scripts.policy.frameworks.notice.community-id) replayed: a notice
 * at zeek_init without a connection, and one at new_connection and one at
 * connection_established of http/get.pcap, cut to its columns.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { readTrace } from "../../src/source/open.js";
import { corpusRoot } from "../helpers/corpus.js";

const trace = join(corpusRoot(), "zeek", "traces", "http", "get.pcap");
const noCorpus = existsSync(trace) ? false : `corpus trace not found at ${trace} (set BRONZE_CORPUS)`;

/** Zeek's baseline (notice.log cut to id.orig_h id.orig_p id.resp_h id.resp_p proto community_id note msg). */
const BASELINE = [
  "-\t-\t-\t-\t-\t-\tCOMMUNITY_ID_INIT\tZeek initializing",
  "141.142.228.5\t59856\t192.150.187.43\t80\ttcp\t1:yvyB8h+3dnggTZW0UEITWCst97w=\tCOMMUNITY_ID_NEW_CONNECTION\tNew connection",
  "141.142.228.5\t59856\t192.150.187.43\t80\ttcp\t1:yvyB8h+3dnggTZW0UEITWCst97w=\tCOMMUNITY_ID_CONN_ESTABLISHED\tConnection establishment",
];

test("notice/community-id: a notice's connection gives it the Community ID; one without a connection none", { skip: noCorpus }, async () => {
  const loads = ["protocols/conn/community-id-logging", "frameworks/notice/community-id"];
  const engine = new Engine({ loads, bare: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, bare: true });
  engine.on("zeek_init", () => void scripts.notices.notice({ note: "COMMUNITY_ID_INIT", msg: "Zeek initializing" }));
  engine.on("new_connection", (c) => void scripts.notices.notice({ note: "COMMUNITY_ID_NEW_CONNECTION", msg: "New connection", conn: c }));
  engine.on("connection_established", (c) => void scripts.notices.notice({ note: "COMMUNITY_ID_CONN_ESTABLISHED", msg: "Connection establishment", conn: c }));
  await engine.run(readTrace(trace));
  const text = scripts.logs.text("notice");
  const header = text
    .split("\n")
    .find((l) => l.startsWith("#fields"))!
    .split("\t")
    .slice(1);
  const cut = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "community_id", "note", "msg"].map((f) => header.indexOf(f));
  const rows = text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => cut.map((i) => l.split("\t")[i]).join("\t"));
  assert.deepEqual(rows, BASELINE);
  // community-id-logging comes with it: conn.log has the column too.
  assert.ok(scripts.logs.text("conn").includes("1:yvyB8h+3dnggTZW0UEITWCst97w="));
});
