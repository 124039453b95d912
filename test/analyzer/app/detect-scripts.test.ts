/**
 * The detection policy scripts (detect-sql-injection here; the SSH and FTP
 * brute-force scripts run against Zeek's own btests in
 * test/conformance/btest-applogs.test.ts) through the engine.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isLocalName } from "../../../src/analyzer/app/dns/detect-external-names.js";
import { SQL_INJECTION_URI } from "../../../src/analyzer/app/http/detect-sql-injection.js";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { memorySource } from "../../helpers/packets.js";
import { parseLogText } from "../../helpers/tsv.js";
import { handshake, type Seg, tcpTrace, ZEEK_SEED } from "../../session/harness.js";

test("Zeek's SQL injection patterns: the classic injections match, ordinary queries do not", () => {
  for (const uri of [
    "/dvwa/vulnerabilities/sqli/?id=1'+OR+'1'='1&Submit=Submit",
    "/dvwa/vulnerabilities/sqli/?id=1'+UNION+SELECT+NULL,+version()+#&Submit=Submit",
    "/item.php?id=5;+DROP+TABLE+users",
    "/a?id=1 AND 1=1",
    "/a?q=char(65)",
    "/x/*!50000select*/",
  ])
    assert.ok(SQL_INJECTION_URI.test(uri), uri);
  for (const uri of ["/index.html", "/search?q=union+station", "/a?id=12&name=o'brien", "/a?q=select"]) assert.ok(!SQL_INJECTION_URI.test(uri), uri);
});

function request(t: number, uri: string): Seg[] {
  const req = `GET ${uri} HTTP/1.1\r\nHost: shop\r\n\r\n`;
  const resp = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  return [
    ...handshake(t),
    { t: t + 1, from: "c", flags: "PA", seq: 1001, ack: 5001, payload: req },
    { t: t + 2, from: "s", flags: "PA", seq: 5001, ack: 1001 + req.length, payload: resp },
    { t: t + 3, from: "c", flags: "FA", seq: 1001 + req.length, ack: 5001 + resp.length },
    { t: t + 4, from: "s", flags: "FA", seq: 5001 + resp.length, ack: 1002 + req.length },
  ];
}

test("detect-sql-injection tags the requests and raises one attacker and one victim notice at the threshold", async () => {
  const uris = ["/p?id=1'+OR+'1'='1", "/index.html", "/p?id=2'+OR+'2'='2", "/p?id=3'+OR+'3'='3", "/p?id=4'+OR+'4'='4"];
  const packets = uris.flatMap((uri, i) => tcpTrace(request(10 * i, uri), { cport: 40000 + i, sport: 80 }));
  const engine = new Engine({ seed: ZEEK_SEED, settings: ["HTTP::sqli_requests_threshold=3"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["protocols/http/detect-sql-injection"] });
  await engine.run(memorySource(packets));
  scripts.close();
  const rows = (log: string) => parseLogText(scripts.logs.text(log)).rows;
  const http = rows("http");
  assert.deepEqual(
    http.map((r) => r[20]),
    ["HTTP::URI_SQLI", "(empty)", "HTTP::URI_SQLI", "HTTP::URI_SQLI", "HTTP::URI_SQLI"],
  );
  const notices = rows("notice");
  assert.deepEqual(
    notices.map((r) => [r[10], r[13], r[14]]),
    [
      ["HTTP::SQL_Injection_Attacker", "10.0.0.1", "192.0.2.10"],
      ["HTTP::SQL_Injection_Victim", "10.0.0.1", "192.0.2.10"],
    ],
  );
  // Raised by the third injection: its time; the uid is a sampled injection's.
  assert.equal(Number(notices[0]![0]), 31);
  assert.ok(http.some((r) => r[1] === notices[0]![1] && r[20] === "HTTP::URI_SQLI"));
});

test("Site::is_local_name: a local zone itself or any name under it, case-sensitive", () => {
  const zones = new Set(["example.com", "corp"]);
  for (const name of ["example.com", "www.example.com", ".example.com", "a.b.corp"]) assert.ok(isLocalName(zones, name), name);
  for (const name of ["badexample.com", "example.com.evil", "WWW.EXAMPLE.COM", "corpx"]) assert.ok(!isLocalName(zones, name), name);
});

test("ftp/detect: a successful SITE EXEC raises FTP::Site_Exec_Success with the command; a refused one does not", async () => {
  const session = (t: number, reply: string): Seg[] => {
    const banner = "220 ready\r\n";
    const cmd = "SITE EXEC /bin/id\r\n";
    return [
      ...handshake(t),
      { t: t + 1, from: "s", flags: "PA", seq: 5001, ack: 1001, payload: banner },
      { t: t + 2, from: "c", flags: "PA", seq: 1001, ack: 5001 + banner.length, payload: cmd },
      { t: t + 3, from: "s", flags: "PA", seq: 5001 + banner.length, ack: 1001 + cmd.length, payload: reply },
    ];
  };
  const packets = [...tcpTrace(session(0, "500 no\r\n"), { cport: 40001, sport: 21 }), ...tcpTrace(session(10, "200 done\r\n"), { cport: 40002, sport: 21 })];
  const engine = new Engine({ seed: ZEEK_SEED });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["protocols/ftp/detect"] });
  await engine.run(memorySource(packets));
  scripts.close();
  const notices = parseLogText(scripts.logs.text("notice")).rows;
  assert.deepEqual(
    notices.map((r) => [r[3], r[10], r[11]]),
    [["40002", "FTP::Site_Exec_Success", "FTP command: SITE EXEC /bin/id"]],
  );
});
