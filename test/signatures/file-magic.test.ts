/**
 * File signatures (`file-magic` patterns, `file-mime` actions) in the user's
 * signature files: matched on each file's first bytes by the MIME sniffing,
 * ranked with Zeek's own magic signatures by strength (then type name), and
 * never matched on packets.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import type { FileMetadata } from "../../src/files/file.js";
import { loadBuiltinScripts } from "../../src/scripts/index.js";
import { parseSignatures, SignatureError } from "../../src/signatures/parse.js";
import { memorySource } from "../helpers/packets.js";
import { conversation } from "./conversation.js";

const GET = "GET /f HTTP/1.1\r\nHost: h\r\n\r\n";
const reply = (body: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

/** The file_sniff metadata of the one file an HTTP reply carries, and the signature_match count. */
async function sniff(sigs: string | null, body: string): Promise<{ meta: FileMetadata; signatureMatches: number }> {
  const engine = new Engine();
  if (sigs !== null) engine.loadSignatures({ text: sigs, file: "mine.sig" });
  loadBuiltinScripts(engine, { memory: true });
  const metas: FileMetadata[] = [];
  let signatureMatches = 0;
  engine.on("file_sniff", (_f, meta) => void metas.push(meta));
  engine.on("signature_match", () => void signatureMatches++);
  await engine.run(memorySource(conversation([GET], [reply(body)])));
  assert.equal(metas.length, 1);
  return { meta: metas[0]!, signatureMatches };
}

const PDF = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n";

test("file-magic: a user type stronger than Zeek's wins, a weaker one ranks after it; file signatures raise no signature_match", async () => {
  const plain = await sniff(null, PDF);
  assert.equal(plain.meta.mime_type, "application/pdf");
  const zeekStrength = plain.meta.mime_types!.find((m) => m.mime === "application/pdf")!.strength;

  const strong = await sniff(`signature s { file-magic /%PDF-1\\.[0-9]/ file-mime "application/x-strong", ${zeekStrength + 10} }`, PDF);
  assert.equal(strong.meta.mime_type, "application/x-strong");
  assert.deepEqual(strong.meta.mime_types!.slice(0, 2), [
    { strength: zeekStrength + 10, mime: "application/x-strong" },
    { strength: zeekStrength, mime: "application/pdf" },
  ]);
  assert.equal(strong.signatureMatches, 0);

  const weak = await sniff(`signature w { file-magic /%PDF/ file-mime "application/x-weak", -5 }`, PDF);
  assert.equal(weak.meta.mime_type, "application/pdf");
  const ranked = weak.meta.mime_types!.map((m) => `${m.strength} ${m.mime}`);
  assert.ok(ranked.indexOf("-5 application/x-weak") > ranked.indexOf(`${zeekStrength} application/pdf`), ranked.join(", "));
});

test("file-magic: anchored at the file's start, every pattern of a signature must match, /i ignores case, no strength is 0", async () => {
  const sigs = `
    signature anchored { file-magic /PDF/ file-mime "x/not-at-start", 500 }
    signature both { file-magic /%pdf/i file-magic /.*obj/ file-mime "x/both", 400 file-mime "x/both-too" }
    signature one-of-two { file-magic /%PDF/ file-magic /nope/ file-mime "x/half", 450 }`;
  const { meta } = await sniff(sigs, PDF);
  assert.equal(meta.mime_type, "x/both");
  const mimes = meta.mime_types!.map((m) => `${m.strength} ${m.mime}`);
  assert.ok(mimes.includes("0 x/both-too"), mimes.join(", "));
  assert.ok(!mimes.some((m) => m.includes("x/not-at-start") || m.includes("x/half")), mimes.join(", "));
});

test("file-magic with packet conditions, or a pattern the automaton cannot take, is a SignatureError naming the file and line", () => {
  assert.throws(
    () => parseSignatures('signature m {\n  payload /x/\n  file-magic /y/\n  file-mime "a/b", 1\n}\n', "m.sig"),
    (err: unknown) => err instanceof SignatureError && err.line === 1 && /file-magic.*packet conditions/.test(err.detail),
  );
  const engine = new Engine();
  assert.throws(
    () => engine.loadSignatures({ text: 'signature ok { file-magic /a/ file-mime "a/a", 1 }\n\nsignature bad {\n  file-magic /(a/\n}\n', file: "f.sig" }),
    (err: unknown) => err instanceof SignatureError && err.file === "f.sig" && err.line === 3 && /bad file-magic pattern in signature 'bad'/.test(err.message),
  );
});
