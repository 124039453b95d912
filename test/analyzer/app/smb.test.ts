/**
 * SMB (Zeek's analyzer/protocol/smb and base/protocols/smb) on wire-built
 * exchanges: SMB2 tree connects, creates, reads, writes, renames and
 * closes become Zeek's smb_mapping.log and smb_files.log rows and files;
 * compounded PDUs; SMB1 AndX commands; named-pipe data to a DCE_RPC child
 * per file id; malformed input as BinPAC's violations; a fuzz run.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AppAnalyzer, AppAnalyzerSpec } from "../../../src/analyzer/app/analyzer.js";
import { dceRpcBackingSize } from "../../../src/analyzer/app/dce-rpc/log.js";
import { smbStateSizes } from "../../../src/analyzer/app/smb/script.js";
import { Engine } from "../../../src/engine.js";
import type { Connection } from "../../../src/event/records.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import type { EngineSettings } from "../../../src/options.js";
import { memorySource } from "../../helpers/packets.js";
import { tcpTrace } from "../../session/harness.js";
import { BIND, bindBody, EPMAPPER, pdu } from "./dce-rpc-wire.js";
import { fuzzProtocol, runTcp, type Step, segments } from "./tcp-conv.js";

const u16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const u32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const u64 = (v: bigint): number[] => {
  const out: number[] = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((v >> (8n * i)) & 0xffn));
  return out;
};
const utf16 = (s: string): number[] => [...Buffer.from(s, "utf16le")];
const nbss = (msg: number[]): number[] => [0, (msg.length >> 16) & 0xff, (msg.length >> 8) & 0xff, msg.length & 0xff, ...msg];

/** A FILETIME for a Unix time. */
const ft = (unix: number): bigint => BigInt(Math.round((unix + 11644473600) * 1e7));

interface H2 {
  cmd: number;
  mid: number;
  tid?: number;
  status?: number;
  resp?: boolean;
  next?: number;
}
function smb2(h: H2, body: number[]): number[] {
  const hdr = [
    0xfe,
    0x53,
    0x4d,
    0x42,
    ...u16(64),
    ...u16(0),
    ...u32(h.status ?? 0),
    ...u16(h.cmd),
    ...u16(1),
    ...u32(h.resp ? 1 << 24 : 0),
    ...u32(h.next ?? 0),
    ...u64(BigInt(h.mid)),
    ...u32(0xfeff),
    ...u32(h.tid ?? 0),
    ...u64(0x1234n),
    ...new Array<number>(16).fill(0),
  ];
  return [...hdr, ...body];
}
const fileId = (p: bigint, v: bigint): number[] => [...u64(p), ...u64(v)];

const treeReq = (mid: number, path: string): number[] => {
  const p = utf16(path);
  return nbss(smb2({ cmd: 3, mid }, [...u16(9), 0, 0, ...u16(72), ...u16(p.length), ...p]));
};
const treeResp = (mid: number, tid: number, shareType: number): number[] =>
  nbss(smb2({ cmd: 3, mid, tid, resp: true }, [...u16(16), shareType, 0, ...u32(0), ...u32(0), ...u32(0x1f01ff)]));
const createBody = (name: string, options = 0): number[] => {
  const n = utf16(name);
  return [
    ...u16(57),
    0,
    0,
    ...u32(2),
    ...new Array<number>(16).fill(0),
    ...u32(0x80),
    ...u32(0),
    ...u32(7),
    ...u32(1),
    ...u32(options),
    ...u16(120),
    ...u16(n.length),
    ...u32(0),
    ...u32(0),
    ...n,
  ];
};
const createReq = (mid: number, tid: number, name: string, options = 0): number[] => nbss(smb2({ cmd: 5, mid, tid }, createBody(name, options)));
const createRespBody = (fid: number[], size: number, mtime: number): number[] => [
  ...u16(89),
  0,
  0,
  ...u32(1),
  ...u64(ft(mtime - 100)),
  ...u64(ft(mtime)),
  ...u64(ft(mtime)),
  ...u64(ft(mtime)),
  ...u64(BigInt(size)),
  ...u64(BigInt(size)),
  ...u32(0x20),
  ...u32(0),
  ...fid,
  ...u32(0),
  ...u32(0),
];
const createResp = (mid: number, tid: number, fid: number[], size: number, mtime: number): number[] =>
  nbss(smb2({ cmd: 5, mid, tid, resp: true }, createRespBody(fid, size, mtime)));
const readReq = (mid: number, tid: number, fid: number[], offset: number, len: number): number[] =>
  nbss(smb2({ cmd: 8, mid, tid }, [...u16(49), 0, 0, ...u32(len), ...u64(BigInt(offset)), ...fid, ...u32(0), ...u32(0), ...u32(0), ...u16(0), ...u16(0)]));
const readResp = (mid: number, tid: number, data: number[]): number[] =>
  nbss(smb2({ cmd: 8, mid, tid, resp: true }, [...u16(17), 80, 0, ...u32(data.length), ...u32(0), ...u32(0), ...data]));
