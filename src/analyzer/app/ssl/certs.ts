/**
 * Hands a handshake's certificates to the files framework, as Zeek's
 * proc_certificate does: one file per certificate, named by the handle
 * "Analyzer::ANALYZER_SSL" + connection start time + T/F (sent by the client)
 * + "orig_h:orig_p > resp_h:resp_p" + its index in the chain (the same for
 * DTLS), with the MIME type given: the first is the sender's own certificate
 * (application/x-x509-user-cert), the others its CAs (application/x-x509-ca-cert).
 * The X509 file analyzer (src/files/x509) parses them. An empty one is the
 * weird zero_length_certificate.
 *
 * A stapled OCSP response (the CertificateStatus message) is a file too, of
 * type application/ocsp-response, whose handle is the server-side base
 * ("F" whoever sent it, as Zeek's) + "ocsp" (`ocspResponseToFile`, which
 * runs `raise` between its data and its end as Zeek raises ssl_stapled_ocsp).
 */
import { zeekTimeText } from "../../../files/manager.js";
import { idString } from "../../../scripts/conn-ids.js";
import type { AnalyzerHost } from "../analyzer.js";

/** The part of a handle every file of this connection shares (Zeek's "common" ODesc). */
function handleBase(host: AnalyzerHost, fromClient: boolean): string {
  const c = host.conn();
  return `Analyzer::ANALYZER_SSL${zeekTimeText(c.start_time)}${fromClient ? "T" : "F"}${idString(c.id)}`;
}

export function certificatesToFiles(host: AnalyzerHost, fromClient: boolean, certs: readonly Uint8Array[]): void {
  if (certs.length === 0) return;
  const common = handleBase(host, fromClient);
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i]!;
    if (cert.length === 0) {
      host.weird("zero_length_certificate");
      continue;
    }
    const fuid = host.files.fuid(`${common}${i}`);
    const mime = i === 0 ? "application/x-x509-user-cert" : "application/x-x509-ca-cert";
    const open = host.files.dataIn(fuid, fromClient, cert, undefined, mime);
    host.files.endOfFile(open === "" ? fuid : open);
  }
}

export function ocspResponseToFile(host: AnalyzerHost, response: Uint8Array, raise: () => void): void {
  const fuid = host.files.fuid(`${handleBase(host, false)}ocsp`);
  const open = host.files.dataIn(fuid, false, response, undefined, "application/ocsp-response");
  raise();
  host.files.endOfFile(open === "" ? fuid : open);
}
