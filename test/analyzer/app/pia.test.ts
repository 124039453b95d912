/**
 * The PIA's matching (src/analyzer/app/pia.ts) driven directly, with a stub
 * tree: a match that straddles deliveries, a payload-size condition that
 * holds only on later data, datagrams matched on their own, and what
 * matching costs, counted in bytes run through the automaton: each byte
 * once, nothing once the buffer is full, and nothing past the first byte
 * when no signature can still fire.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_STATES } from "../../../src/analyzer/app/automaton.js";
import type { AnalyzerInstance } from "../../../src/analyzer/app/instance.js";
import { automatonOf, DatagramPia, type PiaTree, piaStoresAllocated, StreamPia } from "../../../src/analyzer/app/pia.js";
import { DEFAULT_ANALYZERS } from "../../../src/analyzer/app/protocols.js";
import { type CompiledSignature, compileSignatures, type Signature } from "../../../src/analyzer/app/signature.js";
import { defaultSettings } from "../../../src/options.js";

const bytes = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** A tree that records what the PIA starts and replays, and when it leaves. */
class StubTree implements PiaTree {
  readonly log: string[] = [];
  left = false;

  activateByName(name: string): AnalyzerInstance | null {
    this.log.push(`start ${name}`);
    const log = this.log;
    const instance = {
      active: true,
      deliverStream: (isOrig: boolean, _seq: number, data: Uint8Array) => log.push(`${isOrig ? "o" : "r"} ${text(data)}`),
      deliverPacket: (isOrig: boolean, data: Uint8Array) => log.push(`${isOrig ? "o" : "r"} ${text(data)}`),
      undelivered: (isOrig: boolean, _seq: number, len: number) => log.push(`${isOrig ? "o" : "r"} gap ${len}`),
    };
    return instance as unknown as AnalyzerInstance;
  }

  piaDone(): void {
    this.left = true;
  }

  lateMatch(name: string): void {
    this.log.push(`late ${name}`);
  }
}

const compile = (sigs: Signature[]) => compileSignatures(sigs);

const ECHO = compile([
  { id: "echo_client", proto: "tcp", payload: "HEL+O", tcpState: "originator", requiresReverse: "echo_server", enable: "echo" },
  { id: "echo_server", proto: "tcp", payload: "WORLD", tcpState: "responder" },
]);

test("a pattern whose match straddles deliveries (and sides waiting for each other) fires; the analyzer gets every chunk replayed", () => {
  const tree = new StubTree();
  const pia = new StreamPia(tree, ECHO, defaultSettings());
  pia.deliverStream(true, 1, bytes("HE"));
  pia.deliverStream(true, 3, bytes("LLO x"));
  pia.undelivered(true, 8, 4);
  pia.deliverStream(false, 1, bytes("WOR"));
  assert.deepEqual(tree.log, []);
  pia.deliverStream(false, 4, bytes("LD!"));
  assert.deepEqual(tree.log, ["start echo", "o HE", "o LLO x", "o gap 4", "r WOR", "r LD!"]);
});

test("a pattern that matched while payload-size did not hold fires on later data of the right size", () => {
  const sigs = compile([{ id: "sized", proto: "tcp", payload: "AB", payloadSize: [{ op: ">=", value: 5 }], enable: "sized" }]);
  const tree = new StubTree();
  const pia = new StreamPia(tree, sigs, defaultSettings());
  pia.deliverStream(true, 1, bytes("AB"));
  assert.deepEqual(tree.log, []);
  pia.deliverStream(true, 3, bytes("xyzzy"));
  assert.deepEqual(tree.log, ["start sized", "o AB", "o xyzzy"]);
});

