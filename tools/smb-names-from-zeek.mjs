#!/usr/bin/env node
// Writes src/analyzer/app/smb/names.ts: the names Zeek's SMB scripts give to
// numbers (MS-ERREF's NT status and DOS error codes as SMB::statuses has
// them, MS-SMB's command and transaction sub-command codes, MS-SMB2's command
// and dialect codes), read from the tables of Zeek's scripts/base/protocols/smb
// (consts.zeek, const-dos-error.zeek, const-nt-status.zeek; a later entry of
// one code replaces an earlier, as Zeek's redef does). Names only: smb_cmd.log
// shows no descriptions.
// Usage: node tools/smb-names-from-zeek.mjs ZEEK_GIT_DIR > src/analyzer/app/smb/names.ts
import { execFileSync } from "node:child_process";

const gitDir = process.argv[2] ?? "/work/.mirror/zeek+zeek/repo";
const git = (...args) => execFileSync("git", ["-C", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
const commit = git("rev-parse", "HEAD").trim();
const read = (name) => git("show", `HEAD:scripts/base/protocols/smb/${name}.zeek`);

/** The `[code] = …` entries of the table `name` declared in `text` (after `module`), code → the entry's text. */
function table(text, module, name) {
  const start = text.indexOf(`module ${module};`);
  const from = text.indexOf(`${name}: table[count]`, start);
  if (start < 0 || from < 0) throw new Error(`no table ${module}::${name}`);
  const end = text.indexOf("} &", from);
  const out = new Map();
  for (const m of text.slice(from, end).matchAll(/\[(0x[0-9A-Fa-f]+|\d+)\]\s*=\s*([^\n]*)/g)) out.set(Number(m[1]), m[2]);
  return out;
}

/** The status ids of every `[code] = [$id="…"` or `StatusCode($id="…"` entry in `text`, in order. */
function statuses(text, into) {
  for (const m of text.matchAll(/\[(0x[0-9A-Fa-f]+)\]\s*=\s*(?:\[|StatusCode\()\$id="([^"]*)"/g)) into.set(Number(m[1]), m[2]);
}

const consts = read("consts");
const status = new Map();
for (const f of ["consts", "const-dos-error", "const-nt-status"]) statuses(f === "consts" ? consts : read(f), status);

const names = (t) => new Map([...t].map(([k, v]) => [k, /"([^"]*)"/.exec(v)[1]]));
/** Each table: its function's name, what it names, its entries, and the prefix of Zeek's default for a code it lacks. */
const tables = [
  ["smb1Command", "SMB1::commands: an SMB1 header's command.", names(table(consts, "SMB1", "commands")), "unknown-"],
  [
    "smb1Trans2SubCommand",
    "SMB1::trans2_sub_commands: a TRANSACTION2 request's sub-command.",
    names(table(consts, "SMB1", "trans2_sub_commands")),
    "unknown-trans2-sub-cmd-",
  ],
  [
    "smb1TransSubCommand",
    "SMB1::trans_sub_commands: a TRANSACTION request's sub-command.",
    names(table(consts, "SMB1", "trans_sub_commands")),
    "unknown-trans-sub-cmd-",
  ],
  ["smb2Command", "SMB2::commands: an SMB2 header's command.", names(table(consts, "SMB2", "commands")), "unknown-"],
  ["smb2Dialect", "SMB2::dialects: a dialect revision.", names(table(consts, "SMB2", "dialects")), "unknown-"],
  ["smbStatus", "SMB::statuses' ids: an SMB header's status (NT status, or an SMB1 DOS error class and code).", status, "unknown-"],
];

const lines = (m) => [...m].map(([k, v]) => `${k.toString(16)} ${v}`).join("\n");
let out = `/**
 * Names Zeek's SMB scripts give to numbers, generated from zeek/zeek at
 * ${commit} (scripts/base/protocols/smb) by
 *
 *   node tools/smb-names-from-zeek.mjs ZEEK_GIT_DIR > src/analyzer/app/smb/names.ts
 *
 * Each table is "hex-code name" lines, read into a Map on first use.
 */

/** A table's lines as a Map. */
function parse(text: string): ReadonlyMap<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split("\\n")) {
    const sp = line.indexOf(" ");
    out.set(Number.parseInt(line.slice(0, sp), 16), line.slice(sp + 1));
  }
  return out;
}

/** A lookup into \`text\`'s table; a code it lacks is \`unknown\` and the code in decimal (Zeek's default). */
function lookup(text: string, unknown: string): (code: number) => string {
  let table: ReadonlyMap<number, string> | null = null;
  return (code) => (table ??= parse(text)).get(code) ?? unknown + String(code);
}
`;
for (const [fn, doc, t, unknown] of tables) out += `\n/** ${doc} */\nexport const ${fn} = lookup(\n  \`${lines(t)}\`,\n  ${JSON.stringify(unknown)},\n);\n`;
process.stdout.write(out);
