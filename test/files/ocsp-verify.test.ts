/**
 * x509_ocsp_verify's rule (src/files/x509/ocsp-verify.ts) on responses made
 * here: a root, an intermediate and a server certificate from
 * x509-builder.ts, and a BasicOCSPResponse signed by the intermediate (or
 * another key), for the server's certificate or another, good, revoked,
 * fresh or stale. Zeek's btest of validate-ocsp runs on the corpus' traces
 * (test/conformance/validate-certs-btests.test.ts).
 */
import assert from "node:assert/strict";
import { createHash, sign } from "node:crypto";
import { test } from "node:test";
import { type ChainCert, chainCert } from "../../src/files/x509/chain-cert.js";
import { x509OcspVerify } from "../../src/files/x509/functions.js";
import { verifyOcsp, verifyOcspResult } from "../../src/files/x509/ocsp-verify.js";
import { RootStore } from "../../src/files/x509/verify.js";
import { type Bytes, ctx, int, oid, seq, str, tlv } from "../analyzer/app/ber-helpers.js";
import { makeCert, type TestCa } from "../helpers/x509-builder.js";

const root = makeCert({ subject: "OCSP Test Root", ca: true });
const intermediate = makeCert({ subject: "OCSP Test CA", issuer: root, ca: true, serial: 2 });
const server = makeCert({ subject: "www.example.org", issuer: intermediate, serial: 77 });
const stranger = makeCert({ subject: "OCSP Test CA", ca: true, serial: 3 });
const NOW = 1700000000;

const cc = (c: TestCa): ChainCert => chainCert(c.der)!;
const roots = new RootStore([cc(root)]);
const sha1 = (b: Uint8Array | Bytes): Bytes => [...createHash("sha1").update(Uint8Array.from(b)).digest()];

/** GeneralizedTime of `t`. */
function genTime(t: number): Bytes {
  const d = new Date(t * 1000).toISOString();
  return str(0x18, `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}Z`);
}

/** The subject Name's DER and the key's bits of a made certificate (its SubjectPublicKeyInfo is the tbs' seventh element). */
function nameAndKey(c: TestCa): { name: Bytes; key: Bytes } {
  const x = cc(c);
  const spki = [...x.node.publicKey.export({ type: "spki", format: "der" })];
  // P-256 SPKI: a 2-element SEQUENCE; the BIT STRING is its last 66 bytes (tag, length, unused-bits octet, 65-byte point).
  return { name: [...Buffer.from(x.subjectDer, "latin1")], key: spki.slice(-65) };
}

interface Spec {
  status?: "good" | "revoked";
  thisUpdate?: number;
  nextUpdate?: number | null;
  serial?: number;
  signer?: TestCa;
  byKey?: boolean;
  responseStatus?: number;
}

/** An OCSPResponse for the server's certificate, signed by the intermediate unless `signer` says otherwise. */
function response(spec: Spec = {}): Uint8Array {
  const issuer = nameAndKey(intermediate);
  const certId = seq(seq(oid("1.3.14.3.2.26"), [0x05, 0x00]), tlv(0x04, sha1(issuer.name)), tlv(0x04, sha1(issuer.key)), int(spec.serial ?? 77));
  const status = spec.status === "revoked" ? ctx(1, genTime(NOW - 100)) : [0x80, 0x00];
  const next = spec.nextUpdate === null ? [] : ctx(0, genTime(spec.nextUpdate ?? NOW + 3600));
  const single = seq(certId, status, genTime(spec.thisUpdate ?? NOW - 3600), next);
  const signer = spec.signer ?? intermediate;
  const responder = spec.byKey === true ? ctx(2, tlv(0x04, sha1(nameAndKey(signer).key))) : ctx(1, nameAndKey(signer).name);
  const data = seq(responder, genTime(NOW), seq(single));
  const signature = [...sign("sha256", Uint8Array.from(data), signer.key)];
  const basic = seq(data, seq(oid("1.2.840.10045.4.3.2")), tlv(0x03, [0], signature));
  const bytes = seq(oid("1.3.6.1.5.5.7.48.1.1"), tlv(0x04, basic));
  return Uint8Array.from(seq(tlv(0x0a, [spec.responseStatus ?? 0]), ...(spec.responseStatus ? [] : [ctx(0, bytes)])));
}

