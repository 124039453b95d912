/**
 * The Intel framework's rules, on data made here: how indicators are filed
 * and matched (subnets, case, address forms), how intel files are read
 * (Zeek's ASCII reader and input manager, their warnings word for word),
 * expiry and removal, the command line's one error for a bad file, and that
 * a run without intel pays nothing.
 */
import assert from "node:assert/strict";
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts, type RawPacket } from "../../../src/index.js";
import { intelFramework } from "../../../src/scripts/intel/framework.js";
import { IntelFileError, intelFilePath, META_EXTENSIONS, parseIntelFile, readIntelFile } from "../../../src/scripts/intel/input.js";
import { IntelStore, parseIntelSubnet } from "../../../src/scripts/intel/store.js";
import { bronze, oneErrorLine, withDir } from "../../cli/run-cli.js";
import { memorySource, type TestPacket, writePcap } from "../../helpers/packets.js";
import { handshake, tcpTrace, udpPacket } from "../../session/harness.js";

const HEADER = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n";

test("subnets: host bits cleared, every subnet holding an address matches (least specific first), IPv4 inside ::/0", () => {
  assert.deepEqual(parseIntelSubnet("10.1.2.3/8"), { text: "10.0.0.0/8", bits: 104 });
  assert.equal(parseIntelSubnet("2001:DB8::1/32")?.text, "2001:db8::/32");
  assert.equal(parseIntelSubnet("10.0.0.0/33"), null);
  assert.equal(parseIntelSubnet("10.0.0.0"), null);
  const store = new IntelStore();
  for (const net of ["192.168.142.0/26", "192.168.0.0/16", "192.168.142.0/24", "10.0.0.0/8", "::/0", "2001:db8::/32"]) store.entry(net, "Intel::SUBNET", 0);
  assert.deepEqual(
    store.subnetsOf("192.168.142.1").map((e) => e.indicator),
    ["::/0", "192.168.0.0/16", "192.168.142.0/24", "192.168.142.0/26"],
  );
  assert.deepEqual(
    store.subnetsOf("2001:db8::5").map((e) => e.indicator),
    ["::/0", "2001:db8::/32"],
  );
  assert.ok(store.delete("192.168.0.0/16", "Intel::SUBNET"));
  assert.deepEqual(
    store.subnetsOf("192.168.142.200").map((e) => e.indicator),
    ["::/0", "192.168.142.0/24"],
  );
});

test("indicators: addresses by their canonical form, other types case-insensitively and by type", () => {
  const store = new IntelStore();
  store.entry("::FFFF:1.2.3.4", "Intel::ADDR", 0);
  store.entry("2001:DB8:0:0::1", "Intel::ADDR", 0);
  store.entry("Evil.Example", "Intel::DOMAIN", 0);
  assert.equal(store.host("1.2.3.4")?.indicator, "1.2.3.4");
  assert.equal(store.host("2001:db8::1")?.indicator, "2001:db8::1");
  assert.equal(store.text("EVIL.example", "Intel::DOMAIN")?.indicator, "evil.example");
  assert.equal(store.text("evil.example", "Intel::URL"), undefined);
  assert.equal(store.entry("not-an-address", "Intel::ADDR", 0), null);
});

test("intel files: columns by name in any order, unset and empty values, escapes, CRLF, unknown columns ignored", () => {
  const text =
    "#separator \\x09\n#fields\tmeta.url\tindicator_type\textra\tindicator\tmeta.source\r\n-\tIntel::DOMAIN\tx\tA\\x41.example\tfeed\r\n(empty)\tIntel::EMAIL\tx\te@mail.com\tfeed\n\n# a comment\n";
  const { items, warnings } = parseIntelFile("f.dat", text);
  assert.deepEqual(warnings, []);
  assert.deepEqual(items, [
    { indicator: "AA.example", indicator_type: "Intel::DOMAIN", meta: { source: "feed" } },
    { indicator: "e@mail.com", indicator_type: "Intel::EMAIL", meta: { source: "feed", url: "" } },
  ]);
});

