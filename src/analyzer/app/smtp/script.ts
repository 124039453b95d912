/**
 * base/protocols/smtp as Zeek's default scripts run it (main.zeek,
 * entities.zeek, files.zeek), written against the SMTP and MIME events:
 *
 * - smtp.log: one row per mail transaction (MAIL FROM … the reply to "." or
 *   to the LAST BDAT), with the session's HELO, the envelope (mailfrom,
 *   rcptto), the top-level message's headers (date, from, to, cc, reply_to,
 *   msg_id, in_reply_to, subject, x_originating_ip, first/second_received,
 *   user_agent), the last reply, the Received path, tls and the fuids of its
 *   MIME entities; what is pending when the connection ends is written too;
 * - mail transaction validation (smtp_mail_transaction_invalid, and the
 *   analyzer disabled after SMTP::max_invalid_mail_transactions);
 * - the files of the entities: named by `smtpFileHandle` (SMTP's
 *   get_file_handle), their depth and filename for files.log.
 *
 * The log stream's bounds (Log::default_max_field_string_bytes,
 * default_max_field_container_elements, …) cut long values as Zeek's logging
 * manager does, with its weirds (src/log/limits.ts, for every log).
 */

import type { Connection } from "../../../event/records.js";
import { zeekTimeText } from "../../../files/manager.js";
import { formatAddrBytes } from "../../../ip/addr.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import { type AnalyzerScriptHost, reportLimitReached } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { extendedFields, loadedExtensions, type RecordExtension, writeExtended } from "../../../scripts/record-extensions.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { parseAddress } from "../../../scripts/site.js";
import { type KeyHash, ZeekTable, zeekSetOrder } from "../../../zeek-table/table.js";
import { filenameFromDisposition } from "../http/script.js";
import "./events.js";
import "../mime/events.js";
import "./trace.js";
import { SMTP_SOFTWARE } from "./software.js";

export const SMTP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["trans_depth", "count"],
  ["helo", "string"],
  ["mailfrom", "string"],
  ["rcptto", "set[string]"],
  ["date", "string"],
  ["from", "string"],
  ["to", "set[string]"],
  ["cc", "set[string]"],
  ["reply_to", "string"],
  ["msg_id", "string"],
  ["in_reply_to", "string"],
  ["subject", "string"],
  ["x_originating_ip", "addr"],
  ["first_received", "string"],
  ["second_received", "string"],
  ["last_reply", "string"],
  ["path", "vector[addr]"],
  ["user_agent", "string"],
  ["tls", "bool"],
  ["fuids", "vector[string]"],
);

/** SMTP::Info: one mail transaction. */
export interface SmtpInfo {
  ts: number;
  c: Connection;
  trans_depth: number;
  helo?: string;
  mailfrom?: string;
  /** set[string]s: printed in Zeek's table order. */
  rcptto?: ZeekTable<string, true>;
  date?: string;
  from?: string;
  to?: ZeekTable<string, true>;
  cc?: ZeekTable<string, true>;
  reply_to?: string;
  msg_id?: string;
  in_reply_to?: string;
  subject?: string;
  x_originating_ip?: string;
  first_received?: string;
  second_received?: string;
  last_reply?: string;
  path: string[];
  user_agent?: string;
  tls: boolean;
  process_received_from: boolean;
  has_client_activity: boolean;
  process_smtp_headers: boolean;
  entity_count: number;
  /** entities.zeek: the entity under way. */
  entity?: SmtpEntity;
  fuids: string[];
  /** files.zeek: the top-level message's file (its first file) when SMTP::enable_rfc822_msg_file_analysis is set. Not logged. */
  rfc822_msg_fuid?: string;
}

/** SMTP::Entity: the MIME entity under way (not logged). */
export interface SmtpEntity {
  /** From its Content-Disposition's filename, for files.log. */
  filename?: string;
  /** policy/protocols/smtp/entities-excerpt: its first bytes ("" by default), set at file_new from the file's bof_buffer. */
  excerpt?: string;
}

/** SMTP::State of a connection. */
interface SmtpState {
  helo?: string;
  messages_transferred: number;
  trans_mail_from_seen: boolean;
  trans_rcpt_to_seen: boolean;
  invalid_transactions: number;
  bdat_last_observed: boolean;
  analyzer_id?: number;
  mime_depth: number;
  /** c$smtp. */
  smtp: SmtpInfo | null;
}

