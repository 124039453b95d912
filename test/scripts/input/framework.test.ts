/**
 * The Input framework's rules, pinned without Zeek's source: bad lines,
 * REREAD after a change, STREAM following appended lines, predicates,
 * remove(), force_update, the bound on a line's length, refused
 * descriptions, when a script sees the data, and the binary reader and
 * analysis streams (Input::add_analysis).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { type InputFramework, inputFramework } from "../../../src/scripts/input/framework.js";
import { MAX_LINE_BYTES } from "../../../src/scripts/input/reader.js";
import { inputRecord } from "../../../src/scripts/input/types.js";
import type { PacketSource } from "../../../src/source/raw-packet.js";
import { frame, memorySource, tcp4 } from "../../helpers/packets.js";

interface Setup {
  readonly input: InputFramework;
  readonly engine: Engine;
  readonly dir: string;
  readonly messages: string[];
  /** Ends a live run. */
  done(): void;
}

/** A run with the framework: `setup` makes streams (before zeek_init); a live run lasts until done() (or 10 s). */
async function run(setup: (s: Setup) => void, options: { live?: boolean; packets?: PacketSource; settings?: string[] } = {}): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-input-"));
  try {
    const engine = new Engine({ settings: ["Threading::heartbeat_interval=0.05sec", ...(options.settings ?? [])] });
    const messages: string[] = [];
    const builtins = loadBuiltinScripts(engine, { memory: true, stderr: (l) => messages.push(l.replace(/^bronze: /, "")) });
    const r = builtins.reporter;
    const input = inputFramework(engine, { error: (m) => r.error(m), warning: (m) => r.warning(m), info: (m) => r.info(m) });
    let done = (): void => undefined;
    const ended = new Promise<void>((resolve) => (done = resolve));
    const s: Setup = { input, engine, dir, messages, done };
    setup(s);
    const quiet: PacketSource = {
      name: "quiet",
      run: async () => {
        const keepAlive = setInterval(() => undefined, 1000);
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
        clearInterval(keepAlive);
        return { packets: 0, truncated: null };
      },
    };
    await engine.run(options.live === true ? quiet : (options.packets ?? memorySource([])));
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const IDX = inputRecord("Idx", { ip: "addr" });
const VAL = inputRecord("Val", { n: "count", tag: { type: "string", optional: true } });

function file(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `#fields\tip\tn\ttag\n${lines.join("\n")}\n`);
  return path;
}

test("a bad address is warned of and read as 0.0.0.0; a bad count skips its line; the good lines are read", async () => {
  let printed = "";
  const s = await run(({ input, dir }) => {
    const hosts = input.table();
    const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta", "342.2.3.4\t2\tb", "10.0.0.3\tthree\tc", "10.0.0.4\t4\t-"]);
    input.addTable({ source, name: "hosts", idx: IDX, val: VAL, destination: hosts });
    input.onEndOfData(() => (printed = hosts.print()));
  });
  const source = join(s.dir, "hosts.tsv");
  const rows = printed
    .split("\n")
    .filter((l) => l.startsWith("["))
    .map((l) => l.replace(/,$/, ""))
    .sort();
  assert.deepEqual(rows, ["[0.0.0.0] = [n=2, tag=b]", "[10.0.0.1] = [n=1, tag=a]", "[10.0.0.4] = [n=4, tag=<uninitialized>]"]);
  assert.ok(s.messages.includes(`warning: ${source}/Input::READER_ASCII: ${source}, line 3: Bad address: 342.2.3.4`), s.messages.join("\n"));
  assert.ok(s.messages.includes(`warning: ${source}/Input::READER_ASCII: ${source}, line 4: String 'three' contained no parseable number`));
  assert.ok(
    s.messages.includes(
      `warning: ${source}/Input::READER_ASCII: ${source}, line 4: Could not convert line '10.0.0.3\tthree\tc' of ${source} to Val. Ignoring line.`,
    ),
  );
});

