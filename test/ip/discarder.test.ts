/**
 * Discarders (Zeek's discarder_check_ip/_tcp/_udp/_icmp, Engine.setDiscarders):
 * what each is given, and that what they drop leaves no connection behind.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { Discarders } from "../../src/ip/discarder.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { handshake, icmpPacket, tcpTrace, udpPacket } from "../session/harness.js";

/** The connections (orig>resp/proto) whose packets reached new_packet, once each in order. */
async function analysed(discarders: Discarders, packets: TestPacket[], settings: string[] = []): Promise<string[]> {
  const engine = new Engine({ settings });
  engine.setDiscarders(discarders);
  const out = new Set<string>();
  engine.on("new_packet", (c) => void out.add(`${c.id.orig_h}>${c.id.resp_h}/${c.id.transport}`));
  await engine.run(memorySource(packets));
  return [...out];
}

test("a UDP discarder gets the payload's first discarder_maxlen bytes, a view valid during the call", async () => {
  const seen: string[] = [];
  const udp = (_p: unknown, payload: Uint8Array): boolean => {
    seen.push(Buffer.from(payload).toString("latin1"));
    return payload[0] === 0x78; // "x…": dropped
  };
  const packets = [udpPacket(1, "10.0.0.1", 1000, "10.0.0.2", 53, "abcdef"), udpPacket(2, "10.0.0.3", 1000, "10.0.0.2", 53, "xyz")];
  const out = await analysed({ udp }, packets, ["discarder_maxlen=4"]);
  assert.deepEqual(seen, ["abcd", "xyz"]);
  assert.deepEqual(out, ["10.0.0.1>10.0.0.2/udp"]);
});

test("the IP discarder is asked first and alone decides when it drops; a discarder that throws keeps the packet", async () => {
  const asked: string[] = [];
  const discarders: Discarders = {
    ip: (p) => {
      asked.push(`ip ${p.ip!.src}`);
      return p.ip!.src === "10.0.0.9";
    },
    tcp: (p) => {
      asked.push(`tcp ${p.tcp!.flags}`);
      throw new Error("a script's error");
    },
  };
  const packets = [...tcpTrace(handshake(1)).slice(0, 1), udpPacket(2, "10.0.0.9", 1000, "10.0.0.2", 53, "a")];
  const out = await analysed(discarders, packets);
  assert.deepEqual(asked, ["ip 10.0.0.1", "tcp 2", "ip 10.0.0.9"]);
  assert.deepEqual(out, ["10.0.0.1>192.0.2.10/tcp"]);
});

test("the ICMP discarder sees ICMP messages of 28 bytes or more only (Zeek's sizeof(struct icmp)); setDiscarders({}) removes them", async () => {
  const icmp = (): boolean => true;
  const short = icmpPacket(1, "10.0.0.1", "10.0.0.2", 8, 0, "");
  const long = icmpPacket(2, "10.0.0.3", "10.0.0.2", 8, 0, 20);
  assert.deepEqual(await analysed({ icmp }, [short, long]), ["10.0.0.1>10.0.0.2/icmp"]);
  assert.deepEqual(await analysed({}, [short, long]), ["10.0.0.1>10.0.0.2/icmp", "10.0.0.3>10.0.0.2/icmp"]);
});
