/**
 * Zeek's policy/protocols/mysql/software: the version a MySQL server
 * announces in its greeting, to the software framework (MySQL::SERVER,
 * without the port).
 */
import { detectionScript } from "../../../scripts/software/framework.js";

export const MYSQL_SOFTWARE_SCRIPT = detectionScript("policy/protocols/mysql/software", "MySQL servers in software.log", (host, found) => {
  host.on("mysql_server_version", (c, version) => {
    if (version !== "") found(c.id, { unparsed_version: version, host: c.id.resp_h, software_type: "MySQL::SERVER" });
  });
});
