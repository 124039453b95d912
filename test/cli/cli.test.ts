/**
 * End-to-end tests of the `bronze` command: `main()` in-process with captured
 * output for most cases, the built executable (dist/src/cli/main.js) once,
 * when it exists, for the shebang/entry-point path, and the bundled command
 * (dist/bronze.js, the package's bin) against it.
 */

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openTrace } from "../../src/source/open.js";
import { bronze, type Captured, oneErrorLine, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root, from test/cli or dist/test/cli. */
const root = [resolve(here, "../.."), resolve(here, "../../..")].find((d) => existsSync(join(d, "examples")))!;

/**
 * Runs bronze on the sample trace with a TypeScript user script in `dir`:
 * `body` follows an import of bronze's Engine and ScriptContext types; `args`
 * come after it. The run must succeed without a word on stderr.
 */
async function runTypedScript(dir: string, body: string, args: string[] = []): Promise<Captured> {
  const trace = join(dir, "t.pcap");
  writeFileSync(trace, sampleTrace());
  const script = join(dir, "script.ts");
  writeFileSync(script, `import type { Engine, ScriptContext } from ${JSON.stringify(join(root, "src", "index.js"))};\n${body}`);
  const r = await bronze(["-r", trace, "--logdir", dir, script, ...args]);
  assert.equal(r.err, "");
  assert.equal(r.code, 0);
  return r;
}

function rows(file: string): string[][] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

test("--help and --version", async () => {
  const help = await bronze(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /usage: bronze/);
  const version = await bronze(["--version"]);
  assert.match(version.out, /^bronze \d+\.\d+\.\d+\n$/);
});

test("usage errors: one line, exit 1", async () => {
  oneErrorLine(await bronze([]), /nothing to read/);
  oneErrorLine(await bronze(["-Q"]), /unknown option -Q/);
  oneErrorLine(await bronze(["-r", "x.pcap", "no_such_setting=3"]), /bad setting no_such_setting=3/);
  oneErrorLine(await bronze(["-r", "x.pcap", "tcp_attempt_delay=soon"]), /bad setting tcp_attempt_delay=soon/);
  oneErrorLine(
    await bronze(["-r", "x.pcap", "--logdir", "/dev/null/bronze-logs"]),
    /cannot create log directory \/dev\/null\/bronze-logs: a part of the path is not a directory/,
  );
  oneErrorLine(await bronze(["-r", "x.pcap", "--seed-file", "/nonexistent/seed"]), /cannot read seed file/);
  oneErrorLine(await bronze(["-i", "bronze-no-such-if0"]), /live capture is not available|cannot capture on bronze-no-such-if0/);
});

test(
  "a missing file and a file that is not a trace",
  withDir(async (dir) => {
    oneErrorLine(await bronze(["-r", join(dir, "missing.pcap")]), /missing\.pcap/);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "hello, this is not a packet trace\n");
    oneErrorLine(await bronze(["-r", text]), /notes\.txt/);
  }),
);

test(
  "-w records the packets that pass the filter, and only those reach the engine",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const out = join(dir, "out.pcap");
    // Port 22's connection was rejected: a trace of control packets only, which find-filtered-trace's warning is not about here.
    const r = await bronze(["-r", trace, "--logdir", dir, "-f", "tcp port 22", "-w", out, "FilteredTraceDetection::enable=F"]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    const conns = rows(join(dir, "conn.log"));
    assert.deepEqual(
      conns.map((c) => c[5]),
      ["22"],
    );
    const again = join(dir, "again");
    mkdirSync(again);
    assert.equal((await bronze(["-r", out, "--logdir", again])).code, 0);
    const replayed = rows(join(again, "conn.log"));
    assert.deepEqual(
      replayed.map((c) => [c[5], c[11], c[16], c[18]]),
      [["22", "REJ", "1", "1"]],
    );
    const recorded = await (await openTrace(out)).run(() => {});
    assert.equal(recorded.packets, 2, "the SYN and the RST of port 22");
  }),
);

