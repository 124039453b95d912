import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { transportChecksumOk } from "../../src/packet/checksum.js";
import * as B from "../helpers/packets.js";
import { Layers } from "../packet/layers.js";

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const V6 = { src: "2001:db8::1", dst: "2001:db8::2" };

/** A UDP datagram with `n` payload bytes (checksum over the whole). */
function datagram4(n: number): Uint8Array {
  return B.udp({ sport: 1000, dport: 2000, payload: Uint8Array.from({ length: n }, (_, i) => i & 0xff) }, V4);
}

/** Splits transport bytes `seg` into IPv4 fragments at the given byte boundaries. */
function fragments4(seg: Uint8Array, cuts: number[], o: { id?: number; df?: boolean } = {}): Uint8Array[] {
  const bounds = [0, ...cuts, seg.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const more = i + 2 < bounds.length;
    out.push(B.frame(B.ipv4({ ...V4, proto: 17, id: o.id ?? 77, df: o.df, mf: more, fragOffset: bounds[i] }, seg.subarray(bounds[i], bounds[i + 1]))));
  }
  return out;
}

function fragments6(seg: Uint8Array, cuts: number[], id = 99): Uint8Array[] {
  const bounds = [0, ...cuts, seg.length];
  return bounds
    .slice(0, -1)
    .map((start, i) =>
      B.frame(
        B.ipv6({ ...V6, nextHeader: 17, extHeaders: [B.fragmentHeader({ id, offset: start, mf: i + 2 < bounds.length })] }, seg.subarray(start, bounds[i + 1])),
      ),
    );
}

function feedAll(l: Layers, frames: Uint8Array[], ts = 1) {
  return frames.map((f, i) => l.feed(f, { ts: ts + i * 0.001 }));
}

