/**
 * Zeek's SMB btests that print event arguments, replayed as TypeScript twins
 * of their handlers against their baselines: smb1-transaction2-request,
 * smb1-transaction-secondary-request, smb1-transaction2-secondary-request
 * and smb2-fscontrol by the first tests here, the others through
 * test/helpers/btest-replay (their commands read from Zeek's source,
 * every file they compare checked). Zeek's source and the corpus traces
 * are the oracles: without them the tests skip, saying so.
 *
 * Left out:
 * - smb1, smb1-long-andx-chain, smb1-transaction-dcerpc,
 *   smb2-create-delete-on-close, smb2-read-response-non-zero-reserved1,
 *   smb2-read-write, smb3-multichannel: logs only, replayed by
 *   test/conformance/btest-applogs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type {
  Smb1Header,
  Smb2CloseResponse,
  Smb2CreateResponse,
  Smb2FileAttrs,
  Smb2Guid,
  Smb2Header,
  Smb2NegotiateContextValue,
  SmbMacTimes,
} from "../../../src/analyzer/app/smb/events.js";
import { smbStateSizes } from "../../../src/analyzer/app/smb/script.js";
import { Engine } from "../../../src/engine.js";
import type { Connection } from "../../../src/event/records.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { openTrace } from "../../../src/source/open.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { corpusRoot, type oracleMissing } from "../../helpers/corpus.js";
import { zeekRecord, zeekString } from "../../helpers/zeek-print.js";
import { zeekPrintDouble } from "../../helpers/zeek-print-extra.js";
import { zeekTypedPrint } from "../../helpers/zeek-typed-print.js";
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

const SUITE: BtestSuite = { zeek, dir: "testing/btest/scripts/base/protocols/smb", what: "its SMB btests" };

/** The bits of a FileAttributes word Zeek's SMB2::FileAttrs names, in its declaration order. */
const FILE_ATTRS: ReadonlyArray<readonly [string, number]> = [
  ["read_only", 0x1],
  ["hidden", 0x2],
  ["system", 0x4],
  ["directory", 0x10],
  ["archive", 0x20],
  ["normal", 0x80],
  ["temporary", 0x100],
  ["sparse_file", 0x200],
  ["reparse_point", 0x400],
  ["compressed", 0x800],
  ["offline", 0x1000],
  ["not_content_indexed", 0x2000],
  ["encrypted", 0x4000],
  ["integrity_stream", 0x8000],
  ["no_scrub_data", 0x20000],
];

/** Zeek's print of an SMB2::FileAttrs: bronze keeps the word, Zeek a boolean a bit. */
const fileAttrs = (a: Smb2FileAttrs): string => zeekRecord(FILE_ATTRS.map(([name, bit]) => [name, (a.flags & bit) !== 0]));

/** Zeek's print of an SMB::MACTimes: each time as a double, each raw FILETIME as a count. */
const macTimes = (t: SmbMacTimes): string =>
  zeekRecord(
    (["modified", "accessed", "created", "changed"] as const).flatMap((k) => [
      [k, zeekPrintDouble(t[k])],
      [`${k}_raw`, String(t[`${k}_raw`])],
    ]),
  );

const createResponse = (r: Smb2CreateResponse): string =>
  zeekRecord([
    ["file_id", guid(r.file_id)],
    ["size", r.size],
    ["times", macTimes(r.times)],
    ["attrs", fileAttrs(r.file_attrs)],
    ["create_action", r.create_action],
  ]);

const closeResponse = (r: Smb2CloseResponse): string =>
  zeekRecord([
    ["alloc_size", r.alloc_size],
    ["eof", r.eof],
    ["times", macTimes(r.times)],
    ["attrs", fileAttrs(r.file_attrs)],
  ]);

/** fmt's "%s -> %s:%d" of a connection's addresses and responder port. */
const hosts = (c: Connection): string => `${c.id.orig_h} -> ${c.id.resp_h}:${c.id.resp_p}`;

