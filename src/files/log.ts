/**
 * The files framework's scripts (Zeek's base/frameworks/files/main.zeek with
 * base/files/hash and base/files/extract, whose columns it has when they are
 * loaded: always, but with -b only when a named script loads them):
 * files.log, one row per file and connection it was seen on, written when the
 * file's state is removed; and the policy scripts users load for more:
 * frameworks/files/hash-all-files (MD5, SHA1, SHA256 of every file) and
 * frameworks/files/extract-all-files (every file to ./extract_files/).
 * It also adds the file events to misc/app-event-trace.
 */

import { join } from "node:path";
import { DOUBLE_ZERO } from "../doubles.js";
import { bytesToLogText } from "../log/escape.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField, type LogRecord, type LogValue } from "../log/schema.js";
import { policyScriptLoaded } from "../options.js";
import type { AnalyzerScriptHost, ScriptHost } from "../scripts/host.js";
import { addAppEventTrace, tf, zeekJson } from "../scripts/misc/app-event-trace.js";
import type { ProtocolScript } from "../scripts/protocols.js";
import { policyScriptInEffect } from "../scripts/script-loads.js";
import { LocalNets } from "../scripts/site.js";
import { isLoaded } from "../session/server-ports.js";
import { zeekSetIteration } from "../zeek-table/table.js";
import "./analyzers.js";
import { connsInZeekOrder } from "./conns-order.js";
import "./entropy.js";
import type { FaFile, FileAnalyzerArgs, FileInfo } from "./file.js";
import { zeekTimeText } from "./manager.js";

export const FILES_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["fuid", "string"],
  ["uid", "string"],
  ["id.orig_h", "addr"],
  ["id.orig_p", "port"],
  ["id.resp_h", "addr"],
  ["id.resp_p", "port"],
  ["source", "string"],
  ["depth", "count"],
  ["analyzers", "set[string]"],
  ["mime_type", "string"],
  ["filename", "string"],
  ["duration", "interval"],
  ["local_orig", "bool"],
  ["is_orig", "bool"],
  ["seen_bytes", "count"],
  ["total_bytes", "count"],
  ["missing_bytes", "count"],
  ["overflow_bytes", "count"],
  ["timedout", "bool"],
  ["parent_fuid", "string"],
  ["md5", "string"],
  ["sha1", "string"],
  ["sha256", "string"],
  ["extracted", "string"],
  ["extracted_cutoff", "bool"],
  ["extracted_size", "count"],
);

/** The column policy/frameworks/files/entropy-test-all-files adds, after all others. */
const ENTROPY_FIELDS: readonly LogField[] = fields(["entropy", "double"]);
const ENTROPY_SCRIPT = "frameworks/files/entropy-test-all-files";

/** The columns base/files/hash adds, and base/files/extract's. */
const HASH_COLUMNS = new Set(["md5", "sha1", "sha256"]);
const EXTRACT_COLUMNS = new Set(["extracted", "extracted_cutoff", "extracted_size"]);

/**
 * files.log's columns: those of the scripts loaded (the positions kept of
 * FILES_FIELDS, null when all are, in its order). Each script adds its
 * columns to Files::Info when Zeek loads it: with -b, base/files/extract
 * loaded by an earlier script than base/files/hash (`base/files/extract
 * base/protocols/ftp`, whose gridftp loads ssl, x509, then hash) puts its
 * columns first.
 */
function filesColumns(bare: boolean, loads: readonly string[]): number[] | null {
  const hash = isLoaded(bare, loads, "base/files/hash");
  const extract = isLoaded(bare, loads, "base/files/extract");
  const extractFirst = bare && hash && extract && firstLoading(loads, "base/files/extract") < firstLoading(loads, "base/files/hash");
  if (hash && extract && !extractFirst) return null;
  const kept: number[] = [];
  FILES_FIELDS.forEach((f, i) => {
    if ((hash || !HASH_COLUMNS.has(f.name)) && (extract || !EXTRACT_COLUMNS.has(f.name))) kept.push(i);
  });
  if (!extractFirst) return kept;
  // The hash columns, followed by the extract ones at the end of FILES_FIELDS, go after them.
  const isHash = (i: number): boolean => HASH_COLUMNS.has(FILES_FIELDS[i]!.name);
  return [...kept.filter((i) => !isHash(i)), ...kept.filter(isHash)];
}

