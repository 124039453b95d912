/**
 * Zeek's raw input reader (Input::READER_RAW): each line of a file is one
 * string (the stream's first field), empty lines included, nothing skipped.
 *
 * Files: MANUAL reads the file once (and on force_update), REREAD again when
 * its inode, modification time or size changes, STREAM follows it as it
 * grows, as `tail -F` does: a file not there yet is waited for, and a file
 * replaced (another inode at the path) is read from its start; what ends
 * the file without a separator is a line too, at once (Zeek's GetLine
 * flushes its buffer at EOF, whatever the mode). Records end with
 * InputRaw::record_separator (a newline by default). $config
 * "offset" (MANUAL and STREAM) starts the read at that byte; a negative one
 * counts from the end, -1 being the end itself.
 *
 * Commands: a source ending in "|" is run with /bin/sh. MANUAL reads its
 * standard output to the end. STREAM hands over, at each heartbeat, the
 * complete lines written since the last one (standard output's, then with
 * $config "read_stderr" standard error's: the stream's second field, a bool,
 * tells them apart); once the command ended, what is left is the last line,
 * end_of_data follows and the stream is done. $config "stdin" is written to
 * the command's standard input, which is then closed. Its end raises
 * InputRaw::process_finished (exit code, or signal number and T), and a
 * non-zero exit or a signal is an error, as Zeek reports them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type FileHandle, open, stat } from "node:fs/promises";
import { constants } from "node:os";
import type { EngineSettings } from "../../options.js";
import { LineReader, MAX_LINE_BYTES, type ReaderBackend, type ReaderField, type ReaderInfo, ReaderMessages, type ReaderSink } from "./reader.js";

export const READER_RAW = "Input::READER_RAW";

/** A command's output pipe: the bytes not yet handed over as lines (each ended by `separator`). */
class PipeLines {
  private pending = "";
  private skipping = false;
  ended = false;

  constructor(
    private readonly tooLong: () => void,
    private readonly separator: string,
  ) {}

  push(chunk: string): void {
    this.pending += chunk;
    if (this.pending.indexOf(this.separator) < 0 && this.pending.length > MAX_LINE_BYTES) {
      // A line past the bound is dropped up to its newline, so that an endless line cannot exhaust memory.
      if (!this.skipping) this.tooLong();
      this.skipping = true;
      this.pending = "";
    }
  }

  /** The complete lines so far; once the pipe ended, what is left is a line too (Zeek's GetLine at EOF). */
  take(): string[] {
    const out: string[] = [];
    const sep = this.separator;
    for (let nl = this.pending.indexOf(sep); nl >= 0; nl = this.pending.indexOf(sep)) {
      const line = this.pending.slice(0, nl);
      this.pending = this.pending.slice(nl + sep.length);
      if (this.skipping) this.skipping = false;
      else if (line.length > MAX_LINE_BYTES) this.tooLong();
      else out.push(line);
    }
    if (this.ended && this.pending !== "") {
      if (!this.skipping) out.push(this.pending);
      this.pending = "";
    }
    return out;
  }
}

/** A command being run: its pipes' lines and how it ended. */
interface CommandRun {
  readonly child: ChildProcess;
  readonly stdout: PipeLines;
  readonly stderr: PipeLines | null;
  /** Resolves once the command ended and its pipes are drained: its exit code (or signal number) and whether a signal ended it. */
  readonly closed: Promise<{ code: number; signal: boolean }>;
  exit: { code: number; signal: boolean } | null;
}

export class RawReader implements ReaderBackend {
  readonly messages: ReaderMessages;
  private handle: FileHandle | null = null;
  private lines: LineReader | null = null;
  /** REREAD: the file's inode, modification time and size when last read; STREAM: the inode followed. */
  private identity = "";
  private run: CommandRun | null = null;
  private readonly command: string | null;
  private readonly readStderr: boolean;
  private readonly stdin: string | undefined;
  /** Where a read of the file starts ($config offset; negative: from the end). */
  private readonly offset: number;
  private lineNo = 0;
  /** A streamed command ended and was handed over whole: nothing more to do. */
  private finished = false;
  /** What ends a record (InputRaw::record_separator). */
  private readonly separator: string;

  constructor(
    private readonly info: ReaderInfo,
    fields: readonly ReaderField[],
    settings: Pick<EngineSettings, "InputRaw::record_separator">,
    private readonly sink: ReaderSink,
  ) {
    this.separator = settings["InputRaw::record_separator"];
    this.messages = new ReaderMessages(`${info.source}/${READER_RAW}`, sink);
    const source = info.source.trimEnd();
    this.command = source.endsWith("|") ? source.slice(0, -1).trim() : null;
    const c = info.config;
    this.stdin = c.stdin;
    this.readStderr = c.read_stderr !== undefined && this.command !== null;
    this.offset = c.offset === undefined ? 0 : Number.parseInt(c.offset, 10) || 0;
    this.check(fields);
  }

