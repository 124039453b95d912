/**
 * Zeek's base/protocols/conn/contents: a TCP connection's streams written to
 * files when it is established (connection_established, priority -5, so
 * that handlers before it may decide): the originator's bytes to
 * PREFIX_ORIG:OPORT-RESP:RPORT_orig.dat and the responder's to …_resp.dat
 * (Zeek's generate_extraction_filename: an IPv6 address in brackets, the
 * prefix Conn::extraction_prefix, left out with its `_` when empty), in the
 * working directory unless the prefix names another.
 *
 * Which sides is c$extract_orig and c$extract_resp: Conn::default_extract
 * unless a script set them for the connection (setConnExtract).
 */
import { setContentsFile } from "../analyzer/tcp/contents-file.js";
import type { Connection, ConnId } from "../event/records.js";
import type { AnalyzerScriptHost } from "./host.js";

/** What scripts set of c$extract_orig and c$extract_resp; a side not set takes Conn::default_extract. */
const chosen = new WeakMap<Connection, { orig?: boolean; resp?: boolean }>();

/** `c$extract_orig = on` (side "orig") or `c$extract_resp = on`: whether that side of `c` is written once it is established. */
export function setConnExtract(c: Connection, side: "orig" | "resp", on: boolean): void {
  const sides = chosen.get(c) ?? {};
  sides[side] = on;
  chosen.set(c, sides);
}

/** addr_to_uri: an IPv6 address in brackets, an IPv4 one as it is. */
const addrToUri = (a: string): string => (a.includes(":") ? `[${a}]` : a);

/** generate_extraction_filename(prefix, c, suffix), from c$id. */
export function extractionFilename(prefix: string, id: Pick<ConnId, "orig_h" | "orig_p" | "resp_h" | "resp_p">, suffix: string): string {
  const { orig_h, orig_p, resp_h, resp_p } = id;
  let name = `${addrToUri(orig_h)}:${orig_p}-${addrToUri(resp_h)}:${resp_p}`;
  if (prefix !== "") name = `${prefix}_${name}`;
  return suffix === "" ? name : `${name}_${suffix}`;
}

export function loadConnContents(host: AnalyzerScriptHost): void {
  host.on(
    "connection_established",
    (c) => {
      const { settings } = host;
      const sides = chosen.get(c);
      const prefix = settings["Conn::extraction_prefix"];
      // set_contents_file reports its own failures (contents_file_write_failure).
      if (sides?.orig ?? settings["Conn::default_extract"]) setContentsFile(c, "orig", extractionFilename(prefix, c.id, "orig.dat"));
      if (sides?.resp ?? settings["Conn::default_extract"]) setContentsFile(c, "resp", extractionFilename(prefix, c.id, "resp.dat"));
    },
    { priority: -5 },
  );
}
