/**
 * Zeek's policy/frameworks/intel/seen: where the protocol and file scripts
 * hand what they see to Intel::seen, each with its `where` location
 * (seen/where-locations.zeek). One policy script per Zeek script, each
 * registering its handlers only when loaded, in Zeek's order and priorities
 * (the HTTP header checks, for one, in the order of Zeek's handlers).
 * With seen/manage-event-groups, the checks of a type are skipped while
 * the store has no indicator of it, as Zeek disables their event groups.
 */
import { buildUrl, httpInfoOf } from "../../analyzer/app/http/script.js";
import { smbCurrentFileName } from "../../analyzer/app/smb/script.js";
import { extractEmailAddrs, extractEmailAddrsSet, extractIpAddresses, smtpInfoOf } from "../../analyzer/app/smtp/script.js";
import { serverCertificateOf, sslInfoOf } from "../../analyzer/app/ssl/log.js";
import { type Connection, TcpState } from "../../event/records.js";
import { connsInZeekOrder } from "../../files/conns-order.js";
import type { FaFile } from "../../files/file.js";
import { x509InfoOf } from "../../files/x509/x509.js";
import type { AnalyzerScriptHost } from "../host.js";
import type { PolicyScript } from "../policy-scripts.js";
import { type Intel, intelOf } from "./framework.js";
import { INTEL_SMTP_URL_EXTRACTION } from "./smtp-url-extraction.js";
import { canonicalAddr } from "./store.js";
import type { IntelType } from "./types.js";

const SEEN = "policy/frameworks/intel/seen";

/** A seen script: `watch` registers its handlers against the run's framework. */
function seenScript(name: string, what: string, watch: (host: AnalyzerScriptHost, intel: Intel) => void): PolicyScript {
  return { script: `${SEEN}/${name}`, what, load: (host, context) => watch(host, intelOf(host, context)) };
}

/** Intel::seen of an indicator seen on a connection (when its type's seen handlers are on). */
function onConn(intel: Intel, c: Connection, indicator: string, type: IntelType, where: string): void {
  if (intel.seenGroupEnabled(type)) intel.seen({ indicator, indicator_type: type, conn: c, where });
}

/** Intel::seen of an indicator seen in a file (when its type's seen handlers are on). */
function inFile(intel: Intel, f: FaFile, indicator: string, type: IntelType, where: string): void {
  if (intel.seenGroupEnabled(type)) intel.seen({ indicator, indicator_type: type, f, where });
}

/** Intel::seen of an address seen on a connection, in the Intel::ADDR group (conn-established's have no group: `always`). */
function addrOnConn(intel: Intel, c: Connection, addr: string, where: string, always = false): void {
  if (always || intel.seenGroupEnabled("Intel::ADDR")) intel.seen({ host: addr, conn: c, where });
}

/** is_valid_ip: the whole text is an IPv4 or IPv6 address. */
function isValidIp(text: string): boolean {
  return canonicalAddr(text) !== null;
}

const CONN_ESTABLISHED = seenScript("conn-established", "intel: both addresses of established TCP connections", (host, intel) => {
  host.on("connection_established", (c) => {
    if (c.orig.state !== TcpState.ESTABLISHED || c.resp.state !== TcpState.ESTABLISHED) return;
    addrOnConn(intel, c, c.id.orig_h, "Conn::IN_ORIG", true);
    addrOnConn(intel, c, c.id.resp_h, "Conn::IN_RESP", true);
  });
});

const DNS = seenScript("dns", "intel: DNS query names", (host, intel) => {
  host.on("dns_request", (c, _msg, query) => onConn(intel, c, query, "Intel::DOMAIN", "DNS::IN_REQUEST"));
});

