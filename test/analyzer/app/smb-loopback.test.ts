/**
 * SMB from Debian's Samba 4.17 and its smbclient, captured on loopback
 * (captures/make-smb-loopback.sh: a share listing over srvsvc, an SMB 3.1.1
 * session that reads, writes, lists, makes a folder and deletes, an SMB 2.0.2
 * session that reads; NTLMv2 each time). smb_mapping.log, smb_files.log,
 * ntlm.log, dce_rpc.log and files.log (with hash-all-files) are checked
 * against what the script did and the files it made; the negotiation and
 * the NTLM challenge against tshark's reading.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { HELLO, md5, UPLOAD } from "./capture-files.js";
import { captureLogs, inStartOrder } from "./capture-logs.js";

const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "smb-loopback.pcap");

interface Run {
  rows: (path: string) => Record<string, string>[];
  /** Per negotiate response: the connection's source port, the dialect, the context types. */
  negotiated: [number, number, number[]][];
}

async function run(): Promise<Run> {
  const negotiated: Run["negotiated"] = [];
  const rows = await captureLogs(
    "smb-loopback.pcap",
    (engine) =>
      void engine.on("smb2_negotiate_response", (c, _hdr, r) => {
        negotiated.push([c.id.orig_p, r.dialect_revision, r.negotiate_context_values.map((v) => v.context_type)]);
      }),
    ["frameworks/files/hash-all-files"],
  );
  return { rows, negotiated };
}

let cached: Promise<Run> | undefined;
const logs = (): Promise<Run> => (cached ??= run());

/** The three sessions' connections by their start, as conn.log's uids. */
async function sessions(): Promise<string[]> {
  const conn = (await logs()).rows("conn");
  return inStartOrder(conn).map((c) => c.uid!);
}

test("Samba and smbclient: conn.log names the protocols each session used, nothing is weird", async () => {
  const { rows } = await logs();
  const uids = await sessions();
  const services = (uid: string): string[] =>
    rows("conn")
      .find((c) => c.uid === uid)!
      .service!.split(",")
      .sort();
  // Only the listing spoke DCE-RPC (srvsvc on a named pipe). The order of a service set is
  // the order the analyzers confirmed, which the corpus' SMB traces pin.
  assert.deepEqual(services(uids[0]!), ["dce_rpc", "gssapi", "ntlm", "smb"]);
  assert.deepEqual(services(uids[1]!), ["gssapi", "ntlm", "smb"]);
  assert.deepEqual(services(uids[2]!), ["gssapi", "ntlm", "smb"]);
  assert.deepEqual(rows("weird"), []);
});

test("Samba and smbclient: each session's trees in smb_mapping.log, the share listing in dce_rpc.log", async () => {
  const { rows } = await logs();
  const uids = await sessions();
  const trees = (uid: string): string[][] => rows("smb_mapping").flatMap((m) => (m.uid === uid ? [[m.path!, m.share_type!]] : []));
  const ipc = ["\\\\\\\\127.0.0.1\\\\IPC$", "PIPE"];
  const pub = ["\\\\\\\\127.0.0.1\\\\pub", "DISK"];
  assert.deepEqual(trees(uids[0]!), [ipc]);
  assert.deepEqual(trees(uids[1]!), [ipc, pub]);
  assert.deepEqual(trees(uids[2]!), [ipc, pub]);
  assert.deepEqual(
    rows("dce_rpc").map((d) => [d.uid, d.named_pipe, d.endpoint, d.operation]),
    [[uids[0], "\\\\pipe\\\\srvsvc", "srvsvc", "NetrShareEnum"]],
  );
});

