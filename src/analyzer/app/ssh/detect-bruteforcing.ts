/**
 * Zeek's policy/protocols/ssh/detect-bruteforcing: a host whose SSH logins
 * failed SSH::password_guesses_limit times within SSH::guessing_timeout
 * raises SSH::Password_Guessing, once per host (the SumStat has no epoch
 * result, so Zeek never resets it), with five sampled servers. Not
 * reproduced: SSH::ignore_guessers (empty by default) and the Intel::seen
 * report of a successful login (bronze has no intel framework).
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";

const STREAM = "ssh.login.failure";

export const SSH_DETECT_BRUTEFORCING: PolicyScript = {
  script: "policy/protocols/ssh/detect-bruteforcing",
  what: "SSH::Password_Guessing notices",
  load(host, { sumstats: statsOf, notices }) {
    const sumstats = statsOf();
    host.on("zeek_init", () => {
      sumstats.create({
        name: "detect-ssh-bruteforcing",
        epoch: host.settings["SSH::guessing_timeout"],
        reducers: [{ stream: STREAM, apply: ["SUM", "SAMPLE"], numSamples: 5 }],
        thresholdVal: (_key, result) => result.get(STREAM)!.sum,
        threshold: host.settings["SSH::password_guesses_limit"],
        thresholdCrossed: (key, result) => {
          const r = result.get(STREAM)!;
          const servers = r.samples.map((s, i) => (s.str === undefined ? "" : `${i === 0 ? "" : ","} ${s.str}`)).join("");
          notices.notice({
            note: "SSH::Password_Guessing",
            msg: `${key.host} appears to be guessing SSH passwords (seen in ${r.num} connections).`,
            sub: `Sampled servers: ${servers}`,
            src: key.host,
            identifier: key.host,
          });
        },
      });
    });
    host.on("ssh_auth_failed", (c) => sumstats.observe(STREAM, { host: c.id.orig_h }, { str: c.id.resp_h }));
  },
};
