import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, UsageError, validate } from "../../src/cli/args.js";

test("Zeek-style flags, grouped short flags and mixed positionals", () => {
  const o = parseArgs(["-Cr", "t.pcap", "-b", "base/protocols/http", "my.ts", "tcp_attempt_delay=10sec", "--json", "--logdir", "out", "-f", "tcp port 80"]);
  assert.equal(o.readFile, "t.pcap");
  assert.equal(o.ignoreChecksums, true);
  assert.equal(o.bare, true);
  assert.deepEqual(o.loads, ["base/protocols/http"]);
  assert.deepEqual(o.userScripts, ["my.ts"]);
  assert.deepEqual(o.settings, ["tcp_attempt_delay=10sec"]);
  assert.equal(o.json, true);
  assert.equal(o.logdir, "out");
  assert.equal(o.filter, "tcp port 80");
  assert.equal(o.spicy, false);
  assert.equal(parseArgs(["-r", "t.pcap", "--spicy"]).spicy, true);
});

test("attached values, --opt=value, --set and the seed file", () => {
  const o = parseArgs(["-rtrace.pcap", "--logdir=logs", "--set", "udp_inactivity_timeout=2min", "--seed-file", "seed"]);
  assert.equal(o.readFile, "trace.pcap");
  assert.equal(o.logdir, "logs");
  assert.deepEqual(o.settings, ["udp_inactivity_timeout=2min"]);
  assert.equal(o.seedFile, "seed");
});

test("Zeek script names: .zeek suffix dropped, misc and policy names kept", () => {
  const o = parseArgs(["-r", "-", "misc/event-trace", "policy/protocols/conn/mac-logging.zeek", "local"]);
  assert.equal(o.readFile, "-");
  assert.deepEqual(o.loads, ["misc/event-trace", "policy/protocols/conn/mac-logging", "local"]);
});

test("LogAscii::use_json=T is Zeek's way to ask for JSON", () => {
  assert.equal(parseArgs(["-r", "x", "LogAscii::use_json=T"]).json, true);
  assert.equal(parseArgs(["-r", "x", "redef LogAscii::use_json=T"]).json, true);
});

test("policy/tuning/json-logs, in any of its spellings, is LogAscii::use_json=T and counts as a loaded script", () => {
  for (const name of ["policy/tuning/json-logs", "tuning/json-logs", "tuning/json-logs.zeek"]) {
    const o = parseArgs(["-r", "x", name]);
    assert.equal(o.json, true, name);
    assert.deepEqual(o.loads, [name.replace(/\.zeek$/, "")]);
  }
  assert.equal(parseArgs(["-r", "x", "policy/tuning/defaults"]).json, false);
});

test("Log::default_scope_sep sets the separator of nested field names, quoted or not", () => {
  assert.equal(parseArgs(["-r", "x", 'Log::default_scope_sep="_"']).scopeSep, "_");
  assert.equal(parseArgs(["-r", "x", "redef Log::default_scope_sep=_"]).scopeSep, "_");
  assert.equal(parseArgs(["-r", "x"]).scopeSep, undefined);
});

test("Log::default_field_name_map and Log::default_ext_prefix are taken as Zeek writes their redefs; += adds to the map", () => {
  const o = parseArgs([
    "-r",
    "x",
    'Log::default_field_name_map={["id.orig_h"]="src", [ "id.resp_h" ] = "dst"}',
    'redef Log::default_field_name_map += {["uid"]="id"}',
  ]);
  assert.deepEqual(o.fieldNameMap, { "id.orig_h": "src", "id.resp_h": "dst", uid: "id" });
  assert.deepEqual(parseArgs(["-r", "x", 'Log::default_field_name_map={["a"]="b"}', 'Log::default_field_name_map={["c"]="d"}']).fieldNameMap, { c: "d" });
  assert.deepEqual(parseArgs(["-r", "x", "Log::default_field_name_map={}"]).fieldNameMap, {});
  assert.throws(() => parseArgs(["-r", "x", 'Log::default_field_name_map={["a"]=b}']), /expected entries \["old name"\]="new name", got '\["a"\]=b'/);
  assert.equal(parseArgs(["-r", "x", 'Log::default_ext_prefix="x_"']).extPrefix, "x_");
  assert.equal(parseArgs(["-r", "x", "redef Log::default_ext_prefix=ext"]).extPrefix, "ext");
});

test("LogAscii::json_timestamps takes a JSON::TimestampFormat (with or without JSON::); json_include_unset_fields a bool", () => {
  assert.equal(parseArgs(["-r", "x", "LogAscii::json_timestamps=JSON::TS_ISO8601"]).jsonTimestamps, "JSON::TS_ISO8601");
  assert.equal(parseArgs(["-r", "x", "redef LogAscii::json_timestamps=TS_MILLIS"]).jsonTimestamps, "JSON::TS_MILLIS");
  assert.throws(
    () => parseArgs(["-r", "x", "LogAscii::json_timestamps=ISO"]),
    /expected one of JSON::TS_EPOCH, JSON::TS_MILLIS, JSON::TS_MILLIS_UNSIGNED, JSON::TS_ISO8601/,
  );
  assert.equal(parseArgs(["-r", "x", "LogAscii::json_include_unset_fields=T"]).jsonIncludeUnset, true);
});

