/**
 * Zeek's SSL::ct_logs: the Certificate Transparency logs whose signed
 * certificate timestamps policy/protocols/ssl/validate-sct can check, by
 * log id (the SHA-256 of the log's key). The built-in list is Zeek's
 * base/protocols/ssl/ct-list.zeek (Google's list of logs then known;
 * ct-list.ts, generated from Zeek's source); SSL::ct_logs_file names a file
 * of more entries written as Zeek writes them
 * (`["<log id>"] = SSL::CTInfo($description="…", $operator="…", $key="…", …)`),
 * e.g. a btest's redef or an older ct-list.zeek.
 */
import { readFileSync } from "node:fs";
import { CT_LIST } from "./ct-list.js";

/** SSL::CTInfo. */
export interface CtLog {
  readonly description: string;
  readonly operator: string;
  readonly url: string;
  readonly maximumMergeDelay: number;
  /** The log's key, a DER SubjectPublicKeyInfo. */
  readonly key: Uint8Array;
}

const ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, "0": 0, a: 7, b: 8, f: 12, v: 11 };

/** A Zeek string literal's body as bytes (\xHH, the one-letter escapes, anything else escaped as itself). */
export function zeekStringBytes(body: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") out.push(ch.charCodeAt(0) & 0xff);
    else if (body[i + 1] === "x") {
      out.push(Number.parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      const e = body[++i] ?? "\\";
      out.push(ESCAPES[e] ?? e.charCodeAt(0));
    }
  }
  return Uint8Array.from(out);
}

const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
const ENTRY = new RegExp(String.raw`\[\s*(${STRING})\s*\]\s*=\s*(?:SSL::)?CTInfo\(((?:${STRING}|[^")])*)\)`, "g");
const FIELD = new RegExp(String.raw`\$(\w+)\s*=\s*(${STRING}|\d+)`, "g");

/** The ct_logs entries of a Zeek script's text, by log id (its bytes as latin1). */
export function parseZeekCtLogs(text: string): Map<string, CtLog> {
  const logs = new Map<string, CtLog>();
  for (const m of text.matchAll(ENTRY)) {
    const f = new Map([...m[2]!.matchAll(FIELD)].map((x) => [x[1]!, x[2]!]));
    const str = (name: string): Uint8Array => zeekStringBytes((f.get(name) ?? '""').slice(1, -1));
    logs.set(Buffer.from(zeekStringBytes(m[1]!.slice(1, -1))).toString("latin1"), {
      description: Buffer.from(str("description")).toString("latin1"),
      operator: Buffer.from(str("operator")).toString("latin1"),
      url: Buffer.from(str("url")).toString("latin1"),
      maximumMergeDelay: Number(f.get("maximum_merge_delay") ?? 0),
      key: str("key"),
    });
  }
  return logs;
}

/** The built-in list, made on first use. */
let builtIn: Map<string, CtLog> | null = null;

function builtInLogs(): Map<string, CtLog> {
  builtIn ??= new Map(
    CT_LIST.map(([id, description, operator, url, maximumMergeDelay, key]) => [
      Buffer.from(id, "hex").toString("latin1"),
      { description, operator, url, maximumMergeDelay, key: Uint8Array.from(Buffer.from(key, "base64")) },
    ]),
  );
  return builtIn;
}

/** SSL::ct_logs of a run: the built-in list, with the entries of `file` ("" for none) added. Throws when the file cannot be read. */
export function ctLogs(file: string): ReadonlyMap<string, CtLog> {
  if (file === "") return builtInLogs();
  return new Map([...builtInLogs(), ...parseZeekCtLogs(readFileSync(file, "latin1"))]);
}
