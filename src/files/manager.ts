/**
 * The files framework's core (Zeek's file_analysis::Manager and File): every
 * body, attachment or payload an analyzer hands over becomes a file, known by
 * its fuid — a keyed hash of the *handle* the protocol names it by (see
 * fuid.ts) — and raises Zeek's file events:
 *
 * - file_new when a handle is first seen (again after the file was removed),
 *   then file_over_new_connection for the connection it came on (and each
 *   further connection that sets its size, fills a gap or sends a chunk);
 * - file_sniff once the first `bof_buffer_size` (4096) bytes are in, the file
 *   ended, or a gap came first: the strongest file-magic match (magic.ts);
 * - file_gap for bytes that will never come;
 * - file_state_remove when it ends: its total size was reached, the protocol
 *   said so, or it timed out (file_timeout first, then): idle for its
 *   timeout_interval (2 min) when its inactivity timer came, or still open
 *   when the run ended.
 *
 * The inactivity timer (Zeek's FileTimer) is scheduled when the file is made,
 * due timeout_interval later, on the engine's one timer heap. When it comes
 * the file times out if it was idle (no data, gap or size since last_active)
 * for at least its timeout_interval; otherwise the timer is scheduled again,
 * a whole timeout_interval from then. A file_timeout handler may postpone the
 * timeout with f.setTimeoutInterval(t > 0) (Zeek's Files::set_timeout_interval):
 * the file is then active again and its timer scheduled anew. Timers name the
 * file by fuid and are not cancelled when it ends, as Zeek's: one left over
 * from a file that ended checks the file made again from the same handle.
 *
 * Data comes in order ("by stream") or at offsets ("by chunk"); chunks out of
 * order wait in a reassembly buffer (Files::reassembly_buffer_size) and are
 * given up as overflow when it is full. File analyzers (hashes, extraction:
 * analyzers.ts) are added by name from handlers (`f.addAnalyzer("MD5")`); one
 * added late catches up from the BOF buffer.
 *
 * Events are queued, as every event in bronze; file_new,
 * file_over_new_connection, file_sniff and file_timeout then run the queue at
 * once, as Zeek does, so that their handlers (adding hashes, extraction) act
 * before the file's data flows on.
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { EventBus } from "../event/bus.js";
import { type EventMap, registerEvents } from "../event/events.js";
import type { Connection } from "../event/records.js";
import type { TimerClient } from "../session/timers.js";
import { FaFile, type FileAnalyzer, type FileAnalyzerArgs, type FileAnalyzerFactory, type FileMetadata } from "./file.js";
import { FuidMaker } from "./fuid.js";
import { sniffMimeTypes } from "./magic.js";
import { userFileMagicOf } from "./user-magic.js";

export interface FileEvents {
  file_new: [f: FaFile];
  file_over_new_connection: [f: FaFile, c: Connection, is_orig: boolean];
  file_sniff: [f: FaFile, meta: FileMetadata];
  file_gap: [f: FaFile, offset: number, len: number];
  file_timeout: [f: FaFile];
  file_state_remove: [f: FaFile];
  file_hash: [f: FaFile, kind: string, hash: string];
  file_reassembly_overflow: [f: FaFile, offset: number, skipped: number];
  file_extraction_limit: [f: FaFile, args: FileAnalyzerArgs, limit: number, len: number];
  /** Zeek's file_weird: an anomaly of a file (raised with `weird`, after it, when handled). */
  file_weird: [name: string, f: FaFile, addl: string, source: string];
}
declare module "../event/events.js" {
  interface EventMap extends FileEvents {}
}
registerEvents<FileEvents>({
  file_new: true,
  file_over_new_connection: true,
  file_sniff: true,
  file_gap: true,
  file_timeout: true,
  file_state_remove: true,
  file_hash: true,
  file_reassembly_overflow: true,
  file_extraction_limit: true,
  file_weird: true,
});

