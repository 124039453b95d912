/**
 * Zeek's policy/protocols/ssl/known-certs: known_certs.log, one row per
 * server address and certificate (its SHA-1) the first time an established
 * SSL session shows it, for the servers Known::cert_tracking selects
 * (Site::local_nets' hosts by default). A pair is forgotten a day after it
 * was first logged (Known::certs' &create_expire), then logged again. This
 * is the script's in-memory variant: its Broker-store and storage-framework
 * variants (Known::use_cert_store, enable_certs_persistence) keep the same
 * set elsewhere.
 */

import type { LogManager } from "../../../log/manager.js";
import { fields, type LogField } from "../../../log/schema.js";
import { addrMatchesHost, localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { serverCertificateOf } from "./log.js";

export const KNOWN_CERTS_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["host", "addr"],
  ["port_num", "port"],
  ["subject", "string"],
  ["issuer_subject", "string"],
  ["serial", "string"],
);

/** Known::certs' &create_expire. */
const KNOWN_CERT_EXPIRY = 86400;

export function loadKnownCerts(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "known_certs", fields: KNOWN_CERTS_FIELDS });
  const localNets = localNetsOf(host.settings);
  /** When each "address hash" pair was added. */
  const known = new Map<string, number>();
  host.on(
    "ssl_established",
    (c) => {
      const cert = serverCertificateOf(host, c);
      // Zeek reports a certificate without its SHA-1 as an error and skips it; the files framework always hashes certificates.
      const sha1 = cert?.sha1;
      if (cert === undefined || sha1 === undefined) return;
      const addr = c.id.resp_h;
      // Read at each connection: a config change (Known::cert_tracking is an option) applies to the next one.
      if (!addrMatchesHost(addr, host.settings["Known::cert_tracking"], localNets)) return;
      const key = `${addr} ${sha1}`;
      const now = host.clock.now;
      const added = known.get(key);
      if (added !== undefined && now - added < KNOWN_CERT_EXPIRY) return;
      known.set(key, now);
      const x = cert.x509.certificate;
      log.write([now, addr, c.id.resp_p, x.subject, x.issuer, x.serial]);
    },
    { priority: 3 },
  );
}

export const KNOWN_CERTS_SCRIPT: PolicyScript = {
  script: "policy/protocols/ssl/known-certs",
  what: "known_certs.log",
  load: (host, { logs }) => loadKnownCerts(host, logs),
};