/** The index in `loads` of the first script that loads `script` (itself or through its @loads). */
function firstLoading(loads: readonly string[], script: string): number {
  return loads.findIndex((l) => isLoaded(true, [l], script));
}

/**
 * base/files/extract's on_add (its Files::register_analyzer_add_callback):
 * an EXTRACT without a file name gets extract-TIME-SOURCE-FUID; files.log's
 * `extracted` is that name, and the analyzer writes it under `prefix`.
 */
function onExtractAdd(f: FaFile, args: FileAnalyzerArgs, prefix: string, limit: number, includesMissing: boolean): void {
  const name = args.extract_filename ?? `extract-${zeekTimeText(f.last_active)}-${f.source}-${f.id}`;
  const info = setInfo(f);
  info.extracted = name;
  info.extracted_cutoff = false;
  args.extract_filename = join(prefix, name);
  args.extract_limit ??= limit;
  args.extract_limit_includes_missing ??= includesMissing;
}

/** Files::set_info: the row follows the file's counters. */
export function setInfo(f: FaFile): FileInfo {
  // Every column's slot from birth, in one order: a record that gained its
  // optional fields as events came would take one of many shapes, and the
  // files.log writer's reads of it would go megamorphic.
  const info = (f.info ??= {
    ts: f.last_active,
    fuid: f.id,
    source: undefined,
    depth: 0,
    analyzers: new Set(),
    mime_type: undefined,
    filename: undefined,
    // Doubles from the start: a time difference, and file.ts's missing_bytes (see doubles.ts).
    duration: DOUBLE_ZERO,
    local_orig: undefined,
    is_orig: undefined,
    seen_bytes: 0,
    total_bytes: undefined,
    missing_bytes: DOUBLE_ZERO,
    overflow_bytes: 0,
    timedout: false,
    parent_fuid: undefined,
    md5: undefined,
    sha1: undefined,
    sha256: undefined,
    extracted: undefined,
    extracted_cutoff: undefined,
    extracted_size: undefined,
    entropy: undefined,
  });
  if (f.parent_id !== undefined) info.parent_fuid = f.parent_id;
  info.source = f.source;
  info.duration = f.last_active - info.ts;
  info.seen_bytes = f.seen_bytes;
  if (f.total_bytes !== undefined) info.total_bytes = f.total_bytes;
  info.missing_bytes = f.missing_bytes;
  info.overflow_bytes = f.overflow_bytes;
  if (f.is_orig !== undefined) info.is_orig = f.is_orig;
  return info;
}

