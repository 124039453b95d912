/**
 * A twin of Zeek's testing/scripts/file-analysis-test.zeek, the helper most
 * of Zeek's file-analysis btests load ($SCRIPTS/file-analysis-test.zeek):
 * every file (of `source`, when a btest sets test_file_analysis_source) gets
 * MD5, SHA1, SHA256, EXTRACT when test_get_file_name names a file, and
 * DATA_EVENT; the file events print what the file is and has, as the
 * helper's handlers print them.
 */
import type { Engine } from "../../src/engine.js";
import { connsInZeekOrder } from "../../src/files/conns-order.js";
import type { FaFile } from "../../src/files/file.js";
import type { TableHasher } from "../../src/zeek-table/hash.js";
import { zeekConnId, zeekString } from "../helpers/zeek-print.js";

export interface FileAnalysisTestOptions {
  /** test_file_analysis_source: only files of this source get analyzers ("" or absent: every file). */
  readonly source?: string;
  /** test_get_file_name: the EXTRACT file name for a file ("": none). Called once per file analysed, as the helper does. */
  readonly fileName?: (f: FaFile) => string;
  /** test_print_file_data_events: file_chunk and file_stream print the data. */
  readonly printDataEvents?: boolean;
}

/** The hashes the helper's zeek_init puts in test_file_analyzers. */
export const TEST_FILE_ANALYZERS = ["MD5", "SHA1", "SHA256"] as const;

/** Registers the helper's handlers on `engine`, printing lines into `print`. */
export function fileAnalysisTest(engine: Engine, print: (line: string) => void, options: FileAnalysisTestOptions = {}): void {
  const numbers = new Map<string, number>();
  const canonical = (f: FaFile): string => `file #${numbers.get(f.id)}`;
  const data = (s: string): string => zeekString(s);
  engine.on("file_new", (f) => {
    print("FILE_NEW");
    numbers.set(f.id, numbers.size);
    print(`${canonical(f)}, ${f.seen_bytes}, ${f.missing_bytes}`);
    if (options.source !== undefined && options.source !== "" && f.source !== options.source) return;
    for (const hash of TEST_FILE_ANALYZERS) f.addAnalyzer(hash);
    const name = options.fileName?.(f) ?? "";
    if (name !== "") f.addAnalyzer("EXTRACT", { extract_filename: name });
    f.addAnalyzer("DATA_EVENT", {
      chunk_event: (file, chunk, off) => {
        if (options.printDataEvents === true) print(`file_chunk, ${canonical(file)}, ${chunk.length}, ${off}, ${data(chunk)}`);
      },
      stream_event: (file, chunk) => {
        if (options.printDataEvents === true) print(`file_stream, ${canonical(file)}, ${chunk.length}, ${data(chunk)}`);
      },
    });
  });
  engine.on("file_over_new_connection", () => print("FILE_OVER_NEW_CONNECTION"));
  engine.on("file_timeout", () => print("FILE_TIMEOUT"));
  engine.on("file_gap", () => print("FILE_GAP"));
  engine.on("file_state_remove", (f) => printRemoved(f, canonical(f), print, engine.tableHash));
}

/** The helper's file_state_remove: the file's counters, connections, first bytes, type, size, source and hashes. */
function printRemoved(f: FaFile, name: string, print: (line: string) => void, hash: TableHasher): void {
  print("FILE_STATE_REMOVE");
  print(`${name}, ${f.seen_bytes}, ${f.missing_bytes}`);
  // `for ( cid in f$conns )`: the table's hash order.
  for (const c of connsInZeekOrder(f, hash)) print(zeekConnId(c.id));
  if (f.bof_buffer !== undefined) {
    print("FILE_BOF_BUFFER");
    print(zeekString(Buffer.from(f.bof_buffer.subarray(0, 11)).toString("latin1")));
  }
  const info = f.info;
  if (info?.mime_type !== undefined) {
    print("MIME_TYPE");
    print(info.mime_type);
  }
  if (f.total_bytes !== undefined) print(`total bytes: ${f.total_bytes}`);
  print(`source: ${f.source}`);
  if (info === undefined) return;
  if (info.md5 !== undefined) print(`MD5: ${info.md5}`);
  if (info.sha1 !== undefined) print(`SHA1: ${info.sha1}`);
  if (info.sha256 !== undefined) print(`SHA256: ${info.sha256}`);
}