test(
  "-w records as the analysis decided: headers in a plain run, whole where a script asked with recordContents",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "keep-web.ts");
    writeFileSync(
      script,
      'export default function (engine) {\n  engine.on("new_connection", (c) => { if (c.id.resp_p === 80) engine.recordContents(c, true); });\n}\n',
    );
    const out = join(dir, "out.pcap");
    const r = await bronze(["-r", trace, "--logdir", dir, "-w", out, script]);
    assert.equal(r.err, "");
    const original = await (await openTrace(trace)).run(() => {});
    const sizes: Array<[number, number, number]> = [];
    await (await openTrace(out)).run((p) => void sizes.push([p.caplen, p.wirelen, (p.data[p.offset + 36]! << 8) | p.data[p.offset + 37]!]));
    assert.equal(sizes.length, original.packets, "every packet is in the recording");
    const web = sizes.filter(([, , dport]) => dport === 80 || dport === 42000);
    assert.ok(web.some(([caplen]) => caplen > 54) && web.every(([caplen, wirelen]) => caplen === wirelen), "port 80: whole");
    const dns = sizes.find(([, , dport]) => dport === 53)!;
    // The DNS analyzer reads the 5-byte payload (too short for a header: DNS_truncated_len_lt_hdr_len), so it is evidence.
    assert.deepEqual(dns.slice(0, 2), [14 + 20 + 8 + 5, 14 + 20 + 8 + 5], "the DNS query (the DNS analyzer read it): whole");
    const again = join(dir, "again");
    mkdirSync(again);
    assert.equal((await bronze(["-r", out, "--logdir", again])).code, 0);
    const row = (d: string) =>
      rows(join(d, "conn.log"))
        .find((c) => c[5] === "80")!
        .slice(2);
    assert.deepEqual(row(again), row(dir), "the port-80 connection, recorded whole, reads back the same");
  }),
);

test(
  "a bad capture filter is one clear line",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-f", "tcp port port"]), /filter/);
    assert.ok(!existsSync(join(dir, "conn.log")));
  }),
);

test(
  "a normal run writes conn.log in --logdir, Zeek's format",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze(["-r", trace, "--logdir", dir]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    const text = readFileSync(join(dir, "conn.log"), "utf8");
    assert.match(
      text,
      /^#separator \\x09\n#set_separator\t,\n#empty_field\t\(empty\)\n#unset_field\t-\n#path\tconn\n#open\t\d{4}(-\d\d){5}\n#fields\tts\tuid\t/,
    );
    assert.match(text, /\n#close\t\d{4}(-\d\d){5}\n$/);
    const conns = rows(join(dir, "conn.log"));
    assert.equal(conns.length, 7);
    const byPort = new Map(conns.map((c) => [`${c[2]}:${c[3]}-${c[5]}`, c]));
    const good = byPort.get("10.0.0.7:42000-80")!;
    assert.deepEqual([good[6], good[9], good[10], good[11], good[12], good[13], good[15]], ["tcp", "5", "5", "SF", "T", "F", "ShADdFf"]);
    assert.equal(byPort.get("10.0.0.5:40022-22")![11], "REJ");
    assert.equal(byPort.get("10.0.0.7:5353-53")![6], "udp");
    assert.ok(conns.every((c) => /^C[0-9A-Za-z]+$/.test(c[1]!)));
  }),
);

test(
  "--json writes JSON lines; a seed file makes uids reproducible",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const seed = join(dir, "seed");
    writeFileSync(seed, `${Array.from({ length: 21 }, (_, i) => String(1000 + i * 7919)).join("\n")}\n`);
    const a = join(dir, "a");
    const b = join(dir, "b");
    mkdirSync(a);
    mkdirSync(b);
    assert.equal((await bronze(["-r", trace, "--json", "--logdir", a, "--seed-file", seed])).code, 0);
    assert.equal((await bronze(["-r", trace, "LogAscii::use_json=T", "--logdir", b], { ZEEK_SEED_FILE: seed })).code, 0);
    const ja = readFileSync(join(a, "conn.log"), "utf8");
    assert.equal(ja, readFileSync(join(b, "conn.log"), "utf8"), "same seed, same uids");
    const first = JSON.parse(ja.split("\n")[0]!) as Record<string, unknown>;
    assert.equal(typeof first.ts, "number");
    assert.match(String(first.uid), /^C/);
  }),
);