test("LogAscii's format redefs: separators (of any length) and markers with Zeek's string escapes, include_meta; an empty separator or one numbers use is refused", () => {
  const opts = parseArgs(["-r", "x", 'LogAscii::separator=","', "LogAscii::set_separator=|", 'LogAscii::unset_field="\\x2d\\x2d"', "LogAscii::include_meta=F"]);
  assert.deepEqual(opts.asciiFormat, { separator: ",", setSeparator: "|", unsetField: "--", includeMeta: false });
  assert.equal(parseArgs(["-r", "x", 'LogAscii::separator="\\t"']).asciiFormat?.separator, "\t");
  assert.equal(parseArgs(["-r", "x", 'LogAscii::meta_prefix="##"']).asciiFormat?.metaPrefix, "##");
  assert.throws(
    () => parseArgs(["-r", "x", "LogAscii::separator=."]),
    /'LogAscii::separator=\.': LogAscii::separator must be non-empty text without letters, digits/,
  );
  assert.throws(() => parseArgs(["-r", "x", 'LogAscii::set_separator=""']), /LogAscii::set_separator must be non-empty text/);
  // A literal's \x escapes are bytes, read as UTF-8 where valid; LogAscii::enable_utf_8=F escapes every non-ASCII byte.
  assert.equal(parseArgs(["-r", "x", 'LogAscii::set_separator="\\xc2\\xae"']).asciiFormat?.setSeparator, "®");
  assert.equal(parseArgs(["-r", "x", "LogAscii::enable_utf_8=F"]).asciiFormat?.utf8, false);
  // Longer separators are Zeek's too (its btest logging/ascii-escape has "||").
  assert.equal(parseArgs(["-r", "x", 'LogAscii::separator="||"', 'LogAscii::set_separator=",,"']).asciiFormat?.separator, "||");
});

test("LogAscii::gzip_level takes 0-9; LogAscii::output_to_stdout=T cannot go with -w -", () => {
  assert.equal(parseArgs(["-r", "x", "LogAscii::gzip_level=6"]).gzipLevel, 6);
  assert.throws(() => parseArgs(["-r", "x", "LogAscii::gzip_level=12"]), /the gzip level is a whole number from 0 \(no compression\) to 9/);
  assert.equal(parseArgs(["-r", "x", "redef LogAscii::output_to_stdout=T"]).logsToStdout, true);
  assert.throws(() => validate(parseArgs(["-r", "x", "-w", "-", "LogAscii::output_to_stdout=T"])), /would both write to standard output/);
});

test("help and version need no trace", () => {
  assert.equal(parseArgs(["-h"]).help, true);
  assert.equal(parseArgs(["--version"]).version, true);
  validate(parseArgs(["--help"]));
});

test("bad command lines are UsageErrors with a clear message", () => {
  assert.throws(
    () => parseArgs(["-x"]),
    (e: unknown) => e instanceof UsageError && /unknown option -x/.test(e.message),
  );
  assert.throws(() => parseArgs(["--frobnicate"]), /unknown option --frobnicate/);
  assert.throws(() => parseArgs(["-r"]), /-r needs a value/);
  assert.throws(() => parseArgs(["-r", "t", "whatever"]), /don't know what to do with 'whatever'/);
  assert.throws(() => validate(parseArgs([])), /nothing to read/);
  assert.throws(() => validate(parseArgs(["-r", "t", "-i", "eth0"])), /cannot be used together/);
});

test("live capture options: snaplen is Zeek's setting, --no-promiscuous-mode tcpdump's long option", () => {
  const o = parseArgs(["-i", "eth0", "-f", "port 53", "snaplen=1500", "--no-promiscuous-mode"]);
  assert.equal(o.iface, "eth0");
  assert.deepEqual(o.settings, ["snaplen=1500"]);
  assert.equal(o.noPromiscuous, true);
  validate(o);
  assert.equal(parseArgs(["-i", "eth0"]).noPromiscuous, false);
  assert.throws(
    () => validate(parseArgs(["-r", "t.pcap", "--no-promiscuous-mode"])),
    (e: Error) => e instanceof UsageError && /live capture/.test(e.message),
  );
  // Zeek's -s is its signature file and -p its script prefix: neither means snaplen or promiscuous here.
  assert.deepEqual(parseArgs(["-i", "eth0", "-s", "1500"]).signatureFiles, ["1500"]);
  assert.throws(() => parseArgs(["-i", "eth0", "-p"]), UsageError);
});

test("-s FILE (and --signatures FILE) is repeatable, in command-line order", () => {
  const o = parseArgs(["-r", "t.pcap", "-s", "a", "--signatures", "b.sig", "-Cs", "c", "--signatures=d"]);
  assert.deepEqual(o.signatureFiles, ["a", "b.sig", "c", "d"]);
  assert.equal(o.ignoreChecksums, true);
  assert.deepEqual(parseArgs(["-r", "t.pcap"]).signatureFiles, []);
  assert.throws(() => parseArgs(["-r", "t.pcap", "-s"]), /-s needs a value/);
});

test("Analyzer::register_for_port(Analyzer::ANALYZER_X, N/tcp) is a word of its own: the analyzer and its port", () => {
  const o = parseArgs([
    "-r",
    "t.pcap",
    "Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp)",
    "Analyzer::register_for_port(Analyzer::ANALYZER_RLOGIN,513/tcp);",
  ]);
  assert.deepEqual(o.analyzerPorts, [
    { name: "TELNET", port: 23, proto: "tcp" },
    { name: "RLOGIN", port: 513, proto: "tcp" },
  ]);
  assert.deepEqual(o.settings, []);
  assert.throws(() => parseArgs(["Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 70000/tcp)"]), UsageError);
});

test("LogAscii::gzip_file_extension, quoted or not, names the compressed logs' extension", () => {
  assert.equal(parseArgs(["-r", "x", 'LogAscii::gzip_file_extension="gzip"']).gzipExtension, "gzip");
  assert.equal(parseArgs(["-r", "x", "LogAscii::gzip_file_extension=z"]).gzipExtension, "z");
});