const writeReq = (mid: number, tid: number, fid: number[], offset: number, data: number[]): number[] =>
  nbss(
    smb2({ cmd: 9, mid, tid }, [
      ...u16(49),
      ...u16(112),
      ...u32(data.length),
      ...u64(BigInt(offset)),
      ...fid,
      ...u32(0),
      ...u32(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...data,
    ]),
  );
const closeReq = (mid: number, tid: number, fid: number[]): number[] => nbss(smb2({ cmd: 6, mid, tid }, [...u16(24), ...u16(0), ...u32(0), ...fid]));
const renameReq = (mid: number, tid: number, fid: number[], to: string): number[] => {
  const n = utf16(to);
  const info = [0, ...new Array<number>(7).fill(0), ...u64(0n), ...u32(n.length), ...n];
  return nbss(smb2({ cmd: 17, mid, tid }, [...u16(33), 1, 0x0a, ...u32(info.length), ...u16(96), ...u16(0), ...u32(0), ...fid, ...info]));
};
const ok = (cmd: number, mid: number, tid: number, body: number[] = [...u16(2), 0, 0]): number[] => nbss(smb2({ cmd, mid, tid, resp: true }, body));

const FID_A = fileId(0x45n, 0xffffffff00000001n);
const FID_B = fileId(0x49n, 0xffffffff00000005n);
const PDF = [..."%PDF-1.4\n"].map((c) => c.charCodeAt(0)).concat(new Array<number>(100).fill(0x41));

/** A disk share: open, read the file in two chunks out of order, close; a pipe share: open srvsvc (not logged). */
function diskSession(): Step[] {
  return [
    ["c", treeReq(1, "\\\\srv\\share")],
    ["s", treeResp(1, 1, 1)],
    ["c", createReq(2, 1, "docs\\a.pdf")],
    ["s", createResp(2, 1, FID_A, PDF.length, 1600000000)],
    ["c", readReq(3, 1, FID_A, 50, 59)],
    ["s", readResp(3, 1, PDF.slice(50))],
    ["c", readReq(4, 1, FID_A, 0, 50)],
    ["s", readResp(4, 1, PDF.slice(0, 50))],
    ["c", closeReq(5, 1, FID_A)],
    ["s", ok(6, 5, 1, [...u16(60), ...new Array<number>(58).fill(0)])],
    ["c", treeReq(6, "\\\\srv\\IPC$")],
    ["s", treeResp(6, 2, 2)],
    ["c", createReq(7, 2, "srvsvc")],
    ["s", createResp(7, 2, FID_B, 0, 0)],
  ];
}

test("SMB2: tree connects are smb_mapping rows; a create is a FILE_OPEN row; reads at offsets make one file named after it", async () => {
  const r = await runTcp(diskSession(), { sport: 445, watch: ["smb2_tree_connect_request", "smb2_read_request"] });
  const mapping = r.log("smb_mapping").map((row) => row.slice(6).join(" "));
  assert.deepEqual(mapping, ["\\\\\\\\srv\\\\share - - DISK", "\\\\\\\\srv\\\\IPC$ - - PIPE"]);
  const files = r.log("smb_files").map((row) => row.slice(6, 12).join(" "));
  // The pipe open (PIPE_OPEN) is not among SMB::logged_file_actions; the share root's "times" are 0 there, so no times.
  assert.deepEqual(files, ["- SMB::FILE_OPEN \\\\\\\\srv\\\\share docs\\\\a.pdf 109 -"]);
  assert.equal(r.log("smb_files")[0]![12], "1600000000.000000");
  const f = r.log("files");
  assert.equal(f.length, 1);
  // source, mime type (sniffed once the first bytes came), filename, is_orig F (read), seen and total bytes.
  assert.deepEqual([f[0]![7], f[0]![10], f[0]![11], f[0]![14], f[0]![15], f[0]![16]], ["SMB", "application/pdf", "docs\\\\a.pdf", "F", "109", "109"]);
  assert.equal(r.log("conn")[0]![7], "smb");
  assert.deepEqual(r.violations, []);
  assert.equal(r.events.filter((e) => e.startsWith("smb2_read_request")).length, 2);
  assert.match(r.events[0]!, /^smb2_tree_connect_request c \{.*"tree_id":0.*\} "\\\\\\\\srv\\\\share"$/);
});

test("SMB2: a rename is a FILE_RENAME row with prev_name; delete-on-close at create is a FILE_DELETE row; a write is an orig file", async () => {
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\share")],
      ["s", treeResp(1, 1, 1)],
      ["c", createReq(2, 1, "old.txt")],
      ["s", createResp(2, 1, FID_A, 0, 1600000000)],
      ["c", writeReq(3, 1, FID_A, 0, [...Buffer.from("hello world\n")])],
      ["s", ok(9, 3, 1, [...u16(17), 0, 0, ...u32(12), ...u32(0), ...u16(0), ...u16(0)])],
      ["c", renameReq(4, 1, FID_A, "new.txt")],
      ["s", ok(17, 4, 1)],
      ["c", createReq(5, 1, "tmp.dat", 0x1000)],
      ["s", createResp(5, 1, FID_B, 0, 1600000100)],
    ],
    { sport: 445 },
  );
  const files = r.log("smb_files").map((row) => [row[7], row[9], row[11]].join(" "));
  assert.deepEqual(files, ["SMB::FILE_OPEN old.txt -", "SMB::FILE_RENAME new.txt old.txt", "SMB::FILE_OPEN tmp.dat -", "SMB::FILE_DELETE tmp.dat -"]);
  const f = r.log("files");
  assert.deepEqual([f[0]![11], f[0]![14], f[0]![15]], ["old.txt", "T", "12"]);
});

