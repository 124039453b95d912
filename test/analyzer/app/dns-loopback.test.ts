/**
 * A capture of Debian 12's dnsmasq and dig on loopback
 * (captures/make-dns-loopback.sh): each question dig asked is a dns.log row
 * with the answers dnsmasq gave (the answer section only: the MX reply's
 * additional address is not among them), its TTLs, and NXDOMAIN for the name
 * dnsmasq does not know; the last question over TCP. Zeek's script takes
 * rtt, AA and RA from a reply when it handles one of its records
 * (DNS::do_reply): the NXDOMAIN, with none, has no rtt and logs AA and RA
 * as their default F, though its header has RA set (tshark).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

test("loopback capture: dig's questions to dnsmasq in dns.log, with the answers, TTLs and rcodes it got, over UDP and TCP", async () => {
  const rows = (await captureLogs("dns-loopback.pcap"))("dns");
  assert.deepEqual(
    rows.map((r) => [r.proto, r.query, r.qtype_name, r.rcode_name, r.AA, r.RD, r.RA, r.answers, r.TTLs, r.rtt === "-" ? "-" : "rtt"]),
    [
      ["udp", "www.bronze.test", "A", "NOERROR", "T", "T", "T", "192.0.2.10", "300.000000", "rtt"],
      ["udp", "www.bronze.test", "AAAA", "NOERROR", "T", "T", "T", "2001:db8::10", "300.000000", "rtt"],
      ["udp", "bronze.test", "MX", "NOERROR", "T", "T", "T", "mail.bronze.test", "300.000000", "rtt"],
      ["udp", "bronze.test", "TXT", "NOERROR", "T", "T", "T", "TXT 11 v=spf1 -all", "300.000000", "rtt"],
      ["udp", "web.bronze.test", "A", "NOERROR", "T", "T", "T", "www.bronze.test", "300.000000", "rtt"],
      ["udp", "_xmpp-client._tcp.bronze.test", "SRV", "NOERROR", "T", "T", "T", "xmpp.bronze.test", "300.000000", "rtt"],
      ["udp", "nothing.bronze.test", "A", "NXDOMAIN", "F", "T", "F", "-", "-", "-"],
      ["tcp", "www.bronze.test", "A", "NOERROR", "T", "T", "T", "192.0.2.10", "300.000000", "rtt"],
    ],
  );
});