/** The client's Host, X-Forwarded-For, Referer and User-Agent headers, as Zeek's four http_header handlers check them. */
function httpHeader(intel: Intel, c: Connection, name: string, value: string): void {
  if (name === "HOST") {
    // The occasional port goes first.
    const h = value.replace(/:[0-9]+$/, "");
    if (isValidIp(h)) addrOnConn(intel, c, h, "HTTP::IN_HOST_HEADER");
    else onConn(intel, c, h, "Intel::DOMAIN", "HTTP::IN_HOST_HEADER");
  } else if (name === "X-FORWARDED-FOR") {
    // Zeek's check: the whole value must be one address before its addresses are extracted.
    if (!isValidIp(value)) return;
    for (const a of extractIpAddresses(value)) addrOnConn(intel, c, a, "HTTP::IN_X_FORWARDED_FOR_HEADER");
  } else if (name === "REFERER") {
    onConn(intel, c, value.replace(/^.*:\/\//s, ""), "Intel::URL", "HTTP::IN_REFERRER_HEADER");
  } else if (name === "USER-AGENT") {
    onConn(intel, c, value, "Intel::SOFTWARE", "HTTP::IN_USER_AGENT_HEADER");
  }
}

const HTTP_HEADERS = seenScript("http-headers", "intel: HTTP Host, X-Forwarded-For, Referer and User-Agent", (host, intel) => {
  host.on("http_header", (c, isOrig, _original, name, value) => {
    if (isOrig) httpHeader(intel, c, name, value);
  });
});

const HTTP_URL = seenScript("http-url", "intel: HTTP request URLs", (host, intel) => {
  host.on("http_message_done", (c, isOrig) => {
    const info = isOrig ? httpInfoOf(c) : undefined;
    if (info !== undefined) onConn(intel, c, buildUrl(info), "Intel::URL", "HTTP::IN_URL");
  });
});

const SSL = seenScript("ssl", "intel: TLS server names and server certificates' common names", (host, intel) => {
  host.on("ssl_extension_server_name", (c, isClient) => {
    const name = isClient ? sslInfoOf(host, c)?.serverName : undefined;
    if (name !== undefined) onConn(intel, c, name, "Intel::DOMAIN", "SSL::IN_SERVER_NAME");
  });
  host.on("ssl_established", (c) => {
    const cert = serverCertificateOf(host, c);
    const cn = cert?.x509.certificate.cn;
    // The file's uid only, not the file: intel.log gets no MIME type or description for it (as Zeek's).
    if (cert !== undefined && cn !== undefined && intel.seenGroupEnabled("Intel::DOMAIN"))
      intel.seen({ indicator: cn, indicator_type: "Intel::DOMAIN", fuid: cert.file.id, conn: c, where: "X509::IN_CERT" });
  });
});

/** The email address of a certificate subject's emailAddress attribute (to the next comma). */
function subjectEmail(subject: string): string | undefined {
  if (!subject.includes("emailAddress=")) return undefined;
  return subject.replace(/^.*emailAddress=/s, "").replace(/,.*$/s, "");
}

const X509 = seenScript("x509", "intel: certificates' DNS names, email addresses and SHA-1 hashes", (host, intel) => {
  host.on("x509_ext_subject_alternative_name", (f, ext) => {
    if (!host.settings["Intel::enable_x509_ext_subject_alternative_name"]) return;
    for (const name of ext.dns ?? []) inFile(intel, f, name, "Intel::DOMAIN", "X509::IN_CERT");
  });
  host.on("x509_certificate", (f, _ref, cert) => {
    const email = subjectEmail(cert.subject);
    if (email !== undefined) inFile(intel, f, email, "Intel::EMAIL", "X509::IN_CERT");
  });
  // The SHA-1 comes from whichever of the two events comes second.
  host.on("x509_certificate", (f) => {
    if (f.info?.sha1 !== undefined) inFile(intel, f, f.info.sha1, "Intel::CERT_HASH", "X509::IN_CERT");
  });
  host.on("file_hash", (f, kind, hash) => {
    if (f.info !== undefined && x509InfoOf(f) !== undefined && kind === "sha1") inFile(intel, f, hash, "Intel::CERT_HASH", "X509::IN_CERT");
  });
});

/** seen/smtp.zeek's three mime_end_entity handlers, in their order: addresses, the user agent, email addresses. */
function smtpEntity(host: AnalyzerScriptHost, intel: Intel, c: Connection): void {
  const info = smtpInfoOf(c);
  if (info === undefined) return;
  for (const a of info.path) addrOnConn(intel, c, a, "SMTP::IN_RECEIVED_HEADER");
  if (info.x_originating_ip !== undefined) addrOnConn(intel, c, info.x_originating_ip, "SMTP::IN_X_ORIGINATING_IP_HEADER");
  if (info.user_agent !== undefined) onConn(intel, c, info.user_agent, "Intel::SOFTWARE", "SMTP::IN_HEADER");
  const email = (indicator: string, where: string) => onConn(intel, c, indicator, "Intel::EMAIL", where);
  if (info.mailfrom !== undefined) email(info.mailfrom, "SMTP::IN_MAIL_FROM");
  for (const a of info.rcptto?.keys() ?? []) email(a, "SMTP::IN_RCPT_TO");
  if (info.from !== undefined) for (const a of extractEmailAddrsSet(info.from, host.tableHash.string)) email(a, "SMTP::IN_FROM");
  // extract_first_email_addr of each To entry ("" when it has none, which is still seen).
  for (const to of info.to?.keys() ?? []) email(extractEmailAddrs(to)[0] ?? "", "SMTP::IN_TO");
  for (const a of info.cc?.keys() ?? []) email(a, "SMTP::IN_CC");
  if (info.reply_to !== undefined) email(info.reply_to, "SMTP::IN_REPLY_TO");
}

const SMTP = seenScript("smtp", "intel: mail addresses, Received paths and user agents", (host, intel) => {
  host.on("mime_end_entity", (c) => smtpEntity(host, intel, c));
});

const FILE_HASHES = seenScript("file-hashes", "intel: file hashes", (host, intel) => {
  host.on("file_hash", (f, _kind, hash) => inFile(intel, f, hash, "Intel::FILE_HASH", "Files::IN_HASH"));
});

const FILE_NAMES = seenScript("file-names", "intel: file names", (host, intel) => {
  // A file with connections is checked on file_over_new_connection, where its name is more likely known.
  host.on("file_new", (f) => {
    if (f.conns.size === 0 && f.info?.filename !== undefined) inFile(intel, f, f.info.filename, "Intel::FILE_NAME", "Files::IN_NAME");
  });
  host.on(
    "file_over_new_connection",
    (f) => {
      // SMB's names are smb-filenames' (the name of the file the command is about).
      if (f.source !== "SMB" && f.info?.filename !== undefined) inFile(intel, f, f.info.filename, "Intel::FILE_NAME", "Files::IN_NAME");
    },
    { priority: -5 },
  );
});

const PUBKEY_HASHES = seenScript("pubkey-hashes", "intel: SSH server host key fingerprints", (host, intel) => {
  host.on("ssh_server_host_key", (c, hash) => onConn(intel, c, hash, "Intel::PUBKEY_HASH", "SSH::IN_SERVER_HOST_KEY"));
});

const SMB_FILENAMES = seenScript("smb-filenames", "intel: SMB file names", (host, intel) => {
  host.on("file_new", (f) => {
    if (f.source !== "SMB") return;
    for (const c of connsInZeekOrder(f, host.tableHash)) {
      const name = smbCurrentFileName(host.settings, c);
      // The last part of the path.
      if (name !== undefined) inFile(intel, f, name.split("\\").at(-1)!, "Intel::FILE_NAME", "SMB::IN_FILE_NAME");
    }
  });
});

/** seen/__load__ and where-locations: nothing of their own (what they load is loaded with them). */
const NOTHING = () => undefined;

const MANAGE_EVENT_GROUPS: PolicyScript = {
  script: `${SEEN}/manage-event-groups`,
  what: "intel: seen checks of a type only while the store has an indicator of it",
  load(host, context) {
    intelOf(host, context).manageSeenGroups = host.settings["Intel::manage_seen_event_groups"];
  },
};

export const INTEL_SEEN_SCRIPTS: readonly PolicyScript[] = [
  { script: SEEN, what: "intel: the seen scripts", load: NOTHING },
  { script: `${SEEN}/where-locations`, what: "intel: the where locations", load: NOTHING },
  CONN_ESTABLISHED,
  DNS,
  FILE_HASHES,
  FILE_NAMES,
  HTTP_HEADERS,
  HTTP_URL,
  PUBKEY_HASHES,
  SSL,
  SMB_FILENAMES,
  SMTP,
  INTEL_SMTP_URL_EXTRACTION,
  X509,
  MANAGE_EVENT_GROUPS,
];
