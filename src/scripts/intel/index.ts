/**
 * Zeek's base/frameworks/intel as bronze loads it: with Zeek's default
 * scripts (or -b and a script that loads it), the files of Intel::read_files
 * are read before the first packet, so that a bad file stops the run at once
 * (IntelFileError), and their items are inserted at zeek_init, when every
 * script's filter_item and indicator_inserted handlers are in place. With no
 * files, nothing is registered: the framework is made only when a seen
 * script or a user script uses it.
 */
import { type Stats, unwatchFile, watchFile } from "node:fs";
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScriptContext } from "../policy-scripts.js";
import { scriptsLoadedBy } from "../script-loads.js";
import { intelOf } from "./framework.js";
import { type IntelFileContents, intelFilePath, readIntelFile } from "./input.js";

export const INTEL_BASE_SCRIPT = "base/frameworks/intel";

/** Zeek's input.zeek priority for its zeek_init, which starts reading the files. */
const READ_PRIORITY = 5;
/** How often (ms) a file is checked for a change: Zeek's reader looks at every heartbeat, once a second. */
const REREAD_CHECK_MS = 1000;

/**
 * Reads Intel::read_files (throwing IntelFileError for a file that cannot be
 * read) and inserts their items at zeek_init. As Zeek's Input::REREAD, a file
 * whose modification time changes during the run is read again and all its
 * items inserted again (items no longer in it stay); a file that cannot be
 * read then is a warning.
 */
export function loadIntelFiles(host: AnalyzerScriptHost, context: PolicyScriptContext, loads: readonly string[]): void {
  const files = host.settings["Intel::read_files"];
  if (files.size === 0) return;
  const loaded = scriptsLoadedBy(loads);
  const { "Intel::path_prefix": intelPrefix, "InputAscii::path_prefix": inputPrefix } = host.settings;
  const sources = [...files].map((file) => ({ file, path: intelFilePath(file, intelPrefix, inputPrefix) }));
  const contents = sources.map(({ file, path }) => readIntelFile(file, path, loaded));
  const intel = intelOf(host, context);
  const insert = ({ items, warnings }: IntelFileContents): void => {
    for (const w of warnings) context.reporter.warning(w);
    for (const item of items) intel.insert(item);
  };
  host.on("zeek_init", () => contents.forEach(insert), { priority: READ_PRIORITY });
  const reread = (file: string, path: string): void => {
    try {
      insert(readIntelFile(file, path, loaded));
    } catch (error) {
      context.reporter.warning(error instanceof Error ? error.message : String(error));
    }
  };
  const watch = (file: string, path: string) => (now: Stats, before: Stats) => {
    if (now.mtimeMs !== before.mtimeMs && now.mtimeMs !== 0) reread(file, path);
  };
  // Not persistent: the watchers never keep bronze running; they stop with the run.
  const watchers = sources.map(({ file, path }) => ({ path, listener: watch(file, path) }));
  for (const w of watchers) watchFile(w.path, { interval: REREAD_CHECK_MS, persistent: false }, w.listener);
  host.on("zeek_done", () => {
    for (const w of watchers) unwatchFile(w.path, w.listener);
  });
}

export { describeFile } from "./describe.js";
export { INTEL_FIELDS, Intel, type IntelDeps, intelFramework } from "./framework.js";
export { IntelFileError, intelFilePath, parseIntelFile, readIntelFile } from "./input.js";
export { canonicalAddr, IntelStore, parseIntelSubnet } from "./store.js";
export * from "./types.js";
