/**
 * With -b, a script named on the command line brings the scripts it @loads
 * in Zeek: base/protocols/http loads base/frameworks/files (files.log) and
 * base/frameworks/tunnels (tunnel.log), base/protocols/ftp loads
 * base/protocols/ssl (its analyzer, its ports, ssl.log).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadedExtensions, type RecordExtension } from "../../src/scripts/record-extensions.js";
import { scriptsLoadedBy } from "../../src/scripts/script-loads.js";
import { isLoaded, LikelyServerPorts } from "../../src/session/server-ports.js";

test("a script's closure holds what Zeek's @load lines bring, by exact names", () => {
  const http = scriptsLoadedBy(["base/protocols/http"]);
  for (const name of ["base/protocols/http", "base/frameworks/files", "base/frameworks/tunnels", "base/protocols/conn/removal-hooks"]) {
    assert.ok(http.has(name), name);
  }
  assert.ok(!http.has("base/protocols/ssl"), "http does not load ssl");
  assert.ok(!http.has("base/protocols/conn"), "only conn's removal hooks, not conn.log's script");
  const ftp = scriptsLoadedBy(["base/protocols/ftp/main.zeek"]);
  assert.ok(ftp.has("base/protocols/ssl") && ftp.has("base/files/x509"), "ftp loads ssl, which loads x509");
  // Names along ZEEKPATH: a policy script by its short name.
  assert.ok(scriptsLoadedBy(["protocols/ssl/validate-certs"]).has("base/protocols/ssl"));
});

test("isLoaded and the likely server ports follow the closure with -b, and everything without it", () => {
  assert.equal(isLoaded(true, ["base/protocols/http"], "base/frameworks/files"), true);
  assert.equal(isLoaded(true, ["base/protocols/http"], "base/protocols/ssl"), false);
  assert.equal(isLoaded(true, ["base/protocols/ftp"], "base/protocols/ssl"), true);
  // A sub-script the closure holds does not stand for its whole protocol (removal-hooks is not conn.log).
  assert.equal(isLoaded(true, ["base/protocols/http"], "base/protocols/conn"), false);
  assert.equal(isLoaded(false, [], "base/protocols/ssl"), true);
  const ports = new LikelyServerPorts(true, ["base/protocols/ftp"]);
  assert.equal(ports.tcp[21], 1, "ftp's own");
  assert.equal(ports.tcp[443], 1, "ssl's, loaded by ftp");
  assert.equal(ports.tcp[80], 0, "http's: not loaded");
});

test("record extensions: in the order the command line names them; one a named script brings comes with it, before it (its @loads run first)", () => {
  const ext = (script: string): RecordExtension<unknown> => ({ script, fields: [] });
  const all = ["certificate-request-info", "validate-certs", "ssl-log-ext", "validate-sct"].map((s) => ext(`policy/protocols/ssl/${s}`));
  const order = (loads: string[]) => loadedExtensions(all, loads).map((e) => e.script.replace("policy/protocols/ssl/", ""));
  assert.deepEqual(order(["protocols/ssl/ssl-log-ext", "protocols/ssl/certificate-request-info"]), ["ssl-log-ext", "certificate-request-info"]);
  // validate-sct @loads validate-certs: Zeek adds validation_status before valid_ct_logs, whatever comes after on the command line.
  assert.deepEqual(order(["protocols/ssl/validate-sct"]), ["validate-certs", "validate-sct"]);
  assert.deepEqual(order(["protocols/ssl/validate-sct", "protocols/ssl/ssl-log-ext", "protocols/ssl/validate-certs"]), [
    "validate-certs",
    "validate-sct",
    "ssl-log-ext",
  ]);
});
