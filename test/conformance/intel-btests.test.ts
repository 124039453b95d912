/**
 * Zeek's btests of the Intel framework whose scripts have code of their
 * own (handlers that insert, see and hook), replayed with the same steps as
 * a TypeScript script on bronze's framework and compared with Zeek's
 * baselines. The btest-applogs suite replays the others (the seen scripts on
 * traces). updated-match is replayed with its three files' items inserted
 * in turn (the btest moves new files in while Zeek runs; test/scripts/intel tests the rereading).
 * expire-item's live run (network time is wall-clock time there) is
 * replayed on packets a tenth of a second apart. Left out: the cluster
 * tests. The
 * path-prefix tests' directory is a temporary one: their prefixes are made
 * absolute with it where the test relies on Zeek's working directory.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import type { LogManager } from "../../src/log/manager.js";
import { type Intel, intelFramework } from "../../src/scripts/intel/framework.js";
import type { IntelItem, IntelSeen } from "../../src/scripts/intel/types.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { udpPacket } from "../session/harness.js";
import { type ZeekSource, zeekSource } from "../signatures/btest-harness.js";
import { canonicalBtestLog, zeekCut } from "./btest-applogs-harness.js";

const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): its intel btests are not replayed";
const BASELINE = "testing/btest/Baseline/scripts.base.frameworks.intel";
const HEADER = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\tmeta.url\n";

interface Run {
  readonly logs: LogManager;
  readonly printed: string[];
}

/** A `zeek -b` run without packets: `files` become Intel::read_files, `script` plays the btest's handlers. */
async function replay(
  zeek: ZeekSource,
  loads: string[],
  files: Record<string, string>,
  script: (intel: Intel, engine: Engine, print: (line: string) => void) => void,
  /** The test's own path settings, given its directory (default: the files are read from there). */
  paths?: (dir: string) => { readonly entries: readonly string[]; readonly settings: readonly string[] },
  packets: TestPacket[] = [],
  settings: readonly string[] = [],
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-intel-"));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const own = paths?.(dir) ?? { entries: Object.keys(files), settings: [`Intel::path_prefix=${dir}`] };
    const names = own.entries.map((f) => JSON.stringify(f));
    const read = names.length > 0 ? [`Intel::read_files+={${names.join(",")}}`, ...own.settings] : [];
    const seed = zeek
      .read("testing/btest/random.seed")
      .split(/\s+/)
      .filter((w) => w !== "")
      .map(Number);
    const engine = new Engine({ bare: true, loads, seed, settings: [...read, ...settings] });
    const scripts = loadBuiltinScripts(engine, { memory: true, bare: true, loads, stderr: null });
    const intel = intelFramework(engine, { logs: scripts.logs, info: (m) => scripts.reporter.info(m) });
    const printed: string[] = [];
    script(intel, engine, (line) => printed.push(line));
    await engine.run(memorySource(packets));
    return { logs: scripts.logs, printed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A log as btest compares it; bronze's rows start at network time 0, masked as Zeek's times are. */
function canonical(text: string): string {
  return canonicalBtestLog(
    text
      .split("\n")
      .map((l) => (l === "" || l.startsWith("#") ? l : l.replace(/^[^\t]*/, "XXXXXXXXXX.XXXXXX")))
      .join("\n"),
  );
}

/** The first part of a baseline (a log's text up to its #close, when the test appended its stdout). */
function logPart(baseline: string): string {
  return canonicalBtestLog(baseline.split(/^#close.*$/m)[0]!);
}

const seenAt =
  (where: string) =>
  (s: Omit<IntelSeen, "where">): IntelSeen => ({ ...s, where });

test("Zeek's intel btests with code of their own, as TypeScript: the logs are Zeek's baselines", async (t) => {
  const zeek = zeekSource();
  if (zeek === null) return t.skip(NO_SOURCE);
  const somewhere = seenAt("SOMEWHERE");

  await t.test("input-and-match: a file's ADDR (twice) and EMAIL items, both seen", async () => {
    const file = `${HEADER}1.2.3.4\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1234
1.2.3.4\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1234
e@mail.com\tIntel::EMAIL\tsource1\tPhishing email source\thttp://some-data-distributor.com/100000
`;
    const run = await replay(zeek, ["base/frameworks/intel"], { "intel.dat": file }, (intel, engine) => {
      engine.on("zeek_init", () => {
        intel.seen(somewhere({ indicator: "e@mail.com", indicator_type: "Intel::EMAIL" }));
        intel.seen(somewhere({ host: "1.2.3.4" }));
      });
    });
    assert.equal(canonical(run.logs.text("intel")), canonicalBtestLog(zeek.read(`${BASELINE}.input-and-match/zeekproc.intel.log`)));
  });

  await t.test("match-subnet: an address matches its ADDR item and every subnet holding it", async () => {
    const file = `${HEADER}192.168.1.1\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1
192.168.2.0/24\tIntel::SUBNET\tsource1\tthis subnetwork is just plain baaad\thttp://some-data-distributor.com/2
192.168.142.1\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/3
192.168.142.0/24\tIntel::SUBNET\tsource1\tthis subnetwork is baaad\thttp://some-data-distributor.com/4
192.168.142.0/26\tIntel::SUBNET\tsource1\tthis subnetwork is inside\thttp://some-data-distributor.com/4
192.168.128.0/18\tIntel::SUBNET\tsource1\tthis subnetwork might be baaad\thttp://some-data-distributor.com/5
`;
    const run = await replay(zeek, ["base/frameworks/intel"], { "intel.dat": file }, (intel, engine, print) => {
      engine.on("zeek_init", () => {
        for (const host of ["192.168.1.1", "192.168.2.1", "192.168.142.1"]) intel.seen(somewhere({ host }));
      });
      engine.on("intel_match", (_s, items) => print(items.map((i: IntelItem) => i.indicator).join(" ")));
    });
    const baseline = zeek.read(`${BASELINE}.match-subnet/output`);
    assert.equal(canonical(run.logs.text("intel")), logPart(baseline));
    // The items Zeek printed for each match (Item: [indicator=…), in its order.
    const printedItems = baseline
      .split(/\nSeen: /)
      .slice(1)
      .map((block) => [...block.matchAll(/^Item: \[indicator=([^,]+),/gm)].map((m) => m[1]).join(" "));
    assert.deepEqual(run.printed, printedItems);
  });

  await t.test("filter-item: a filter_item handler keeps the local address out", async () => {
    const file = `${HEADER}1.2.3.42\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1234
10.0.0.1\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1234
`;
    const run = await replay(zeek, ["base/frameworks/intel"], { "intel.dat": file }, (intel, engine) => {
      intel.onFilterItem((item) => !(item.indicator_type === "Intel::ADDR" && item.indicator.startsWith("10.")));
      engine.on("zeek_init", () => {
        intel.seen(somewhere({ host: "10.0.0.1" }));
        intel.seen(somewhere({ host: "1.2.3.42" }));
      });
    });
    assert.equal(canonical(run.logs.text("intel")), canonicalBtestLog(zeek.read(`${BASELINE}.filter-item/zeekproc.intel.log`)));
  });

  await t.test("remove-non-existing: removing an absent item is one Reporter::info, an absent source nothing", async () => {
    const file = `${HEADER}192.168.1.1\tIntel::ADDR\tsource1\tthis host is just plain baaad\thttp://some-data-distributor.com/1\n`;
    const run = await replay(zeek, ["base/frameworks/intel", "base/frameworks/reporter"], { "intel.dat": file }, (intel, engine) => {
      engine.on("zeek_init", () => {
        const item = (source: string): IntelItem => ({ indicator: "192.168.1.1", indicator_type: "Intel::ADDR", meta: { source } });
        intel.remove(item("source23"));
        intel.remove(item("source1"));
        intel.remove(item("source1"));
      });
    });
    const messages = (text: string) => zeekCut(text, ["level", "message"], false).split("\n");
    // Zeek's location (main.zeek's lines) and the termination row of its live run are its own.
    const expected = messages(zeek.read(`${BASELINE}.remove-non-existing/output`).replace(/^### .*\n/, "")).filter((l) => !l.includes("termination"));
    assert.deepEqual(messages(run.logs.text("reporter")), expected);
  });

  await t.test("seen-policy: seen_policy runs for every seen, found or not; breaking it suppresses the match", async () => {
    const run = await replay(zeek, ["base/frameworks/intel"], {}, (intel, engine, print) => {
      intel.onSeenPolicy((s, found) => {
        print(`Intel::seen_policy, ${s.indicator}, ${s.indicator_type}, found, ${found ? "T" : "F"}`);
        return s.indicator !== "zeek.org";
      });
      engine.on("intel_match", (s) => print(`Intel::match, ${s.indicator}, ${s.indicator_type}`));
      engine.on("zeek_init", () => {
        const meta = { source: "btest" };
        intel.insert({ indicator: "example.com", indicator_type: "Intel::DOMAIN", meta });
        intel.insert({ indicator: "zeek.org", indicator_type: "Intel::DOMAIN", meta });
        intel.insert({ indicator: "root", indicator_type: "Intel::USER_NAME", meta });
        const anywhere = seenAt("Intel::IN_ANYWHERE");
        for (const [indicator, type] of [
          ["example.com", "Intel::DOMAIN"],
          ["zeek.org", "Intel::DOMAIN"],
          ["domain.de", "Intel::DOMAIN"],
          ["nobody", "Intel::USER_NAME"],
          ["root", "Intel::USER_NAME"],
        ] as const)
          intel.seen(anywhere({ indicator, indicator_type: type }));
      });
    });
    const cut = zeekCut(run.logs.text("intel"), ["seen.indicator", "seen.indicator_type", "seen.where", "seen.node"], true);
    assert.equal(cut, canonicalBtestLog(zeek.read(`${BASELINE}.seen-policy/intel.log`)));
    assert.deepEqual(run.printed, canonicalBtestLog(zeek.read(`${BASELINE}.seen-policy/output`)).split("\n"));
  });

  await t.test("path-prefix: Intel::path_prefix, then InputAscii::path_prefix, in front of relative entries (Intel::new_item)", async () => {
    const cases = [
      ["no-paths", "127.0.0.1", "test.data", () => []],
      // The test's absolute Intel::path_prefix overrides its InputAscii::path_prefix.
      [
        "input-intel-absolute-prefixes",
        "127.0.2.1",
        "intel/test.data",
        (dir: string) => [`Intel::path_prefix=${dir}/intel`, 'InputAscii::path_prefix="/this/does/not/exist"'],
      ],
      ["input-prefix", "127.0.0.1", "alternative/test.data", (dir: string) => [`InputAscii::path_prefix=${dir}/alternative`]],
      [
        "input-intel-relative-prefixes",
        "127.0.1.1",
        "input/intel/test.data",
        (dir: string) => ["Intel::path_prefix=intel", `InputAscii::path_prefix=${dir}/input`],
      ],
    ] as const;
    for (const [name, first, path, settings] of cases) {
      const addrs = [1, 2, 3].map((i) => first.replace(/1$/, String(i)));
      const file = `#fields\tindicator\tindicator_type\tmeta.source\n${addrs.map((a) => `${a}\tIntel::ADDR\tthis btest`).join("\n")} \n`;
      const paths = (dir: string) => ({ entries: [name === "no-paths" ? join(dir, "test.data") : "test.data"], settings: settings(dir) });
      const run = await replay(
        zeek,
        ["base/frameworks/intel"],
        { [path]: file },
        (_intel, engine, print) => {
          engine.on("intel_new_item", (item) => print(`${item.indicator} ${item.indicator_type}`));
        },
        paths,
      );
      assert.deepEqual(run.printed, canonicalBtestLog(zeek.read(`${BASELINE}.path-prefix.${name}/output`)).split("\n"), name);
    }
  });

  await t.test("updated-match: a second source adds to an indicator, a third file's do_notice raises notices", async () => {
    const files = [
      [["1.2.3.4", "source1", "F"]],
      [
        ["1.2.3.4", "source2", "F"],
        ["4.3.2.1", "source2", "F"],
      ],
      [
        ["1.2.3.4", "source2", "T"],
        ["4.3.2.1", "source2", "T"],
      ],
    ] as const;
    const run = await replay(zeek, ["frameworks/intel/do_notice"], {}, (intel, engine) => {
      engine.on("zeek_init", () => {
        for (const lines of files) {
          for (const [indicator, source, notice] of lines)
            intel.insert({ indicator, indicator_type: "Intel::ADDR", meta: { source, do_notice: notice === "T" } });
          intel.seen(somewhere({ host: "1.2.3.4" }));
          intel.seen(somewhere({ host: "4.3.2.1" }));
        }
      });
    });
    const [intelPart, noticePart] = zeek.read(`${BASELINE}.updated-match/output`).split(/^#close.*$/m);
    assert.equal(canonical(run.logs.text("intel")), canonicalBtestLog(intelPart!));
    assert.equal(canonical(run.logs.text("notice")), canonicalBtestLog(noticePart!));
  });

  await t.test("expire-item: do_expire removes items not inserted again within Intel::item_expiration", async () => {
    const file = `${HEADER}1.2.3.4\tIntel::ADDR\tsource1\tthis host is bad\thttp://some-data-distributor.com/1
192.168.0.0/16\tIntel::SUBNET\tsource1\tthis network is bad\thttp://some-data-distributor.com/2
`;
    // Network time moves on as in Zeek's live run: a packet every tenth of a second for 16 seconds.
    const packets = Array.from({ length: 161 }, (_, i) => udpPacket(1000 + i / 10, "10.9.9.9", 1000, "10.9.9.8", 2000, "x"));
    const expiry = 9;
    const run = await replay(
      zeek,
      ["frameworks/intel/do_expire"],
      { "intel.dat": file },
      (intel, engine, print) => {
        let runs = 0;
        let start = 0;
        let expired = 0;
        const doIt = (): void => {
          runs++;
          print(`-- Run ${runs} --`);
          print("Seen: 1.2.3.4");
          intel.seen(somewhere({ host: "1.2.3.4" }));
          if (runs === 4) engine.scheduleEvent(engine.clock.now + 1, doIt);
        };
        engine.on("intel_match", (s) => print(`Match: ${s.indicator}`));
        intel.onItemExpired((indicator) => {
          expired++;
          print(expired === 2 ? `Expired: ${indicator} (took longer: ${engine.clock.now - start > expiry + 2 ? "T" : "F"})` : `Expired: ${indicator}`);
          engine.scheduleEvent(engine.clock.now, doIt);
        });
        // The entries are read when network time starts (the first packet); three seconds on, 1.2.3.4 comes again from source2.
        engine.schedule(0, (now) => {
          start = now;
          engine.scheduleEvent(now, doIt);
          engine.scheduleEvent(now + 3, () => {
            intel.insert({
              indicator: "1.2.3.4",
              indicator_type: "Intel::ADDR",
              meta: { source: "source2", desc: "this host is still bad", url: "http://some-data-distributor.com/2" },
            });
            doIt();
          });
        });
      },
      undefined,
      packets,
      [`Intel::item_expiration=${expiry}sec`, "table_expire_interval=0.2sec"],
    );
    const [intelPart, stdout] = zeek.read(`${BASELINE}.expire-item/output`).split(/^#close.*$/m);
    assert.equal(canonical(run.logs.text("intel")), canonicalBtestLog(intelPart!));
    assert.deepEqual(run.printed, stdout!.trim().split("\n"));
  });

  await t.test("policy notice: do_notice's Intel::Notice where if_in allows", async () => {
    const run = await replay(zeek, ["frameworks/intel/do_notice", "frameworks/intel/seen/where-locations"], {}, (intel, engine) => {
      engine.on("zeek_init", () => {
        const insert = (indicator: string, ifIn?: string) =>
          intel.insert({
            indicator,
            indicator_type: "Intel::ADDR",
            meta: { source: "source1", do_notice: true, ...(ifIn === undefined ? {} : { if_in: ifIn }) },
          });
        insert("10.0.0.1", "Conn::IN_ORIG");
        insert("10.0.0.2", "Intel::IN_ANYWHERE");
        insert("10.0.0.3");
        intel.seen({ host: "10.0.0.1", where: "Conn::IN_ORIG" });
        intel.seen({ host: "10.0.0.2", where: "Conn::IN_RESP" });
        intel.seen({ host: "10.0.0.3", where: "Conn::IN_RESP" });
        intel.seen({ host: "192.168.1.23", where: "Conn::IN_RESP" });
      });
    });
    assert.equal(canonical(run.logs.text("notice")), canonicalBtestLog(zeek.read("testing/btest/Baseline/scripts.policy.frameworks.intel.notice/notice.log")));
  });

  await t.test("policy removal: an item marked remove takes the indicator out", async () => {
    const file = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.remove\n10.0.0.1\tIntel::ADDR\tsource1\tT\n10.0.0.2\tIntel::ADDR\tsource1\tF\n";
    const run = await replay(zeek, ["frameworks/intel/removal"], { "intel.dat": file }, (intel, engine) => {
      // The btest's own filter (non-local addresses out) keeps both 10/8 items.
      const seenBoth = () => {
        intel.seen(somewhere({ host: "10.0.0.1" }));
        intel.seen(somewhere({ host: "10.0.0.2" }));
      };
      // Zeek's zeek_init inserts and sees both before the file's lines arrive; then both are seen again.
      engine.on(
        "zeek_init",
        () => {
          intel.insert({ indicator: "10.0.0.1", indicator_type: "Intel::ADDR", meta: { source: "source1" } });
          intel.insert({ indicator: "10.0.0.2", indicator_type: "Intel::ADDR", meta: { source: "source1" } });
          seenBoth();
        },
        { priority: 10 },
      );
      engine.on("zeek_init", seenBoth);
    });
    assert.equal(
      canonical(run.logs.text("intel")),
      canonicalBtestLog(zeek.read("testing/btest/Baseline/scripts.policy.frameworks.intel.removal/zeekproc.intel.log")),
    );
  });
});