test("SMB2: compounded PDUs (next_command) are each parsed; a PENDING reply keeps the request's state", async () => {
  // The first PDU is padded to 8 bytes as clients do; next_command counts from its header.
  const len = 64 + createBody("x.bin").length;
  const next = len + ((8 - (len % 8)) % 8);
  const chain = [...smb2({ cmd: 5, mid: 2, tid: 1, next }, createBody("x.bin")), ...new Array<number>(next - len).fill(0), ...closeReqBody(3, 1)];
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\share")],
      ["s", treeResp(1, 1, 1)],
      ["c", nbss(chain)],
      ["s", nbss(smb2({ cmd: 5, mid: 2, tid: 1, resp: true, status: 0x103 }, [...u16(9), 0, 0, ...u32(0), 0]))],
      ["s", createResp(2, 1, FID_A, 5, 1600000000)],
    ],
    { sport: 445, watch: ["smb2_message"] },
  );
  const requests = r.events.filter((e) => e.endsWith(" true")).map((e) => JSON.parse(e.split(" ")[2]!).command as number);
  assert.deepEqual(requests, [3, 5, 6]);
  assert.deepEqual(
    r.log("smb_files").map((row) => row[9]),
    ["x.bin"],
  );
});

test("log-cmds: smb_cmd.log has a row per answered command, as its record stands at the response's header; PENDING and ignored statuses write none", async () => {
  const negotiateReq = nbss(
    smb2({ cmd: 0, mid: 0 }, [
      ...u16(36),
      ...u16(2),
      ...u16(1),
      ...u16(0),
      ...u32(0),
      ...new Array<number>(16).fill(0),
      ...u64(0n),
      ...u16(0x202),
      ...u16(0x311),
    ]),
  );
  const negotiateResp = nbss(
    smb2({ cmd: 0, mid: 0, resp: true }, [
      ...u16(65),
      ...u16(1),
      ...u16(0x311),
      ...u16(0),
      ...new Array<number>(16).fill(0),
      ...u32(0),
      ...u32(65536),
      ...u32(65536),
      ...u32(65536),
      ...u64(0n),
      ...u64(0n),
      ...u16(128),
      ...u16(0),
      ...u32(0),
    ]),
  );
  const steps: Step[] = [
    ["c", negotiateReq],
    ["s", negotiateResp],
    ["c", nbss(smb2({ cmd: 1, mid: 1 }, [...u16(25), 0, 1, ...u32(0), ...u32(0), ...u16(88), ...u16(0), ...u64(0n)]))],
    ["s", nbss(smb2({ cmd: 1, mid: 1, resp: true, status: 0xc0000016 }, [...u16(9), ...u16(0), ...u16(72), ...u16(0), 0]))],
    ...diskSession().slice(0, 4),
    ["c", createReq(7, 1, "missing.txt")],
    ["s", nbss(smb2({ cmd: 5, mid: 7, tid: 1, resp: true, status: 0x103 }, [...u16(9), 0, 0, ...u32(0), 0]))],
    ["s", nbss(smb2({ cmd: 5, mid: 7, tid: 1, resp: true, status: 0xc0000034 }, [...u16(9), 0, 0, ...u32(0), 0]))],
  ];
  const r = await runTcp(steps, { sport: 445, loads: ["policy/protocols/smb/log-cmds"] });
  const cmds = r.log("smb_cmd");
  // command, sub_command, argument, status, version; then the referenced file's action, path and name. The
  // negotiated dialect becomes the argument at the response's own event, after the row (Zeek's baselines show "-").
  assert.deepEqual(
    cmds.map((row) => [...row.slice(6, 10), row[11], row[22], row[23], row[24]].join(" ")),
    [
      "NEGOTIATE_PROTOCOL - - SUCCESS SMB2 - - -",
      "TREE_CONNECT - - SUCCESS SMB2 - - -",
      "CREATE - - SUCCESS SMB2 SMB::FILE_OPEN - docs\\\\a.pdf",
      "CREATE - - OBJECT_NAME_NOT_FOUND SMB2 SMB::FILE_OPEN - missing.txt",
    ],
  );
  // rtt: from the request to the response; the file's connection is the command's.
  assert.ok(cmds.every((row) => Number(row[10]) > 0));
  assert.deepEqual(cmds[2]!.slice(16, 21), cmds[2]!.slice(1, 6));
  const without = await runTcp(steps, { sport: 445 });
  assert.deepEqual(without.log("smb_cmd"), []);
  const pending = await runTcp(steps, { sport: 445, loads: ["protocols/smb/log-cmds"], settings: { "SMB::ignored_command_statuses": new Set(["SUCCESS"]) } });
  assert.deepEqual(
    pending.log("smb_cmd").map((row) => row[9]),
    ["MORE_PROCESSING_REQUIRED", "OBJECT_NAME_NOT_FOUND"],
  );
});

