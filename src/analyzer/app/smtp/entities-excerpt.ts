/**
 * Zeek's policy/protocols/smtp/entities-excerpt: SMTP::Entity gains
 * `excerpt` ("" by default), the first SMTP::default_entity_excerpt_len
 * bytes of the entity's file, taken at file_new from its bof_buffer. Scripts
 * read it as c$smtp$entity$excerpt: `smtpInfoOf(c)?.entity?.excerpt`.
 *
 * Zeek 9 raises file_new when a file is made, before any of its data, so a
 * file has no bof_buffer there and the excerpt stays "" (Zeek's script
 * returns early); bronze runs file_new at the same point and behaves alike.
 * Only a bof_buffer set by an earlier file_new handler gives an excerpt.
 */
import type { FaFile } from "../../../files/file.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { smtpInfoOf } from "./script.js";

export const SMTP_ENTITIES_EXCERPT_SCRIPT = "policy/protocols/smtp/entities-excerpt";

/** The script's file_new priority; the entity's default comes after entities.zeek's mime_begin_entity handler (10) makes it. */
const FILE_NEW_PRIORITY = 5;
const ENTITY_DEFAULT_PRIORITY = 9;

/** file_new's handler: each SMTP connection's entity under way gets the excerpt. */
function takeExcerpt(host: AnalyzerScriptHost, f: FaFile): void {
  if (f.source !== "SMTP" || f.bof_buffer === undefined) return;
  const len = host.settings["SMTP::default_entity_excerpt_len"];
  if (len <= 0) return;
  for (const c of f.conns.values()) {
    const entity = smtpInfoOf(c)?.entity;
    if (entity !== undefined) entity.excerpt = latin1(f.bof_buffer.subarray(0, len));
  }
}

export const SMTP_ENTITIES_EXCERPT: PolicyScript = {
  script: SMTP_ENTITIES_EXCERPT_SCRIPT,
  what: "SMTP::Entity's excerpt (c$smtp$entity$excerpt for scripts; SMTP::default_entity_excerpt_len)",
  load(host) {
    host.on(
      "mime_begin_entity",
      (c) => {
        const entity = smtpInfoOf(c)?.entity;
        if (entity !== undefined) entity.excerpt = "";
      },
      { priority: ENTITY_DEFAULT_PRIORITY },
    );
    host.on("file_new", (f) => takeExcerpt(host, f), { priority: FILE_NEW_PRIORITY });
  },
};
