/**
 * base/protocols/conn/contents: Conn::default_extract writes each side of
 * every established TCP connection to PREFIX_ORIG:PORT-RESP:PORT_orig.dat
 * and _resp.dat; a script's setConnExtract (c$extract_orig, c$extract_resp)
 * decides for its connection; off by default.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import { extractionFilename, setConnExtract } from "../../src/scripts/conn-contents.js";
import { segments } from "../analyzer/app/tcp-conv.js";
import { memorySource } from "../helpers/packets.js";
import { CLIENT, SERVER, tcpTrace } from "../session/harness.js";

/** A handshake, a request and its answer, and the close. */
const TALK = segments([
  ["c", "GET / HTTP/1.0\r\n\r\n"],
  ["s", "HTTP/1.0 200 OK\r\n\r\nhi"],
]);

/** The files a run over TALK leaves in a fresh folder (the prefix points into it), by name with their text. */
async function extracted(settings: string[], setup?: (e: Engine) => void): Promise<Map<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "bronze-conn-contents-"));
  try {
    const engine = new Engine({ settings: [`Conn::extraction_prefix=${dir}/contents`, ...settings] });
    setup?.(engine);
    const scripts = loadBuiltinScripts(engine, { memory: true });
    await engine.run(memorySource(tcpTrace(TALK)));
    scripts.close();
    return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "latin1")]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("Conn::default_extract=T: each side's stream in contents_ORIG:PORT-RESP:PORT_orig.dat and _resp.dat", async () => {
  const files = await extracted(["Conn::default_extract=T"]);
  const name = `contents_${CLIENT}:40000-${SERVER}:80`;
  assert.deepEqual([...files.keys()].sort(), [`${name}_orig.dat`, `${name}_resp.dat`]);
  assert.equal(files.get(`${name}_orig.dat`), "GET / HTTP/1.0\r\n\r\n");
  assert.equal(files.get(`${name}_resp.dat`), "HTTP/1.0 200 OK\r\n\r\nhi");
});

test("off by default; a script's choice for its connection wins over Conn::default_extract, side by side", async () => {
  assert.deepEqual([...(await extracted([])).keys()], []);
  const respOnly = await extracted([], (e) => e.on("new_connection", (c) => setConnExtract(c, "resp", true)));
  assert.deepEqual([...respOnly.keys()], [`contents_${CLIENT}:40000-${SERVER}:80_resp.dat`]);
  const origOff = await extracted(["Conn::default_extract=T"], (e) => e.on("new_connection", (c) => setConnExtract(c, "orig", false)));
  assert.deepEqual([...origOff.keys()], [`contents_${CLIENT}:40000-${SERVER}:80_resp.dat`]);
});

test("generate_extraction_filename: IPv6 addresses in brackets, an empty prefix or suffix left out with its underscore", () => {
  const id = { orig_h: "2001:db8::1", orig_p: 49185, resp_h: "10.0.0.2", resp_p: 21 };
  assert.equal(extractionFilename("contents", id, "orig.dat"), "contents_[2001:db8::1]:49185-10.0.0.2:21_orig.dat");
  assert.equal(extractionFilename("", id, ""), "[2001:db8::1]:49185-10.0.0.2:21");
});