  /** Zeek's DoInit checks: the options the mode allows, and the fields (a string, and a bool with read_stderr). */
  private check(fields: readonly ReaderField[]): void {
    const mode = this.info.mode;
    const want = this.readStderr ? 2 : 1;
    if (this.info.source === "") this.messages.error("No source path provided");
    else if (this.info.config.offset !== undefined && (this.command !== null || mode === "Input::REREAD"))
      this.messages.error("Offset only is supported for MODE_STREAM and MODE_MANUAL; it is also not supported when executing a command");
    else if (fields.length !== want)
      this.messages.error(
        `Filter for raw reader contains wrong number of fields -- got ${fields.length}, expected ${want}. Filters for the raw reader contain one string field when used in normal mode and one string and one bool fields when using execute mode with stderr capturing. Filter ignored.`,
      );
    else if (fields[0]!.type !== "string") this.messages.error("First field for raw reader always has to be of type string.");
    else if (this.readStderr && fields[1]!.type !== "bool") this.messages.error("Second field for raw reader always has to be of type bool.");
    else if (this.command !== null && mode === "Input::REREAD") this.messages.error("Rereading only supported for files, not for executables.");
  }

  async init(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (this.command !== null && this.info.mode === "Input::STREAM") {
      this.run = this.start(this.command);
      return this.streamCommand();
    }
    return this.update();
  }

  async heartbeat(): Promise<boolean> {
    if (this.finished) return true;
    if (this.messages.disabled) return false;
    if (this.info.mode === "Input::MANUAL") return true;
    if (this.command !== null) return this.streamCommand();
    return this.update();
  }

  async close(): Promise<void> {
    const run = this.run;
    this.run = null;
    if (run !== null) this.kill(run);
    await this.closeFile();
  }

