/**
 * Zeek's policy/protocols/ssh/interesting-hostnames: after a successful SSH
 * login, each host's name is looked up (reverse DNS, lookup_addr in a
 * `when`); a name that looks like a server's of another kind (dns, smtp,
 * mail, pop, imap, www, ftp and a number) is an SSH::Interesting_Hostname_Login
 * notice, once the answer comes. SSH::interesting_hostnames is Zeek's
 * default pattern, not a setting here.
 */
import { localNetsOf } from "../../../scripts/directions-and-hosts.js";
import { dnsLookups } from "../../../scripts/dns-lookups.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";

/** SSH::interesting_hostnames. */
export const INTERESTING_HOSTNAMES = /^d?ns[0-9]*\.|^smtp[0-9]*\.|^mail[0-9]*\.|^pop[0-9]*\.|^imap[0-9]*\.|^www[0-9]*\.|^ftp[0-9]*\./;

export const SSH_INTERESTING_HOSTNAMES: PolicyScript = {
  script: "policy/protocols/ssh/interesting-hostnames",
  what: "SSH::Interesting_Hostname_Login notices (reverse DNS of both hosts after a successful login; ZEEK_DNS_RESOLVER names the server)",
  load(host, { notices }) {
    const lookups = dnsLookups(host);
    const localNets = localNetsOf(host.settings);
    host.on("ssh_auth_successful", (c) => {
      const { id, uid } = c;
      // `for ( host in set(orig_h, resp_h) )`: one lookup when both are the same.
      const hosts = id.orig_h === id.resp_h ? [id.orig_h] : [id.orig_h, id.resp_h];
      for (const h of hosts) {
        lookups.whenAddr(h, (hostname) => {
          if (!INTERESTING_HOSTNAMES.test(hostname)) return;
          const where = localNets.isLocal(h) === true ? "local" : "remote";
          const role = h === id.orig_h ? "client" : "server";
          notices.notice({
            note: "SSH::Interesting_Hostname_Login",
            msg: `Possible SSH login involving a ${where} ${role} with an interesting hostname.`,
            sub: hostname,
            id,
            uid,
          });
        });
      }
    });
  },
};
