/**
 * The records of Zeek's Intelligence framework (base/frameworks/intel and
 * the policy scripts that extend them), under Zeek's field names, and the
 * events it raises. Enum values are Zeek's names as text ("Intel::ADDR",
 * "Conn::IN_ORIG"): a script adds its own `where` names as Zeek's
 * `redef enum Intel::Where += { … }` does, by using them.
 */

import { registerEvents } from "../../event/events.js";
import type { Connection, ConnId } from "../../event/records.js";
import type { FaFile } from "../../files/file.js";

/**
 * Intel::Type in Zeek's declaration order: main.zeek's nine, then files.zeek's
 * two (`redef enum … +=`). The position is the enum's value, which is what a
 * set of them is hashed by (intel.log's `matched` is in Zeek's set order).
 */
export const INTEL_TYPES = [
  "Intel::ADDR",
  "Intel::SUBNET",
  "Intel::URL",
  "Intel::SOFTWARE",
  "Intel::EMAIL",
  "Intel::DOMAIN",
  "Intel::USER_NAME",
  "Intel::CERT_HASH",
  "Intel::PUBKEY_HASH",
  "Intel::FILE_HASH",
  "Intel::FILE_NAME",
] as const;

export type IntelType = (typeof INTEL_TYPES)[number];

/** Whether `text` names an Intel::Type. */
export function isIntelType(text: string): text is IntelType {
  return (INTEL_TYPES as readonly string[]).includes(text);
}

/**
 * Intel::Where's values: the base's catch-all and seen/where-locations.zeek's
 * (in its order). Any other text is accepted where a `where` is given, as a
 * script's own enum value.
 */
export const INTEL_WHERE = [
  "Intel::IN_ANYWHERE",
  "Conn::IN_ORIG",
  "Conn::IN_RESP",
  "Files::IN_HASH",
  "Files::IN_NAME",
  "DNS::IN_REQUEST",
  "DNS::IN_RESPONSE",
  "HTTP::IN_HOST_HEADER",
  "HTTP::IN_REFERRER_HEADER",
  "HTTP::IN_USER_AGENT_HEADER",
  "HTTP::IN_X_FORWARDED_FOR_HEADER",
  "HTTP::IN_URL",
  "SMTP::IN_MAIL_FROM",
  "SMTP::IN_RCPT_TO",
  "SMTP::IN_FROM",
  "SMTP::IN_TO",
  "SMTP::IN_CC",
  "SMTP::IN_RECEIVED_HEADER",
  "SMTP::IN_REPLY_TO",
  "SMTP::IN_X_ORIGINATING_IP_HEADER",
  "SMTP::IN_MESSAGE",
  "SSH::IN_SERVER_HOST_KEY",
  "SSL::IN_SERVER_NAME",
  "SMTP::IN_HEADER",
  "X509::IN_CERT",
  "SMB::IN_FILE_NAME",
] as const;

/**
 * Intel::MetaData: `source` identifies the record within its indicator (a
 * second insert from one source replaces the first). The others are the
 * policy scripts' `redef record` fields, read from intel files when their
 * script is loaded: do_notice and if_in (do_notice), whitelist, remove, and
 * policy/integration/collective-intel's cif_* (the Collective Intelligence
 * Framework's fields).
 */
export interface IntelMetaData {
  source: string;
  desc?: string;
  url?: string;
  /** policy/frameworks/intel/do_notice: a match raises Intel::Notice (default false). */
  do_notice?: boolean;
  /** do_notice: only when seen here (default Intel::IN_ANYWHERE: anywhere). */
  if_in?: string;
  /** policy/frameworks/intel/whitelist: a match involving this item is not logged. */
  whitelist?: boolean;
  /** policy/frameworks/intel/removal: inserting this item removes it instead. */
  remove?: boolean;
  /** collective-intel: CIF's tags ("botnet", "exploit"). */
  cif_tags?: string;
  /** collective-intel: CIF's confidence in the observation. */
  cif_confidence?: number;
  cif_source?: string;
  cif_description?: string;
  /** collective-intel: when the source first and last saw the behaviour, as CIF gives it (text). */
  cif_firstseen?: string;
  cif_lastseen?: string;
}

/** collective-intel's Intel::CIF: intel.log's cif.* columns, from the matching items' cif_* metadata. */
export interface IntelCif {
  tags?: string;
  confidence?: number;
  source?: string;
  description?: string;
  firstseen?: string;
  lastseen?: string;
}

/** Intel::Item: one piece of intelligence. */
export interface IntelItem {
  indicator: string;
  indicator_type: IntelType;
  meta: IntelMetaData;
}

/**
 * Intel::Seen: what a script saw, to be checked against the intelligence.
 * Either `host` (an address; also matched against SUBNET items) or
 * `indicator` with `indicator_type`.
 */
export interface IntelSeen {
  indicator?: string;
  indicator_type?: IntelType;
  host?: string;
  where: string;
  /** Filled with Zeek's peer_description ("zeek") when absent. */
  node?: string;
  conn?: Connection;
  uid?: string;
  /** files.zeek: the file it was seen in (gives fuid, MIME type, description and, with one connection, conn). */
  f?: FaFile;
  fuid?: string;
}

/** Intel::Info: an intel.log row, as extend_match hooks see it. */
export interface IntelInfo {
  ts: number;
  uid?: string;
  id?: ConnId;
  seen: IntelSeen;
  /** set[Intel::Type] and set[string]: in the order they were added (written in Zeek's set order). */
  matched: IntelType[];
  sources: string[];
  fuid?: string;
  file_mime_type?: string;
  file_desc?: string;
  /** policy/integration/collective-intel: the CIF fields of the last matching item (unset without the script). */
  cif?: IntelCif;
}

/** The framework's events (Zeek's Intel::match, Intel::new_item, Intel::log_intel), under names a script can export. */
export interface IntelEvents {
  /** Intel::match: `s` matched `items` (one per source and matching indicator). */
  intel_match: [s: IntelSeen, items: readonly IntelItem[]];
  /** Intel::new_item: an indicator not in the store before was inserted. */
  intel_new_item: [item: IntelItem];
  /** Intel::log_intel: an intel.log row was written. */
  log_intel: [rec: IntelInfo];
}
declare module "../../event/events.js" {
  interface EventMap extends IntelEvents {}
}
registerEvents<IntelEvents>({ intel_match: true, intel_new_item: true, log_intel: true });
