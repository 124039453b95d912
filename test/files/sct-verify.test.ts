/**
 * Certificate Transparency as validate-sct checks it: Zeek's ct-list as
 * bronze has it (src/files/x509/ct-list.ts, generated from Zeek's source),
 * its reader of ct_logs entries, and sct_verify's rule
 * (src/files/x509/sct-verify.ts) on SCTs signed here with a key of our
 * own, over a certificate and over a precertificate, the signed data
 * written out as RFC 6962 §3.2 lays it. Zeek's btest of validate-sct runs
 * on the corpus' traces (test/conformance/validate-certs-btests.test.ts);
 * base/files/x509's two btests of SCTs, printed from their handlers, here.
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { serverCertificateOf, sslInfoOf } from "../../src/analyzer/app/ssl/log.js";
import { validChainOf } from "../../src/analyzer/app/ssl/validate-certs.js";
import { type CtLog, ctLogs, parseZeekCtLogs } from "../../src/files/x509/ct-logs.js";
import { x509SpkiHash } from "../../src/files/x509/functions.js";
import { precertTbs, spkiSha256, verifySct } from "../../src/files/x509/sct-verify.js";
import { type Connection, Engine, loadBuiltinScripts, openTrace } from "../../src/index.js";
import { type Bytes, int, oid, seq, str, tlv } from "../analyzer/app/ber-helpers.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { makeCert } from "../helpers/x509-builder.js";
import { maskFirstTime, zeekDouble } from "../helpers/zeek-print.js";
import { MOZILLA_CA_LIST, pemBundle, zeekRootCertificates } from "../helpers/zeek-root-certs.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";

test("ct-list: every log's id is the SHA-256 of its key; ct_logs entries are read as Zeek writes them", () => {
  const builtIn = ctLogs("");
  assert.ok(builtIn.size > 10, "Zeek's list is there");
  for (const [id, log] of builtIn) assert.equal(createHash("sha256").update(log.key).digest().toString("latin1"), id, log.description);
  const text = `redef SSL::ct_logs += {
["\\x01\\x02"] = SSL::CTInfo($description="Test (one) log", $operator="Tester", $url="ct.example/", $maximum_merge_delay=86400, $key="\\x30\\x03\\x41\\"\\\\"),
};`;
  const entries = [...parseZeekCtLogs(text)];
  assert.equal(entries.length, 1);
  const [id, log] = entries[0]!;
  assert.equal(id, "\x01\x02");
  assert.deepEqual(
    { ...log, key: [...log.key] },
    {
      description: "Test (one) log",
      operator: "Tester",
      url: "ct.example/",
      maximumMergeDelay: 86400,
      key: [0x30, 0x03, 0x41, 0x22, 0x5c],
    },
  );
});

const logKeys = generateKeyPairSync("ec", { namedCurve: "P-256" });
const LOG_KEY = Uint8Array.from(logKeys.publicKey.export({ type: "spki", format: "der" }));
const TIMESTAMP = 1700000000123;
const u24 = (n: number): Bytes => [n >> 16, (n >> 8) & 0xff, n & 0xff];

/** RFC 6962's digitally-signed data: version, signature type, timestamp, entry type, [issuer key hash], the entry, no extensions. */
function signed(entry: Uint8Array, issuerKeyHash?: Uint8Array): Uint8Array {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(BigInt(TIMESTAMP));
  const type = issuerKeyHash === undefined ? [0, 0] : [0, 1];
  const data = Buffer.concat([
    Uint8Array.of(0, 0),
    ts,
    Uint8Array.from(type),
    issuerKeyHash ?? new Uint8Array(0),
    Uint8Array.from(u24(entry.length)),
    entry,
    Uint8Array.of(0, 0),
  ]);
  return Uint8Array.from(sign("sha256", data, logKeys.privateKey));
}

