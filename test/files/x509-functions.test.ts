/**
 * Zeek's X.509 functions as scripts call them (src/files/x509/functions.ts):
 * x509Verify on chains made here (OpenSSL's codes and texts, the verified
 * chain, roots as a list or as Zeek's name-to-DER table), the name and key
 * hashes against node:crypto's view of the same certificates, and x509Parse.
 * and the hostname checks. Then Zeek's btests bifs/x509_verify and
 * files/x509/x509_check_cert_hostname, replayed on its trace with its roots
 * and held to its baseline (read from Zeek's source; skipped without it).
 */
import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import type { FaFile } from "../../src/files/file.js";
import type { X509CertRecord } from "../../src/files/x509/cert.js";
import {
  x509CheckCertHostname,
  x509CheckHostname,
  x509IssuerNameHash,
  x509Parse,
  x509SpkiHash,
  x509SubjectNameHash,
  x509Verify,
} from "../../src/files/x509/functions.js";
import { matchedCertName } from "../../src/files/x509/hostname.js";
import type { X509Handle } from "../../src/files/x509/x509.js";
import { type Connection, Engine, loadBuiltinScripts, openTrace } from "../../src/index.js";
import { canonicalBtestLog } from "../conformance/btest-applogs-harness.js";
import { runWithHandlers } from "../conformance/handler-run.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { makeCert, type TestCa } from "../helpers/x509-builder.js";
import { zeekRootCertificates } from "../helpers/zeek-root-certs.js";
import { ZEEK_SEED } from "../session/harness.js";
import { baselineLines, zeekSource } from "../signatures/btest-harness.js";

/** Late 2023: inside the test certificates' default validity (2020 to 2035). */
const T0 = 1_700_000_000;

const root = makeCert({ subject: "Bronze Function Root", ca: true });
const intermediate = makeCert({ subject: "Bronze Function Intermediate", issuer: root, ca: true });
const leaf = makeCert({ subject: "functions.example", issuer: intermediate });
const ders = (certs: TestCa[]): Uint8Array[] => certs.map((c) => c.der);

test("x509Verify: a complete chain is ok, and the verified chain runs from the leaf to the root", () => {
  const r = x509Verify(ders([leaf, intermediate]), ders([root]), T0);
  assert.equal(r.result, 0);
  assert.equal(r.result_string, "ok");
  assert.deepEqual(
    r.chain_certs?.map((d) => Buffer.from(d).toString("hex")),
    ders([leaf, intermediate, root]).map((d) => Buffer.from(d).toString("hex")),
  );
});

test("x509Verify: OpenSSL's codes and texts for what fails, and no chain then", () => {
  const expired = makeCert({ subject: "expired.example", issuer: intermediate, notAfter: T0 - 86_400 });
  const cases: [Uint8Array[], Uint8Array[], number, string][] = [
    [ders([expired, intermediate]), ders([root]), 10, "certificate has expired"],
    [ders([leaf]), ders([root]), 20, "unable to get local issuer certificate"],
    // An intermediate alone in the store: without X509_V_FLAG_PARTIAL_CHAIN (Zeek sets none) OpenSSL still wants its issuer.
    [ders([leaf, intermediate]), ders([intermediate]), 2, "unable to get issuer certificate"],
    [ders([leaf, intermediate]), [], 20, "unable to get local issuer certificate"],
  ];
  for (const [certs, roots, code, text] of cases) {
    const r = x509Verify(certs, roots, T0);
    assert.deepEqual([r.result, r.result_string], [code, text]);
    assert.equal(r.chain_certs !== undefined, code === 0);
  }
  // Before the leaf's notBefore (2020-01-01).
  assert.deepEqual(x509Verify(ders([leaf, intermediate]), ders([root]), 1_500_000_000).result_string, "certificate is not yet valid");
});

