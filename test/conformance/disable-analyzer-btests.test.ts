/**
 * Zeek's btests of the disable_analyzer built-in (testing/btest/bifs/
 * disable_analyzer*) not replayed in analyzer-core-btests.test.ts: disabling
 * an analyzer by its id from the events it raises, through the
 * Analyzer::disabling_analyzer hook, by lookup_connection_analyzer_id, and
 * the errors for ids a script cannot remove. Each twin does what the btest's
 * script does on an engine with Zeek's btest seed, and what it prints is
 * compared with the baseline read from Zeek's source; without it, or
 * without the corpus trace, the test skips, saying so.
 *
 * `current_analyzer()` in an HTTP event is the connection's HTTP analyzer:
 * the twins ask for its id by name (lookupAnalyzer).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import type { Connection } from "../../src/event/records.js";
import { corpusRoot, type oracleMissing } from "../helpers/corpus.js";
import { zeekConnId } from "../helpers/zeek-print.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../signatures/btest-harness.js";
import { runWithHandlers } from "./handler-run.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();
const HTTP_LOADS = ["base/protocols/http"];
const PIPELINED = "http/pipelined-requests.pcap";

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], trace: string): boolean {
  return btestOraclesMissing(t, zeek, "its disable_analyzer btests", [trace]);
}

const bool = (b: boolean): string => (b ? "T" : "F");

/** The btests' `msg_count: table[conn_id] of count` and its print at zeek_done. */
class MessageCount {
  private readonly counts = new Map<string, number>();
  add(c: Connection): void {
    const id = zeekConnId(c.id);
    this.counts.set(id, this.get(c) + 1);
  }
  get(c: Connection): number {
    return this.counts.get(zeekConnId(c.id)) ?? 0;
  }
  print(): string[] {
    return ["total http messages, {", ...[...this.counts].map(([id, n]) => `[${id}] = ${n}`), "}"];
  }
}

/**
 * The handlers bifs/disable_analyzer and its -hook variant share: HTTP's
 * confirmation printed, each request printed and its analyzer disabled
 * (`disable_analyzer(c$id, current_analyzer(), T, T)`), each reply printed;
 * the count of messages at the end.
 */
function disableAtEachRequest(engine: Engine, out: string[], count: MessageCount, confirm: boolean): void {
  if (confirm) {
    engine.on(
      "analyzer_confirmation_info",
      (tag) => {
        if (tag === "HTTP") out.push(`proto confirm, Analyzer::ANALYZER_${tag}`);
      },
      { priority: 10 },
    );
  }
  engine.on("http_request", (c, method, uri) => {
    count.add(c);
    out.push(["http_request", method, uri].join(", "));
    out.push(bool(engine.disableAnalyzer(c, engine.lookupAnalyzer(c, "HTTP"), true)));
  });
  engine.on("http_reply", (c, _version, code) => {
    count.add(c);
    out.push(`http_reply, ${code}`);
  });
}

test("Zeek's btest bifs/disable_analyzer: HTTP disabled at its first request raises no reply and no further request", async (t) => {
  if (oraclesMissing(t, PIPELINED)) return;
  const count = new MessageCount();
  const out = await runWithHandlers(join(TRACES, PIPELINED), (engine, o) => disableAtEachRequest(engine, o, count, true), { loads: HTTP_LOADS });
  out.push(...count.print());
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer/out"));
});

test("Zeek's btest bifs/disable_analyzer-hook: Analyzer::disabling_analyzer keeps HTTP until 4 messages were seen", async (t) => {
  if (oraclesMissing(t, PIPELINED)) return;
  const count = new MessageCount();
  const out = await runWithHandlers(
    join(TRACES, PIPELINED),
    (engine, o) => {
      engine.onDisablingAnalyzer((c, name, aid) => {
        const n = count.get(c);
        const verdict = n < 4 ? "preventing" : "allowing";
        o.push(`${verdict} disable_analyzer, ${zeekConnId(c.id)}, Analyzer::ANALYZER_${name}, ${aid}, ${n}`);
        return n >= 4;
      });
      disableAtEachRequest(engine, o, count, true);
    },
    { loads: HTTP_LOADS },
  );
  out.push(...count.print());
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer-hook/out"));
});

test("Zeek's btest bifs/disable_analyzer-hook-module: a disabling_analyzer handler that always breaks keeps HTTP for every request", async (t) => {
  if (oraclesMissing(t, PIPELINED)) return;
  const out = await runWithHandlers(
    join(TRACES, PIPELINED),
    (engine, o) => {
      engine.onDisablingAnalyzer(() => {
        o.push("prevent disabling");
        return false;
      });
      engine.on("http_request", (c, method, uri) => {
        o.push(["http_request", method, uri].join(", "));
        o.push(bool(engine.disableAnalyzer(c, engine.lookupAnalyzer(c, "HTTP"), true)));
      });
    },
    { loads: HTTP_LOADS },
  );
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer-hook-module/out"));
});

