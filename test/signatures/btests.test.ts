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
import { hexdump, zeekConnId, zeekString } from "../helpers/zeek-print.js";
import { baseline, btestNames, canonicalLog, loadBtest, type Printer, runBtest, tracePath, zeekSource } from "./btest-harness.js";

/** Zeek's `print` of a conn_id (fmt("%s", c$id)). */
const connId = (c: Connection): string => zeekConnId(c.id);

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

/** Zeek's `print a, b, …`: the values joined by ", " (strings escaped as `print` does). */
function print(...values: (string | number)[]): string {
  return values.map((v) => (typeof v === "string" ? zeekString(v) : String(v))).join(", ");
}

/** eval-condition: `mark_conn` adds "blah" to the connection's services (conn.log is compared). */
const evalCondition: Printer = (engine) => {
  engine.signatureCondition("mark_conn", (state) => {
    state.conn.service.add("blah");
    return true;
  });
};

/**
 * eval-condition-no-return-value: `mark_conn` prints and returns nothing,
 * which Zeek takes as false (with a warning on stderr). TypeScript refuses
 * a condition that returns nothing at compile time: the twin returns false.
 */
const evalNoReturnValue: Printer = (engine, out) => {
  engine.signatureCondition("mark_conn", () => {
    out.push("Called");
    return false;
  });
};

/** signature-cond-used(-twice): the condition and signature_match print the data (cut at `cut` bytes). */
const condUsed =
  (cut: number): Printer =>
  (engine, out) => {
    engine.on("signature_match", (_s, msg, data) => void out.push(print("signature_match", msg, data.slice(0, cut))));
    engine.signatureCondition("SignatureEvalTest::signature_cond", (_s, data) => {
      out.push(print("signature_cond", data.slice(0, cut)));
      return true;
    });
  };

/** tcp-end-of-match: signature_match and two custom events, each with handlers that take end_of_match and handlers that do not. */
const tcpEndOfMatch: Printer = (engine, out) => {
  engine.on("signature_match", (_s, msg, data) => void out.push(print("signature_match", msg, data.length)));
  engine.on("signature_match", (_s, msg, data, end) => void out.push(print("signature_match with end_of_match", msg, data.length, data.slice(0, end))));
  engine.onSignatureEvent("DataEndOffset::portability_match", "no-message", (_s, data, end) => {
    out.push(print("portability_match with end_of_match", data.length, data.slice(0, end)));
  });
  engine.onSignatureEvent("DataEndOffset::portability_match", "no-message", (_s, data) => void out.push(print("portability_match", data.length)));
  engine.onSignatureEvent("DataEndOffset::portability_match_with_msg", "message", (_s, msg, data, end) => {
    out.push(print("portability_match_with_msg with end_of_match", msg, data.length, end, data.slice(0, end)));
  });
  engine.onSignatureEvent("DataEndOffset::portability_match_with_msg", "message", (_s, msg, data) => {
    out.push(print("portability_match_with_msg", msg, data.length));
  });
};

/** id-lookup and custom-event's `const mynets: set[subnet]`. */
const MYNETS = ["192.168.1.0/24", "10.0.0.0/8", "127.0.0.0/24"];

/** id-lookup: the constants its signatures name, and signature_match printed as most btests do. */
const idLookup: Printer = (engine, out) => {
  engine.signatureConstant("udp_proto_number", 17).signatureConstant("mynets", MYNETS);
  connAndMessage(engine, out);
};

/** custom-event: four custom events, with and without a message, with and without end_of_match. */
const customEvent: Printer = (engine, out) => {
  engine.signatureConstant("mynets", MYNETS);
  connAndMessage(engine, out);
  engine.onSignatureEvent("my_signature_match2", "no-message", (s) => void out.push(`signature_match2 ${connId(s.conn)}`));
  engine.onSignatureEvent("my_signature_match3", "message", (s, msg) => void out.push(`signature_match3 ${connId(s.conn)} - ${msg}`));
  engine.onSignatureEvent(
    "my_signature_match4",
    "message",
    (s, msg, _data, end) => void out.push(`signature_match4 ${connId(s.conn)} - ${msg} end_of_match=${end}`),
  );
  engine.onSignatureEvent("my_signature_match5", "no-message", (s, _data, end) => void out.push(`signature_match5 ${connId(s.conn)} - end_of_match=${end}`));
};

