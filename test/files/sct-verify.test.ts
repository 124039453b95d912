/**
 * Certificate Transparency as validate-sct checks it: Zeek's ct-list as
 * bronze has it (src/files/x509/ct-list.ts, generated from Zeek's source),
 * its reader of ct_logs entries, and sct_verify's rule
 * (src/files/x509/sct-verify.ts) on SCTs signed here with a key of our
 * own, over a certificate and over a precertificate, the signed data
 * written out as RFC 6962 §3.2 lays it. Zeek's btest of validate-sct runs
 * on the corpus' traces (test/conformance/validate-certs-btests.test.ts).
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { test } from "node:test";
import { ctLogs, parseZeekCtLogs } from "../../src/files/x509/ct-logs.js";
import { precertTbs, spkiSha256, verifySct } from "../../src/files/x509/sct-verify.js";
import { type Bytes, int, oid, seq, str, tlv } from "../analyzer/app/ber-helpers.js";
import { makeCert } from "../helpers/x509-builder.js";

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
