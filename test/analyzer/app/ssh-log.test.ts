/**
 * ssh.log's rules (Zeek's base/protocols/ssh/main.zeek), one test each:
 * when the row is written and what it holds.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { bytes, concat } from "../../helpers/packets.js";
import { col, ecdhInit, ecdhReply, type KexLists, kexinit, NEWKEYS, runSsh, type Turn } from "./ssh-wire.js";

const cat = (...parts: Array<Uint8Array | string>): Uint8Array => concat(...parts.map((p) => (typeof p === "string" ? bytes(p) : p)));
const C = "SSH-2.0-OpenSSH_9.6\r\n";
const S = "SSH-2.0-OpenSSH_9.3\r\n";
const enc = (from: "c" | "s", n: number): Turn => ({ from, data: new Uint8Array(n) });

function handshake(client: KexLists = {}, server: KexLists = {}, c = C, s = S): Turn[] {
  return [
    { from: "c", data: c },
    { from: "s", data: s },
    { from: "c", data: kexinit(client) },
    { from: "s", data: kexinit(server) },
    { from: "c", data: ecdhInit() },
    { from: "s", data: cat(ecdhReply(), NEWKEYS) },
    { from: "c", data: NEWKEYS },
  ];
}

test("ssh.log rule: a success is written at once (ssh_auth_result T), and the analyzer is removed after it", async () => {
  const r = await runSsh(
    [...handshake(), enc("c", 64), enc("s", 68), enc("c", 80), enc("s", 52), enc("c", 100), enc("s", 200)],
    ["ssh_auth_result", "ssh_encrypted_packet", "connection_state_remove"],
  );
  assert.equal(r.ssh.length, 1);
  const row = r.ssh[0]!;
  assert.deepEqual(
    ["version", "auth_success", "auth_attempts", "client", "server"].map((n) => col(row, n)),
    ["2", "T", "1", "SSH-2.0-OpenSSH_9.6", "SSH-2.0-OpenSSH_9.3"],
  );
  // ts is the first version line's time (t=1 in the conversation), not the write time.
  assert.equal(col(row, "ts"), "1.000000");
  const after = r.events.slice(r.events.indexOf("ssh_auth_result c true 1") + 1);
  assert.ok(r.events.includes("ssh_auth_result c true 1"));
  assert.deepEqual(after, ["connection_state_remove c"]);
});

test("ssh.log rule: failures are counted and written at the connection's end after ssh_auth_failed, with ssh_auth_result F", async () => {
  const r = await runSsh(
    [...handshake(), enc("c", 64), enc("s", 68), enc("c", 80), enc("s", 100), enc("c", 90), enc("s", 100), enc("c", 90), enc("s", 100)],
    ["ssh_auth_failed", "ssh_auth_result"],
  );
  assert.deepEqual(r.events, ["ssh_auth_failed c", "ssh_auth_result c false 2"]);
  assert.deepEqual(
    ["auth_success", "auth_attempts"].map((n) => col(r.ssh[0]!, n)),
    ["F", "2"],
  );
});

test("ssh.log rule: without an authentication outcome the row is written at the end as it is; algorithms from both KEXINITs, the host key fingerprint", async () => {
  const r = await runSsh(
    handshake(
      {
        kex: "sntrup761x25519-sha512,curve25519-sha256",
        hostKey: "ssh-ed25519,ecdsa-sha2-nistp256",
        cipher: "chacha20-poly1305@openssh.com,aes128-ctr",
        mac: "umac-64-etm@openssh.com",
        compression: "none,zlib@openssh.com",
      },
      {
        kex: "curve25519-sha256,sntrup761x25519-sha512",
        hostKey: "ecdsa-sha2-nistp256,ssh-ed25519",
        cipher: "aes128-ctr,chacha20-poly1305@openssh.com",
        mac: "hmac-sha1,umac-64-etm@openssh.com",
        compression: "none",
      },
    ),
  );
  const row = r.ssh[0]!;
  assert.deepEqual(
    ["auth_success", "auth_attempts", "cipher_alg", "mac_alg", "compression_alg", "kex_alg", "host_key_alg"].map((n) => col(row, n)),
    ["-", "0", "chacha20-poly1305@openssh.com", "umac-64-etm@openssh.com", "none", "sntrup761x25519-sha512", "ssh-ed25519"],
  );
  assert.match(col(row, "host_key_fingerprint"), /^SHA256:[A-Za-z0-9+/]{32}$/);
});

test("ssh.log rule: no common algorithm is 'Algorithm negotiation failed'; directions that differ are 'To server: …, to client: …'", async () => {
  const turns = handshake({ kex: "a", hostKey: "h1" }, { kex: "b", hostKey: "h2" });
  // A client KEXINIT whose two cipher lists differ (built by hand: kexinit() repeats one list).
  const { ssh2Packet, sshString, u32 } = await import("./ssh-wire.js");
  turns[2] = {
    from: "c",
    data: ssh2Packet(
      20,
      concat(
        bytes("0123456789abcdef"),
        sshString("a"),
        sshString("h1"),
        sshString("aes128-ctr"),
        sshString("aes256-ctr"),
        sshString("hmac-sha2-256"),
        sshString("hmac-sha2-256"),
        sshString("none"),
        sshString("none"),
        sshString(""),
        sshString(""),
        new Uint8Array([0]),
        u32(0),
      ),
    ),
  };
  turns[3] = { from: "s", data: kexinit({ kex: "b", hostKey: "h2", cipher: "aes256-ctr,aes128-ctr" }) };
  const r = await runSsh(turns.slice(0, 4));
  const row = r.ssh[0]!;
  assert.equal(col(row, "kex_alg"), "Algorithm negotiation failed");
  assert.equal(col(row, "host_key_alg"), "Algorithm negotiation failed");
  assert.equal(col(row, "cipher_alg"), "To server: aes128-ctr, to client: aes256-ctr");
});

test("ssh.log rule: direction is OUTBOUND or INBOUND when exactly one side is local, unset otherwise", async () => {
  const dir = async (client: string, server: string): Promise<string> =>
    col((await runSsh(handshake().slice(0, 2), [], { ends: { client, server } })).ssh[0]!, "direction");
  assert.equal(await dir("10.1.1.1", "198.51.99.1"), "OUTBOUND");
  assert.equal(await dir("198.51.99.1", "192.168.0.2"), "INBOUND");
  assert.equal(await dir("10.1.1.1", "192.168.0.2"), "-");
});

test("ssh.log rule: with compression, packet sizes are not taken as authentication", async () => {
  const zlib = { compression: "zlib@openssh.com" };
  const r = await runSsh([...handshake(zlib, zlib), enc("c", 64), enc("s", 68), enc("c", 80), enc("s", 52)]);
  assert.deepEqual(
    ["compression_alg", "auth_success", "auth_attempts"].map((n) => col(r.ssh[0]!, n)),
    ["zlib@openssh.com", "-", "0"],
  );
});

test("ssh.log rule: version: 1.99 goes with either; SSH1 against SSH2 is unset with the SSH_version_mismatch weird", async () => {
  const version = async (c: string, s: string): Promise<{ v: string; weird: string[] }> => {
    const r = await runSsh([
      { from: "c", data: c },
      { from: "s", data: s },
    ]);
    return { v: col(r.ssh[0]!, "version"), weird: r.weird.map((w) => w.split("\t").slice(6, 8).join(" ")) };
  };
  assert.deepEqual(await version("SSH-1.99-a\n", "SSH-2.0-b\n"), { v: "2", weird: [] });
  assert.deepEqual(await version("SSH-1.5-a\n", "SSH-1.99-b\n"), { v: "1", weird: [] });
  assert.deepEqual(await version("SSH-1.99-a\n", "SSH-1.99-b\n"), { v: "2", weird: [] });
  assert.deepEqual(await version("SSH-1.5-a\n", "SSH-2.0-b\n"), { v: "-", weird: ["SSH_version_mismatch SSH-2.0-b vs SSH-1.5-a"] });
  assert.deepEqual(await version("SSH-\n", "SSH-2.0-b\n"), { v: "-", weird: ["SSH_cannot_determine_version SSH-2.0-b vs SSH-"] });
});