/**
 * A weird about file `f` (Zeek's Reporter::Weird of a file): the `weird`
 * event (weird.log's addl is the file's id, then ": addl") and Zeek's
 * file_weird with the analyzer's own addl.
 */
export function fileWeird(bus: EventBus, now: number, f: FaFile, name: string, addl = "", source = ""): void {
  if (bus.wants.weird) bus.queue("weird", { ts: now, name, addl: addl === "" ? f.id : `${f.id}: ${addl}`, source });
  if (bus.wants.file_weird) bus.queue("file_weird", name, f, addl, source);
}

/** Files::reassembly_buffer_size: bytes of out-of-order chunks a file may hold. */
const REASSEMBLY_BUFFER_SIZE = 524288;
/** Handles whose fuid is remembered (a fuid costs a keyed hash; bodies hand data in many pieces). */
const FUID_CACHE_MAX = 1024;

/** The manager's private state of one file. */
class FileState {
  /** A double from the start: after a gap it comes from double arithmetic (see doubles.ts). */
  streamOffset = DOUBLE_ZERO;
  /**
   * The first bytes delivered (bof_buffer_size of them and the rest of the
   * chunk that reached it) in one buffer, grown as chunks come: a copy per
   * chunk and their join at sniffing cost an ArrayBuffer each.
   */
  bof: Uint8Array = EMPTY;
  bofSize = 0;
  /** Where each chunk ends in `bof`: an analyzer added late catches up in the same chunks. */
  bofEnds: number[] = [];
  bofFull = false;
  inferred = false;
  /**
   * The chunk that filled the BOF buffer is in it and is being sniffed: it
   * goes to every analyzer once sniffing is done, so one added meanwhile
   * (file_sniff's) catches up without it, as Zeek's File::DeliverStream.
   */
  sniffingLastChunk = false;
  /** Analyzers added while handlers ran: they catch up once the drain is over (Zeek's queued additions). */
  pending: FileAnalyzer[] | null = null;
  done = false;
  analyzers: FileAnalyzer[] = [];
  /** Out-of-order chunks by offset (when reassembling). */
  blocks: Map<number, Uint8Array> | null = null;
  blockBytes = 0;
  flushing = false;
  /** A file_timeout handler asked for more time (Zeek's postpone_timeout). */
  postpone = false;
  /** An analyzer takes chunks at their offsets (DATA_EVENT's chunk_event): the packet path skips the loop otherwise. */
  chunkAnalyzers = false;
  constructor(
    readonly f: FaFile,
    /** Owns the file's inactivity timers. */
    readonly timer: FileTimer,
  ) {}
}

/** What the engine gives the files framework: the session layer's timer heap (Zeek's one timer manager), the settings, the reporter. */
export interface FileServices {
  scheduleClient(client: TimerClient, time: number): void;
  /** A reporter error without a script location (a file analyzer's: an extracted file that cannot be written). */
  error(message: string): void;
  readonly settings: { readonly default_file_timeout_interval: number; readonly default_file_bof_buffer_size: number };
}

/** The owner of a file's inactivity timers (Zeek's FileTimer): it names the file by fuid, as Zeek's does. */
class FileTimer implements TimerClient {
  constructor(
    private readonly manager: FileManager,
    private readonly fuid: string,
  ) {}
  onTimer(atEnd: boolean): void {
    this.manager.inactivityCheck(this.fuid, atEnd);
  }
}

/** The time as Zeek's cat() writes it (fixed, 6 decimals, trailing zeros dropped, ".0" for whole numbers). */
export function zeekTimeText(t: number): string {
  const s = t.toFixed(6);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 0x30) end--;
  return s.charCodeAt(end - 1) === 0x2e ? `${s.slice(0, end)}0` : s.slice(0, end);
}

/** What a connection's analyzer hands the manager (the host builds it). */
export interface FileConnRef {
  /** The connection record (refreshed). */
  conn(): Connection;
}

