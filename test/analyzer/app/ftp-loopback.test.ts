/**
 * FTP from Debian's pyftpdlib and today's curl, captured on loopback
 * (captures/make-ftp-loopback.sh: RETR over EPSV, PASV and EPRT, STOR over
 * PORT, a LIST, a wrong password). ftp.log, conn.log's ftp/ftp-data services
 * and files.log (with frameworks/files/hash-all-files) are checked against
 * what the script did — the files it made, so their sizes and MD5s — and the
 * data ports against tshark's reading of the PASV/EPSV replies and PORT/EPRT
 * commands.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { logRows } from "../../helpers/tsv.js";
import { HELLO, IMAGE, md5, sha1, UPLOAD } from "./capture-files.js";

const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "ftp-loopback.pcap");

test("FTP from pyftpdlib and curl: ftp.log, ftp-data connections and files.log as the capture was made", (t) => {
  const out = mkdtempSync(join(tmpdir(), "bronze-ftp-"));
  try {
    const r = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), "-C", "-r", trace, "frameworks/files/hash-all-files", "--logdir", out], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const ftp = logRows(join(out, "ftp.log"));
    assert.deepEqual(
      ftp.map((row) => [row.user, row.command, row.reply_code]),
      [
        ["alice", "EPSV", "229"],
        ["alice", "RETR", "226"],
        ["alice", "PASV", "227"],
        ["alice", "RETR", "226"],
        ["alice", "PORT", "200"],
        ["alice", "STOR", "226"],
        ["alice", "EPRT", "200"],
        ["alice", "RETR", "226"],
        // The LIST session: only its EPSV is a logged command.
        ["alice", "EPSV", "229"],
        // bob's wrong password: the summary row of a session without a logged command.
        ["bob", "PASS", "530"],
      ],
    );
    for (const row of ftp) assert.equal(row.password, "<hidden>");
    const transfers = ftp.filter((row) => row.command === "RETR" || row.command === "STOR");
    assert.deepEqual(
      transfers.map((row) => [row.arg, row.mime_type]),
      [
        ["ftp://127.0.0.1/hello.txt", "text/plain"],
        ["ftp://127.0.0.1/image.png", "image/png"],
        // 992 bytes, under File_Analyzer's 1024-byte identification buffer: the type is
        // known only when the data connection ends, after the 226 that writes this row.
        ["ftp://127.0.0.1/upload.txt", "-"],
        ["ftp://127.0.0.1/hello.txt", "text/plain"],
      ],
    );
    // pyftpdlib answers RETR with 125, not 150 (which carries the size), and SIZE's 213 is reset after its own reply.
    for (const row of transfers) assert.equal(row.file_size, "-");

    // Each data channel: the port the reply (PASV/EPSV) or the command (PORT/EPRT) names.
    const channels = ftp.filter((row) => row["data_channel.resp_p"] !== "-");
    const portOf = (row: Record<string, string>): number => {
      if (row.command === "PORT") {
        const p = row.arg!.split(",").map(Number);
        return p[4]! * 256 + p[5]!;
      }
      if (row.command === "EPRT") return Number(row.arg!.split("|")[3]);
      if (row.command === "PASV") {
        const p = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(row.reply_msg!)!.map(Number);
        return p[5]! * 256 + p[6]!;
      }
      return Number(/\(\|\|\|(\d+)\|\)/.exec(row.reply_msg!)![1]);
    };
    assert.deepEqual(
      channels.map((row) => [row.command, row["data_channel.passive"], Number(row["data_channel.resp_p"]) === portOf(row)]),
      [
        ["EPSV", "T", true],
        ["PASV", "T", true],
        ["PORT", "F", true],
        ["EPRT", "F", true],
        ["EPSV", "T", true],
      ],
    );

    const conn = logRows(join(out, "conn.log"));
    assert.deepEqual(
      conn.filter((row) => row["id.resp_p"] === "21").map((row) => row.service),
      Array(6).fill("ftp"),
    );
    const data = conn.filter((row) => row["id.resp_p"] !== "21");
    assert.deepEqual(
      data.map((row) => row.service),
      Array(5).fill("ftp-data"),
    );
    assert.deepEqual(data.map((row) => Number(row["id.resp_p"])).sort(), channels.map((row) => Number(row["data_channel.resp_p"])).sort());

    // files.log: what was sent, by content; the bytes flow from the server, which is the
    // responder of a passive data connection and the originator of an active one.
    const files = logRows(join(out, "files.log"));
    assert.ok(files.every((row) => row.source === "FTP_DATA"));
    const byMd5 = (b: Buffer): Record<string, string>[] => files.filter((row) => row.md5 === md5(b));
    const hello = byMd5(HELLO);
    assert.deepEqual(hello.map((row) => [row.seen_bytes, row.mime_type]).sort(), [
      [String(HELLO.length), "text/plain"],
      [String(HELLO.length), "text/plain"],
    ]);
    assert.deepEqual(hello.map((row) => row.is_orig).sort(), ["F", "T"]); // EPSV, then EPRT
    assert.deepEqual(
      byMd5(IMAGE).map((row) => [row.seen_bytes, row.mime_type, row.is_orig, row.sha1]),
      [[String(IMAGE.length), "image/png", "F", sha1(IMAGE)]],
    );
    assert.deepEqual(
      byMd5(UPLOAD).map((row) => [row.seen_bytes, row.mime_type, row.is_orig]),
      [[String(UPLOAD.length), "text/plain", "F"]],
    );
    // And the LIST's listing: the fifth file.
    assert.equal(files.length, 5);
    for (const row of files) {
      const c = conn.find((x) => x.uid === row.uid);
      assert.equal(c?.service, "ftp-data", row.fuid);
    }

    const tshark = spawnSync(
      "tshark",
      [
        "-r",
        trace,
        "-Y",
        "ftp.passive.port or ftp.active.port or ftp.eprt.port or ftp.epsv.port",
        "-T",
        "fields",
        "-e",
        "ftp.passive.port",
        "-e",
        "ftp.active.port",
        "-e",
        "ftp.eprt.port",
        "-e",
        "ftp.epsv.port",
      ],
      { encoding: "utf8" },
    );
    if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the data-port check is skipped");
    assert.deepEqual(
      tshark.stdout
        .trim()
        .split("\n")
        .map((l) => Number(l.split("\t").find((v) => v !== ""))),
      channels.map((row) => Number(row["data_channel.resp_p"])),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