test("a subnet column is made as Zeek's input manager makes it: an IPv4-mapped text's width counts IPv4 bits; one too wide is a reporter error (not error_ev's) and ::/0", async () => {
  const seen: string[] = [];
  const errorEvents: string[] = [];
  const s = await run(({ input, dir }) => {
    const source = join(dir, "nets.tsv");
    // The last line's count does not parse: the reader skips it, so its subnet is never made (no error).
    writeFileSync(source, "#fields\tnet\tn\n::ffff:10.1.2.3/8\t1\n::ffff:10.1.2.3/40\t2\n10.0.0.0/33\t3\n10.0.0.0/34\tx\n");
    input.addEvent({
      source,
      name: "nets",
      fields: inputRecord("Net", { net: "subnet", n: "count" }),
      ev: (_d, _t, line) => seen.push(String((line as { net: string }).net)),
      error_ev: (_d, message) => errorEvents.push(message),
    });
  });
  assert.deepEqual(seen, ["10.0.0.0/8", "::/0", "::/0"]);
  assert.deepEqual(s.messages.slice(0, 2), ["error: Bad IPAddr(v4) IPPrefix length : 40", "error: Bad IPAddr(v4) IPPrefix length : 33"]);
  assert.ok(!s.messages.some((m) => m.includes("length : 34")), s.messages.join("\n"));
  assert.deepEqual(errorEvents, [
    "String 'x' contained no parseable number",
    "Could not convert line '10.0.0.0/34\tx' of " + join(s.dir, "nets.tsv") + " to Val. Ignoring line.",
  ]);
});

test("the table is empty in the handler that made the stream and filled before the end; end_of_data names the stream", async () => {
  const seen: string[] = [];
  await run(({ input, engine, dir }) => {
    const hosts = input.table();
    const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta"]);
    engine.on("zeek_init", () => {
      input.addTable({ source, name: "hosts", idx: IDX, val: VAL, destination: hosts });
      seen.push(`at zeek_init: ${hosts.size}`);
    });
    input.onEndOfData((name, src) => seen.push(`end_of_data ${name} ${src === source}: ${hosts.size}`));
    engine.on("zeek_done", () => seen.push(`zeek_done: ${hosts.size}`));
  });
  assert.deepEqual(seen, ["at zeek_init: 0", "end_of_data hosts true: 1", "zeek_done: 1"]);
});

test("with packets, the events arrive after zeek_init and before zeek_done", async () => {
  const seen: string[] = [];
  const packets = Array.from({ length: 50 }, (_, i) => ({
    ts: 100 + i,
    bytes: frame(tcp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport: 1000 + i, dport: 80, flags: "S" })),
  }));
  await run(
    ({ input, engine, dir }) => {
      const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta", "10.0.0.2\t2\tb"]);
      input.addEvent({
        source,
        name: "lines",
        fields: inputRecord("Line", { ip: "addr", n: "count" }),
        ev: (_d, tpe, line) => seen.push(`${tpe} ${JSON.stringify(line)}`),
      });
      engine.on("zeek_done", () => seen.push("zeek_done"));
    },
    { packets: memorySource(packets) },
  );
  assert.deepEqual(seen, ['Input::EVENT_NEW {"ip":"10.0.0.1","n":1}', 'Input::EVENT_NEW {"ip":"10.0.0.2","n":2}', "zeek_done"]);
});

test("REREAD: a changed file is read again: EVENT_NEW, EVENT_CHANGED (with the old value), EVENT_REMOVED", async () => {
  const events: string[] = [];
  let printed = "";
  await run(
    ({ input, dir, done }) => {
      const hosts = input.table();
      const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta", "10.0.0.2\t2\tb"]);
      input.addTable({
        source,
        name: "hosts",
        mode: "Input::REREAD",
        idx: IDX,
        val: VAL,
        destination: hosts,
        ev: (_d, tpe, left, right) => events.push(`${tpe} ${String(left.ip)} ${JSON.stringify(right)}`),
      });
      let reads = 0;
      input.onEndOfData(() => {
        if (++reads === 1) {
          // A new version moved into place (another inode), as a deployment does.
          const next = file(dir, "next.tsv", ["10.0.0.1\t10\ta", "10.0.0.3\t3\tc"]);
          renameSync(next, source);
        } else {
          printed = hosts.print();
          done();
        }
      });
    },
    { live: true },
  );
  assert.deepEqual(events.slice(0, 2), ['Input::EVENT_NEW 10.0.0.1 {"n":1,"tag":"a"}', 'Input::EVENT_NEW 10.0.0.2 {"n":2,"tag":"b"}']);
  assert.deepEqual(events.slice(2).sort(), [
    'Input::EVENT_CHANGED 10.0.0.1 {"n":1,"tag":"a"}',
    'Input::EVENT_NEW 10.0.0.3 {"n":3,"tag":"c"}',
    'Input::EVENT_REMOVED 10.0.0.2 {"n":2,"tag":"b"}',
  ]);
  assert.match(printed, /\[10\.0\.0\.1\] = \[n=10, tag=a\]/);
  assert.match(printed, /\[10\.0\.0\.3\] = \[n=3, tag=c\]/);
  assert.doesNotMatch(printed, /10\.0\.0\.2/);
});

