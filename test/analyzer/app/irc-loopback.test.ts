/**
 * A capture of Debian 12's ngircd on loopback with two scripted clients
 * (captures/make-irc-loopback.sh): registration, a channel join each, a
 * message, and a DCC SEND of a 100-byte file from bob to alice. irc.log's
 * rows, the DCC data connection's service and the file in files.log against
 * what the clients did.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

test("loopback capture: ngircd's registrations, joins and a DCC SEND in irc.log; the transfer an irc-dcc-data connection with its file", async () => {
  const rows = await captureLogs("irc-loopback.pcap");
  const irc = rows("irc");
  assert.deepEqual(
    irc.map((r) => [r.command, r.command === "DCC" ? "" : r.value]),
    [
      ["NICK", "alice"],
      ["USER", "alice"],
      ["NICK", "bob"],
      ["USER", "bob"],
      ["JOIN", "#bronze"],
      ["JOIN", "#bronze"],
      ["DCC", ""],
    ],
  );
  // The offer is seen where the server relays it to alice.
  const dcc = irc.find((r) => r.command === "DCC")!;
  assert.deepEqual([dcc.nick, dcc.dcc_file_name, dcc.dcc_file_size, dcc.dcc_mime_type], ["alice", "notes.txt", "100", "text/plain"]);
  const conns = rows("conn");
  assert.deepEqual(conns.map((r) => r.service).sort(), ["irc", "irc", "irc-dcc-data"]);
  const data = conns.find((r) => r.service === "irc-dcc-data")!;
  assert.equal(data.resp_bytes, "100");
  const files = rows("files");
  assert.deepEqual(
    files.map((f) => [f.source, f.filename, f.mime_type, f.seen_bytes, f.fuid === dcc.fuid]),
    [["IRC_DATA", "notes.txt", "text/plain", "100", true]],
  );
});
