/**
 * Zeek's policy/protocols/ftp/detect-bruteforcing: a host whose FTP logins
 * (USER or PASS answered with a 5xx reply) failed FTP::bruteforce_threshold
 * times raises FTP::Bruteforcing, with how many servers and over how long.
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { ftpReplyCommand } from "./script.js";

const STREAM = "ftp.failed_auth";

/** Zeek's duration_to_mins_secs: whole seconds as "XmYs". */
function minsSecs(seconds: number): string {
  const s = Math.trunc(seconds);
  return `${Math.trunc(s / 60)}m${s % 60}s`;
}

export const FTP_DETECT_BRUTEFORCING: PolicyScript = {
  script: "policy/protocols/ftp/detect-bruteforcing",
  what: "FTP::Bruteforcing notices",
  load(host, { sumstats: statsOf, notices }) {
    const sumstats = statsOf();
    host.on("zeek_init", () => {
      const threshold = host.settings["FTP::bruteforce_threshold"];
      sumstats.create({
        name: "ftp-detect-bruteforcing",
        epoch: host.settings["FTP::bruteforce_measurement_interval"],
        // `(threshold + 2) as count`: the double truncated.
        reducers: [{ stream: STREAM, apply: ["UNIQUE"], uniqueMax: Math.trunc(threshold + 2) }],
        thresholdVal: (_key, result) => result.get(STREAM)!.num,
        threshold,
        thresholdCrossed: (key, result) => {
          const r = result.get(STREAM)!;
          const plural = r.unique > 1 ? "s" : "";
          notices.notice({
            note: "FTP::Bruteforcing",
            src: key.host,
            msg: `${key.host} had ${r.num} failed logins on ${r.unique} FTP server${plural} in ${minsSecs(r.end - r.begin)}`,
            identifier: key.host,
          });
        },
      });
    });
    // After the FTP script's own handler (priority 5) has paired the reply with its command.
    host.on("ftp_reply", (c, code) => {
      const cmd = ftpReplyCommand(c)?.cmd;
      if ((cmd === "USER" || cmd === "PASS") && Math.trunc(code / 100) === 5) sumstats.observe(STREAM, { host: c.id.orig_h }, { str: c.id.resp_h });
    });
  },
};