test("STREAM: lines appended to the file are picked up; what ends the file without a newline is a line too (Zeek's GetLine at EOF)", async () => {
  const lines: string[] = [];
  await run(
    ({ input, dir, done }) => {
      const source = join(dir, "feed.txt");
      writeFileSync(source, "first\n");
      input.addEvent({
        source,
        name: "feed",
        reader: "Input::READER_RAW",
        mode: "Input::STREAM",
        fields: inputRecord("Line", { s: "string" }),
        want_record: false,
        ev: (_d, _t, s) => {
          lines.push(s as string);
          if (s === "first") appendFileSync(source, "second\nthi");
          else if (s === "thi") setTimeout(() => appendFileSync(source, "rd\n"), 150);
          else if (s === "rd") done();
        },
      });
    },
    { live: true },
  );
  assert.deepEqual(lines, ["first", "second", "thi", "rd"]);
});

test("InputRaw::record_separator: records end with it, in files and in a command's output; the last one without it at the end", async () => {
  const lines: string[] = [];
  await run(
    ({ input, dir }) => {
      const source = join(dir, "records.bin");
      writeFileSync(source, "a\nb\0c\0\0d");
      const common = { reader: "Input::READER_RAW", fields: inputRecord("Line", { s: "string" }), want_record: false } as const;
      input.addEvent({ ...common, source, name: "file", ev: (_d, _t, s) => void lines.push(`file ${JSON.stringify(s)}`) });
      input.addEvent({ ...common, source: `printf 'x\\0y' |`, name: "cmd", ev: (_d, _t, s) => void lines.push(`cmd ${JSON.stringify(s)}`) });
    },
    { settings: ['InputRaw::record_separator="\\x00"'] },
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith("file")),
    ['file "a\\nb"', 'file "c"', 'file ""', 'file "d"'],
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith("cmd")),
    ['cmd "x"', 'cmd "y"'],
  );
});

test("a predicate refusing a line keeps it out of the table and raises no event for it", async () => {
  const events: string[] = [];
  let printed = "";
  await run(({ input, dir }) => {
    const hosts = input.table();
    const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta", "10.0.0.2\t200\tb", "10.0.0.3\t3\tc"]);
    input.addTable({
      source,
      name: "hosts",
      idx: IDX,
      val: VAL,
      destination: hosts,
      pred: (_typ, _left, right) => ((right as { n: number }).n ?? 0) < 100,
      ev: (_d, _t, left) => events.push(String(left.ip)),
    });
    input.onEndOfData(() => (printed = hosts.print()));
  });
  assert.deepEqual(events.sort(), ["10.0.0.1", "10.0.0.3"]);
  assert.doesNotMatch(printed, /10\.0\.0\.2/);
});

test("remove(): the stream stops (no further reads), its name is free again; an unknown name is false", async () => {
  const lines: string[] = [];
  let again = false;
  let unknown = true;
  await run(
    ({ input, dir, done }) => {
      const source = join(dir, "feed.txt");
      writeFileSync(source, "one\n");
      const fields = inputRecord("Line", { s: "string" });
      input.addEvent({
        source,
        name: "feed",
        reader: "Input::READER_RAW",
        mode: "Input::STREAM",
        fields,
        want_record: false,
        ev: (_d, _t, s) => {
          lines.push(s as string);
          assert.equal(input.remove("feed"), true);
          appendFileSync(source, "two\n");
          unknown = input.remove("no-such-stream");
          // The name can be taken again at once.
          again = input.addEvent({ source, name: "feed", reader: "Input::READER_RAW", fields, ev: () => undefined });
          setTimeout(done, 300);
        },
      });
    },
    { live: true },
  );
  assert.deepEqual(lines, ["one"]);
  assert.equal(unknown, false);
  assert.equal(again, true);
});

