/**
 * Zeek's base/frameworks/intel as bronze loads it: with Zeek's default
 * scripts (or -b and a script that loads it), the files of Intel::read_files
 * are read before the first packet, so that a bad file stops the run at once
 * (IntelFileError), and their items are inserted at zeek_init, when every
 * script's filter_item and indicator_inserted handlers are in place. With no
 * files, nothing is registered: the framework is made only when a seen
 * script or a user script uses it.
 */
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScriptContext } from "../policy-scripts.js";
import { scriptsLoadedBy } from "../script-loads.js";
import { intelOf } from "./framework.js";
import { intelFilePath, readIntelFile } from "./input.js";

export const INTEL_BASE_SCRIPT = "base/frameworks/intel";

/** Zeek's input.zeek priority for its zeek_init, which starts reading the files. */
const READ_PRIORITY = 5;

/** Reads Intel::read_files (throwing IntelFileError for a file that cannot be read) and inserts their items at zeek_init. */
export function loadIntelFiles(host: AnalyzerScriptHost, context: PolicyScriptContext, loads: readonly string[]): void {
  const files = host.settings["Intel::read_files"];
  if (files.size === 0) return;
  const loaded = scriptsLoadedBy(loads);
  const { "Intel::path_prefix": intelPrefix, "InputAscii::path_prefix": inputPrefix } = host.settings;
  const contents = [...files].map((file) => readIntelFile(file, intelFilePath(file, intelPrefix, inputPrefix), loaded));
  const intel = intelOf(host, context);
  host.on(
    "zeek_init",
    () => {
      for (const { items, warnings } of contents) {
        for (const w of warnings) context.reporter.warning(w);
        for (const item of items) intel.insert(item);
      }
    },
    { priority: READ_PRIORITY },
  );
}

export { describeFile } from "./describe.js";
export { INTEL_FIELDS, Intel, type IntelDeps, intelFramework } from "./framework.js";
export { IntelFileError, intelFilePath, parseIntelFile, readIntelFile } from "./input.js";
export { canonicalAddr, IntelStore, parseIntelSubnet } from "./store.js";
export * from "./types.js";