/** Whether a set or list of `size` elements is at a limit of SMTP's (0: none). */
const atLimit = (size: number, max: number): boolean => max > 0 && size >= max;

const states = new WeakMap<Connection, SmtpState>();

/**
 * SMTP::get_file_handle for the file under way on `c` ("" without SMTP
 * state): the message's rfc822 file, once it has one, is in the handle so
 * that its first entity's file is not the message's file again.
 */
export function smtpFileHandle(c: Connection): string {
  const st = states.get(c);
  const info = st?.smtp;
  if (st === undefined || info === null || info === undefined) return "";
  return `Analyzer::ANALYZER_SMTP${zeekTimeText(c.start_time)}${info.trans_depth}${info.rfc822_msg_fuid ?? ""}${st.mime_depth}`;
}

// ---------------------------------------------------------------- base/utils

const EMAIL = /(?:^|[<,:\t ])[^<,:\t @]+@[^>,;\t ]+(?:[>,;\t ]|$)/g;

/** extract_email_addrs_vec: the addresses in order of appearance. */
export function extractEmailAddrs(s: string): string[] {
  return [...s.matchAll(EMAIL)].map((m) => stripEmail(m[0]));
}

const stripEmail = (raw: string): string => raw.replace(/[<>,:;\t ]/g, "");

/**
 * extract_email_addrs_set: find_all's set of matches, each stripped into a
 * second set, in Zeek's iteration order of that set (each set iterated in
 * its table's order under `hash`).
 */
export function extractEmailAddrsSet(s: string, hash: KeyHash<string>): string[] {
  return zeekSetOrder(
    hash,
    zeekSetOrder(
      hash,
      [...s.matchAll(EMAIL)].map((m) => m[0]),
    ).map(stripEmail),
  );
}

/**
 * split_mime_email_addresses: the comma-separated parts holding an '@',
 * stripped; with `hash`, as Zeek iterates the set it returns (find_all's set
 * of parts, iterated into a set of stripped parts), else in line order.
 */
export function splitMimeEmailAddresses(line: string, hash?: KeyHash<string>): string[] {
  const parts = [...line.matchAll(/(?:"[^"]*")?[^,]+@[^,]+/g)].map((m) => m[0]);
  const strip = (p: string): string => p.replace(/^[ \t\r\n\v\f]+|[ \t\r\n\v\f]+$/g, "");
  return hash === undefined ? parts.map(strip) : zeekSetOrder(hash, zeekSetOrder(hash, parts).map(strip));
}

const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|0[0-9]{2}|[0-9]{2}|[0-9])";
const V4 = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;
const H = "[0-9A-Fa-f]{1,4}";
/** Zeek's ipv6_compressed_hex4dec lead k: k hextets, "::", up to 4-k more, then an IPv4 address (no colon before it, as Zeek writes it). */
function hex4dec(k: number): string {
  if (k === 0) return `::(?:${H}(?::${H}){0,4})?${V4}`;
  if (k === 5) return `${H}(?::${H}){4}::${V4}`;
  return `${H}(?::${H}){${k - 1}}::(?:${H}(?::${H}){0,${4 - k}})?${V4}`;
}
/** Zeek's ipv6_compressed_lead_hextets k. */
function compressedHex(k: number): string {
  if (k === 0) return `::(?:${H}(?::${H}){0,6})?`;
  if (k === 7) return `${H}(?::${H}){6}::`;
  return `${H}(?::${H}){${k - 1}}::(?:${H}(?::${H}){0,${6 - k}})?`;
}
/** base/utils/addrs' ip_addr_regex; the alternatives that can match longer come first (Zeek's matcher takes the longest). */
const IP_ADDR = new RegExp(
  [`(?:${H}:){7}${H}`, `(?:${H}:){6}${V4}`, ...[0, 1, 2, 3, 4, 5].map(hex4dec), ...[7, 6, 5, 4, 3, 2, 1, 0].map(compressedHex), V4].join("|"),
  "g",
);

/** Zeek's address text of a valid address (IPv6 compressed, IPv4-mapped shown as IPv4), or null (inet_pton's rules: no leading zeros in IPv4 octets). */
export function addrText(s: string): string | null {
  if (/(?:^|[.:])0[0-9]/.test(s) && s.includes(".")) {
    // Only the dotted part's octets matter; IPv6 hextets may start with 0.
    const v4 = s.slice(s.lastIndexOf(":") + 1);
    if (/(?:^|\.)0[0-9]/.test(v4)) return null;
  }
  const b = parseAddress(s);
  return b === null ? null : formatAddrBytes(b);
}

/** 1 for the bytes an address is made of (hex digits, ':' and '.'): every match of IP_ADDR is a run of them. */
const ADDR_CHAR = new Uint8Array(128);
for (const ch of "0123456789abcdefABCDEF:.") ADDR_CHAR[ch.charCodeAt(0)] = 1;

/**
 * The matches of IP_ADDR in `input`, in order. IP_ADDR has no anchors nor
 * look-around and matches only address characters, so a match lies inside one
 * run of them and is what the regex finds in that run alone. Only runs that
 * can hold a match are searched: an IPv4 address has three '.', an IPv6 one
 * "::" or at least six ':'. The regex tried at every position of a long
 * Received header cost more than the rest of SMTP.
 */
function ipMatches(input: string): { index: number; text: string }[] {
  const out: { index: number; text: string }[] = [];
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c >= 128 || ADDR_CHAR[c] === 0) {
      i++;
      continue;
    }
    const start = i;
    let dots = 0;
    let colons = 0;
    let doubleColon = false;
    for (; i < n; i++) {
      const d = input.charCodeAt(i);
      if (d >= 128 || ADDR_CHAR[d] === 0) break;
      if (d === 0x2e) dots++;
      else if (d === 0x3a) {
        if (colons > 0 && input.charCodeAt(i - 1) === 0x3a) doubleColon = true;
        colons++;
      }
    }
    if (dots >= 3 || doubleColon || colons >= 6) searchRun(input.slice(start, i), start, out);
  }
  return out;
}

