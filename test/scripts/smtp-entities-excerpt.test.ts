/**
 * policy/protocols/smtp/entities-excerpt: SMTP::Entity's excerpt, read by
 * scripts as c$smtp$entity$excerpt (smtpInfoOf). Zeek 9 raises file_new
 * before a file has data, so the excerpt stays "" on a real mail; a file
 * whose bof_buffer an earlier file_new handler set shows the script's
 * slicing by SMTP::default_entity_excerpt_len.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, loadBuiltinScripts, openTrace, smtpInfoOf } from "../../src/index.js";
import { corpusRoot, requireOracle, skipUnlessOracle } from "../helpers/corpus.js";

const traces = join(corpusRoot(), "zeek/traces");
const missing = !existsSync(traces) && `corpus not found at ${traces}`;
const SCRIPT = "policy/protocols/smtp/entities-excerpt";

/** The excerpt of each MIME entity under way when one ends, on Zeek's smtp.pcap (a mail with attachments). */
async function excerpts(loads: string[], settings: string[], bof?: Uint8Array): Promise<Array<string | undefined>> {
  const engine = new Engine({ ignoreChecksums: true, settings });
  loadBuiltinScripts(engine, { memory: true, loads });
  if (bof !== undefined) engine.on("file_new", (f) => void (f.bof_buffer = bof), { priority: 10 });
  const seen: Array<string | undefined> = [];
  // Before the SMTP script's own handler (priority 5) clears the entity; an outer entity whose inner one
  // ended has none under way (its end is left out).
  engine.on(
    "mime_end_entity",
    (c) => {
      const entity = smtpInfoOf(c)?.entity;
      if (entity !== undefined) seen.push(entity.excerpt);
    },
    { priority: 6 },
  );
  await engine.run(await openTrace(join(traces, "smtp.pcap")));
  return seen;
}

test('entities-excerpt: the entity\'s excerpt is "" as in Zeek 9 (file_new comes before any data); unset without the script', {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const loaded = await excerpts([SCRIPT], ["SMTP::default_entity_excerpt_len=20"]);
  assert.ok(loaded.length >= 2, `entities seen: ${loaded.length}`);
  assert.ok(
    loaded.every((e) => e === ""),
    JSON.stringify(loaded),
  );
  const without = await excerpts([], ["SMTP::default_entity_excerpt_len=20"]);
  assert.ok(
    without.every((e) => e === undefined),
    JSON.stringify(without),
  );
});

test("entities-excerpt: a bof_buffer present at file_new gives its first SMTP::default_entity_excerpt_len bytes (0: none)", {
  skip: skipUnlessOracle(missing),
}, async () => {
  requireOracle(missing);
  const bof = new TextEncoder().encode("Hello, this is the start of an attachment");
  const cut = await excerpts([SCRIPT], ["SMTP::default_entity_excerpt_len=11"], bof);
  assert.ok(cut.includes("Hello, this"), JSON.stringify(cut));
  assert.ok(cut.every((e) => e === "" || e === "Hello, this"));
  const none = await excerpts([SCRIPT], [], bof);
  assert.ok(
    none.every((e) => e === ""),
    JSON.stringify(none),
  );
});
