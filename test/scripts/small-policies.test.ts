/**
 * Small Zeek policy scripts that add or remove a base log's columns
 * (md5-host-key-logging, …), each run on a trace of Zeek's corpus with and
 * without the script: the script's effect, and nothing without it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts, openTrace } from "../../src/index.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../helpers/corpus.js";
import { logRecords, parseLogText } from "../helpers/tsv.js";

const traces = join(corpusRoot(), "zeek/traces");
const missing = !existsSync(traces) && `corpus not found at ${traces}`;

/** A log's rows as column-name maps, after running `trace` with `loads`. */
async function logRows(
  trace: string,
  log: string,
  loads: string[] = [],
  settings: string[] = [],
): Promise<{ fields: string[]; rows: Record<string, string>[] }> {
  const engine = new Engine({ ignoreChecksums: true, settings });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  await engine.run(await openTrace(join(traces, trace)));
  scripts.close();
  const text = scripts.logs.text(log);
  return { fields: parseLogText(text).fields, rows: logRecords(text) };
}

test("policy/protocols/ssh/md5-host-key-logging: ssh.log's host_key, the MD5 of SSH2's and SSH1's host keys (Zeek's fingerprints btest's)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const trace = "ssh/ssh1-ssh2-fingerprints.pcap";
  const { rows } = await logRows(trace, "ssh", ["policy/protocols/ssh/md5-host-key-logging"]);
  assert.deepEqual(
    rows.map((r) => [r.version, r.host_key]),
    [
      ["2", "c7:eb:77:5d:d1:64:31:d6:1b:e8:99:5f:a7:09:a1:d7"],
      ["1", "75:cb:a2:67:52:61:81:f7:b0:58:60:7f:1d:bb:1b:2f"],
    ],
  );
  assert.ok(!(await logRows(trace, "ssh")).fields.includes("host_key"));
});

test("policy/protocols/krb/md5-ticket-logging: kerberos.log's auth_ticket and new_ticket (MD5s), in load order beside ticket-logging's SHA-256s (Zeek's ticket-logging btest's)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const trace = "krb/auth.pcap";
  const both = await logRows(trace, "kerberos", ["policy/protocols/krb/md5-ticket-logging", "policy/protocols/krb/ticket-logging"]);
  assert.deepEqual(both.fields.slice(-4), ["auth_ticket", "new_ticket", "auth_ticket_sha256", "new_ticket_sha256"]);
  assert.deepEqual(
    both.rows.map((r) => [r.request_type, r.auth_ticket, r.new_ticket, r.auth_ticket_sha256, r.new_ticket_sha256]),
    [
      [
        "TGS",
        "a09fbd89918320cc12a26d4f0c4e6aa2",
        "396a9d9e8975cc5024a83c6e86101f06",
        "80128b0d2d7423a849a0ac423ac3071d16fd94a344bbe28ddeab65cd37d87855",
        "a24f7a83d57bb0c84168a54f4ea107687f1d2430899cfc53037ceaff38efffe2",
      ],
    ],
  );
  const md5 = await logRows(trace, "kerberos", ["policy/protocols/krb/md5-ticket-logging"]);
  assert.deepEqual(md5.fields.slice(-3), ["server_cert_fuid", "auth_ticket", "new_ticket"]);
  assert.ok(!(await logRows(trace, "kerberos")).fields.includes("auth_ticket"));
});

test("policy/protocols/dns/disable-opcode-log-fields: dns.log without opcode and opcode_name, other columns and added ones kept", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const trace = "dns/dynamic-update.pcap";
  const plain = await logRows(trace, "dns");
  assert.deepEqual(plain.fields.slice(-3), ["rejected", "opcode", "opcode_name"]);
  const off = await logRows(trace, "dns", ["policy/protocols/dns/disable-opcode-log-fields", "policy/protocols/dns/log-original-query-case"]);
  assert.deepEqual(off.fields, [...plain.fields.slice(0, -2), "original_query"]);
  assert.equal(off.rows.length, plain.rows.length);
  assert.deepEqual(
    off.rows.map((r) => r.answers),
    plain.rows.map((r) => r.answers),
  );
});

