/**
 * `ftp` and `finger` patterns (what Zeek's FTP and Finger analyzers hand
 * their rule matcher: each request line, whole) and the older pattern names
 * `http` (http-request) and `http-body` (http-reply-body).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { EventName } from "../../src/event/events.js";
import { memorySource } from "../helpers/packets.js";
import { conversation } from "./conversation.js";

/** signature_match as "sig |data|", and the protocol's request events in queue order. */
async function run(sigs: string, client: string[], server: string[], port: number, request: EventName): Promise<string[]> {
  const engine = new Engine();
  engine.loadSignatures(sigs);
  const out: string[] = [];
  engine.on("signature_match", (s, _msg, data) => void out.push(`${s.sig_id} |${data}|`));
  engine.on(request, (() => void out.push(request)) as never);
  await engine.run(memorySource(conversation(client, server, port)));
  return out;
}

test("ftp: each command line from its command on, whole (`$` at its end), matched before its ftp_request; never the payload", async () => {
  const sigs = `
    signature user { ftp /USER anon/ event "u" }
    signature whole { ftp /USER anonymous$/ event "w" }
    signature leading { ftp / +USER/ event "l" }
    signature pass-anywhere { ftp /.*secret/ event "p" }
    signature not-a-command { ftp /xx/ event "x" }
    signature reply { ftp /220/ event "r" }`;
  const out = await run(sigs, ["  USER anonymous\r\n", "PASS my secret\r\n", "xx y\r\n"], ["220 hello\r\n"], 21, "ftp_request");
  assert.deepEqual(out, ["user |USER anonymous|", "whole |USER anonymous|", "ftp_request", "pass-anywhere |PASS my secret|", "ftp_request"]);
});

test("finger: the query past blanks and /W, after its finger_request", async () => {
  const out = await run(`signature who { finger /alice@/ event "f" }`, ["/W alice@example.org\r\n"], [], 79, "finger_request");
  assert.deepEqual(out, ["finger_request", "who |alice@example.org|"]);
});

test("`http` is http-request and `http-body` http-reply-body, as in Zeek's rule scanner", async () => {
  const sigs = `
    signature uri { http /\\/index/ event "u" }
    signature body { http-body /hello/ event "b" }`;
  const reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  const out = await run(sigs, ["GET /index.html HTTP/1.1\r\nHost: h\r\n\r\n"], [reply], 80, "http_request");
  assert.deepEqual(
    out.filter((l) => l !== "http_request"),
    ["uri |/index.html|", "body |hello|"],
  );
});
