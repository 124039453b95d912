/**
 * Zeek's btests of base/protocols/http, base/protocols/websocket and
 * policy/protocols/http that btest-applogs (which replays btests of @load
 * lines, redefs and known zeek_init calls) leaves out, replayed with
 * test/helpers/btest-replay: each btest's commands are read from it at
 * test time, its handlers (and hooks) have a TypeScript twin printing as
 * Zeek's `print` does, and every file it compares (printed lines, logs,
 * cut logs, logs it wants absent) is compared with Zeek's baseline after
 * btest's canonifier. A few compare logs only (no twin), and two run no
 * trace or compare nothing (content-range-gap-skip, test-sql-injection-regex:
 * tests of their own below). Zeek's source and the corpus traces are the
 * oracles: without them the tests skip, saying so.
 *
 * Left out:
 * - http/content-range-gap, entity-gap, entity-gap2, flip-content-line-orig,
 *   flip-content-line-resp, multipart-extract: replayed in test/files/file-analysis-btests.
 * - http/upgrade-to-tcp: replayed in test/conformance/stream-event-btests.
 * - websocket/events-spicy, wstunnel-ssh-spicy, and close-too-large's runs with WebSocket::use_spicy_analyzer=T:
 *   they compare Zeek's Spicy WebSocket analyzer with its BinPac one; bronze has one analyzer, the BinPac one's twin.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SQL_INJECTION_URI } from "../../../src/analyzer/app/http/detect-sql-injection.js";
import { unescapeUri } from "../../../src/analyzer/app/http/http.js";
import { buildUrl, type HttpInfo, httpInfoOf, httpPendingRequests } from "../../../src/analyzer/app/http/script.js";
import { type WebSocketInfo, webSocketInfoOf } from "../../../src/analyzer/app/websocket/main.js";
import type { WebSocketAnalyzerConfig } from "../../../src/analyzer/app/websocket/websocket.js";
import type { Connection } from "../../../src/event/records.js";
import { parseString } from "../../../src/options.js";
import { btestText, type LogSetup, type ReplayBtest, readBtest, replayBtest, replayRun, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekDouble, zeekHeaderList, zeekString } from "../../helpers/zeek-print.js";
import { btestOraclesMissing, type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its HTTP and WebSocket btests";

const tf = (b: boolean): string => (b ? "T" : "F");
const opt = (s: string | undefined): string => s ?? "<uninitialized>";
const vec = (v: readonly string[] | undefined): string => (v === undefined ? "<uninitialized>" : `[${v.join(", ")}]`);

/** cat() of a set of enums: "{", each element on a line of its own after a tab, "}". */
const catSet = (items: readonly string[]): string => `{\n${items.map((i) => `\t${i}`).join(",\n")}\n}`;

/** `print "http_request", c$uid, method, original_URI;` */
const requests: Twin = (engine, print) => engine.on("http_request", (c, method, uri) => print("http_request", c.uid, method, uri));

/** build-url: HTTP::build_url of the request, and of copies with another port and other URIs (the btest's faked records). */
const buildUrls: Twin = (engine, print) => {
  const check = (info: HttpInfo, expect: string): void => {
    const result = buildUrl(info);
    print(`Have: ${result} Expected: ${expect} -> ${result === expect ? "SUCCESS" : "FAIL"}`);
  };
  engine.on(
    "http_request",
    (c) => {
      const info = httpInfoOf(c);
      assert.ok(info !== undefined, "c$http is set at http_request");
      check(info, "192.150.187.43/download/CHANGES.bro-aux.txt");
      const other: HttpInfo = { ...info, c: { ...info.c, id: { ...info.c.id, resp_p: 123 } } };
      check(other, "192.150.187.43:123/download/CHANGES.bro-aux.txt");
      check({ ...other, uri: "/" }, "192.150.187.43:123/");
      check({ ...other, uri: "http://proxied.host/some/document" }, "http://proxied.host/some/document");
    },
    // The btest's handler has the base script's priority, 5, and runs after it (the script loads first).
    { priority: 4 },
  );
};

