/**
 * A capture made on loopback with real clients (logger, sntp against chronyd,
 * radclient, sipsak; see captures/make-udp-misc-loopback.sh): the values
 * bronze logs are those tshark decodes from the same packets.
 */

import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

test("loopback capture: syslog.log, ntp.log, radius.log, sip.log and conn.log's services", async () => {
  const rows = await captureLogs("udp-misc-loopback.pcap");
  assert.deepEqual(
    rows("syslog").map((r) => [r.facility, r.severity, r.message!.replace(/^\w+ +\d+ [\d:]+ \w+ /, "")]),
    [
      ["LOCAL3", "WARNING", "bronze: hello from bronze's loopback test"],
      ["AUTH", "INFO", "sshd: Accepted publickey for alice"],
    ],
  );
  assert.deepEqual(
    rows("ntp").map((r) => [r.version, r.mode, r.stratum, r.poll, r.ref_id, r.ref_time, r.xmt_time]),
    [
      ["4", "3", "0", "1.000000", "\\x00\\x00\\x00\\x00", "0.000000", "1796309153.617190"],
      ["4", "4", "8", "1.000000", "127.127.1.1", "1796309152.426012", "1796309153.619195"],
    ],
  );
  assert.deepEqual(
    rows("radius").map((r) => [r.username, r.mac, r.result]),
    [
      ["alice", "00:14:22:e9:54:5e", "success"],
      ["mallory", "-", "failed"],
    ],
  );
  assert.deepEqual(
    rows("sip").map((r) => [r.method, r.uri, r.status_code, r.status_msg, r.response_to]),
    [["OPTIONS", "sip:bob@127.0.0.1", "200", "OK", "sip:bob@127.0.0.1;tag=bronze"]],
  );
  const services = rows("conn")
    .map((r) => `${r["id.resp_p"]} ${r.service}`)
    .sort();
  assert.deepEqual(services, ["123 ntp", "1812 radius", "1812 radius", "5060 sip", "514 -", "514 -"]);
});
