/**
 * Zeek's btests of base/protocols/mysql whose scripts print event arguments,
 * replayed (test/helpers/btest-replay.ts): each btest's commands are
 * read from Zeek's source, its handlers have TypeScript twins printing as
 * Zeek's `print` does (a handler twinned only where the btest's script
 * defines that event's handler), and what it compares (the printed lines,
 * mysql.log, conn.log, ssl.log, x509.log) must be Zeek's baseline. Zeek's
 * source and the corpus traces are the oracles: without them the tests
 * skip, saying so.
 *
 * Left out: auth, plain-aws-rds, selects_with_new_proto (they compare
 * mysql.log only: test/conformance/btest-applogs replays them).
 */
import { test } from "node:test";
import type { Engine } from "../../../src/engine.js";
import { type BtestSuite, btestText, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/mysql";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its MySQL btests" };

type Print = (...values: string[]) => void;
const tf = (b: boolean): string => (b ? "T" : "F");
/** Zeek's `print` of a string_vec: `[a, b]`, each string escaped. */
const vec = (v: readonly string[]): string => `[${v.map(zeekString).join(", ")}]`;

/** The btests' handlers (the same in each script that has them), by event. */
const HANDLERS: Readonly<Record<string, (engine: Engine, print: Print) => void>> = {
  mysql_ok: (e, print) => e.on("mysql_ok", (_c, rows) => print("mysql ok", String(rows))),
  mysql_eof: (e, print) => e.on("mysql_eof", (_c, intermediate) => print("mysql eof", tf(intermediate))),
  mysql_result_row: (e, print) => e.on("mysql_result_row", (_c, row) => print("mysql result row", vec(row))),
  mysql_error: (e, print) => e.on("mysql_error", (_c, code, msg) => print("mysql error", String(code), zeekString(msg))),
  mysql_command_request: (e, print) => e.on("mysql_command_request", (_c, command, arg) => print("mysql request", String(command), zeekString(arg))),
  mysql_change_user: (e, print) => e.on("mysql_change_user", (_c, user) => print("mysql change user", zeekString(user))),
  mysql_handshake: (e, print) => e.on("mysql_handshake", (_c, user) => print("mysql handshake", zeekString(user))),
  mysql_auth_plugin: (e, print) =>
    e.on("mysql_auth_plugin", (_c, isOrig, name, data) => print("mysql auth plugin", tf(isOrig), zeekString(name), zeekString(data), String(data.length))),
  mysql_auth_switch_request: (e, print) =>
    e.on("mysql_auth_switch_request", (_c, name, data) => print("mysql auth switch request", zeekString(name), zeekString(data), String(data.length))),
  mysql_auth_more_data: (e, print) =>
    e.on("mysql_auth_more_data", (_c, isOrig, data) => print("mysql auth more data", tf(isOrig), zeekString(data), String(data.length))),
  mysql_ssl_request: (e, print) => e.on("mysql_ssl_request", (c) => print("mysql ssl request", c.uid)),
};

/** Handlers of a btest that differ from HANDLERS'. */
const OWN: Readonly<Record<string, Partial<typeof HANDLERS>>> = {
  // `print "mysql result row", |row|, row[0][:70]`.
  "show-engine-innodb-status": {
    mysql_result_row: (e, print) =>
      e.on("mysql_result_row", (_c, row) => print("mysql result row", String(row.length), zeekString((row[0] ?? "").slice(0, 70)))),
  },
};

/** The twin of a btest's script: a handler for each event it handles. */
function twinOf(name: string, script: string): Twin {
  const events = [...script.matchAll(/^event (mysql_\w+)\(/gm)].map((m) => m[1]!);
  return (engine, print) => {
    for (const event of events) {
      const handler = OWN[name]?.[event] ?? HANDLERS[event];
      if (handler === undefined) throw new Error(`${name}: no twin of its ${event} handler`);
      handler(engine, print);
    }
  };
}

const BTESTS = [
  "caching_sha2_password",
  "caching_sha2_password-after-auth-switch",
  "caching_sha2_password-auth-switch-to-test-sha256_password",
  "change-user-error",
  "change-user-success",
  "encrypted",
  "encrypted-aws-rds",
  "many-query-attr",
  "query-attr",
  "query-attr-non-string",
  "show-engine-innodb-status",
  "wireshark",
];

for (const name of BTESTS) {
  test(`Zeek's btest mysql/${name}: the printed event arguments and its logs, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twinOf(name, btestText(b.zeek, DIR, name)));
  });
}