test("sct_verify: an SCT over the certificate itself verifies with the log's key, and not with another time, hash or key", () => {
  const cert = makeCert({ subject: "www.example.org" }).der;
  const signature = signed(cert);
  assert.equal(verifySct(cert, { timestamp: TIMESTAMP, hashAlg: 4, signature }, LOG_KEY), true);
  assert.equal(verifySct(cert, { timestamp: TIMESTAMP + 1, hashAlg: 4, signature }, LOG_KEY), false);
  assert.equal(verifySct(cert, { timestamp: TIMESTAMP, hashAlg: 9, signature }, LOG_KEY), false, "no such hash algorithm");
  const other = Uint8Array.from(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }));
  assert.equal(verifySct(cert, { timestamp: TIMESTAMP, hashAlg: 4, signature }, other), false);
  assert.equal(verifySct(cert, { timestamp: TIMESTAMP, hashAlg: 4, signature }, Uint8Array.of(1, 2, 3)), false, "a key that does not decode");
});

test("sct_verify: an embedded SCT is over the TBSCertificate without its SCT extension and the issuer's key hash", () => {
  const issuer = makeCert({ subject: "CT Test CA", ca: true });
  const ext = (id: string, value: Bytes): Bytes => seq(oid(id), tlv(0x04, value));
  const head = [tlv(0xa0, int(2)), int(5), seq(oid("1.2.840.10045.4.3.2")), seq(tlv(0x31, seq(oid("2.5.4.3"), str(0x0c, "CT Test CA"))))];
  const basic = ext("2.5.29.19", seq());
  const scts = ext("1.3.6.1.4.1.11129.2.4.2", tlv(0x04, [0, 0]));
  const tbsWith = seq(...head, tlv(0xa3, seq(basic, scts)));
  const tbsWithout = Uint8Array.from(seq(...head, tlv(0xa3, seq(basic))));
  const cert = Uint8Array.from(seq(tbsWith, seq(oid("1.2.840.10045.4.3.2")), tlv(0x03, [0, 1, 2])));
  assert.deepEqual([...precertTbs(cert)], [...tbsWithout]);
  const issuerKeyHash = spkiSha256(issuer.der);
  const signature = signed(tbsWithout, issuerKeyHash);
  const proof = { timestamp: TIMESTAMP, hashAlg: 4, signature };
  assert.equal(verifySct(cert, proof, LOG_KEY, issuerKeyHash), true);
  assert.equal(verifySct(cert, proof, LOG_KEY, spkiSha256(makeCert({ subject: "Another CA", ca: true }).der)), false);
  assert.equal(verifySct(cert, proof, LOG_KEY), false, "not over the certificate itself");
});

/** An SCT as the btests' handler keeps it (their LogInfo record). */
interface CtProof {
  readonly logid: string;
  readonly timestamp: number;
  readonly hashAlg: number;
  readonly signature: string;
}

/** The btests' ct_logs: Zeek's list and their redefs (SSL::ct_logs += {…}). */
function btestCtLogs(script: string): ReadonlyMap<string, CtLog> {
  return new Map([...ctLogs(""), ...parseZeekCtLogs(script)]);
}

/** sct_verify of `p` over `cert` with its log's key, its time moved by `skew` ms ("Bad verify" is one ms off). */
function verdict(logs: ReadonlyMap<string, CtLog>, cert: Uint8Array, p: CtProof, skew: number, issuerKeyHash?: Uint8Array): string {
  const key = logs.get(p.logid)?.key ?? new Uint8Array(0);
  const ok = verifySct(cert, { timestamp: p.timestamp + skew, hashAlg: p.hashAlg, signature: Buffer.from(p.signature, "latin1") }, key, issuerKeyHash);
  return ok ? "T" : "F";
}

/**
 * Both btests' x509_ocsp_ext_signed_certificate_timestamp: prints the SCT,
 * then, for a file of one SSL connection whose server certificate parsed,
 * hands it on with that certificate's DER.
 */
function onSct(
  engine: Engine,
  logs: ReadonlyMap<string, CtLog>,
  print: (line: string) => void,
  then: (c: Connection, cert: Uint8Array, p: CtProof) => void,
): void {
  engine.on("x509_ocsp_ext_signed_certificate_timestamp", (f, version, logid, timestamp, hashAlg, sigAlg, signature) => {
    print(`${version}, ${logs.get(logid)?.description}, ${zeekDouble(timestamp / 1000)}, ${hashAlg}, ${sigAlg}`);
    const [c] = f.conns.values();
    if (f.conns.size !== 1 || c === undefined || sslInfoOf(engine, c) === undefined) return;
    const server = serverCertificateOf(engine, c);
    if (server !== undefined) then(c, server.x509.handle.der, { logid, timestamp, hashAlg, signature });
  });
}