/** smb2-multiple-pdus and smb2-zero-byte-error-ioctl print the close pair; the first also creates and deletes. */
const closes: Twin = (engine, print) => {
  engine.on("smb2_close_request", (_c, hdr) => print("smb2_close_request", zeekString(smb2Header(hdr))));
  engine.on("smb2_close_response", (_c, hdr, r) => print("smb2_close_response", zeekString(smb2Header(hdr)), closeResponse(r)));
};

/** Zeek's `print` of a value of Zeek type `type` (only called once the oracle was found). */
const typed = (value: unknown, type: string): string => zeekTypedPrint(zeek!, value, type);

/** fmt's `%D` of a time: its UTC date and time of day, as btest's environment (TZ=UTC) has Zeek write it. */
const fmtD = (t: number): string => new Date(t * 1000).toISOString().replace(/^([\d-]+)T([\d:]+).*$/, "$1-$2");

/** The type of each negotiate context's data compression-cap prints, by context type. */
const CONTEXT_DATA: Readonly<Record<number, readonly [field: keyof Smb2NegotiateContextValue, type: string]>> = {
  1: ["preauth_info", "SMB2::PreAuthIntegrityCapabilities"],
  2: ["encryption_info", "SMB2::EncryptionCapabilities"],
  3: ["compression_info", "SMB2::CompressionCapabilities"],
  5: ["netname", "string"],
};