test(
  "a trace cut mid-record: logs written, a warning, exit 0",
  withDir(async (dir) => {
    const full = sampleTrace();
    const trace = join(dir, "cut.pcap");
    writeFileSync(trace, full.subarray(0, full.length - 10));
    const r = await bronze(["-r", trace, "--logdir", dir]);
    assert.equal(r.code, 0);
    assert.match(r.err, /^bronze: warning: .+\n$/);
    assert.ok(rows(join(dir, "conn.log")).length >= 6);
  }),
);

test(
  "no connection, no conn.log (packet_filter.log alone: it is written at start-up, as Zeek's)",
  withDir(async (dir) => {
    const trace = join(dir, "empty.pcap");
    writeFileSync(trace, sampleTrace().subarray(0, 24));
    const r = await bronze(["-r", trace, "--logdir", dir]);
    assert.equal(r.code, 0);
    assert.deepEqual(readdirSync(dir).sort(), ["empty.pcap", "packet_filter.log"]);
  }),
);

test(
  "the README's detector example reports the host with many rejected connections",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze(["-r", trace, "--logdir", dir, join(root, "examples", "many-rejections.ts")]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    assert.equal(r.out, "10.0.0.5 had 4 rejected connections\n");
  }),
);

test(
  "misc/event-trace writes events.log beside conn.log; Zeek script names bronze implements are accepted",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze(["-r", trace, "--logdir", dir, "misc/event-trace", "base/protocols/conn"]);
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
    const events = readFileSync(join(dir, "events.log"), "utf8");
    assert.match(events, /\tnew_connection\t/);
    assert.match(events, /\tconnection_rejected\t/);
    assert.ok(existsSync(join(dir, "conn.log")));
  }),
);