function closeReqBody(mid: number, tid: number): number[] {
  return smb2({ cmd: 6, mid, tid }, [...u16(24), ...u16(0), ...u32(0), ...FID_A]);
}

// ---------------------------------------------------------------- SMB1

interface H1 {
  cmd: number;
  mid: number;
  tid?: number;
  resp?: boolean;
}
function smb1(h: H1, words: number[], bytes: number[], unicode = true): number[] {
  const hdr = [
    0xff,
    0x53,
    0x4d,
    0x42,
    h.cmd,
    ...u32(0),
    h.resp ? 0x98 : 0x18,
    ...u16(unicode ? 0xc807 : 0x4807),
    ...u16(0),
    ...new Array<number>(8).fill(0),
    ...u16(0),
    ...u16(h.tid ?? 0),
    ...u16(0xfeff),
    ...u16(100),
    ...u16(h.mid),
  ];
  return [...hdr, words.length / 2, ...words, ...u16(bytes.length), ...bytes];
}
const NO_ANDX = [0xff, 0, 0, 0];

/** SMB1: a tree connect AndX, an NT create AndX of \\report.txt, and a read AndX of it. */
function smb1Session(): Step[] {
  const path = [0, ...utf16("\\\\SRV\\DOCS"), 0, 0];
  const svc = [..."A:"].map((c) => c.charCodeAt(0)).concat(0);
  const nfs = [...utf16("NTFS"), 0, 0];
  const name = [0, ...utf16("\\report.txt"), 0, 0];
  const times = [...u64(ft(1500000000)), ...u64(ft(1500000001)), ...u64(ft(1500000002)), ...u64(ft(1500000003))];
  const data = [...Buffer.from("the report\n")];
  return [
    ["c", nbss(smb1({ cmd: 0x75, mid: 1 }, [...NO_ANDX, ...u16(0), ...u16(1)], [0, ...path.slice(1), ...svc]))],
    ["s", nbss(smb1({ cmd: 0x75, mid: 1, tid: 7, resp: true }, [...NO_ANDX, ...u16(1)], [...svc, ...nfs]))],
    [
      "c",
      nbss(
        smb1(
          { cmd: 0xa2, mid: 2, tid: 7 },
          [...NO_ANDX, 0, ...u16(22), ...u32(0), ...u32(0), ...u32(0x80), ...u64(0n), ...u32(0), ...u32(7), ...u32(1), ...u32(0), ...u32(2), 0],
          name,
        ),
      ),
    ],
    [
      "s",
      nbss(
        smb1(
          { cmd: 0xa2, mid: 2, tid: 7, resp: true },
          [...NO_ANDX, 0, ...u16(0x4001), ...u32(1), ...times, ...u32(0x20), ...u64(11n), ...u64(11n), ...u16(0), ...u16(0), 0],
          [],
        ),
      ),
    ],
    ["c", nbss(smb1({ cmd: 0x2e, mid: 3, tid: 7 }, [...NO_ANDX, ...u16(0x4001), ...u32(0), ...u16(11), ...u16(11), ...u32(0), ...u16(0), ...u32(0)], []))],
    [
      "s",
      nbss(
        smb1(
          { cmd: 0x2e, mid: 3, tid: 7, resp: true },
          [...NO_ANDX, ...u16(0), ...u16(0), ...u16(0), ...u16(11), ...u16(60), ...u16(0), ...u64(0n)],
          [0, ...data],
        ),
      ),
    ],
  ];
}

test("SMB1: tree connect AndX and NT create AndX rows (SMB1 leaves the path unset), read AndX data to a file", async () => {
  const r = await runTcp(smb1Session(), { sport: 139 });
  assert.deepEqual(
    r.log("smb_mapping").map((row) => row.slice(6).join(" ")),
    ["\\\\\\\\SRV\\\\DOCS A: NTFS DISK"],
  );
  assert.deepEqual(
    r.log("smb_files").map((row) => row.slice(7, 12).join(" ")),
    ["SMB::FILE_OPEN - \\\\report.txt 11 -"],
  );
  const f = r.log("files");
  assert.deepEqual([f[0]![11], f[0]![15], f[0]![16]], ["\\\\report.txt", "11", "11"]);
  assert.deepEqual(r.violations, []);
});

test("log-cmds on SMB1: a successful tree connect or read AndX writes no row; the create's row has its name as argument and the tree", async () => {
  const r = await runTcp(smb1Session(), { sport: 139, loads: ["policy/protocols/smb/log-cmds"] });
  // command, argument, status, version, tree, tree_service (the tree the response's header names), the referenced file's action and name.
  assert.deepEqual(
    r.log("smb_cmd").map((row) => [row[6], row[8], row[9], row[11], row[13], row[14], row[22], row[24]].join(" ")),
    ["NT_CREATE_ANDX \\\\report.txt SUCCESS SMB1 \\\\\\\\SRV\\\\DOCS A: SMB::FILE_OPEN \\\\report.txt"],
  );
});