test("x509Verify: no certificate, or one that does not decode, is Zeek's -1", () => {
  assert.deepEqual(x509Verify([], ders([root]), T0), { result: -1, result_string: "no certificates" });
  assert.deepEqual(x509Verify([Uint8Array.of(0x30, 0x03, 1, 2, 3)], ders([root]), T0), { result: -1, result_string: "No certificate in opaque" });
  // An undecodable intermediate is left out; an undecodable root too.
  assert.equal(x509Verify([leaf.der, Uint8Array.of(1, 2), intermediate.der], [Uint8Array.of(9), root.der], T0).result_string, "ok");
});

test("x509Verify: roots as Zeek's SSL::root_certs table verify as the same list does", () => {
  const table = new Map([["CN=Bronze Function Root", root.der]]);
  assert.equal(x509Verify(ders([leaf, intermediate]), table, T0).result_string, "ok");
  assert.equal(x509Verify(ders([leaf, intermediate]), new Map([["CN=Other", leaf.der]]), T0).result, 20);
});

test("x509 name and key hashes: the DER of the Name and of the SubjectPublicKeyInfo, by the TLS hash numbers", () => {
  const spki = new X509Certificate(leaf.der).publicKey.export({ type: "spki", format: "der" });
  assert.deepEqual(Buffer.from(x509SpkiHash(leaf.der, 4)), createHash("sha256").update(spki).digest());
  assert.deepEqual(Buffer.from(x509SpkiHash(leaf.der, 1)), createHash("md5").update(spki).digest());
  // The leaf's issuer Name is its issuer's subject Name, byte for byte; a self-signed root's are its own.
  assert.deepEqual(x509IssuerNameHash(leaf.der, 2), x509SubjectNameHash(intermediate.der, 2));
  assert.deepEqual(x509IssuerNameHash(root.der, 4), x509SubjectNameHash(root.der, 4));
  assert.notDeepEqual(x509SubjectNameHash(leaf.der, 4), x509SubjectNameHash(intermediate.der, 4));
  assert.equal(x509SubjectNameHash(leaf.der, 6).length, 64);
  assert.throws(() => x509SpkiHash(leaf.der, 9), RangeError);
});

test("x509Parse: the certificate record x509_certificate carries, or null", () => {
  const c = x509Parse(leaf.der);
  assert.equal(c?.subject, "CN=functions.example");
  assert.equal(c?.issuer, "CN=Bronze Function Intermediate");
  assert.equal(x509Parse(Uint8Array.of(0x30, 0x00)), null);
});

const BTEST = "testing/btest/bifs/x509_verify.zeek";
const BASELINE = "testing/btest/Baseline/bifs.x509_verify/out";

/**
 * bifs/x509_verify: at each ssl_established, the server's chain verified
 * against the three roots the btest's own SSL::root_certs holds, and for
 * the chain that verifies each certificate's SHA-1 and subject (x509_parse).
 */
test("Zeek's btest bifs/x509_verify: the same output", async (t: TestContext) => {
  const zeek = zeekSource();
  const trace = join(corpusRoot(), "zeek", "traces", "tls", "tls-expired-cert.pcap");
  if (zeek === null || !existsSync(trace)) {
    oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' tls-expired-cert.pcap");
    return;
  }
  const roots = zeekRootCertificates(zeek.read(BTEST));
  assert.equal(roots.length, 3);
  const engine = new Engine({ loads: ["base/protocols/ssl"], bare: true });
  loadBuiltinScripts(engine, { memory: true, loads: ["base/protocols/ssl"] });
  // The server's certificates of each connection in order (c$ssl$cert_chain's handles).
  const chains = new Map<string, Uint8Array[]>();
  engine.bus.on("x509_certificate", (f: FaFile, ref: X509Handle, _cert: X509CertRecord) => {
    if (f.is_orig !== false) return;
    for (const uid of f.conns.keys()) chains.set(uid, [...(chains.get(uid) ?? []), ref.der]);
  });
  const out: string[] = [];
  engine.bus.on(
    "ssl_established",
    (c: Connection) => {
      const result = x509Verify(chains.get(c.uid) ?? [], roots, engine.clock.now);
      out.push(`Validation result: ${result.result_string}`);
      if (result.result !== 0) return;
      out.push("Resulting chain:");
      for (const der of result.chain_certs ?? []) {
        const sha1 = createHash("sha1").update(der).digest("hex");
        out.push(`Fingerprint: ${sha1}, Subject: ${x509Parse(der)?.subject}`);
      }
    },
    { priority: 3 },
  );
  await engine.run(await openTrace(trace));
  const expected = zeek
    .read(BASELINE)
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("###"));
  assert.deepEqual(out, expected);
});