function searchRun(run: string, offset: number, out: { index: number; text: string }[]): void {
  IP_ADDR.lastIndex = 0;
  for (let m = IP_ADDR.exec(run); m !== null; m = IP_ADDR.exec(run)) out.push({ index: offset + m.index, text: m[0] });
}

/** extract_ip_addresses: the valid addresses in `input`; with `checkWrapping`, only those standing alone or in [], (), {} or spaces. */
export function extractIpAddresses(input: string, checkWrapping = false): string[] {
  const out: string[] = [];
  const matches = ipMatches(input);
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    const text = m.text;
    if (addrText(text) === null) continue;
    if (!checkWrapping) {
      out.push(text);
      continue;
    }
    // The parts before and after, as split_string_all cuts them.
    const start = m.index;
    const end = start + text.length;
    const prevEnd = i > 0 ? matches[i - 1]!.index + matches[i - 1]!.text.length : 0;
    const nextStart = i + 1 < matches.length ? matches[i + 1]!.index : input.length;
    const p1 = input.slice(prevEnd, start);
    const p3 = input.slice(end, nextStart);
    const a = p1.slice(-1);
    const z = p3.slice(0, 1);
    if ((p1.length === 0 && p3.length === 0) || (a === "[" && z === "]") || (a === "(" && z === ")") || (a === "{" && z === "}") || (a === " " && z === " ")) {
      out.push(text);
    }
  }
  return out;
}

/** SMTP's find_address_in_smtp_header: the second wrapped address, else the first, else "". */
function findAddressInSmtpHeader(header: string): string {
  const ips = extractIpAddresses(header, true);
  return ips.length > 1 ? ips[1]! : ips.length > 0 ? ips[0]! : "";
}

// ---------------------------------------------------------------- the script

/** The policy scripts that add smtp.log columns. */
function smtpLogExtensions(): readonly RecordExtension<SmtpInfo>[] {
  // Made when a run starts, not at import: the extensions' modules import this one.
  return [SMTP_SOFTWARE];
}

/** c$smtp: the message under way on `c`, if any. */
export function smtpInfoOf(c: Connection): Readonly<SmtpInfo> | undefined {
  return states.get(c)?.smtp ?? undefined;
}

