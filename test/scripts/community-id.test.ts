import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { EventBus } from "../../src/event/bus.js";
import type { ConnId, Transport } from "../../src/event/records.js";
import { LogManager } from "../../src/log/manager.js";
import { defaultSettings } from "../../src/options.js";
import { communityIdV1 } from "../../src/scripts/community-id.js";
import { ConnLog } from "../../src/scripts/conn.js";
import { connection } from "./connections.js";

function id(orig_h: string, orig_p: number, resp_h: string, resp_p: number, transport: Transport, proto: number): ConnId {
  return { orig_h, orig_p, resp_h, resp_p, transport, proto };
}

const V6A = "fe80:1:203:405:607:809:a0b:c0d";
const V6B = "fe80:1011:1213:1415:1617:1819:1a1b:1c1d";

test("Community ID v1: the spec's test vectors (TCP, UDP, ICMP, ICMPv6, other protocols; seeds 0 and 1)", () => {
  assert.equal(communityIdV1(id("1.2.3.4", 1122, "5.6.7.8", 3344, "tcp", 6)), "1:wCb3OG7yAFWelaUydu0D+125CLM=");
  assert.equal(communityIdV1(id("1.2.3.4", 1122, "5.6.7.8", 3344, "udp", 17)), "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=");
  assert.equal(communityIdV1(id("1.2.3.4", 8, "5.6.7.8", 0, "icmp", 1)), "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=");
  assert.equal(communityIdV1(id(V6A, 128, V6B, 129, "icmp", 58)), "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=");
  assert.equal(communityIdV1(id("1.2.3.4", 1122, "5.6.7.8", 3344, "tcp", 6), 1), "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=");
  assert.equal(communityIdV1(id("1.2.3.4", 8, "5.6.7.8", 0, "icmp", 1), 1), "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=");
  assert.equal(communityIdV1(id("1.2.3.4", 0, "5.6.7.8", 0, "unknown_transport", 10)), "1:7bYuQ7nyGBIQn7uDcQ5WraAnhWI=");
  assert.equal(communityIdV1(id(V6A, 0, V6B, 0, "unknown_transport", 10), 1), "1:rcMO2BlHXpMNFXyyWqSDUQCBRBc=");
  // No protocol known: nothing to hash.
  assert.equal(communityIdV1(id("1.2.3.4", 0, "5.6.7.8", 0, "unknown_transport", 65535)), "");
});

test("Community ID: both directions of a flow hash alike; a one-way ICMP message keeps its direction; hex on request", () => {
  const tcp = id("10.0.0.2", 443, "10.0.0.1", 50000, "tcp", 6);
  const back = id("10.0.0.1", 50000, "10.0.0.2", 443, "tcp", 6);
  assert.equal(communityIdV1(tcp), communityIdV1(back));
  // Destination unreachable (type 3, code 1) has no counterpart.
  assert.notEqual(communityIdV1(id("10.0.0.1", 3, "10.0.0.2", 1, "icmp", 1)), communityIdV1(id("10.0.0.2", 3, "10.0.0.1", 1, "icmp", 1)));
  assert.equal(communityIdV1(id("10.0.0.1", 8, "10.0.0.2", 0, "icmp", 1)), communityIdV1(id("10.0.0.2", 0, "10.0.0.1", 8, "icmp", 1)));
  assert.match(communityIdV1(tcp, 0, false), /^1:[0-9a-f]{40}$/);
});

test("Community ID: between equal addresses the ports are ordered as Zeek orders them (network-order values read as host integers)", () => {
  // 256 is 0x0100: in network order read little-endian it is 1, below port 1 (0x0001 -> 256).
  const sha1 = (first: number, second: number) => {
    const b = Buffer.from([0, 0, 10, 0, 0, 1, 10, 0, 0, 1, 6, 0, first >> 8, first & 0xff, second >> 8, second & 0xff]);
    return `1:${createHash("sha1").update(b).digest("base64")}`;
  };
  const got = communityIdV1(id("10.0.0.1", 1, "10.0.0.1", 256, "tcp", 6));
  assert.equal(got, sha1(256, 1));
  assert.notEqual(got, sha1(1, 256));
  assert.equal(communityIdV1(id("10.0.0.1", 256, "10.0.0.1", 1, "tcp", 6)), got);
});

test("conn.log's community_id (policy/protocols/conn/community-id-logging): last column, with the settings' seed and encoding", () => {
  const c = connection({ id: { orig_h: "141.142.228.5", orig_p: 59856, resp_h: "192.150.187.43", resp_p: 80 }, duration: 1 });
  for (const [settings, want] of [
    [{ ...defaultSettings() }, "1:yvyB8h+3dnggTZW0UEITWCst97w="],
    [{ ...defaultSettings(), "CommunityID::do_base64": false }, /^1:[0-9a-f]{40}$/],
  ] as const) {
    const bus = new EventBus();
    const logs = new LogManager({ memory: true });
    new ConnLog(bus, logs, { communityId: true, settings });
    bus.queue("connection_state_remove", c);
    bus.drain();
    logs.closeAll();
    const lines = logs.text("conn").split("\n");
    assert.match(lines.find((l) => l.startsWith("#fields"))!, /\tip_proto\tcommunity_id$/);
    const value = lines
      .find((l) => l !== "" && !l.startsWith("#"))!
      .split("\t")
      .at(-1)!;
    if (typeof want === "string") assert.equal(value, want);
    else assert.match(value, want);
  }
});
