/**
 * Zeek's btests of base/protocols/rdp whose scripts print event arguments,
 * replayed (test/helpers/btest-replay.ts): each btest's commands are
 * read from Zeek's source, its handlers have a TypeScript twin printing as
 * Zeek's `print` does, and what it compares (the printed lines, conn.log)
 * must be Zeek's baseline. Zeek's source and the corpus traces are the
 * oracles: without them the tests skip, saying so.
 *
 * Left out: rdp-invalid-length, rdp-no-cookie-msthash,
 * rdp-proprietary-encryption, rdp-to-ssl, rdp-unknown-keyboard, rdp-x509
 * (they compare logs only: test/conformance/btest-applogs replays them).
 */
import { test } from "node:test";
import type { Connection } from "../../../src/event/records.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekString } from "../../helpers/zeek-print.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/rdp";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its RDP btests" };

const tf = (b: boolean): string => (b ? "T" : "F");
/** fmt("%08x", n): a count (or a bool, as 0 or 1) in eight lowercase hex digits. */
const hex8 = (n: number | boolean): string => Number(n).toString(16).padStart(8, "0");

/** The rdpeudp-* btests' handlers. */
const rdpeudp: Twin = (engine, print) => {
  const id = (c: Connection): string => zeekConnId(c.id);
  engine.on("rdpeudp_syn", (c) => print("rdpeudp_syn", id(c)));
  engine.on("rdpeudp_synack", (c) => print("rdpeudp_synack", id(c)));
  engine.on("rdpeudp_established", (c, version) => print("rdpeudp_established", id(c), String(version)));
  // fmt's %s puts the bytes in as they are; print escapes the line.
  engine.on("rdpeudp_data", (_c, isOrig, version, data) => print(zeekString(`rdpeudp_data is_orig: ${tf(isOrig)}, version ${version}, data: ${data}`)));
};

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "rdp-client-cluster-data",
    what: "the client's cluster data and its channels' options",
    twin: (engine, print) => {
      engine.on("rdp_client_cluster_data", (_c, data) => {
        print("RDP Client Cluster Data");
        print(`Flags: ${hex8(data.flags)}`);
        print(`RedirSessionId: ${hex8(data.redir_session_id)}`);
        print(`Redirection Supported: ${hex8(data.redir_supported)}`);
        print(`ServerSessionRedirectionVersionMask: ${hex8(data.svr_session_redir_version_mask)}`);
        print(`RedirectionSessionIDFieldValid: ${hex8(data.redir_sessionid_field_valid)}`);
        print(`RedirectedSmartCard: ${hex8(data.redir_smartcard)}`);
      });
      engine.on("rdp_client_network_data", (_c, channels) => {
        print("RDP Client Channel List Options");
        for (const ch of channels) print(hex8(ch.options));
      });
    },
  },
  {
    name: "rdp-client-security-data",
    what: "the client's security data and its encryption method flags",
    twin: (engine, print) =>
      engine.on("rdp_client_security_data", (_c, data) => {
        const methods = data.encryption_methods;
        print("rdp_client_security_data", `[encryption_methods=${methods}, ext_encryption_methods=${data.ext_encryption_methods}]`);
        print("    40-bit flag", tf((methods & 0x01) !== 0));
        print("   128-bit flag", tf((methods & 0x02) !== 0));
        print("    56-bit flag", tf((methods & 0x08) !== 0));
        print("      fips flag", tf((methods & 0x10) !== 0));
      }),
  },
  {
    name: "rdp-native-encrypted-data",
    what: "RDP's own encrypted PDUs up to the server's first",
    twin: (engine, print) => {
      // The script calls terminate() at the server's first: nothing is printed after it.
      let terminated = false;
      engine.on("rdp_native_encrypted_data", (_c, orig, len) => {
        if (terminated) return;
        print("rdp native encrypted data", tf(orig), String(len));
        terminated = !orig;
      });
    },
  },
  { name: "rdpeudp-handshake-fail", what: "an RDPEUDP handshake that never completes", twin: rdpeudp },
  { name: "rdpeudp-handshake-success", what: "an RDPEUDP version 1 handshake and its data", twin: rdpeudp },
  { name: "rdpeudp2-handshake-success", what: "an RDPEUDP version 2 handshake and its data", twin: rdpeudp },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest rdp/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
