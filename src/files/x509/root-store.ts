/**
 * The root certificates chains are verified against (Zeek's SSL::root_certs).
 * Zeek's default is base/protocols/ssl/mozilla-ca-list.zeek, Mozilla's
 * roots as of its release; bronze's default is the same list as Node
 * bundles it (`tls.rootCertificates`, Mozilla's NSS roots of Node's
 * release), so the two can differ by a few roots added or withdrawn.
 * SSL::root_certs_file (a bronze setting) names a PEM bundle to use
 * instead, e.g. the roots an older Zeek run had.
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { chainCert } from "./chain-cert.js";
import { RootStore } from "./verify.js";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** The DER certificates of a PEM text, in order. */
export function pemCertificates(text: string): Uint8Array[] {
  return [...text.matchAll(PEM_BLOCK)].map((m) => Uint8Array.from(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64")));
}

/** A store of the DER certificates in `ders` that parse (one that does not is skipped, as Zeek skips a root d2i_X509 refuses). */
export function storeOfDers(ders: readonly Uint8Array[]): RootStore {
  return new RootStore(ders.map(chainCert).filter((c) => c !== null));
}

/** Stores made so far, by file ("" for Node's bundled roots): every run of a process shares them. */
const stores = new Map<string, RootStore>();

/** The root store of a run: the PEM bundle `file` names, or Node's bundled Mozilla roots when it is "". Throws when the file cannot be read. */
export function rootStore(file: string): RootStore {
  let store = stores.get(file);
  if (store === undefined) {
    store = storeOfDers(file === "" ? rootCertificates.flatMap(pemCertificates) : pemCertificates(readFileSync(file, "latin1")));
    stores.set(file, store);
  }
  return store;
}
