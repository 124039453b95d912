/** The ICMP analyzer: keys, sizes and events (behaviour doc §2.1, §5.2). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { frame, icmp4, icmp6Packet, ipv4, tcp } from "../../helpers/packets.js";
import { icmpPacket, run } from "../../session/harness.js";

test("echo request and reply are one connection: type/counterpart ports, sizes, OTH, no history", async () => {
  const echoes: string[] = [];
  const r = await run([icmpPacket(10, "10.0.0.1", "10.0.0.2", 8, 0, 56), icmpPacket(10.01, "10.0.0.2", "10.0.0.1", 0, 0, 56)], {}, (e) => {
    e.on("icmp_echo_request", (_c, info, id, seq, payload) => echoes.push(`req ${info.len} ${id} ${seq} ${payload.length}`));
    e.on("icmp_echo_reply", (_c, info) => echoes.push(`rep ${info.itype}`));
  });
  assert.equal(r.removed.length, 1);
  const c = r.removed[0]!;
  assert.deepEqual([c.orig, c.resp, c.state, c.history, c.origBytes, c.respBytes], ["10.0.0.1:8", "10.0.0.2:0", "OTH", "", 56, 56]);
  assert.deepEqual(echoes, ["req 56 1 1 56", "rep 0"]);
});

test("one-way types are keyed by direction: the same message back is another connection", async () => {
  const r = await run([icmpPacket(10, "10.0.0.1", "10.0.0.2", 3, 3), icmpPacket(10.1, "10.0.0.2", "10.0.0.1", 3, 3)]);
  assert.equal(r.removed.length, 2);
  assert.deepEqual(r.removed.map((c) => `${c.orig}>${c.resp}`).sort(), ["10.0.0.1:3>10.0.0.2:3", "10.0.0.2:3>10.0.0.1:3"]);
});

test("unreachable carries the quoted packet as icmp_context", async () => {
  const quoted = ipv4({ src: "10.0.0.2", dst: "10.0.0.9" }, tcp({ sport: 1234, dport: 80 }, { src: "10.0.0.2", dst: "10.0.0.9" }));
  const contexts: string[] = [];
  await run([{ ts: 10, bytes: frame(icmp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { type: 3, code: 1, payload: quoted.slice(0, 28) })) }], {}, (e) =>
    e.on("icmp_unreachable", (_c, _i, code, ctx) =>
      contexts.push(`${code} ${ctx.id.orig_h}:${ctx.id.orig_p} ${ctx.id.resp_h}:${ctx.id.resp_p} ${ctx.proto} ${ctx.len} ${ctx.bad_hdr_len}`),
    ),
  );
  assert.deepEqual(contexts, ["1 10.0.0.2:1234 10.0.0.9:80 1 40 false"]);
});

test("bad ICMP checksum: weird, no size, no history", async () => {
  const bytes = frame(icmp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { type: 8, checksum: "bad" }));
  const r = await run([{ ts: 10, bytes }]);
  assert.ok(r.weirds.includes("bad_ICMP_checksum"));
  assert.deepEqual([r.removed[0]!.origPkts, r.removed[0]!.history], [0, ""]);
});

test("a truncated MLDv2 record is a weird (sources and aux data must fit)", async () => {
  // One record claiming one source and 2 words of aux data, but only the source is there.
  const record = [1, 2, 0, 1, ...new Array<number>(16).fill(0xff), ...new Array<number>(16).fill(0xfe)];
  // Header bytes 4–7: reserved (the builder's id) and the number of records (its seq).
  const report = (rec: number[]) => ({ ts: 10, bytes: frame(icmp6Packet({ src: "fe80::1", dst: "ff02::16" }, { type: 143, id: 0, seq: 1, payload: rec })) });
  const r = await run([report(record)]);
  assert.ok(r.weirds.includes("truncated_ICMPv6_MLDv2_record"));
  const whole = await run([report([...record, 0, 0, 0, 0, 0, 0, 0, 0])]);
  assert.ok(!whole.weirds.includes("truncated_ICMPv6_MLDv2_record"));
});