const SSH_ON_80 = "ssh/ssh-on-port-80.pcap";

/** bifs/disable_analyzer-for-conn's violation handler (`print atype`), with `more` handlers of the run's variant. */
function forConnRun(more: (engine: Engine, out: string[]) => void = () => {}): Promise<string[]> {
  return runWithHandlers(
    join(TRACES, SSH_ON_80),
    (engine, out) => {
      engine.on("analyzer_violation_info", (tag) => void out.push(`Analyzer::ANALYZER_${tag}`));
      more(engine, out);
    },
    { loads: HTTP_LOADS },
  );
}

test("Zeek's btest bifs/disable_analyzer-for-conn (1): SSH on port 80 is one HTTP violation", async (t) => {
  if (oraclesMissing(t, SSH_ON_80)) return;
  assert.deepEqual(await forConnRun(), baselineLines(zeek!, "bifs.disable_analyzer-for-conn/output"));
});

test("Zeek's btest bifs/disable_analyzer-for-conn-2: HTTP found by lookup_connection_analyzer_id and disabled at establishment raises no violation", async (t) => {
  if (oraclesMissing(t, SSH_ON_80)) return;
  let disabled = 0;
  const out = await forConnRun((engine) => {
    engine.on("connection_established", (c) => {
      const aid = engine.lookupAnalyzer(c, "HTTP");
      if (aid > 0 && engine.disableAnalyzer(c, aid, true)) disabled++;
    });
  });
  assert.equal(disabled, 1);
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer-for-conn-2/output"));
});

test("Zeek's btest bifs/disable_analyzer-for-conn-3: lookup_connection_analyzer_id finds HTTP on the connection, nothing for an id that is no connection", async (t) => {
  if (oraclesMissing(t, SSH_ON_80)) return;
  const found: number[] = [];
  const out = await runWithHandlers(
    join(TRACES, SSH_ON_80),
    (engine) => {
      engine.on("connection_established", (c) => {
        found.push(engine.lookupAnalyzer(c, "HTTP"));
        // wrong_cid: the same id from another originator (Zeek reports it as no known connection, on stderr).
        found.push(engine.lookupAnalyzer(engine.lookupConnection({ ...c.id, orig_h: "1.2.3.4" }), "HTTP"));
      });
    },
    { loads: HTTP_LOADS, stderr: null },
  );
  // The script's asserts: the first id is not 0, the wrong one's is.
  assert.equal(found.length, 2);
  assert.notEqual(found[0], 0);
  assert.equal(found[1], 0);
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer-for-conn-3/output"));
});

test("Zeek's btest bifs/disable_analyzer-invalid-aid: disabling every id 0-199 at each new connection errs once per connection, for its root analyzer", async (t) => {
  const trace = "wikipedia.pcap";
  if (oraclesMissing(t, trace)) return;
  const errors: string[] = [];
  await runWithHandlers(
    join(TRACES, trace),
    (engine) => {
      engine.on("new_connection", (c) => {
        for (let i = 0; i < 200; i++) engine.disableAnalyzer(c, i, true);
      });
    },
    // bronze prefixes its stderr lines with its name, Zeek does not.
    { stderr: (line) => void errors.push(line.replace(/^bronze: /, "")) },
  );
  // Zeek's lines are located in the btest's script (its line 12, the call): a twin has the message only.
  const located = /^\S+ error in [^,]+, line \d+: (.*) \(disable_analyzer\(c\$id, i, F, T\)\)$/;
  const want = baselineLines(zeek!, "bifs.disable_analyzer-invalid-aid/out").map((l) => `error: ${located.exec(l)?.[1] ?? l}`);
  assert.deepEqual(errors, want);
});

test("Zeek's btest bifs/disable_analyzer-tcp-packet-children: ConnSize, which raised the threshold event, is disabled, and with it the thresholds", async (t) => {
  if (oraclesMissing(t, PIPELINED)) return;
  const out = await runWithHandlers(
    join(TRACES, PIPELINED),
    (engine, o) => {
      engine.on("connection_established", (c) => void engine.setConnThreshold(c, "packets", 1, true));
      engine.on("conn_packets_threshold_crossed", (c, threshold, isOrig) => {
        o.push(`triggered packets, ${zeekConnId(c.id)}, ${threshold}, ${bool(isOrig)}`);
        engine.setConnThreshold(c, "packets", threshold + 1, true);
        // current_analyzer(): the event's analyzer is the connection's ConnSize.
        o.push(bool(engine.disableAnalyzer(c, engine.lookupAnalyzer(c, "CONNSIZE"))));
      });
    },
    { loads: HTTP_LOADS },
  );
  assert.deepEqual(out, baselineLines(zeek!, "bifs.disable_analyzer-tcp-packet-children/out"));
});
