/**
 * Zeek's policy/protocols/ssl/expiring-certs: when an SSL session is
 * established, the server's certificate (the chain's first) is checked
 * against network time: not valid yet, expired, or expiring within
 * SSL::notify_when_cert_expiring_in (30 days) is a notice, once a day per
 * server and certificate, for the servers SSL::notify_certs_expiration
 * selects.
 */
import { addrMatchesHost, localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { serverCertificateOf } from "./log.js";

const DAY = 86400;

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** Zeek's fmt("%T", t): local time to the minute, then the seconds with nine decimals ("2014-03-04-23:59:59.000000000"). */
export function zeekTimestamp(t: number): string {
  const d = new Date(Math.trunc(t) * 1000);
  const minute = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const seconds = (Math.trunc(t) % 60) + (t - Math.trunc(t));
  return `${minute}:${seconds.toFixed(9).padStart(12, "0")}`;
}

export const EXPIRING_CERTS_SCRIPT: PolicyScript = {
  script: "policy/protocols/ssl/expiring-certs",
  what: "notices of expired, expiring and not yet valid server certificates",
  load(host, { notices }) {
    const localNets = localNetsOf(host.settings);
    host.on(
      "ssl_established",
      (c) => {
        const server = serverCertificateOf(host, c);
        const sha1 = server?.sha1;
        if (server === undefined || sha1 === undefined || !addrMatchesHost(c.id.resp_h, host.settings["SSL::notify_certs_expiration"], localNets)) return;
        const cert = server.x509.certificate;
        const now = host.clock.now;
        const notice = (note: string, msg: string): void => {
          notices.notice({ note, msg, conn: c, suppressFor: DAY, identifier: `${c.id.resp_h}${c.id.resp_p}/${c.id.transport}${sha1}`, fuid: server.file.id });
        };
        if (cert.not_valid_before > now)
          notice("SSL::Certificate_Not_Valid_Yet", `Certificate ${cert.subject} isn't valid until ${zeekTimestamp(cert.not_valid_before)}`);
        else if (cert.not_valid_after < now)
          notice("SSL::Certificate_Expired", `Certificate ${cert.subject} expired at ${zeekTimestamp(cert.not_valid_after)}`);
        else if (cert.not_valid_after - host.settings["SSL::notify_when_cert_expiring_in"] < now) {
          notice("SSL::Certificate_Expires_Soon", `Certificate ${cert.subject} is going to expire at ${zeekTimestamp(cert.not_valid_after)}`);
        }
      },
      { priority: 3 },
    );
  },
};
