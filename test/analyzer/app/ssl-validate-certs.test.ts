/**
 * policy/protocols/ssl/validate-certs on handshakes carrying certificates
 * made here (roots given with SSL::root_certs_file): ssl.log's
 * validation_status as OpenSSL words it, the SSL::Invalid_Server_Cert
 * notice, and the intermediate cache completing a later server's chain.
 * Then Zeek's own btests that need test roots (external-ca-list.zeek, read
 * from Zeek's source), compared with their baselines.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { rootCertificates } from "node:tls";
import { chainCert } from "../../../src/files/x509/chain-cert.js";
import { rootStore } from "../../../src/files/x509/root-store.js";
import { RootStore, verifyChain } from "../../../src/files/x509/verify.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { parseLog } from "../../conformance/conn-harness.js";
import type { TestPacket } from "../../helpers/packets.js";
import { memorySource } from "../../helpers/packets.js";
import { certHandshake } from "../../helpers/tls.js";
import { makeCert, pem, type TestCa } from "../../helpers/x509-builder.js";

/** The handshakes' time: late 2023, inside the certificates' default validity (2020 to 2035). */
const T0 = 1_700_000_000;
const SCRIPT = "policy/protocols/ssl/validate-certs";

const root = makeCert({ subject: "Bronze Test Root", ca: true });
const intermediate = makeCert({ subject: "Bronze Test Intermediate", issuer: root, ca: true });
const leaf = (cn: string, o: { notAfter?: number; issuer?: TestCa } = {}): TestCa =>
  makeCert({ subject: cn, issuer: o.issuer ?? intermediate, notAfter: o.notAfter });

