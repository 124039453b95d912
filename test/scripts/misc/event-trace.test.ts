import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBus } from "../../../src/event/bus.js";
import type { Connection } from "../../../src/event/records.js";
import { MemorySink } from "../../../src/log/sink.js";
import { defaultSettings } from "../../../src/options.js";
import eventTrace from "../../../src/scripts/misc/event-trace.js";
import { findMiscScript } from "../../../src/scripts/misc/index.js";

function connection(uid: string, transport: Connection["id"]["transport"] = "tcp"): Connection {
  const endpoint = { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, flow_label: 0 };
  return {
    id: { orig_h: "10.0.0.1", orig_p: 1234, resp_h: "2001:db8::2", resp_p: 80, transport, proto: 6 },
    orig: { ...endpoint },
    resp: { ...endpoint },
    start_time: 0,
    duration: 0,
    service: new Set(),
    history: "",
    uid,
  };
}

function setup() {
  const bus = new EventBus();
  const host = { on: bus.on.bind(bus), settings: defaultSettings(), clock: { now: 0 } };
  const sink = new MemorySink();
  const trace = eventTrace(host, { sink });
  return { bus, host, sink, trace };
}

test("event-trace turns on content delivery like the Zeek script's redefs", () => {
  const { host } = setup();
  const s = host.settings;
  assert.deepEqual(
    [s.tcp_content_deliver_all_orig, s.tcp_content_deliver_all_resp, s.udp_content_deliver_all_orig, s.udp_content_deliver_all_resp],
    [true, true, true, true],
  );
});

test("event-trace writes Zeek's line format: network time, event, uid, args", () => {
  const { bus, host, sink, trace } = setup();
  const c = connection("CHhAvVGS1DHFjwGM9");
  host.clock.now = 1128727430.350788;
  bus.queue("new_connection", c);
  bus.queue("connection_SYN_packet", c, {
    is_orig: true,
    DF: true,
    ttl: 58,
    size: 60,
    win_size: 5840,
    win_scale: 2,
    MSS: 1460,
    SACK_OK: true,
    TSval: 1772672869,
    TSecr: 0,
  });
  bus.queue("connection_SYN_packet", c, { is_orig: false, DF: false, ttl: 64, size: 40, win_size: 8192, win_scale: -1, MSS: 0, SACK_OK: false });
  bus.queue("tcp_packet", c, true, "SA", 0, 1, 0, new Uint8Array(0));
  bus.queue("tcp_contents", c, false, 1, new TextEncoder().encode("abc"));
  bus.queue("connection_EOF", c, false);
  bus.queue("connection_established", c);
  bus.drain();
  host.clock.now = 1128727431;
  bus.queue("rexmit_inconsistency", c, new Uint8Array(0), new TextEncoder().encode("abc"), "AP");
  bus.queue("tcp_multiple_retransmissions", c, true, 10);
  bus.drain();
  assert.deepEqual(sink.text().split("\n"), [
    "1128727430.350788\tnew_connection\tCHhAvVGS1DHFjwGM9\tproto=tcp orig_h=10.0.0.1 orig_p=1234 resp_h=2001:db8::2 resp_p=80",
    "1128727430.350788\tconnection_SYN_packet\tCHhAvVGS1DHFjwGM9\tis_orig=T DF=T ttl=58 size=60 win_size=5840 win_scale=2 MSS=1460 SACK_OK=T TSval=1772672869 TSecr=0",
    "1128727430.350788\tconnection_SYN_packet\tCHhAvVGS1DHFjwGM9\tis_orig=F DF=F ttl=64 size=40 win_size=8192 win_scale=-1 MSS=0 SACK_OK=F TSval=- TSecr=-",
    "1128727430.350788\ttcp_packet\tCHhAvVGS1DHFjwGM9\tis_orig=T flags=SA seq=0 ack=1 len=0",
    "1128727430.350788\ttcp_contents\tCHhAvVGS1DHFjwGM9\tis_orig=F seq=1 len=3 md5=900150983cd24fb0d6963f7d28e17f72",
    "1128727430.350788\tconnection_EOF\tCHhAvVGS1DHFjwGM9\tis_orig=F",
    "1128727430.350788\tconnection_established\tCHhAvVGS1DHFjwGM9\t",
    "1128727431.000000\trexmit_inconsistency\tCHhAvVGS1DHFjwGM9\tt1_len=0 t1_md5=d41d8cd98f00b204e9800998ecf8427e t2_len=3 t2_md5=900150983cd24fb0d6963f7d28e17f72 tcp_flags=AP",
    "1128727431.000000\ttcp_multiple_retransmissions\tCHhAvVGS1DHFjwGM9\tis_orig=T threshold=10",
    "",
  ]);
  assert.equal(trace.lines, 9);
});

