import assert from "node:assert/strict";
import { test } from "node:test";
import { RandomnessTest } from "../../src/files/entropy.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { memorySource } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { handshake, tcpTrace, ZEEK_SEED } from "../session/harness.js";

test("the randomness tests of a uniform and of a constant byte stream", () => {
  const uniform = new RandomnessTest();
  uniform.add(Uint8Array.from({ length: 256 }, (_, i) => i));
  const u = uniform.result();
  assert.ok(Math.abs(u.entropy - 8) < 1e-12);
  assert.equal(u.chi_square, 0);
  assert.equal(u.mean, 127.5);
  const constant = new RandomnessTest();
  constant.add(new Uint8Array(600).fill(7));
  const c = constant.result();
  assert.equal(c.entropy, 0);
  assert.equal(c.mean, 7);
  // No variance: Zeek's placeholder for an undefined correlation; every 6-byte point falls inside the circle.
  assert.equal(c.serial_correlation, -100000);
  assert.equal(c.monte_carlo_pi, 4);
});

test("fed in pieces or whole, the same results", () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) % 251);
  const whole = new RandomnessTest();
  whole.add(bytes);
  const pieces = new RandomnessTest();
  for (let i = 0; i < bytes.length; i += 37) pieces.add(bytes.subarray(i, i + 37));
  assert.deepEqual(pieces.result(), whole.result());
});

test("entropy-test-all-files: files.log's entropy column, the body's entropy", async () => {
  const body = "abcabcabd".repeat(20);
  const reply = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
  const segs = [
    ...handshake(0),
    { t: 1, from: "c" as const, flags: "PA", seq: 1001, ack: 5001, payload: request },
    { t: 2, from: "s" as const, flags: "PA", seq: 5001, ack: 1001 + request.length, payload: reply },
  ];
  const engine = new Engine({ seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["frameworks/files/entropy-test-all-files"] });
  await engine.run(memorySource(tcpTrace(segs, { sport: 80 })));
  scripts.close();
  const { fields, rows } = parseLogText(scripts.logs.text("files"));
  const expected = new RandomnessTest();
  expected.add(Uint8Array.from(body, (ch) => ch.charCodeAt(0)));
  assert.equal(fields.at(-1), "entropy");
  assert.equal(rows[0]!.at(-1), expected.result().entropy.toFixed(6));
});
