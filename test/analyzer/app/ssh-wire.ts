/**
 * SSH on the wire for the SSH tests: binary packets (RFC 4253 §6), the
 * messages Zeek's analyzer reads, and conversations turned into traces run
 * through an engine with the default scripts (events, ssh.log, weird.log).
 */

import type { EventName } from "../../../src/event/events.js";
import { Engine, loadBuiltinScripts, SSH } from "../../../src/index.js";
import { bytes, concat, memorySource } from "../../helpers/packets.js";
import { type Endpoints, handshake, type Seg, tcpTrace } from "../../session/harness.js";

const enc = (s: string | Uint8Array): Uint8Array => (typeof s === "string" ? bytes(s) : s);

/** An SSH string: uint32 length, bytes. */
export function sshString(s: string | Uint8Array): Uint8Array {
  const b = enc(s);
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

export function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
}

/** An SSH2 binary packet carrying message `type` and `body` (padding to a multiple of 8, at least 4). */
export function ssh2Packet(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  let pad = 8 - ((5 + 1 + body.length) % 8);
  if (pad < 4) pad += 8;
  const length = 1 + 1 + body.length + pad;
  const out = new Uint8Array(4 + length);
  new DataView(out.buffer).setUint32(0, length);
  out[4] = pad;
  out[5] = type;
  out.set(body, 6);
  return out;
}

export interface KexLists {
  kex?: string;
  hostKey?: string;
  cipher?: string;
  mac?: string;
  compression?: string;
  languages?: string;
}

/** A KEXINIT (message 20) with the same list for both directions. */
export function kexinit(l: KexLists = {}, cookie = "0123456789abcdef"): Uint8Array {
  const cipher = l.cipher ?? "aes128-ctr,aes256-ctr";
  const mac = l.mac ?? "hmac-sha2-256";
  const comp = l.compression ?? "none";
  const lang = l.languages ?? "";
  return ssh2Packet(
    20,
    concat(
      bytes(cookie),
      sshString(l.kex ?? "curve25519-sha256,diffie-hellman-group14-sha256"),
      sshString(l.hostKey ?? "ssh-ed25519,rsa-sha2-256"),
      sshString(cipher),
      sshString(cipher),
      sshString(mac),
      sshString(mac),
      sshString(comp),
      sshString(comp),
      sshString(lang),
      sshString(lang),
      new Uint8Array([0]),
      u32(0),
    ),
  );
}

export const NEWKEYS = ssh2Packet(21);
export const HOST_KEY = concat(sshString("ssh-ed25519"), sshString(new Uint8Array(32).fill(7)));

/** ECDH init (30) and reply (31). */
export const ecdhInit = (q = new Uint8Array(32).fill(1)): Uint8Array => ssh2Packet(30, sshString(q));
export const ecdhReply = (key = HOST_KEY, q = new Uint8Array(32).fill(2)): Uint8Array =>
  ssh2Packet(31, concat(sshString(key), sshString(q), sshString("signature")));

/** A segment of a conversation: who sends what. */
export interface Turn {
  from: "c" | "s";
  data: Uint8Array | string;
}

/** A trace of a conversation on `port` (one segment per turn, each acked by the next), closed by FINs. */
export function conversation(turns: Turn[], ends: Endpoints = {}): ReturnType<typeof tcpTrace> {
  const segs: Seg[] = [...handshake(0)];
  let cseq = 1001;
  let sseq = 5001;
  let t = 1;
  for (const turn of turns) {
    const payload = enc(turn.data);
    if (turn.from === "c") {
      segs.push({ t: t++, from: "c", flags: "PA", seq: cseq, ack: sseq, payload });
      cseq += payload.length;
    } else {
      segs.push({ t: t++, from: "s", flags: "PA", seq: sseq, ack: cseq, payload });
      sseq += payload.length;
    }
  }
  segs.push({ t: t++, from: "c", flags: "FA", seq: cseq, ack: sseq });
  segs.push({ t: t++, from: "s", flags: "FA", seq: sseq, ack: cseq + 1 });
  segs.push({ t: t++, from: "c", flags: "A", seq: cseq + 1, ack: sseq + 1 });
  return tcpTrace(segs, { sport: 22, ...ends });
}

export interface SshRun {
  /** "event arg…" lines for the watched events, in handler order. */
  events: string[];
  /** ssh.log rows (data lines only), weird.log rows. */
  ssh: string[];
  weird: string[];
  conn: string[];
  analyzer: string[];
}

/** An argument as JSON, any connection record as "c". */
const show = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === "object" && x !== null && "uid" in x && "history" in x ? "<c>" : x)).replaceAll('"<c>"', "c");

/** Runs a conversation with the default scripts; records `watch`ed events with their arguments (the connection as "c"). */
export async function runSsh(turns: Turn[], watch: EventName[] = [], options: { ends?: Endpoints; settings?: string[] } = {}): Promise<SshRun> {
  // SSH alone: other analyzers DPD might start (HTTP on a GET) would add their own events.
  const engine = new Engine({ settings: options.settings ?? [], analyzers: [SSH] });
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const events: string[] = [];
  for (const name of watch) engine.on(name, ((...args: unknown[]) => events.push([name, ...args.map(show)].join(" "))) as never);
  await engine.run(memorySource(conversation(turns, options.ends)));
  scripts.close();
  const rows = (path: string): string[] => {
    try {
      return scripts.logs
        .text(path)
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"));
    } catch {
      return [];
    }
  };
  return { events, ssh: rows("ssh"), weird: rows("weird"), conn: rows("conn"), analyzer: rows("analyzer") };
}

/** A column of a log row, by index in ssh.log's field list. */
export const SSH_COLUMNS = [
  "ts",
  "uid",
  "id.orig_h",
  "id.orig_p",
  "id.resp_h",
  "id.resp_p",
  "version",
  "auth_success",
  "auth_attempts",
  "direction",
  "client",
  "server",
  "cipher_alg",
  "mac_alg",
  "compression_alg",
  "kex_alg",
  "host_key_alg",
  "host_key_fingerprint",
];
export function col(row: string, name: string): string {
  return row.split("\t")[SSH_COLUMNS.indexOf(name)]!;
}

/** A handshake and a successful password login (the sizes ssh-log.test.ts's success uses): ssh_auth_successful. */
export const SUCCESSFUL_LOGIN: Turn[] = [
  { from: "c", data: "SSH-2.0-OpenSSH_9.6\r\n" },
  { from: "s", data: "SSH-2.0-OpenSSH_9.3\r\n" },
  { from: "c", data: kexinit() },
  { from: "s", data: kexinit() },
  { from: "c", data: ecdhInit() },
  { from: "s", data: concat(ecdhReply(), NEWKEYS) },
  { from: "c", data: NEWKEYS },
  ...[64, 68, 80, 52, 100, 200].map((n, i): Turn => ({ from: i % 2 === 0 ? "c" : "s", data: new Uint8Array(n) })),
];