test("event-trace formats UDP and ICMP events", () => {
  const { bus, host, sink } = setup();
  const u = connection("Cu", "udp");
  const i = connection("Ci", "icmp");
  host.clock.now = 1.5;
  const info = { v6: true, itype: 136, icode: 0, len: 24, ttl: 255 };
  bus.queue("udp_contents", u, true, new Uint8Array(0));
  bus.queue("udp_request", u);
  bus.queue("icmp_echo_request", i, { ...info, itype: 128 }, 7, 3, new Uint8Array(56));
  bus.queue("icmp_neighbor_advertisement", i, info, false, true, true, "2000:1300::1", []);
  const ctx = {
    id: { orig_h: "1.2.3.4", orig_p: 5, resp_h: "5.6.7.8", resp_p: 53, transport: "udp" as const, proto: 17 },
    len: 40,
    proto: 17,
    frag_offset: 0,
    bad_hdr_len: false,
    bad_checksum: false,
    MF: false,
    DF: true,
  };
  bus.queue("icmp_unreachable", i, { v6: false, itype: 3, icode: 3, len: 36, ttl: 64 }, 3, ctx);
  bus.drain();
  assert.deepEqual(sink.text().trimEnd().split("\n"), [
    "1.500000\tudp_contents\tCu\tis_orig=T len=0 md5=d41d8cd98f00b204e9800998ecf8427e",
    "1.500000\tudp_request\tCu\t",
    "1.500000\ticmp_echo_request\tCi\tv6=T itype=128 icode=0 len=24 ttl=255 id=7 seq=3 payload_len=56",
    "1.500000\ticmp_neighbor_advertisement\tCi\tv6=T itype=136 icode=0 len=24 ttl=255 router=F solicited=T override=T tgt=2000:1300::1",
    "1.500000\ticmp_unreachable\tCi\tv6=F itype=3 icode=3 len=36 ttl=64 code=3 ctx_orig_h=1.2.3.4 ctx_orig_p=5 ctx_resp_h=5.6.7.8 ctx_resp_p=53 ctx_len=40 ctx_proto=17 ctx_frag_offset=0 ctx_bad_hdr_len=F ctx_bad_checksum=F ctx_MF=F ctx_DF=T",
  ]);
});

test("event-trace handles no event outside the Zeek script's list (new_packet stays free)", () => {
  const { bus } = setup();
  assert.equal(bus.wants.new_packet ?? false, false);
  assert.equal(bus.wants.tcp_options ?? false, false);
  assert.equal(bus.wants.tcp_packet, true);
  assert.equal(bus.wants.connection_reset, true);
});

test("the misc registry finds event-trace by the names the CLI accepts", () => {
  assert.ok(findMiscScript("misc/event-trace"));
  assert.ok(findMiscScript("policy/misc/event-trace.zeek"));
  assert.equal(findMiscScript("misc/nope"), undefined);
  assert.equal(findMiscScript("constructor"), undefined);
});

test("negative (underflowed) relative sequence numbers print as Zeek's unsigned count", () => {
  const { bus, host, sink } = setup();
  const c = connection("Cneg");
  host.clock.now = 2;
  bus.queue("tcp_packet", c, true, "AP", -2147483227, 436207947, 12, new Uint8Array(12));
  bus.drain();
  assert.equal(sink.text(), "2.000000\ttcp_packet\tCneg\tis_orig=T flags=AP seq=18446744071562068389 ack=436207947 len=12\n");
});
