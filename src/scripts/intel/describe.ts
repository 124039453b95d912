/**
 * Files::describe: a line about a file for intel.log's file_desc, by the
 * protocol that carried it, as each protocol's files.zeek registers its
 * describer (HTTP: the request's URL; SSL and KRB: the server's address and
 * port, for a certificate; SMB: the file's name; SMTP: sender, first
 * recipient and subject). Other sources describe nothing (""), as in Zeek
 * when no describer is registered.
 */
import { buildUrl, httpInfoOf } from "../../analyzer/app/http/script.js";
import { hasKrbInfo } from "../../analyzer/app/krb/log.js";
import { smbCurrentFileName } from "../../analyzer/app/smb/script.js";
import { type SmtpInfo, smtpInfoOf } from "../../analyzer/app/smtp/script.js";
import { sslInfoOf } from "../../analyzer/app/ssl/log.js";
import type { Connection } from "../../event/records.js";
import { connsInZeekOrder } from "../../files/conns-order.js";
import type { FaFile } from "../../files/file.js";
import { x509InfoOf } from "../../files/x509/x509.js";
import type { AnalyzerScriptHost } from "../host.js";

/** The first of the file's connections (in f$conns's order) for which `pick` has something. */
function firstOf(host: AnalyzerScriptHost, f: FaFile, pick: (c: Connection) => string | undefined): string {
  for (const c of connsInZeekOrder(f, host.tableHash)) {
    const found = pick(c);
    if (found !== undefined) return found;
  }
  return "";
}

/** SMTP::describe: "from -> first recipient (plus N others): subject…" when both addresses are known. */
function describeSmtp(rec: Readonly<SmtpInfo>): string {
  if (rec.mailfrom === undefined || rec.rcptto === undefined) return "";
  const rcpts = rec.rcptto.keys();
  const others = rcpts.length > 1 ? ` (plus ${rcpts.length - 1} others)` : "";
  // Only a subject longer than 20 characters is shown, cut to 21 and "...".
  const subject = rec.subject !== undefined && rec.subject.length > 20 ? `: ${rec.subject.slice(0, 21)}...` : "";
  return `${rec.mailfrom} -> ${rcpts[0] ?? ""}${others}${subject}`;
}

/**
 * SSL's and KRB's describer of a certificate: the server's address and port
 * of its first connection with the protocol's record (`c$ssl`, `c$krb`),
 * else the certificate's serial, subject and issuer; "" for another file.
 */
function describeCertificate(host: AnalyzerScriptHost, f: FaFile, hasRecord: (c: Connection) => boolean): string {
  const cert = x509InfoOf(f)?.certificate;
  if (cert === undefined || f.info === undefined) return "";
  const onConn = firstOf(host, f, (c) => (hasRecord(c) ? `${c.id.resp_h}:${c.id.resp_p}/${c.id.transport}` : undefined));
  return onConn !== "" ? onConn : `Serial: ${cert.serial} Subject: ${cert.subject} Issuer: ${cert.issuer}`;
}

export function describeFile(host: AnalyzerScriptHost, f: FaFile): string {
  switch (f.source) {
    case "HTTP":
      return firstOf(host, f, (c) => {
        const info = httpInfoOf(c);
        return info === undefined ? undefined : `http://${buildUrl(info)}`;
      });
    // DTLS registers the same describer, which answers only for "SSL" files: a DTLS certificate gets "".
    case "SSL":
      return describeCertificate(host, f, (c) => sslInfoOf(host, c) !== undefined);
    case "KRB":
    case "KRB_TCP":
      return describeCertificate(host, f, (c) => hasKrbInfo(host, c));
    case "SMB":
      return firstOf(host, f, (c) => smbCurrentFileName(host.settings, c));
    case "SMTP": {
      // Zeek's describer looks at the first connection only.
      const c = connsInZeekOrder(f, host.tableHash)[0];
      const rec = c === undefined ? undefined : smtpInfoOf(c);
      return rec === undefined ? "" : describeSmtp(rec);
    }
    default:
      return "";
  }
}
