/**
 * A capture of Debian 12's servers and clients on loopback (MariaDB 10.11,
 * Mosquitto, Dovecot's POP3 and IMAP, Dante's SOCKS 5, all driven by their
 * own clients or curl; see captures/make-tcp-misc-loopback.sh): what bronze
 * logs and raises is what those clients did, as Zeek's scripts record it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

async function run(): Promise<{ rows: (path: string) => Record<string, string>[]; seen: string[] }> {
  const seen: string[] = [];
  const rows = await captureLogs("tcp-misc-loopback.pcap", (engine) => {
    engine.on("pop3_request", (_c, _o, command, arg) => void seen.push(`pop3_request ${command} ${arg}`));
    engine.on("pop3_login_success", (_c, _o, user, password) => void seen.push(`pop3_login_success ${user} ${password}`));
    engine.on("imap_capabilities", (_c, caps) => void seen.push(`imap_capabilities ${caps.length} ${caps[0]}`));
    engine.on("analyzer_confirmation_info", (atype, info) => void (info.c?.id.resp_p === 143 && seen.push(`confirmed ${atype}`)));
  });
  return { rows, seen };
}

test("loopback capture: MariaDB's sessions in mysql.log, a row per command with its result (MariaDB's own error texts)", async () => {
  const { rows } = await run();
  assert.deepEqual(
    rows("mysql").map((r) => [r.cmd, r.arg, r.success, r.rows, r.response]),
    [
      ["login", "alice", "T", "0", "-"],
      ["query", "SELECT 1", "T", "0", "-"],
      // OK packets carry the affected rows; a result set's end (OK or EOF) none.
      ["query", "CREATE DATABASE shop", "T", "1", "-"],
      // `USE shop`: the client asks for the current database, then sends COM_INIT_DB.
      ["query", "SELECT DATABASE()", "T", "0", "-"],
      ["init_db", "shop", "T", "0", "-"],
      ["query", "CREATE TABLE items (id INT, name VARCHAR(20))", "T", "0", "-"],
      ["query", "INSERT INTO items VALUES (1,'pen'),(2,'ink')", "T", "2", "-"],
      ["query", "SELECT * FROM items", "T", "0", "-"],
      ["quit", "(empty)", "-", "-", "-"],
      ["login", "alice", "T", "0", "-"],
      ["query", "SELECT name FROM items WHERE id = 2", "T", "0", "-"],
      ["query", "SELECT * FROM missing", "F", "-", "Table 'shop.missing' doesn't exist"],
      ["quit", "(empty)", "-", "-", "-"],
      ["login", "alice", "F", "-", "Access denied for user 'alice'@'localhost' (using password: YES)"],
    ],
  );
});

test("loopback capture: Mosquitto's MQTT 3.1.1 sessions in the mqtt logs (the subscription, the publish and the broker's copy of it)", async () => {
  const { rows } = await run();
  assert.deepEqual(
    rows("mqtt_connect").map((r) => [r.proto_version, r.client_id, r.connect_status]),
    [
      ["3.1.1", "watcher", "Connection Accepted"],
      ["3.1.1", "sensor1", "Connection Accepted"],
    ],
  );
  assert.deepEqual(
    rows("mqtt_subscribe").map((r) => [r.action, r.topics, r.qos_levels, r.granted_qos_level, r.ack]),
    [["MQTT::SUBSCRIBE", "plant/+/temp", "1", "1", "T"]],
  );
  // A QoS 1 publish's row is written at its PUBACK: the broker acknowledges sensor1's (frame 74) before the watcher acknowledges the broker's copy (frame 77).
  assert.deepEqual(
    rows("mqtt_publish").map((r) => [r.from_client, r.qos, r.status, r.topic, r.payload]),
    [
      ["T", "at least once", "ok", "plant/a/temp", "21.5"],
      ["F", "at least once", "ok", "plant/a/temp", "21.5"],
    ],
  );
});

test("loopback capture: Dovecot's POP3 and IMAP seen as curl drove them; SOCKS 5 requests in socks.log with the HTTP inside them in http.log", async () => {
  const { rows, seen } = await run();
  assert.deepEqual(seen, [
    "pop3_request CAPA ",
    "pop3_request AUTH PLAIN",
    "pop3_login_success alice secret",
    "pop3_request RETR 1",
    "pop3_request QUIT ",
    "confirmed IMAP",
    // Dovecot's "* CAPABILITY" lines (9 and 37 words), before and after the login; the greeting's bracketed list is no such line.
    "imap_capabilities 9 IMAP4rev1",
    "imap_capabilities 37 IMAP4rev1",
  ]);
  assert.deepEqual(
    rows("socks").map((r) => [r.version, r.status, r["request.host"], r["request.name"], r.request_p]),
    [
      ["5", "succeeded", "127.0.0.1", "-", "8080"],
      ["5", "succeeded", "-", "localhost", "8080"],
      ["5", "Connection refused", "127.0.0.1", "-", "9"],
    ],
  );
  assert.deepEqual(
    rows("http").map((r) => [r.method, r.host, r.uri, r.status_code, r.response_body_len]),
    [
      ["GET", "127.0.0.1:8080", "/index.txt", "200", "17"],
      ["GET", "localhost:8080", "/index.txt", "200", "17"],
    ],
  );
  const socks = new Set(rows("socks").map((r) => r.uid));
  assert.ok(
    rows("http").every((r) => socks.has(r.uid!)),
    "the HTTP rows are the SOCKS connections'",
  );
  // The POP3 message's body to the files framework, as Zeek's POP3 analyzer hands it to MIME.
  assert.deepEqual(
    rows("files")
      .filter((r) => r.source === "POP3")
      .map((r) => [r.mime_type, r.seen_bytes]),
    [["text/plain", "11"]],
  );
  const services = rows("conn").map((r) => `${r["id.resp_p"]} ${r.service}`);
  for (const s of ["3306 mysql", "1883 mqtt", "110 pop3"]) assert.ok(services.includes(s), s);
});
