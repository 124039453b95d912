/**
 * Hostile HTTP: random and mutated streams (headers without end, huge and
 * negative chunk sizes, bad encodings, broken multipart, garbage after
 * CONNECT/Upgrade) never throw out of the HTTP analyzer (an exception would
 * show as an "HTTP analyzer error" violation) nor out of a handler, and a
 * line without end is cut at the splitter's bound (contentline_size_exceeded)
 * instead of growing without limit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { MAX_LINE } from "../../../src/analyzer/app/http/content-line.js";
import { Engine } from "../../../src/engine.js";
import { loadBuiltinScripts } from "../../../src/index.js";
import { runChecked } from "../../helpers/fuzz.js";
import type { TestPacket } from "../../helpers/packets.js";
import { rng } from "../../helpers/rng.js";
import { handshake, type Seg, tcpTrace } from "../../session/harness.js";
import { fuzzRounds } from "./tcp-conv.js";

const REQUESTS = [
  "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
  "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
  'POST /m HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 60\r\n\r\n--b\r\nContent-Disposition: form-data; filename="f"\r\n\r\nxx\r\n--b--\r\n',
  "GET /r HTTP/1.1\r\nRange: bytes=0-3\r\n\r\n",
  "CONNECT h:443 HTTP/1.1\r\n\r\n",
  "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
  "GET /%zz%u00%%%4 HTTP/1.0\r\n\r\n",
  "get /old\r\n",
];
const REPLIES = [
  "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody",
  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\nffffffffffffffffffff\r\nxx\r\n-7\r\n0\r\nT: 1\r\n\r\n",
  "HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-3/10\r\nContent-Length: 4\r\n\r\nbody",
  "HTTP/1.1 206 Partial\r\nContent-Range: bytes 9-3/*\r\n\r\n",
  "HTTP/1.1 101 Switching\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
  "HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\n\r\n",
  "HTTP/1.1 200 OK\r\nContent-Type: multipart/byteranges; boundary=q\r\n\r\n--q\r\nContent-Range: bytes 0-1/4\r\n\r\nab\r\n--q--\r\n",
  "HTTP/1.1 200 OK\r\nContent-Length: 00012\r\nContent-Length: x\r\nExpect: nope\r\n   folded\r\n\r\n",
];

function mutate(bytes: Buffer, r: () => number): Buffer {
  const out = Buffer.from(bytes);
  const n = Math.floor(r() * 6);
  let b = out;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    switch (Math.floor(r() * 5)) {
      case 0:
        if (b.length > 0) b[at] = Math.floor(r() * 256);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(["\r\n", "\n", "\r", ":", "--", "\x00", " "][Math.floor(r() * 7)]!), b.subarray(at)]);
        break;
      case 2:
        b = b.subarray(0, at);
        break;
      case 3:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + Math.floor(r() * 8))]);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 20), b.subarray(at)]);
    }
  }
  return b;
}

/** One conversation of random pieces, cut into random segments, with an occasional hole. */
function conversation(r: () => number, sport: number): Seg[] {
  const segs: Seg[] = [...handshake(0)];
  let cseq = 1001;
  let sseq = 5001;
  let t = 1;
  const rounds = 1 + Math.floor(r() * 4);
  for (let k = 0; k < rounds; k++) {
    const req = mutate(Buffer.from(REQUESTS[Math.floor(r() * REQUESTS.length)]!, "latin1"), r);
    let rep = mutate(Buffer.from(REPLIES[Math.floor(r() * REPLIES.length)]!, "latin1"), r);
    if (r() < 0.2) rep = Buffer.concat([rep, gzipSync(Buffer.from("zipped body ".repeat(50))).subarray(0, Math.floor(r() * 200))]);
    for (const [from, data] of [
      ["c", req],
      ["s", rep],
    ] as const) {
      let at = 0;
      while (at < data.length) {
        const len = 1 + Math.floor(r() * Math.min(600, data.length - at));
        const piece = data.subarray(at, at + len);
        t += 0.001;
        if (from === "c") {
          segs.push({ t, from: "c", flags: "PA", seq: cseq, ack: sseq, payload: piece });
          cseq += piece.length;
        } else {
          const hole = r() < 0.05;
          if (!hole) segs.push({ t, from: "s", flags: "PA", seq: sseq, ack: cseq, payload: piece });
          sseq += piece.length;
          segs.push({ t: t + 0.0005, from: "c", flags: "A", seq: cseq, ack: sseq });
        }
        at += len;
      }
    }
  }
  if (r() < 0.7) {
    segs.push({ t: t + 0.1, from: "c", flags: "FA", seq: cseq, ack: sseq });
    segs.push({ t: t + 0.2, from: "s", flags: "FA", seq: sseq, ack: cseq + 1 });
  }
  return segs.map((s) => ({ ...s, t: s.t + sport }));
}

test("random and mutated HTTP conversations never throw out of the analyzer or a handler", async () => {
  const r = rng(0x5eed13);
  await fuzzRounds(
    4,
    (round) => {
      const packets: TestPacket[] = [];
      for (let i = 0; i < 40; i++) packets.push(...tcpTrace(conversation(r, 100 + round * 40 + i), { sport: 80, cport: 40000 + i }));
      return packets;
    },
    40,
  );
});

test("a header line without end is cut at the splitter's bound", async () => {
  const engine = new Engine();
  const scripts = loadBuiltinScripts(engine, { memory: true });
  const segs: Seg[] = [...handshake(0)];
  let seq = 1001;
  const chunk = Buffer.alloc(60000, 0x41);
  segs.push({ t: 1, from: "c", flags: "PA", seq, ack: 5001, payload: "GET / HTTP/1.1\r\nX-Long: " });
  seq += 24;
  for (let i = 0; i < Math.ceil((MAX_LINE * 1.5) / chunk.length); i++) {
    segs.push({ t: 1 + i * 0.001, from: "c", flags: "PA", seq, ack: 5001, payload: chunk });
    seq += chunk.length;
  }
  await runChecked(engine, tcpTrace(segs, { sport: 80 }), false);
  assert.match(scripts.logs.text("weird"), /contentline_size_exceeded/);
});
