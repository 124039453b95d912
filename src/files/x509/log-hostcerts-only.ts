/**
 * Zeek's policy/protocols/ssl/log-hostcerts-only: x509.log keeps only the
 * certificates hosts present as their own (a chain's first, client or
 * server), not the CAs behind them. Its log_policy hook runs at the write,
 * after the relog cache took the certificate in, as in Zeek.
 */
import type { RecordExtension } from "../../scripts/record-extensions.js";
import type { X509Info } from "./x509.js";

export const LOG_HOSTCERTS_ONLY: RecordExtension<X509Info> = {
  script: "policy/protocols/ssl/log-hostcerts-only",
  fields: [],
  keep: (info) => info.host_cert,
};
