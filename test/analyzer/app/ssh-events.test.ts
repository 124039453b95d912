/**
 * The SSH analyzer's rules, one test each, on small crafted conversations:
 * version lines, framing, KEXINIT and the key-exchange methods, host keys,
 * SSH1, encrypted data and the authentication inference, Zeek's limits,
 * violations with binpac's texts, gaps.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../../src/index.js";
import { bytes, concat, memorySource } from "../../helpers/packets.js";
import { handshake, tcpTrace } from "../../session/harness.js";
import { ecdhInit, ecdhReply, HOST_KEY, kexinit, NEWKEYS, runSsh, ssh2Packet, sshString, type Turn, u32 } from "./ssh-wire.js";

const cat = (...parts: Array<Uint8Array | string>): Uint8Array => concat(...parts.map((p) => (typeof p === "string" ? bytes(p) : p)));
const C = "SSH-2.0-OpenSSH_9.6\r\n";
const S = "SSH-2.0-OpenSSH_9.3\r\n";

/** Version lines, both KEXINITs, an ECDH exchange and NEWKEYS from both sides. */
function ecdhHandshake(kex = "curve25519-sha256"): Turn[] {
  return [
    { from: "c", data: C },
    { from: "s", data: S },
    { from: "c", data: kexinit({ kex }) },
    { from: "s", data: kexinit({ kex }) },
    { from: "c", data: ecdhInit() },
    { from: "s", data: cat(ecdhReply(), NEWKEYS) },
    { from: "c", data: NEWKEYS },
  ];
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
const json = (b: Uint8Array): string => JSON.stringify(String.fromCharCode(...b));

test("SSH rule: a client whose first line is not an SSH version is a violation with binpac's mismatch text, the line up to a NUL", async () => {
  const r = await runSsh(
    [
      { from: "c", data: "GET / HTTP/1.1\r\nHost: x\r\n\r\n" },
      { from: "s", data: S },
    ],
    ["analyzer_violation_info", "ssh_client_version"],
  );
  assert.equal(r.events.length, 1);
  const reason = JSON.parse(/"reason":("(?:[^"\\]|\\.)*")/.exec(r.events[0]!)![1]!) as string;
  assert.equal(
    reason,
    'Binpac exception: binpac exception: string mismatch at /work/zeekbuild/src/src/analyzer/protocol/ssh/ssh-protocol.pac:45: \nexpected pattern: "SSH-.*"\nactual data: "GET / HTTP/1.1"',
  );
  const nul = await runSsh([{ from: "c", data: cat("ab", new Uint8Array([0]), "cd\n") }], ["analyzer_violation_info"]);
  assert.match(nul.events[0]!, /actual data: \\"ab\\""/);
});

test("SSH rule: server lines before its version are pre-banner data (cut at '[' or 0xC0/0xC1); lines end at CR or LF, a LF after a CR is skipped", async () => {
  const r = await runSsh(
    [
      { from: "c", data: "SSH-2.0-client\r" },
      { from: "s", data: cat("Welcome [host]\n", new Uint8Array([0x61, 0xc1, 0x62]), "\r\nSSH-1.99-server\r\n") },
      { from: "c", data: "\n" },
    ],
    ["ssh_client_version", "ssh_server_version", "ssh_server_pre_banner_data", "analyzer_violation_info"],
  );
  assert.deepEqual(r.events, [
    'ssh_client_version c "SSH-2.0-client"',
    'ssh_server_pre_banner_data c "Welcome "',
    'ssh_server_pre_banner_data c "a"',
    'ssh_server_version c "SSH-1.99-server"',
  ]);
});

test("SSH rule: KEXINIT gives ssh_capabilities (cookie, name lists, languages only when sent, is_server)", async () => {
  const r = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: kexinit({ kex: "k1,k2", hostKey: "h1", cipher: "e1,e2", mac: "m1", compression: "none,zlib" }, "ABCDEFGHIJKLMNOP") },
      { from: "s", data: kexinit({ kex: "k2", languages: "en" }) },
    ],
    ["ssh_capabilities"],
  );
  assert.equal(r.events.length, 2);
  const [cookie, caps] = r.events[0]!.split(" ")
    .slice(2)
    .map((x) => JSON.parse(x) as unknown);
  assert.equal(cookie, "ABCDEFGHIJKLMNOP");
  assert.deepEqual(caps, {
    kex_algorithms: ["k1", "k2"],
    server_host_key_algorithms: ["h1"],
    encryption_algorithms: { client_to_server: ["e1", "e2"], server_to_client: ["e1", "e2"] },
    mac_algorithms: { client_to_server: ["m1"], server_to_client: ["m1"] },
    compression_algorithms: { client_to_server: ["none", "zlib"], server_to_client: ["none", "zlib"] },
    is_server: false,
  });
  const server = JSON.parse(r.events[1]!.split(" ").slice(3).join(" ")) as { languages: unknown; is_server: boolean };
  assert.deepEqual(server.languages, { client_to_server: ["en"], server_to_client: ["en"] });
  assert.equal(server.is_server, true);
});

