/**
 * Contents files (setContentsFile / getContentsFile): a connection's
 * reassembled streams written as delivered — in order, first copy wins,
 * holes as Zeek's "<<gap N>>" — for that connection only; failures raise
 * contents_file_write_failure and the engine carries on.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CONTENTS_BOTH, CONTENTS_ORIG, CONTENTS_RESP, type Connection, Engine } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "bronze-contents-"));
}

/** Client data out of order and retransmitted (one retransmission with different bytes: the first copy wins). */
const MESSY: Seg[] = [
  ...handshake(0),
  { t: 1.0, from: "c", flags: "PA", seq: 1011, ack: 5001, payload: "KLMNOPQRST" }, // bytes 11..20, early
  { t: 1.1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "ABCDEFGHIJ" }, // 1..10 fills the hole
  { t: 1.2, from: "c", flags: "PA", seq: 1006, ack: 5001, payload: "xxxxxxxxxx" }, // overlaps 6..15: ignored
  { t: 1.3, from: "s", flags: "PA", seq: 5001, ack: 1021, payload: "hello " },
  { t: 1.4, from: "c", flags: "PA", seq: 1031, ack: 5007, payload: "5678" }, // 31..34 above a hole
  { t: 1.5, from: "c", flags: "PA", seq: 1021, ack: 5007, payload: "0123456789" }, // 21..30
  { t: 1.6, from: "s", flags: "PA", seq: 5007, ack: 1035, payload: "world" },
  { t: 1.7, from: "s", flags: "PA", seq: 5007, ack: 1035, payload: "WORLD" }, // same range again: ignored
  { t: 2.0, from: "c", flags: "FA", seq: 1035, ack: 5012 },
  { t: 2.1, from: "s", flags: "FA", seq: 5012, ack: 1036 },
  { t: 2.2, from: "c", flags: "A", seq: 1036, ack: 5013 },
];
const ORIG_STREAM = "ABCDEFGHIJKLMNOPQRST01234567895678";
const RESP_STREAM = "hello world";

async function runWith(
  segs: Seg[],
  setup: (e: Engine, c: Connection) => void,
  prepare?: (e: Engine) => void,
): Promise<{ engine: Engine; failures: string[]; removed: number; packets: number }> {
  const engine = new Engine();
  prepare?.(engine);
  const failures: string[] = [];
  let removed = 0;
  engine.on("new_connection", (c) => setup(engine, c));
  engine.on("contents_file_write_failure", (_c, msg) => failures.push(msg));
  engine.on("connection_state_remove", () => removed++);
  const summary = await engine.run(memorySource(tcpTrace(segs)));
  return { engine, failures, removed, packets: summary.packets };
}

