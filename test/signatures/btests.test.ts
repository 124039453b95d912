/**
 * Zeek's own signature btests (testing/btest/signatures), run on bronze and
 * compared line for line with Zeek's baselines. Each btest's Zeek script is
 * mirrored by a printer below that prints what its handlers print; a btest
 * that uses what bronze does not implement is listed in UNSUPPORTED with the
 * reason, and checked to be refused with a clear error naming the
 * construct.
 *
 * The btests are read from Zeek's source outside this repository
 * ($BRONZE_ZEEK_SOURCE or ../zeek, see zeekSource): without it these tests
 * are skipped with a message saying so.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, test } from "node:test";
import type { Connection } from "../../src/event/records.js";
import type { SignatureState } from "../../src/signatures/index.js";
import { corpusRoot, oracleMissing } from "../helpers/corpus.js";
import { baseline, btestNames, loadBtest, type Printer, runBtest, tracePath, zeekSource } from "./btest-harness.js";

/** Zeek's `print` of a conn_id (fmt("%s", c$id)). */
function connId(c: Connection): string {
  const t = c.id.transport === "unknown_transport" ? "unknown" : c.id.transport;
  const { orig_h, orig_p, resp_h, resp_p, proto } = c.id;
  return `[orig_h=${orig_h}, orig_p=${orig_p}/${t}, resp_h=${resp_h}, resp_p=${resp_p}/${t}, proto=${proto}, ctx=[]]`;
}

/** Zeek's `print` of a string: bytes outside printable ASCII as \xNN. */
function zeekString(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Zeek's hexdump(): 16 bytes a line (offset, hex in two groups of 8, printable ASCII), each line ending in a newline. */
function hexdump(s: string): string {
  let out = "";
  for (let at = 0; at < s.length; at += 16) {
    const chunk = [...s.slice(at, at + 16)].map((ch) => ch.charCodeAt(0));
    const hex = chunk.map((b, i) => `${b.toString(16).padStart(2, "0")} ${i === 7 ? " " : ""}`).join("");
    const ascii = chunk.map((b, i) => `${b < 0x20 || b >= 0x7f ? "." : String.fromCharCode(b)}${i === 7 ? " " : ""}`).join("");
    out += `${at.toString(16).padStart(4, "0")}  ${hex.padEnd(50)}${ascii}\n`;
  }
  return out;
}

const onMatch =
  (print: (state: SignatureState, msg: string, data: string, end: number) => string[]): Printer =>
  (engine, out) =>
    engine.on("signature_match", (state, msg, data, end) => void out.push(...print(state, msg, data, end)));

/** `print fmt("signature_match %s - %s", state$conn$id, msg)`: most btests. */
const connAndMessage = onMatch((s, msg) => [`signature_match ${connId(s.conn)} - ${msg}`]);
/** `print "match", state$sig_id`. */
const matchAndId = onMatch((s) => [`match, ${s.sig_id}`]);
/** `print "signature match", msg, data`. */
const messageAndData = onMatch((_s, msg, data) => [`signature match, ${msg}, ${zeekString(data)}`]);

/** Zeek's addr_to_uri: IPv6 addresses in brackets. */
function addrToUri(a: string): string {
  return a.includes(":") ? `[${a}]` : a;
}

/** dpd.zeek: signature matches, and the events of the FTP analyzer the server signature enables. */
const dpd: Printer = (engine, out) => {
  connAndMessage(engine, out);
  engine.on("ftp_request", (c, command, arg) => void out.push(`ftp_request ${addrToUri(c.id.orig_h)}:${c.id.orig_p} - ${command} ${arg}`));
  engine.on("ftp_reply", (c, code, msg) => void out.push(`ftp_reply ${addrToUri(c.id.resp_h)}:${c.id.resp_p} - ${code} ${msg}`));
};

/**
 * Baseline lines a btest's script prints about something other than
 * signatures that bronze has no equivalent of: left out of the comparison.
 * dpd.zeek prints |Analyzer::all_registered_ports()| at zeek_init.
 */
const UNMATCHED_FIRST_LINES: Readonly<Record<string, number>> = { dpd: 1 };

const PRINTERS: Readonly<Record<string, Printer>> = {
  dpd,
  "dst-ip-cidr-v4": matchAndId,
  "dst-ip-header-condition-v4": connAndMessage,
  "dst-ip-header-condition-v4-masks": connAndMessage,
  "dst-ip-header-condition-v6": connAndMessage,
  "dst-ip-header-condition-v6-masks": connAndMessage,
  "dst-port-header-condition": connAndMessage,
  "header-header-condition": connAndMessage,
  "ip-proto-header-condition": connAndMessage,
  "load-sigs": onMatch((s, msg, data) => [connId(s.conn), msg, zeekString(data)]),
  "src-ip-header-condition-v4": connAndMessage,
  "src-ip-header-condition-v4-masks": connAndMessage,
  "src-ip-header-condition-v6": connAndMessage,
  "src-ip-header-condition-v6-masks": connAndMessage,
  "src-port-header-condition": connAndMessage,
  "tcp-syn-with-payload": connAndMessage,
  "udp-end-of-match": onMatch((s, msg, data, end) => [
    `signature_match ${connId(s.conn)} - ${msg} - offset=${end}`,
    ...hexdump(data.slice(0, end)).split("\n"),
  ]),
  "udp-packetwise-insensitive": messageAndData,
  "udp-packetwise-match": messageAndData,
  "udp-payload-size": matchAndId,
  "udp-state": onMatch((s, msg, data) => [`signature_match ${connId(s.conn)} - ${msg}`, ...hexdump(data).split("\n")]),
};

/**
 * The btests bronze does not pass, and why. `refused` is the construct
 * bronze's parser names when it refuses the btest's signature file.
 */
const UNSUPPORTED: Readonly<Record<string, { reason: string; refused: string }>> = {
  "bad-eval-condition": { reason: "eval conditions call Zeek script functions", refused: "'eval'" },
  "custom-event-errors": { reason: "custom events (event NAME) name Zeek script events", refused: "custom events" },
  "custom-event": { reason: "custom events (event NAME) name Zeek script events", refused: "custom events" },
  "eval-condition-no-return-value": { reason: "eval conditions call Zeek script functions", refused: "'eval'" },
  "eval-condition": { reason: "eval conditions call Zeek script functions", refused: "'eval'" },
  "http-body-match": { reason: "http-request-body / http-reply-body patterns need the HTTP analyzer's bodies", refused: "'http-request-body'" },
  "id-lookup": { reason: "script identifiers (udp_proto_number, mynets) as values", refused: "script identifiers" },
  "signature-cond-used-twice": { reason: "eval conditions call Zeek script functions", refused: "'eval'" },
  "signature-cond-used": { reason: "eval conditions call Zeek script functions", refused: "'eval'" },
  "tcp-end-of-match": { reason: "custom events (event DataEndOffset::portability_match)", refused: "custom events" },
};

const ZEEK = zeekSource();
const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): its signature btests are not run";