test("SMB1 AndX chains: one that does not advance and one past SMB::max_andx_depth are weirds and the 'X' history letter", async () => {
  // A logoff AndX is 7 bytes (word count, AndX command, reserved, offset, byte count); the first follows the 32-byte header, and an offset of 0 (with a command) points back.
  const logoff = (next: number, offset: number): number[] => [2, next, 0, ...u16(offset), ...u16(0)];
  const stuck = nbss(smb1({ cmd: 0x74, mid: 1 }, [0x74, 0, ...u16(0)], []));
  const chain: number[] = smb1({ cmd: 0x74, mid: 2 }, [0x74, 0, ...u16(39)], []);
  for (let k = 1; k <= 11; k++) chain.push(...logoff(0x74, 32 + 7 * (k + 1)));
  for (const [msg, weird] of [
    [stuck, "smb_andx_offset_not_advancing"],
    [nbss(chain), "smb_andx_depth_exceeded"],
  ] as const) {
    const r = await runTcp([["c", msg]], { sport: 445 });
    assert.deepEqual(
      r.log("weird").map((w) => [w[6], w[7]]),
      [[weird, "-"]],
    );
    assert.match(r.log("conn")[0]![15]!, /X/, weird);
  }
});

// ---------------------------------------------------------------- pipes and children

test("SMB2: pipe writes, reads and FSCTL_PIPE_TRANSCEIVE ioctls go to one DCE_RPC child per file id, not to files", async () => {
  const seen: string[] = [];
  const fake: AppAnalyzerSpec = {
    name: "DCE_RPC",
    tcpPorts: [],
    create(host): AppAnalyzer {
      seen.push(`new ${host.childKey}`);
      return {
        deliverStream: (isOrig, _seq, data) => {
          seen.push(`${host.childKey} ${isOrig ? "o" : "r"} ${Buffer.from(data).toString()}`);
        },
        undelivered: () => {},
        endOfData: () => {},
        done: () => {},
      };
    },
  };
  const fidA = fileId(1n, 2n);
  const fidB = fileId(10n, 20n);
  const ioctl = (mid: number, fid: number[], input: number[]): number[] =>
    nbss(
      smb2({ cmd: 11, mid, tid: 2 }, [
        ...u16(57),
        ...u16(0),
        ...u32(0x11c017),
        ...fid,
        ...u32(120),
        ...u32(input.length),
        ...u32(0),
        ...u32(0),
        ...u32(0),
        ...u32(1024),
        ...u32(1),
        ...u32(0),
        ...input,
      ]),
    );
  const ioctlResp = (mid: number, fid: number[], output: number[]): number[] =>
    nbss(
      smb2({ cmd: 11, mid, tid: 2, resp: true }, [
        ...u16(49),
        ...u16(0),
        ...u32(0x11c017),
        ...fid,
        ...u32(0),
        ...u32(0),
        ...u32(112),
        ...u32(output.length),
        ...u32(0),
        ...u32(0),
        ...output,
      ]),
    );
  const steps: Step[] = [
    ["c", treeReq(1, "\\\\srv\\IPC$")],
    ["s", treeResp(1, 2, 2)],
    ["c", createReq(2, 2, "srvsvc")],
    ["s", createResp(2, 2, fidA, 0, 0)],
    ["c", writeReq(3, 2, fidA, 0, [...Buffer.from("bind")])],
    ["c", readReq(4, 2, fidA, 0, 100)],
    ["s", readResp(4, 2, [...Buffer.from("bind_ack")])],
    ["c", ioctl(5, fidB, [...Buffer.from("request")])],
    ["s", ioctlResp(5, fidB, [...Buffer.from("response")])],
  ];
  const engine = new Engine().registerAnalyzer(fake);
  const scripts = loadBuiltinScripts(engine, { memory: true });
  await engine.run(memorySource(tcpTrace(segments(steps), { sport: 445, cport: 40000 })));
  assert.deepEqual(seen, ["new 3", "3 o bind", "3 r bind_ack", "new 30", "30 o request", "30 r response"]);
  const filesText = scripts.logs.text("files");
  assert.equal(filesText.split("\n").filter((l) => l !== "" && !l.startsWith("#")).length, 0);
});

/** The steps on an SMB2 connection with `settings`, `watch(engine, out)` registering handlers that push what they see; the weird.log rows' name and addl. */
async function runSmb(
  steps: Step[],
  settings: Partial<EngineSettings>,
  watch: (engine: Engine, out: string[]) => void,
): Promise<{ seen: string[]; weirds: string[] }> {
  const engine = new Engine({ settings });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const seen: string[] = [];
  watch(engine, seen);
  await engine.run(memorySource(tcpTrace(segments(steps), { sport: 445, cport: 40000 })));
  const weirds = scripts.logs
    .text("weird")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(6, 8).join(" "));
  return { seen, weirds };
}

