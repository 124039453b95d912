/**
 * TLS sessions from today's OpenSSL 3 s_server and s_client on loopback
 * (captures/make-tls-sessions-loopback.sh): a client certificate, TLS 1.2
 * resumption, a handshake refused for want of a client certificate, TLS 1.3
 * resumption with a pre-shared key. ssl.log and x509.log are checked against
 * the certificates the script made (node:crypto reads them) and ssl_history
 * against tshark's reading of each handshake, spelt in Zeek's letters.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { captureLogs, inStartOrder } from "./capture-logs.js";

const dir = join(repoRoot(), "test", "analyzer", "app", "captures");
const trace = join(dir, "tls-sessions-loopback.pcap");
const cert = (name: string): X509Certificate => new X509Certificate(readFileSync(join(dir, `tls-${name}.pem`)));
const fp = (c: X509Certificate): string => c.fingerprint256.replaceAll(":", "").toLowerCase();
const CA = cert("ca");
const SERVER = cert("server");
const CLIENT = cert("client");

type Rows = (path: string) => Record<string, string>[];
let cached: Promise<Rows> | undefined;
const logs = (): Promise<Rows> => (cached ??= captureLogs("tls-sessions-loopback.pcap"));

/** ssl.log's rows in the order the connections began (the script's steps). */
async function sslRows(): Promise<Record<string, string>[]> {
  const rows = await logs();
  return inStartOrder(rows("ssl"));
}

test("OpenSSL sessions: versions, resumption, the refused handshake's alert", async () => {
  const ssl = await sslRows();
  assert.deepEqual(
    ssl.map((s) => [s["id.resp_p"], s.version, s.resumed, s.established, s.last_alert, s.server_name]),
    [
      ["4441", "TLSv12", "F", "T", "-", "server.bronze.test"],
      ["4442", "TLSv12", "F", "T", "-", "server.bronze.test"],
      // The ticket's session id echoed by the server: an abbreviated handshake.
      ["4442", "TLSv12", "T", "T", "-", "server.bronze.test"],
      ["4443", "TLSv12", "F", "F", "handshake_failure", "server.bronze.test"],
      ["4444", "TLSv13", "F", "T", "-", "server.bronze.test"],
      // The server's pre_shared_key extension: resumed.
      ["4444", "TLSv13", "T", "T", "-", "server.bronze.test"],
    ],
  );
  // No key exchange in an abbreviated TLS 1.2 handshake: no curve.
  assert.deepEqual(
    ssl.map((s) => s.curve),
    ["x25519", "x25519", "-", "x25519", "x25519", "x25519"],
  );
});

test("OpenSSL sessions: the certificate chains of both sides, by fingerprint", async () => {
  const ssl = await sslRows();
  const serverChain = [fp(SERVER), fp(CA)].join(",");
  assert.deepEqual(
    ssl.map((s) => [s.cert_chain_fps, s.client_cert_chain_fps]),
    [
      // OpenSSL's client sends its leaf and, from its store, the CA.
      [serverChain, [fp(CLIENT), fp(CA)].join(",")],
      // Where the server's chain was seen, the client's list exists, empty.
      [serverChain, "(empty)"],
      ["-", "-"],
      // The client answered the request with an empty Certificate message.
      [serverChain, "(empty)"],
      // TLS 1.3 encrypts the certificates.
      ["-", "-"],
      ["-", "-"],
    ],
  );
});

test("OpenSSL sessions: x509.log has each certificate once for each side that sent it", async () => {
  const rows = await logs();
  const x509 = rows("x509");
  const serial = (c: X509Certificate): string => c.serialNumber.toUpperCase();
  assert.deepEqual(
    x509.map((x) => [x["certificate.serial"], x.host_cert, x.client_cert, x["basic_constraints.ca"], x["san.dns"]]),
    // host_cert: the first of a chain (its file's mime type is a user certificate); client_cert:
    // sent by the originator. The CA is logged again for the other side (the dedup key has both).
    [
      [serial(SERVER), "T", "F", "-", "server.bronze.test"],
      [serial(CA), "F", "F", "T", "-"],
      [serial(CLIENT), "T", "T", "-", "client.bronze.test"],
      [serial(CA), "F", "T", "T", "-"],
    ],
  );
  // Zeek's subject and issuer: the RDNs in reverse order, comma-joined.
  const zeekName = (name: string): string => name.split("\n").reverse().join(",");
  assert.deepEqual(
    x509.map((x) => [x["certificate.subject"], x["certificate.issuer"]]),
    [SERVER, CA, CLIENT, CA].map((c) => [zeekName(c.subject), zeekName(c.issuer)]),
  );
});

/** Zeek's ssl_history letters for what tshark's Info column names (lower case: the server's). */
const LETTERS: Record<string, string> = {
  "Client Hello": "c",
  "Server Hello": "s",
  Certificate: "x",
  "Server Key Exchange": "k",
  "Certificate Request": "r",
  "Server Hello Done": "n",
  "Certificate Verify": "y",
  "Client Key Exchange": "g",
  "New Session Ticket": "t",
  "Change Cipher Spec": "i",
};

test("OpenSSL sessions: ssl_history is the handshake tshark reads, in Zeek's letters", async (t: TestContext) => {
  const tshark = spawnSync("tshark", ["-r", trace, "-Y", "tls", "-T", "fields", "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "_ws.col.Info"], {
    encoding: "utf8",
  });
  if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: ssl_history is not cross-checked");
  const histories: string[] = [];
  for (const line of tshark.stdout.trim().split("\n")) {
    const [stream, dstPort, info] = line.split("\t") as [string, string, string];
    const fromClient = Number(dstPort) >= 4441 && Number(dstPort) <= 4444;
    for (const item of info.split(", ")) {
      // Encrypted records (Finished, application data, TLS 1.3's handshake) have no letter;
      // an alert in the clear has one.
      const letter = item.startsWith("Alert (") ? "l" : LETTERS[item];
      if (letter !== undefined) histories[Number(stream)] = (histories[Number(stream)] ?? "") + (fromClient ? letter.toUpperCase() : letter);
    }
  }
  const ssl = await sslRows();
  assert.deepEqual(
    ssl.map((s) => s.ssl_history),
    histories,
  );
});

test("OpenSSL sessions: conn.log calls every connection ssl, nothing is weird", async () => {
  const rows = await logs();
  assert.deepEqual(
    rows("conn").map((c) => c.service),
    Array(6).fill("ssl"),
  );
  assert.deepEqual(rows("weird"), []);
});