test("policy/tuning/track-all-assets: known hosts, services and certs, and software, of remote hosts too (ALL_HOSTS)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const known = ["policy/protocols/conn/known-hosts", "policy/protocols/conn/known-services", "policy/protocols/ssl/known-certs"];
  const hosts = async (loads: string[], log: string, trace = "tls/ecdhe.pcap"): Promise<string[]> =>
    (await logRows(trace, log, loads)).rows.map((r) => r.host ?? "").sort();
  assert.deepEqual(await hosts(known, "known_hosts"), ["192.168.18.50"]);
  assert.deepEqual(await hosts(known, "known_services"), []);
  const all = ["policy/tuning/track-all-assets"];
  assert.deepEqual(await hosts(all, "known_hosts"), ["192.168.18.50", "74.125.239.97"]);
  assert.deepEqual(await hosts(all, "known_services"), ["74.125.239.97"]);
  assert.deepEqual(await hosts(all, "known_certs"), ["74.125.239.97"]);
  const software = ["policy/protocols/http/software"];
  assert.deepEqual(await hosts(software, "software", "http/bro.org.pcap"), ["10.0.2.15"]);
  assert.deepEqual(await hosts([...software, ...all], "software", "http/bro.org.pcap"), ["10.0.2.15", "192.150.187.43"]);
});

test("policy/protocols/conn/disable-unknown-ip-proto-support: conn.log without ip_proto and without unknown-protocol connections, which are no longer reported as unknown protocols (Zeek's btest's trace)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const trace = "cisco-fabric-path.pcap";
  const unknown = ["policy/misc/unknown-protocols"];
  const protos = (rows: Record<string, string>[]): string[] => [...new Set(rows.map((r) => r.proto ?? ""))].sort();
  const plain = await logRows(trace, "conn", unknown);
  assert.deepEqual(protos(plain.rows), ["tcp", "udp", "unknown_transport"]);
  const off = await logRows(trace, "conn", [...unknown, "policy/protocols/conn/disable-unknown-ip-proto-support"]);
  assert.deepEqual(protos(off.rows), ["tcp", "udp"]);
  assert.deepEqual(
    off.fields,
    plain.fields.filter((f) => f !== "ip_proto"),
  );
  const analyzers = (await logRows(trace, "unknown_protocols", [...unknown, "policy/protocols/conn/disable-unknown-ip-proto-support"])).rows.map(
    (r) => r.analyzer,
  );
  assert.deepEqual([...new Set(analyzers)], ["ETHERNET"]);
});

test("policy/protocols/rdp/indicate_ssl: rdp.log's ssl, T for the sessions upgraded to TLS, F for those using RDP's own encryption", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const loads = ["policy/protocols/rdp/indicate_ssl"];
  const ssl = async (trace: string, l = loads): Promise<string[]> => (await logRows(trace, "rdp", l)).rows.map((r) => r.ssl ?? "");
  assert.deepEqual(await ssl("rdp/rdp-to-ssl.pcap"), ["T", "T"]);
  assert.deepEqual(await ssl("rdp/rdp-proprietary-encryption.pcap"), ["F", "F"]);
  assert.ok(!(await logRows("rdp/rdp-to-ssl.pcap", "rdp")).fields.includes("ssl"));
});

test("policy/protocols/dhcp/software: dhcp.log's client_software and server_software (vendor class), and the server in software.log as DHCP::SERVER", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const trace = "dhcp/dhcp.pcap";
  const loads = ["policy/protocols/dhcp/software", "policy/tuning/track-all-assets"];
  const dhcp = await logRows(trace, "dhcp", loads);
  assert.deepEqual(dhcp.fields.slice(-2), ["client_software", "server_software"]);
  const exchange = dhcp.rows.find((r) => r.msg_types === "DISCOVER,OFFER,REQUEST,NAK,REQUEST,ACK,DECLINE");
  assert.deepEqual([exchange?.client_software, exchange?.server_software], ["-", "ArubaAP"]);
  const software = (await logRows(trace, "software", loads)).rows.map((r) => [r.host, r.software_type, r.name]);
  assert.deepEqual(software, [["128.2.6.152", "DHCP::SERVER", "ArubaAP"]]);
  assert.ok(!(await logRows(trace, "dhcp")).fields.includes("client_software"));
});

test("policy/frameworks/signatures/iso-9660: an ISO image downloaded over HTTP is application/x-iso9660-image; a smaller bof buffer set on the command line stays", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const mime = async (loads: string[], settings: string[] = []) =>
    (await logRows("http/iso-download.pcap.gz", "files", loads, settings)).rows.map((r) => r.mime_type);
  assert.deepEqual(await mime(["policy/frameworks/signatures/iso-9660"]), ["application/x-iso9660-image"]);
  assert.deepEqual(await mime([]), ["-"]);
  assert.deepEqual(await mime(["policy/frameworks/signatures/iso-9660"], ["default_file_bof_buffer_size=5000"]), ["-"]);
});
