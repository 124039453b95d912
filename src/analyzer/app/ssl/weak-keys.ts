/**
 * Zeek's policy/protocols/ssl/weak-keys, for the servers
 * SSL::notify_weak_keys selects: notices (once a day each) of an RSA or DSA
 * server certificate key shorter than SSL::notify_minimal_key_length, of a
 * DH prime that short or shorter than the certificate's key, of a protocol
 * version below TLS 1.0 and of an export or RC4 cipher suite.
 */

import type { Connection } from "../../../event/records.js";
import type { X509CertRecord } from "../../../files/x509/cert.js";
import { addrMatchesHost, localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { versionString } from "./consts.js";
import { serverCertificateOf, sslInfoOf } from "./log.js";

const DAY = 86400;
/** SSL::tls_minimum_version: TLS 1.0. */
const TLS_MINIMUM_VERSION = 0x0301;
/** SSL::unsafe_ciphers_regex. */
const UNSAFE_CIPHERS = /(_EXPORT_)|(_RC4_)/;

export const WEAK_KEYS_SCRIPT: PolicyScript = {
  script: "policy/protocols/ssl/weak-keys",
  what: "notices of weak keys, old versions and unsafe ciphers of SSL servers",
  load(host, { notices }) {
    const localNets = localNetsOf(host.settings);
    const watched = (c: Connection): boolean => addrMatchesHost(c.id.resp_h, host.settings["SSL::notify_weak_keys"], localNets);
    const server = (c: Connection): string => `${c.id.resp_h}${c.id.resp_p}/${c.id.transport}`;
    /** The server certificate's key, when it is RSA or DSA (other kinds are not judged by length). */
    const rsaOrDsa = (c: Connection): { cert: X509CertRecord; fingerprint: string } | undefined => {
      const x = serverCertificateOf(host, c)?.x509;
      if (x === undefined || (x.certificate.key_type !== "rsa" && x.certificate.key_type !== "dsa")) return undefined;
      return { cert: x.certificate, fingerprint: x.fingerprint };
    };
    const minimum = (): number => host.settings["SSL::notify_minimal_key_length"];

    host.on(
      "ssl_established",
      (c) => {
        const key = watched(c) ? rsaOrDsa(c) : undefined;
        const bits = key?.cert.key_length;
        if (key === undefined || bits === undefined || bits >= minimum()) return;
        notices.notice({
          note: "SSL::Weak_Key",
          msg: `Host uses weak certificate with ${bits} bit key`,
          conn: c,
          suppressFor: DAY,
          identifier: `${server(c)}${key.fingerprint}${bits}`,
          sub: `Subject: ${key.cert.subject}`,
          fileDesc: `Fingerprint: ${key.fingerprint}`,
        });
      },
      { priority: 3 },
    );

    host.on(
      "ssl_server_hello",
      (c, version) => {
        if (!watched(c)) return;
        if (version < TLS_MINIMUM_VERSION) {
          const msg = `Host uses protocol version ${versionString(version)} which is lower than the safe minimum ${versionString(TLS_MINIMUM_VERSION)}`;
          notices.notice({ note: "SSL::Old_Version", msg, conn: c, suppressFor: DAY, identifier: server(c) });
        }
        const cipher = sslInfoOf(host, c)?.cipher ?? "";
        if (UNSAFE_CIPHERS.test(cipher)) {
          const msg = `Host established connection using unsafe cipher suite ${cipher}`;
          notices.notice({ note: "SSL::Weak_Cipher", msg, conn: c, suppressFor: DAY, identifier: `${server(c)}${cipher}` });
        }
      },
      { priority: 3 },
    );

    host.on(
      "ssl_dh_server_params",
      (c, p) => {
        if (!watched(c)) return;
        const bits = p.length * 8;
        if (bits < minimum()) {
          const msg = `Host uses weak DH parameters with ${bits} key bits`;
          notices.notice({ note: "SSL::Weak_Key", msg, conn: c, suppressFor: DAY, identifier: `${server(c)}${bits}` });
        }
        const certBits = host.settings["SSL::notify_dh_length_shorter_cert_length"] ? rsaOrDsa(c)?.cert.key_length : undefined;
        if (certBits !== undefined && certBits > bits) {
          const msg = `DH key length of ${bits} bits is smaller certificate key length of ${certBits} bits`;
          notices.notice({ note: "SSL::Weak_Key", msg, conn: c, suppressFor: DAY, identifier: server(c) });
        }
      },
      { priority: 3 },
    );
  },
};
