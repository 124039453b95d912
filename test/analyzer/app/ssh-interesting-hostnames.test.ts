/**
 * policy/protocols/ssh/interesting-hostnames (Zeek's script) and the `when`
 * lookups under it (src/scripts/dns-lookups.ts): after a successful login
 * both hosts' names are looked up; a name like a mail or DNS server's is an
 * SSH::Interesting_Hostname_Login notice once the answer comes, even after
 * the last packet (the end of input waits for it). One test asks a DNS
 * server of its own on loopback through node:dns (ZEEK_DNS_RESOLVER), the
 * others a resolver object.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { test } from "node:test";
import { Engine, loadBuiltinScripts, SSH } from "../../../src/index.js";
import { type DnsResolver, useDnsResolver } from "../../../src/scripts/dns-lookups.js";
import { memorySource } from "../../helpers/packets.js";
import { logRecords } from "../../helpers/tsv.js";
import { conversation, SUCCESSFUL_LOGIN } from "./ssh-wire.js";

const SCRIPT = "policy/protocols/ssh/interesting-hostnames";
const CLIENT = "10.0.0.1";
const SERVER = "93.184.216.34";

/** A resolver answering PTR queries from `names` after `delayMs`; unknown addresses fail as ENOTFOUND does. */
function fakeResolver(names: Record<string, string>, delayMs = 0, asked: string[] = []): DnsResolver {
  const later = <T>(f: () => T): Promise<T> => new Promise((resolve, reject) => setTimeout(() => settle(f, resolve, reject), delayMs));
  return {
    reverse: (address) => {
      asked.push(address);
      return later(() => {
        const name = names[address];
        if (name === undefined) throw new Error("ENOTFOUND");
        return [name];
      });
    },
    resolveTxt: () => Promise.reject(new Error("not asked")),
  };
}

function settle<T>(f: () => T, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  try {
    resolve(f());
  } catch (e) {
    reject(e);
  }
}

async function notices(loads: string[], resolver?: DnsResolver): Promise<{ notices: Record<string, string>[]; ssh: Record<string, string>[] }> {
  const engine = new Engine({ analyzers: [SSH], loads });
  if (resolver !== undefined) useDnsResolver(engine, resolver);
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, stderr: null });
  await engine.run(memorySource(conversation(SUCCESSFUL_LOGIN, { client: CLIENT, server: SERVER })));
  scripts.close();
  return { notices: logRecords(scripts.logs.text("notice")), ssh: logRecords(scripts.logs.text("ssh")) };
}

test("interesting-hostnames: a client named like a mail server is a notice; the server's ordinary name is not", async () => {
  const asked: string[] = [];
  const r = await notices([SCRIPT], fakeResolver({ [CLIENT]: "mail3.example.com", [SERVER]: "build.example.org" }, 0, asked));
  assert.deepEqual(asked, [CLIENT, SERVER]);
  assert.equal(r.notices.length, 1);
  const n = r.notices[0]!;
  assert.equal(n.note, "SSH::Interesting_Hostname_Login");
  assert.equal(n.msg, "Possible SSH login involving a local client with an interesting hostname.");
  assert.equal(n.sub, "mail3.example.com");
  assert.equal(n.uid, r.ssh[0]!.uid);
  assert.deepEqual([n["id.orig_h"], n["id.resp_h"], n.src, n.dst], [CLIENT, SERVER, CLIENT, SERVER]);
});

test("interesting-hostnames: an answer that comes after the last packet still makes its notice (remote server)", async () => {
  const r = await notices([SCRIPT], fakeResolver({ [SERVER]: "ns1.example.net" }, 50));
  assert.deepEqual(
    r.notices.map((n) => [n.msg, n.sub]),
    [["Possible SSH login involving a remote server with an interesting hostname.", "ns1.example.net"]],
  );
});

test("interesting-hostnames: failed lookups and names that do not match give nothing; without the script nothing is asked", async () => {
  assert.deepEqual((await notices([SCRIPT], fakeResolver({}))).notices, []);
  assert.deepEqual((await notices([SCRIPT], fakeResolver({ [CLIENT]: "mailer.example.com", [SERVER]: "xwww1.example.com" }))).notices, []);
  const asked: string[] = [];
  assert.deepEqual((await notices([], fakeResolver({ [CLIENT]: "mail.example.com" }, 0, asked))).notices, []);
  assert.deepEqual(asked, []);
});

/** A DNS server on loopback answering every PTR query with `name` (and NXDOMAIN for other types). */
async function ptrServer(name: string): Promise<{ address: string; queries: string[]; close: () => void }> {
  const socket = createSocket("udp4");
  const queries: string[] = [];
  socket.on("message", (q, from) => {
    // The question: labels from byte 12 to a zero byte, then type and class.
    let at = 12;
    const labels: string[] = [];
    while (q[at]! > 0) {
      labels.push(q.subarray(at + 1, at + 1 + q[at]!).toString("latin1"));
      at += 1 + q[at]!;
    }
    const questionEnd = at + 5;
    const qtype = q.readUInt16BE(at + 1);
    queries.push(labels.join("."));
    const header = Buffer.from(q.subarray(0, 12));
    header.writeUInt16BE(qtype === 12 ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN when not PTR
    header.writeUInt16BE(qtype === 12 ? 1 : 0, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(0, 10);
    const rdata = Buffer.concat([...name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")])), Buffer.from([0])]);
    const answer = Buffer.alloc(12);
    answer.writeUInt16BE(0xc00c, 0); // the question's name
    answer.writeUInt16BE(12, 2);
    answer.writeUInt16BE(1, 4);
    answer.writeUInt32BE(60, 6);
    answer.writeUInt16BE(rdata.length, 10);
    const reply = Buffer.concat([header, q.subarray(12, questionEnd), ...(qtype === 12 ? [answer, rdata] : [])]);
    socket.send(reply, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { address: `127.0.0.1:${socket.address().port}`, queries, close: () => socket.close() };
}

test("interesting-hostnames: through node:dns to the server ZEEK_DNS_RESOLVER names (a PTR server on loopback)", async () => {
  const server = await ptrServer("smtp2.example.com");
  const before = process.env.ZEEK_DNS_RESOLVER;
  process.env.ZEEK_DNS_RESOLVER = server.address;
  try {
    const r = await notices([SCRIPT]);
    assert.ok(server.queries.includes("1.0.0.10.in-addr.arpa"), `asked: ${server.queries.join(" ")}`);
    assert.ok(server.queries.includes("34.216.184.93.in-addr.arpa"));
    // The two answers may come in either order.
    assert.deepEqual(r.notices.map((n) => n.msg).sort(), [
      "Possible SSH login involving a local client with an interesting hostname.",
      "Possible SSH login involving a remote server with an interesting hostname.",
    ]);
    assert.ok(r.notices.every((n) => n.sub === "smtp2.example.com"));
  } finally {
    if (before === undefined) delete process.env.ZEEK_DNS_RESOLVER;
    else process.env.ZEEK_DNS_RESOLVER = before;
    server.close();
  }
});
