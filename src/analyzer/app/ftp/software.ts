/**
 * Zeek's policy/protocols/ftp/software: the client software an FTP client
 * names with CLNT, to the software framework (FTP::CLIENT).
 */
import { detectionScript } from "../../../scripts/software/framework.js";

export const FTP_SOFTWARE_SCRIPT = detectionScript("policy/protocols/ftp/software", "FTP clients (CLNT) in software.log", (host, found) => {
  host.on(
    "ftp_request",
    (c, command, arg) => {
      if (command === "CLNT") found(c.id, { unparsed_version: arg, host: c.id.orig_h, software_type: "FTP::CLIENT" });
    },
    { priority: 4 },
  );
});