/** Seven tree connects never answered; at each discard, |c$smb_state$pending_cmds| before the script's handler and after. */
async function unanswered(settings: Partial<EngineSettings>): Promise<{ seen: string[]; weirds: string[] }> {
  const steps: Step[] = [1, 2, 3, 4, 5, 6, 7].map((mid) => ["c", treeReq(mid, "\\\\srv\\share")]);
  return runSmb(steps, settings, (engine, out) => {
    const pending = (when: string) => (c: Connection, state: string) => void out.push(`${when} ${state} ${smbStateSizes(engine.settings, c)?.pending_cmds}`);
    engine.on("smb2_discarded_messages_state", pending("before"), { priority: 10 });
    engine.on("smb2_discarded_messages_state", pending("after"), { priority: -10 });
  });
}

test("SMB::max_pending_messages: a request finding its map full discards it first (smb2_discarded_messages_state, a weird), the script's pending commands with it; 0: no bound", async () => {
  const bounded = await unanswered({ "SMB::max_pending_messages": 3 });
  // The 4th and 7th requests find three tree ids waiting; the script's table is emptied each time (the request itself comes after).
  assert.deepEqual(bounded.seen, ["before tree 3", "after tree 0", "before tree 3", "after tree 0"]);
  assert.deepEqual(bounded.weirds, ["SMB_discarded_messages_state state=tree fid_map=0 tid_map=0 pending_cmds=3 pipe_map=0"]);
  const kept = await unanswered({ "SMB::max_pending_messages": 3, "SMB::enable_clear_script_state": false });
  assert.deepEqual(kept.seen, ["before tree 3", "after tree 3", "before tree 6", "after tree 6"]);
  assert.deepEqual((await unanswered({ "SMB::max_pending_messages": 0 })).seen, []);
});

/** Binds on three pipes (file ids 1, 2, 3) of an IPC$ tree: |c$dce_rpc_backing| after each, and the discards. */
async function threePipes(settings: Partial<EngineSettings>): Promise<{ seen: string[]; weirds: string[] }> {
  const fid = (n: number): number[] => fileId(BigInt(n), 0n);
  const steps: Step[] = [
    ["c", treeReq(1, "\\\\srv\\IPC$")],
    ["s", treeResp(1, 2, 2)],
    ...[1, 2, 3].map((n): Step => ["c", writeReq(1 + n, 2, fid(n), 0, [...pdu(BIND, bindBody(EPMAPPER))])]),
  ];
  return runSmb(steps, settings, (engine, out) => {
    engine.on("dce_rpc_bind", (c, f) => void out.push(`bind ${f} backing ${dceRpcBackingSize(c)}`));
    engine.on("smb_discarded_dce_rpc_analyzers", (c) => void out.push(`discarded backing ${dceRpcBackingSize(c)}`));
  });
}

test("SMB::max_dce_rpc_analyzers: a new pipe finding that many analyzers discards them all first, and the script its backing state (a weird); 0: no bound", async () => {
  const bounded = await threePipes({ "SMB::max_dce_rpc_analyzers": 2 });
  // The script's handler (priority 0) ran before the twin's registered after it: the backing table is unset until the third pipe's bind.
  assert.deepEqual(bounded.seen, ["bind 1 backing 1", "bind 2 backing 2", "discarded backing undefined", "bind 3 backing 1"]);
  assert.deepEqual(bounded.weirds, ["SMB_discarded_dce_rpc_analyzers -"]);
  const unbounded = await threePipes({ "SMB::max_dce_rpc_analyzers": 0 });
  assert.deepEqual(unbounded.seen, ["bind 1 backing 1", "bind 2 backing 2", "bind 3 backing 3"]);
  assert.deepEqual(unbounded.weirds, []);
});

test("SMB2: without a DCE_RPC analyzer (not registered) pipe data is dropped quietly", async () => {
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\IPC$")],
      ["s", treeResp(1, 2, 2)],
      ["c", createReq(2, 2, "lsarpc")],
      ["s", createResp(2, 2, FID_B, 0, 0)],
      ["c", writeReq(3, 2, FID_B, 0, [1, 2, 3, 4])],
    ],
    { sport: 445 },
  );
  assert.deepEqual(r.violations, []);
  assert.equal(r.log("files").length, 0);
});

// ---------------------------------------------------------------- hostile input

test("SMB: malformed messages are BinPAC's violations (worded from the record's start), never exceptions; sync needs a header", async () => {
  const bad = smb2({ cmd: 9, mid: 3, tid: 1 }, [
    ...u16(49),
    ...u16(112),
    ...u32(5000),
    ...u64(0n),
    ...FID_A,
    ...u32(0),
    ...u32(0),
    ...u16(0),
    ...u16(0),
    ...u32(0),
    1,
    2,
    3,
  ]);
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\share")],
      ["s", treeResp(1, 1, 1)],
      // Over DPD::ignore_violations_after (10 KiB) a violation no longer removes the analyzer.
      ["c", writeReq(2, 1, FID_A, 0, new Array<number>(11000).fill(0x61))],
      ["c", nbss(bad)],
      // After the violation, bytes without an SMB header at offset 4 are ignored until one comes.
      ["c", [1, 2, 3, 4, 5, 6, 7, 8, 9]],
      // The client's parse unit went with its error: this request parses.
      ["c", createReq(4, 1, "lost.txt")],
      // The server's unit was left over (waiting for a header): its first chunk is lost, and both sides resync.
      ["s", createResp(4, 1, FID_B, 1, 1600000000)],
      // Now the client's unit (of lost.txt's request) is the left-over one.
      ["c", createReq(5, 1, "lost2.txt")],
      ["c", createReq(6, 1, "after.txt")],
      ["s", createResp(6, 1, FID_B, 1, 1600000000)],
      ["c", nbss([0xff, 0x53, 0x4d, 0x42])],
    ],
    { sport: 445 },
  );
  const stale = "SMB Binpac exception: binpac exception: out_of_bound: uint24: 3 > -1";
  assert.deepEqual(r.violations, [
    "SMB Binpac exception: binpac exception: out_of_bound: SMB2_write_request:data: 5048 > 51",
    stale,
    stale,
    "SMB Binpac exception: binpac exception: out_of_bound: SMB_PDU:header: 28 > 0",
  ]);
  assert.deepEqual(
    r.log("smb_files").map((row) => row[9]),
    ["after.txt"],
  );
});