export class FileManager {
  private fuids = new FuidMaker();
  private readonly fuidCache = new Map<string, string>();
  private opened = 0;
  private readonly files = new Map<string, FileState>();
  private readonly ignored = new Set<string>();
  private readonly factories = new Map<string, FileAnalyzerFactory>();
  /** File analyzers made so far (Zeek numbers each one, also one that a file already has and drops). */
  private analyzersMade = 0;
  /** File analyzers switched off (Files::disable_analyzer): adding one fails. */
  private readonly disabled = new Set<string>();
  /** Files::register_for_mime_type's table: the analyzers the files script adds to a file sniffed as each type. */
  private readonly mimeAnalyzers = new Map<string, Set<string>>();
  /** Files::register_analyzer_add_callback: run before an analyzer of the name is made, and may change its args. */
  private readonly addCallbacks = new Map<string, (f: FaFile, args: FileAnalyzerArgs) => void>();

  constructor(
    readonly bus: EventBus,
    readonly clock: { readonly now: number },
    /** Null when there is no engine (no timer heap): files then time out only at the end of the run. */
    private readonly services: FileServices | null = null,
  ) {}

  /** A reporter error (Zeek's reporter->Error, no script location): the engine's reporter, else a stderr line. */
  reportError(message: string): void {
    if (this.services !== null) this.services.error(message);
    else process.stderr.write(`bronze: error: ${message}\n`);
  }

  /** Zeek's bits_per_uid for the file ids made from now on (set at start, before any file). */
  setUidBits(bits: number): void {
    this.fuids = new FuidMaker(undefined, bits);
    this.fuidCache.clear();
  }

  /** Registers a file analyzer by Zeek name (MD5, SHA1, SHA256, EXTRACT…). */
  registerAnalyzer(name: string, factory: FileAnalyzerFactory): void {
    this.factories.set(name, factory);
  }

  /** The fuid of a handle ("" for ""): a keyed hash, so the same handle names the same file. */
  fuid(handle: string): string {
    if (handle === "") return "";
    let id = this.fuidCache.get(handle);
    if (id === undefined) {
      id = this.fuids.fuid(handle);
      if (this.fuidCache.size >= FUID_CACHE_MAX) this.fuidCache.clear();
      this.fuidCache.set(handle, id);
    }
    return id;
  }

  /** Files open now. */
  get openFiles(): number {
    return this.files.size;
  }

  /** Files opened so far (get_file_analysis_stats' cumulative). */
  get totalFiles(): number {
    return this.opened;
  }

  /** The file of `fuid`, while open. */
  lookup(fuid: string): FaFile | undefined {
    return this.files.get(fuid)?.f;
  }

  // ---------------------------------------------------------------- data in

  /**
   * Bytes of file `id` (from `source` over `ref`'s connection, sent by the
   * originator when `isOrig`): in order when `offset` is absent, else at that
   * offset. The file is made (file_new) when `id` is not open. Returns the
   * fuid, or "" when the file is ignored or just ended (its size was reached).
   * `mime`, when the protocol knows the type (certificates), replaces sniffing.
   */
  dataIn(id: string, source: string, ref: FileConnRef | null, isOrig: boolean, data: Uint8Array, offset?: number, mime?: string): string {
    if (id === "") return "";
    // Sequential data does not move between connections (Zeek does not check them then).
    const s = this.getFile(id, source, ref, isOrig, offset !== undefined);
    if (s === null) return "";
    if (mime !== undefined && mime !== "" && !s.inferred && s.bofSize === 0) {
      // Zeek's File::SetMime: file_sniff with the given type, before any data; no BOF buffer is kept (none to sniff, none to catch up from).
      s.inferred = true;
      s.bofFull = true;
      this.event("file_sniff", s.f, { inferred: false, mime_type: mime });
      if (this.ignored.has(id)) return "";
    }
    this.deliverChunk(s, data, offset ?? s.streamOffset);
    if (this.isComplete(s)) {
      this.remove(id);
      return "";
    }
    return id;
  }

