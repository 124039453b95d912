/**
 * Zeek's btests of base/protocols/ssh whose scripts print event arguments,
 * replayed (test/helpers/btest-replay.ts): each btest's commands are
 * read from Zeek's source, its handlers have a TypeScript twin printing as
 * Zeek's `print` does, and what it compares (the printed lines, ssh.log
 * whole or cut, conn.log, weird.log and analyzer.log absent) must be
 * Zeek's baseline. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so.
 *
 * Left out:
 * - set_version: no trace; it calls the script function SSH::set_version on connection records it builds (bronze's SSH script is TypeScript, without that function).
 * - curve25519_kex, half-duplex-client, half-duplex-server, mlkem_kex, ssh_version_199 and policy/protocols/ssh/detect-bruteforcing: they compare logs only (test/conformance/btest-applogs replays them).
 * - http-port-22, max-kexinit-algorithms, max-lengths: they print nothing (analyzer_debug.log, http.log and conn.log, or only a clean run).
 */
import { createHash } from "node:crypto";
import { test } from "node:test";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/ssh";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its SSH btests" };

const tf = (b: boolean): string => (b ? "T" : "F");
/** md5_hash(): the MD5 of a string's bytes, lowercase hex. */
const md5 = (s: string): string => createHash("md5").update(Buffer.from(s, "latin1")).digest("hex");

/** `print "auth_result", c$uid, result, auth_attempts;` */
const authResult: Twin = (engine, print) => engine.on("ssh_auth_result", (c, result, attempts) => print("auth_result", c.uid, tf(result), String(attempts)));

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  { name: "basic", what: "each connection's authentication result", twin: authResult },
  {
    name: "dh_group18_kex",
    what: "a DH group exchange's init and the server's host key",
    twin: (engine, print) => {
      engine.on("ssh2_dh_gex_init", (_c, isOrig) => print("ssh2_dh_gex_init", tf(isOrig)));
      engine.on("ssh2_server_host_key", (_c, key) => print("ssh2_server_host_key", String(key.length)));
    },
  },
  {
    name: "fingerprints",
    what: "SSH1 and SSH2 host keys, their hashes and fingerprints",
    twin: (engine, print) => {
      engine.on("ssh2_server_host_key", (_c, key) => print("ssh2 server host key", md5(key)));
      engine.on("ssh1_server_host_key", (_c, modulus, exponent) => print("ssh1 server host key", md5(modulus + exponent)));
      engine.on("ssh_server_host_key", (_c, hash) => print("ssh server host key", hash));
      engine.on("ssh_server_host_key_fingerprint", (_c, hash) => print("ssh server host key fingerprint", hash));
    },
  },
  {
    name: "one-auth-fail-only",
    what: "authentication attempts, failures and results of password guessing (sorted)",
    twin: (engine, print, trace, options) => {
      engine.on("ssh_auth_attempted", (c, authenticated) => print("auth_attempted", c.uid, tf(authenticated)));
      engine.on("ssh_auth_failed", (c) => print("auth_failed", c.uid));
      authResult(engine, print, trace, options);
    },
  },
  {
    name: "pre-banner",
    what: "the server's lines before its banner",
    twin: (engine, print) => engine.on("ssh_server_pre_banner_data", (_c, data) => print(zeekString(data))),
  },
  {
    name: "ssh-reverse-connection",
    what: "an ECC init from the TCP client only, on a reverse SSH connection",
    twin: (engine, print) => engine.on("ssh2_ecc_init", (_c, isOrig) => void (isOrig || print("Detected an ECC INIT not from the TCP client"))),
  },
  {
    name: "ssh_dh_gex_direction",
    what: "one DH group exchange init a connection",
    twin: (engine, print) => engine.on("ssh2_dh_gex_init", () => print("Found SSH2_DH_GEX_INIT event")),
  },
  {
    name: "ssh_segmented_encryption_transition",
    what: "the encrypted packets after NEWKEYS, the first in NEWKEYS' segment",
    twin: (engine, print) => {
      let pkts = 0;
      engine.on("ssh_encrypted_packet", (_c, orig, len) => print(String(pkts++), tf(orig), String(len)));
    },
  },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest ssh/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