  /**
   * Ends a command still running: its whole process group (what it started
   * too, as Zeek's kill(-pid)), with SIGKILL after 200 ms when $config
   * force_kill says so; its pipes are let go.
   */
  private kill(run: CommandRun): void {
    const pid = run.child.pid;
    if (pid !== undefined && run.exit === null) {
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          // Already gone.
        }
      };
      signal("SIGTERM");
      if (this.info.config.force_kill !== undefined) setTimeout(() => run.exit === null && signal("SIGKILL"), 200).unref();
    }
    run.child.stdout?.destroy();
    run.child.stderr?.destroy();
    run.child.stdin?.destroy();
  }

  private async closeFile(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    this.lines = null;
    await h?.close().catch(() => undefined);
  }

  private deliver(values: [string] | [string, boolean]): void {
    this.lineNo++;
    if (this.info.mode === "Input::STREAM") this.sink.put(values, this.lineNo);
    else this.sink.entry(values, this.lineNo);
  }

  async update(): Promise<boolean> {
    if (this.finished) return true;
    if (this.messages.disabled) return false;
    if (this.command !== null) return this.info.mode === "Input::STREAM" ? this.streamCommand() : this.readCommand(this.command);
    const mode = this.info.mode;
    const ready = mode === "Input::STREAM" ? await this.followFile() : await this.openFile(mode === "Input::REREAD");
    if (ready === null) return false;
    // REREAD of a file unchanged: no read, no end_of_data.
    if (!ready && mode === "Input::REREAD") return true;
    if (ready) {
      for (;;) {
        // At the end of the file what is left is a line, in STREAM too: Zeek's GetLine flushes its buffer at EOF.
        const line = await this.lines!.next(true);
        if (line === null) break;
        this.deliver([line]);
      }
    }
    if (mode !== "Input::STREAM") this.sink.endOfRead();
    return true;
  }

  /** MANUAL and REREAD: the file opened afresh (REREAD: only when it changed; false then). Null after an error. */
  private async openFile(onlyChanged: boolean): Promise<boolean | null> {
    const source = this.info.source;
    let size: number;
    try {
      const s = await stat(source);
      size = s.size;
      const now = `${s.dev}:${s.ino}:${s.mtimeMs}:${s.size}`;
      if (onlyChanged && now === this.identity) return false;
      this.identity = now;
    } catch {
      this.messages.error(onlyChanged ? `Could not get stat for ${source}` : `Init: cannot open ${source}`);
      return null;
    }
    await this.closeFile();
    try {
      this.handle = await open(source, "r");
    } catch {
      this.messages.error(`Init: cannot open ${source}`);
      return null;
    }
    this.lines = this.lineReader(this.handle, this.startOf(size));
    return true;
  }

  /**
   * STREAM: the file followed as `tail -F` does. Not there (yet): nothing to
   * read. Another inode at the path (the file replaced, or there at last):
   * opened, read from its start (the offset only for the first file).
   */
  private async followFile(): Promise<boolean> {
    const source = this.info.source;
    let now: string;
    let size: number;
    try {
      const s = await stat(source);
      now = `${s.dev}:${s.ino}`;
      size = s.size;
    } catch {
      return this.handle !== null; // removed: what was opened is read on
    }
    if (this.handle !== null && now === this.identity) return true;
    const first = this.identity === "";
    let handle: FileHandle;
    try {
      handle = await open(source, "r");
    } catch {
      return this.handle !== null;
    }
    await this.closeFile();
    this.handle = handle;
    this.identity = now;
    this.lines = this.lineReader(handle, first ? this.startOf(size) : 0);
    return true;
  }

  /** Where a read starts: $config offset, a negative one from the end (-1: the end). */
  private startOf(size: number): number {
    if (this.offset >= 0) return Math.min(this.offset, size);
    return Math.max(0, size + this.offset + 1);
  }

  private lineReader(handle: FileHandle, start: number): LineReader {
    return new LineReader(handle, start, { tooLong: () => this.tooLong(), chunk: () => this.sink.flush() }, this.separator);
  }

  private tooLong(): void {
    this.messages.warning(`Line ${this.lineNo + 1} of ${this.info.source} is longer than ${MAX_LINE_BYTES} bytes. Ignoring line.`);
  }

  /** Starts the command: its output gathered into lines, $config stdin written to it. */
  private start(command: string): CommandRun {
    // A process group of its own, so that ending it ends what it started.
    const child = spawn("/bin/sh", ["-c", command], {
      stdio: [this.stdin === undefined ? "ignore" : "pipe", "pipe", this.readStderr ? "pipe" : "ignore"],
      detached: true,
    });
    const pipe = (stream: NodeJS.ReadableStream | null): PipeLines | null => {
      if (stream === null) return null;
      const lines = new PipeLines(() => this.tooLong(), this.separator);
      stream.setEncoding("latin1");
      stream.on("data", (chunk: string) => lines.push(chunk));
      stream.on("end", () => (lines.ended = true));
      return lines;
    };
    const stdout = pipe(child.stdout)!;
    const stderr = pipe(child.stderr);
    if (this.stdin !== undefined) {
      // A command that does not read it: the write's EPIPE is no error of the stream's.
      child.stdin!.on("error", () => undefined);
      child.stdin!.end(Buffer.from(this.stdin, "latin1"));
    }
    const run: CommandRun = {
      child,
      stdout,
      stderr,
      exit: null,
      closed: new Promise((resolve) => {
        child.on("error", (e) => {
          this.messages.error(`Could not execute ${command}: ${e.message}`);
          resolve({ code: 127, signal: false });
        });
        // Zeek reports WTERMSIG's number: the signal's name back to it.
        child.on("close", (code, signal) =>
          resolve(signal === null ? { code: code ?? 0, signal: false } : { code: constants.signals[signal] ?? 0, signal: true }),
        );
      }),
    };
    void run.closed.then((exit) => (run.exit = exit));
    return run;
  }

  /** MANUAL: the command run to its end, its lines handed over, the read ended. */
  private async readCommand(command: string): Promise<boolean> {
    const run = this.start(command);
    this.run = run;
    const exit = await run.closed;
    this.handOver(run);
    this.sink.endOfRead();
    if (this.run === run) this.run = null;
    this.processFinished(exit);
    return true;
  }

  /** STREAM (each heartbeat): the lines written since; once the command ended, the rest, end_of_data and the end of the stream. */
  private async streamCommand(): Promise<boolean> {
    const run = this.run;
    if (run === null) return true;
    this.handOver(run);
    if (run.exit === null) return true;
    this.run = null;
    this.finished = true;
    this.sink.endOfRead();
    this.processFinished(run.exit);
    return true;
  }

  /** Standard output's lines, then standard error's (Zeek reads them in that order at each update). */
  private handOver(run: CommandRun): void {
    for (const line of run.stdout.take()) this.deliver(this.readStderr ? [line, false] : [line]);
    if (run.stderr !== null) for (const line of run.stderr.take()) this.deliver([line, true]);
    this.sink.flush();
  }

  /** The command's end: an error unless it exited with 0, then InputRaw::process_finished. */
  private processFinished(exit: { code: number; signal: boolean }): void {
    if (exit.signal) this.messages.error(`Child process exited due to signal ${exit.code}`);
    else if (exit.code !== 0) this.messages.error(`Child process exited with non-zero return code ${exit.code}`);
    this.sink.processFinished?.(exit.code, exit.signal);
  }
}