  /** Bytes [offset, offset+len) of file `id` will never come (a content gap). */
  gap(id: string, source: string, ref: FileConnRef | null, isOrig: boolean, offset: number, len: number): string {
    if (id === "") return "";
    const s = this.getFile(id, source, ref, isOrig, true);
    if (s === null) return "";
    this.fileGap(s, offset, len);
    return id;
  }

  /** File `id`'s total size is known (Content-Length, a range's instance length). */
  setSize(id: string, source: string, ref: FileConnRef | null, isOrig: boolean, size: number): string {
    if (id === "") return "";
    const s = this.getFile(id, source, ref, isOrig, true);
    if (s === null) return "";
    s.f.total_bytes = size;
    if (this.isComplete(s)) {
      this.remove(id);
      return "";
    }
    return id;
  }

  /**
   * A file that file analyzer output makes (Zeek's Spicy file_begin: an
   * archive's member): opened now (file_new) from `source`, then given
   * `parent` as its parent and the parent's connections and side. Its data
   * comes by dataIn with no connection.
   */
  beginChild(parent: FaFile, id: string, source: string): void {
    const s = this.getFile(id, source, null, false, false);
    if (s === null) return;
    const f = s.f;
    f.parent_id = parent.id;
    f.nesting = parent.nesting + 1;
    f.is_orig = parent.is_orig;
    for (const [uid, c] of parent.conns) f.conns.set(uid, c);
  }

  /** File `id` ended: it is removed (file_state_remove) if open; nothing is made. */
  endOfFile(id: string): void {
    if (id !== "") this.remove(id);
  }

  /**
   * End of the run: every open file times out (file_timeout) and is removed,
   * with no postponing, in fuid order (Zeek's file manager at termination
   * walks its files by id).
   */
  finish(): void {
    for (const id of [...this.files.keys()].sort(byCodeUnits)) {
      const s = this.files.get(id);
      if (s !== undefined) this.timeout(s, true);
    }
  }

  /** Files::set_timeout_interval: `interval` from the next check on; inside file_timeout, a positive one postpones the timeout. */
  setTimeoutInterval(f: FaFile, interval: number): boolean {
    const s = this.files.get(f.id);
    if (s === undefined) return false;
    if (interval > 0) s.postpone = true;
    s.f.timeout_interval = interval;
    return true;
  }

  /** File `fuid`'s inactivity timer came (Zeek's FileTimer::Dispatch); `atEnd`: flushed at end of input. */
  inactivityCheck(fuid: string, atEnd: boolean): void {
    const now = this.clock.now;
    const s = this.files.get(fuid);
    if (s === undefined) return; // it ended before
    const f = s.f;
    if (f.last_active === 0) {
      // Made before network time started: count from now.
      f.last_active = now;
      this.armTimer(s);
      return;
    }
    const idle = now > f.last_active ? now - f.last_active : 0;
    if (idle >= f.timeout_interval) this.timeout(s, false);
    else if (!atEnd) this.armTimer(s);
  }

  /** file_timeout, then removal unless a handler postponed it (never when `terminating`). */
  private timeout(s: FileState, terminating: boolean): void {
    s.postpone = false;
    this.event("file_timeout", s.f);
    if (this.files.get(s.f.id) !== s) return; // a handler ended it
    if (s.postpone && !terminating) {
      s.f.last_active = this.clock.now;
      this.armTimer(s);
      return;
    }
    this.remove(s.f.id);
  }

  /** The file's next inactivity check, a whole timeout_interval from now. */
  private armTimer(s: FileState): void {
    this.services?.scheduleClient(s.timer, this.clock.now + s.f.timeout_interval);
  }

  // ---------------------------------------------------------------- analyzers

  /** Files::enable_analyzer: file analyzer `name` may be added again; false when bronze has none of that name. */
  enableAnalyzer(name: string): boolean {
    if (!this.factories.has(name)) return false;
    this.disabled.delete(name);
    return true;
  }

