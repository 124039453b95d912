/**
 * A capture of Debian 12's Prosody on loopback with a scripted client that
 * upgrades its stream with STARTTLS (captures/make-xmpp-loopback.sh): the
 * connection is XMPP, then SSL (conn.log's "xmpp,ssl"), and the TLS 1.3
 * handshake Python's OpenSSL 3 makes is in ssl.log (its default cipher suite
 * and group, the name the client asked for).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { captureLogs } from "./capture-logs.js";

test("loopback capture: Prosody's STARTTLS hands the stream to SSL (xmpp,ssl) and the TLS 1.3 handshake is in ssl.log", async () => {
  const rows = await captureLogs("xmpp-loopback.pcap");
  const conn = rows("conn");
  assert.deepEqual(
    conn.map((r) => [r["id.resp_p"], r.service]),
    [["5222", "xmpp,ssl"]],
  );
  const ssl = rows("ssl");
  assert.deepEqual(
    ssl.map((r) => [r.uid === conn[0]!.uid, r.version, r.cipher, r.curve, r.server_name, r.established]),
    [[true, "TLSv13", "TLS_AES_256_GCM_SHA384", "x25519", "bronze.test", "T"]],
  );
});