test("SMB2: after a content gap inside a read response, the first header chunk of each side is lost to its left-over parse unit (Zeek: smb3_multichannel's 11regedit.enc)", async () => {
  const data = new Array<number>(3000).fill(0x4d);
  const read = readResp(3, 1, data);
  const FID_C = fileId(0x4dn, 0xffffffff0000000dn);
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\share")],
      ["s", treeResp(1, 1, 1)],
      ["c", createReq(2, 1, "a.exe")],
      ["s", createResp(2, 1, FID_A, data.length, 1600000000)],
      ["c", readReq(3, 1, FID_A, 0, data.length)],
      // The response's frame is cut by a hole the client acks: the analyzer resyncs inside the frame.
      ["s", read.slice(0, 1000)],
      ["gap-s", 1000],
      ["s", read.slice(2000)],
      // Both sides' next requests and responses start with headers, yet the first of each side is lost.
      ["c", createReq(4, 1, "b.enc")],
      ["s", createResp(4, 1, FID_B, 0, 1600000100)],
      ["c", createReq(5, 1, "c.enc")],
      ["s", createResp(5, 1, FID_C, 0, 1600000200)],
    ],
    { sport: 445 },
  );
  assert.deepEqual(
    r.log("smb_files").map((row) => [row[7], row[9]]),
    [
      ["SMB::FILE_OPEN", "a.exe"],
      ["SMB::FILE_OPEN", "c.enc"],
    ],
  );
  // A connection with a gap shows no violations (TCP_ApplicationAnalyzer::AnalyzerViolation).
  assert.deepEqual(r.violations, []);
  // The hole is the conn's missed bytes.
  assert.equal(r.log("conn")[0]![14], "1000");
});

test("SMB: fuzzed SMB1/SMB2 sessions never throw out of the analyzer or the scripts", async () => {
  await fuzzProtocol([diskSession()], 445, 0x5eb, 3, 25);
});

test("SMB2 SET_INFO of the other file classes and the file-system classes: one event each with Zeek's arguments", async () => {
  const setInfo = (mid: number, cls: number, level: number, info: number[]): number[] =>
    nbss(smb2({ cmd: 17, mid, tid: 1 }, [...u16(33), cls, level, ...u32(info.length), ...u16(96), ...u16(0), ...u32(0), ...FID_A, ...info]));
  const name = utf16("SHORT~1.TXT");
  // Zeek reads an EA's name and value as UTF-16 (smb2_string2stringval), though MS-FSCC has them in bytes: so do we.
  const ea = [...u32(0), 0, 4, ...u16(2), ...utf16("us"), ...utf16("A")];
  const watch = [
    "smb2_file_mode",
    "smb2_file_pipe",
    "smb2_file_position",
    "smb2_file_shortname",
    "smb2_file_validdatalength",
    "smb2_file_fullea",
    "smb2_file_link",
    "smb2_file_fsobjectid",
  ] as const;
  const r = await runTcp(
    [
      ["c", treeReq(1, "\\\\srv\\share")],
      ["s", treeResp(1, 1, 1)],
      ["c", setInfo(2, 1, 0x10, u32(0x20))],
      ["c", setInfo(3, 1, 0x18, [...u32(1), ...u32(0)])],
      ["c", setInfo(4, 1, 0x0e, [...u64(4096n)])],
      ["c", setInfo(5, 1, 0x28, [...u32(name.length), ...name])],
      ["c", setInfo(6, 1, 0x27, [...u64(12n)])],
      ["c", setInfo(7, 1, 0x0f, ea)],
      ["c", setInfo(8, 1, 0x0b, [1, ...new Array<number>(7).fill(0), ...u64(0n), ...u32(name.length), ...name])],
      ["c", setInfo(9, 2, 0x08, [...FID_B, ...new Array<number>(48).fill(0)])],
    ],
    { sport: 445, watch: [...watch] },
  );
  assert.deepEqual(r.violations, []);
  const tails = r.events.map((e) => e.replace(/^(\w+) c \{.*?\} \{"persistent":"69","volatile":"18446744069414584321"\} ?/, "$1 "));
  assert.deepEqual(tails, [
    "smb2_file_mode 32",
    "smb2_file_pipe 1 0",
    "smb2_file_position 4096",
    'smb2_file_shortname "SHORT~1.TXT"',
    "smb2_file_validdatalength 12",
    'smb2_file_fullea [{"ea_name":"us","ea_value":"A"}]',
    'smb2_file_link 0 "SHORT~1.TXT"',
    'smb2_file_fsobjectid {"persistent":"73","volatile":"18446744069414584325"} ""',
  ]);
});