const PRINT_BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "smb3-negotiate-context",
    what: "SMB 3.1.1's negotiate contexts in smb2_negotiate_response",
    twin: (engine, print) => engine.on("smb2_negotiate_response", (_c, _hdr, response) => print(typed(response, "SMB2::NegotiateResponse"))),
  },
  {
    name: "smb311",
    what: "an SMB 3.1.1 negotiate response, no analyzer.log or weird.log",
    twin: (engine, print) =>
      engine.on("smb2_negotiate_response", (c, _hdr, nr) => print(`smb2_negotiate_response ${hosts(c)} ${typed(nr, "SMB2::NegotiateResponse")}`)),
  },
  {
    name: "compression-cap",
    what: "each negotiate context's data by its type (compression capabilities among them)",
    twin: (engine, print) =>
      engine.on("smb2_negotiate_response", (_c, _hdr, response) => {
        for (const ncv of response.negotiate_context_values) {
          print(`context value type ${ncv.context_type}, length ${ncv.data_length}`);
          const data = CONTEXT_DATA[ncv.context_type];
          print(data === undefined ? "  unknown context value type" : `  ${typed(ncv[data[0]], data[1])}`);
        }
      }),
  },
  {
    name: "smb1-negotiate-lanman",
    what: "an SMB1 LANMAN negotiate response, its server time among its fields",
    twin: (engine, print) => {
      engine.on("smb1_negotiate_request", (_c, hdr, dialects) => {
        print("smb1_negotiate_request");
        print(typed(hdr, "SMB1::Header"));
        print(typed(dialects, "string_vec"));
      });
      engine.on("smb1_negotiate_response", (_c, hdr, response) => {
        print("smb1_negotiate_response");
        print(typed(hdr, "SMB1::Header"));
        print(typed(response, "SMB1::NegotiateResponse"));
        print(`Parsed Response Server Time: ${fmtD(response.lanman!.server_time)}T`);
      });
    },
  },
  {
    name: "raw-ntlm",
    what: "the session key of an NTLM AUTHENTICATE carried raw in SESSION_SETUP_ANDX",
    twin: (engine, print) => engine.on("ntlm_authenticate", (_c, request) => print(zeekString(request.session_key ?? ""))),
  },
  {
    name: "smb1-transaction-request",
    what: "a TRANSACTION request's header, name, subcommand, parameters and data",
    twin: (engine, print) =>
      engine.on("smb1_transaction_request", (_c, hdr, name, sub, params, data) =>
        print(zeekString(`smb1_transaction_request hdr: ${smb1Header(hdr)}, name: ${name}, sub_cmd: ${sub.toString(16)}, params: ${params}, data: ${data}`)),
      ),
  },
  {
    name: "smb1-transaction-response",
    what: "a TRANSACTION response's header, parameters and data",
    twin: (engine, print) =>
      engine.on("smb1_transaction_response", (_c, hdr, params, data) =>
        print(zeekString(`smb1_transaction_response hdr: ${smb1Header(hdr)}, params: ${params}, data: ${data}`)),
      ),
  },
  {
    name: "smb2-write-response",
    what: "WRITE responses' lengths and headers",
    twin: (engine, print) =>
      engine.on("smb2_write_response", (c, hdr, length) => {
        print(`smb2_write_response ${hosts(c)}, length: ${length}`);
        print(zeekString(smb2Header(hdr)));
      }),
  },
  {
    name: "smb2-multiple-pdus",
    what: "the create, delete and close of one compounded chain",
    twin: (engine, print, trace, options) => {
      engine.on("smb2_file_delete", (_c, hdr) => print("smb2_file_delete", zeekString(smb2Header(hdr))));
      engine.on("smb2_create_request", (_c, hdr, r) =>
        print(
          "smb2_create_request",
          zeekString(smb2Header(hdr)),
          zeekString(
            zeekRecord([
              ["filename", r.filename],
              ["disposition", r.disposition],
              ["create_options", r.create_options],
            ]),
          ),
        ),
      );
      engine.on("smb2_create_response", (_c, hdr, r) => print("smb2_create_response", zeekString(smb2Header(hdr)), createResponse(r)));
      closes(engine, print, trace, options);
    },
  },
  { name: "smb2-zero-byte-error-ioctl", what: "closes around an IOCTL error response of no bytes", twin: closes },
  {
    name: "smb2",
    what: "CREATE requests and responses and SET_INFO basic information, with smb_files, smb_mapping and files logs",
    twin: (engine, print) => {
      engine.on("smb2_create_request", (c, _hdr, r) =>
        print(
          `smb2_create_request ${hosts(c)} ${zeekString(
            zeekRecord([
              ["filename", r.filename],
              ["disposition", r.disposition],
              ["create_options", r.create_options],
            ]),
          )}`,
        ),
      );
      engine.on("smb2_create_response", (c, _hdr, r) => print(`smb2_create_response ${hosts(c)} ${createResponse(r)}`));
      engine.on("smb2_file_sattr", (c, _hdr, fid, times, attrs) =>
        print(`smb2_file_sattr ${hosts(c)} ${guid(fid)} MACTimes:${macTimes(times)} FileAttrs:${fileAttrs(attrs)}`),
      );
    },
  },
  {
    name: "smb3",
    what: "SMB 3 transform headers of encrypted messages",
    twin: (engine, print) => engine.on("smb2_transform_header", (c, hdr) => print(`smb2_transform_header ${hosts(c)} ${zeekString(record(hdr))}`)),
  },
  { name: "named-pipe-fragment", what: "DCE-RPC fragments past max_cmd_reassembly on a named pipe are weirds", twin: () => undefined },
  { name: "smb1-OSS-fuzz-54883", what: "a fuzzed SMB1 trace: analyzer_debug.log, and no reporter.log", twin: () => undefined },
  { name: "smb1-non-advancing-andx-offset", what: "an AndX offset that does not advance is a weird", twin: () => undefined },
  {
    name: "smb2-max-pending-messages",
    what: "SMB::max_pending_messages=20 with the responses filtered out: each full map is discarded, and the script's pending commands with it",
    twin: (engine, print) => {
      // |c$smb_state$pending_cmds| (Zeek's handler stops with an error when c$smb_state is unset).
      const pending = (c: Connection): string | undefined => smbStateSizes(engine.settings, c)?.pending_cmds.toString();
      for (const [priority, when] of [
        [10, "before"],
        [-10, "after"],
      ] as const) {
        engine.on(
          "smb2_discarded_messages_state",
          (c, request) => {
            const n = pending(c);
            if (n !== undefined) print(`smb2_discarded_messages_state ${when}`, request, n);
          },
          { priority },
        );
      }
    },
  },
  {
    name: "disabled-dce-rpc",
    what: "with DCE_RPC disabled in zeek_init, SMB's named pipes write no dce_rpc.log",
    twin: (engine) => engine.on("zeek_init", () => void engine.disableAnalyzerType("DCE_RPC")),
  },
];

for (const { name, what, twin } of PRINT_BTESTS) {
  test(`Zeek's btest smb/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