  /** Files::disable_analyzer: adding file analyzer `name` fails from now on (those already added go on). */
  disableAnalyzer(name: string): boolean {
    if (!this.factories.has(name)) return false;
    this.disabled.add(name);
    return true;
  }

  /** Files::analyzer_enabled. */
  analyzerEnabled(name: string): boolean {
    return this.factories.has(name) && !this.disabled.has(name);
  }

  /** Files::register_for_mime_type: files sniffed as `mime` get analyzer `name` (added by the files script's file_sniff). */
  registerForMimeType(name: string, mime: string): void {
    let names = this.mimeAnalyzers.get(mime);
    if (names === undefined) this.mimeAnalyzers.set(mime, (names = new Set()));
    names.add(name);
  }

  /** The analyzers registered for `mime`, in the order registered. */
  analyzersForMime(mime: string): ReadonlySet<string> | undefined {
    return this.mimeAnalyzers.get(mime);
  }

  /** Files::register_analyzer_add_callback: `callback` runs (and may fill in the args) each time analyzer `name` is added. */
  onAnalyzerAdd(name: string, callback: (f: FaFile, args: FileAnalyzerArgs) => void): void {
    this.addCallbacks.set(name, callback);
  }

  addAnalyzer(f: FaFile, name: string, args: FileAnalyzerArgs): boolean {
    const s = this.files.get(f.id);
    const factory = this.factories.get(name);
    if (s === undefined || s.f !== f || s.done || factory === undefined || this.disabled.has(name)) return false;
    // Zeek's Files::add_analyzer lists the analyzer and runs its callback before the core makes it.
    f.info?.analyzers.add(name);
    this.addCallbacks.get(name)?.(f, args);
    const id = ++this.analyzersMade;
    if (s.analyzers.some((a) => a.name === name) || s.pending?.some((a) => a.name === name)) return false;
    const a = factory(f, args, id);
    if (a === null) return false;
    // Added by a handler: Zeek queues the addition, and the analyzer catches up when the file's data flows on.
    if (this.bus.isDraining) {
      (s.pending ??= []).push(a);
      return true;
    }
    return this.catchUp(s, a);
  }

  /** Feeds a new analyzer what was delivered before it came (Zeek's BOF catch-up); keeps it unless it refuses. */
  private catchUp(s: FileState, a: FileAnalyzer): boolean {
    let ok = true;
    let fed = 0;
    const ends = s.sniffingLastChunk ? s.bofEnds.length - 1 : s.bofEnds.length;
    for (let k = 0; k < ends; k++) {
      const end = s.bofEnds[k]!;
      if (!ok) break;
      ok = a.deliverStream(s.bof.subarray(fed, end));
      fed = end;
    }
    if (ok && fed < s.streamOffset && !s.sniffingLastChunk) ok = a.undelivered(fed, s.streamOffset - fed);
    if (ok) {
      s.analyzers.push(a);
      if (a.deliverChunk !== undefined) s.chunkAnalyzers = true;
    }
    return ok;
  }

  /** The analyzers added while handlers ran catch up (in the order added), once no handler runs. */
  private addPending(s: FileState): void {
    const pending = s.pending;
    if (pending === null || this.bus.isDraining) return;
    s.pending = null;
    for (const a of pending) if (!s.done) this.catchUp(s, a);
  }

  /** The analyzer `name` attached to `f`, if any. */
  analyzerNamed(f: FaFile, name: string): FileAnalyzer | undefined {
    const s = this.files.get(f.id);
    return s === undefined || s.f !== f ? undefined : s.analyzers.find((a) => a.name === name);
  }

  removeAnalyzer(f: FaFile, name: string): boolean {
    const s = this.files.get(f.id);
    if (s === undefined) return false;
    const before = s.analyzers.length + (s.pending?.length ?? 0);
    s.analyzers = s.analyzers.filter((a) => a.name !== name);
    // One added by a handler and not yet caught up goes too (Zeek applies its queued additions and removals in order).
    if (s.pending !== null) s.pending = s.pending.filter((a) => a.name !== name);
    return s.analyzers.length + (s.pending?.length ?? 0) < before;
  }

