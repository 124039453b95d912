/**
 * Zeek's raw input reader (Input::READER_RAW): each line of a file is one
 * string (the stream's one field), empty lines included, nothing skipped.
 * MANUAL reads the file once (and on force_update), REREAD again when its
 * inode or modification time changes, STREAM follows it as it grows. A
 * source ending in "|" is a command run with /bin/sh, its standard output
 * read as the lines (MANUAL and REREAD: once per read, to the command's
 * end; STREAM: lines as the command writes them).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { type FileHandle, open, stat } from "node:fs/promises";
import { LineReader, MAX_LINE_BYTES, type ReaderBackend, type ReaderField, type ReaderInfo, ReaderMessages, type ReaderSink } from "./reader.js";

export const READER_RAW = "Input::READER_RAW";

export class RawReader implements ReaderBackend {
  readonly messages: ReaderMessages;
  private handle: FileHandle | null = null;
  private lines: LineReader | null = null;
  private identity = "";
  private child: ChildProcess | null = null;
  private readonly command: string | null;
  private lineNo = 0;

  constructor(
    private readonly info: ReaderInfo,
    fields: readonly ReaderField[],
    private readonly sink: ReaderSink,
  ) {
    this.messages = new ReaderMessages(`${info.source}/${READER_RAW}`, sink);
    const source = info.source.trimEnd();
    this.command = source.endsWith("|") ? source.slice(0, -1).trim() : null;
    if (fields.length !== 1 || fields[0]!.type !== "string")
      this.messages.error("Filter for raw reader contains more than one field or a field that is not a string");
  }

  async init(): Promise<boolean> {
    if (this.messages.disabled) return false;
    return this.update();
  }

  async heartbeat(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (this.info.mode === "Input::MANUAL" || this.command !== null) return true;
    return this.update();
  }

  async close(): Promise<void> {
    this.child?.kill();
    this.child = null;
    const h = this.handle;
    this.handle = null;
    this.lines = null;
    await h?.close().catch(() => undefined);
  }

  private deliver(line: string): void {
    this.lineNo++;
    if (this.info.mode === "Input::STREAM") this.sink.put([line], this.lineNo);
    else this.sink.entry([line], this.lineNo);
  }

  async update(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (this.command !== null) return this.execute(this.command);
    const mode = this.info.mode;
    if (mode === "Input::REREAD") {
      let now: string;
      try {
        const s = await stat(this.info.source);
        now = `${s.ino}:${s.mtimeMs}`;
      } catch {
        this.messages.error(`Could not get stat for ${this.info.source}`);
        return false;
      }
      if (now === this.identity) return true;
      this.identity = now;
    }
    if (mode !== "Input::STREAM" || this.handle === null) {
      await this.close();
      try {
        this.handle = await open(this.info.source, "r");
      } catch {
        this.messages.error(`Init: cannot open ${this.info.source}`);
        return false;
      }
      this.lines = new LineReader(this.handle, 0, { tooLong: () => this.tooLong(), chunk: () => this.sink.flush() });
    }
    for (;;) {
      const line = await this.lines!.next(mode !== "Input::STREAM");
      if (line === null) break;
      this.deliver(line);
    }
    if (mode !== "Input::STREAM") this.sink.endOfRead();
    return true;
  }

  private tooLong(): void {
    this.messages.warning(`Line ${this.lineNo + 1} of ${this.info.source} is longer than ${MAX_LINE_BYTES} bytes. Ignoring line.`);
  }

  /** Runs the command and reads its output's lines. */
  private execute(command: string): Promise<boolean> {
    return new Promise((resolve) => {
      const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "pipe", "ignore"] });
      this.child = child;
      let pending = "";
      let skipping = false;
      child.stdout!.setEncoding("latin1");
      child.stdout!.on("data", (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          // The rest of a line found too long before is dropped.
          if (skipping) skipping = false;
          else if (line.length > MAX_LINE_BYTES) this.tooLong();
          else this.deliver(line);
        }
        if (pending.length > MAX_LINE_BYTES) {
          if (!skipping) this.tooLong();
          skipping = true;
          pending = "";
        }
        this.sink.flush();
      });
      child.on("error", (e) => {
        this.messages.error(`Could not execute ${command}: ${e.message}`);
        resolve(false);
      });
      child.on("close", () => {
        if (this.child === child) this.child = null;
        if (pending !== "" && !skipping) this.deliver(pending);
        if (this.info.mode !== "Input::STREAM") this.sink.endOfRead();
        resolve(!this.messages.disabled);
      });
    });
  }
}
