/**
 * policy/files/x509/disable-certificate-events-known-certs, and the cache
 * settings it builds on, on TLS handshakes made here: a cached certificate's
 * events come again only for a new (server address, SNI, certificate), or
 * when always_raise_x509_events is set; the logs do not change; the script's
 * redef of certificate_cache_max_entries; the settings of the base cache
 * (caching_required_encounters, its interval, max entries, eviction).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sslInfoOf } from "../../src/analyzer/app/ssl/log.js";
import { onCertificateCacheReplay } from "../../src/files/x509/certificate-event-cache.js";
import { alwaysRaiseX509Events } from "../../src/files/x509/disable-certificate-events-known-certs.js";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import type { TestPacket } from "../helpers/packets.js";
import { memorySource } from "../helpers/packets.js";
import { certHandshake, TEST_CERT } from "../helpers/tls.js";
import { ZEEK_SEED } from "../session/harness.js";

const POLICY = "policy/files/x509/disable-certificate-events-known-certs";
/** The cache takes a certificate at its first sighting, and keeps it for the whole run. */
const CACHE_AT_ONCE = ["X509::caching_required_encounters=1", "X509::certificate_cache_minimum_eviction_interval=1hr"];

interface Handshake {
  serverName?: string;
  server?: string;
}

/** One handshake sending TEST_CERT per entry, 2 s apart. */
function handshakes(list: Handshake[]): TestPacket[] {
  return list.flatMap((h, i) => certHandshake([TEST_CERT], { ...h, start: i * 2, cport: 40000 + i })).sort((a, b) => a.ts - b.ts);
}

interface Run {
  /** x509_certificate events, and runs of the replay hook. */
  events: number;
  hooks: number;
  ssl: string;
  x509: string;
  files: string;
  engine: Engine;
}

async function run(packets: TestPacket[], loads: string[], settings: string[], setup?: (engine: Engine) => void): Promise<Run> {
  // Seeded: uids and fuids alike in both runs.
  const engine = new Engine({ loads, settings, seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads });
  const counts = { events: 0, hooks: 0 };
  engine.on("x509_certificate", () => void counts.events++);
  onCertificateCacheReplay(engine, () => void counts.hooks++, 10);
  setup?.(engine);
  await engine.run(memorySource(packets));
  scripts.close();
  const text = (path: string) => scripts.logs.text(path).replace(/^#(open|close).*\n/gm, "");
  return { ...counts, ssl: text("ssl"), x509: text("x509"), files: text("files"), engine };
}

test("known-certs events: a cached certificate from the same server and SNI raises its events once; the logs stay as without the script", async () => {
  const same = handshakes([{}, {}, {}, {}]);
  const base = await run(same, [], CACHE_AT_ONCE);
  const policy = await run(same, [POLICY], CACHE_AT_ONCE);
  assert.deepEqual([base.events, base.hooks], [4, 3], "without the script the cache replays every time");
  // The first handshake parses; the second is the first replay of its (address, SNI, certificate); then nothing.
  assert.deepEqual([policy.events, policy.hooks], [2, 3]);
  assert.equal(policy.ssl, base.ssl);
  assert.equal(policy.x509, base.x509);
  assert.equal(policy.files, base.files);
});

test("known-certs events: another SNI or another server address raises them again, once each", async () => {
  const r = await run(
    handshakes([{}, {}, { serverName: "other.example.org" }, { serverName: "other.example.org" }, { server: "10.9.9.9" }, { server: "10.9.9.9" }]),
    [POLICY],
    CACHE_AT_ONCE,
  );
  assert.equal(r.events, 4);
});

test("known-certs events: always_raise_x509_events on the certificate's info or the SSL session raises them every time", async () => {
  const four = handshakes([{}, {}, {}, {}]);
  const onInfo = await run(four, [POLICY], CACHE_AT_ONCE, (engine) =>
    engine.on("x509_certificate", (f) => {
      const info = f.scripts.get("x509");
      if (info !== undefined) alwaysRaiseX509Events(info as Parameters<typeof alwaysRaiseX509Events>[0]);
    }),
  );
  assert.equal(onInfo.events, 4);
  const onSession = await run(four, [POLICY], CACHE_AT_ONCE, (engine) =>
    engine.on("ssl_client_hello", (c) => {
      const s = sslInfoOf(engine, c);
      if (s !== undefined) alwaysRaiseX509Events(s);
    }),
  );
  assert.equal(onSession.events, 4);
});

test("known-certs events: the script raises certificate_cache_max_entries to 100000 unless the command line set it", async () => {
  const none = handshakes([]);
  assert.equal((await run(none, [POLICY], [])).engine.settings["X509::certificate_cache_max_entries"], 100000);
  assert.equal((await run(none, [], [])).engine.settings["X509::certificate_cache_max_entries"], 10000);
  const set = await run(none, [POLICY], ["X509::certificate_cache_max_entries=5"]);
  assert.equal(set.engine.settings["X509::certificate_cache_max_entries"], 5);
});

test("certificate cache settings: required encounters (0: never), max entries, the eviction interval", async () => {
  const five = handshakes([{}, {}, {}, {}, {}]);
  assert.equal((await run(five, [], ["X509::caching_required_encounters=2"])).hooks, 3, "cached at the second file's removal");
  assert.equal((await run(five, [], ["X509::caching_required_encounters=0"])).hooks, 0);
  assert.equal((await run(five, [], [...CACHE_AT_ONCE, "X509::certificate_cache_max_entries=0"])).hooks, 0);
  // Handshakes 2 s apart: an entry unused for 1 s is gone by the next one, which caches the certificate again.
  assert.equal((await run(five, [], ["X509::caching_required_encounters=1", "X509::certificate_cache_minimum_eviction_interval=1sec"])).hooks, 0);
  // Sightings must fall within the interval from the first: 2 s apart, a 1 s interval never reaches two.
  assert.equal((await run(five, [], ["X509::caching_required_encounters=2", "X509::caching_required_encounters_interval=1sec"])).hooks, 0);
});
