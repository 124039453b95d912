/**
 * Zeek's root certificate lists as PEM, for SSL::root_certs_file: a Zeek
 * script of `["name"] = "\x30\x82…"` entries (scripts/base/protocols/ssl/
 * mozilla-ca-list.zeek, testing/scripts/external-ca-list.zeek) read from
 * Zeek's source, so that bronze verifies against the very roots a btest's
 * Zeek run had.
 *
 *   node dist/test/helpers/zeek-root-certs.js FILE.zeek… > roots.pem   (paths inside $BRONZE_ZEEK_SOURCE)
 */
import { zeekStringBytes } from "../../src/files/x509/ct-logs.js";
import { zeekSource } from "../signatures/btest-harness.js";

/** Zeek's default root list and the btests' extra one. */
export const MOZILLA_CA_LIST = "scripts/base/protocols/ssl/mozilla-ca-list.zeek";
export const EXTERNAL_CA_LIST = "testing/scripts/external-ca-list.zeek";

/** The DER certificates of a Zeek root list's text, in order. */
export function zeekRootCertificates(text: string): Buffer[] {
  return [...text.matchAll(/\]\s*=\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => Buffer.from(zeekStringBytes(m[1]!)));
}

/** DER certificates as one PEM bundle. */
export function pemBundle(ders: readonly Uint8Array[]): string {
  return ders
    .map((d) => {
      const b64 = Buffer.from(d).toString("base64").replace(/.{64}/g, "$&\n");
      return `-----BEGIN CERTIFICATE-----\n${b64.endsWith("\n") ? b64 : `${b64}\n`}-----END CERTIFICATE-----\n`;
    })
    .join("");
}

/** The PEM of Zeek's lists `paths` (inside Zeek's source), or null when the source is not at hand. */
export function zeekRootsPem(paths: readonly string[]): string | null {
  const zeek = zeekSource();
  if (zeek === null) return null;
  return pemBundle(paths.flatMap((p) => zeekRootCertificates(zeek.read(p))));
}

if (process.argv[1]?.endsWith("zeek-root-certs.js")) {
  const pem = zeekRootsPem(process.argv.slice(2));
  if (pem === null) {
    process.stderr.write("Zeek's source not found: set BRONZE_ZEEK_SOURCE\n");
    process.exit(1);
  }
  process.stdout.write(pem);
}
