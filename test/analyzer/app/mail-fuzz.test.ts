/**
 * Hostile mail traffic: random and mutated SMTP, POP3, IMAP and XMPP
 * conversations (broken MIME, bad base64, BDAT sizes that lie, STARTTLS
 * followed by garbage, holes) never throw out of an analyzer (an exception
 * would show as an "analyzer error" violation) nor out of a handler.
 */
import { test } from "node:test";
import type { TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";
import { fuzzRounds } from "./tcp-conv.js";

interface Dialect {
  port: number;
  client: string[];
  server: string[];
}

const DIALECTS: Dialect[] = [
  {
    port: 25,
    client: [
      "EHLO x\r\n",
      "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
      "Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8*=\r\n--q\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nx\r\n--q--\r\n.\r\n",
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n=4=ZZ=\r\n\x01\xff\r\n.\r\n",
      "BDAT 5\r\nhello",
      "BDAT 99999999999999999999 LAST\r\n",
      "BDAT 3 LAST\r\nabcdefgh",
      "BDAT 0 LAST\r\n",
      "AUTH LOGIN\r\n",
      "dXNlcg==\r\n",
      "STARTTLS\r\n",
      "TURN\r\n",
      "\0\r\r\n",
      ".\r\n",
      "RSET\r\nQUIT\r\n",
    ],
    server: ["220 hi\r\n", "250-a\r\n250 PIPELINING\r\n", "354 go\r\n", "334 VXNlcg==\r\n", "220 tls\r\n", "250 ok\r\n", "999 x\r\n", "25", "421 bye\r\n"],
  },
  {
    port: 110,
    client: [
      "USER a\r\n",
      "PASS b\r\n",
      "APOP a 0123\r\n",
      "AUTH PLAIN\r\n",
      "AGEAYg==\r\n",
      "AUTH CRAM-MD5\r\n",
      "RETR 1\r\n",
      "TOP 1 2\r\n",
      "LIST\r\n",
      "STLS\r\n",
      "QUIT\r\n",
      "XX\r\n".repeat(12),
    ],
    server: [
      "+OK ready\r\n",
      "+OK\r\n",
      "-ERR no\r\n",
      "+OK follows\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\n\r\nbody\r\n.\r\n",
      "+OK\r\n1 2\r\n.\r\n",
      "+ \r\n",
      "* junk\r\n",
    ],
  },
  {
    port: 143,
    client: ["a1 CAPABILITY\r\n", "a2 STARTTLS\r\n", "a2 STARTTLS\r\n", "a3 login x y\r\n", "\x16\x03\x01\x00\x05hello", "noline"],
    server: ["* OK ready\r\n", "* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK\r\n", "a2 OK go\r\n", "a2 NO\r\n", "* CAPABILITY", "\x16\x03\x03\x00\x02\x02\x28"],
  },
  {
    port: 5222,
    client: [
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' to='x'>",
      "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
      "<message>hi</message>",
      "<<>>",
      "\x16\x03\x01\x00\x01\x01",
    ],
    server: ["<stream:stream from='x' xmlns='jabber:client'>", "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<proceed/>", "<success/>", "<a b='>"],
  },
];

function mutate(bytes: Buffer, r: () => number): Buffer {
  let b = Buffer.from(bytes);
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    switch (Math.floor(r() * 4)) {
      case 0:
        if (b.length > 0) b[at] = Math.floor(r() * 256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(["\r\n", "\n", "\r", ".", "--", "\x00", " ", "="][Math.floor(r() * 8)]!, "latin1"), b.subarray(at)]);
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + Math.floor(r() * 8))]);
    }
  }
  return b;
}

function conversation(r: () => number, d: Dialect, offset: number): Seg[] {
  const segs: Seg[] = [...handshake(0)];
  let cseq = 1001;
  let sseq = 5001;
  let t = 1;
  const rounds = 2 + Math.floor(r() * 10);
  for (let k = 0; k < rounds; k++) {
    const fromClient = r() < 0.55;
    const list = fromClient ? d.client : d.server;
    const data = mutate(Buffer.from(list[Math.floor(r() * list.length)]!, "latin1"), r);
    let at = 0;
    while (at < data.length) {
      const len = 1 + Math.floor(r() * Math.min(300, data.length - at));
      const piece = data.subarray(at, at + len);
      t += 0.001;
      const hole = r() < 0.03;
      if (fromClient) {
        if (!hole) segs.push({ t, from: "c", flags: "PA", seq: cseq, ack: sseq, payload: piece });
        cseq += piece.length;
        segs.push({ t: t + 0.0005, from: "s", flags: "A", seq: sseq, ack: cseq });
      } else {
        if (!hole) segs.push({ t, from: "s", flags: "PA", seq: sseq, ack: cseq, payload: piece });
        sseq += piece.length;
        segs.push({ t: t + 0.0005, from: "c", flags: "A", seq: cseq, ack: sseq });
      }
      at += len;
    }
  }
  if (r() < 0.7) {
    segs.push({ t: t + 0.1, from: "c", flags: "FA", seq: cseq, ack: sseq });
    segs.push({ t: t + 0.2, from: "s", flags: "FA", seq: sseq, ack: cseq + 1 });
  }
  return segs.map((s) => ({ ...s, t: s.t + offset }));
}

test("random and mutated SMTP, POP3, IMAP and XMPP conversations never throw out of an analyzer or a handler", async () => {
  const r = rng(0x3a11);
  await fuzzRounds(
    4,
    (round) => {
      const packets: TestPacket[] = [];
      for (let i = 0; i < 48; i++) {
        const d = DIALECTS[i % DIALECTS.length]!;
        packets.push(...tcpTrace(conversation(r, d, 100 + round * 50 + i), { sport: d.port, cport: 40000 + i }));
      }
      return packets;
    },
    48,
  );
});
