/**
 * Zeek's policy/protocols/ssl/validate-ocsp: the OCSP response a server
 * staples to its handshake (CertificateStatus) is verified when the session
 * is established, against the server's chain and the root store at network
 * time (src/files/x509/ocsp-verify.ts); ssl.log gets ocsp_status ("good",
 * or what failed) and anything but "good" is an SSL::Invalid_Ocsp_Response
 * notice. Responses fetched over HTTP are not checked: nothing ties them to
 * a certificate.
 *
 * Zeek keeps recent results for five minutes under the response's hash and
 * the chain's file ids; those ids are new on every connection, so the cache
 * only answers a second ssl_established of one connection, and bronze
 * verifies again instead.
 */

import { verifyOcsp } from "../../../files/x509/ocsp-verify.js";
import { rootStore } from "../../../files/x509/root-store.js";
import type { RootStore } from "../../../files/x509/verify.js";
import { x509InfoOf } from "../../../files/x509/x509.js";
import { fields } from "../../../log/schema.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SslInfo, sslInfoOf, sslSession } from "./log.js";
import { certOf, serverChain } from "./validate-certs.js";

const SCRIPT = "policy/protocols/ssl/validate-ocsp";

/** c$ssl$ocsp_response: the stapled response's bytes (latin1), the last one sent. */
const responses = new WeakMap<SslInfo, string>();
/** c$ssl$ocsp_status. */
const statuses = new WeakMap<SslInfo, string>();

export const VALIDATE_OCSP_SCRIPT: PolicyScript = {
  script: SCRIPT,
  what: "ssl.log's ocsp_status (stapled OCSP responses verified) and SSL::Invalid_Ocsp_Response notices",
  load(host, { notices }) {
    let roots: RootStore | null = null;
    host.on(
      "ssl_stapled_ocsp",
      (c, _isClient, response) => {
        const s = sslSession(host, c);
        if (s !== undefined) responses.set(s, response);
      },
      { priority: 3 },
    );
    host.on(
      "ssl_established",
      (c) => {
        const s = sslInfoOf(host, c) as SslInfo | undefined;
        const response = s === undefined ? undefined : responses.get(s);
        const files = s?.certChain ?? [];
        const x = files[0] === undefined ? undefined : x509InfoOf(files[0]);
        // As Zeek's handler: a server certificate that parsed, and a response.
        if (s === undefined || response === undefined || x === undefined || certOf(x) === null) return;
        roots ??= rootStore(host.settings["SSL::root_certs_file"]);
        const status = verifyOcsp(serverChain(files), Buffer.from(response, "latin1"), roots, host.clock.now);
        statuses.set(s, status);
        if (status === "good") return;
        notices.notice({
          note: "SSL::Invalid_Ocsp_Response",
          msg: `OCSP response validation failed with (${status})`,
          sub: x.certificate.subject,
          conn: c,
          identifier: `${c.id.resp_h}${c.id.resp_p}/${c.id.transport}${status}`,
        });
      },
      { priority: 3 },
    );
  },
};

/** ssl.log's column. */
export const VALIDATE_OCSP_COLUMN: RecordExtension<SslInfo> = {
  script: SCRIPT,
  fields: fields(["ocsp_status", "string"]),
  values: (s) => [statuses.get(s)],
};