/** http-body-match: each match's endpoints, signature and data. */
const httpBodyMatch = onMatch((s, _msg, data) => {
  const { orig_h, orig_p, resp_h, resp_p } = s.conn.id;
  return [`HTTP body match for ${orig_h}:${orig_p} -> ${resp_h}:${resp_p} with signature '${s.sig_id}', data: '${data}'`];
});

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
  "custom-event": customEvent,
  "dst-port-header-condition": connAndMessage,
  "eval-condition": evalCondition,
  "eval-condition-no-return-value": evalNoReturnValue,
  "http-body-match": httpBodyMatch,
  "header-header-condition": connAndMessage,
  "id-lookup": idLookup,
  "ip-proto-header-condition": connAndMessage,
  "load-sigs": onMatch((s, msg, data) => [connId(s.conn), msg, zeekString(data)]),
  "src-ip-header-condition-v4": connAndMessage,
  "src-ip-header-condition-v4-masks": connAndMessage,
  "src-ip-header-condition-v6": connAndMessage,
  "src-ip-header-condition-v6-masks": connAndMessage,
  "signature-cond-used": condUsed(Infinity),
  "signature-cond-used-twice": condUsed(32),
  "src-port-header-condition": connAndMessage,
  "tcp-end-of-match": tcpEndOfMatch,
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
 * Baseline lines bronze does not print, and why (each checked to be the
 * only difference: the rest of the output must equal the baseline).
 * eval-condition-no-return-value: Zeek calls the condition three times on
 * the FTP control connection's responder side, bronze twice (on the side's
 * first packet, where /.*\/ matches the empty start, and at the
 * connection's end). Zeek's third call: its DPD signatures are rules of the
 * same matcher, and any new pattern match on a side (here dpd_ftp_server's,
 * in the server's replies; the run is not -b) makes RuleMatcher::Match try
 * again every rule whose patterns all matched and that has not fired.
 * bronze matches DPD's signatures apart from the user's, so a DPD match
 * does not retry them.
 */
const MISSING_LINES: Readonly<Record<string, { readonly lines: readonly string[]; readonly reason: string }>> = {
  "eval-condition-no-return-value": { lines: ["Called"], reason: "Zeek's retry of the user signature when a DPD pattern matches" },
};

/** The baseline without the lines bronze is known not to print (the first occurrence of each). */
function withoutMissing(name: string, lines: readonly string[]): string[] {
  const out = [...lines];
  for (const l of MISSING_LINES[name]?.lines ?? []) out.splice(out.indexOf(l), 1);
  return out;
}

/**
 * Btests whose Zeek run fails on a bad signature file (exit status and
 * stderr compared), with the policy bronze runs in the script's stead. The
 * wrong function and event types these scripts declare are compile-time
 * errors in TypeScript, so the twins leave those out; what is left is a
 * name nobody registered, or an event registered in the other form. bronze
 * reports the first problem: its line must be one of the baseline's error
 * lines, at the same place (when Zeek gives one) and about the same name.
 */
const FAILING: Readonly<Record<string, Printer>> = {
  // mark_conn(state) has the wrong parameters: TypeScript refuses to register it, so nothing is.
  "bad-eval-condition": () => {},
  "custom-event-errors": (engine) => {
    // wrong_signature2(state, data) for `event wrong_signature2 "id"`, wrong_signature3(state, msg, data) for `event wrong_signature3`.
    engine.onSignatureEvent("wrong_signature2", "no-message", () => {});
    engine.onSignatureEvent("wrong_signature3", "message", () => {});
  },
};

/** The name an error line is about: the first identifier in parentheses, else the first quoted one. */
function errorSubject(line: string): string | undefined {
  return /\(([\w:]+)\)/.exec(line)?.[1] ?? /'([^']+)'/.exec(line)?.[1];
}

/**
 * The btests bronze does not pass, and why. `refused` is the construct
 * bronze's parser names when it refuses the btest's signature file.
 */
const UNSUPPORTED: Readonly<Record<string, { reason: string; refused: string }>> = {};

const ZEEK = zeekSource();
const NO_SOURCE = "Zeek's source not found (set BRONZE_ZEEK_SOURCE to a checkout or bare repository of zeek/zeek): its signature btests are not run";

test("every one of Zeek's signature btests is either reproduced or listed as unsupported with its reason", (t) => {
  if (ZEEK === null) return t.skip(NO_SOURCE);
  const names = btestNames(ZEEK);
  assert.ok(names.length >= 31, `${names.length} btests in ${ZEEK.where}`);
  for (const name of names) assert.equal([PRINTERS, FAILING, UNSUPPORTED].filter((table) => table[name] !== undefined).length, 1, name);
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
        const zeekLines: string[] = baseline(ZEEK, btest, run.output).slice(UNMATCHED_FIRST_LINES[name] ?? 0);
        const expected: string[] = run.output.endsWith(".log") ? canonicalLog(zeekLines) : withoutMissing(name, zeekLines);
        assert.deepEqual(lines, expected, `${name}: ${run.output} (-s ${run.signatureArgs.join(" ")} -r ${run.trace})`);
      }
    });
  }
});

describe("btests whose signature files Zeek refuses are refused by bronze too", () => {
  for (const [name, printer] of Object.entries(FAILING)) {
    test(name, async (t) => {
      if (ZEEK === null) return t.skip(NO_SOURCE);
      const btest = loadBtest(ZEEK, name);
      const run = btest.runs[0]!;
      assert.ok(run.fails, "Zeek's run fails");
      if (!existsSync(tracePath(run))) return oracleMissing(t, `${tracePath(run)} is missing`);
      const lines = await runBtest(btest, run, printer);
      assert.equal(lines.length, 1, lines.join("\n"));
      const zeekErrors = baseline(ZEEK, btest, ".stderr").filter((l) => l.startsWith("error: "));
      const ours = lines[0]!;
      const same = zeekErrors.find((z) => errorSubject(z) === errorSubject(ours));
      assert.ok(same !== undefined, `${ours} is about none of\n${zeekErrors.join("\n")}`);
      const where = /^error: Error in signature \([^)]+\)/.exec(same)?.[0];
      if (where !== undefined) assert.ok(ours.startsWith(where), `${ours}\nnot at ${where}`);
      else assert.match(ours, /^error: Error in signature \(\.\/[^:]+:\d+\): /);
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