test("a datagram is matched on its own: a pattern split over two does not match", () => {
  const sigs = compile([{ id: "dgram", proto: "udp", payload: "HELLO", enable: "dgram" }]);
  const tree = new StubTree();
  const pia = new DatagramPia(tree, sigs, defaultSettings());
  pia.deliverPacket(true, bytes("HEL"));
  pia.deliverPacket(true, bytes("LO"));
  assert.deepEqual(tree.log, []);
  pia.deliverPacket(false, bytes("HELLO"));
  assert.deepEqual(tree.log, ["start dgram", "o HEL", "o LO", "r HELLO"]);
});

test("with dpd_match_only_beginning=F a signature that matches once the buffer is full is a late match: reported, nothing started", () => {
  for (const [onlyBeginning, expected] of [
    [false, ["late echo"]],
    [true, []],
  ] as const) {
    const tree = new StubTree();
    const settings = { ...defaultSettings(), dpd_buffer_size: 8, dpd_match_only_beginning: onlyBeginning };
    const pia = new StreamPia(tree, ECHO, settings);
    pia.deliverStream(true, 1, bytes("HELLO there"));
    pia.deliverStream(false, 1, bytes("WORLD"));
    assert.deepEqual(tree.log, expected, `dpd_match_only_beginning=${onlyBeginning}`);
  }
});

/** The default TCP signatures (as the registry compiles them) and their automaton's byte count. */
function defaults(): { sigs: CompiledSignature[]; scanned: () => number } {
  const sigs = compile(DEFAULT_ANALYZERS.flatMap((c) => c.signatures ?? []).filter((s) => s.proto !== "udp"));
  const automaton = automatonOf(sigs);
  return { sigs, scanned: () => automaton.scanned };
}

test("every byte is run through the automaton once, and none once both sides passed dpd_buffer_size", () => {
  const { sigs, scanned } = defaults();
  const tree = new StubTree();
  const pia = new StreamPia(tree, sigs, defaultSettings());
  // Text that keeps the line-start and RDP patterns alive (some signature can always still match).
  const line = "hello there, this is some text\r\n";
  let sent = 0;
  for (let k = 0; k < 16; k++) {
    for (const isOrig of [true, false]) {
      const before = scanned();
      pia.deliverStream(isOrig, 1 + k * line.length, bytes(line));
      assert.equal(scanned() - before, line.length, "each new byte once, the earlier ones not again");
      sent += line.length;
    }
  }
  assert.equal(sent, 1024);
  assert.equal(tree.left, false);
  // The next chunk takes the buffer past 1024 bytes: it is matched, then the PIA leaves.
  pia.deliverStream(true, 9999, bytes(line));
  assert.equal(tree.left, true);
  const after = scanned();
  for (let k = 0; k < 50; k++) pia.deliverStream(k % 2 === 0, 0, bytes(line));
  assert.equal(scanned(), after, "no matching once the buffer is full");
  assert.deepEqual(tree.log, []);
});

test("a connection no signature can match any more stops costing at once", () => {
  const ssh = compile(DEFAULT_ANALYZERS.flatMap((c) => (c.name === "SSH" ? (c.signatures ?? []) : [])));
  const automaton = automatonOf(ssh);
  const tree = new StubTree();
  const pia = new StreamPia(tree, ssh, defaultSettings());
  const before = automaton.scanned;
  // The client's first byte rules out SSH's client signature, which needs the server's: nothing can fire.
  pia.deliverStream(true, 1, bytes("GET / HTTP/1.1\r\n"));
  assert.equal(automaton.scanned - before, 1);
  assert.equal(tree.left, true);
});

