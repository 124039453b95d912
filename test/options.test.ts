import assert from "node:assert/strict";
import { test } from "node:test";
import { applySetting, defaultSettings, policyScriptLoaded, withScriptRedefs } from "../src/options.js";

test("policy scripts are found however the command line spells them, and only those", () => {
  const script = "protocols/conn/vlan-logging";
  for (const spelling of [script, `policy/${script}`, `${script}.zeek`, `policy/${script}.bro`, `${script}/main`, `policy/${script}/__load__.zeek`]) {
    assert.ok(policyScriptLoaded(["base/protocols/conn", spelling], script), spelling);
  }
  for (const other of ["protocols/conn/mac-logging", "base/protocols/conn", "policy/protocols/conn/vlan-logging-extra", "vlan-logging"]) {
    assert.ok(!policyScriptLoaded([other], script), other);
  }
});

test("`name += { … }` adds to a set setting (Zeek's redef); other settings take only `=`", () => {
  const s = defaultSettings();
  applySetting(s, "ignore_checksums_nets += {10.0.0.0/8}");
  applySetting(s, "redef ignore_checksums_nets += { 192.168.0.0/16, 2001:db8::/32 }");
  assert.equal(s.ignore_checksums_nets?.length, 3);
  applySetting(s, "ignore_checksums_nets = {172.16.0.0/12}");
  assert.equal(s.ignore_checksums_nets?.length, 1);
  // Site::local_nets starts from its default, the private address space.
  applySetting(s, "Site::local_nets += {203.0.114.0/24}");
  assert.ok((s.site_local_nets?.length ?? 0) > 10);
  const ports = defaultSettings().tcp_content_delivery_ports_orig.size;
  applySetting(s, "tcp_content_delivery_ports_orig += {8443/tcp}");
  assert.equal(s.tcp_content_delivery_ports_orig.size, ports + 1);
  assert.throws(() => applySetting(s, "tcp_attempt_delay += 5sec"), /not a set/);
});