test("SSH rule: ECDH (chosen: the client's first kex the server offers): both keys, init, host key as MD5, blob and Zeek's cut SHA256; NEWKEYS confirms", async () => {
  const r = await runSsh(ecdhHandshake("ecdh-sha2-nistp256"), [
    "ssh2_ecc_init",
    "ssh2_ecc_key",
    "ssh_server_host_key",
    "ssh2_server_host_key",
    "ssh_server_host_key_fingerprint",
    "analyzer_confirmation_info",
  ]);
  const md5 = hex(createHash("md5").update(HOST_KEY).digest());
  const sha = `SHA256:${createHash("sha256").update(HOST_KEY).digest("base64").slice(0, 32)}`;
  assert.deepEqual(r.events, [
    `ssh2_ecc_key c true ${json(new Uint8Array(32).fill(1))}`,
    "ssh2_ecc_init c true",
    `ssh_server_host_key c "${md5}"`,
    `ssh2_server_host_key c ${json(HOST_KEY)}`,
    `ssh_server_host_key_fingerprint c "${sha}"`,
    `ssh2_ecc_key c false ${json(new Uint8Array(32).fill(2))}`,
    'analyzer_confirmation_info "SSH" {"c":c,"aid":3}',
  ]);
});

test("SSH rule: DH group exchange: request, group (ssh2_dh_server_params), init, reply (host key)", async () => {
  const kex = "diffie-hellman-group-exchange-sha256";
  const r = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: kexinit({ kex }) },
      { from: "s", data: kexinit({ kex }) },
      { from: "c", data: ssh2Packet(34, cat(u32(2048), u32(4096), u32(8192))) },
      { from: "s", data: ssh2Packet(31, cat(sshString("PRIME"), sshString("G"))) },
      { from: "c", data: ssh2Packet(32, sshString("E")) },
      { from: "s", data: cat(ssh2Packet(33, cat(sshString(HOST_KEY), sshString("F"), sshString("SIG"))), NEWKEYS) },
    ],
    ["ssh2_dh_server_params", "ssh2_dh_gex_init", "ssh2_server_host_key", "analyzer_violation_info"],
  );
  assert.deepEqual(r.events, ['ssh2_dh_server_params c "PRIME" "G"', "ssh2_dh_gex_init c true", `ssh2_server_host_key c ${json(HOST_KEY)}`]);
});

test("SSH rule: GSS key exchange: init and error; RSA key exchange: secret", async () => {
  const gss = "gss-group14-sha256-toWM5Slw5Ew8Mqkay+al2g==";
  const r = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: kexinit({ kex: gss }) },
      { from: "s", data: kexinit({ kex: gss }) },
      { from: "c", data: ssh2Packet(30, cat(sshString("TOKEN"), sshString("E"))) },
      { from: "s", data: ssh2Packet(34, cat(u32(851968), u32(7), sshString("no credentials"), sshString(""))) },
    ],
    ["ssh2_gss_init", "ssh2_gss_error"],
  );
  assert.deepEqual(r.events, ["ssh2_gss_init c true", 'ssh2_gss_error c 851968 7 "no credentials"']);
  const rsa = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: kexinit({ kex: "rsa2048-sha256" }) },
      { from: "s", data: kexinit({ kex: "rsa2048-sha256" }) },
      { from: "s", data: ssh2Packet(30, cat(sshString(HOST_KEY), sshString("KT"))) },
      { from: "c", data: ssh2Packet(31, sshString("SECRET")) },
    ],
    ["ssh2_rsa_secret", "analyzer_violation_info"],
  );
  assert.deepEqual(rsa.events, ["ssh2_rsa_secret c true"]);
});

