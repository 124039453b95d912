/**
 * The seen scripts on corpus traces (skipped, with the reason, when the
 * corpus is absent): each hands what it sees to Intel::seen with its type
 * and `where` (seen/where-locations.zeek), and intel.log carries the
 * connection and file. The indicators are the traces' own (their http.log,
 * certificates); those that only a run can tell (an SSH host key's hash, a
 * file's MD5) are inserted by a handler that runs before the seen script's.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { type Intel, intelFramework } from "../../../src/scripts/intel/framework.js";
import { findAllUrls } from "../../../src/scripts/intel/smtp-url-extraction.js";
import type { IntelItem } from "../../../src/scripts/intel/types.js";
import { readSeedFile } from "../../../src/session/uid.js";
import { readTrace } from "../../../src/source/open.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../../helpers/corpus.js";

const zeekDir = join(corpusRoot(), "zeek");
const missing = existsSync(join(zeekDir, "traces")) ? false : `the corpus' traces are not at ${zeekDir} (set BRONZE_CORPUS)`;
const noCorpus = skipUnlessOracle(missing);

const item = (indicator: string, type: IntelItem["indicator_type"]): IntelItem => ({ indicator, indicator_type: type, meta: { source: "test" } });

/** intel.log's rows (uid, seen.indicator, seen.indicator_type, seen.where, fuid, file_mime_type, file_desc) after a default-scripts run of `trace`. */
async function intelRows(trace: string, loads: string[], setup: (intel: Intel, engine: Engine) => void): Promise<string[][]> {
  requireOracle(missing);
  const engine = new Engine({ loads, seed: readSeedFile(join(zeekDir, "random.seed")), ignoreChecksums: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  setup(intelFramework(engine, { logs: scripts.logs }), engine);
  await engine.run(readTrace(join(zeekDir, "traces", trace)));
  return scripts.logs
    .text("intel")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const c = l.split("\t");
      return [c[1]!, c[6]!, c[7]!, c[8]!, c[12]!, c[13]!, c[14]!];
    });
}

test("seen on HTTP: URL, Referer, User-Agent, the server's address and the client's subnet, each where Zeek says", { skip: noCorpus }, async () => {
  const rows = await intelRows("wikipedia.pcap", ["frameworks/intel/seen"], (intel, engine) => {
    engine.on("zeek_init", () => {
      intel.insert(item("bits.wikimedia.org/skins-1.5/monobook/main.css", "Intel::URL"));
      intel.insert(item("WWW.wikipedia.org/", "Intel::URL"));
      intel.insert(item("Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15", "Intel::SOFTWARE"));
      intel.insert(item("208.80.152.118", "Intel::ADDR"));
      intel.insert(item("141.142.220.0/24", "Intel::SUBNET"));
    });
  });
  const count = (where: string) => rows.filter((r) => r[3] === where).length;
  const first = (where: string) => rows.find((r) => r[3] === where);
  assert.deepEqual(first("HTTP::IN_URL")?.slice(1, 4), ["bits.wikimedia.org/skins-1.5/monobook/main.css", "Intel::URL", "HTTP::IN_URL"]);
  assert.deepEqual(first("HTTP::IN_REFERRER_HEADER")?.slice(1, 3), ["www.wikipedia.org/", "Intel::URL"], "the scheme is cut; matched whatever the case");
  assert.equal(count("HTTP::IN_USER_AGENT_HEADER"), 14, "every request's User-Agent");
  assert.deepEqual(first("Conn::IN_RESP")?.slice(1, 3), ["208.80.152.118", "Intel::ADDR"]);
  // Every established TCP connection's client is in the subnet: one Conn::IN_ORIG row each.
  assert.ok(count("Conn::IN_ORIG") >= 6, String(count("Conn::IN_ORIG")));
  assert.ok(rows.every((r) => r[0]!.startsWith("C") && r[4] === "-"));
});

test("seen on SSH and files: the server host key's hash, a file's MD5 with its MIME type and description", { skip: noCorpus }, async () => {
  const ssh = await intelRows("ssh/single-conn.pcap", ["frameworks/intel/seen"], (intel, engine) => {
    engine.on("ssh_server_host_key", (_c, hash) => intel.insert(item(hash, "Intel::PUBKEY_HASH")), { priority: 10 });
  });
  assert.equal(ssh.length, 1);
  assert.match(ssh[0]![1]!, /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  assert.deepEqual(ssh[0]!.slice(2, 4), ["Intel::PUBKEY_HASH", "SSH::IN_SERVER_HOST_KEY"]);
  const files = await intelRows("http/http-filename.pcap", ["frameworks/intel/seen", "frameworks/files/hash-all-files"], (intel, engine) => {
    engine.on("file_hash", (_f, kind, hash) => kind === "md5" && intel.insert(item(hash, "Intel::FILE_HASH")), { priority: 10 });
  });
  assert.equal(files.length, 1);
  assert.deepEqual(files[0]!.slice(2, 5), ["Intel::FILE_HASH", "Files::IN_HASH", "FiokML36uuy5agr5x3"]);
  assert.match(files[0]![6]!, /^http:\/\/httpbin\.org\/response-headers\?/, "Files::describe: the request's URL");
});

test("smtp-url-extraction: URLs as Zeek's url_regex finds them (a path runs to a blank), seen without their scheme in mail bodies", {
  skip: noCorpus,
}, async () => {
  assert.deepEqual(findAllUrls("see http://a.example/x?y=1 and HTTPS://b.example.org,\tftp://-.c/d\r\ne f"), [
    "http://a.example/x?y=1",
    "HTTPS://b.example.org,",
    "ftp://-.c/d\r\ne",
  ]);
  assert.deepEqual(findAllUrls("xxhttps://a.b http:/no"), ["https://a.b"], "a scheme of 3 to 5 letters, matched where it fits");
  const rows = await intelRows("smtp.pcap", ["frameworks/intel/seen"], (intel, engine) => {
    engine.on("zeek_init", () => intel.insert(item('schemas.microsoft.com/office/2004/12/omml"', "Intel::URL")));
  });
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => r[3] === "SMTP::IN_MESSAGE" && r[1] === 'schemas.microsoft.com/office/2004/12/omml"'));
});

test("manage-event-groups: a type's seen checks run only while the store holds an indicator of that type", { skip: noCorpus }, async () => {
  /** How many seen_policy calls are about addresses of Received headers, with an ADDR indicator in the store or not. */
  const received = async (loads: string[], withAddr: boolean): Promise<number> => {
    let n = 0;
    await intelRows("smtp.pcap", loads, (intel, engine) => {
      intel.onSeenPolicy((s) => void (s.where === "SMTP::IN_RECEIVED_HEADER" && n++));
      engine.on("zeek_init", () => {
        intel.insert(item("nothing.example", "Intel::DOMAIN"));
        if (withAddr) intel.insert(item("192.0.2.1", "Intel::ADDR"));
      });
    });
    return n;
  };
  const managed = ["frameworks/intel/seen", "frameworks/intel/seen/manage-event-groups"];
  assert.equal(await received(managed, false), 0, "no ADDR indicator: the mail's addresses are not checked");
  const checked = await received(managed, true);
  assert.ok(checked > 0);
  assert.equal(await received(["frameworks/intel/seen"], false), checked, "without the script every check runs");
});
