/**
 * Zeek's x509_check_hostname and x509_check_cert_hostname: whether a
 * hostname is a name a certificate was issued for. A SAN, when present, is
 * all that counts (RFC 2818 §3.1); without one, the subject's last CN.
 * Wildcards follow Zeek's reading of RFC 6125 §6.4.3: in the leftmost label
 * only, ending it (`ab*.` matches, `*ab.` does not), spanning one label, and
 * only from the third level down (`*.a.b`, never `*.b`).
 */
import type { X509CertRecord, X509San } from "./cert.js";

/** x509_check_hostname: `hostname` is `certname`, or matches it as a wildcard name. */
export function x509CheckHostname(hostname: string, certname: string): boolean {
  if (hostname === certname) return true;
  const wild = certname.indexOf("*");
  const dot = certname.indexOf(".");
  // The wildcard must end the first label, and the name have three labels at least.
  if (wild < 0 || dot < 0 || wild + 1 !== dot || certname.indexOf(".", dot + 1) < 0) return false;
  const hostDot = hostname.indexOf(".");
  if (hostDot < 0 || hostname.slice(hostDot) !== certname.slice(dot)) return false;
  // What comes before the wildcard must be the host's label's start.
  return hostname.slice(0, wild) === certname.slice(0, wild);
}

/** The names a certificate holds, as parsed: its SAN (if it has one) and its subject's last CN. */
export interface CertNames {
  readonly san?: X509San;
  readonly certificate: Pick<X509CertRecord, "cn">;
}

/**
 * x509_check_cert_hostname: the certificate's name that `hostname` matches
 * (the SAN's first matching DNS name, or the last CN when there is no SAN),
 * possibly a wildcard name; "" when none does.
 */
export function matchedCertName(names: CertNames, hostname: string): string {
  if (names.san !== undefined) return names.san.dns?.find((n) => x509CheckHostname(hostname, n)) ?? "";
  const cn = names.certificate.cn;
  return cn !== undefined && x509CheckHostname(hostname, cn) ? cn : "";
}