test("an automaton that reached MAX_STATES stops growing: its connections move to a fresh one and still match", () => {
  // Each byte of the counted run is a new DFA state: one connection's data fills an automaton.
  // (A repetition count is at most 4096: the run is two of them.)
  const half = MAX_STATES / 2 + 1000;
  const far = 2 * half;
  const sigs = compile([{ id: "far", proto: "tcp", payload: `.{${half}}.{${half}}Z`, enable: "far" }]);
  const settings = { ...defaultSettings(), dpd_buffer_size: 2 * far };
  const full = automatonOf(sigs);
  const tree = new StubTree();
  const pia = new StreamPia(tree, sigs, settings);
  const run = (n: number) => new Uint8Array(n).fill(0x78);
  pia.deliverStream(true, 1, run(MAX_STATES + 10));
  // It stopped at MAX_STATES exactly: the rest of that delivery went on in a fresh automaton.
  const grown = full.size;
  assert.equal(grown, MAX_STATES);
  // A new connection gets a fresh automaton; the first one moves to it at its next data.
  const other = new StreamPia(new StubTree(), sigs, settings);
  other.deliverStream(true, 1, run(5));
  const fresh = automatonOf(sigs);
  assert.notEqual(fresh, full);
  pia.deliverStream(true, MAX_STATES + 11, run(far - MAX_STATES - 10));
  assert.deepEqual(tree.log, []);
  pia.deliverStream(true, far + 1, bytes("Z"));
  assert.equal(full.size, grown, "the full automaton did not grow");
  assert.deepEqual(tree.log.slice(0, 1), ["start far"], "the match spanning both automata fires");
});

test("one datagram that needs more than MAX_STATES states goes on in a fresh automaton, and still matches", () => {
  // A datagram is matched from the start each time: 2 * half + 1 new states in one delivery.
  const half = MAX_STATES / 2 + 1000;
  const sigs = compile([{ id: "big", proto: "udp", payload: `.{${half}}.{${half}}Z`, enable: "big" }]);
  const first = automatonOf(sigs);
  const tree = new StubTree();
  const pia = new DatagramPia(tree, sigs, defaultSettings());
  const datagram = new Uint8Array(2 * half + 1).fill(0x78);
  datagram[2 * half] = 0x5a; // "Z"
  pia.deliverPacket(true, datagram);
  assert.equal(first.size, MAX_STATES, "the first automaton stopped at MAX_STATES");
  assert.notEqual(automatonOf(sigs), first);
  assert.deepEqual(tree.log.slice(0, 1), ["start big"]);
});

test("a PIA that stops hands its store to the next one, which replays only its own bytes", () => {
  const sigs = compile([{ id: "late", proto: "tcp", payload: ".*LATE", enable: "late" }]);
  const first = new StreamPia(new StubTree(), sigs, defaultSettings());
  first.deliverStream(true, 1, bytes("x".repeat(300))); // a store of 512 bytes
  first.done();
  const allocated = piaStoresAllocated();
  const tree = new StubTree();
  const second = new StreamPia(tree, sigs, defaultSettings());
  second.deliverStream(true, 1, bytes("y".repeat(300)));
  second.deliverStream(true, 301, bytes("LATE"));
  assert.equal(piaStoresAllocated(), allocated, "the second PIA took the first one's stores");
  assert.deepEqual(tree.log, ["start late", `o ${"y".repeat(300)}`, "o LATE"]);
});

test("a store dropped while its bytes are being replayed is not handed to another PIA", () => {
  const sigs = compile([{ id: "hello", proto: "tcp", payload: ".*HELLO", enable: "hello" }]);
  const seen: string[] = [];
  let pia: StreamPia | null = null;
  const tree: PiaTree = {
    activateByName: () =>
      ({
        active: true,
        deliverStream: (_isOrig: boolean, _seq: number, data: Uint8Array) => {
          // The connection goes away in the middle of the replay, and another one starts buffering.
          pia!.done();
          const other = new StreamPia(new StubTree(), sigs, defaultSettings());
          other.deliverStream(true, 1, bytes("z".repeat(40)));
          seen.push(text(data));
        },
      }) as unknown as AnalyzerInstance,
    piaDone: () => {},
    lateMatch: () => {},
  };
  pia = new StreamPia(tree, sigs, defaultSettings());
  pia.deliverStream(true, 1, bytes("abc"));
  pia.deliverStream(true, 4, bytes("HELLO"));
  assert.deepEqual(seen, ["abc"]);
});