test("contents files hold each side's in-order stream despite reordering and retransmissions (first copy wins)", async () => {
  const dir = tempDir();
  try {
    const seen: Array<string | undefined> = [];
    const openFds = (): number => (existsSync("/proc/self/fd") ? readdirSync("/proc/self/fd").length : 0);
    const fdsBefore = openFds();
    const { failures } = await runWith(MESSY, (e, c) => {
      assert.equal(e.setContentsFile(c, "orig", join(dir, "orig")), true);
      assert.equal(e.setContentsFile(c, CONTENTS_RESP, join(dir, "resp")), true);
      seen.push(e.getContentsFile(c, CONTENTS_ORIG), e.getContentsFile(c, "resp"));
    });
    assert.deepEqual(failures, []);
    assert.deepEqual(seen, [join(dir, "orig"), join(dir, "resp")]);
    assert.equal(readFileSync(join(dir, "orig"), "latin1"), ORIG_STREAM);
    assert.equal(readFileSync(join(dir, "resp"), "latin1"), RESP_STREAM);
    assert.equal(openFds(), fdsBefore, "both files were closed when the connection was removed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("CONTENTS_BOTH writes both sides into one file in delivery order; no tcp_contents settings needed", async () => {
  const dir = tempDir();
  try {
    let contentsEvents = 0;
    await runWith(
      MESSY,
      (e, c) => e.setContentsFile(c, CONTENTS_BOTH, join(dir, "both")),
      (e) => e.on("tcp_contents", () => contentsEvents++),
    );
    // Delivery order: orig 1..20, resp "hello ", orig 21..34, resp "world".
    assert.equal(readFileSync(join(dir, "both"), "latin1"), "ABCDEFGHIJKLMNOPQRST" + "hello " + "01234567895678" + "world");
    assert.equal(contentsEvents, 0, "the global delivery switches stay off");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("only the connection given a file is written; a hole acked by the peer is written as Zeek's gap marker", async () => {
  const dir = tempDir();
  try {
    const gappy: Seg[] = [
      ...handshake(0),
      { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "abc" },
      { t: 2, from: "c", flags: "PA", seq: 1011, ack: 5001, payload: "xyz" }, // 4..10 never seen
      { t: 3, from: "s", flags: "A", seq: 5001, ack: 1014 },
    ];
    const other = tcpTrace(gappy, { cport: 40001 });
    const engine = new Engine();
    engine.on("new_connection", (c) => {
      if (c.id.orig_p === 40000) engine.setContentsFile(c, "orig", join(dir, "one"));
    });
    await engine.run(memorySource([...tcpTrace(gappy), ...other].sort((a, b) => a.ts - b.ts)));
    assert.equal(readFileSync(join(dir, "one"), "latin1"), "abc\n<<gap 7>>\nxyz");
    assert.deepEqual(readdirSync(dir), ["one"], "the other connection wrote nothing");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unwritable path raises contents_file_write_failure with the reason; the rest of the trace is processed", async () => {
  const dir = tempDir();
  try {
    const bad = join(dir, "no-such-dir", "orig");
    const results: boolean[] = [];
    const { failures, removed, packets } = await runWith(MESSY, (e, c) => {
      results.push(e.setContentsFile(c, "orig", bad));
      // A good file for the other side keeps working.
      results.push(e.setContentsFile(c, "resp", join(dir, "resp")));
    });
    assert.deepEqual(results, [false, true]);
    assert.equal(failures.length, 1);
    assert.match(failures[0]!, /no-such-dir/);
    assert.match(failures[0]!, /ENOENT/);
    assert.equal(packets, MESSY.length);
    assert.equal(removed, 1, "the connection ran to its end");
    assert.equal(readFileSync(join(dir, "resp"), "latin1"), RESP_STREAM);
    assert.equal(existsSync(bad), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a write failure mid-stream closes the file, raises the event once, and the engine carries on", {
  skip: !existsSync("/dev/full") && "no /dev/full here",
}, async () => {
  const { failures, removed, packets } = await runWith(MESSY, (e, c) => e.setContentsFile(c, "orig", "/dev/full"));
  assert.equal(failures.length, 1);
  assert.match(failures[0]!, /content write failure/);
  assert.match(failures[0]!, /ENOSPC/);
  assert.equal(packets, MESSY.length);
  assert.equal(removed, 1);
});

test("setContentsFile refuses what is not a live TCP connection", async () => {
  const engine = new Engine();
  const fake = { id: { orig_h: "1.2.3.4", orig_p: 1, resp_h: "5.6.7.8", resp_p: 2, transport: "tcp" } } as unknown as Connection;
  assert.equal(engine.setContentsFile(fake, "both", join(tmpdir(), "never")), false);
  assert.equal(engine.getContentsFile(fake, "orig"), undefined);
  assert.throws(() => engine.setContentsFile(fake, 7 as never, "x"), RangeError);
});

test("a file set mid-connection gets everything delivered from then on, out-of-order data included", async () => {
  const dir = tempDir();
  try {
    const segs: Seg[] = [
      ...handshake(0),
      { t: 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: "early" }, // before the file: not in it
      { t: 2, from: "c", flags: "PA", seq: 1011, ack: 5001, payload: "WORLD" }, // 11..15 out of order
      { t: 3, from: "c", flags: "PA", seq: 1006, ack: 5001, payload: "HELLO" }, // 6..10 fills the hole
    ];
    const engine = new Engine();
    let set = false;
    engine.on("tcp_packet", (c, _isOrig, _flags, _seq, _ack, len) => {
      // After the first data packet: the reassembler exists already and did not keep payload.
      if (len > 0 && !set) set = engine.setContentsFile(c, "orig", join(dir, "late"));
    });
    await engine.run(memorySource(tcpTrace(segs)));
    assert.equal(set, true);
    assert.equal(readFileSync(join(dir, "late"), "latin1"), "HELLOWORLD");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