test("force_update reads a MANUAL stream again; a stream name taken twice and an unsupported reader are refused with one error", async () => {
  const reads: number[] = [];
  const results: boolean[] = [];
  const s = await run(({ input, engine, dir }) => {
    const hosts = input.table();
    const source = file(dir, "hosts.tsv", ["10.0.0.1\t1\ta"]);
    engine.on("zeek_init", () => {
      results.push(input.addTable({ source, name: "hosts", idx: IDX, val: VAL, destination: hosts }));
      results.push(input.addTable({ source, name: "hosts", idx: IDX, val: VAL, destination: hosts }));
      results.push(input.addEvent({ source, name: "db", reader: "Input::READER_BENCHMARK", fields: VAL, ev: () => undefined }));
      results.push(input.forceUpdate("nothing"));
    });
    input.onEndOfData(() => {
      reads.push(hosts.size);
      if (reads.length === 1) {
        file(dir, "hosts.tsv", ["10.0.0.1\t1\ta", "10.0.0.2\t2\tb"]);
        input.forceUpdate("hosts");
      }
    });
  });
  assert.deepEqual(results, [true, false, false, false]);
  assert.deepEqual(reads, [1, 2]);
  assert.ok(s.messages.includes("error: Trying create already existing input stream hosts"));
  assert.ok(s.messages.some((m) => m.startsWith("error: Input stream db: reader Input::READER_BENCHMARK is not supported")));
  assert.ok(s.messages.includes("error: Stream nothing not found"));
});

test("a line longer than the bound is skipped with a warning, the next line is read, memory stays bounded", async () => {
  const lines: string[] = [];
  const s = await run(({ input, dir }) => {
    const source = join(dir, "big.txt");
    writeFileSync(source, `short\n${"x".repeat(MAX_LINE_BYTES + 10)}\nafter\n`);
    input.addEvent({
      source,
      name: "big",
      reader: "Input::READER_RAW",
      fields: inputRecord("Line", { s: "string" }),
      want_record: false,
      ev: (_d, _t, l) => lines.push(l as string),
    });
  });
  assert.deepEqual(
    lines.map((l) => (l.length > 100 ? `${l.length} bytes` : l)),
    ["short", "after"],
  );
  assert.ok(s.messages.some((m) => m.includes(`is longer than ${MAX_LINE_BYTES} bytes. Ignoring line.`)));
});

test("a missing file: one warning (not one per heartbeat); REREAD reads it once it appears", async () => {
  const lines: string[] = [];
  let source = "";
  const s = await run(
    ({ input, dir, done }) => {
      source = join(dir, "later.tsv");
      input.addEvent({
        source,
        name: "later",
        mode: "Input::REREAD",
        fields: inputRecord("Line", { ip: "addr", n: "count" }),
        ev: (_d, _t, l) => lines.push(JSON.stringify(l)),
      });
      setTimeout(() => file(dir, "later.tsv", ["10.0.0.9\t9\tz"]), 300);
      input.onEndOfData(() => done());
    },
    { live: true },
  );
  assert.deepEqual(lines, ['{"ip":"10.0.0.9","n":9}']);
  assert.deepEqual(
    s.messages.filter((m) => m.includes("cannot open")),
    [`warning: ${source}/Input::READER_ASCII: Init: cannot open ${source}`],
  );
});

// ---- READER_BINARY and analysis streams

const BYTES = inputRecord("Bytes", { s: "string" });

test("READER_BINARY: the file in chunks of InputBinary::chunk_size, the last one short; MANUAL reads it again from its start on force_update", async () => {
  const chunks: string[] = [];
  let reads = 0;
  await run(
    ({ input, engine, dir }) => {
      const source = join(dir, "blob");
      writeFileSync(source, "0123456789");
      engine.on("zeek_init", () => {
        input.addEvent({
          source,
          name: "blob",
          reader: "Input::READER_BINARY",
          fields: BYTES,
          want_record: false,
          ev: (_d, _t, s) => void chunks.push(s as string),
        });
      });
      input.onEndOfData(() => {
        if (++reads === 1) input.forceUpdate("blob");
      });
    },
    { settings: ["InputBinary::chunk_size=4"] },
  );
  assert.deepEqual(chunks, ["0123", "4567", "89", "0123", "4567", "89"]);
  assert.equal(reads, 2);
});

test("READER_BINARY: STREAM hands over only what was appended; REREAD reads a replaced file whole", async () => {
  const streamed: string[] = [];
  const reread: string[] = [];
  await run(
    ({ input, engine, dir, done }) => {
      const grows = join(dir, "grows");
      const replaced = join(dir, "replaced");
      writeFileSync(grows, "abc");
      writeFileSync(replaced, "one");
      engine.on("zeek_init", () => {
        const common = { reader: "Input::READER_BINARY", fields: BYTES, want_record: false } as const;
        input.addEvent({
          ...common,
          source: grows,
          name: "grows",
          mode: "Input::STREAM",
          ev: (_d, _t, s) => {
            streamed.push(s as string);
            if (s === "abc") appendFileSync(grows, "def");
          },
        });
        input.addEvent({
          ...common,
          source: replaced,
          name: "replaced",
          mode: "Input::REREAD",
          ev: (_d, _t, s) => {
            reread.push(s as string);
            if (s === "one") {
              writeFileSync(join(dir, "next"), "two!");
              renameSync(join(dir, "next"), replaced);
            } else if (streamed.length === 2) done();
          },
        });
      });
    },
    { live: true },
  );
  assert.deepEqual(streamed, ["abc", "def"]);
  assert.deepEqual(reread, ["one", "two!"]);
});

