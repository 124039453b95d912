import assert from "node:assert/strict";
import { test } from "node:test";
import type { ByteInput } from "../../src/source/byte-input.js";
import { ChunkBuffer } from "../../src/source/chunk-buffer.js";

/** An input over `bytes` whose background reads complete only when the test says so. */
class ControlledInput implements ByteInput {
  position = 0;
  syncReads = 0;
  readonly ahead: { buf: Uint8Array; at: number; max: number; finish: () => void }[] = [];

  constructor(private readonly bytes: Uint8Array) {}

  read(buf: Uint8Array, at: number, max: number): number {
    this.syncReads++;
    return this.copy(buf, at, max);
  }

  readAhead(buf: Uint8Array, at: number, max: number): Promise<number> {
    return new Promise((resolve) => this.ahead.push({ buf, at, max, finish: () => resolve(this.copy(buf, at, max)) }));
  }

  progress() {
    return { bytesRead: this.position, totalBytes: this.bytes.length };
  }

  close(): void {}

  private copy(buf: Uint8Array, at: number, max: number): number {
    const n = Math.min(max, this.bytes.length - this.position);
    buf.set(this.bytes.subarray(this.position, this.position + n), at);
    this.position += n;
    return n;
  }
}

const CHUNK = 2 << 20;

function stream(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
}

test("read-ahead: the next chunk is read into the other buffer, the unparsed tail moves in front of it", async () => {
  const bytes = stream(5 * CHUNK);
  const input = new ControlledInput(bytes);
  const chunk = new ChunkBuffer(input, CHUNK);
  assert.equal(chunk.fill(16), undefined, "the first fill is synchronous");
  assert.equal(chunk.end, CHUNK);
  const first = chunk.buf;

  chunk.startReadAhead();
  assert.equal(input.ahead.length, 1);
  assert.notEqual(input.ahead[0].buf, first, "read ahead into another buffer");
  input.ahead[0].finish();

  // The parser stops 100 bytes before the end: a record cut by the chunk's end.
  chunk.start = chunk.end - 100;
  const pending = chunk.fill(300);
  assert.ok(pending instanceof Promise);
  await pending;
  assert.equal(input.syncReads, 1, "no synchronous read after the first");
  assert.notEqual(chunk.buf, first);
  assert.equal(chunk.position, CHUNK - 100);
  assert.ok(chunk.available >= 300);
  assert.deepEqual(chunk.buf.subarray(chunk.start, chunk.end), bytes.subarray(CHUNK - 100, CHUNK - 100 + chunk.available));
  assert.equal(input.ahead.length, 2);
  assert.equal(input.ahead[1].buf, first, "the next read goes into the buffer just parsed");
});

test("read-ahead: reading on to the end gives every byte once, in order", async () => {
  const bytes = stream(3 * CHUNK + 12345);
  const input = new ControlledInput(bytes);
  const chunk = new ChunkBuffer(input, CHUNK);
  await chunk.fill(1);
  chunk.startReadAhead();
  const seen: number[] = [];
  let step = 7777;
  while (!(chunk.eof && chunk.available === 0)) {
    // Consume all but a small tail, as a parser does, then ask for a record longer than that tail.
    const take = Math.max(0, chunk.available - (step % 300));
    for (let i = chunk.start; i < chunk.start + take; i++) seen.push(chunk.buf[i]!);
    chunk.start += take;
    step += 7777;
    for (const a of input.ahead.splice(0)) a.finish();
    if (chunk.eof) {
      for (let i = chunk.start; i < chunk.end; i++) seen.push(chunk.buf[i]!);
      chunk.start = chunk.end;
      break;
    }
    const done = chunk.fill(chunk.available + 1);
    for (const a of input.ahead.splice(0)) a.finish();
    await done;
  }
  assert.equal(seen.length, bytes.length);
  assert.ok(Buffer.from(seen).equals(bytes));
});