test(
  "a user script can write a log of its own next to conn.log",
  withDir(async (dir) => {
    await runTypedScript(
      dir,
      `export default function (engine: Engine, { logs }: ScriptContext): void {
  const log = logs.open({ path: "rejects", fields: [{ name: "ts", type: "time" }, { name: "host", type: "addr" }] });
  engine.on("connection_rejected", (c) => log.write([c.start_time, c.id.orig_h]));
}
`,
    );
    const text = readFileSync(join(dir, "rejects.log"), "utf8");
    assert.match(text, /#path\trejects\n/);
    assert.deepEqual(
      rows(join(dir, "rejects.log")).map((row) => row[1]),
      ["10.0.0.5", "10.0.0.5", "10.0.0.5", "10.0.0.5", "10.0.0.6"],
    );
    assert.match(text, /#close\t/);
  }),
);

test(
  "a user script adds columns to every log (Log::default_ext_func) and the command line renames columns (Log::default_field_name_map)",
  withDir(async (dir) => {
    await runTypedScript(
      dir,
      `export default function (engine: Engine, { logs }: ScriptContext): void {
  logs.configure({ extension: { fields: [{ name: "sensor", type: "string" }, { name: "stream", type: "string" }], values: (path) => ["tap-1", path] } });
}
`,
      ['Log::default_field_name_map={["id.orig_h"]="src", ["_stream"]="log"}'],
    );
    const header = readFileSync(join(dir, "conn.log"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("#fields"))!;
    assert.match(header, /^#fields\t_sensor\tlog\tts\tuid\tsrc\tid\.orig_p\t/);
    const conn = rows(join(dir, "conn.log"));
    assert.equal(conn.length, 7);
    for (const row of conn) assert.deepEqual(row.slice(0, 2), ["tap-1", "conn"]);
  }),
);

test(
  "a user script raises notices into notice.log (Zeek's NOTICE), repeats of one identifier suppressed",
  withDir(async (dir) => {
    await runTypedScript(
      dir,
      `export default function (engine: Engine, { notice }: ScriptContext): void {
  engine.on("connection_rejected", (c) => notice({ note: "Site::Rejected", msg: "rejected", conn: c, identifier: c.id.orig_h }));
}
`,
    );
    // 10.0.0.5 is rejected four times, 10.0.0.6 once: one notice each within the hour.
    assert.deepEqual(
      rows(join(dir, "notice.log")).map((row) => [row[10], row[13], row[15]]),
      [
        ["Site::Rejected", "10.0.0.5", "22"],
        ["Site::Rejected", "10.0.0.6", "443"],
      ],
    );
  }),
);

test(
  "user scripts: named event exports, misspelt names warned, missing script is an error",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const script = join(dir, "count.mjs");
    writeFileSync(
      script,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
      "let n = 0;\nexport function new_connection() { n++; }\nexport function zeek_done() { console.log(`connections: ${n}`); }\nexport function conection_established() {}\n",
    );
    const r = await bronze(["-r", trace, "--logdir", dir, script]);
    assert.equal(r.code, 0);
    assert.equal(r.out, "connections: 7\n");
    assert.match(r.err, /warning: .*count\.mjs exports 'conection_established', which is not an event name \(did you mean connection_established\?\); ignored/);
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, join(dir, "nope.ts")]), /cannot find script/);
    const broken = join(dir, "broken.ts");
    writeFileSync(broken, "export default function (engine: { on: unknown }) {\n  engine.on(\n");
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, broken]), /syntax error in script .*broken\.ts:3:1: Unexpected end of file/);
    const throwing = join(dir, "throwing.mjs");
    writeFileSync(throwing, "export default function () { throw new Error('no config'); }\n");
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, throwing]), /script .*throwing\.mjs:1:36 failed while loading: no config/);
    const empty = join(dir, "empty.mjs");
    writeFileSync(empty, "export const x = 1;\n");
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, empty]), /exports no default function and no event handler/);
    oneErrorLine(
      await bronze(["-r", trace, "--logdir", dir, "misc/nonexistent"]),
      /no such script: misc\/nonexistent: not a Zeek script name \(bronze's own: misc\/event-trace, misc\/app-event-trace\)/,
    );
  }),
);

test(
  "-e CODE (Zeek's --exec): a function body with engine, context and bronze in scope, or a module of event exports; errors name it -e",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const r = await bronze([
      "-r",
      trace,
      "--logdir",
      dir,
      "-e",
      "let n = 0; engine.on('new_connection', () => n++); engine.on('zeek_done', () => console.log(n + ' connections, ' + typeof bronze.x509Parse));",
      "--exec",
      "export function zeek_done(): void { console.log('second'); }",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, "7 connections, function\nsecond\n");
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-e", "throw new Error('no config')"]), /script -e:1:7 failed while loading: no config/);
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-e", "1", "-e", "engine.on("]), /syntax error in script -e#2/);
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, "-e"]), /option -e needs a value/);
  }),
);