test("Samba and smbclient: smb_files.log has the opens, the folder made and the delete, with the files' sizes", async () => {
  const { rows } = await logs();
  const uids = await sessions();
  const files = rows("smb_files");
  assert.ok(files.every((f) => f.path === "\\\\\\\\127.0.0.1\\\\pub"));
  const of = (uid: string, name: string): string[][] => files.filter((f) => f.uid === uid && f.name === name).map((f) => [f.action!, f.size!]);
  assert.deepEqual(of(uids[1]!, "hello.txt"), [["SMB::FILE_OPEN", String(HELLO.length)]]);
  assert.deepEqual(of(uids[2]!, "hello.txt"), [["SMB::FILE_OPEN", String(HELLO.length)]]);
  // put: created empty, opened again once written, then deleted with its size.
  assert.deepEqual(of(uids[1]!, "upload.txt"), [
    ["SMB::FILE_OPEN", "0"],
    ["SMB::FILE_OPEN", String(UPLOAD.length)],
    ["SMB::FILE_DELETE", String(UPLOAD.length)],
  ]);
  assert.deepEqual(of(uids[1]!, "sub"), [["SMB::FILE_OPEN", "0"]]);
  // ls and mkdir open the share's root (an empty name).
  assert.ok(of(uids[1]!, "<share_root>").length > 0);
  // Reads and writes are not logged actions (SMB::logged_file_actions).
  assert.ok(files.every((f) => f.action !== "SMB::FILE_READ" && f.action !== "SMB::FILE_WRITE"));
});

test("Samba and smbclient: files.log has the file read twice and the file written, by content", async () => {
  const { rows } = await logs();
  const uids = await sessions();
  const files = rows("files");
  assert.deepEqual(
    files.map((f) => [f.uid, f.source, f.filename, f.is_orig, f.seen_bytes, f.md5, f.mime_type]),
    [
      [uids[1], "SMB", "hello.txt", "F", String(HELLO.length), md5(HELLO), "text/plain"],
      [uids[1], "SMB", "upload.txt", "T", String(UPLOAD.length), md5(UPLOAD), "text/plain"],
      [uids[2], "SMB", "hello.txt", "F", String(HELLO.length), md5(HELLO), "text/plain"],
    ],
  );
  // One file handle for one path, name and modification time: both reads carry one fuid.
  assert.equal(files[0]!.fuid, files[2]!.fuid);
  assert.notEqual(files[0]!.fuid, files[1]!.fuid);
});

test("Samba and smbclient: ntlm.log has the user, the client and the server's names from the challenge", async (t: TestContext) => {
  const { rows } = await logs();
  const ntlm = rows("ntlm");
  assert.deepEqual(
    ntlm.map((n) => [n.username, n.domainname, n.hostname, n.server_nb_computer_name, n.success]),
    Array(3).fill(["bronzesmb", "BRONZE", "BRONZESRV", "BRONZESRV", "T"]),
  );
  const tshark = spawnSync("tshark", ["-r", trace, "-Y", "ntlmssp.messagetype == 2", "-T", "fields", "-e", "ntlmssp.challenge.target_info.dns_computer_name"], {
    encoding: "utf8",
  });
  if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the challenge's names are not cross-checked");
  // The DNS computer name is the capturing machine's host name; the DNS tree name is absent.
  assert.deepEqual(
    ntlm.map((n) => [n.server_dns_computer_name, n.server_tree_name]),
    tshark.stdout
      .trim()
      .split("\n")
      .map((name) => [name, "-"]),
  );
});

test("Samba and smbclient: SMB 3.1.1's negotiate contexts and SMB 2.0.2's none, as tshark reads them", async (t: TestContext) => {
  const { negotiated, rows } = await logs();
  const ports = inStartOrder(rows("conn")).map((c) => Number(c["id.orig_p"]));
  assert.deepEqual(
    negotiated.map(([port]) => port),
    ports,
  );
  const tshark = spawnSync(
    "tshark",
    ["-r", trace, "-Y", "smb2.cmd == 0 && smb2.flags.response == 1", "-T", "fields", "-e", "smb2.dialect", "-e", "smb2.negotiate_context.type"],
    { encoding: "utf8" },
  );
  if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the negotiation is not cross-checked");
  assert.deepEqual(
    negotiated.map(([, dialect, contexts]) => [dialect, contexts]),
    tshark.stdout
      .trim()
      .split("\n")
      .map((line) => {
        // The last line's empty second field goes with the trimmed end.
        const [dialect, types = ""] = line.split("\t") as [string, string?];
        return [Number(dialect), types === "" ? [] : types.split(",").map(Number)];
      }),
  );
  assert.deepEqual(
    negotiated.map(([, dialect]) => dialect),
    [0x311, 0x311, 0x202],
  );
});
