/**
 * The text filters btests chain in their shell commands (`cat A B | sort |
 * uniq -c | wc -l | sed 's/ //g' > F`), as GNU coreutils, sed and awk in
 * btest's C locale run them on a file's lines: sort, uniq and uniq -c,
 * wc -l, sed's s command (basic or -E extended expressions), awk's
 * `{print $N, …}`, grep (-v), tr of single characters and zeek-cut's
 * columns (without -m). Used by test/helpers/btest-replay for its
 * pipeline steps; a filter outside this set is not read (null).
 */

import { zeekCut } from "../conformance/btest-applogs-harness.js";

/** A filter: the lines it reads to the lines it writes. */
export type LineFilter = (lines: string[]) => string[];

/** sort(1)'s order in the C locale: by bytes. */
export const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1"));

/** A file's lines (its last newline ends the last line), and lines back to a file's text. */
export const linesOf = (text: string): string[] => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
export const textOf = (lines: readonly string[]): string => lines.map((l) => `${l}\n`).join("");

/** uniq(1): runs of equal adjacent lines once each; with -c each after its count as GNU prints it (`%7d `). */
function uniq(count: boolean): LineFilter {
  return (lines) => {
    const runs: Array<[line: string, n: number]> = [];
    for (const l of lines) {
      const last = runs.at(-1);
      if (last !== undefined && last[0] === l) last[1]++;
      else runs.push([l, 1]);
    }
    return runs.map(([l, n]) => (count ? `${String(n).padStart(7)} ${l}` : l));
  };
}

/** A POSIX basic regular expression as a JavaScript one: \( \) \{ \} \| \+ \? are the operators, their bare forms literal. */
function basicToJs(re: string): string {
  let out = "";
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === "\\" && i + 1 < re.length) {
      const next = re[++i]!;
      out += "(){}|+?".includes(next) ? next : `\\${next}`;
    } else out += "(){}|+?".includes(c) ? `\\${c}` : c;
  }
  return out;
}

/** sed's replacement as String.replace's: & the match, \N a group, \& and \\ literal; a `$` stays literal. */
function sedReplacement(text: string): string {
  return text.replace(/\\([&\\\d])|&|\$/g, (m, escaped: string | undefined) => {
    if (escaped !== undefined) return /\d/.test(escaped) ? `$${escaped}` : escaped;
    return m === "&" ? "$&" : "$$";
  });
}

/** A regular expression of sed or grep (extended with -E, else basic) as a JavaScript one. */
const regex = (re: string, extended: boolean, flags = ""): RegExp => new RegExp(extended ? re : basicToJs(re), flags);

/** sed's `s/RE/REPLACEMENT/[g]` on each line (a separator other than / too). */
function sed(extended: boolean, script: string): LineFilter | null {
  const sep = script[1];
  if (script[0] !== "s" || sep === undefined) return null;
  const parts = script.slice(2).split(sep);
  if (parts.length !== 3 || !/^g?$/.test(parts[2]!)) return null;
  const re = regex(parts[0]!, extended, parts[2]);
  const replacement = sedReplacement(parts[1]!);
  return (lines) => lines.map((l) => l.replace(re, replacement));
}

/** awk's `{print $A, $B}`: the fields (split on runs of blanks, leading ones ignored; $0 the line), joined by a blank. */
function awkPrint(fields: number[]): LineFilter {
  return (lines) =>
    lines.map((l) => {
      const words = l.trim().split(/[ \t]+/);
      return fields.map((f) => (f === 0 ? l : (words[f - 1] ?? ""))).join(" ");
    });
}

/** The argument of a filter, its shell quotes removed. */
const unquote = (word: string): string => word.replace(/^'(.*)'$|^"(.*)"$/, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? "");

/** tr(1) of single characters (`tr ' ' '\n'`): each of `from`'s characters becomes `to`'s at its place; a newline made splits the line. */
function translate(from: string, to: string): LineFilter {
  const chars = (set: string): string[] => [...set.replace(/\\n/g, "\n").replace(/\\t/g, "\t")];
  const [a, b] = [chars(from), chars(to)];
  // tr pads the second set with its last character.
  const map = new Map(a.map((c, i) => [c, b[Math.min(i, b.length - 1)]!] as const));
  return (lines) => linesOf(textOf(lines.map((l) => [...l].map((c) => map.get(c) ?? c).join(""))));
}

/** One filter of a pipeline (`sort`, `uniq -c`, `sed -E 's/a/b/'`, …), or null for one this module does not run. */
export function lineFilter(command: string): LineFilter | null {
  const cmd = command.trim();
  if (cmd === "sort") return (lines) => [...lines].sort(byBytes);
  if (cmd === "uniq" || cmd === "uniq -c") return uniq(cmd === "uniq -c");
  if (cmd === "wc -l") return (lines) => [String(lines.length)];
  const sedCmd = /^sed\s+(-E\s+)?('[^']*'|"[^"]*")$/.exec(cmd);
  if (sedCmd !== null) return sed(sedCmd[1] !== undefined, unquote(sedCmd[2]!));
  const awk = /^awk\s+'\{\s*print\s+((?:\$\d+\s*,?\s*)+)\}'$/.exec(cmd);
  if (awk !== null) return awkPrint([...awk[1]!.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
  const cut = /^zeek-cut\s+([\w.\s]+)$/.exec(cmd);
  if (cut !== null) return (lines) => linesOf(`${zeekCut(textOf(lines), cut[1]!.trim().split(/\s+/), false)}\n`);
  const tr = /^tr\s+('[^']*'|"[^"]*")\s+('[^']*'|"[^"]*")$/.exec(cmd);
  if (tr !== null) return translate(unquote(tr[1]!), unquote(tr[2]!));
  const grep = /^grep\s+(-v\s+)?('[^']*'|"[^"]*")$/.exec(cmd);
  if (grep === null) return null;
  const re = regex(unquote(grep[2]!), false);
  const keep = grep[1] === undefined;
  return (lines) => lines.filter((l) => re.test(l) === keep);
}

/** A pipeline's filters split at its bars (a bar inside quotes is part of its filter); null when one is not run here. */
export function lineFilters(pipeline: string): LineFilter[] | null {
  const parts = pipeline.match(/(?:[^|'"]+|'[^']*'|"[^"]*")+/g) ?? [];
  const filters = parts.map(lineFilter);
  return filters.every((f) => f !== null) ? (filters as LineFilter[]) : null;
}

/** The lines through each filter in turn. */
export const runFilters = (filters: readonly LineFilter[], lines: string[]): string[] => filters.reduce((acc, f) => f(acc), lines);
