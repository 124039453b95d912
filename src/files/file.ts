/**
 * One file of the files framework (Zeek's fa_file and its file_analysis::File):
 * the bytes one analyzer hands over for one body, attachment or payload,
 * delivered in order (by stream) or at offsets (by chunk, reassembled up to a
 * bound), with its MIME type sniffed from the first bytes and its file
 * analyzers (hashes, extraction) fed as data arrives.
 *
 * The record is what handlers see (`f` in file_new, file_sniff,
 * file_state_remove…); scripts keep their own data on it (`info` for files.log).
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { Connection } from "../event/records.js";
import type { FileManager } from "./manager.js";

/** Zeek's fa_metadata: what sniffing found. */
export interface FileMetadata {
  /** The strongest match of the file-magic signatures (absent when none matched). */
  mime_type?: string;
  /** Every match, strongest first: [strength, mime]. */
  mime_types?: ReadonlyArray<{ strength: number; mime: string }>;
  /** False when the protocol set the type instead of sniffing it. */
  inferred: boolean;
}

/** The files.log row being built for a file (Zeek's Files::Info), filled by the files script. */
export interface FileInfo {
  ts: number;
  fuid: string;
  source?: string;
  depth: number;
  analyzers: Set<string>;
  mime_type?: string;
  filename?: string;
  duration: number;
  local_orig?: boolean;
  is_orig?: boolean;
  seen_bytes: number;
  total_bytes?: number;
  missing_bytes: number;
  overflow_bytes: number;
  timedout: boolean;
  parent_fuid?: string;
  md5?: string;
  sha1?: string;
  sha256?: string;
  extracted?: string;
  extracted_cutoff?: boolean;
  extracted_size?: number;
  /** policy/frameworks/files/entropy-test-all-files: the file's entropy in bits per byte. */
  entropy?: number;
}

/** A file analyzer (Zeek's file_analysis::Analyzer): MD5, SHA1, SHA256, EXTRACT. */
export interface FileAnalyzer {
  /** Zeek's name, as files.log's `analyzers` lists it. */
  readonly name: string;
  /** In-order bytes; false to be removed. */
  deliverStream(data: Uint8Array): boolean;
  /** Bytes [offset, offset+len) will never come; false to be removed. */
  undelivered(offset: number, len: number): boolean;
  /** The file ended. */
  endOfFile(): void;
  /** Each chunk at the offset it came with, in arrival order, after the stream's delivery (Zeek's DeliverChunk); false to be removed. */
  deliverChunk?(data: Uint8Array, offset: number): boolean;
}

/**
 * Builds a file analyzer for `f` (registered by name with
 * FileManager.registerAnalyzer); `id` numbers the file analyzers made in the
 * run, from 1 (Zeek's file_analysis::Analyzer ids).
 */
export type FileAnalyzerFactory = (f: FaFile, args: FileAnalyzerArgs, id: number) => FileAnalyzer | null;

/** Zeek's Files::AnalyzerArgs (the fields bronze's analyzers use). */
export interface FileAnalyzerArgs {
  extract_filename?: string;
  extract_limit?: number;
  /** EXTRACT: holes count against extract_limit (default T). */
  extract_limit_includes_missing?: boolean;
  /** DATA_EVENT: called with each chunk of the file's bytes, in order (latin1), as Zeek's stream_event. */
  stream_event?: (f: FaFile, data: string) => void;
  /** DATA_EVENT: called with each chunk as it came (latin1) and its offset in the file, as Zeek's chunk_event. */
  chunk_event?: (f: FaFile, data: string, offset: number) => void;
}

/** Zeek's fa_file. */
export class FaFile {
  /** The fuid. */
  readonly id: string;
  /** The analyzer that carried it, e.g. "HTTP", "SMTP", "FTP_DATA", "SSL". */
  readonly source: string;
  /** The side that sent it, when it came over a connection (a member of an archive: the archive's). */
  is_orig: boolean | undefined;
  /** The connections it was seen on, by uid, in the order they were. */
  readonly conns = new Map<string, Connection>();
  last_active: number;
  seen_bytes = 0;
  total_bytes: number | undefined;
  /** A double from the start, as FileState.streamOffset it follows (see doubles.ts). */
  missing_bytes = DOUBLE_ZERO;
  overflow_bytes = 0;
  /** Seconds it may stay idle before it times out (the setting default_file_timeout_interval; Files::set_timeout_interval changes it). */
  timeout_interval = 120;
  /** Zeek's default_file_bof_buffer_size. */
  bof_buffer_size = 4096;
  /** The first bytes (up to bof_buffer_size), kept once sniffing is done. */
  bof_buffer: Uint8Array | undefined;
  /** Parent file (e.g. an archive member), when the source says so. */
  parent_id: string | undefined;
  /** How many archives it is inside (Spicy's file depth: 0 for a file off the wire). */
  nesting = 0;
  /** The files.log row being built (set by the files script's file_new handler). */
  info: FileInfo | undefined;
  /** Per-protocol script data (e.g. the http.log row this file belongs to), keyed by the script's name. */
  readonly scripts = new Map<string, unknown>();

  constructor(
    readonly manager: FileManager,
    id: string,
    source: string,
    isOrig: boolean | undefined,
    now: number,
  ) {
    this.id = id;
    this.source = source;
    this.is_orig = isOrig;
    this.last_active = now;
  }

  /** Files::add_analyzer: adds file analyzer `name` (MD5, SHA1, SHA256, EXTRACT…); false when unknown or the file is done. */
  addAnalyzer(name: string, args: FileAnalyzerArgs = {}): boolean {
    return this.manager.addAnalyzer(this, name, args);
  }

  /** Files::remove_analyzer. */
  removeAnalyzer(name: string): boolean {
    return this.manager.removeAnalyzer(this, name);
  }

  /**
   * Files::set_timeout_interval: how long the file may stay idle, from its
   * next inactivity check on. Called in a file_timeout handler with a
   * positive interval, it postpones the timeout: the file stays, checked
   * again that long from now. False when the file is not open.
   */
  setTimeoutInterval(interval: number): boolean {
    return this.manager.setTimeoutInterval(this, interval);
  }

  /** Files::stop: no more analysis of this file (it is still logged when it ends). */
  stop(): boolean {
    return this.manager.stop(this);
  }
}
