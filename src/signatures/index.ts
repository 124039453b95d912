/**
 * User signatures (Zeek's `zeek -s file.sig`, `@load-sigs`): parsing,
 * compiling and matching; Engine.loadSignatures is the entry point, the CLI's
 * `-s FILE` its command-line form. docs/signatures.md describes the language
 * and what bronze supports of it.
 */
import { existsSync, readFileSync } from "node:fs";
import { SignatureSet } from "./compiled.js";
import { parseSignatures, SignatureError, type UserSignature } from "./parse.js";

export { SignatureSet } from "./compiled.js";
export type { SignatureEvents, SignatureState } from "./events.js";
export {
  type SignatureCondition,
  type SignatureConstant,
  type SignatureDataHandler,
  type SignatureEventForm,
  SignatureFunctions,
  type SignatureMessageHandler,
} from "./functions.js";
export { parseSignatures, SignatureError, type UserSignature } from "./parse.js";
export { SignatureTap } from "./tap.js";

/** A signature file's path as Zeek finds it: as given, or with ".sig" added. Null when neither exists. */
export function findSignatureFile(path: string): string | null {
  if (existsSync(path)) return path;
  if (!path.endsWith(".sig") && existsSync(`${path}.sig`)) return `${path}.sig`;
  return null;
}

/** Whether a loadSignatures argument is signature text rather than a path (it holds a `signature id {` block). */
export function isSignatureText(source: string): boolean {
  return /(^|\n)\s*signature\s+[^\s{]+\s*\{/.test(source);
}

/** A signature source: a file path, signature text, or text with the file name its errors give. */
export type SignatureSource = string | { readonly text: string; readonly file: string };

/** Reads and parses signature sources; SignatureError for a missing or bad file. */
export function readSignatures(sources: readonly SignatureSource[]): UserSignature[] {
  const out: UserSignature[] = [];
  for (const source of sources) {
    if (typeof source !== "string") {
      out.push(...parseSignatures(source.text, source.file));
      continue;
    }
    if (isSignatureText(source)) {
      out.push(...parseSignatures(source, "<text>"));
      continue;
    }
    const file = findSignatureFile(source);
    if (file === null) throw new SignatureError(source, 0, `can't find signature file ${source}`);
    out.push(...parseSignatures(readText(file), file));
  }
  return out;
}

/** A signature file's text (bytes as latin1: patterns are over bytes); an unreadable one (a directory…) is a SignatureError. */
function readText(file: string): string {
  try {
    return readFileSync(file, "latin1");
  } catch (err) {
    const why = err instanceof Error && "code" in err ? String(err.code) : String(err);
    throw new SignatureError(file, 0, `cannot read signature file ${file}: ${why}`);
  }
}

/** Compiles a list of signatures (all files together: a requirement may name another file's signature). */
export function compileUserSignatures(sigs: readonly UserSignature[]): SignatureSet {
  return new SignatureSet(sigs);
}
