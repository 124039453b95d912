/**
 * Plausible-but-broken TCP conversations never throw out of the engine. Where
 * fuzz.test.ts sends unrelated random segments, these are conversations: a
 * handshake, data and a close between one pair of endpoints, with sequence
 * and acknowledgement numbers that mostly follow the stream, then mutated at
 * random (segments dropped, duplicated, reordered, flags flipped, numbers
 * nudged, windows zeroed, option blocks added, roles reversed), so the state
 * machine, the reassembler and the lazily created responder endpoint are
 * driven through their deeper states. Run both with every event handled and
 * with only the life-cycle ones (a plain conn.log run takes other paths). Deterministic; set
 * BRONZE_FUZZ_ROUNDS for a longer run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { runChecked } from "../helpers/fuzz.js";
import { frame, type TestPacket, tcp4, tcp6 } from "../helpers/packets.js";
import { rng } from "../helpers/rng.js";

interface Segment {
  fromOrig: boolean;
  flags: number;
  seq: number;
  ack: number;
  win: number;
  len: number;
  options?: number[];
}

const FIN = 1,
  SYN = 2,
  RST = 4,
  PSH = 8,
  ACK = 16;
const OPTION_BLOCKS = [
  [2, 4, 5, 180], // MSS
  [1, 3, 3, 7], // NOP, window scale 7
  [4, 2, 1, 1], // SACK permitted, NOPs
  [8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1], // timestamps
  [5, 10, 0, 0, 1, 0, 0, 0, 2, 0], // a SACK block
  [3, 3, 30, 0], // window scale out of range
  [2, 3, 1, 0], // bad MSS length
];

/** A well-formed conversation: handshake, some data each way, a close. */
function conversation(r: () => number): Segment[] {
  let o = Math.floor(r() * 4294967296);
  let p = Math.floor(r() * 4294967296);
  const segs: Segment[] = [];
  const add = (fromOrig: boolean, flags: number, len = 0): void => {
    segs.push({ fromOrig, flags, seq: fromOrig ? o : p, ack: flags & ACK ? (fromOrig ? p : o) : 0, win: 65535, len });
    const used = len + (flags & (SYN | FIN) ? 1 : 0);
    if (fromOrig) o = (o + used) >>> 0;
    else p = (p + used) >>> 0;
  };
  add(true, SYN);
  add(false, SYN | ACK);
  add(true, ACK);
  for (let i = Math.floor(r() * 6); i > 0; i--) add(r() < 0.5, ACK | PSH, [1, 10, 100, 1460][Math.floor(r() * 4)]!);
  const closer = r() < 0.5;
  if (r() < 0.2) add(closer, RST | ACK);
  else {
    add(closer, FIN | ACK);
    add(!closer, ACK);
    add(!closer, FIN | ACK);
    add(closer, ACK);
  }
  return segs;
}

/** Breaks a conversation the ways real captures and attackers do. */
function mutate(r: () => number, segs: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s0 of segs) {
    if (r() < 0.1) continue; // dropped
    const s = { ...s0 };
    if (r() < 0.08) s.flags ^= 1 << Math.floor(r() * 8);
    if (r() < 0.05) s.seq = (s.seq + Math.floor((r() - 0.5) * 3000)) >>> 0;
    if (r() < 0.05) s.ack = (s.ack + Math.floor((r() - 0.5) * 3000)) >>> 0;
    if (r() < 0.03) s.seq = (s.seq + 0x7fffffff) >>> 0;
    if (r() < 0.05) s.win = 0;
    if (r() < 0.05) s.fromOrig = !s.fromOrig;
    if (r() < 0.05) s.len = [0, 1, 2000][Math.floor(r() * 3)]!;
    if (r() < 0.25) s.options = OPTION_BLOCKS[Math.floor(r() * OPTION_BLOCKS.length)]!;
    out.push(s);
    if (r() < 0.08) out.push({ ...s }); // duplicated
  }
  for (let i = 0; i + 1 < out.length; i++) {
    if (r() < 0.08) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!]; // reordered
  }
  return out;
}

function toPackets(r: () => number, rounds: number): TestPacket[] {
  const packets: TestPacket[] = [];
  let t = 1000;
  for (let c = 0; c < rounds; c++) {
    const v6 = r() < 0.2;
    const sport = 1024 + Math.floor(r() * 8); // few ports: connections get reused
    const dport = [22, 80, 443, 6667][Math.floor(r() * 4)]!;
    for (const s of mutate(r, conversation(r))) {
      t += r() < 0.002 ? 400 : r() * 0.05;
      const seg = {
        sport: s.fromOrig ? sport : dport,
        dport: s.fromOrig ? dport : sport,
        seq: s.seq,
        ack: s.ack,
        flags: s.flags,
        win: s.win,
        options: s.options,
        payload: new Uint8Array(s.len).fill(c & 0xff),
      };
      const a = v6 ? "2001:db8::1" : "10.0.0.1";
      const b = v6 ? "2001:db8::2" : "10.0.0.2";
      const ip = s.fromOrig ? { src: a, dst: b } : { src: b, dst: a };
      packets.push({ ts: t, bytes: frame(v6 ? tcp6(ip, seg) : tcp4(ip, seg)) });
    }
  }
  return packets;
}

/** Analyzers a script registers (Zeek's register_for_port), each on one of the conversations' ports. */
const REGISTERED: ReadonlyArray<[string, number]> = [
  ["TELNET", 22],
  ["RLOGIN", 80],
  ["RSH", 443],
  ["GNUTELLA", 6667],
  ["BITTORRENT", 22],
  ["BITTORRENTTRACKER", 80],
  ["NCP", 443],
  ["IDENT", 6667],
];

const ROUNDS = Number(process.env.BRONZE_FUZZ_ROUNDS ?? 1500);

for (const withHandlers of [true, false]) {
  test(`${ROUNDS} mutated TCP conversations (${withHandlers ? "every event handled" : "life-cycle handlers only"}): no exception, every connection removed once`, async () => {
    const packets = toPackets(rng(withHandlers ? 0x5eed : 0xc0ffee), ROUNDS);
    const engine = new Engine({
      settings: withHandlers ? { connection_status_update_interval: 5, tcp_content_deliver_all_orig: true, tcp_content_deliver_all_resp: true } : {},
    });
    // The analyzers no port starts by default ride along on the conversations' ports, beside the ones there.
    for (const [name, port] of REGISTERED) assert.ok(engine.registerForPort(name, port));
    const created = await runChecked(engine, packets, withHandlers);
    assert.ok(created > ROUNDS / 10, `only ${created} connections`);
  });
}