test("intel files: bad lines are skipped with Zeek's warnings; a missing required column or header is an error", () => {
  const lines = [
    "1.2.3.4\tIntel::ADDR",
    "1.2.3.5\tIntel::NOPE\tfeed\td\tu",
    "-\tIntel::ADDR\tfeed\td\tu",
    "1.2.3\tIntel::ADDR\tfeed\td\tu",
    "1.2.3.6\tIntel::ADDR\tfeed\td\tu",
  ];
  const { items, warnings } = parseIntelFile("intel.dat", `${HEADER}${lines.join("\n")}\n`, [], "intel-intel.dat");
  assert.deepEqual(
    items.map((i) => i.indicator),
    ["1.2.3.6"],
  );
  assert.deepEqual(warnings, [
    "intel.dat/Input::READER_ASCII: intel.dat, line 2: Not enough fields in line '1.2.3.4\tIntel::ADDR' of intel.dat. Found 1 fields, want positions 2 and -1",
    "intel.dat, line 3: Value 'Intel::NOPE' for stream 'intel-intel.dat' is not a valid enum.",
    "intel.dat:4: Skipping input with missing non-optional value (record field indicator)",
    "intel.dat, line 5: '1.2.3' is not a valid Intel::ADDR indicator; line skipped.",
  ]);
  const doNotice = META_EXTENSIONS.filter((e) => e.script.endsWith("do_notice"));
  const bad = parseIntelFile("n.dat", `#fields\tindicator\tindicator_type\tmeta.source\tmeta.do_notice\nx.example\tIntel::DOMAIN\tfeed\tyes\n`, doNotice);
  assert.deepEqual(bad.warnings, [
    "n.dat/Input::READER_ASCII: n.dat, line 2: Could not convert line 'x.example\tIntel::DOMAIN\tfeed\tyes' of n.dat to Val. Ignoring line.",
    "n.dat/Input::READER_ASCII: n.dat, line 2: Invalid value for boolean: yes",
  ]);
  assert.throws(
    () => parseIntelFile("h.dat", "1.2.3.4\tIntel::ADDR\tfeed\n"),
    (e: unknown) => e instanceof IntelFileError && /Did not find requested field indicator in input data file h.dat\.$/.test(e.message),
  );
  assert.throws(() => parseIntelFile("e.dat", "# only a comment\n"), /first line could not be read/);
  assert.throws(() => readIntelFile("nope.dat", "/nonexistent/nope.dat", new Set()), /cannot open \/nonexistent\/nope.dat \(ENOENT\)/);
});

test("intel file paths: Intel::path_prefix before a relative entry, InputAscii::path_prefix before a path still relative", () => {
  assert.equal(intelFilePath("a.dat", ""), "a.dat");
  assert.equal(intelFilePath("a.dat", "feeds//"), "feeds/a.dat");
  assert.equal(intelFilePath("/abs/a.dat", "feeds"), "/abs/a.dat");
  assert.equal(intelFilePath("a.dat", "intel", "input"), "input/intel/a.dat");
  assert.equal(intelFilePath("a.dat", "/srv/intel", "/nowhere"), "/srv/intel/a.dat");
});

/** One UDP packet a second from t0 to t1 (network time moving on). */
function ticks(t0: number, t1: number): TestPacket[] {
  const out: TestPacket[] = [];
  for (let t = t0; t <= t1; t += 1) out.push(udpPacket(t, "10.0.0.1", 5000, "10.0.0.2", 53, "x"));
  return out;
}