test("SSH rule: an unknown negotiated kex algorithm is the ssh_unknown_kex_algorithm weird", async () => {
  const r = await runSsh([
    { from: "c", data: C },
    { from: "s", data: S },
    { from: "c", data: kexinit({ kex: "x-kex@example.org,curve25519-sha256" }) },
    { from: "s", data: kexinit({ kex: "curve25519-sha256,x-kex@example.org" }) },
  ]);
  assert.deepEqual(
    r.weird.map((w) => w.split("\t").slice(6, 8).concat(w.split("\t")[10]!)),
    [["ssh_unknown_kex_algorithm", "x-kex@example.org", "SSH"]],
  );
});

test("SSH rule: a message a kex method does not define is binpac's invalid case; so is a packet before both versions are known", async () => {
  const turns = ecdhHandshake();
  turns.splice(4, 0, { from: "c", data: ssh2Packet(2, sshString("ignored")) });
  const r = await runSsh(turns, ["analyzer_violation_info"]);
  assert.match(r.events[0]!, /"reason":"Binpac exception: binpac exception: invalid index for case: SSH2_Key_Exchange_ECC_Message: 2"/);
  const early = await runSsh(
    [
      { from: "c", data: cat(C, kexinit()) },
      { from: "s", data: S },
    ],
    ["analyzer_violation_info"],
  );
  assert.match(early.events[0]!, /invalid index for case: SSH_Key_Exchange: 3"/);
});

test("SSH rule: a field past its record is binpac's out_of_bound, offsets from the record's start", async () => {
  // A KEXINIT payload of 23 bytes whose first name list claims 1000: the string starts 16 bytes in, 7 remain.
  const r = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: ssh2Packet(20, cat("0123456789abcdef", u32(1000), "abc")) },
    ],
    ["analyzer_violation_info"],
  );
  assert.equal(r.events.length, 1);
  assert.match(r.events[0]!, /"reason":"Binpac exception: binpac exception: out_of_bound: ssh_string:val: 1004 > 7"/);
});

test("SSH rule: limits: KEXINIT lists past SSH::max_kexinit_* and packets past SSH::max_packet_length are weirds with 'X' in the history", async () => {
  const many = (p: string, n: number): string => Array.from({ length: n }, (_, i) => `${p}${i}`).join(",");
  const r = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: kexinit({ kex: many("k", 5), hostKey: many("h", 6), cipher: many("e", 4), mac: "m", compression: "none", languages: many("l", 9) }) },
    ],
    [],
    { settings: ["SSH::max_kexinit_kex_algorithms=4", "SSH::max_kexinit_hostkey_algorithms=5", "SSH::max_kexinit_languages=8"] },
  );
  assert.deepEqual(
    r.weird.map((w) => w.split("\t").slice(6, 8).join(" ")),
    ["SSH_max_kexinit_kex_algorithms_exceeded 5 > 4", "SSH_max_kexinit_hostkey_algorithms_exceeded 6 > 5", "SSH_max_kexinit_languages_exceeded 9 > 8"],
  );
  assert.match(r.conn[0]!.split("\t")[15]!, /X/);
  const big = await runSsh(
    [
      { from: "c", data: C },
      { from: "s", data: S },
      { from: "c", data: cat(u32(5000), new Uint8Array(200)) },
    ],
    [],
    { settings: ["SSH::max_packet_length=1000"] },
  );
  assert.deepEqual(
    big.weird.map((w) => w.split("\t").slice(6, 8).join(" ")),
    ["SSH_max_packet_length_exceeded 5000 > 1000"],
  );
  assert.match(big.conn[0]!.split("\t")[15]!, /X/);
});

/** An SSH1 packet: length, 8 - length % 8 padding bytes, type, body, CRC. */
function ssh1Packet(type: number, body: Uint8Array): Uint8Array {
  const length = 1 + body.length + 4;
  return cat(u32(length), new Uint8Array(8 - (length % 8)), new Uint8Array([type]), body, u32(0));
}
const mpInt = (v: Uint8Array): Uint8Array => cat(new Uint8Array([(v.length * 8) >> 8, (v.length * 8) & 255]), v);

