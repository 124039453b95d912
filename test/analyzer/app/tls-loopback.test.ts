/**
 * TLS from today's OpenSSL 3 s_server and curl, captured on loopback
 * (captures/make-tls-loopback.sh: RSA and ECDSA certificates, TLS 1.2 and
 * 1.3, with and without SNI and ALPN). ssl.log and x509.log are checked against
 * how the capture was made, against the certificates themselves (node:crypto),
 * and the cipher against tshark's reading of each ServerHello.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { logRows } from "../../helpers/tsv.js";

const dir = join(repoRoot(), "test", "analyzer", "app", "captures");
const trace = join(dir, "tls-loopback.pcap");

/** IANA names of the suites this capture can hold (ssl.log names them so). */
const SUITES: Record<number, string> = {
  4865: "TLS_AES_128_GCM_SHA256",
  4866: "TLS_AES_256_GCM_SHA384",
  4867: "TLS_CHACHA20_POLY1305_SHA256",
  49195: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  49196: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  49199: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  49200: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  52392: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  52393: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
};

/** Zeek's subject form: the RDNs in reverse order, comma-joined. */
function zeekName(subject: string): string {
  return subject.split("\n").reverse().join(",");
}

test("TLS 1.2 and 1.3 from OpenSSL s_server and curl: ssl.log and x509.log as the capture was made", (t) => {
  const out = mkdtempSync(join(tmpdir(), "bronze-tls-"));
  try {
    // Loopback captures carry the checksums the kernel never filled in: -C, as Zeek needs.
    const r = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), "-C", "-r", trace, "--logdir", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const ssl = new Map(logRows(join(out, "ssl.log")).map((row) => [row["id.resp_p"]!, row]));
    const rsa = new X509Certificate(readFileSync(join(dir, "rsa.pem")));
    const ecdsa = new X509Certificate(readFileSync(join(dir, "ecdsa.pem")));
    const fp = (c: X509Certificate): string => c.fingerprint256.replaceAll(":", "").toLowerCase();
    const want = {
      "4431": { version: "TLSv12", server_name: "rsa.bronze.test", next_protocol: "http/1.1", chain: fp(rsa) },
      "4432": { version: "TLSv13", server_name: "rsa.bronze.test", next_protocol: "-", chain: "-" },
      "4433": { version: "TLSv12", server_name: "-", next_protocol: "http/1.1", chain: fp(ecdsa) },
      // TLS 1.3 sends ALPN's answer and the certificate encrypted: nothing to log.
      "4434": { version: "TLSv13", server_name: "ecdsa.bronze.test", next_protocol: "-", chain: "-" },
    };
    assert.deepEqual([...ssl.keys()].sort(), Object.keys(want));
    for (const [port, w] of Object.entries(want)) {
      const row = ssl.get(port)!;
      assert.equal(row.version, w.version, port);
      assert.equal(row.server_name, w.server_name, port);
      assert.equal(row.next_protocol, w.next_protocol, port);
      assert.equal(row.established, "T", port);
      assert.equal(row.resumed, "F", port);
      assert.equal(row.cert_chain_fps, w.chain, port);
    }
    assert.equal(ssl.get("4431")!.sni_matches_cert, "T");

    const x509 = new Map(logRows(join(out, "x509.log")).map((row) => [row.fingerprint!, row]));
    assert.equal(x509.size, 2);
    for (const [cert, keyType, keyLength, curve] of [
      [rsa, "rsa", "2048", "-"],
      [ecdsa, "ecdsa", "256", "prime256v1"],
    ] as const) {
      const row = x509.get(fp(cert))!;
      assert.ok(row !== undefined, `x509.log has ${cert.subject}`);
      assert.equal(row["certificate.subject"], zeekName(cert.subject));
      assert.equal(row["certificate.issuer"], zeekName(cert.issuer));
      assert.equal(row["certificate.serial"], cert.serialNumber.toUpperCase());
      assert.equal(Number(row["certificate.not_valid_before"]), Date.parse(cert.validFrom) / 1000);
      assert.equal(Number(row["certificate.not_valid_after"]), Date.parse(cert.validTo) / 1000);
      assert.equal(row["certificate.key_type"], keyType);
      assert.equal(row["certificate.key_length"], keyLength);
      assert.equal(row["certificate.curve"], curve);
      assert.equal(row["san.dns"], cert.subjectAltName!.replace(/^DNS:/, ""));
    }

    // The cipher each server chose, as tshark reads the ServerHellos.
    const tshark = spawnSync("tshark", ["-r", trace, "-Y", "tls.handshake.type == 2", "-T", "fields", "-e", "tcp.srcport", "-e", "tls.handshake.ciphersuite"], {
      encoding: "utf8",
    });
    if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the cipher check is skipped");
    const chosen = tshark.stdout.trim().split("\n");
    assert.equal(chosen.length, 4);
    for (const line of chosen) {
      const [port, suite] = line.split("\t");
      assert.equal(ssl.get(port!)!.cipher, SUITES[Number(suite)] ?? `unknown suite ${suite}`, port);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("SSL::log_include_server_certificate_subject_issuer adds the server certificate's subject and issuer to ssl.log", () => {
  const out = mkdtempSync(join(tmpdir(), "bronze-tls-"));
  try {
    const args = ["-C", "-r", trace, "--logdir", out, "SSL::log_include_server_certificate_subject_issuer=T"];
    const r = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), ...args], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(join(out, "ssl.log"), "utf8");
    // Zeek's column order: the client's columns stay out (their own setting), sni_matches_cert last.
    assert.match(text, /^#fields\t.*\tclient_cert_chain_fps\tsubject\tissuer\tsni_matches_cert$/m);
    const ssl = new Map(logRows(join(out, "ssl.log")).map((row) => [row["id.resp_p"]!, row]));
    const rsa = new X509Certificate(readFileSync(join(dir, "rsa.pem")));
    assert.equal(ssl.get("4431")!.subject, zeekName(rsa.subject));
    assert.equal(ssl.get("4431")!.issuer, zeekName(rsa.issuer));
    // TLS 1.3 sends the certificate encrypted: no subject to log.
    assert.equal(ssl.get("4432")!.subject, "-");
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