  /** file_extraction_limit for `f`'s EXTRACT analyzer: its handlers run now (FileExtract::set_limit in one takes effect at once). */
  extractionLimit(f: FaFile, args: FileAnalyzerArgs, limit: number, len: number): void {
    this.event("file_extraction_limit", f, args, limit, len);
  }

  /** Files::stop: the file is ignored from now on (no more data, no events). */
  stop(f: FaFile): boolean {
    if (!this.files.has(f.id)) return false;
    this.ignored.add(f.id);
    return true;
  }

  // ---------------------------------------------------------------- internals

  /** A file event whose first argument is the file (file_weird, raised by fileWeird, is not one). */
  private event<E extends Exclude<keyof FileEvents, "file_weird">>(name: E, ...args: FileEvents[E]): void {
    const f = args[0];
    if (this.ignored.has(f.id)) return;
    if (this.bus.has(name)) this.bus.queueArgs(name, args as EventMap[E]);
    // Zeek runs these at once (with everything queued before): their handlers add file
    // analyzers and set script state before the file's data flows on.
    if (IMMEDIATE.has(name)) {
      this.bus.drain();
      const s = this.files.get(f.id);
      if (s !== undefined) this.addPending(s);
    }
  }

  private getFile(id: string, source: string, ref: FileConnRef | null, isOrig: boolean, updateConn: boolean): FileState | null {
    if (this.ignored.has(id)) return null;
    let s = this.files.get(id);
    const now = this.clock.now;
    if (s === undefined) {
      const f = new FaFile(this, id, source, ref === null ? undefined : isOrig, now);
      s = new FileState(f, new FileTimer(this, id));
      if (this.services !== null) {
        f.timeout_interval = this.services.settings.default_file_timeout_interval;
        f.bof_buffer_size = this.services.settings.default_file_bof_buffer_size;
      }
      this.files.set(id, s);
      this.opened++;
      this.armTimer(s);
      const c = ref?.conn();
      if (c !== undefined) f.conns.set(c.uid, c);
      this.event("file_new", f);
      if (c !== undefined) this.event("file_over_new_connection", f, c, isOrig);
      return this.ignored.has(id) ? null : s;
    }
    s.f.last_active = now;
    if (updateConn && ref !== null) {
      const c = ref.conn();
      if (!s.f.conns.has(c.uid)) {
        s.f.conns.set(c.uid, c);
        this.event("file_over_new_connection", s.f, c, isOrig);
      }
    }
    return s;
  }

  private isComplete(s: FileState): boolean {
    return s.f.total_bytes !== undefined && s.streamOffset >= s.f.total_bytes;
  }

  private deliverChunk(s: FileState, data: Uint8Array, offset: number): void {
    if (s.done) return;
    if (s.blocks !== null) {
      this.addBlock(s, data, offset);
    } else if (offset === s.streamOffset) {
      this.deliverStream(s, data);
    } else if (offset > s.streamOffset) {
      // Out of order: reassemble (Files::enable_reassembler is T by default).
      s.blocks = new Map();
      this.addBlock(s, data, offset);
    } else {
      s.f.overflow_bytes += data.length;
    }
    if (s.chunkAnalyzers) deliverChunkToAnalyzers(s, data, offset);
    if (this.isComplete(s)) this.endOfFileState(s);
  }

