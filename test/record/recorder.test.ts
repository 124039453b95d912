/** Recorder: whole / header-only / none, read back with bronze's reader and tcpdump (the engine's decisions: test/record/recording.test.ts). */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Recorder } from "../../src/record/recorder.js";
import { openTrace } from "../../src/source/open.js";
import type { RawPacket } from "../../src/source/raw-packet.js";
import { oracleMissing } from "../helpers/corpus.js";
import { frame, sll, tcp4, udp4 } from "../helpers/packets.js";

const dir = mkdtempSync(join(tmpdir(), "bronze-recorder-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const V4 = { src: "10.0.0.1", dst: "10.0.0.2" };
const PAYLOAD = "payload ".repeat(40);

function packet(bytes: Uint8Array, ts: number, linktype = 1): RawPacket {
  const data = new Uint8Array(bytes.length + 3);
  data.set(bytes, 3);
  return { ts, caplen: bytes.length, wirelen: bytes.length, linktype, data, offset: 3 };
}

interface Read {
  ts: number;
  caplen: number;
  wirelen: number;
  bytes: Uint8Array;
}

async function readBack(path: string): Promise<Read[]> {
  const out: Read[] = [];
  await (await openTrace(path)).run((p) => {
    out.push({ ts: p.ts, caplen: p.caplen, wirelen: p.wirelen, bytes: p.data.slice(p.offset, p.offset + p.caplen) });
  });
  return out;
}

test("whole, header-only and skipped packets", async () => {
  const path = join(dir, "modes.pcap");
  const web = packet(frame(tcp4(V4, { payload: PAYLOAD })), 100.25);
  const dns = packet(frame(udp4(V4, { payload: PAYLOAD })), 100.5);
  const rec = new Recorder(path);
  rec.record(web);
  rec.record(web, "headers");
  rec.record(dns, "headers");
  rec.record(dns, "none");
  rec.record(dns, "headers", 20);
  rec.close();
  assert.deepEqual([rec.whole, rec.headersOnly, rec.skipped], [1, 3, 1]);
  const got = await readBack(path);
  assert.deepEqual(
    got.map((r) => r.caplen),
    [web.caplen, 14 + 20 + 20, 14 + 20 + 8, 20],
  );
  assert.deepEqual(
    got.map((r) => r.wirelen),
    [web.wirelen, web.wirelen, dns.wirelen, dns.wirelen],
    "the wire length is kept",
  );
  assert.deepEqual(
    got.map((r) => r.ts),
    [100.25, 100.25, 100.5, 100.5],
  );
  assert.deepEqual(got[0]!.bytes, web.data.subarray(3));
  assert.deepEqual(got[1]!.bytes, web.data.subarray(3, 3 + 54), "a header-only record is the packet's prefix");
});

test("the file takes the first packet's link type; other link types are counted, not written", async () => {
  const path = join(dir, "sll.pcap");
  const rec = new Recorder(path);
  assert.equal(rec.linktype, null);
  rec.record(packet(sll(0x0800, udp4(V4)), 1, 113));
  rec.record(packet(frame(udp4(V4)), 2, 1));
  rec.close();
  assert.equal(rec.linktype, 113);
  assert.equal(rec.otherLinktype, 1);
  assert.equal((await readBack(path)).length, 1);
});

test("nothing recorded: no file, unless the link type was given", () => {
  const none = join(dir, "none.pcap");
  new Recorder(none).close();
  assert.equal(existsSync(none), false);
  const eager = join(dir, "eager.pcap");
  const rec = new Recorder(eager, { linktype: 1 });
  rec.close();
  assert.equal(existsSync(eager), true);
  assert.throws(() => rec.record(packet(frame(udp4(V4)), 1)), /after close/);
});

test("tcpdump reads the recording", (t) => {
  try {
    execFileSync("tcpdump", ["--version"], { stdio: "ignore" });
  } catch {
    return oracleMissing(t, "tcpdump not found on PATH");
  }
  const path = join(dir, "tcpdump.pcap");
  const rec = new Recorder(path);
  for (let i = 0; i < 10; i++) rec.record(packet(frame(tcp4(V4, { sport: 1000 + i, payload: PAYLOAD })), 1000 + i / 10), i % 2 === 0 ? "whole" : "headers");
  rec.close();
  const text = execFileSync("tcpdump", ["-nn", "-r", path], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const lines = text.trim().split("\n");
  assert.equal(lines.length, 10);
  assert.match(lines[1]!, /10\.0\.0\.1\.1001 > 10\.0\.0\.2\.80/);
});