/** WebSocket::opcodes of consts.zeek (read from Zeek's source), with its unknown-N default. */
function opcodeNames(z: ZeekSource): (op: number) => string {
  const text = z.read("scripts/base/protocols/websocket/consts.zeek");
  const values = new Map([...text.matchAll(/const (OPCODE_\w+)\s*=\s*(0x[0-9a-f]+);/g)].map((m) => [m[1]!, Number(m[2])] as const));
  const names = new Map([...text.matchAll(/\[(OPCODE_\w+)\]\s*=\s*"([^"]*)"/g)].map((m) => [values.get(m[1]!)!, m[2]!] as const));
  return (op) => names.get(op) ?? `unknown-${op.toString(16)}`;
}

/** Zeek's `print` of a WebSocket::Info. */
function webSocketRecord(c: Connection, ws: Readonly<WebSocketInfo>): string {
  const fields = [
    `ts=${zeekDouble(ws.ts)}`,
    `uid=${c.uid}`,
    `id=${zeekConnId(c.id)}`,
    `host=${opt(ws.host)}`,
    `uri=${opt(ws.uri)}`,
    `user_agent=${opt(ws.user_agent)}`,
    `subprotocol=${opt(ws.subprotocol)}`,
    `client_protocols=${vec(ws.client_protocols)}`,
    `server_extensions=${vec(ws.server_extensions)}`,
    `client_extensions=${vec(ws.client_extensions)}`,
    `client_key=${opt(ws.client_key)}`,
    `server_accept=${opt(ws.server_accept)}`,
  ];
  return `[${fields.join(", ")}]`;
}

/** The WebSocket events' handlers of websocket/events and coalesced-reply-ping (`established` prints c$websocket too in events). */
function webSocketEvents(opts: { record: boolean; message: boolean }): Twin {
  return (engine, print) => {
    const opcode = opcodeNames(zeek!);
    engine.on("websocket_established", (c, aid) => {
      const ws = webSocketInfoOf(c);
      print("websocket_established", c.uid, String(aid), ...(opts.record && ws !== undefined ? [webSocketRecord(c, ws)] : []));
    });
    if (opts.message) engine.on("websocket_message", (c, isOrig, op) => print("websocket_message", c.uid, tf(isOrig), "opcode", opcode(op)));
    engine.on("websocket_frame", (c, isOrig, fin, rsv, op, len) =>
      print("websocket_frame", c.uid, tf(isOrig), "fin", tf(fin), "rsv", String(rsv), "opcode", opcode(op), "payload_len", String(len)),
    );
    engine.on("websocket_frame_data", (c, isOrig, data) =>
      print("websocket_frame_data", c.uid, tf(isOrig), "len", String(data.length), "data", data.slice(0, 120)),
    );
    engine.on("websocket_close", (c, isOrig, status, reason) => print("websocket_close", c.uid, tf(isOrig), "status", String(status), "reason", reason));
  };
}

/** fragmented-http-reply: http_header's arguments once the WebSocket is established. */
const headersInWebSocket: Twin = (engine, print) => {
  let ws = false;
  engine.on("websocket_established", () => {
    ws = true;
    print("websocket_established");
  });
  engine.on("http_header", (_c, isOrig, _original, name, value) => ws && print("http_header", tf(isOrig), name, value));
};

/**
 * The btest's runs of Zeek's BinPac WebSocket analyzer (its default, bronze's
 * one) and their checks: the commands from the first run with
 * WebSocket::use_spicy_analyzer=T on are left out.
 */
function binpacRuns(b: ReplayBtest): ReplayBtest {
  const SPICY = "WebSocket::use_spicy_analyzer";
  const at = b.steps.findIndex((s) => s.kind === "zeek" && s.run.settings.includes(`${SPICY}=T`));
  const steps = (at < 0 ? b.steps : b.steps.slice(0, at)).map((s) =>
    s.kind === "zeek" ? { ...s, run: { ...s.run, settings: s.run.settings.filter((x) => x !== `${SPICY}=F`) } } : s,
  );
  return { ...b, steps };
}

/** `print "WebSocket::configure_analyzer", c$uid, aid;` in WebSocket::configure_analyzer, which then does `change` (false: break). */
function configureAnalyzer(change: (config: WebSocketAnalyzerConfig) => boolean): Twin {
  return (engine, print) =>
    engine.onHook("WebSocket::configure_analyzer", (c, aid, config) => {
      print("WebSocket::configure_analyzer", c.uid, String(aid));
      return change(config) ? undefined : false;
    });
}

/** configureAnalyzer setting `config$analyzer` to Analyzer::ANALYZER_<name>. */
const attach = (name: string): Twin =>
  configureAnalyzer((config) => {
    config.analyzer = name;
    return true;
  });

/** http-desynched's and http-pipelining's zeek_init: http.log's default filter replaced by one without mime_type. */
const withoutMimeType: LogSetup = (logs) => {
  logs.removeFilter("http", "default");
  logs.addFilter("http", { name: "less-mime-types", exclude: ["mime_type"] });
};

const BTESTS: ReadonlyArray<{ dir: string; name: string; what: string; twin: Twin; only?: (b: ReplayBtest) => ReplayBtest; setup?: LogSetup }> = [
  {
    dir: "base/protocols/http",
    name: "all-headers-event",
    what: "http_all_headers' header lists",
    twin: (engine, print) => {
      // A table prints over several lines: each is a line of the output.
      const printList = (hlist: Parameters<typeof zeekHeaderList>[1]): void => {
        for (const line of zeekHeaderList(engine, hlist).split("\n")) print(line);
      };
      engine.on("http_all_headers", (_c, _isOrig, hlist) => {
        print("http_all_headers");
        printList(hlist);
      });
      engine.on("mime_all_headers", (_c, hlist) => {
        print("mime_all_headers");
        printList(hlist);
      });
    },
  },
  { dir: "base/protocols/http", name: "build-url", what: "HTTP::build_url with the responder's port and absolute URIs", twin: buildUrls },
  {
    dir: "base/protocols/http",
    name: "content-length-in-request-body",
    what: "a MIME body's Content-Length does not swallow the next request",
    twin: (engine, print) => {
      requests(engine, print, "", new Map());
      engine.on("http_header", (_c, isOrig, original, name, value) => isOrig && print("http_header", original, name, value));
    },
  },
  {
    dir: "base/protocols/http",
    name: "ctu-agent-tesla",
    what: "request headers with c$http$orig_mime_depth",
    twin: (engine, print) =>
      engine.on(
        "http_header",
        (c, isOrig, original, name, value) =>
          isOrig && print("http_header", original, name, value, "c$http$orig_mime_depth", String(httpInfoOf(c)?.orig_mime_depth ?? 0)),
      ),
  },
  {
    dir: "base/protocols/http",
    name: "http-dpd-large-req",
    what: "a request beyond the DPD buffer found by its signature",
    twin: (engine, print) => engine.on("http_request", (_c, method, uri, _u, version) => print("http_request", version, method, uri)),
  },
  {
    dir: "base/protocols/http",
    name: "m57-long-download-windowsupdate-1",
    what: "range requests on one connection with gaps",
    twin: (engine, print) => {
      requests(engine, print, "", new Map());
      engine.on("http_header", (c, isOrig, original, name, value) => name === "CONTENT-RANGE" && print("http_header", c.uid, tf(isOrig), original, value));
    },
  },
  {
    dir: "base/protocols/http",
    name: "m57-long-download-windowsupdate-2",
    what: "range requests for several files on one connection",
    twin: (engine, print) => {
      requests(engine, print, "", new Map());
      engine.on("http_header", (_c, isOrig, original, name, value) => name === "CONTENT-RANGE" && print("http_header", tf(isOrig), original, name, value));
    },
  },
  {
    dir: "base/protocols/http",
    name: "http-pending-state-growth",
    what: "a lost reply leaves HTTP::max_pending_requests requests pending, not more",
    twin: (engine, print) =>
      engine.on("connection_state_remove", (c) => {
        const pending = httpPendingRequests(c);
        if (pending !== undefined) print("http_state pending", String(pending));
      }),
  },
  {
    dir: "policy/protocols/http",
    name: "sql-injection-plus-dvwa2",
    what: "each connection's HTTP tags from detect-sql-injection",
    twin: (engine, print) =>
      engine.on("connection_state_remove", (c) => {
        const info = httpInfoOf(c);
        if (info !== undefined) print(c.uid, zeekConnId(c.id), catSet([...(info.tags ?? [])]));
      }),
  },
  {
    dir: "base/protocols/http",
    name: "multipart-file-limit",
    what: "HTTP::max_files_orig/resp and the HTTP::max_files_policy hook, which may lift them",
    twin: (engine, print, _trace, options) =>
      engine.onHook("HTTP::max_files_policy", () => {
        print("max_files reached");
        return options.get("ignore_http_file_limit") === "T" ? false : undefined;
      }),
  },
  {
    dir: "base/protocols/http",
    name: "101-switching-protocols",
    what: "HTTP upgrades to WebSocket, whose configure_analyzer hook turns DPD off for one subprotocol",
    twin: (engine, print) => {
      engine.on("http_connection_upgrade", (_c, protocol) => print(`Connection upgraded to ${protocol}`));
      engine.onHook("WebSocket::configure_analyzer", (c, aid, config) => {
        if (config.subprotocol === undefined) return undefined;
        print("WebSocket::configure_analyzer", c.uid, String(aid), config.subprotocol);
        if (config.subprotocol === "x-kaazing-handshake") config.use_dpd = false;
        return undefined;
      });
    },
  },
  {
    dir: "base/protocols/websocket",
    name: "wstunnel-ssh-configure",
    what: "WebSocket::configure_analyzer attaches SSH to the tunnel",
    twin: attach("SSH"),
  },
  {
    dir: "base/protocols/websocket",
    name: "wstunnel-ssh-configure-wrong",
    what: "WebSocket::configure_analyzer attaches HTTP to an SSH tunnel",
    twin: attach("HTTP"),
  },
  {
    dir: "base/protocols/websocket",
    name: "wstunnel-ssh-configure-break",
    what: "a break in WebSocket::configure_analyzer disables the analyzer",
    twin: (engine, print, trace, options) => {
      configureAnalyzer(() => false)(engine, print, trace, options);
      const opcode = opcodeNames(zeek!);
      engine.on("websocket_message", (c, isOrig, op) => print("ERROR: websocket_message", c.uid, tf(isOrig), "opcode", opcode(op)));
      engine.onDisablingAnalyzer((c, name, aid) => {
        print("disabling_analyzer", c.uid, `Analyzer::ANALYZER_${name}`, String(aid));
        return undefined;
      });
    },
  },
  // Btests of logs only that btest-applogs does not read (their scripts have no handler: no twin).
  ...[
    ["inner-transfer-encoding-ossfuzz", "an inner entity's Transfer-Encoding leaves the message's framing alone (http.log, weird.log)"],
    ["inner-transfer-encoding-reproducer", "an inner entity's Transfer-Encoding smuggles no request"],
    ["smuggle-http-request", "a nested entity's chunked Transfer-Encoding smuggles no request"],
    ["http-lower-case", "lower-case HTTP keywords on the standard and another port (weird.log, http.log)"],
  ].map(([name, what]) => ({ dir: "base/protocols/http", name: name!, what: what!, twin: (() => undefined) as Twin })),
  { dir: "base/protocols/http", name: "http-desynched", what: "three replies to the first of five requests", twin: () => undefined, setup: withoutMimeType },
  { dir: "base/protocols/http", name: "http-pipelining", what: "pipelined requests", twin: () => undefined, setup: withoutMimeType },
  { dir: "policy/protocols/http", name: "var-extraction-uri", what: "the URI's variable names in http.log", twin: () => undefined },
  { dir: "base/protocols/websocket", name: "events", what: "the WebSocket events", twin: webSocketEvents({ record: true, message: true }) },
  {
    dir: "base/protocols/websocket",
    name: "coalesced-reply-ping",
    what: "a ping in the packet of the 101 reply",
    twin: webSocketEvents({ record: false, message: false }),
  },
  {
    dir: "base/protocols/websocket",
    name: "close-too-large",
    what: "a close frame over WebSocket::max_control_frame_size",
    twin: (engine, print) => engine.on("websocket_close", (_c, _isOrig, _status, reason) => print(`Close length: ${reason.length}`)),
    only: binpacRuns,
  },
  { dir: "base/protocols/websocket", name: "fragmented-http-reply", what: "HTTP in a WebSocket with a fragmented reply", twin: headersInWebSocket },
];

for (const { dir, name, what, twin, only, setup } of BTESTS) {
  const path = `${dir}/${name}`;
  test(`Zeek's btest ${path}: ${what}, as Zeek's baselines`, async (t) => {
    const parsed = readBtest(t, { zeek, dir: `testing/btest/scripts/${dir}`, what: WHAT }, name);
    if (parsed === null) return;
    const b = only === undefined ? parsed : only(parsed);
    // `print` escapes each string it prints.
    const escaped: Twin = (engine, print, trace, options) => twin(engine, (...values) => print(...values.map(zeekString)), trace, options);
    await replayBtest(b, escaped, setup);
  });
}

/**
 * http/content-range-gap-skip compares nothing: its zeek_done exits 1
 * unless http_entity_data came after a content_gap (the gap lies inside a
 * body of known Content-Range length, so delivery goes on past it).
 */
test("Zeek's btest base/protocols/http/content-range-gap-skip: entity data goes on after a gap inside a ranged body", async (t) => {
  const b = readBtest(t, { zeek, dir: "testing/btest/scripts/base/protocols/http", what: WHAT }, "content-range-gap-skip");
  if (b === null) return;
  const runs = b.steps.flatMap((s) => (s.kind === "zeek" ? [s.run] : []));
  assert.equal(runs.length, 1, "content-range-gap-skip: one zeek run");
  let [gap, dataAfterGap] = [false, false];
  await replayRun(b, runs[0]!, (engine) => {
    engine.on("http_entity_data", () => void (dataAfterGap ||= gap));
    engine.on("content_gap", () => void (gap = true));
  });
  assert.ok(gap, "a content gap");
  assert.ok(dataAfterGap, "entity data after the gap");
});

/**
 * policy/protocols/http/test-sql-injection-regex runs no trace: its
 * zeek_init matches HTTP::match_sql_injection_uri against the URIs it adds
 * to two sets (Zeek string literals, some through unescape_URI) and prints
 * the positives it misses and the negatives it matches. The twin reads
 * those URIs from the btest and matches bronze's pattern.
 */
test("Zeek's btest policy/protocols/http/test-sql-injection-regex: HTTP::match_sql_injection_uri on its URIs", (t) => {
  if (btestOraclesMissing(t, zeek, WHAT, []) || zeek === null) return;
  const text = btestText(zeek, "testing/btest/scripts/policy/protocols/http", "test-sql-injection-regex");
  const uris = { positive: [] as string[], negative: [] as string[] };
  for (const m of text.matchAll(/^\s*add (positive|negative)_matches\[(unescape_URI\()?("(?:[^"\\]|\\.)*")\)?\];/gm)) {
    const literal = parseString(m[3]!);
    uris[m[1] as "positive" | "negative"].push(m[2] === undefined ? literal : unescapeUri(literal, { weird: () => undefined }));
  }
  assert.ok(uris.positive.length > 30 && uris.negative.length > 10, "its URIs are read");
  const out = [
    "If anything besides this line prints out, there is a problem.",
    ...uris.positive.filter((u) => !SQL_INJECTION_URI.test(u)).map((u) => zeekString(`Missed: ${u}`)),
    "",
    ...uris.negative.filter((u) => SQL_INJECTION_URI.test(u)).map((u) => zeekString(`False Positive: ${u}`)),
  ];
  const baseline = zeek.read("testing/btest/Baseline/scripts.policy.protocols.http.test-sql-injection-regex/output");
  assert.deepEqual(out.join("\n").trim(), baseline.replace(/^### .*\n/, "").trim());
});
