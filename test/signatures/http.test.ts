/**
 * http-* patterns on HTTP conversations built here: what data each pattern
 * type sees (Zeek's HTTP analyzer's calls of its rule matcher), `$` at the
 * end of that data, and the HTTP analyzer handing nothing over when no
 * signature has an http-* pattern (the automaton's side of `$`:
 * test/analyzer/app/signature.test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { memorySource } from "../helpers/packets.js";
import { conversation } from "./conversation.js";

/** Each signature_match as "sig_id |data|"; `headers`: an http_header handler exists (Zeek matches headers only then). */
async function matches(sigs: string, client: string[], server: string[] = [], headers = true): Promise<string[]> {
  const engine = new Engine();
  engine.loadSignatures(sigs);
  const out: string[] = [];
  engine.on("signature_match", (s, _msg, data) => void out.push(`${s.sig_id} |${data}|`));
  if (headers) engine.on("http_header", () => {});
  await engine.run(memorySource(conversation(client, server)));
  return out;
}

const GET = "GET /a%41b/c?x=1 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: evil-bot/1.0\r\n\r\n";
const REPLY = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nCDEF";

test("http-request: the request's unescaped URI, whole, anchored at its start and with `$` at its end", async () => {
  const sigs = `
    signature unescaped { http-request /\\/aAb\\/c/ event "u" }
    signature escaped { http-request /\\/a%41b/ event "e" }
    signature whole { http-request /.*x=1$/ event "w" }
    signature not-start { http-request /aAb/ event "n" }
    signature cut { http-request /\\/aAb$/ event "c" }`;
  assert.deepEqual(await matches(sigs, [GET]), ["unescaped |/aAb/c?x=1|", "whole |/aAb/c?x=1|"]);
});

test("http-request-header: each header as name, ': ' and value (no CR LF), only with an http_header handler", async () => {
  const sigs = `
    signature ua { http-request-header /User-Agent: evil/ event "ua" }
    signature ua-end { http-request-header /User-Agent: evil-bot\\/1\\.0$/ event "end" }
    signature crlf { http-request-header /.*\\r\\n/ event "crlf" }
    signature reply-side { http-reply-header /Content-Type: text/ event "ct" }
    signature wrong-side { http-reply-header /User-Agent/ event "x" }`;
  assert.deepEqual(await matches(sigs, [GET], [REPLY]), ["ua |evil-bot/1.0|", "ua-end |evil-bot/1.0|", "reply-side |text/plain|"]);
  assert.deepEqual(await matches(sigs, [GET], [REPLY], false), []);
});

test("http-*-body: the decoded body of each message, matched from its start, `$` at its end (data then empty)", async () => {
  const post = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nAB\r\n2\r\nCD\r\n0\r\n\r\n";
  const sigs = `
    signature req-ab { http-request-body /AB/ event "ab" }
    signature req-whole { http-request-body /ABCD$/ event "w" }
    signature req-short { http-request-body /AB$/ event "s" }
    signature req-chunked { http-request-body /2\\r\\n/ event "raw" }
    signature rep-cd { http-reply-body /CD/ event "cd" }
    signature rep-only { http-reply-body /^CDEF$/ event "only" }`;
  assert.deepEqual(await matches(sigs, [post], [REPLY]), ["req-ab |AB|", "req-whole ||", "rep-cd |CDEF|", "rep-only ||"]);
});

test("a body pattern matches from the start of each body: a later message's body starts afresh", async () => {
  const post = (body: string) => `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const sigs = 'signature second { http-request-body /XY/ event "xy" }';
  assert.deepEqual(await matches(sigs, [post("abXY"), post("XYab")]), ["second |XYab|"]);
});

test("payload and http-* patterns of one signature: both must match, each in its own data", async () => {
  // The HTTP analyzer sees a segment before the signatures' payload matching (Zeek's tree: port analyzers, then the PIA):
  // the payload pattern completes the match, in the segment.
  const sigs = 'signature both { payload /GET/ http-request-header /Host: example/ event "b" }';
  assert.deepEqual(await matches(sigs, [GET]), [`both |${GET}|`]);
  assert.deepEqual(await matches('signature both { payload /POST/ http-request /\\// event "b" }', [GET]), []);
});

test("without http-* patterns the HTTP analyzer is handed no matcher", () => {
  const engine = new Engine();
  engine.loadSignatures('signature p { payload /GET/ event "p" }');
  const tap = (engine as unknown as { signatureTap: { httpMatcher(owner: object): unknown } }).signatureTap;
  assert.equal(tap.httpMatcher({}), null);
  engine.loadSignatures('signature h { http-request /x/ event "h" }');
  assert.notEqual(tap.httpMatcher({}), null);
});
