/**
 * Zeek's btests of base/protocols/dce-rpc whose scripts print event
 * arguments, replayed through test/helpers/btest-replay: their
 * commands read from Zeek's source, their handlers twinned, every file they
 * compare (printed lines and logs) as Zeek's baseline. Zeek's source and
 * the corpus traces are the oracles: without them the tests skip, saying so.
 *
 * Left out:
 * - dce_rpc_netlogon, dce_rpc_ntlm, mapi, ntlm-empty-av-pair-seq,
 *   ntlm-unterminated-av-pair-seq: logs only, replayed by
 *   test/conformance/btest-applogs.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { uuidToString } from "../../../src/analyzer/app/dce-rpc/events.js";
import { dceRpcBackingSize } from "../../../src/analyzer/app/dce-rpc/log.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekString } from "../../helpers/zeek-print.js";
import { type ZeekSource, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const SUITE: BtestSuite = { zeek, dir: "testing/btest/scripts/base/protocols/dce-rpc", what: "its DCE-RPC btests" };

const tf = (b: boolean): string => (b ? "T" : "F");

/**
 * One of dce-rpc/consts.zeek's `table[count] of string` (keys in hex or
 * decimal), read from Zeek's source, with its unknown-N default: bronze
 * keeps no copy of the authentication names.
 */
function constsTable(z: ZeekSource | null, name: string): (code: number) => string {
  const text = z?.read("scripts/base/protocols/dce-rpc/consts.zeek") ?? "";
  const body = new RegExp(`const ${name}: table\\[count\\] of string = \\{([^}]*)\\}`).exec(text)?.[1];
  assert.ok(body !== undefined, `the table DCE_RPC::${name} is in consts.zeek`);
  const rows = new Map([...body.matchAll(/\[(0x[0-9A-Fa-f]+|\d+)\] = "([^"]*)"/g)].map((m) => [Number(m[1]), m[2]!] as const));
  return (code) => rows.get(code) ?? `unknown-${code}`;
}

/** auth's handlers: each PDU's type (priority 5), each verifier's type and level by name (priority -5). */
const auth: Twin = (engine, print) => {
  const [types, levels] = [constsTable(zeek, "auth_types"), constsTable(zeek, "auth_levels")];
  engine.on("dce_rpc_message", (_c, isOrig, fid, _id, ptype) => print(`dce_rpc_message :: is_orig == ${tf(isOrig)}, fid == ${fid}, ptype == ${ptype}`), {
    priority: 5,
  });
  engine.on(
    "dce_rpc_auth",
    (_c, isOrig, fid, type, level, context) => {
      print(`dce_rpc_auth :: is_orig == ${tf(isOrig)}, fid == ${fid}`);
      print(`dce_rpc_auth :: auth_type == ${type} (${types(type)}), auth_level == ${level} (${levels(level)}), auth_context_id == ${context}`);
    },
    { priority: -5 },
  );
};

/** context's handlers: binds and alter contexts with their uuids, and their acknowledgements. */
const context: Twin = (engine, print) => {
  const bind =
    (event: string) =>
    (_c: unknown, fid: number, ctx: number, uuid: string): void => {
      print(`${event} :: fid  == ${fid}`);
      print(`${event} :: ctx_id  == ${ctx}`);
      print(`${event} :: uuid == ${uuidToString(uuid)}`);
    };
  engine.on("dce_rpc_bind", bind("dce_rpc_bind"), { priority: 5 });
  engine.on("dce_rpc_alter_context", bind("dce_rpc_alter_context"), { priority: 5 });
  engine.on(
    "dce_rpc_bind_ack",
    (_c, fid, secAddr) => {
      print(`dce_rpc_bind_ack :: fid      == ${fid}`);
      print(zeekString(`dce_rpc_bind_ack :: sec_addr == ${secAddr}`));
    },
    { priority: 5 },
  );
  engine.on("dce_rpc_alter_context_resp", (_c, fid) => print(`dce_rpc_alter_context_resp :: fid      == ${fid}`), { priority: 5 });
};

const hex = (s: string): string => Buffer.from(s, "latin1").toString("hex");

/**
 * request-response-stub-events' handlers; the first response stub's
 * handler calls terminate(), after which Zeek reads no more packets: the
 * twin prints nothing more.
 */
const stubs: Twin = (engine, print) => {
  let terminated = false;
  const out = (...values: string[]): void => void (terminated || print(...values));
  engine.on("dce_rpc_request", (c, fid, ctx, opnum, len) =>
    out("dce_rpc_request     ", zeekConnId(c.id), String(fid), String(ctx), String(opnum), String(len)),
  );
  engine.on("dce_rpc_response", (c, fid, ctx, opnum, len) =>
    out("dce_rpc_response     ", zeekConnId(c.id), String(fid), String(ctx), String(opnum), String(len)),
  );
  for (const event of ["dce_rpc_request_stub", "dce_rpc_response_stub"] as const) {
    engine.on(event, (c, fid, ctx, opnum, stub) => {
      out(event, zeekConnId(c.id), String(fid), String(ctx), String(opnum), String(stub.length));
      out(hex(stub));
      if (event === "dce_rpc_response_stub") terminated = true;
    });
  }
};

/**
 * dce-rpc-backing-discard's and -size's handlers (SMB::max_dce_rpc_analyzers=5):
 * each request with |c$dce_rpc_backing| (Zeek's handler stops with an error
 * while it is unset), and the discard event, UNEXPECTED where pipes close.
 */
const backing =
  (discardMark: string[]): Twin =>
  (engine, print) => {
    engine.on("dce_rpc_request", (c, fid) => {
      const n = dceRpcBackingSize(c);
      if (n !== undefined) print("dce_rpc_request", c.uid, "fid", String(fid), "backing", String(n));
    });
    engine.on("smb_discarded_dce_rpc_analyzers", (c) => print(...discardMark, "smb_discarded_dce_rpc_analyzers", c.uid));
  };

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  { name: "auth", what: "each PDU's type and each authentication verifier's type, level and context, on five traces", twin: auth },
  { name: "context", what: "binds, alter contexts and their acknowledgements, with dce_rpc.log", twin: context },
  {
    name: "no-inband-null",
    what: "a bind_ack's secondary address without a NUL inside its length",
    twin: (engine, print) => engine.on("dce_rpc_bind_ack", (_c, _fid, secAddr) => print(zeekString(`sec_addr is: ${secAddr}`))),
  },
  { name: "request-response-stub-events", what: "requests and responses with their stubs, up to the first response stub", twin: stubs },
  {
    name: "dce-rpc-backing-discard",
    what: "20 pipes never closed, SMB::max_dce_rpc_analyzers=5: every sixth discards the analyzers and the backing state, with a weird",
    twin: backing([]),
  },
  {
    name: "dce-rpc-backing-size",
    what: "20 pipes each closed, SMB::max_dce_rpc_analyzers=5: the backing state holds one fid at a time, nothing is discarded",
    twin: backing(["UNEXPECTED"]),
  },
  {
    name: "spnego-gssapi-kerberos",
    what: "Kerberos AP exchanges inside SPNEGO on DCE-RPC (ports 135 and 445), with kerberos.log",
    twin: (engine, print) => {
      engine.on("krb_ap_request", () => print("krb_ap_request"));
      engine.on("krb_ap_response", () => print("krb_ap_response"));
    },
  },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest dce-rpc/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
