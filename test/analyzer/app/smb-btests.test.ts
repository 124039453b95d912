/**
 * Zeek's SMB btests that print the SMB1 transaction and SMB2 set-info
 * events (scripts/base/protocols/smb/smb1-transaction2-request,
 * smb1-transaction-secondary-request, smb1-transaction2-secondary-request,
 * smb2-fscontrol), replayed as TypeScript twins of their handlers against
 * their baselines. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Smb1Header, Smb2Guid, Smb2Header } from "../../../src/analyzer/app/smb/events.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { corpusRoot, type oracleMissing } from "../../helpers/corpus.js";
import { zeekRecord, zeekString } from "../../helpers/zeek-print.js";
import { ZEEK_SEED } from "../../session/harness.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../../signatures/btest-harness.js";

const TRACES = join(corpusRoot(), "zeek", "traces");
const zeek = zeekSource();

function oraclesMissing(t: Parameters<typeof oracleMissing>[0], trace: string): boolean {
  return btestOraclesMissing(t, zeek, "its SMB btests", [trace]);
}

/** A baseline's lines (baselineLines drops btest's header line). */
const baseline = (path: string): string[] => baselineLines(zeek!, path);

/** Runs a trace with the handlers `setup` registers; they push Zeek's printed lines. */
async function run(trace: string, setup: (engine: Engine, out: string[]) => void): Promise<string[]> {
  const engine = new Engine({ seed: ZEEK_SEED, ignoreChecksums: true });
  loadBuiltinScripts(engine, { memory: true });
  const out: string[] = [];
  setup(engine, out);
  await engine.run(await openTrace(join(TRACES, trace)));
  return out;
}

/** Zeek's print of an SMB1::Header. */
function smb1Header(h: Smb1Header): string {
  return zeekRecord([
    ["command", h.command],
    ["status", h.status],
    ["flags", h.flags],
    ["flags2", h.flags2],
    ["tid", h.tid],
    ["pid", h.pid],
    ["uid", h.uid],
    ["mid", h.mid],
  ]);
}

/** Zeek's print of an SMB2::Header. */
function smb2Header(h: Smb2Header): string {
  const fields = ["credit_charge", "status", "command", "credits", "flags", "message_id", "process_id", "tree_id", "session_id"] as const;
  return zeekRecord([...fields.map((f) => [f, h[f]] as const), ["signature", h.signature]]);
}

const guid = (g: Smb2Guid): string => `[persistent=${g.persistent}, volatile=${g.volatile}]`;

/** A record's fields in declaration order, printed as Zeek prints it. */
const record = (r: object): string =>
  zeekRecord(Object.entries(r).map(([k, v]: [string, unknown]) => [k, typeof v === "bigint" ? String(v) : (v as string | number)] as const));

test("Zeek's btest smb1-transaction2-request: the TRANSACTION2 request's Trans2_Args and subcommand", async (t) => {
  const trace = "smb/smb1_transaction2_request.pcap";
  if (oraclesMissing(t, trace)) return;
  const out = await run(trace, (engine, out) => {
    engine.on("smb1_transaction2_request", (_c, hdr, args, sub) => {
      out.push(`smb1_transaction2_request hdr: ${smb1Header(hdr)}, args: ${record(args)}, sub_cmd: ${sub.toString(16)}`);
    });
  });
  assert.deepEqual(out, baseline("scripts.base.protocols.smb.smb1-transaction2-request/.stdout"));
});

/** The two secondary-request btests print alike: the header, the args record, parameters and data. */
for (const [name, event] of [
  ["smb1-transaction-secondary-request", "smb1_transaction_secondary_request"],
  ["smb1-transaction2-secondary-request", "smb1_transaction2_secondary_request"],
] as const) {
  test(`Zeek's btest ${name}: the args record, parameters and data`, async (t) => {
    const trace = `smb/${event}.pcap`;
    if (oraclesMissing(t, trace)) return;
    const out = await run(trace, (engine, out) => {
      engine.on(event, (_c, hdr, args, params, data) => {
        out.push(zeekString(`${event} hdr: ${smb1Header(hdr)}, args: ${record(args)}, params: ${params}, data: ${data}`));
      });
    });
    assert.deepEqual(out, baseline(`scripts.base.protocols.smb.${name}/.stdout`));
  });
}

test("Zeek's btest smb2-fscontrol: SET_INFO of FileFsControlInformation (header, file id, Fscontrol)", async (t) => {
  const trace = "smb/smb2_fscontrol.pcap";
  if (oraclesMissing(t, trace)) return;
  const out = await run(trace, (engine, out) => {
    engine.on("smb2_file_fscontrol", (_c, hdr, fid, fsc) => {
      out.push(zeekString(smb2Header(hdr)), guid(fid), record(fsc));
    });
  });
  const want = baseline("scripts.base.protocols.smb.smb2-fscontrol/out");
  assert.equal(out.length, want.length);
  // The header's message_id and session_id are past 2^53: bronze's SMB2
  // header carries them as numbers (events.ts), so each must be Zeek's
  // count rounded to a double; the rest of the header, the file id and the
  // record are exact.
  const big = /(message_id|session_id)=(\d+)/g;
  assert.equal(out[0]?.replace(big, "$1="), want[0]?.replace(big, "$1="));
  const ids = (line: string | undefined): number[] => [...(line ?? "").matchAll(big)].map((m) => Number(m[2]));
  assert.deepEqual(ids(out[0]), ids(want[0]));
  assert.deepEqual(out.slice(1), want.slice(1));
});