test(
  "the built executable runs from its shebang path",
  withDir(async (dir) => {
    const bin = join(root, "dist", "src", "cli", "main.js");
    if (!existsSync(bin)) return;
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const ok = spawnSync(process.execPath, [bin, "-r", trace, "--logdir", dir], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(existsSync(join(dir, "conn.log")));
    const piped = spawnSync(process.execPath, [bin, "-r", "-", "--json"], { cwd: dir, input: sampleTrace(), encoding: "utf8" });
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(readFileSync(join(dir, "conn.log"), "utf8").trimEnd().split("\n").length, 7, "-r - reads standard input");
    const bad = spawnSync(process.execPath, [bin, "-r", join(dir, "missing.pcap")], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /^bronze: .*missing\.pcap.*\n$/);
  }),
);

test(
  "the bundled command (dist/bronze.js) writes what the module one writes, user scripts and options included",
  withDir(async (dir) => {
    const bundle = join(root, "dist", "bronze.js");
    const modules = join(root, "dist", "src", "cli", "main.js");
    assert.ok(existsSync(bundle), "npm run build makes dist/bronze.js");
    const version = spawnSync(process.execPath, [bundle, "--version"], { encoding: "utf8" });
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    assert.equal(version.stdout, `bronze ${pkg.version}\n`, "the bundle finds package.json");
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    const seed = join(dir, "seed");
    writeFileSync(seed, `${Array.from({ length: 21 }, (_, i) => String(i * 7919 + 1)).join("\n")}\n`);
    const script = join(root, "examples", "many-rejections.ts");
    const outputs = [bundle, modules].map((bin, i) => {
      const logdir = join(dir, String(i));
      mkdirSync(logdir);
      const r = spawnSync(process.execPath, [bin, "--seed-file", seed, "-r", trace, "--logdir", logdir, "misc/event-trace", script], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const logs = readdirSync(logdir)
        .sort()
        // packet_filter.log's start-up row is stamped with the wall clock (Zeek's current_time()).
        .map((f) => [
          f,
          readFileSync(join(logdir, f), "utf8")
            .replace(/^#(open|close)\t.*$/gm, "")
            .replace(/^\d+\.\d{6}(\tzeek\t)/gm, "TS$1"),
        ]);
      return { stdout: r.stdout, stderr: r.stderr, logs };
    });
    assert.ok(outputs[0]!.logs.some(([f]) => f === "conn.log") && outputs[0]!.stdout.includes("rejected"), "logs written and the script ran");
    assert.deepEqual(outputs[0], outputs[1]);
  }),
);

test(
  "a user script's Notice::policy handler (context.notices.onPolicy) changes a notice's actions: without ACTION_LOG it is not logged",
  withDir(async (dir) => {
    await runTypedScript(
      dir,
      `export default function (engine: Engine, { notice, notices }: ScriptContext): void {
  notices.onPolicy((n) => {
    if (n.src === "10.0.0.6") n.actions.delete("Notice::ACTION_LOG");
  });
  engine.on("connection_rejected", (c) => notice({ note: "Site::Rejected", msg: "rejected", conn: c, identifier: c.id.orig_h }));
}
`,
    );
    assert.deepEqual(
      rows(join(dir, "notice.log")).map((row) => [row[10], row[13], row[18]]),
      [["Site::Rejected", "10.0.0.5", "Notice::ACTION_LOG"]],
    );
  }),
);

test(
  "a script's context.input: a table read from a file, empty in the handler that made it, its events, end_of_data",
  withDir(async (dir) => {
    const hosts = join(dir, "hosts.tsv");
    writeFileSync(hosts, "#fields\tip\tnote\n10.0.0.1\tgateway\n2001:db8::1\tdns\n");
    const r = await runTypedScript(
      dir,
      `export default function (engine: Engine, { input }: ScriptContext) {
        const known = input.table();
        engine.on("zeek_init", () => {
          input.addTable({
            source: ${JSON.stringify(hosts)},
            name: "known",
            idx: { name: "Idx", fields: [{ name: "ip", type: "addr" }] },
            val: { name: "Val", fields: [{ name: "note", type: "string" }] },
            destination: known,
            want_record: false,
            ev: (_d, tpe, left, right) => console.log(tpe, left.ip, right),
          });
          console.log("in zeek_init:", known.size);
        });
        input.onEndOfData((name) => console.log("end_of_data", name, known.get("2001:db8::1")));
        engine.on("zeek_done", () => console.log(known.print()));
      }`,
    );
    assert.equal(
      r.out.slice(0, r.out.indexOf("{")),
      "in zeek_init: 0\nInput::EVENT_NEW 10.0.0.1 gateway\nInput::EVENT_NEW 2001:db8::1 dns\nend_of_data known dns\n",
    );
    assert.match(r.out, /\{\n(\[10\.0\.0\.1\] = gateway,\n\[2001:db8::1\] = dns|\[2001:db8::1\] = dns,\n\[10\.0\.0\.1\] = gateway)\n\}\n$/);
  }),
);