async function sctBtestRun(
  trace: string,
  loads: string[],
  settings: string[],
  twin: (engine: Engine, print: (line: string) => void) => void,
): Promise<string[]> {
  const engine = new Engine({ bare: true, loads, settings, seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads });
  const printed: string[] = [];
  twin(engine, (line) => void printed.push(line));
  await engine.run(await openTrace(join(corpusRoot(), "zeek", "traces", trace)));
  scripts.close();
  return printed.map(maskFirstTime);
}

const SCT_BTESTS = "testing/btest/scripts/base/files/x509";

test("Zeek's btest files/x509/signed_certificate_timestamp: a certificate's SCTs, each verified at ssl_established over the precertificate with the valid chain's issuer key", async (t) => {
  const zeek = zeekSource();
  if (zeek === null || !existsSync(join(corpusRoot(), "zeek", "traces", "tls/certificate-with-sct.pcap"))) {
    return void oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' certificate-with-sct.pcap");
  }
  const script = zeek.read(`${SCT_BTESTS}/signed_certificate_timestamp.test`);
  const logs = btestCtLogs(script);
  const dir = mkdtempSync(join(tmpdir(), "bronze-sct-btest-"));
  try {
    // SSL::root_certs: Zeek's list and the WoSign root the btest adds.
    const roots = join(dir, "roots.pem");
    writeFileSync(roots, pemBundle([...zeekRootCertificates(zeek.read(MOZILLA_CA_LIST)), ...zeekRootCertificates(script)]));
    const settings = [`SSL::root_certs_file=${roots}`, "SSL::ssl_store_valid_chain=T"];
    const printed = await sctBtestRun("tls/certificate-with-sct.pcap", ["protocols/ssl/validate-certs"], settings, (engine, print) => {
      const proofs = new Map<string, CtProof[]>();
      onSct(engine, logs, print, (c, _cert, p) => void proofs.set(c.uid, [...(proofs.get(c.uid) ?? []), p]));
      engine.on("ssl_established", (c) => {
        const server = serverCertificateOf(engine, c);
        const session = sslInfoOf(engine, c);
        const valid = session === undefined ? undefined : validChainOf(session);
        if (server === undefined || valid === undefined || valid.length < 2) return;
        const issuerKeyHash = x509SpkiHash(valid[1]!.der, 4);
        for (const p of proofs.get(c.uid) ?? []) {
          const description = logs.get(p.logid)?.description;
          print(`Verify of, ${description}, ${verdict(logs, server.x509.handle.der, p, 0, issuerKeyHash)}`);
          print(`Bad verify of, ${description}, ${verdict(logs, server.x509.handle.der, p, 1, issuerKeyHash)}`);
        }
      });
    });
    assert.deepEqual(printed, baselineLines(zeek, "scripts.base.files.x509.signed_certificate_timestamp/.stdout"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("Zeek's btest files/x509/signed_certificate_timestamp_ocsp: a stapled OCSP response's SCTs (OCSP_REPLY registered), each verified over the server's certificate", async (t) => {
  const zeek = zeekSource();
  if (zeek === null || !existsSync(join(corpusRoot(), "zeek", "traces", "tls/signed_certificate_timestamp.pcap"))) {
    return void oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' signed_certificate_timestamp.pcap");
  }
  const logs = btestCtLogs(zeek.read(`${SCT_BTESTS}/signed_certificate_timestamp_ocsp.test`));
  const printed = await sctBtestRun("tls/signed_certificate_timestamp.pcap", ["base/protocols/ssl"], [], (engine, print) => {
    engine.on("zeek_init", () => void engine.fileManager().registerForMimeType("OCSP_REPLY", "application/ocsp-response"));
    onSct(engine, logs, print, (_c, cert, p) => {
      const description = logs.get(p.logid)?.description;
      print(`Verify of, ${description}, ${verdict(logs, cert, p, 0)}`);
      print(`Bad verify of, ${description}, ${verdict(logs, cert, p, 1)}`);
    });
  });
  assert.deepEqual(printed, baselineLines(zeek, "scripts.base.files.x509.signed_certificate_timestamp_ocsp/.stdout"));
});
