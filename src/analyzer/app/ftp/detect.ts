/**
 * Zeek's policy/protocols/ftp/detect: a 2xx reply to a SITE command whose
 * argument holds "exec" (any case) raises FTP::Site_Exec_Success, once per
 * client and server within the suppression interval.
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { ftpReplyCommand } from "./script.js";

export const FTP_DETECT: PolicyScript = {
  script: "policy/protocols/ftp/detect",
  what: "FTP::Site_Exec_Success notices",
  load(host, { notices }) {
    host.on(
      "ftp_reply",
      (c, code) => {
        const ca = ftpReplyCommand(c);
        if (Math.trunc(code / 100) !== 2 || ca?.cmd !== "SITE" || !/exec/i.test(ca.arg)) return;
        notices.notice({
          note: "FTP::Site_Exec_Success",
          conn: c,
          msg: `FTP command: ${ca.cmd} ${ca.arg}`,
          identifier: `${c.id.orig_h}${c.id.resp_h}SITE EXEC`,
        });
      },
      { priority: 3 },
    );
  },
};
