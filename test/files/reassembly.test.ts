/**
 * The files framework's reassembly of chunks given at offsets (SMB, FTP
 * restarts, HTTP byte ranges): out-of-order chunks wait in a buffer of
 * 512 KiB; when it is full the hole in front of them is given up
 * (file_reassembly_overflow, overflow_bytes) and the buffered bytes go on.
 * Self-made chunks through the engine's file manager.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { FaFile } from "../../src/files/file.js";
import { fileManagerFor } from "../../src/files/manager.js";
import { loadBuiltinScripts } from "../../src/index.js";

const CHUNK = 64 * 1024;

test("a chunk that arrives when the reassembly buffer is full: the hole is given up, the chunk and the buffer go on", () => {
  const engine = new Engine({});
  loadBuiltinScripts(engine, { memory: true });
  const overflows: number[] = [];
  let removed: FaFile | null = null;
  engine.on("file_reassembly_overflow", (_f, offset, skipped) => void overflows.push(offset, skipped));
  engine.on("file_state_remove", (f) => void (removed = f));
  const files = fileManagerFor(engine.bus, engine.clock);
  // Bytes 0-99 never come; chunks from 100 on arrive, the last ones past the buffer's 512 KiB.
  const hole = 100;
  let offset = hole;
  for (let i = 0; i < 10; i++, offset += CHUNK) files.dataIn("f", "TEST", null, true, new Uint8Array(CHUNK).fill(i), offset);
  files.endOfFile("f");
  engine.bus.drain();
  // One overflow, at the stream offset from before the flush (0: the engine's doubles start as -0), giving up the hole.
  assert.equal(overflows.length, 2);
  assert.ok(overflows[0] === 0, `offset ${overflows[0]}`);
  assert.equal(overflows[1], hole);
  const f = removed as FaFile | null;
  assert.ok(f !== null, "the file ended");
  assert.equal(f.seen_bytes, 10 * CHUNK, "every chunk's bytes were delivered");
  assert.equal(f.overflow_bytes, hole);
});
