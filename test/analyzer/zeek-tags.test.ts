import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_ANALYZERS } from "../../src/analyzer/app/protocols.js";
import { ZEEK_ANALYZER_TAGS } from "../../src/analyzer/zeek-tags.js";

test("every analyzer bronze has is a Zeek analyzer tag a setting may name", () => {
  const tags = new Set(ZEEK_ANALYZER_TAGS);
  const missing = DEFAULT_ANALYZERS.map((a) => a.name).filter((name) => !tags.has(name));
  assert.deepEqual(missing, []);
  assert.equal(tags.size, ZEEK_ANALYZER_TAGS.length, "no name twice");
});
