/**
 * SMTP from swaks to Debian's aiosmtpd, captured on loopback
 * (captures/make-smtp-loopback.sh: a message with fixed headers and a MIME
 * attachment sent one command at a time, the same pipelined, and a session
 * that goes to TLS with STARTTLS). smtp.log, files.log (hash-all-files),
 * ssl.log and conn.log's services are checked against what the script sent,
 * and against tshark for the pipelining and the TLS parameters.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../../helpers/corpus.js";
import { logRows } from "../../helpers/tsv.js";

const trace = join(repoRoot(), "test", "analyzer", "app", "captures", "smtp-loopback.pcap");

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
/** The attachment the script made: "note 1" .. "note 50", one per line. */
const NOTES = Array.from({ length: 50 }, (_, i) => `note ${i + 1}\n`).join("");
/** A set column's elements sorted: without a seed file, Zeek (and bronze) print sets in a random order. */
const asSet = (cell: string | undefined): string | undefined => cell?.split(",").sort().join(",");
const TLS_SUITES: Record<number, string> = { 4865: "TLS_AES_128_GCM_SHA256", 4866: "TLS_AES_256_GCM_SHA384", 4867: "TLS_CHACHA20_POLY1305_SHA256" };

test("SMTP from swaks to aiosmtpd: smtp.log, the message's files and the STARTTLS session as the capture was made", (t) => {
  const out = mkdtempSync(join(tmpdir(), "bronze-smtp-"));
  try {
    const r = spawnSync(process.execPath, [join(repoRoot(), "dist", "bronze.js"), "-C", "-r", trace, "frameworks/files/hash-all-files", "--logdir", out], {
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    const smtp = logRows(join(out, "smtp.log"));
    assert.deepEqual(
      smtp.map((row) => row.helo),
      ["one.bronze.test", "two.bronze.test", "three.bronze.test"],
    );
    for (const [i, n] of ["one", "two"].entries()) {
      const row = smtp[i]!;
      assert.deepEqual(
        {
          trans_depth: row.trans_depth,
          mailfrom: row.mailfrom,
          rcptto: asSet(row.rcptto),
          date: row.date,
          from: row.from,
          to: asSet(row.to),
          subject: row.subject,
          msg_id: row.msg_id,
          user_agent: row.user_agent,
          path: row.path,
          last_reply: row.last_reply,
          tls: row.tls,
        },
        {
          trans_depth: "1",
          mailfrom: "alice@bronze.test",
          rcptto: "bob@bronze.test,carol@bronze.test",
          date: "Thu, 03 Dec 2026 12:00:00 +0000",
          from: "alice@bronze.test",
          to: "bob@bronze.test,carol@bronze.test",
          subject: `bronze loopback ${n}`,
          msg_id: `<${n}@bronze.test>`,
          user_agent: "bronze-swaks",
          // No Received headers: the server's address, then the client's.
          path: "127.0.0.1,127.0.0.1",
          last_reply: "250 OK",
          tls: "F",
        },
        n,
      );
    }
    // After STARTTLS nothing is readable: the session's row says so and no more.
    const tlsRow = smtp[2]!;
    assert.deepEqual(
      [tlsRow.tls, tlsRow.mailfrom, tlsRow.rcptto, tlsRow.subject, tlsRow.fuids, tlsRow.last_reply!.slice(0, 4)],
      ["T", "-", "-", "-", "(empty)", "220 "],
    );

    // Each message is two MIME entities: the text body and the attachment.
    const files = new Map(logRows(join(out, "files.log")).map((row) => [row.fuid!, row]));
    for (const [i, n] of ["one", "two"].entries()) {
      const fuids = smtp[i]!.fuids!.split(",");
      assert.deepEqual(
        fuids.map((f) => {
          const row = files.get(f)!;
          return [row.source, row.mime_type, row.filename, row.seen_bytes, row.md5, row.is_orig];
        }),
        [
          ["SMTP", "text/plain", "-", String(`Hello from session ${n}.`.length), md5(`Hello from session ${n}.`), "T"],
          ["SMTP", "text/plain", "notes.txt", String(NOTES.length), md5(NOTES), "T"],
        ],
        n,
      );
    }
    assert.equal(files.size, 4);

    const ssl = logRows(join(out, "ssl.log"));
    assert.equal(ssl.length, 1);
    assert.equal(ssl[0]!.uid, tlsRow.uid);
    assert.deepEqual([ssl[0]!["id.resp_p"], ssl[0]!.established, ssl[0]!.server_name], ["25", "T", "-"]);

    // aiosmtpd's Controller first connects to itself and reads the banner: no command, so SMTP is never confirmed.
    const services = logRows(join(out, "conn.log")).map((row) => `${row["id.resp_p"]} ${row.service}`);
    assert.deepEqual(services, ["25 -", "25 smtp", "25 smtp", "25 smtp,ssl"]);

    // The capture as tshark reads it: session two sent MAIL, both RCPTs and DATA in one segment.
    const tshark = spawnSync("tshark", ["-r", trace, "-Y", "smtp.req.command", "-T", "fields", "-e", "smtp.req.command"], { encoding: "utf8" });
    if (tshark.error !== undefined || tshark.status !== 0) return oracleMissing(t, "tshark is not installed: the pipelining and TLS checks are skipped");
    assert.ok(tshark.stdout.split("\n").includes("MAIL,RCPT,RCPT,DATA"), tshark.stdout);
    const hello = spawnSync(
      "tshark",
      [
        "-r",
        trace,
        "-d",
        "tcp.port==25,smtp",
        "-Y",
        "tls.handshake.type == 2",
        "-T",
        "fields",
        "-e",
        "tls.handshake.ciphersuite",
        "-e",
        "tls.handshake.extensions.supported_version",
      ],
      { encoding: "utf8" },
    );
    const [suite, version] = hello.stdout.trim().split("\t");
    assert.equal(ssl[0]!.cipher, TLS_SUITES[Number(suite)] ?? `suite ${suite}`);
    assert.equal(ssl[0]!.version, version === "0x0304" ? "TLSv13" : `version ${version}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