test("string settings take a Zeek string literal (escapes undone) or the bare text a command line gives", () => {
  const s = defaultSettings();
  applySetting(s, 'log_rotate_base_time="12:00"');
  assert.equal(s.log_rotate_base_time, "12:00");
  applySetting(s, "Log::default_rotation_postprocessor_cmd=gzip -9");
  assert.equal(s["Log::default_rotation_postprocessor_cmd"], "gzip -9");
  applySetting(s, 'redef Log::default_rotation_postprocessor_cmd = "echo \\"rotated\\"";');
  assert.equal(s["Log::default_rotation_postprocessor_cmd"], 'echo "rotated"');
  applySetting(s, "Log::default_rotation_interval=1hr");
  assert.equal(s["Log::default_rotation_interval"], 3600);
  assert.throws(() => applySetting(s, 'log_rotate_base_time="12:00'), /not a string: "12:00 \(write "text"\)/);
  assert.throws(() => applySetting(s, 'log_rotate_base_time+="x"'), /log_rotate_base_time is not a set/);
});

test("log_rotate_base_time is checked when set, not at the first rotation", () => {
  assert.throws(() => applySetting(defaultSettings(), "log_rotate_base_time=25:61"), /log_rotate_base_time: not a time of day \(H:MM\): "25:61"/);
  const s = defaultSettings();
  applySetting(s, 'log_rotate_base_time=""');
  assert.equal(s.log_rotate_base_time, "");
});

test("set[string] settings take Zeek's set literal, += adds to it and -= takes out of it", () => {
  const s = defaultSettings();
  assert.ok(s["FTP::logged_commands"].has("RETR") && !s["FTP::logged_commands"].has("USER"), "Zeek's default: transfers, not logins");
  applySetting(s, 'redef FTP::logged_commands += { "USER", "PASS" };');
  assert.ok(s["FTP::logged_commands"].has("USER") && s["FTP::logged_commands"].has("RETR"));
  applySetting(s, 'FTP::logged_commands-={"RETR"}');
  assert.ok(!s["FTP::logged_commands"].has("RETR") && s["FTP::logged_commands"].has("PASS"));
  applySetting(s, 'FTP::logged_commands={ "a\\"b" }');
  assert.deepEqual([...s["FTP::logged_commands"]], ['a"b']);
  assert.throws(() => applySetting(s, "FTP::logged_commands={ USER }"), /not a set of strings/);
  assert.throws(() => applySetting(s, 'site_local_nets-={"x"}'), /-= takes values out of a set of strings or names only/);
  assert.throws(() => applySetting(s, "HTTP::default_capture_password-=T"), /is not a set/);
});

test("set[enum] settings take Zeek's enum names, with or without their module, and refuse others", () => {
  const s = defaultSettings();
  assert.ok(!s["SMB::logged_file_actions"].has("FILE_READ"));
  applySetting(s, "redef SMB::logged_file_actions += { SMB::FILE_READ, FILE_WRITE };");
  assert.ok(
    s["SMB::logged_file_actions"].has("FILE_READ") && s["SMB::logged_file_actions"].has("FILE_WRITE") && s["SMB::logged_file_actions"].has("FILE_OPEN"),
  );
  applySetting(s, "SMB::logged_file_actions-={SMB::FILE_OPEN}");
  assert.ok(!s["SMB::logged_file_actions"].has("FILE_OPEN"));
  assert.throws(() => applySetting(s, "SMB::logged_file_actions={SMB::FILE_EAT}"), /"SMB::FILE_EAT" is not one of SMB::logged_file_actions's values/);
  applySetting(s, "DPD::ignore_violations += { Analyzer::ANALYZER_SMB }");
  assert.deepEqual([...s["DPD::ignore_violations"]], ["ANALYZER_SMB"]);
  assert.throws(() => applySetting(s, "DPD::ignore_violations+={Analyzer::ANALYZER_FOO}"), /ANALYZER_FOO" is not one of .*\(\d+ names\)/);
});

test("a set setting's redefs are replayed over what bronze's scripts add, as Zeek applies command-line redefs last", () => {
  const adds = ["ANALYZER_NTLM", "ANALYZER_DCE_RPC"];
  const cleared = defaultSettings();
  applySetting(cleared, "DPD::ignore_violations = {}");
  assert.deepEqual([...withScriptRedefs(cleared, "DPD::ignore_violations", adds)], []);
  const edited = defaultSettings();
  applySetting(edited, "DPD::ignore_violations += { Analyzer::ANALYZER_SMB }");
  applySetting(edited, "DPD::ignore_violations -= { Analyzer::ANALYZER_NTLM }");
  assert.deepEqual([...withScriptRedefs(edited, "DPD::ignore_violations", adds)], ["ANALYZER_DCE_RPC", "ANALYZER_SMB"]);
  // An object set without applySetting (a library user's): added to the scripts' values.
  const direct = { ...defaultSettings(), "DPD::ignore_violations": new Set(["ANALYZER_SMB"]) };
  assert.deepEqual([...withScriptRedefs(direct, "DPD::ignore_violations", adds)], [...adds, "ANALYZER_SMB"]);
});

test("double settings take a decimal number", () => {
  const s = defaultSettings();
  applySetting(s, "SSH::password_guesses_limit=10");
  applySetting(s, "HTTP::sqli_requests_threshold=2.5");
  assert.equal(s["SSH::password_guesses_limit"], 10);
  assert.equal(s["HTTP::sqli_requests_threshold"], 2.5);
  assert.throws(() => applySetting(s, "FTP::bruteforce_threshold=ten"), /not a double: "ten"/);
});

test("enum settings take one of the enum's names (Known::host_tracking: Zeek's global Host enum) and refuse others", () => {
  const s = defaultSettings();
  assert.equal(s["Known::host_tracking"], "LOCAL_HOSTS");
  applySetting(s, "Known::host_tracking=ALL_HOSTS");
  applySetting(s, "redef Known::service_tracking = REMOTE_HOSTS;");
  assert.deepEqual([s["Known::host_tracking"], s["Known::service_tracking"]], ["ALL_HOSTS", "REMOTE_HOSTS"]);
  assert.throws(
    () => applySetting(s, "Known::host_tracking=SOME_HOSTS"),
    /"SOME_HOSTS" is not one of Known::host_tracking's values \(LOCAL_HOSTS, REMOTE_HOSTS, ALL_HOSTS, NO_HOSTS\)/,
  );
  assert.throws(() => applySetting(s, "Known::host_tracking+={ALL_HOSTS}"), /not a set/);
});

test("HTTP::upgrade_analyzers: websocket by default; += adds a protocol's analyzer, = replaces the table; unknown analyzers are refused", () => {
  const s = defaultSettings();
  assert.deepEqual([...s["HTTP::upgrade_analyzers"]], [["websocket", "WEBSOCKET"]]);
  applySetting(s, 'HTTP::upgrade_analyzers+={["tcp"]=Analyzer::ANALYZER_STREAM_EVENT}');
  assert.deepEqual(
    [...s["HTTP::upgrade_analyzers"]],
    [
      ["websocket", "WEBSOCKET"],
      ["tcp", "STREAM_EVENT"],
    ],
  );
  applySetting(s, 'HTTP::upgrade_analyzers={ ["h2c"] = ANALYZER_STREAM_EVENT }');
  assert.deepEqual([...s["HTTP::upgrade_analyzers"]], [["h2c", "STREAM_EVENT"]]);
  assert.throws(
    () => applySetting(s, 'HTTP::upgrade_analyzers+={["tcp"]=Analyzer::ANALYZER_STREAM_EVNT}'),
    /unknown analyzer Analyzer::ANALYZER_STREAM_EVNT \(did you mean STREAM_EVENT\?/,
  );
  assert.throws(() => applySetting(s, 'HTTP::upgrade_analyzers+={["tcp"]="STREAM_EVENT"}'), /not a table of protocols to analyzers/);
});

test("string settings undo Zeek's escapes: \\t, \\n, \\xHH, octal, \\\\ and \\\"", () => {
  const s = defaultSettings();
  applySetting(s, 'InputAscii::separator="\\t"');
  assert.equal(s["InputAscii::separator"], "\t");
  applySetting(s, 'InputRaw::record_separator="\\x00"');
  assert.equal(s["InputRaw::record_separator"], "\0");
  applySetting(s, 'InputAscii::set_separator="\\101\\x7c\\\\\\""');
  assert.equal(s["InputAscii::set_separator"], 'A|\\"');
  assert.throws(() => applySetting(s, 'InputRaw::record_separator=""'), /InputRaw::record_separator may not be empty/);
});
