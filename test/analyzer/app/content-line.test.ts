/**
 * The line splitter HTTP, SMTP, POP3, IRC and Finger share: lines at CR LF,
 * lone CR and lone LF, plain delivery, and a consumer that stops (sets
 * `stopped`, as an analyzer does when it finishes, possibly from inside a
 * line's handler) gets nothing more, not even the rest of the chunk at hand.
 * The splitter calls the consumer's onData with the consumer as `this`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ContentLine, type LineConsumer } from "../../../src/analyzer/app/http/content-line.js";

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A consumer that records lines ("L:text"), plain bytes ("P:text") and weirds ("!name"), and stops after `stopAfter` deliveries. */
class Recorder implements LineConsumer {
  readonly out: string[] = [];
  splitter: ContentLine | null = null;

  constructor(private readonly stopAfter = Infinity) {}

  onData(_isOrig: boolean, data: Uint8Array, plain: boolean): void {
    // `this` must be the consumer: the splitter keeps the method, not a bound copy.
    this.out.push(`${plain ? "P" : "L"}:${Buffer.from(data).toString("latin1")}`);
    if (this.out.filter((x) => !x.startsWith("!")).length >= this.stopAfter) this.splitter!.stopped = true;
  }

  lineWeird(name: string): void {
    this.out.push(`!${name}`);
  }
}

function splitter(consumer: Recorder): ContentLine {
  const line = new ContentLine(true, consumer);
  consumer.splitter = line;
  return line;
}

test("lines end at CR LF, lone LF and lone CR; a lone CR is flagged once, when the next byte shows it alone", () => {
  const r = new Recorder();
  const line = splitter(r);
  line.deliver(bytes("GET / HTTP/1.1\r\nHost: a\nX: b\rY: c\rZ\r\n"));
  assert.deepEqual(r.out, ["L:GET / HTTP/1.1", "L:Host: a", "L:X: b", "!line_terminated_with_single_CR", "L:Y: c", "L:Z"]);
});

test("plain delivery hands bytes through as they are, then lines again", () => {
  const r = new Recorder();
  const line = splitter(r);
  line.deliver(bytes("A\r\n"));
  line.plain = 5;
  line.deliver(bytes("12\r\n45B\r\n"));
  assert.deepEqual(r.out, ["L:A", "P:12\r\n4", "L:5B"]);
});

test("a consumer that stops inside a line's handler gets nothing more from the chunk or later ones", () => {
  const r = new Recorder(2);
  const line = splitter(r);
  line.deliver(bytes("one\r\ntwo\r\nthree\r\nfour\r\n"));
  line.deliver(bytes("five\r\n"));
  line.endOfData();
  assert.deepEqual(r.out, ["L:one", "L:two"]);
});

test("a consumer that stops inside plain delivery gets nothing more", () => {
  const r = new Recorder(1);
  const line = splitter(r);
  line.plain = 3;
  line.deliver(bytes("abcline\r\n"));
  assert.deepEqual(r.out, ["P:abc"]);
});