export function loadFilesFramework(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[] = [], bare = false): void {
  const kept = filesColumns(bare, loads);
  const entropy = policyScriptLoaded(loads, ENTROPY_SCRIPT);
  const columns = kept === null ? FILES_FIELDS : kept.map((i) => FILES_FIELDS[i]!);
  const log = logs.open({ path: "files", fields: entropy ? [...columns, ...ENTROPY_FIELDS] : columns });
  // The entropy value, when asked for, follows the FILES_FIELDS values of a row.
  const write = (values: LogRecord): void => {
    if (kept === null) log.write(values);
    else {
      const out = kept.map((i) => values[i]);
      if (entropy) out.push(values[FILES_FIELDS.length]);
      log.write(out);
    }
  };
  host.on("file_new", (f) => void setInfo(f), { priority: 10 });
  const localNets = new LocalNets();
  host.on(
    "file_over_new_connection",
    (f, c) => {
      setInfo(f).local_orig = localNets.isLocal(f.is_orig === true ? c.id.orig_h : c.id.resp_h);
    },
    { priority: 10 },
  );
  host.on(
    "file_sniff",
    (f, meta) => {
      const info = setInfo(f);
      if (meta.mime_type === undefined) return;
      info.mime_type = meta.mime_type;
      // Files::register_for_mime_type's analyzers (bronze's own analyzers add themselves in their scripts).
      const names = f.manager.analyzersForMime(meta.mime_type);
      if (names !== undefined) for (const name of names) f.addAnalyzer(name);
    },
    { priority: 10 },
  );
  host.on(
    "file_timeout",
    (f) => {
      setInfo(f).timedout = true;
    },
    { priority: 10 },
  );
  host.on("file_state_remove", (f) => void setInfo(f), { priority: 10 });
  host.on(
    "file_hash",
    (f, kind, hash) => {
      const info = setInfo(f);
      if (kind === "md5") info.md5 = hash;
      else if (kind === "sha1") info.sha1 = hash;
      else if (kind === "sha256") info.sha256 = hash;
    },
    { priority: 5 },
  );
  host.on(
    "file_extraction_limit",
    (f, _args, limit) => {
      const info = setInfo(f);
      info.extracted_cutoff = true;
      info.extracted_size = limit;
    },
    { priority: 10 },
  );
  host.on(
    "file_state_remove",
    (f) => {
      const info = setInfo(f);
      // X509::log_x509_in_files_log (an option, so read here): unless set, certificates are in x509.log only.
      if (info.analyzers.has("X509") && !host.settings["X509::log_x509_in_files_log"]) return;
      const row = (uid: string | undefined, c?: FaFile["conns"] extends Map<string, infer C> ? C : never): LogRecord => {
        const values: LogValue[] = [
          info.ts,
          info.fuid,
          uid,
          c?.id.orig_h,
          c?.id.orig_p,
          c?.id.resp_h,
          c?.id.resp_p,
          info.source,
          info.depth,
          // set[string]: only ever added to, so its order is that of a set built in the same order (unless a script made it &ordered).
          zeekSetIteration(host.tableHash.string, info.analyzers),
          info.mime_type,
          info.filename === undefined ? undefined : bytesToLogText(info.filename),
          info.duration,
          info.local_orig,
          info.is_orig,
          info.seen_bytes,
          info.total_bytes,
          info.missing_bytes,
          info.overflow_bytes,
          info.timedout,
          info.parent_fuid,
          info.md5,
          info.sha1,
          info.sha256,
          info.extracted,
          info.extracted_cutoff,
          info.extracted_size,
        ];
        if (entropy) values.push(info.entropy);
        return values;
      };
      if (f.conns.size === 0) write(row(undefined));
      // One row per connection, in f$conns's (hash) order.
      else for (const c of connsInZeekOrder(f, host.tableHash)) write(row(c.uid, c));
    },
    { priority: -10 },
  );

  if (policyScriptInEffect(loads, "frameworks/files/hash-all-files")) {
    host.on("file_new", (f) => {
      f.addAnalyzer("MD5");
      f.addAnalyzer("SHA1");
      f.addAnalyzer("SHA256");
    });
  }
  if (entropy) {
    host.on("file_new", (f) => void f.addAnalyzer("ENTROPY"));
    host.on("file_entropy", (f, ent) => {
      setInfo(f).entropy = ent.entropy;
    });
  }
  const extracting = isLoaded(bare, loads, "base/files/extract") || policyScriptLoaded(loads, "frameworks/files/extract-all-files");
  if (extracting) {
    const settings = host.settings;
    const [prefix, limit, missing] = [
      settings["FileExtract::prefix"],
      settings["FileExtract::default_limit"],
      settings["FileExtract::default_limit_includes_missing"],
    ];
    host.fileManager?.().onAnalyzerAdd("EXTRACT", (f, args) => onExtractAdd(f, args, prefix, limit, missing));
  }
  if (policyScriptLoaded(loads, "frameworks/files/extract-all-files")) host.on("file_new", (f) => void f.addAnalyzer("EXTRACT"));
}

export const FILES_SCRIPT: ProtocolScript = {
  script: "base/frameworks/files",
  load: (host, logs, loads, bare) => loadFilesFramework(host, logs, loads, bare),
};

addAppEventTrace((host: ScriptHost, emit) => {
  host.on("file_new", (f) => emit("file_new", f.id, `source=${zeekJson(f.source)}`));
  host.on("file_over_new_connection", (f, c, isOrig) => emit("file_over_new_connection", c.uid, `fuid=${f.id} is_orig=${tf(isOrig)}`));
  host.on("file_sniff", (f, meta) => emit("file_sniff", f.id, `mime_type=${meta.mime_type === undefined ? "-" : zeekJson(meta.mime_type)}`));
  host.on("file_state_remove", (f) =>
    emit(
      "file_state_remove",
      f.id,
      `seen_bytes=${f.seen_bytes} total_bytes=${f.total_bytes ?? "-"} missing_bytes=${f.missing_bytes} overflow_bytes=${f.overflow_bytes}`,
    ),
  );
});
