/**
 * bronze-cut's command line, read as zeek-cut's getopt_long reads it
 * ("cCmMnF:duD:U:h" and --help): options may follow column names (GNU
 * permutation, unless POSIXLY_CORRECT is set), "--" ends the options, and
 * the last of -c/-C/-m/-M and of -d/-u/-D/-U wins.
 */

export interface CutOptions {
  /** Header blocks to show: 0 none, 1 the first, 2 all. */
  header: 0 | 1 | 2;
  /** Show headers in minimal view (-m/-M: the column names only). */
  minimal: boolean;
  /** -n: every column except those named. */
  negate: boolean;
  time: "none" | "local" | "utc";
  /** Column names, as bytes (latin1 strings), in the order given. */
  columns: string[];
  /** The one output separator byte of -F, or "" to use each log's own. */
  ofs: string;
  /** strftime format, as bytes (latin1 string). */
  timeFormat: string;
}

/** What the command line asks for: a run, the help text (exit 1, as zeek-cut), or an error line then exit 1. */
export type Parsed = { kind: "run"; options: CutOptions; warnings: string[] } | { kind: "usage"; message: string | null } | { kind: "fail"; message: string };

/** Zeek's default time format. */
export const DEFAULT_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z";

/** The bytes of a string the OS gave as UTF-8, as a latin1 string (the tool works on bytes, as zeek-cut does). */
export function bytesOf(s: string): string {
  return Buffer.from(s, "utf8").toString("latin1");
}

/** Applies one short option; a string is an error message (zeek-cut's -F check). */
function apply(o: CutOptions, c: string, arg: string): string | null {
  if (c === "c" || c === "C" || c === "m" || c === "M") {
    o.minimal = c === "m" || c === "M";
    o.header = c === "c" || c === "m" ? 1 : 2;
  } else if (c === "n") o.negate = true;
  else if (c === "F") {
    if (bytesOf(arg).length !== 1) return "field separator must be a single character";
    o.ofs = bytesOf(arg);
  } else if (c === "d" || c === "D") o.time = "local";
  else if (c === "u" || c === "U") o.time = "utc";
  if (c === "D" || c === "U") o.timeFormat = bytesOf(arg);
  return null;
}

/** The time format from the environment: ZEEK_CUT_TIMEFMT, else the legacy BRO_CUT_TIMEFMT with a warning. */
function envFormat(env: NodeJS.ProcessEnv, prog: string, warnings: string[]): string {
  const fmt = env.ZEEK_CUT_TIMEFMT;
  if (fmt !== undefined) return bytesOf(fmt);
  const legacy = env.BRO_CUT_TIMEFMT;
  if (legacy === undefined) return DEFAULT_TIME_FORMAT;
  warnings.push(`${prog} warning: using legacy environment variable BRO_CUT_TIMEFMT, set ZEEK_CUT_TIMEFMT instead`);
  return bytesOf(legacy);
}

/** A long option ("--help", or any prefix of it, as getopt_long allows); a Parsed when it ends parsing. */
function longOption(arg: string, prog: string): Parsed {
  const [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
  if (name === "" || !"help".startsWith(name)) return { kind: "usage", message: `${prog}: unrecognized option '${arg}'` };
  if (value !== undefined) return { kind: "usage", message: `${prog}: option '--help' doesn't allow an argument` };
  return { kind: "usage", message: null };
}

/** One "-xyz" group; returns how many extra argv entries it used, or a Parsed ending the run. */
function shortGroup(o: CutOptions, argv: readonly string[], i: number, prog: string): number | Parsed {
  const group = argv[i]!;
  for (let j = 1; j < group.length; j++) {
    const c = group[j]!;
    if (!"cCmMnFduDUh".includes(c)) return { kind: "usage", message: `${prog}: invalid option -- '${c}'` };
    if (c === "h") return { kind: "usage", message: null };
    if (!"FDU".includes(c)) {
      apply(o, c, "");
      continue;
    }
    const attached = group.slice(j + 1);
    const arg = attached !== "" ? attached : argv[i + 1];
    if (arg === undefined) return { kind: "usage", message: `${prog}: option requires an argument -- '${c}'` };
    const err = apply(o, c, arg);
    if (err !== null) return { kind: "fail", message: `${prog}: ${err}` };
    return attached !== "" ? 0 : 1;
  }
  return 0;
}

/** Reads the command line (without node and the script). */
export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv, prog: string): Parsed {
  const warnings: string[] = [];
  const o: CutOptions = { header: 0, minimal: false, negate: false, time: "none", columns: [], ofs: "", timeFormat: envFormat(env, prog, warnings) };
  const posix = env.POSIXLY_CORRECT !== undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      i++;
      break;
    }
    if (a.startsWith("--")) return longOption(a, prog);
    if (a.length < 2 || !a.startsWith("-")) {
      if (posix) break;
      o.columns.push(bytesOf(a));
      continue;
    }
    const used = shortGroup(o, argv, i, prog);
    if (typeof used !== "number") return used;
    i += used;
  }
  // Column names that getopt would have moved after the options keep their order.
  o.columns.push(...argv.slice(i).map(bytesOf));
  if (o.time !== "none" && o.timeFormat === "") return { kind: "fail", message: `${prog}: time format string cannot be empty` };
  return { kind: "run", options: o, warnings };
}

/** zeek-cut's help text, with this tool's name. */
export function usageText(prog: string): string {
  return `
${prog} [options] [<columns>]

Extracts the given columns from ASCII Zeek logs on standard input, and outputs
them to standard output. If no columns are given, all are selected.
By default, ${prog} does not include format header blocks in the output.

Example: cat conn.log | ${prog} -d ts id.orig_h id.orig_p

    -c       Include the first format header block in the output.
    -C       Include all format header blocks in the output.
    -m       Include the first format header blocks in the output in minimal view.
    -M       Include all format header blocks in the output in minimal view.
    -d       Convert time values into human-readable format.
    -D <fmt> Like -d, but specify format for time (see strftime(3) for syntax).
    -F <ofs> Sets a different output field separator character.
    -h       Show help.
    -n       Print all fields *except* those specified.
    -u       Like -d, but print timestamps in UTC instead of local time.
    -U <fmt> Like -D, but print timestamps in UTC instead of local time.

For time conversion option -d or -u, the format string can be specified by
setting an environment variable ZEEK_CUT_TIMEFMT.

`;
}
