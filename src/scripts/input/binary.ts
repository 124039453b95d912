/**
 * Zeek's binary input reader (Input::READER_BINARY): a file's bytes, a chunk
 * of InputBinary::chunk_size (1024) at a time, each chunk the stream's one
 * string field. It feeds file analysis (Input::add_analysis): the chunks
 * are the file's data, the end of a read its end. MANUAL reads the file once
 * (again from its start on force_update), REREAD again when its inode or
 * modification time changes, STREAM goes on from where it stopped as the
 * file grows. A relative source is read under InputBinary::path_prefix.
 */
import { type FileHandle, open, stat } from "node:fs/promises";
import type { EngineSettings } from "../../options.js";
import { prefixedPath } from "./ascii.js";
import { type ReaderBackend, type ReaderField, type ReaderInfo, ReaderMessages, type ReaderSink } from "./reader.js";

export const READER_BINARY = "Input::READER_BINARY";

/** Zeek's chunk size when InputBinary::chunk_size is 0. */
const DEFAULT_CHUNK = 1024;

export class BinaryReader implements ReaderBackend {
  readonly messages: ReaderMessages;
  /** The path read: the source under InputBinary::path_prefix. */
  readonly file: string;
  private readonly chunkSize: number;
  private handle: FileHandle | null = null;
  /** Where the next chunk starts (STREAM goes on from here). */
  private offset = 0;
  private identity = "";
  private chunks = 0;

  constructor(
    private readonly info: ReaderInfo,
    fields: readonly ReaderField[],
    settings: Pick<EngineSettings, "InputBinary::chunk_size" | "InputBinary::path_prefix">,
    private readonly sink: ReaderSink,
  ) {
    this.messages = new ReaderMessages(`${info.source}/${READER_BINARY}`, sink);
    const size = settings["InputBinary::chunk_size"];
    this.chunkSize = size > 0 ? size : DEFAULT_CHUNK;
    this.file = prefixedPath(info.source, info.config.path_prefix ?? settings["InputBinary::path_prefix"]);
    this.checkFields(fields);
  }

  /** Zeek's binary reader takes exactly one string field (the bytes). */
  private checkFields(fields: readonly ReaderField[]): void {
    if (this.info.source === "") this.messages.error("No source path provided");
    else if (fields.length !== 1)
      this.messages.error(
        "Filter for binary reader contains more than one field. Filters for binary reader must contain exactly one string field. Filter ignored.",
      );
    else if (fields[0]!.type !== "string") this.messages.error("Filter for binary reader contains a non-string field.");
  }

  async init(): Promise<boolean> {
    if (this.messages.disabled) return false;
    if (!(await this.reopen())) return false;
    if ((await this.changed()) === null) return false;
    return this.readChunks();
  }

  /** Input::force_update, and REREAD's and STREAM's heartbeats. */
  async update(): Promise<boolean> {
    if (this.messages.disabled) return false;
    const mode = this.info.mode;
    if (mode === "Input::STREAM" && this.handle !== null) return this.readChunks();
    if (mode === "Input::REREAD") {
      const changed = await this.changed();
      if (changed === null) return false;
      if (!changed) return true;
    }
    if (!(await this.reopen())) return false;
    return this.readChunks();
  }

  async heartbeat(): Promise<boolean> {
    if (this.messages.disabled) return false;
    return this.info.mode === "Input::MANUAL" ? true : this.update();
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close().catch(() => undefined);
  }

  /** Opens the file afresh, reading from its start. */
  private async reopen(): Promise<boolean> {
    await this.close();
    try {
      this.handle = await open(this.file, "r");
    } catch {
      this.messages.error(`Init: cannot open ${this.file}`);
      return false;
    }
    this.offset = 0;
    return true;
  }

  /** Whether the file's inode or modification time changed since last looked at; null (after an error) when it cannot be looked at. */
  private async changed(): Promise<boolean | null> {
    let now: string;
    try {
      const s = await stat(this.file);
      now = `${s.ino}:${s.mtimeMs}`;
    } catch {
      this.messages.error(`Could not get stat for ${this.file}`);
      return null;
    }
    if (now === this.identity) return false;
    this.identity = now;
    return true;
  }

  /** The chunks from the offset to the end of the file; a MANUAL or REREAD read then ends. */
  private async readChunks(): Promise<boolean> {
    const handle = this.handle!;
    const stream = this.info.mode === "Input::STREAM";
    for (;;) {
      const chunk = Buffer.allocUnsafe(this.chunkSize);
      const { bytesRead } = await handle.read(chunk, 0, this.chunkSize, this.offset);
      if (bytesRead === 0 || this.handle !== handle) break;
      this.offset += bytesRead;
      const value = [chunk.toString("latin1", 0, bytesRead)];
      this.chunks++;
      if (stream) this.sink.put(value, this.chunks);
      else this.sink.entry(value, this.chunks);
      this.sink.flush();
    }
    if (!stream) this.sink.endOfRead();
    return true;
  }
}