describe("IPv4 fragment reassembly", () => {
  it("in order: only the last fragment goes on, as one datagram", () => {
    const l = new Layers();
    const seg = datagram4(300);
    const rs = feedAll(l, fragments4(seg, [104, 208]));
    assert.deepEqual(
      rs.map((r) => r.ip),
      [false, false, true],
    );
    const p = l.pkt;
    assert.equal(p.reassembled, true);
    assert.equal(p.ipTotalLen, 20 + 308);
    assert.equal(p.l4Len, 308);
    assert.equal(p.l4CapLen, 308);
    assert.deepEqual(p.data.subarray(p.l4Offset, p.l4Offset + p.l4Len), seg);
    assert.equal(transportChecksumOk(p), true, "checksum verified over the rebuilt datagram");
    assert.equal(p.data[p.l2SrcOffset + 5], 0x01, "link header kept in front of the datagram");
    assert.deepEqual(
      rs.flatMap((r) => r.weirds),
      [],
    );
    assert.equal(l.ip.fragments.pending, 0);
  });

  it("reverse order", () => {
    const l = new Layers();
    const seg = datagram4(300);
    const rs = feedAll(l, fragments4(seg, [104, 208]).reverse());
    assert.deepEqual(
      rs.map((r) => r.ip),
      [false, false, true],
    );
    assert.deepEqual(l.pkt.data.subarray(l.pkt.l4Offset, l.pkt.l4Offset + l.pkt.l4Len), seg);
  });

  it("consistent overlap: fragment_overlap, existing bytes kept", () => {
    const l = new Layers();
    const seg = datagram4(200);
    const rs = feedAll(l, [
      B.frame(B.ipv4({ ...V4, proto: 17, id: 5, mf: true }, seg.subarray(0, 120))),
      B.frame(B.ipv4({ ...V4, proto: 17, id: 5, fragOffset: 80 }, seg.subarray(80))),
    ]);
    assert.equal(rs[1]!.ip, true);
    assert.deepEqual(rs[1]!.weirds, ["fragment_overlap"]);
    assert.deepEqual(l.pkt.data.subarray(l.pkt.l4Offset, l.pkt.l4Offset + l.pkt.l4Len), seg);
  });

  it("inconsistent overlap: fragment_inconsistency, first bytes win", () => {
    const l = new Layers();
    const seg = datagram4(200);
    const changed = seg.slice(80);
    changed[0]! ^= 0xff;
    const rs = feedAll(l, [
      B.frame(B.ipv4({ ...V4, proto: 17, id: 6, mf: true }, seg.subarray(0, 120))),
      B.frame(B.ipv4({ ...V4, proto: 17, id: 6, fragOffset: 80 }, changed)),
    ]);
    assert.deepEqual(rs[1]!.weirds, ["fragment_inconsistency"]);
    assert.equal(l.pkt.data[l.pkt.l4Offset + 80], seg[80]);
  });

  it("weirds: tiny non-last fragment, DF, oversize, size disagreement", () => {
    const l = new Layers();
    const seg = datagram4(100);
    const rs = feedAll(l, fragments4(seg, [16], { df: true }));
    assert.deepEqual(rs[0]!.weirds, ["fragment_with_DF", "excessively_small_fragment"]);
    assert.equal(l.log[1]!.src, "10.0.0.1");
    assert.equal(l.log[1]!.source, "");
    const big = new Layers();
    const r = big.feed(B.frame(B.ipv4({ ...V4, proto: 17, id: 9, fragOffset: 64000 }, new Uint8Array(80))));
    assert.deepEqual(r.weirds, ["excessively_large_fragment"]);
    const size = new Layers();
    const w = feedAll(size, [
      B.frame(B.ipv4({ ...V4, proto: 17, id: 3, fragOffset: 80 }, new Uint8Array(80))),
      B.frame(B.ipv4({ ...V4, proto: 17, id: 3, fragOffset: 88 }, new Uint8Array(80))),
    ]);
    assert.deepEqual(w[1]!.weirds, ["fragment_size_inconsistency", "fragment_overlap"]);
  });

  it("a protocol change between fragments of one datagram", () => {
    const l = new Layers();
    const rs = feedAll(l, [
      B.frame(B.ipv4({ ...V4, proto: 17, id: 4, mf: true }, new Uint8Array(80))),
      B.frame(B.ipv4({ ...V4, proto: 6, id: 4, fragOffset: 80 }, new Uint8Array(80))),
    ]);
    assert.deepEqual(rs[1]!.weirds, ["fragment_protocol_inconsistency"]);
  });

  it("different ids or addresses are different datagrams", () => {
    const l = new Layers();
    const a = fragments4(datagram4(200), [96], { id: 1 });
    const b = fragments4(datagram4(200), [96], { id: 2 });
    const rs = feedAll(l, [a[0]!, b[0]!, b[1]!, a[1]!]);
    assert.deepEqual(
      rs.map((r) => r.ip),
      [false, false, true, true],
    );
  });

  it("an incompletely captured first fragment is analysed as is; later ones dropped", () => {
    const l = new Layers();
    const [first, second] = fragments4(datagram4(200), [96]);
    const r1 = l.feed(first!.subarray(0, 60), { wirelen: first!.length });
    assert.deepEqual([r1.ip, r1.weirds], [true, ["incompletely_captured_fragment"]]);
    assert.equal(l.pkt.reassembled, false);
    const r2 = l.feed(second!.subarray(0, 60), { wirelen: second!.length });
    assert.deepEqual([r2.ip, r2.weirds], [false, ["incompletely_captured_fragment"]]);
  });
});

