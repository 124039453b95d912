/**
 * A capture of Debian 12's OpenSSH 9.2 (server and client) on loopback
 * (captures/make-ssh-loopback.sh): a login with the authorized key that runs
 * a command, and one with a key the server refuses. ssh.log's heuristics
 * (auth_success from the sizes of the encrypted packets) against what
 * happened, today's default algorithms as negotiated, and the host key's
 * fingerprint against the one ssh-keygen printed when the capture was made.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../../helpers/corpus.js";
import { captureLogs } from "./capture-logs.js";

const CAPTURES = join(repoRoot(), "test/analyzer/app/captures");

test("loopback capture: OpenSSH 9.2's accepted and refused logins in ssh.log, with the negotiated algorithms and the host key's fingerprint", async () => {
  const rows = (await captureLogs("ssh-loopback.pcap"))("ssh");
  const version = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10";
  assert.deepEqual(
    rows.map((r) => [r.version, r.auth_success, r.auth_attempts, r.direction, r.client, r.server]),
    [
      ["2", "T", "1", "-", version, version],
      ["2", "F", "1", "-", version, version],
    ],
  );
  for (const r of rows) {
    assert.deepEqual(
      [r.cipher_alg, r.mac_alg, r.compression_alg, r.kex_alg, r.host_key_alg],
      ["chacha20-poly1305@openssh.com", "umac-64-etm@openssh.com", "none", "sntrup761x25519-sha512", "ssh-ed25519"],
    );
    // Zeek's fingerprint column holds "SHA256:" and the base64 of the digest's first 24 bytes (32 characters; the corpus' ssh.logs have the same length).
    const full = readFileSync(join(CAPTURES, "ssh-loopback.fingerprint"), "utf8").trim();
    assert.equal(r.host_key_fingerprint, full.slice(0, "SHA256:".length + 32));
  }
});