test("SSH rule: SSH1: the server's public key (ssh1_server_host_key; Zeek's fingerprint over SHA-256 of modulus and exponent) and the session key, which confirms", async () => {
  const exp = new Uint8Array([1, 0, 1]);
  const mod = new Uint8Array(16).fill(0xab);
  const publicKey = cat(
    new Uint8Array(8),
    u32(768),
    mpInt(new Uint8Array([3])),
    mpInt(new Uint8Array(12).fill(5)),
    u32(1024),
    mpInt(exp),
    mpInt(mod),
    u32(0),
    u32(4),
    u32(4),
  );
  const r = await runSsh(
    [
      { from: "s", data: "SSH-1.5-server\n" },
      { from: "c", data: "SSH-1.5-client\n" },
      { from: "s", data: ssh1Packet(2, publicKey) },
      { from: "c", data: ssh1Packet(3, cat(new Uint8Array([3]), new Uint8Array(8), mpInt(new Uint8Array(16).fill(9)), u32(0))) },
    ],
    ["ssh1_server_host_key", "ssh_server_host_key", "ssh_server_host_key_fingerprint", "analyzer_confirmation_info", "analyzer_violation_info"],
  );
  const digest = createHash("sha256").update(mod).update(exp).digest();
  assert.deepEqual(r.events, [
    `ssh_server_host_key c "${hex(digest.subarray(0, 16))}"`,
    `ssh_server_host_key_fingerprint c "SHA256:${digest.toString("base64").slice(0, 32)}"`,
    `ssh1_server_host_key c ${json(mod)} ${json(exp)}`,
    'analyzer_confirmation_info "SSH" {"c":c,"aid":3}',
  ]);
  assert.equal(r.ssh[0]!.split("\t")[6], "1");
});

test("SSH rule: encrypted data is one ssh_encrypted_packet per segment, the rest of the NEWKEYS segment included", async () => {
  const turns = ecdhHandshake();
  turns[5] = { from: "s", data: cat(ecdhReply(), NEWKEYS, new Uint8Array(40)) };
  turns.push({ from: "c", data: new Uint8Array(64) }, { from: "s", data: new Uint8Array(48) });
  const r = await runSsh(turns, ["ssh_encrypted_packet"]);
  assert.deepEqual(r.events, ["ssh_encrypted_packet c false 40", "ssh_encrypted_packet c true 64", "ssh_encrypted_packet c false 48"]);
});

test("SSH rule: authentication inferred from the server's encrypted sizes: a packet 16 bytes under the service accept is success; repeats of the failure size are failed attempts; a big first answer is a banner", async () => {
  const enc = (from: "c" | "s", n: number): Turn => ({ from, data: new Uint8Array(n) });
  const watch = ["ssh_auth_attempted", "ssh_auth_successful"] as const;
  const none = await runSsh([...ecdhHandshake(), enc("c", 64), enc("s", 68), enc("c", 80), enc("s", 52)], [...watch]);
  assert.deepEqual(none.events, ["ssh_auth_attempted c true", "ssh_auth_successful c true"]);
  const tries = await runSsh(
    [
      ...ecdhHandshake(),
      enc("c", 64),
      enc("s", 68),
      enc("c", 80),
      enc("s", 400),
      enc("s", 100),
      enc("c", 90),
      enc("s", 100),
      enc("c", 90),
      enc("s", 52),
      enc("s", 52),
    ],
    [...watch],
  );
  assert.deepEqual(tries.events, ["ssh_auth_attempted c false", "ssh_auth_attempted c true", "ssh_auth_successful c false"]);
});

test("SSH rule: after a content gap nothing more is analysed", async () => {
  const turns = ecdhHandshake().slice(0, 4);
  const r = await runSsh(turns, ["ssh_capabilities"]);
  assert.equal(r.events.length, 2);
  // The same exchange with the server's KEXINIT arriving after a hole in its stream.
  const kex = kexinit();
  const segs = [
    ...handshake(0),
    { t: 1, from: "c" as const, flags: "PA", seq: 1001, ack: 5001, payload: bytes(C) },
    { t: 2, from: "s" as const, flags: "PA", seq: 5001, ack: 1001 + C.length, payload: bytes(S) },
    { t: 3, from: "c" as const, flags: "PA", seq: 1001 + C.length, ack: 5001 + S.length, payload: kex },
    // 10 server bytes never seen, then its KEXINIT; the client acks all of it.
    { t: 4, from: "s" as const, flags: "PA", seq: 5001 + S.length + 10, ack: 1001 + C.length + kex.length, payload: kex },
    { t: 5, from: "c" as const, flags: "A", seq: 1001 + C.length + kex.length, ack: 5001 + S.length + 10 + kex.length },
  ];
  const engine = new Engine();
  loadBuiltinScripts(engine, { memory: true });
  const seen: boolean[] = [];
  engine.on("ssh_capabilities", (_c, _cookie, caps) => seen.push(caps.is_server));
  await engine.run(memorySource(tcpTrace(segs, { sport: 22 })));
  assert.deepEqual(seen, [false]);
});
