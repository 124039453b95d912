/**
 * The btest-applogs suite's reading of btests (btest-applogs-parse.ts), on
 * btest texts written here in the shape of Zeek's: several runs in one
 * directory, settings on the command line, the test's own files, and the
 * commands that move and compare logs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAppBtest, shellWords } from "./btest-applogs-parse.js";

const MULTI_RUN = `# Logs of two runs, the second's own file not replayed
# @TEST-EXEC: zeek -b -r $TRACES/wikipedia.pcap %INPUT "Site::local_nets += { 10.0.0.0/8 }" policy/protocols/conn/mac-logging
# @TEST-EXEC: mv conn.log conn-first.log
# @TEST-EXEC: btest-diff conn-first.log
# @TEST-EXEC: zeek -C -r $TRACES/wikipedia.pcap %INPUT extra.zeek
# @TEST-EXEC: test '!' -e weird.log
# @TEST-EXEC: cat conn.log >> all.log
# @TEST-EXEC: cat all.log | $SCRIPTS/diff-remove-timestamps > masked.log
# @TEST-EXEC: TEST_DIFF_CANONIFIER=$SCRIPTS/diff-sort btest-diff-cut -m uid service masked.log
# @TEST-EXEC: btest-diff .stdout

redef Cluster::default_store_dir = ".";
@load base/protocols/http
redef HTTP::default_capture_password = T;

# @TEST-START-FILE extra.zeek
event zeek_init() { print "not a load line"; }
# @TEST-END-FILE
`;

test("a btest of several runs: each run's flags, trace, scripts and settings, and the commands between them in order", () => {
  const t = parseAppBtest("scripts.policy.example", MULTI_RUN);
  assert.ok(t !== null);
  assert.deepEqual(t.loads, ["base/protocols/http"]);
  assert.deepEqual(t.settings, ["HTTP::default_capture_password = T"], "the inert redef (a store directory) is left out");
  assert.deepEqual(
    t.steps.map((s) => s.kind),
    ["zeek", "move", "compare", "zeek", "compare", "cat", "cat", "compare", "ignored"],
  );
  const [first, , , second] = t.steps;
  assert.deepEqual(first, {
    kind: "zeek",
    run: {
      bare: true,
      ignoreChecksums: false,
      trace: "wikipedia.pcap",
      input: true,
      loads: ["policy/protocols/conn/mac-logging"],
      settings: ["Site::local_nets += { 10.0.0.0/8 }"],
      ownFiles: [],
    },
  });
  assert.ok(second?.kind === "zeek" && second.run.ignoreChecksums && !second.run.bare);
  assert.deepEqual(second.run.ownFiles, ["extra.zeek"], "the test's own file makes the run one not replayed");
  assert.deepEqual(t.steps[4], { kind: "compare", log: { log: "weird.log", cut: null, names: false, absent: true } });
  assert.deepEqual(t.steps[5], { kind: "cat", from: ["conn.log"], to: "all.log", append: true, masked: false });
  assert.deepEqual(t.steps[6], { kind: "cat", from: ["all.log"], to: "masked.log", append: false, masked: true });
  assert.deepEqual(t.steps[7], { kind: "compare", log: { log: "masked.log", cut: ["uid", "service"], names: true, canonifier: "diff-sort" } });
});

test("a btest is left out for a command, a setting, a canonifier or a script line the suite cannot replay", () => {
  const base = "# @TEST-EXEC: zeek -b -r $TRACES/x.pcap %INPUT\n# @TEST-EXEC: btest-diff conn.log\n";
  assert.ok(parseAppBtest("ok", base) !== null);
  assert.equal(parseAppBtest("grep", `${base}# @TEST-EXEC: grep foo conn.log\n`), null);
  assert.equal(parseAppBtest("setting", base.replace("%INPUT", "%INPUT No::such_setting=T")), null);
  assert.equal(parseAppBtest("appended output", base.replace("%INPUT", "%INPUT >>out")), null);
  assert.equal(parseAppBtest("canonifier", base.replace("btest-diff", "TEST_DIFF_CANONIFIER=$SCRIPTS/diff-remove-abspath btest-diff")), null);
  assert.equal(parseAppBtest("fail", base.replace("EXEC:", "EXEC-FAIL:")), null);
  assert.equal(parseAppBtest("script", `${base}event zeek_init() { }\n`), null);
  assert.equal(parseAppBtest("no comparison", "# @TEST-EXEC: zeek -b -r $TRACES/x.pcap %INPUT\n"), null);
});

test("what zeek prints (>output, 2>err) is no log: the run is replayed, a comparison of those files left out", () => {
  const t = parseAppBtest(
    "printed",
    "# @TEST-EXEC: zeek -b -r $TRACES/x.pcap %INPUT >output 2>x.err\n# @TEST-EXEC: btest-diff output\n# @TEST-EXEC: btest-diff x.err\n# @TEST-EXEC: btest-diff conn.log\n",
  );
  const run = t?.steps[0];
  assert.ok(run?.kind === "zeek");
  assert.deepEqual(run.run.outputs, ["output", "x.err"]);
  assert.deepEqual(run.run.loads, [], "the 2 of 2> is no script");
  assert.deepEqual(t?.steps.slice(1), [{ kind: "ignored" }, { kind: "ignored" }, { kind: "compare", log: { log: "conn.log", cut: null, names: false } }]);
});

test("echo into a file: the line of words joined by spaces, written or appended; an echo with options is not replayed", () => {
  const run = "# @TEST-EXEC: zeek -b -r $TRACES/x.pcap %INPUT\n";
  const t = parseAppBtest("echo", `${run}# @TEST-EXEC: echo "#file x.pcap" > all.log\n# @TEST-EXEC: echo a  b >> all.log\n# @TEST-EXEC: btest-diff all.log\n`);
  assert.deepEqual(t?.steps.slice(1, 3), [
    { kind: "echo", text: "#file x.pcap\n", to: "all.log", append: false },
    { kind: "echo", text: "a b\n", to: "all.log", append: true },
  ]);
  assert.equal(parseAppBtest("echo -n", `${run}# @TEST-EXEC: echo -n x > all.log\n# @TEST-EXEC: btest-diff all.log\n`), null);
  assert.equal(parseAppBtest("echo to stdout", `${run}# @TEST-EXEC: echo x\n# @TEST-EXEC: btest-diff conn.log\n`), null);
});

test("a btest in several parts is replayed on its first part", () => {
  const t = parseAppBtest("parts", "# @TEST-EXEC: zeek -r $TRACES/x.pcap %INPUT\n# @TEST-EXEC: btest-diff conn.log\n@load a\n# @TEST-START-NEXT\n@load b\n");
  assert.deepEqual(t?.loads, ["a"]);
});

test("shell words: quotes joined and removed, redirections and pipes words of their own", () => {
  assert.deepEqual(shellWords(`zeek "A = B" 'x'y c>>d`), ["zeek", "A = B", "xy", "c", "\0>>", "d"]);
  assert.deepEqual(shellWords(`cat a | b > ">"`), ["cat", "a", "\0|", "b", "\0>", ">"]);
  assert.equal(shellWords(`echo "open`), null);
});

const INTEL_SEEN = `# @TEST-EXEC: zeek -b -Cr $TRACES/tls/ecdsa-cert.pcap %INPUT
# @TEST-EXEC: btest-diff intel.log

# @TEST-START-FILE intel.dat
#fields	indicator	indicator_type	meta.source
www.pantz.org	Intel::DOMAIN	source1
# @TEST-END-FILE

@load frameworks/intel/seen
redef Intel::read_files += {
	"intel.dat",
};
global files_read = 0;

event zeek_init()
	{
	suspend_processing();
	}

event Input::end_of_data(name: string, source: string)
	{
	if ( /^intel-/ in name && (++files_read == 1) )
		continue_processing();
	}

event SMTP::log_smtp(rec: SMTP::Info)
	{
	for ( adr in rec$to )
		print fmt("Addr: '%s'", adr);
	}
`;

test("handlers that only wait for input files or print are left out, a redef may span lines, -Cr is -C -r, own files are kept", () => {
  const t = parseAppBtest("scripts.policy.frameworks.intel.example", INTEL_SEEN);
  assert.ok(t !== null);
  assert.deepEqual(t.settings, ['Intel::read_files += { "intel.dat", }']);
  assert.deepEqual(t.files.get("intel.dat"), "#fields\tindicator\tindicator_type\tmeta.source\nwww.pantz.org\tIntel::DOMAIN\tsource1\n");
  const run = t.steps[0];
  assert.ok(run?.kind === "zeek" && run.run.ignoreChecksums && run.run.bare && run.run.trace === "tls/ecdsa-cert.pcap");
  // A statement of any other kind keeps the test out, and so does a handler given a connection (Zeek builds its record, drawing a uid).
  assert.equal(parseAppBtest("x", INTEL_SEEN.replace("continue_processing();", "Intel::insert(item);")), null);
  assert.equal(parseAppBtest("x", INTEL_SEEN.replace("event SMTP::log_smtp(rec: SMTP::Info)", "event smtp_reply(c: connection)")), null);
});

test("a trace piped in through zcat, and a zeek_init handler of register_for_port calls only, are replayed", () => {
  const text = `# @TEST-EXEC: zcat <$TRACES/contentline/x.pcapng.gz | zeek -b -r - %INPUT
# @TEST-EXEC: btest-diff-cut -m weird.log
@load base/protocols/conn

event zeek_init()
	{
	Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp);
	Analyzer::register_for_port(Analyzer::ANALYZER_RSH, 514/tcp);
	}
`;
  const t = parseAppBtest("piped", text);
  assert.ok(t !== null);
  assert.deepEqual(t.calls, ["Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp)", "Analyzer::register_for_port(Analyzer::ANALYZER_RSH, 514/tcp)"]);
  const [run] = t.steps;
  assert.ok(run?.kind === "zeek" && run.run.trace === "contentline/x.pcapng.gz" && run.run.bare);
  assert.equal(parseAppBtest("other statement", text.replace("Analyzer::register_for_port(Analyzer::ANALYZER_RSH, 514/tcp);", 'print "x";')), null);
  assert.equal(parseAppBtest("piped from elsewhere", text.replace("<$TRACES/", "</tmp/")), null);
});

test("zeek-cut into a file of the test's own: a cut step, and btest-diff of that file compares it; other zeek-cut options are not replayed", () => {
  const text = `# @TEST-EXEC: zeek -b -r $TRACES/http/get.pcap %INPUT
# @TEST-EXEC: zeek-cut -m id.orig_h community_id < conn.log > conn.log.cut
# @TEST-EXEC: zeek-cut uid ssl_history <ssl.log >ssl-default.log
# @TEST-EXEC: btest-diff conn.log.cut
# @TEST-EXEC: btest-diff ssl-default.log
@load protocols/conn/community-id-logging
`;
  const t = parseAppBtest("cut", text);
  assert.ok(t !== null);
  assert.deepEqual(t.steps.slice(1), [
    { kind: "cut", from: "conn.log", to: "conn.log.cut", columns: ["id.orig_h", "community_id"], names: true },
    { kind: "cut", from: "ssl.log", to: "ssl-default.log", columns: ["uid", "ssl_history"], names: false },
    { kind: "compare", log: { log: "conn.log.cut", cut: null, names: false } },
    { kind: "compare", log: { log: "ssl-default.log", cut: null, names: false } },
  ]);
  assert.equal(parseAppBtest("a separator", text.replace("zeek-cut -m id.orig_h", "zeek-cut -m -F'|' id.orig_h")), null);
  assert.equal(parseAppBtest("piped on", text.replace("< conn.log > conn.log.cut", "< conn.log | sort > conn.log.cut")), null);
  assert.equal(parseAppBtest("a file no command wrote", text.replace("btest-diff conn.log.cut", "btest-diff other.cut")), null);
});

test("&& chains, `! test -f`, `test -f`, touch, -f FILTER, `zcat < TRACE`, @load-sigs and own files of @load lines only are replayed", () => {
  const text = `# @TEST-EXEC: touch weird.log
# @TEST-EXEC: zcat < $TRACES/ssh/x.pcap.gz | zeek -b -f 'port 22' -r - ./common.zeek %INPUT && mv conn.log conn-1.log
# @TEST-EXEC: ! test -f analyzer.log
# @TEST-EXEC: test -f ssl.log
# @TEST-EXEC: btest-diff conn-1.log
@load-sigs base/protocols/xmpp/dpd.sig
redef SSH::max_packet_length = 0;
# @TEST-START-NEXT
redef SSH::max_packet_length = 1000;

# @TEST-START-FILE common.zeek
# Loads only
@load base/protocols/ssh
# @TEST-END-FILE
`;
  const t = parseAppBtest("shapes", text);
  assert.ok(t !== null);
  assert.deepEqual(
    t.steps.map((s) => s.kind),
    ["touch", "zeek", "move", "compare", "compare", "compare"],
  );
  const run = t.steps[1];
  assert.ok(run?.kind === "zeek");
  assert.equal(run.run.filter, "port 22");
  assert.equal(run.run.trace, "ssh/x.pcap.gz");
  assert.deepEqual(run.run.loads, ["base/protocols/ssh"], "the own file (in the test's last part) is its @load lines");
  assert.deepEqual(run.run.ownFiles, []);
  assert.deepEqual(t.signatures, ["base/protocols/xmpp/dpd.sig"]);
  assert.deepEqual(t.steps[3], { kind: "compare", log: { log: "analyzer.log", cut: null, names: false, absent: true } });
  assert.deepEqual(t.steps[4], { kind: "compare", log: { log: "ssl.log", cut: null, names: false, present: true } });
  const scripted = parseAppBtest("own file with a handler", text.replace("@load base/protocols/ssh", "event zeek_init() { }"));
  assert.ok(scripted !== null);
  const other = scripted.steps[1];
  assert.ok(other?.kind === "zeek");
  assert.deepEqual(other.run.ownFiles, ["./common.zeek"], "a file with more than loads is not replayed");
});