  private addBlock(s: FileState, data: Uint8Array, offset: number): void {
    if (s.blockBytes > REASSEMBLY_BUFFER_SIZE) {
      // Full: give up what is missing before the buffered data. The flush
      // delivers and drops every block (the buffer with them): this chunk
      // then goes on as the next one of a stream that has no buffer.
      // The event names the stream offset from before the flush, as Zeek's File::DeliverChunk does.
      const before = s.streamOffset;
      const skipped = this.flushBlocks(s, Infinity, true);
      s.f.overflow_bytes += skipped;
      this.event("file_reassembly_overflow", s.f, before, skipped);
    }
    if (offset + data.length <= s.streamOffset) return; // old data
    if (offset < s.streamOffset) {
      data = data.subarray(s.streamOffset - offset);
      offset = s.streamOffset;
    }
    if (s.blocks?.has(offset)) return; // the same offset again: the first bytes stand
    if (offset === s.streamOffset) {
      // In order: delivered now, without a copy (every buffered block lies further on), then what it joins.
      this.deliverStream(s, data);
    } else {
      (s.blocks ??= new Map()).set(offset, data.slice());
      s.blockBytes += data.length;
    }
    this.deliverContiguous(s);
  }

  /** Delivers the blocks that continue the stream. */
  private deliverContiguous(s: FileState): void {
    const blocks = s.blocks;
    if (blocks === null) return;
    for (;;) {
      let progressed = false;
      // By key, then get: an [offset, block] pair per entry looked at cost an array each.
      for (const off of blocks.keys()) {
        if (off > s.streamOffset) continue;
        const b = blocks.get(off)!;
        blocks.delete(off);
        s.blockBytes -= b.length;
        const skip = s.streamOffset - off;
        if (skip < b.length) this.deliverStream(s, b.subarray(skip));
        progressed = true;
        break;
      }
      if (!progressed) return;
    }
  }

  /** Delivers buffered blocks up to `upTo`, turning holes into gaps (or overflow); returns the hole bytes. */
  private flushBlocks(s: FileState, upTo: number, overflow: boolean): number {
    const blocks = s.blocks;
    if (blocks === null) return 0;
    let holes = 0;
    s.flushing = true;
    const offsets = [...blocks.keys()].sort((a, b) => a - b);
    for (const off of offsets) {
      if (off >= upTo) break;
      const b = blocks.get(off)!;
      blocks.delete(off);
      s.blockBytes -= b.length;
      if (off > s.streamOffset) {
        const len = off - s.streamOffset;
        holes += len;
        if (overflow) s.streamOffset += len;
        else this.fileGap(s, s.streamOffset, len);
      }
      const skip = s.streamOffset - off;
      if (skip < b.length) this.deliverStream(s, b.subarray(skip));
    }
    if (upTo !== Infinity && upTo > s.streamOffset && !overflow) {
      holes += upTo - s.streamOffset;
      this.fileGap(s, s.streamOffset, upTo - s.streamOffset);
    }
    s.flushing = false;
    if (blocks.size === 0) s.blocks = null;
    return holes;
  }

  private bufferBof(s: FileState, data: Uint8Array): void {
    if (s.bofFull) return;
    if (data.length > 0) {
      const size = s.bofSize + data.length;
      // The first chunk is kept at its size (most files are one); a second makes room for the whole buffer.
      if (size > s.bof.length) s.bof = grown(s.bof, s.bofSize, s.bofSize === 0 ? size : Math.max(size, s.f.bof_buffer_size));
      s.bof.set(data, s.bofSize);
      s.bofSize = size;
      s.bofEnds.push(size);
    }
    if (s.bofSize >= s.f.bof_buffer_size) s.bofFull = true;
  }

  private deliverStream(s: FileState, data: Uint8Array): void {
    this.bufferBof(s, data);
    if (!s.inferred && s.bofFull && s.f.missing_bytes === 0) {
      s.sniffingLastChunk = data.length > 0;
      this.inferMetadata(s);
      s.sniffingLastChunk = false;
    }
    this.addPending(s);
    if (data.length > 0 && s.analyzers.length > 0) feedAnalyzers(s, data);
    s.streamOffset += data.length;
    s.f.seen_bytes += data.length;
  }

