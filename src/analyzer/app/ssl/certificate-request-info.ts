/**
 * Zeek's policy/protocols/ssl/certificate-request-info: when a server asks
 * for a client certificate and names the CAs it accepts, ssl.log's
 * requested_client_certificate_authorities lists them (each DER name in
 * RFC 2253 form, "" for one that does not parse). A later request replaces
 * an earlier one's list.
 */
import { distinguishedName } from "../../../files/x509/cert.js";
import { fields } from "../../../log/schema.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SslInfo, sslInfoOf } from "./log.js";

/** Each session's list, kept beside SSL::Info as Zeek's redef'd field. */
const requested = new WeakMap<SslInfo, string[]>();

export const CERTIFICATE_REQUEST_INFO: RecordExtension<SslInfo> = {
  script: "policy/protocols/ssl/certificate-request-info",
  fields: fields(["requested_client_certificate_authorities", "vector[string]"]),
  values: (s) => [requested.get(s)],
  load(host) {
    host.on("ssl_certificate_request", (c, isClient, _types, _algs, authorities) => {
      if (isClient) return;
      // Zeek's handler fails on a connection without c$ssl: nothing is set then.
      const s = sslInfoOf(host, c);
      if (s === undefined) return;
      requested.set(
        s as SslInfo,
        authorities.map((ca) => distinguishedName(Buffer.from(ca, "latin1"))),
      );
    });
  },
};