test("do_expire: an item not inserted again within Intel::item_expiration is removed; item_expired handlers see it first", async () => {
  const loads = ["frameworks/intel/do_expire"];
  const engine = new Engine({ bare: true, loads, settings: ["Intel::item_expiration=30sec"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const intel = intelFramework(engine, { logs: scripts.logs });
  const expired: string[] = [];
  const removed: string[] = [];
  intel.onItemExpired((indicator) => void expired.push(indicator));
  intel.onIndicatorRemoved((indicator) => void removed.push(indicator));
  const matches: string[] = [];
  engine.on("intel_match", (s) => void matches.push(`${Math.round(engine.clock.now)} ${s.indicator}`));
  engine.on("zeek_init", () => {
    intel.insert({ indicator: "1.2.3.4", indicator_type: "Intel::ADDR", meta: { source: "a" } });
    intel.insert({ indicator: "10.0.0.0/8", indicator_type: "Intel::SUBNET", meta: { source: "a" } });
  });
  let refreshed = false;
  engine.on("new_packet", () => {
    const now = engine.clock.now;
    // Reinserted at 1020: its time starts again; the subnet's does not.
    if (now >= 1020 && !refreshed) {
      refreshed = true;
      intel.insert({ indicator: "1.2.3.4", indicator_type: "Intel::ADDR", meta: { source: "b" } });
    }
    if (Number.isInteger(now) && now % 10 === 5) intel.seen({ host: "1.2.3.4", where: "SOMEWHERE" });
  });
  await engine.run(memorySource(ticks(1000, 1100)));
  assert.deepEqual(expired, ["10.0.0.0/8", "1.2.3.4"]);
  assert.deepEqual(removed, expired);
  // Counted from the first packet: the subnet goes at the first sweep 30 s on, the address 30 s after its reinsertion.
  const last = matches.at(-1)!;
  assert.ok(Number(last.split(" ")[0]) >= 1045 && Number(last.split(" ")[0]) < 1065, matches.join("; "));
});

test("removal and whitelist: a remove item takes its indicator out; a whitelisted item's matches are not logged", async () => {
  const loads = ["frameworks/intel/removal", "frameworks/intel/whitelist"];
  const engine = new Engine({ bare: true, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const intel = intelFramework(engine, { logs: scripts.logs });
  const matched: string[] = [];
  engine.on("intel_match", (s) => void matched.push(s.indicator!));
  engine.on("zeek_init", () => {
    for (const source of ["a", "b"]) intel.insert({ indicator: "gone.example", indicator_type: "Intel::DOMAIN", meta: { source } });
    intel.insert({ indicator: "GONE.example", indicator_type: "Intel::DOMAIN", meta: { source: "a", remove: true } });
    intel.insert({ indicator: "ok.example", indicator_type: "Intel::DOMAIN", meta: { source: "a" } });
    intel.insert({ indicator: "ok.example", indicator_type: "Intel::DOMAIN", meta: { source: "w", whitelist: true } });
    intel.insert({ indicator: "bad.example", indicator_type: "Intel::DOMAIN", meta: { source: "a" } });
    for (const d of ["gone.example", "ok.example", "bad.example"]) intel.seen({ indicator: d, indicator_type: "Intel::DOMAIN", where: "Intel::IN_ANYWHERE" });
  });
  await engine.run(memorySource([]));
  assert.deepEqual(matched, ["gone.example", "ok.example", "bad.example"], "source b keeps gone.example; the whitelisted one still matches");
  const logged = scripts.logs
    .text("intel")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t")[6]);
  assert.deepEqual(logged, ["gone.example", "bad.example"]);
});

test("a run that does not load the seen scripts or read intel files registers no intel handler", () => {
  for (const bare of [false, true]) {
    const engine = new Engine({ bare });
    loadBuiltinScripts(engine, { memory: true, bare, stderr: null });
    assert.equal(engine.bus.has("intel_match"), false);
    assert.equal(engine.bus.has("intel_new_item"), false);
  }
});

test(
  "the command line: a bad intel file is one error line and exit 1; bad lines are reporter.log warnings; matches go to intel.log",
  withDir(async (dir) => {
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, writePcap(tcpTrace(handshake(1000), { client: "10.0.0.1", server: "10.0.0.2", sport: 80, cport: 40000 })));
    writeFileSync(join(dir, "bad.dat"), "10.0.0.2\tIntel::ADDR\tfeed\n");
    oneErrorLine(
      await bronze(["-r", trace, "--logdir", dir, `Intel::read_files={"${join(dir, "bad.dat")}"}`]),
      /^bronze: Intel::read_files: .*bad\.dat\/Input::READER_ASCII: Did not find requested field indicator in input data file .*bad\.dat\.$/,
    );
    oneErrorLine(await bronze(["-r", trace, "--logdir", dir, `Intel::read_files={"${join(dir, "none.dat")}"}`]), /cannot open .*none\.dat \(ENOENT\)$/);
    const bare = await bronze(["-b", "-r", trace, "--logdir", dir, `Intel::read_files={"${join(dir, "none.dat")}"}`]);
    assert.equal(bare.code, 0);
    assert.match(bare.err, /warning: Intel::read_files is set, but base\/frameworks\/intel is not loaded \(-b\): not read/);
    writeFileSync(join(dir, "intel.dat"), `${HEADER}10.0.0.2\tIntel::ADDR\tfeed\td\tu\nx\tIntel::WHAT\tfeed\td\tu\n`);
    const r = await bronze(["-r", trace, "--logdir", dir, "frameworks/intel/seen", 'Intel::read_files+={"intel.dat"}', `Intel::path_prefix=${dir}`]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /warning.*line 3: Value 'Intel::WHAT' for stream 'intel-intel.dat' is not a valid enum\./);
    assert.match(readFileSync(join(dir, "reporter.log"), "utf8"), /Reporter::WARNING\t.*not a valid enum/);
    const rows = readFileSync(join(dir, "intel.log"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    assert.equal(rows.length, 1);
    assert.match(rows[0]!, /\t10\.0\.0\.1\t40000\t10\.0\.0\.2\t80\t10\.0\.0\.2\tIntel::ADDR\tConn::IN_RESP\tzeek\tIntel::ADDR\tfeed\t-\t-\t-$/);
  }),
);

test("manage-event-groups: a type's checks are on from its first indicator to the removal of its last", async () => {
  const loads = ["frameworks/intel/seen/manage-event-groups"];
  const engine = new Engine({ bare: true, loads });
  const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
  const intel = intelFramework(engine, { logs: scripts.logs });
  const a = (indicator: string, source: string) => ({ indicator, indicator_type: "Intel::ADDR" as const, meta: { source } });
  assert.equal(intel.seenGroupEnabled("Intel::ADDR"), false);
  intel.insert(a("1.2.3.4", "x"));
  intel.insert(a("1.2.3.4", "y"));
  intel.insert(a("1.2.3.5", "x"));
  assert.equal(intel.seenGroupEnabled("Intel::ADDR"), true);
  assert.equal(intel.seenGroupEnabled("Intel::DOMAIN"), false);
  intel.remove(a("1.2.3.4", "x"), true);
  assert.equal(intel.seenGroupEnabled("Intel::ADDR"), true);
  intel.remove(a("1.2.3.5", "x"));
  assert.equal(intel.seenGroupEnabled("Intel::ADDR"), false);
  const unmanaged = new Engine({ bare: true, loads, settings: ["Intel::manage_seen_event_groups=F"] });
  const s2 = loadBuiltinScripts(unmanaged, { memory: true, bare: true, loads, stderr: null });
  assert.equal(intelFramework(unmanaged, { logs: s2.logs }).seenGroupEnabled("Intel::ADDR"), true);
});

test(
  "Input::REREAD: an intel file changed during the run is read again (its new items inserted, the old ones kept)",
  withDir(async (dir) => {
    const file = join(dir, "intel.dat");
    writeFileSync(file, `${HEADER}old.example\tIntel::DOMAIN\tfeed\td\tu\n`);
    const loads = ["base/frameworks/intel"];
    const engine = new Engine({ bare: true, loads, settings: [`Intel::read_files={"${file}"}`] });
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
    const intel = intelFramework(engine, { logs: scripts.logs });
    const found: string[] = [];
    engine.on("intel_match", (s) => void found.push(s.indicator!));
    const look = () => {
      for (const d of ["old.example", "new.example"]) intel.seen({ indicator: d, indicator_type: "Intel::DOMAIN", where: "Intel::IN_ANYWHERE" });
    };
    const [first, second] = ticks(1000, 1001);
    // A live source: the file changes between two packets, with time for the reader's check (once a second).
    const source = {
      name: "slow",
      async run(sink: (raw: RawPacket) => void) {
        const deliver = (p: TestPacket) => sink({ ts: p.ts, caplen: p.bytes.length, wirelen: p.bytes.length, linktype: 1, data: p.bytes, offset: 0 });
        deliver(first!);
        look();
        // The reader's first look at the file (its baseline) is asynchronous: the change comes after it, as in a real run.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        writeFileSync(file, `${HEADER}new.example\tIntel::DOMAIN\tfeed\td\tu\n`);
        utimesSync(file, new Date(), new Date(Date.now() + 5000));
        // Until the check has seen it (at most 10 s on a busy machine).
        for (let waited = 0; intel.store.text("new.example", "Intel::DOMAIN") === undefined && waited < 10_000; waited += 100) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        deliver(second!);
        look();
        return { packets: 2, truncated: null };
      },
    };
    await engine.run(source);
    assert.deepEqual(found, ["old.example", "old.example", "new.example"]);
  }),
);
