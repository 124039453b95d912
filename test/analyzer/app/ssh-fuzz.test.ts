/**
 * Hostile input: random and mutated SSH conversations (seeded, so a failure
 * reproduces) never throw out of the SSH analyzer. An exception would show
 * as the framework's "SSH analyzer error" violation; malformed input must
 * instead be a violation with binpac's text, or a weird.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bytes, concat } from "../../helpers/packets.js";
import { ecdhInit, ecdhReply, kexinit, NEWKEYS, runSsh, ssh2Packet, sshString, type Turn, u32 } from "./ssh-wire.js";

/** xorshift32: a small deterministic generator. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const VALID: Turn[] = [
  { from: "c", data: "SSH-2.0-OpenSSH_9.6\r\n" },
  { from: "s", data: "SSH-2.0-OpenSSH_9.3\r\n" },
  { from: "c", data: kexinit() },
  { from: "s", data: kexinit({ kex: "diffie-hellman-group-exchange-sha256,curve25519-sha256" }) },
  { from: "c", data: ecdhInit() },
  { from: "s", data: concat(ecdhReply(), NEWKEYS) },
  { from: "c", data: concat(NEWKEYS, new Uint8Array(64)) },
  { from: "s", data: new Uint8Array(68) },
];

/** Messages of every kex method and SSH1, to be spliced in at random. */
const SPARE: Uint8Array[] = [
  ssh2Packet(31, concat(sshString("P"), sshString("G"))),
  ssh2Packet(34, concat(u32(1), u32(2), u32(3))),
  ssh2Packet(33, concat(sshString("K"), sshString("F"), sshString("S"))),
  ssh2Packet(32, concat(sshString("F"), sshString("T"), new Uint8Array([1]), sshString("X"))),
  ssh2Packet(34, concat(u32(1), u32(2), sshString("err"), sshString(""))),
  ssh2Packet(30, concat(sshString("K"), sshString("T"))),
  concat(u32(13), new Uint8Array(3), new Uint8Array([2]), new Uint8Array(8), u32(0)),
  bytes("SSH-1.5-x\n"),
  bytes("SSH-1.99-y\r"),
  u32(0xffffffff),
  u32(1),
];

function mutate(turns: Turn[], next: () => number): Turn[] {
  const out = turns.map((t) => ({ from: t.from, data: typeof t.data === "string" ? bytes(t.data) : new Uint8Array(t.data) }));
  const edits = 1 + Math.floor(next() * 6);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(next() * out.length);
    const turn = out[i]!;
    const d = turn.data;
    switch (Math.floor(next() * 6)) {
      case 0: // flip bytes
        for (let k = 0; k < 1 + next() * 4 && d.length > 0; k++) d[Math.floor(next() * d.length)] = Math.floor(next() * 256);
        break;
      case 1: // truncate
        turn.data = d.subarray(0, Math.floor(next() * d.length));
        break;
      case 2: // random bytes appended
        turn.data = concat(
          d,
          Uint8Array.from({ length: Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
        );
        break;
      case 3: // another message spliced in
        out.splice(i, 0, { from: next() < 0.5 ? "c" : "s", data: SPARE[Math.floor(next() * SPARE.length)]! });
        break;
      case 4: {
        // split a segment in two
        const at = Math.floor(next() * d.length);
        out.splice(i, 1, { from: turn.from, data: d.subarray(0, at) }, { from: turn.from, data: d.subarray(at) });
        break;
      }
      default: // a length field set to something large
        if (d.length >= 4) new DataView(d.buffer, d.byteOffset).setUint32(Math.floor(next() * (d.length - 3)), Math.floor(next() * 0x100000000));
    }
  }
  return out.filter((t) => (t.data as Uint8Array).length > 0);
}

test("SSH fuzz: mutated and random conversations never throw out of the analyzer", async () => {
  const next = rng(0x55aa1234);
  const failures: string[] = [];
  let violations = 0;
  for (let round = 0; round < 150; round++) {
    const turns =
      round % 5 === 4
        ? [
            VALID[0]!,
            VALID[1]!,
            ...Array.from(
              { length: 4 },
              (_, k): Turn => ({ from: k % 2 ? "s" : "c", data: Uint8Array.from({ length: 1 + Math.floor(next() * 300) }, () => Math.floor(next() * 256)) }),
            ),
          ]
        : mutate(VALID, next);
    const r = await runSsh(turns, ["analyzer_violation_info"]);
    violations += r.events.length;
    for (const e of r.events) if (e.includes("analyzer error")) failures.push(`round ${round}: ${e}`);
  }
  assert.deepEqual(failures, []);
  // The mutations do reach the parser's error paths.
  assert.ok(violations > 20, `only ${violations} violations`);
});

test("SSH fuzz: a 12 MiB line or frame fails as binpac's buffer does (violation), without holding more", async () => {
  const big = new Uint8Array(32 * 1024).fill(0x41);
  const turns: Turn[] = [{ from: "c", data: "SSH-2.0-x\r\n" }];
  // The client acknowledges as data comes (past 10 MiB unacknowledged, TCP stops delivering).
  for (let i = 0; i < 384; i++) turns.push({ from: "s", data: big }, { from: "c", data: "" });
  const r = await runSsh(turns, ["analyzer_violation_info"]);
  assert.equal(r.events.length, 1);
  assert.match(r.events[0]!, /flowbuffer allocation failed: expand past max capacity \d+\/10485760/);
});
