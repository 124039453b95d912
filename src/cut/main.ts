/**
 * bronze-cut: zeek-cut for bronze's (and Zeek's) ASCII logs. Reads the logs
 * on stdin as bytes, line by line, and writes the cut lines to stdout.
 * Every failure is one line on stderr and status 1, never a stack trace.
 */
import type { Writable } from "node:stream";
import { parseArgs, usageText } from "./args.js";
import { Cutter } from "./cutter.js";

/** A line longer than this ends the run with an error: a JS string cannot grow without bound (zeek-cut's getline can). */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;
/** Output is gathered into writes of about this size. */
const FLUSH_BYTES = 64 * 1024;

export interface CutIo {
  input: AsyncIterable<Buffer>;
  output: Writable;
  error: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Buffered output that waits when the reader is slow, and notices a closed pipe. */
class Output {
  private parts: string[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly stream: Writable) {
    stream.on("error", () => {
      // EPIPE and the like: the reader has gone (`| head`); stop quietly, as zeek-cut dies of SIGPIPE.
      this.closed = true;
    });
  }

  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  get full(): boolean {
    return this.size >= FLUSH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.size === 0 || this.closed) return;
    const chunk = Buffer.from(this.parts.join(""), "latin1");
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await new Promise<void>((done) => this.drainOrClose(done));
  }

  private drainOrClose(done: () => void): void {
    const finish = (): void => {
      this.stream.off("drain", finish);
      this.stream.off("error", finish);
      this.stream.off("close", finish);
      done();
    };
    this.stream.on("drain", finish).on("error", finish).on("close", finish);
  }
}

/** Splits the input into lines (without "\n"), as getline does; a line is cut at its first NUL, as zeek-cut's C strings are. */
async function* lines(input: AsyncIterable<Buffer>, tooLong: (n: number) => void): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let n = 0;
  for await (const chunk of input) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const whole = pendingLen === 0 ? piece : Buffer.concat([...pending, piece]);
      pending = [];
      pendingLen = 0;
      start = nl + 1;
      n++;
      yield toLine(whole);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingLen += chunk.length - start;
      if (pendingLen > MAX_LINE_BYTES) return tooLong(n + 1);
    }
  }
  // zeek-cut drops the last byte of every line, taking it for the newline; so too for a last line that has none.
  if (pendingLen > 0) yield toLine(Buffer.concat(pending).subarray(0, pendingLen - 1));
}

function toLine(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return (nul < 0 ? bytes : bytes.subarray(0, nul)).toString("latin1");
}

/** Runs bronze-cut; resolves with the exit status. */
export async function runCut(argv: readonly string[], io: CutIo, prog = "bronze-cut"): Promise<number> {
  const parsed = parseArgs(argv, io.env, prog);
  if (parsed.kind === "usage") {
    if (parsed.message !== null) io.error(parsed.message);
    io.output.write(usageText(prog));
    return 1;
  }
  if (parsed.kind === "fail") {
    io.error(parsed.message);
    return 1;
  }
  for (const w of parsed.warnings) io.error(w);
  const out = new Output(io.output);
  let status = 0;
  const err = (line: string): void => {
    // What was cut before a message comes out before it, so the two read in order on a terminal.
    void out.flush();
    io.error(line);
  };
  const cutter = new Cutter(parsed.options, { out: (t) => out.add(t), err }, prog, io.env);
  const tooLong = (n: number): void => {
    err(`${prog}: line ${n} is longer than ${MAX_LINE_BYTES} bytes`);
    status = 1;
  };
  try {
    for await (const line of lines(io.input, tooLong)) {
      if (!cutter.line(line)) {
        status = 1;
        break;
      }
      if (out.full) await out.flush();
      if (out.closed) break;
    }
  } catch (e) {
    // Standard input that cannot be read (a directory, a closed descriptor): one line, not a stack trace.
    err(`${prog}: cannot read standard input: ${e instanceof Error ? e.message : String(e)}`);
    status = 1;
  }
  await out.flush();
  return status;
}