const dir = mkdtempSync(join(tmpdir(), "bronze-validate-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const ROOTS = join(dir, "roots.pem");
writeFileSync(ROOTS, pem(root));

interface Logs {
  ssl: Record<string, string>[];
  notice: Record<string, string>[];
}

/** Rows of `text` as column → value. */
function rows(text: string | undefined): Record<string, string>[] {
  if (!text) return [];
  const log = parseLog(text);
  return log.rows.map((r) => Object.fromEntries(log.columns.map((c, i) => [c, r[i]!])));
}

/** One handshake per chain, a second apart, each from its own client port. */
async function run(chains: TestCa[][], settings: string[] = [], loads = [SCRIPT]): Promise<Logs> {
  const engine = new Engine({ settings: [`SSL::root_certs_file=${ROOTS}`, ...settings] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const packets: TestPacket[] = chains.flatMap((chain, i) =>
    certHandshake(
      chain.map((c) => c.der),
      { start: T0 + i * 20, cport: 40000 + i },
    ),
  );
  await engine.run(memorySource(packets.sort((a, b) => a.ts - b.ts)));
  scripts.close();
  return { ssl: rows(scripts.logs.text("ssl")), notice: rows(scripts.logs.text("notice")) };
}

const statuses = (logs: Logs): string[] => logs.ssl.map((r) => r.validation_status!);

test("validate-certs: a chain to a known root is ok, without a notice", async () => {
  const logs = await run([[leaf("ok.example"), intermediate]]);
  assert.deepEqual(statuses(logs), ["ok"]);
  assert.equal(logs.notice.length, 0);
});

test("validate-certs: an expired leaf; its notice names the status, the subject, the file and the server", async () => {
  const logs = await run([[leaf("old.example", { notAfter: T0 - 86400 }), intermediate]]);
  assert.deepEqual(statuses(logs), ["certificate has expired"]);
  assert.equal(logs.notice.length, 1);
  const n = logs.notice[0]!;
  assert.equal(n.note, "SSL::Invalid_Server_Cert");
  assert.equal(n.msg, "SSL certificate validation failed with (certificate has expired)");
  assert.equal(n.sub, "CN=old.example");
  assert.equal(n.uid, logs.ssl[0]!.uid);
  assert.match(n.fuid!, /^F/);
});

test("validate-certs: an issuer nowhere to be found, a self-signed leaf, a self-signed root the store lacks", async () => {
  const otherRoot = makeCert({ subject: "Unknown Root", ca: true });
  const otherIntermediate = makeCert({ subject: "Unknown Intermediate", issuer: otherRoot, ca: true });
  const logs = await run([
    [leaf("a.example", { issuer: otherIntermediate }), otherIntermediate],
    [makeCert({ subject: "self.example" })],
    [leaf("b.example", { issuer: otherIntermediate }), otherIntermediate, otherRoot],
  ]);
  assert.deepEqual(statuses(logs), ["unable to get local issuer certificate", "self signed certificate", "self-signed certificate in certificate chain"]);
  assert.deepEqual(
    logs.notice.map((n) => n.msg),
    statuses(logs).map((s) => `SSL certificate validation failed with (${s})`),
  );
});

test("validate-certs: a server leaving out its intermediate validates with the one an earlier server sent (unless caching is off)", async () => {
  const chains = [[leaf("first.example"), intermediate], [leaf("second.example")]];
  assert.deepEqual(statuses(await run(chains)), ["ok", "ok"]);
  assert.deepEqual(statuses(await run(chains, ["SSL::ssl_cache_intermediate_ca=F"])), ["ok", "unable to get local issuer certificate"]);
  // Nothing cached before the first valid chain: the order matters.
  assert.deepEqual(statuses(await run([chains[1]!, chains[0]!])), ["unable to get local issuer certificate", "ok"]);
});

test("validate-certs: not loaded, ssl.log has no validation_status and there is no notice", async () => {
  const logs = await run([[makeCert({ subject: "self.example" })]], [], []);
  assert.equal(logs.ssl[0]!.validation_status, undefined);
  assert.equal(logs.notice.length, 0);
});

test("verifyChain: OpenSSL's first error: not yet valid, a forged signature, a non-CA issuer, an expired root", () => {
  const store = new RootStore([chainCert(root.der)!]);
  const at = (c: TestCa, ...rest: TestCa[]): string =>
    verifyChain(
      chainCert(c.der)!,
      rest.map((r) => chainCert(r.der)!),
      store,
      T0,
    ).status;
  assert.equal(at(makeCert({ subject: "soon.example", issuer: intermediate, notBefore: T0 + 1 }), intermediate), "certificate is not yet valid");
  const forger = makeCert({ subject: "Bronze Test Intermediate", ca: true });
  assert.equal(at(makeCert({ subject: "forged.example", issuer: forger }), intermediate), "certificate signature failure");
  const notCa = makeCert({ subject: "Not A CA", issuer: root });
  assert.equal(at(makeCert({ subject: "x.example", issuer: notCa }), notCa), "invalid CA certificate");
  // The time check runs from the root down: an expired root is reported before a leaf not valid yet.
  const oldRoot = makeCert({ subject: "Old Root", ca: true, notAfter: T0 - 10 });
  const oldStore = new RootStore([chainCert(oldRoot.der)!]);
  const futureLeaf = makeCert({ subject: "y.example", issuer: oldRoot, notBefore: T0 + 5 });
  assert.equal(verifyChain(chainCert(futureLeaf.der)!, [], oldStore, T0).status, "certificate has expired");
  // Validity ends at notAfter itself (OpenSSL counts an equal time as past), and Zeek's time is cut to whole seconds.
  const edge = makeCert({ subject: "edge.example", issuer: root, notAfter: T0 + 1 });
  assert.equal(verifyChain(chainCert(edge.der)!, [], store, T0 + 0.9).status, "ok");
  assert.equal(verifyChain(chainCert(edge.der)!, [], store, T0 + 1).status, "certificate has expired");
});

test("the default root store is Node's bundled Mozilla list", () => {
  assert.equal(rootStore("").size, rootCertificates.length);
});
