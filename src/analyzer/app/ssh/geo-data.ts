/**
 * Zeek's policy/protocols/ssh/geo-data: at each authentication attempt
 * (ssh_auth_attempted, priority 3: after main.zeek counted it, before a
 * success writes the row) the remote host's location goes into ssh.log's
 * remote_location: the responder's for an OUTBOUND connection, the
 * originator's for an INBOUND one, nothing when the direction is unknown
 * (both hosts local, or both remote). A successful login (ssh_auth_successful,
 * which follows its attempt) with a location in SSH::watched_countries is an
 * SSH::Watched_Country_Login notice.
 */
import type { Connection } from "../../../event/records.js";
import { geoIp } from "../../../geoip/geoip.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { SSH_GEO_DATA_SCRIPT } from "./geo-data-columns.js";
import { type SshInfo, sshInfoOf } from "./main.js";

/** The remote host of a connection with a direction. */
function remoteHost(c: Connection, info: SshInfo): string {
  return info.direction === "OUTBOUND" ? c.id.resp_h : c.id.orig_h;
}

export const SSH_GEO_DATA: PolicyScript = {
  script: SSH_GEO_DATA_SCRIPT,
  what: "ssh.log's remote_location (GeoIP, mmdb_dir) and the SSH::Watched_Country_Login notice",
  load(host, { notices, reporter }) {
    const geo = geoIp(host, reporter);
    host.on(
      "ssh_auth_attempted",
      (c) => {
        const info = sshInfoOf(host, c);
        if (info?.direction === undefined) return;
        info.remote_location = geo.lookupLocation(remoteHost(c, info));
      },
      { priority: 3 },
    );
    host.on(
      "ssh_auth_successful",
      (c) => {
        const info = sshInfoOf(host, c);
        const country = info?.remote_location?.country_code;
        if (info?.direction === undefined || country === undefined || !host.settings["SSH::watched_countries"].has(country)) return;
        const way = info.direction === "OUTBOUND" ? "to" : "from";
        notices.notice({ note: "SSH::Watched_Country_Login", conn: c, msg: `SSH login ${way} watched country: ${country}` });
      },
      { priority: 3 },
    );
  },
};
