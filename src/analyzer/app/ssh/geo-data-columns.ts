/**
 * policy/protocols/ssh/geo-data's ssh.log columns: remote_location, the
 * place of the connection's remote host (geo-data.ts looks it up). Apart
 * from its handlers so that ssh.log's script can list it without importing
 * them (they import ssh.log's script).
 */
import { geoLocationFields, geoLocationValues } from "../../../geoip/log-columns.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import type { SshInfo } from "./main.js";

export const SSH_GEO_DATA_SCRIPT = "policy/protocols/ssh/geo-data";

export const SSH_GEO_DATA_COLUMNS: RecordExtension<SshInfo> = {
  script: SSH_GEO_DATA_SCRIPT,
  fields: geoLocationFields("remote_location"),
  values: (info) => geoLocationValues(info.remote_location),
};