test("x509CheckHostname: exact names, and a wildcard that ends the leftmost label of a name of three labels or more", () => {
  const cases: Array<[host: string, name: string, matches: boolean]> = [
    ["www.example.com", "www.example.com", true],
    ["www.example.com", "*.example.com", true],
    ["www.example.com", "w*.example.com", true],
    ["mail.example.com", "w*.example.com", false],
    // One label only, and never the second level.
    ["a.www.example.com", "*.example.com", false],
    ["example.com", "*.com", false],
    // The wildcard must end its label, and be in the first one.
    ["www.example.com", "*w.example.com", false],
    ["www.example.com", "www.*.com", false],
    ["www", "*.example.com", false],
  ];
  for (const [host, name, matches] of cases) assert.equal(x509CheckHostname(host, name), matches, `${host} against ${name}`);
});

test('x509_check_cert_hostname: the SAN\'s first matching DNS name when there is a SAN (the CN then ignored), else the last CN; "" otherwise', () => {
  const san = { dns: ["example.org", "*.example.com", "www.example.com"], other_fields: false };
  assert.equal(matchedCertName({ san, certificate: { cn: "www.example.net" } }, "www.example.com"), "*.example.com");
  assert.equal(matchedCertName({ san, certificate: { cn: "www.example.net" } }, "www.example.net"), "");
  assert.equal(matchedCertName({ san: { other_fields: true }, certificate: { cn: "a.b" } }, "a.b"), "");
  assert.equal(matchedCertName({ certificate: { cn: "*.example.net" } }, "www.example.net"), "*.example.net");
  assert.equal(matchedCertName({ certificate: {} }, "www.example.net"), "");
  // A certificate without a SAN, by its DER: the CN; one that does not decode matches nothing.
  assert.equal(x509CheckCertHostname(leaf.der, "functions.example"), "functions.example");
  assert.equal(x509CheckCertHostname(leaf.der, "other.example"), "");
  assert.equal(x509CheckCertHostname(Uint8Array.of(0x30, 0x00), "functions.example"), "");
});

/** x509_check_cert_hostname's btest: each run's trace, its extra load, and the names its x509_certificate handler checks. */
const HOSTNAME_RUNS = [
  { trace: "tls/google-duplicate.pcap", loads: [], names: ["www.google.com", "www.zeek.org", "hello.android.com", "g.co", "Google Internet Authority G2"] },
  { trace: "tls/tls-fragmented-handshake.pcap.gz", loads: [], names: ["Bro", "Broo", "www.zeek.org", "9566.alt.helloIamADomain.example"] },
  { trace: "rdp/rdp-to-ssl.pcap", loads: ["base/protocols/rdp"], names: ["WIN2K8R2.awakecoding.ath.cx", "awakecoding.ath.cx", "www.zeek.org"] },
];

test("Zeek's btest files/x509/x509_check_cert_hostname: each certificate's match of names, its SAN's or its CN's, as the btest prints them", async (t) => {
  const zeek = zeekSource();
  const traces = HOSTNAME_RUNS.map((r) => join(corpusRoot(), "zeek", "traces", r.trace));
  if (zeek === null || !traces.every(existsSync)) return void oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' TLS and RDP traces");
  const out: string[] = [];
  for (const [i, r] of HOSTNAME_RUNS.entries()) {
    const loads = ["base/protocols/ssl", ...r.loads];
    const engine = new Engine({ loads, bare: true, seed: ZEEK_SEED });
    loadBuiltinScripts(engine, { memory: true, bare: true, loads });
    engine.on("x509_certificate", (_f, ref, cert) => {
      for (const name of r.names) out.push(`${cert.subject}, ${name}, ${x509CheckCertHostname(ref.der, name)}`);
    });
    await engine.run(await openTrace(traces[i]!));
  }
  assert.deepEqual(out, baselineLines(zeek, "scripts.base.files.x509.x509_check_cert_hostname/.stdout"));
});

