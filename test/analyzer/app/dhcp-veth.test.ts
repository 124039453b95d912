/**
 * A real DHCP exchange: Debian's dnsmasq serving ISC dhclient across a veth
 * pair between two network namespaces (captures/make-dhcp-veth.sh). dhcp.log's
 * row is checked against what the script configured (addresses, MAC, host
 * name, FQDN, domain, lease time) and its duration against the packets'
 * own times as tshark reads them.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { logRows } from "../../helpers/tsv.js";

const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "dhcp-veth.pcap");

test("DHCP from dnsmasq to dhclient across namespaces: dhcp.log's row as the exchange was configured", (t) => {
  const out = mkdtempSync(join(tmpdir(), "bronze-dhcp-"));
  try {
    const r = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), "-C", "-r", trace, "--logdir", out], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const dhcp = logRows(join(out, "dhcp.log"));
    assert.equal(dhcp.length, 1);
    const row = dhcp[0]!;
    assert.deepEqual(
      {
        client_addr: row.client_addr,
        server_addr: row.server_addr,
        mac: row.mac,
        host_name: row.host_name,
        client_fqdn: row.client_fqdn,
        domain: row.domain,
        requested_addr: row.requested_addr,
        assigned_addr: row.assigned_addr,
        lease_time: row.lease_time,
        msg_types: row.msg_types,
      },
      {
        // The address the server sent its unicast replies to, which it assigned.
        client_addr: "192.0.2.55",
        server_addr: "192.0.2.1",
        mac: "02:00:00:00:b2:01",
        host_name: "bronze-client",
        client_fqdn: "bronze-client.bronze.test",
        domain: "bronze.test",
        requested_addr: "192.0.2.55",
        assigned_addr: "192.0.2.55",
        lease_time: "3600.000000",
        msg_types: "DISCOVER,OFFER,REQUEST,ACK",
      },
    );
    // The broadcast DISCOVER/REQUEST and the unicast OFFER/ACK are two connections, both in uids.
    const conns = logRows(join(out, "conn.log"));
    assert.deepEqual(
      conns.map((c) => c.service),
      ["dhcp", "dhcp"],
    );
    assert.deepEqual(row.uids!.split(",").sort(), conns.map((c) => c.uid!).sort());

    const tshark = spawnSync("tshark", ["-r", trace, "-T", "fields", "-e", "frame.time_epoch", "-e", "dhcp.option.dhcp"], { encoding: "utf8" });
    if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the timing check is skipped");
    const packets = tshark.stdout
      .trim()
      .split("\n")
      .map((l) => l.split("\t"));
    // Message types 1 (DISCOVER), 2 (OFFER), 3 (REQUEST), 5 (ACK), in that order.
    assert.deepEqual(
      packets.map((p) => p[1]),
      ["1", "2", "3", "5"],
    );
    const first = Number(packets[0]![0]);
    const last = Number(packets[3]![0]);
    assert.equal(Number(row.ts), Number(first.toFixed(6)));
    assert.ok(Math.abs(Number(row.duration) - (last - first)) < 2e-6, `${row.duration} vs ${last - first}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