export function loadSmtpScript(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[] = []): void {
  const extensions = loadedExtensions(smtpLogExtensions(), loads);
  const log = logs.open({ path: "smtp", fields: extendedFields(SMTP_FIELDS, extensions) });
  const now = () => host.clock.now;

  const write = (i: SmtpInfo): void => {
    const id = i.c.id;
    // Raw bytes as log text; the log stream cuts long values to its bounds (Log::default_max_*), as Zeek's logging manager does.
    const str = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
    const list = (l: Iterable<string> | undefined, text: boolean): string[] | undefined => {
      if (l === undefined) return undefined;
      const all = [...l];
      return text ? all.map(bytesToLogText) : all;
    };
    const row: LogValue[] = [
      i.ts,
      str(i.c.uid),
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      i.trans_depth,
      str(i.helo),
      str(i.mailfrom),
      list(i.rcptto?.keys(), true),
      str(i.date),
      str(i.from),
      list(i.to?.keys(), true),
      list(i.cc?.keys(), true),
      str(i.reply_to),
      str(i.msg_id),
      str(i.in_reply_to),
      str(i.subject),
      i.x_originating_ip,
      str(i.first_received),
      str(i.second_received),
      str(i.last_reply),
      list(i.path, false),
      str(i.user_agent),
      i.tls,
      list(i.fuids, true),
    ];
    writeExtended(host, row, i, extensions, (r) => log.write(r));
    // Log::write's event (queued, and only when a script handles it): detect-suspicious-orig reads the record.
    host.raise("log_smtp", i);
  };

  // Every slot from birth, the optional ones too (set later in varying
  // order, they gave the records many shapes and megamorphic reads).
  const newInfo = (c: Connection, st: SmtpState): SmtpInfo => ({
    ts: now(),
    c,
    trans_depth: st.messages_transferred + 1,
    helo: st.helo,
    mailfrom: undefined,
    rcptto: undefined,
    date: undefined,
    from: undefined,
    to: undefined,
    cc: undefined,
    reply_to: undefined,
    msg_id: undefined,
    in_reply_to: undefined,
    subject: undefined,
    x_originating_ip: undefined,
    first_received: undefined,
    second_received: undefined,
    last_reply: undefined,
    // The path ends with the hosts of this connection.
    path: [c.id.resp_h, c.id.orig_h],
    user_agent: undefined,
    tls: false,
    process_received_from: true,
    has_client_activity: false,
    process_smtp_headers: true,
    entity_count: 0,
    entity: undefined,
    fuids: [],
    rfc822_msg_fuid: undefined,
  });

  const session = (c: Connection): SmtpState => {
    let st = states.get(c);
    if (st === undefined) {
      st = {
        helo: undefined,
        messages_transferred: 0,
        trans_mail_from_seen: false,
        trans_rcpt_to_seen: false,
        invalid_transactions: 0,
        bdat_last_observed: false,
        analyzer_id: undefined,
        mime_depth: 0,
        smtp: null,
      };
      states.set(c, st);
      registerRemovalHook(c, finalize);
    }
    st.smtp ??= newInfo(c, st);
    return st;
  };

  const smtpMessage = (c: Connection, st: SmtpState): void => {
    const info = st.smtp;
    if (info?.has_client_activity) {
      write(info);
      st.smtp = newInfo(c, st);
    }
  };

  const transactionInvalid = (c: Connection, st: SmtpState, addl: string): void => {
    host.connWeird("smtp_mail_transaction_invalid", c, addl, "SMTP");
    st.invalid_transactions++;
    // An option: read when used, as Zeek's script does.
    const max = host.settings["SMTP::max_invalid_mail_transactions"];
    if (max > 0 && st.invalid_transactions > max && st.analyzer_id !== undefined) {
      reportLimitReached(host, "smtp_excessive_invalid_mail_transactions", c, st.invalid_transactions, max, "SMTP");
      if (host.disableAnalyzer(c, st.analyzer_id)) st.analyzer_id = undefined;
    }
  };

  host.on("analyzer_confirmation_info", (atype, info) => {
    if (atype !== "SMTP" || info.c === undefined) return;
    session(info.c).analyzer_id = info.aid;
  });

  host.on(
    "smtp_request",
    (c, _isOrig, command, arg) => {
      const st = session(c);
      const info = st.smtp!;
      const cmd = command.toUpperCase();
      if (cmd === "HELO" || cmd === "EHLO") {
        st.helo = arg;
        info.helo = arg;
      } else if (cmd === "RCPT" && /^[tT][oO]:/.test(arg)) {
        info.rcptto ??= new ZeekTable(host.tableHash.string);
        for (let a of extractEmailAddrsSet(arg, host.tableHash.string)) {
          if (atLimit(info.rcptto.size, host.settings["SMTP::max_rcptto_addresses"])) {
            host.connWeird("smtp_too_many_rcptto_addresses", c);
            break;
          }
          a = a.replace(/ORCPT=rfc822;?/g, "");
          info.rcptto.set(a, true);
        }
        info.has_client_activity = true;
        st.trans_rcpt_to_seen = true;
        if (!st.trans_mail_from_seen) transactionInvalid(c, st, "rcpt to missing mail from");
      } else if (cmd === "MAIL" && /^[fF][rR][oO][mM]:/.test(arg)) {
        // Flush the last message in case the server's acknowledgement was not seen.
        smtpMessage(c, st);
        const cur = st.smtp!;
        const from = extractEmailAddrs(arg)[0] ?? "";
        if (from !== "") cur.mailfrom = from;
        cur.has_client_activity = true;
        st.trans_mail_from_seen = true;
        st.trans_rcpt_to_seen = false;
      } else if (cmd === "DATA" || cmd === "BDAT") {
        if (!st.trans_rcpt_to_seen) transactionInvalid(c, st, "data missing rcpt to");
        if (cmd === "BDAT" && arg.endsWith(" LAST")) {
          st.trans_mail_from_seen = false;
          st.trans_rcpt_to_seen = false;
          st.bdat_last_observed = true;
        }
      } else if (cmd === ".") {
        st.trans_mail_from_seen = false;
        st.trans_rcpt_to_seen = false;
      }
    },
    { priority: 5 },
  );

  host.on(
    "smtp_reply",
    (c, _isOrig, code, _cmd, msg) => {
      // Overwritten by every reply: the last one stays.
      session(c).smtp!.last_reply = `${code} ${msg}`;
    },
    { priority: 5 },
  );

  host.on(
    "smtp_reply",
    (c, _isOrig, _code, cmd, _msg, contResp) => {
      const st = states.get(c);
      if (st === undefined) return;
      if (cmd === "." || (!contResp && cmd === "BDAT" && st.bdat_last_observed)) {
        st.messages_transferred++;
        st.bdat_last_observed = false;
        smtpMessage(c, st);
        st.smtp = newInfo(c, st);
      }
    },
    { priority: -5 },
  );

  // entities.zeek
  host.on(
    "mime_begin_entity",
    (c) => {
      const st = states.get(c);
      if (st === undefined) return;
      if (st.smtp !== null) st.smtp.entity = { filename: undefined };
      st.mime_depth++;
    },
    { priority: 10 },
  );

  // main.zeek: headers of sub-entities are not the message's.
  host.on(
    "mime_begin_entity",
    (c) => {
      const info = states.get(c)?.smtp;
      if (info === null || info === undefined) return;
      info.entity_count++;
      if (info.entity_count > 1) info.process_smtp_headers = false;
    },
    { priority: 5 },
  );

  host.on(
    "mime_one_header",
    (c, h) => {
      const info = states.get(c)?.smtp;
      if (info === null || info === undefined || !info.process_smtp_headers) return;
      const v = h.value;
      switch (h.name) {
        case "MESSAGE-ID":
          info.msg_id = v;
          break;
        case "RECEIVED":
          if (info.first_received !== undefined) info.second_received = info.first_received;
          info.first_received = v;
          break;
        case "IN-REPLY-TO":
          info.in_reply_to = v;
          break;
        case "SUBJECT":
          info.subject = v;
          break;
        case "FROM":
          info.from = v;
          break;
        case "REPLY-TO":
          info.reply_to = v;
          break;
        case "DATE":
          info.date = v;
          break;
        case "TO":
        case "CC": {
          const isTo = h.name === "TO";
          const set = isTo ? (info.to ??= new ZeekTable(host.tableHash.string)) : (info.cc ??= new ZeekTable(host.tableHash.string));
          for (const a of splitMimeEmailAddresses(v, host.tableHash.string)) {
            if (atLimit(set.size, host.settings[isTo ? "SMTP::max_to_addresses" : "SMTP::max_cc_addresses"])) {
              host.connWeird(isTo ? "smtp_too_many_to_addresses" : "smtp_too_many_cc_addresses", c);
              break;
            }
            set.set(a, true);
          }
          break;
        }
        case "X-ORIGINATING-IP": {
          const ips = extractIpAddresses(v);
          if (ips.length > 0) info.x_originating_ip = addrText(ips[0]!) ?? undefined;
          break;
        }
        case "X-MAILER":
        case "USER-AGENT":
        case "X-USER-AGENT":
          info.user_agent = v;
          break;
      }
    },
    { priority: 5 },
  );

  // entities.zeek: the entity's filename.
  host.on(
    "mime_one_header",
    (c, h) => {
      const info = states.get(c)?.smtp;
      if (info === null || info === undefined) return;
      if (info.entity === undefined) {
        host.connWeird("missing_SMTP_entity", c, "", "SMTP");
        return;
      }
      if (h.name === "CONTENT-DISPOSITION" && /[fF][iI][lL][eE][nN][aA][mM][eE][ \t]*\*?=/.test(h.value)) {
        info.entity.filename = filenameFromDisposition(h.value);
      }
      if (h.name === "CONTENT-TYPE" && /[nN][aA][mM][eE][ \t]*=/.test(h.value)) {
        info.entity.filename = filenameFromDisposition(h.value);
      }
    },
    { priority: 5 },
  );

  // The Received path (mail_path_capture = ALL_HOSTS: every address counts).
  host.on(
    "mime_one_header",
    (c, h) => {
      const info = states.get(c)?.smtp;
      if (info === null || info === undefined || h.name !== "RECEIVED" || !info.process_received_from || !info.process_smtp_headers) return;
      const text = findAddressInSmtpHeader(h.value);
      if (text === "") return;
      const ip = addrText(text);
      if (ip === null) return;
      if (info.path[info.path.length - 1] !== ip) {
        if (atLimit(info.path.length, host.settings["SMTP::max_path_length"])) {
          host.connWeird("smtp_max_path_length_exceeded", c);
          return;
        }
        info.path.push(ip);
      }
    },
    { priority: 3 },
  );

  host.on(
    "mime_end_entity",
    (c) => {
      const info = states.get(c)?.smtp;
      if (info !== null && info !== undefined) info.entity = undefined;
    },
    { priority: 5 },
  );

  host.on(
    "file_over_new_connection",
    (f, c) => {
      if (f.source !== "SMTP") return;
      const st = states.get(c);
      const info = st?.smtp;
      if (st === undefined || info === null || info === undefined) return;
      // entities.zeek
      if (info.entity?.filename !== undefined && f.info !== undefined) f.info.filename = info.entity.filename;
      if (f.info !== undefined) f.info.depth = st.mime_depth;
      // files.zeek
      if (info.tls) return;
      info.fuids.push(f.id);
      // The first file of a transaction is its whole message; the entities' files are its children.
      if (!host.settings["SMTP::enable_rfc822_msg_file_analysis"]) return;
      if (info.rfc822_msg_fuid === undefined) info.rfc822_msg_fuid = f.id;
      else f.parent_id ??= info.rfc822_msg_fuid;
    },
    { priority: 5 },
  );

  host.on(
    "smtp_starttls",
    (c) => {
      const info = states.get(c)?.smtp;
      if (info === null || info === undefined) return;
      info.tls = true;
      info.has_client_activity = true;
    },
    { priority: 5 },
  );

  // finalize_smtp (a connection removal hook).
  const finalize = removalHook(host, (c) => {
    const st = states.get(c);
    if (st !== undefined) smtpMessage(c, st);
  });

  for (const e of extensions) e.load?.(host, logs);
}

export const SMTP_SCRIPT: ProtocolScript = {
  script: "base/protocols/smtp",
  load: (host, logs, loads) => loadSmtpScript(host, logs, loads),
};