const chain = [cc(server), cc(intermediate)];

test("OCSP: a fresh good response for the server's certificate, signed by its issuer (named by name or by key), is good", () => {
  assert.equal(verifyOcsp(chain, response(), roots, NOW), "good");
  assert.equal(verifyOcsp(chain, response({ byKey: true }), roots, NOW), "good");
});

test("OCSP: revoked, stale, early, for another certificate, or without nextUpdate: Zeek's words", () => {
  assert.equal(verifyOcsp(chain, response({ status: "revoked" }), roots, NOW), "revoked");
  assert.equal(verifyOcsp(chain, response({ nextUpdate: NOW - 1 }), roots, NOW), "OCSP reply expired");
  assert.equal(verifyOcsp(chain, response({ thisUpdate: NOW + 10 }), roots, NOW), "OCSP reply specifies time in future");
  assert.equal(verifyOcsp(chain, response({ serial: 78 }), roots, NOW), "OCSP reply is not for host certificate");
  assert.equal(verifyOcsp(chain, response({ nextUpdate: null }), roots, NOW), "OCSP reply missing nextUpdate field");
});

test("OCSP: a responder not in the lists, not trusted, or whose signature does not verify fails; so do a failed status and garbage", () => {
  assert.equal(verifyOcsp([cc(server)], response(), roots, NOW), "Could not find OCSP responder certificate");
  assert.equal(verifyOcsp(chain, response(), new RootStore([]), NOW), "unable to get local issuer certificate");
  // Signed by another key under the intermediate's name: the responder found by name is the intermediate, whose key refuses the signature.
  const forged = response({ signer: stranger });
  assert.equal(verifyOcsp(chain, forged, roots, NOW), "signature failure");
  assert.equal(verifyOcsp(chain, response({ responseStatus: 3 }), roots, NOW), "trylater");
  assert.equal(verifyOcsp(chain, Uint8Array.of(0x30, 0x03, 0x0a, 0x01), roots, NOW), "Could not parse OCSP response");
});

test("OCSP: Zeek's result codes beside the words (1 good, -2 a response status, 0 an OpenSSL call that failed, -1 the rest)", () => {
  const code = (r: Uint8Array, c = chain, store = roots): [number, string] => {
    const v = verifyOcspResult(c, r, store, NOW);
    return [v.code, v.status];
  };
  assert.deepEqual(code(response()), [1, "good"]);
  assert.deepEqual(code(response({ status: "revoked" })), [-1, "revoked"]);
  assert.deepEqual(code(response({ nextUpdate: NOW - 1 })), [-1, "OCSP reply expired"]);
  assert.deepEqual(code(response({ responseStatus: 3 })), [-2, "trylater"]);
  assert.deepEqual(code(Uint8Array.of(0x30, 0x03, 0x0a, 0x01)), [-1, "Could not parse OCSP response"]);
  assert.deepEqual(code(response(), chain, new RootStore([])), [0, "unable to get local issuer certificate"]);
  assert.deepEqual(code(response({ signer: stranger })), [0, "signature failure"]);
  assert.deepEqual(code(response(), [cc(server)]), [-1, "Could not find OCSP responder certificate"]);
});

test("x509OcspVerify: the same check on DER certificates, roots as a list", () => {
  const ders = [server.der, intermediate.der];
  assert.deepEqual(x509OcspVerify(ders, response(), [root.der], NOW), { result: 1, result_string: "good" });
  assert.deepEqual(x509OcspVerify(ders, response({ status: "revoked" }), [root.der], NOW), { result: -1, result_string: "revoked" });
  assert.deepEqual(x509OcspVerify([], response(), [root.der], NOW), { result: -1, result_string: "no certificates" });
  assert.deepEqual(x509OcspVerify([Uint8Array.of(1)], response(), [root.der], NOW), { result: -1, result_string: "No certificate in opaque" });
});