// ---------------------------------------------------------------- negotiation

/** An SMB2 negotiate response body of `dialect`, its negotiate contexts (already laid out) right after the fixed part. */
function negotiateResponse(dialect: number, count: number, contexts: number[]): number[] {
  const guid = fileId(0x0102030405060708n, 0x1112131415161718n);
  const fixed = [...u16(65), ...u16(1), ...u16(dialect), ...u16(count), ...guid, ...u32(0), ...u32(0), ...u32(0), ...u32(0)];
  return [...fixed, ...u64(ft(1600000000)), ...u64(0n), ...u16(128), ...u16(0), ...u32(128), ...contexts];
}

/** A negotiate context: its type and data length, four reserved bytes, its data. */
const context = (type: number, data: number[]): number[] => [...u16(type), ...u16(data.length), ...u32(0), ...data];

test("SMB2: a 3.1.1 negotiate response carries its contexts, each but the last padded to 8 bytes; other dialects none; the server GUID as its two halves", async () => {
  const preauth = context(1, [...u16(1), ...u16(3), ...u16(1), 0xaa, 0xbb, 0xcc]); // 17 bytes: 7 of padding follow
  const compression = context(3, [...u16(2), ...u16(0), ...u32(0), ...u16(1), ...u16(2)]);
  const contexts = [...preauth, ...new Array<number>(7).fill(0xee), ...compression, ...new Array<number>(4).fill(0xee), ...context(0x99, [1, 2])];
  const r = await runTcp(
    [
      ["s", nbss(smb2({ cmd: 0, mid: 0, resp: true }, negotiateResponse(0x311, 3, contexts)))],
      ["s", nbss(smb2({ cmd: 0, mid: 1, resp: true }, negotiateResponse(0x302, 3, contexts)))],
    ],
    { sport: 445, watch: ["smb2_negotiate_response"] },
  );
  const [first, second] = r.events.map((e) => JSON.parse(e.slice(e.lastIndexOf(" {") + 1)));
  assert.deepEqual(first.server_guid, { persistent: String(0x0102030405060708n), volatile: String(0x1112131415161718n) });
  assert.deepEqual(first.negotiate_context_values, [
    { context_type: 1, data_length: 9, preauth_info: { hash_alg_count: 1, salt_length: 3, hash_alg: [1], salt: "\xaa\xbb\xcc" } },
    { context_type: 3, data_length: 12, compression_info: { alg_count: 2, algs: [1, 2] } },
    { context_type: 0x99, data_length: 2 },
  ]);
  assert.equal(second.negotiate_context_count, 3);
  assert.deepEqual(second.negotiate_context_values, []);
});

test("SMB1: a LANMAN negotiate response's server time is its DOS date and time read as UTC (the zone word ignored); an unknown word count is a violation", async () => {
  // 2025-09-26 05:01:38: years from 1980, month, day; hours, minutes, seconds in two-second steps.
  const [date, time] = [((2025 - 1980) << 9) | (9 << 5) | 26, (5 << 11) | (1 << 5) | 19];
  // 13 words: dialect index, security mode, buffer, mpx, VCs, raw mode, session key (2), time, date, zone (120 minutes), key length, reserved.
  const words = [
    ...u16(3),
    ...u16(3),
    ...u16(4356),
    ...u16(32),
    ...u16(1),
    ...u16(2),
    ...u32(7),
    ...u16(time),
    ...u16(date),
    ...u16(120),
    ...u16(2),
    ...u16(0),
  ];
  const domain = [...Buffer.from("WG\0", "latin1")];
  const r = await runTcp(
    [
      ["s", nbss(smb1({ cmd: 0x72, mid: 1, resp: true }, words, [0x11, 0x22, ...domain], false))],
      ["s", nbss(smb1({ cmd: 0x72, mid: 2, resp: true }, [...u16(3), 0, 0], [], false))],
    ],
    { sport: 445, watch: ["smb1_negotiate_response", "analyzer_violation_info"] },
  );
  const response = JSON.parse(r.events[0]!.slice(r.events[0]!.lastIndexOf(" {") + 1));
  assert.equal(response.lanman.server_time, 1758862898);
  assert.deepEqual(response.lanman.security_mode, { user_level: true, challenge_response: true });
  assert.deepEqual(response.lanman.raw_mode, { read_raw: false, write_raw: true });
  assert.equal(response.lanman.encryption_key, "\x11\x22");
  assert.equal(response.lanman.primary_domain, "WG");
  assert.equal(r.events.filter((e) => e.startsWith("smb1_negotiate_response")).length, 1);
  assert.match(r.events.find((e) => e.startsWith("analyzer_violation_info")) ?? "", /invalid index for case: SMB1_negotiate_response: 2/);
});
