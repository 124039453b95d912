/**
 * Zeek's policy/frameworks/intel/seen/smtp-url-extraction: the URLs in mail
 * bodies are seen as Intel::URL (SMTP::IN_MESSAGE), without their scheme.
 * Each chunk of an SMTP file (a MIME entity's decoded bytes) goes through
 * the DATA_EVENT file analyzer (Zeek's Files::ANALYZER_DATA_EVENT, which
 * files.log then lists) to the intel_mime_data event; a URL split between
 * two chunks is not found, as in Zeek.
 */
import { registerEvents } from "../../event/events.js";
import { connsInZeekOrder } from "../../files/conns-order.js";
import type { FaFile } from "../../files/file.js";
import { zeekSetOrder } from "../../zeek-table/table.js";
import type { PolicyScript } from "../policy-scripts.js";
import { intelOf } from "./framework.js";

export interface IntelMimeEvents {
  /** The script's intel_mime_data: a chunk of an SMTP file's bytes. */
  intel_mime_data: [f: FaFile, data: string];
}
declare module "../../event/events.js" {
  interface EventMap extends IntelMimeEvents {}
}
registerEvents<IntelMimeEvents>({ intel_mime_data: true });

/**
 * base/utils/urls' url_regex, tried at each position as Zeek's find_all
 * does (the longest match there, then on after it): a scheme of 3 to 5
 * letters or "-", "://", dotted name parts, and a path up to a blank (a
 * space or tab: a line break does not end it).
 */
const URL_AT = /[a-zA-Z-]{3,5}:\/\/(?:-\.)?(?:[^ \t/?.#-]+\.?)+(?:\/[^ \t]*)?/y;

/** find_all_urls: the URLs in `s`, in order of appearance (a set once Zeek has them). */
export function findAllUrls(s: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < s.length; i++) {
    URL_AT.lastIndex = i;
    const m = URL_AT.exec(s);
    if (m === null) continue;
    found.push(m[0]);
    i += m[0].length - 1;
  }
  return found;
}

export const INTEL_SMTP_URL_EXTRACTION: PolicyScript = {
  script: "policy/frameworks/intel/seen/smtp-url-extraction",
  what: "intel: URLs in mail bodies",
  load(host, context) {
    const intel = intelOf(host, context);
    const hash = host.tableHash.string;
    host.on("intel_mime_data", (f, data) => {
      if (!intel.seenGroupEnabled("Intel::URL")) return;
      // find_all_urls_without_scheme: find_all's set, iterated into a set of the URLs without their scheme.
      const urls = zeekSetOrder(
        hash,
        zeekSetOrder(hash, findAllUrls(data)).map((u) => u.replace(/^[a-zA-Z-]{3,5}:\/\//, "")),
      );
      for (const c of connsInZeekOrder(f, host.tableHash))
        for (const url of urls) intel.seen({ indicator: url, indicator_type: "Intel::URL", conn: c, where: "SMTP::IN_MESSAGE" });
    });
    host.on("file_new", (f) => {
      if (f.source === "SMTP" && intel.seenGroupEnabled("Intel::URL"))
        f.addAnalyzer("DATA_EVENT", { stream_event: (file, data) => host.raise("intel_mime_data", file, data) });
    });
  },
};