describe("IPv6 fragment reassembly", () => {
  it("rebuilds without the fragment header and with the right next header", () => {
    const l = new Layers();
    const seg = B.udp({ payload: new Uint8Array(150).fill(7) }, V6);
    const rs = feedAll(l, fragments6(seg, [80]));
    assert.deepEqual(
      rs.map((r) => r.ip),
      [false, true],
    );
    const p = l.pkt;
    assert.equal(p.reassembled, true);
    assert.equal(p.ipVersion, 6);
    assert.equal(p.ipProto, 17);
    assert.equal(p.ipHeaderLen, 40);
    assert.equal(p.ipTotalLen, 40 + seg.length);
    assert.equal(p.ipId, 0, "the rebuilt datagram has no fragment header");
    assert.equal(transportChecksumOk(p), true);
  });

  it("keeps extension headers that precede the fragment header", () => {
    const l = new Layers();
    const seg = B.udp({ payload: new Uint8Array(100) }, V6);
    const frames = [0, 56].map((start, i) =>
      B.frame(
        B.ipv6(
          { ...V6, nextHeader: 17, extHeaders: [B.hopByHop(), B.fragmentHeader({ id: 1, offset: start, mf: i === 0 })] },
          seg.subarray(start, i === 0 ? 56 : seg.length),
        ),
      ),
    );
    const rs = feedAll(l, frames);
    assert.equal(rs[1]!.ip, true);
    assert.equal(l.pkt.ipHeaderLen, 48);
    assert.equal(l.pkt.ipProto, 17);
    assert.equal(l.pkt.l4Len, seg.length);
  });

  it("an atomic fragment (offset 0, no MF) is a datagram by itself", () => {
    const l = new Layers();
    const r = l.feed(fragments6(B.udp({ payload: "one" }, V6), [])[0]!);
    assert.equal(r.ip, true);
    assert.equal(l.pkt.reassembled, true);
  });
});

describe("fragment buffer lifetime and memory", () => {
  it("expires buffers frag_timeout after creation, on network time", () => {
    const l = new Layers({ frag_timeout: 10 });
    const [a, b] = fragments4(datagram4(200), [96]);
    l.feed(a!, { ts: 100 });
    assert.equal(l.ip.fragments.pending, 1);
    const late = l.feed(b!, { ts: 111 });
    assert.equal(late.ip, false, "the first half expired silently");
    assert.deepEqual(late.weirds, []);
    assert.equal(l.ip.fragments.stats.expired, 1);
    const l2 = new Layers({ frag_timeout: 10 });
    l2.feed(a!, { ts: 100 });
    assert.equal(l2.feed(b!, { ts: 109 }).ip, true);
  });

  it("bounds buffered bytes, evicting the oldest buffers with a weird", () => {
    const l = new Layers({ max_fragment_bytes: 1000 });
    for (let id = 1; id <= 10; id++) l.feed(fragments4(datagram4(400), [200], { id })[0]!, { ts: id });
    assert.ok(l.ip.fragments.bufferedBytes <= 1000, `buffered ${l.ip.fragments.bufferedBytes}`);
    assert.ok(l.ip.fragments.stats.evicted > 0);
    assert.ok((l.weirds.counts.get("fragment_buffer_limit_reached") ?? 0) > 0);
    const newest = fragments4(datagram4(400), [200], { id: 10 })[1]!;
    assert.equal(l.feed(newest, { ts: 11 }).ip, true, "the newest datagram survived");
  });

  it("counts the most datagrams in reassembly at once (get_conn_stats' max_fragments), not those begun", () => {
    const l = new Layers();
    const [a1, a2] = fragments4(datagram4(200), [96], { id: 1 });
    const [b1, b2] = fragments4(datagram4(200), [96], { id: 2 });
    for (const f of [a1!, b1!, a2!, b2!]) l.feed(f);
    const [c1, c2] = fragments4(datagram4(200), [96], { id: 3 });
    for (const f of [c1!, c2!]) l.feed(f);
    assert.equal(l.ip.fragments.pending, 0);
    assert.equal(l.ip.fragments.stats.maxPending, 2);
  });

  it("flush drops everything pending", () => {
    const l = new Layers();
    l.feed(fragments4(datagram4(200), [96])[0]!);
    l.ip.flush();
    assert.equal(l.ip.fragments.pending, 0);
    assert.equal(l.ip.fragments.bufferedBytes, 0);
  });
});