test("every one of Zeek's signature btests is either reproduced or listed as unsupported with its reason", (t) => {
  if (ZEEK === null) return t.skip(NO_SOURCE);
  const names = btestNames(ZEEK);
  assert.ok(names.length >= 31, `${names.length} btests in ${ZEEK.where}`);
  for (const name of names) assert.ok((PRINTERS[name] === undefined) !== (UNSUPPORTED[name] === undefined), name);
});

describe("Zeek's signature btests, against Zeek's baselines", () => {
  for (const name of Object.keys(PRINTERS).sort()) {
    test(name, async (t) => {
      if (ZEEK === null) return t.skip(NO_SOURCE);
      const btest = loadBtest(ZEEK, name);
      assert.ok(btest.runs.length > 0, "the btest has zeek command lines");
      for (const run of btest.runs) {
        if (!existsSync(tracePath(run))) return oracleMissing(t, `${tracePath(run)} is missing: the corpus is not beside the repository (${corpusRoot()})`);
        const lines = await runBtest(btest, run, PRINTERS[name]!);
        const expected = baseline(ZEEK, btest, run.output).slice(UNMATCHED_FIRST_LINES[name] ?? 0);
        assert.deepEqual(lines, expected, `${name}: ${run.output} (-s ${run.signatureArgs.join(" ")} -r ${run.trace})`);
      }
    });
  }
});

describe("btests bronze does not support are refused with a clear error", () => {
  for (const [name, { reason, refused }] of Object.entries(UNSUPPORTED)) {
    test(`${name}: ${reason}`, async (t) => {
      if (ZEEK === null) return t.skip(NO_SOURCE);
      const btest = loadBtest(ZEEK, name);
      const run = btest.runs[0]!;
      if (!existsSync(tracePath(run))) return oracleMissing(t, `${tracePath(run)} is missing`);
      const lines = await runBtest(btest, run, connAndMessage);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0]!, /^error: Error in signature \(\.\/[^:]+:\d+\): /);
      assert.ok(lines[0]!.includes(refused), lines[0]);
    });
  }
});
