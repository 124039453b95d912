/**
 * Malformed and random traffic never throws out of the session layer and the
 * transport analyzers (deterministic pseudo-random packets: flags, sequence
 * numbers, options, lengths, truncation, ICMP types with random quoted data,
 * IP and UDP tunnels with random payloads),
 * with every event handled so the argument-building paths run too.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { runChecked } from "../helpers/fuzz.js";
import { concat, frame, icmp4, icmp6Packet, ipv4, type TestPacket, tcp4, tcp6, udp4 } from "../helpers/packets.js";
import { rng } from "../helpers/rng.js";

function randomBytes(r: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
}

function randomPacket(r: () => number, t: number): TestPacket {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const v4 = { src: pick(["10.0.0.1", "10.0.0.2", "192.168.1.9"]), dst: pick(["10.0.0.1", "10.0.0.2", "255.255.255.255"]) };
  const v6 = { src: pick(["2001:db8::1", "fe80::1"]), dst: pick(["2001:db8::2", "ff02::1"]) };
  const port = (): number => pick([0, 21, 22, 53, 80, 123, 443, 5353, 40000, 40001, 65535]);
  const payload = randomBytes(r, pick([0, 0, 1, 5, 48, 300]));
  const kind = Math.floor(r() * 8);
  let bytes: Uint8Array;
  if (kind <= 2) {
    const seg = {
      sport: port(),
      dport: port(),
      seq: Math.floor(r() * 4294967296),
      ack: Math.floor(r() * 4294967296),
      flags: Math.floor(r() * 256),
      win: pick([0, 1, 65535]),
      options: r() < 0.3 ? randomBytes(r, pick([1, 3, 4, 8, 12, 40])) : undefined,
      payload,
      checksum: r() < 0.1 ? ("bad" as const) : ("good" as const),
      dataOffsetOverride: r() < 0.05 ? Math.floor(r() * 16) : undefined,
    };
    bytes = frame(kind === 2 ? tcp6(v6, seg) : tcp4(v4, seg));
  } else if (kind === 3) {
    bytes = frame(udp4(v4, { sport: port(), dport: port(), payload, lengthOverride: r() < 0.1 ? Math.floor(r() * 70000) : undefined }));
  } else if (kind === 4) {
    bytes = frame(icmp4(v4, { type: Math.floor(r() * 20), code: Math.floor(r() * 16), payload }));
  } else if (kind === 6) {
    // IP-in-IP / GRE with a random (sometimes valid-looking) payload.
    const inner = r() < 0.5 ? tcp4(v4, { flags: "S", payload }) : concat([0, 0, 0x08, 0x00], randomBytes(r, 30));
    bytes = frame(ipv4({ ...v4, proto: pick([4, 41, 47]) }, r() < 0.3 ? randomBytes(r, 40) : inner));
  } else if (kind === 7) {
    // UDP tunnel ports with random payloads.
    const body = r() < 0.5 ? concat(randomBytes(r, 8), tcp4(v4, { flags: "S" })) : randomBytes(r, 60);
    bytes = frame(udp4(v4, { sport: port(), dport: pick([4789, 6081, 2152, 3544, 5072, 4754]), payload: body }));
  } else {
    bytes = frame(icmp6Packet(v6, { type: pick([1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143, 200]), code: 0, payload }));
  }
  // Sometimes cut the capture short.
  if (r() < 0.15) bytes = bytes.slice(0, Math.max(14, Math.floor(r() * bytes.length)));
  return { ts: t, bytes };
}

test("20,000 random packets: no exception, every connection removed exactly once", async () => {
  const r = rng(0xb201);
  const packets: TestPacket[] = [];
  let t = 1000;
  for (let i = 0; i < 20_000; i++) {
    t += r() < 0.01 ? 30 : r() * 0.01;
    packets.push(randomPacket(r, t));
  }
  const engine = new Engine({
    settings: {
      connection_status_update_interval: 5,
      tcp_content_deliver_all_orig: true,
      tcp_content_deliver_all_resp: true,
      udp_content_deliver_all_orig: true,
    },
  });
  const created = await runChecked(engine, packets, true);
  assert.ok(created > 100);
});