test("add_analysis: one file without a connection, source the stream's name, hashed, ended after end_of_data; a missing file is an error", async () => {
  const seen: string[] = [];
  const s = await run(({ input, engine, dir }) => {
    const source = join(dir, "doc.pdf");
    writeFileSync(source, "%PDF-1.5\nnot really a pdf\n");
    engine.on("file_new", (f) => {
      seen.push(`new ${f.source} conns=${f.conns.size} is_orig=${String(f.is_orig)}`);
      f.addAnalyzer("MD5");
    });
    engine.on("file_sniff", (_f, meta) => void seen.push(`sniff ${meta.mime_type}`));
    engine.on("file_hash", (_f, kind, hash) => void seen.push(`${kind} ${hash}`));
    engine.on("file_state_remove", (f) => void seen.push(`remove ${f.seen_bytes}`));
    input.onEndOfData((name) => void seen.push(`end_of_data ${name}`));
    engine.on("zeek_init", () => {
      input.addAnalysis({ source, name: "the-doc" });
      input.addAnalysis({ source: join(dir, "missing"), name: "missing" });
    });
  });
  assert.deepEqual(seen, [
    "new the-doc conns=0 is_orig=undefined",
    // A file shorter than the BOF buffer is sniffed when it ends: after end_of_data, as Zeek's EndOfFile follows it.
    "end_of_data the-doc",
    "sniff application/pdf",
    `md5 ${createHash("md5").update("%PDF-1.5\nnot really a pdf\n").digest("hex")}`,
    "remove 26",
  ]);
  assert.ok(s.messages.some((m) => /error: .*missing\/Input::READER_BINARY: Init: cannot open .*missing/.test(m)));
});

test("READER_RAW options: offset refused for REREAD and commands, read_stderr needs a bool field, REREAD of a command refused; a failing or signalled command's end is an error and process_finished", async () => {
  const finished: string[] = [];
  const ended: string[] = [];
  const s = await run(({ input, engine, dir }) => {
    const source = join(dir, "lines.txt");
    writeFileSync(source, "a\nb\n");
    const raw = { reader: "Input::READER_RAW", fields: BYTES, want_record: false, ev: () => undefined } as const;
    input.onProcessFinished((name, _source, code, signal) => void finished.push(`${name} ${code} ${String(signal)}`));
    input.onEndOfData((name) => void ended.push(name));
    engine.on("zeek_init", () => {
      input.addEvent({ ...raw, source, name: "reread-offset", mode: "Input::REREAD", config: { offset: "1" } });
      input.addEvent({ ...raw, source: "echo x |", name: "command-offset", config: { offset: "1" } });
      input.addEvent({ ...raw, source: "echo x |", name: "stderr-string", config: { read_stderr: "1" } });
      input.addEvent({ ...raw, source: "echo x |", name: "reread-command", mode: "Input::REREAD" });
      input.addEvent({ ...raw, source: "echo out; exit 3 |", name: "fails" });
      input.addEvent({ ...raw, source: "kill -TERM $$ |", name: "signalled" });
    });
  });
  const errors = s.messages.filter((m) => m.startsWith("error: "));
  const has = (re: RegExp) =>
    assert.ok(
      errors.some((m) => re.test(m)),
      `${re} in ${errors.join(" / ")}`,
    );
  has(/lines\.txt\/Input::READER_RAW: Offset only is supported for MODE_STREAM and MODE_MANUAL/);
  has(/^error: echo x \|\/Input::READER_RAW: Offset only is supported/);
  has(/Filter for raw reader contains wrong number of fields -- got 1, expected 2/);
  has(/Rereading only supported for files, not for executables\./);
  has(/^error: echo out; exit 3 \|\/Input::READER_RAW: Child process exited with non-zero return code 3$/);
  has(/^error: kill -TERM \$\$ \|\/Input::READER_RAW: Child process exited due to signal 15$/);
  assert.deepEqual(finished.sort(), ["fails 3 false", "signalled 15 true"]);
  assert.deepEqual(ended.sort(), ["fails", "signalled"]);
});
