/**
 * Detection in mid-stream (host.addDetection, Zeek's child PIA): after a
 * successful HTTP CONNECT the tunnelled bytes go to the DPD signatures as a
 * fresh stream — TLS inside gives `http,ssl` and the proxy's tunnel.log row
 * (client port zeroed) — while a refused CONNECT keeps parsing HTTP; a
 * tunnel carrying nothing any signature knows starts nothing.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { tcpTrace } from "../../session/harness.js";
import { runTcp, segments, tlsHellos } from "./tcp-conv.js";

const CONNECT = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";

test("HTTP CONNECT: TLS inside the tunnel is found (http,ssl); tunnel.log gets the proxy with port 0", async () => {
  const [ch, sh] = tlsHellos();
  const r = await runTcp(
    [
      ["c", CONNECT],
      ["s", "HTTP/1.1 200 Connection established\r\n\r\n"],
      ["c", ch],
      ["s", sh],
    ],
    { sport: 3128, watch: ["ssl_client_hello", "ssl_server_hello"] },
  );
  assert.deepEqual(r.violations, []);
  assert.deepEqual(
    r.events.map((e) => e.split(" ")[0]),
    ["ssl_client_hello", "ssl_server_hello"],
  );
  assert.equal(r.log("conn")[0]![7], "http,ssl");
  assert.deepEqual(
    r.log("tunnel").map((t) => t.slice(1)),
    [["-", "10.0.0.1", "0", "192.0.2.10", "3128", "Tunnel::HTTP", "Tunnel::DISCOVER"]],
  );
});

test("a refused CONNECT is no tunnel: no detection, no tunnel.log row", async () => {
  const [ch] = tlsHellos();
  const r = await runTcp(
    [
      ["c", CONNECT],
      ["s", "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"],
      ["c", ch],
    ],
    { sport: 3128, watch: ["ssl_client_hello"] },
  );
  assert.deepEqual(r.events, []);
  assert.deepEqual(r.log("tunnel"), []);
});

test("bytes no signature knows inside a tunnel start nothing", async () => {
  const r = await runTcp(
    [
      ["c", CONNECT],
      ["s", "HTTP/1.1 200 OK\r\n\r\n"],
      ["c", "\x00\x01garbage"],
      ["s", "\x02\x03more"],
    ],
    { sport: 3128 },
  );
  assert.deepEqual(r.violations, []);
  assert.equal(r.log("conn")[0]![7], "http");
  assert.equal(r.log("tunnel").length, 1);
});

test("Analyzer::disabled_analyzers: a disabled analyzer is started neither by its port, nor by detection, nor by its parent", async () => {
  const [ch, sh] = tlsHellos();
  const tunnel: Parameters<typeof runTcp>[0] = [
    ["c", CONNECT],
    ["s", "HTTP/1.1 200 Connection established\r\n\r\n"],
    ["c", ch],
    ["s", sh],
  ];
  // SSL off: the proxy's HTTP goes on, the TLS inside starts nothing.
  const noSsl = await runTcp(tunnel, {
    sport: 3128,
    watch: ["ssl_client_hello"],
    settings: { "Analyzer::disabled_analyzers": new Set(["ANALYZER_SSL"]) },
  });
  assert.deepEqual(noSsl.events, []);
  assert.equal(noSsl.log("conn")[0]![7], "http");
  // HTTP off: nothing on its own port either.
  const get = [
    ["c", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"],
  ] as Parameters<typeof runTcp>[0];
  const on = await runTcp(get, { sport: 80 });
  assert.equal(on.log("http").length, 1);
  const off = await runTcp(get, { sport: 80, settings: { "Analyzer::disabled_analyzers": new Set(["ANALYZER_HTTP"]) } });
  assert.equal(off.log("http").length, 0);
  assert.equal(off.log("conn")[0]![7], "-");
});

test("disableAnalyzerType and enableAnalyzerType (Zeek's Analyzer::disable_analyzer/enable_analyzer) know analyzers by tag", () => {
  const engine = new Engine();
  assert.equal(engine.disableAnalyzerType("ANALYZER_SSL"), true);
  assert.equal(engine.enableAnalyzerType("ssl"), true);
  assert.equal(engine.disableAnalyzerType("ANALYZER_NOPE"), false);
});

test("a TCP connection's analyzers are there for a script before its first payload (Zeek builds them at creation): found, and still fed, or disabled", async () => {
  const get = segments([
    ["c", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"],
  ]);
  const run = async (disable: boolean) => {
    const engine = new Engine();
    const scripts = loadBuiltinScripts(engine, { memory: true });
    const found: number[] = [];
    engine.on("connection_established", (c) => {
      const aid = engine.lookupAnalyzer(c, "HTTP");
      found.push(aid);
      // With `prevent`: else the DPD signature for HTTP would start it again at the request.
      if (disable) assert.equal(engine.disableAnalyzer(c, aid, true), true);
    });
    await engine.run(memorySource(tcpTrace(get, { sport: 80, cport: 40000 })));
    return {
      found,
      http: scripts.logs
        .text("http")
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#")),
    };
  };
  const kept = await run(false);
  assert.equal(kept.found.length, 1);
  assert.notEqual(kept.found[0], 0);
  assert.equal(kept.http.length, 1, "the analyzer built at establishment sees the request");
  const disabled = await run(true);
  assert.deepEqual(disabled.found, kept.found);
  assert.equal(disabled.http.length, 0);
});

test("disableAnalyzer on a connection's root analyzer (its session adapter) is refused with Zeek's reporter error; its other ids are not", async () => {
  const get = segments([["c", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"]]);
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true, stderr: null });
  const errors: string[] = [];
  engine.builtinErrors = (m) => void errors.push(m);
  const results: boolean[] = [];
  engine.on("new_connection", (c) => {
    // The ids below the HTTP analyzer's (the session adapter's, made first, and the PIA's), then HTTP's own.
    const http = engine.lookupAnalyzer(c, "HTTP");
    for (let aid = 1; aid <= http; aid++) results.push(engine.disableAnalyzer(c, aid, true));
  });
  await engine.run(memorySource(tcpTrace(get, { sport: 80, cport: 40000 })));
  assert.deepEqual(errors, ["root analyzer TCP cannot be removed"]);
  assert.equal(results.at(-1), true, "HTTP itself is removed");
});

test("Analyzer::requested_analyzers: enabled once zeek_init ran, after Analyzer::disable_all and after a script's own zeek_init", async () => {
  const get = [
    ["c", "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"],
    ["s", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"],
  ] as Parameters<typeof runTcp>[0];
  const requested = new Set(["ANALYZER_HTTP"]);
  assert.equal((await runTcp(get, { settings: { "Analyzer::disable_all": true } })).log("http").length, 0);
  assert.equal((await runTcp(get, { settings: { "Analyzer::disable_all": true, "Analyzer::requested_analyzers": requested } })).log("http").length, 1);
  // A script that disables HTTP at zeek_init runs before the framework's enabling (its priority -5).
  const engine = new Engine({ settings: { "Analyzer::requested_analyzers": requested } });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  engine.on("zeek_init", () => void engine.disableAnalyzerType("ANALYZER_HTTP"));
  await engine.run(memorySource(tcpTrace(segments(get), { sport: 80, cport: 40000 })));
  assert.equal(
    scripts.logs
      .text("http")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#")).length,
    1,
  );
});