  private inferMetadata(s: FileState): void {
    s.inferred = true;
    // Zeek's InferMetadata: nothing buffered (a file that began with a gap), no file_sniff.
    if (s.bofSize === 0) return;
    s.f.bof_buffer = s.bof.subarray(0, Math.min(s.bofSize, s.f.bof_buffer_size));
    if (!this.bus.wants.file_sniff || this.ignored.has(s.f.id)) return;
    const bof = s.f.bof_buffer;
    const matches = bof.length > 0 ? sniffMimeTypes(bof, userFileMagicOf(this.bus)?.matches(bof)) : [];
    const meta: FileMetadata = { inferred: true };
    if (matches.length > 0) {
      meta.mime_type = matches[0]!.mime;
      meta.mime_types = matches;
    }
    this.event("file_sniff", s.f, meta);
  }

  private fileGap(s: FileState, offset: number, len: number): void {
    if (s.done) return;
    if (s.blocks !== null && !s.flushing) {
      this.flushBlocks(s, offset + len, false);
      return;
    }
    if (!s.bofFull) {
      s.bofFull = true;
      this.deliverStream(s, EMPTY);
    }
    if (s.analyzers.length > 0) s.analyzers = s.analyzers.filter((a) => a.undelivered(offset, len));
    this.event("file_gap", s.f, offset, len);
    s.streamOffset += len;
    s.f.missing_bytes += len;
  }

  private endOfFileState(s: FileState): void {
    if (s.done) return;
    if (s.blocks !== null) this.flushBlocks(s, Infinity, false);
    if (!s.bofFull) {
      s.bofFull = true;
      this.deliverStream(s, EMPTY);
    }
    this.addPending(s);
    s.done = true;
    for (const a of s.analyzers) a.endOfFile();
    this.event("file_state_remove", s.f);
  }

  private remove(id: string): boolean {
    const s = this.files.get(id);
    if (s === undefined) return false;
    this.endOfFileState(s);
    this.files.delete(id);
    this.ignored.delete(id);
    return true;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Hands `data` to the file's analyzers, dropping those that want no more. Out
 * of deliverStream: a closure over its `data` would cost V8 a context at
 * every call of it, analyzers or not.
 */
function feedAnalyzers(s: FileState, data: Uint8Array): void {
  s.analyzers = s.analyzers.filter((a) => a.deliverStream(data));
}

/** Each chunk analyzer gets the chunk at its offset; one that refuses is dropped. */
function deliverChunkToAnalyzers(s: FileState, data: Uint8Array, offset: number): void {
  s.analyzers = s.analyzers.filter((a) => a.deliverChunk === undefined || a.deliverChunk(data, offset));
}

/** Zeek's std::map order of ids: by bytes (fuids are ASCII, so by UTF-16 code units). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Zeek's FileEvent drains the event queue after these. */
const IMMEDIATE = new Set<string>(["file_new", "file_over_new_connection", "file_sniff", "file_timeout", "file_extraction_limit"]);

/** A buffer of `capacity` bytes holding the first `used` bytes of `buf`. */
function grown(buf: Uint8Array, used: number, capacity: number): Uint8Array {
  const out = new Uint8Array(capacity);
  if (used > 0) out.set(buf.subarray(0, used));
  return out;
}

/** One file manager per event bus (per engine), made on first use. */
const managers = new WeakMap<EventBus, FileManager>();

export function fileManagerFor(bus: EventBus, clock: { readonly now: number }, services: FileServices | null = null): FileManager {
  let m = managers.get(bus);
  if (m === undefined) {
    m = new FileManager(bus, clock, services);
    managers.set(bus, m);
    for (const init of managerInits) init(m);
  }
  return m;
}

/** The bus's file manager if one was made. */
export function fileManagerOf(bus: EventBus): FileManager | undefined {
  return managers.get(bus);
}

const managerInits: Array<(m: FileManager) => void> = [];

/** Runs `init` on every file manager made from now on (file analyzer registration at module load). */
export function onFileManager(init: (m: FileManager) => void): void {
  managerInits.push(init);
}