/**
 * x509.log with a column inserted after `after`: its name and type in the
 * header, and in each row the value `valueFor` gives for the row's
 * fingerprint (what a script's `redef record …$field += { &log }` logs).
 */
function withColumn(log: string, after: string, name: string, type: string, valueFor: (fingerprint: string) => string): string {
  const lines = log.split("\n");
  // The names' places in a row: #fields' own first cell left out.
  const names = lines
    .find((l) => l.startsWith("#fields\t"))!
    .split("\t")
    .slice(1);
  const at = names.indexOf(after);
  const fp = names.indexOf("fingerprint");
  return lines
    .map((l) => {
      if (l === "" || (l.startsWith("#") && !l.startsWith("#fields\t") && !l.startsWith("#types\t"))) return l;
      const cells = l.split("\t");
      const header = l.startsWith("#");
      const value = l.startsWith("#fields\t") ? name : l.startsWith("#types\t") ? type : valueFor(cells[fp]!);
      // A header line has its #fields or #types cell first.
      cells.splice(at + (header ? 2 : 1), 0, value);
      return cells.join("\t");
    })
    .join("\n");
}

test("Zeek's btest files/x509/tbs_sig_alg: x509_certificate's tbs_sig_alg, the TBSCertificate's algorithm, is the column the btest's &log adds", async (t) => {
  const zeek = zeekSource();
  const trace = join(corpusRoot(), "zeek", "traces", "tls", "certificate-with-sct.pcap");
  if (zeek === null || !existsSync(trace)) return void oracleMissing(t, "Zeek's source (BRONZE_ZEEK_SOURCE) or the corpus' certificate-with-sct.pcap");
  const tbs = new Map<string, string>();
  let x509Log = "";
  await runWithHandlers(
    trace,
    (engine) => engine.on("x509_certificate", (_f, ref, cert) => void tbs.set(createHash("sha256").update(ref.der).digest("hex"), cert.tbs_sig_alg)),
    { loads: ["base/protocols/ssl"], logs: (text) => void (x509Log = text("x509")) },
  );
  assert.ok(tbs.size > 0);
  const logged = withColumn(x509Log, "certificate.curve", "certificate.tbs_sig_alg", "string", (fp) => tbs.get(fp) ?? "-");
  assert.equal(canonicalBtestLog(logged), canonicalBtestLog(zeek.read("testing/btest/Baseline/scripts.base.files.x509.tbs_sig_alg/x509.log")));
});

test("tbs_sig_alg is the algorithm inside the TBSCertificate, sig_alg the one outside it; an OID without a name is its dotted text", () => {
  const ecdsaSha256 = Buffer.from("06082a8648ce3d040302", "hex");
  /** The leaf with its inner AlgorithmIdentifier's last OID byte set to `last` (x509Parse reads it; it does not verify). */
  const innerAlg = (last: number): Uint8Array => {
    const der = Buffer.from(leaf.der);
    const inner = der.indexOf(ecdsaSha256);
    assert.ok(inner >= 0 && inner < der.lastIndexOf(ecdsaSha256), "the leaf names its algorithm inside and outside the TBSCertificate");
    der[inner + ecdsaSha256.length - 1] = last;
    return der;
  };
  assert.deepEqual([x509Parse(leaf.der)?.tbs_sig_alg, x509Parse(leaf.der)?.sig_alg], ["ecdsa-with-SHA256", "ecdsa-with-SHA256"]);
  const sha384 = x509Parse(innerAlg(0x03));
  assert.deepEqual([sha384?.tbs_sig_alg, sha384?.sig_alg], ["ecdsa-with-SHA384", "ecdsa-with-SHA256"]);
  assert.equal(x509Parse(innerAlg(0x7f))?.tbs_sig_alg, "1.2.840.10045.4.3.127");
});
