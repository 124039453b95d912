/**
 * Files::describe for certificates carried by Kerberos (PKINIT, Zeek's
 * base/protocols/krb/files.zeek describe_file): the KDC's address and port
 * of the certificate's connection, seen through intel.log's file_desc when
 * the certificates' SHA-256s are FILE_HASH indicators (Zeek's kinit trace:
 * the KDC's certificate over UDP and TCP, a client's over TCP).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { intelFramework } from "../../../src/scripts/intel/framework.js";
import { readSeedFile } from "../../../src/session/uid.js";
import { readTrace } from "../../../src/source/open.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../../helpers/corpus.js";
import { logRecords } from "../../helpers/tsv.js";

const zeekDir = join(corpusRoot(), "zeek");
const missing = existsSync(join(zeekDir, "traces")) ? false : `the corpus' traces are not at ${zeekDir} (set BRONZE_CORPUS)`;

/** x509.log's fingerprints (SHA-256) of the trace's two certificates. */
const KDC_CERT = "06e392a45f360421af71a59b7f287bddb2d2ddd1d85b0077ca6cfba0b1d38007";
const CLIENT_CERT = "a2c133cda5bc209e197a7174f9c5f5b507733a5d8a4ffb256dddc3470236efea";

test("KRB certificates: file_desc is the KDC's address and port of the certificate's connection (UDP or TCP)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const loads = ["frameworks/intel/seen"];
  const engine = new Engine({ loads, seed: readSeedFile(join(zeekDir, "random.seed")), ignoreChecksums: true });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  const intel = intelFramework(engine, { logs: scripts.logs });
  for (const hash of [KDC_CERT, CLIENT_CERT]) intel.insert({ indicator: hash, indicator_type: "Intel::FILE_HASH", meta: { source: "test" } });
  await engine.run(readTrace(join(zeekDir, "traces/krb/kinit.pcap")));
  scripts.close();
  assert.deepEqual(
    logRecords(scripts.logs.text("intel")).map((r) => [r["seen.indicator"], r.fuid, r.file_mime_type, r.file_desc]),
    [
      [KDC_CERT, "F93jtI1tJOo9bgv51k", "application/x-x509-user-cert", "192.168.1.32:88/udp"],
      [KDC_CERT, "FHP76F1rox7XjASIh6", "application/x-x509-user-cert", "192.168.1.32:88/tcp"],
      [CLIENT_CERT, "FBORzNie9gfN0ciui", "application/x-x509-user-cert", "192.168.1.32:88/tcp"],
      [KDC_CERT, "FludsI1upv7vtiQ8ui", "application/x-x509-user-cert", "192.168.1.32:88/tcp"],
    ],
  );
});
