/**
 * `bronze -s FILE`: signature files on the command line (Zeek's -s), with
 * ".sig" added when the name lacks it, signatures.log by default and not
 * with -b, a bad file as one error line, and Zeek's own signature files by
 * their names.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { bronze, oneErrorLine, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

/** The sample trace's one TCP exchange carries "hello" and "world"; its DNS query "query". */
const SIGS = `# user signatures
signature hello { ip-proto == tcp payload /hello/ event "greeting" }
signature world { tcp-state responder payload /world/ requires-reverse-signature hello event "answer" }
signature query { ip-proto == udp dst-port == 53 payload /que/ event "dns query" }
`;

/** A file `name` in `dir` with `text`: its path. */
function writeIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The sample trace, written in `dir`: its path. */
function sampleIn(dir: string): string {
  const trace = join(dir, "t.pcap");
  writeFileSync(trace, sampleTrace());
  return trace;
}

function rows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

test(
  "-s NAME finds NAME.sig; matches go to signatures.log (src is the side that sent the data)",
  withDir(async (dir) => {
    const trace = sampleIn(dir);
    writeFileSync(join(dir, "rules.sig"), SIGS);
    const r = await bronze(["-r", trace, "-s", join(dir, "rules"), "--logdir", dir]);
    assert.equal(r.code, 0, r.err);
    const log = rows(readFileSync(join(dir, "signatures.log"), "utf8"));
    assert.deepEqual(
      log.map((row) => [row[2], row[7], row[8], row[9]]),
      [
        ["10.0.0.7", "hello", "10.0.0.7: greeting", "hello"],
        ["93.184.216.34", "world", "93.184.216.34: answer", "world"],
        ["10.0.0.7", "query", "10.0.0.7: dns query", "query"],
      ],
    );
  }),
);

test(
  "-s is repeatable, and with -b no signatures.log is written (the framework is not loaded)",
  withDir(async (dir) => {
    const trace = sampleIn(dir);
    writeFileSync(join(dir, "a.sig"), 'signature a { ip-proto == udp event "a" }\n');
    writeFileSync(join(dir, "b.sig"), 'signature b { requires-signature a event "b" }\n');
    const script = join(dir, "p.ts");
    writeFileSync(script, "export function signature_match(s: { sig_id: string }, msg: string) { console.log(s.sig_id, msg); }\n");
    const r = await bronze(["-b", "-r", trace, "-s", join(dir, "a.sig"), "-s", join(dir, "b.sig"), script, "--logdir", dir]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "a a\nb b\n");
    assert.equal(existsSync(join(dir, "signatures.log")), false);
  }),
);

test(
  "a bad signature file is one error line naming the file and line; a missing one too",
  withDir(async (dir) => {
    const trace = sampleIn(dir);
    const bad = writeIn(dir, "bad.sig", 'signature x {\n  payload /a/\n  eval my_check\n  event "x"\n}\n');
    // No script registers my_check: refused when the run starts, before any packet.
    oneErrorLine(await bronze(["-r", trace, "-s", bad, "--logdir", dir]), /^bronze: Error in signature \(.*bad\.sig:3\): unknown identifier \(my_check\)/);
    assert.equal(existsSync(join(dir, "conn.log")), false, "no log is written");
    oneErrorLine(await bronze(["-r", trace, "-s", join(dir, "nope")]), /can't find signature file .*nope/);
  }),
);

test(
  "a policy script registers an eval function and a custom event handler after -s loaded the signatures",
  withDir(async (dir) => {
    const trace = sampleIn(dir);
    const sig = writeIn(dir, "e.sig", 'signature h {\n  payload /hello/\n  eval check\n  event seen "hi"\n}\n');
    const script = writeIn(
      dir,
      "p.ts",
      [
        'import type { Engine } from "bronze";',
        "export default (engine: Engine) => {",
        '  engine.signatureCondition("check", (_s, data) => { console.log("check", data); return true; });',
        '  engine.onSignatureEvent("seen", "message", (s, msg) => console.log("seen", s.sig_id, msg));',
        "};",
      ].join("\n"),
    );
    const r = await bronze(["-b", "-r", trace, "-s", sig, script, "--logdir", dir]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "check hello\nseen h hi\n");
  }),
);

test(
  "-b -s base/protocols/ssl/dpd.sig: Zeek's own signature file by its name starts SSL with no SSL script loaded",
  withDir(async (dir, t) => {
    const trace = join(corpusRoot(), "zeek", "traces", "tls", "tls1.2.pcap");
    if (!existsSync(trace)) return oracleMissing(t, `corpus trace missing: ${trace}`);
    const script = join(dir, "p.ts");
    writeFileSync(script, "export function ssl_client_hello(_c: unknown, version: number) { console.log(version); }\n");
    const base = ["-b", "-r", trace, "base/protocols/conn", script, "--logdir", dir];
    const without = await bronze(base);
    assert.equal(without.code, 0, without.err);
    assert.equal(without.out, "");
    for (const name of ["base/protocols/ssl/dpd.sig", "base/protocols/ssl/dpd"]) {
      const r = await bronze([...base, "-s", name]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, "771\n", name);
      assert.equal(existsSync(join(dir, "ssl.log")), false, "the SSL script is not loaded");
    }
  }),
);

test("--help describes -s", async () => {
  const r = await bronze(["--help"]);
  assert.match(r.out, /-s FILE +load Zeek signatures from FILE/);
});
