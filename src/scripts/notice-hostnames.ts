/**
 * Zeek's policy/frameworks/notice/extend-email/hostnames: a notice that is
 * mailed (it has an email destination) and has src or dst gets the names
 * of those addresses in its mail, "orig/src hostname: NAME" and
 * "resp/dst hostname: NAME" under "Email Extensions", each in the order its
 * reverse lookup answered. The mail waits for the answers through the delay
 * tokens "hostnames-src" and "hostnames-dst" (at most
 * Notice::max_email_delay). Its Notice::notice handler runs at -1: after the
 * destinations are set (0), before the framework mails (-5).
 */
import { dnsLookups } from "./dns-lookups.js";
import { addEmailSection, delayEmail, type NoticeInfo, releaseEmail } from "./notice.js";
import type { PolicyScript } from "./policy-scripts.js";

export const NOTICE_HOSTNAMES_SCRIPT = "policy/frameworks/notice/extend-email/hostnames";

const HOSTNAMES_PRIORITY = -1;

/** Looks `addr` up and adds its line to the mail, holding the mail back until then. */
function addHostname(n: NoticeInfo, lookup: (addr: string, body: (name: string) => void) => void, addr: string, token: string, label: string): void {
  delayEmail(n, token);
  lookup(addr, (name) => {
    addEmailSection(n, `${label} hostname: ${name}\n`);
    releaseEmail(n, token);
  });
}

export const NOTICE_HOSTNAMES: PolicyScript = {
  script: NOTICE_HOSTNAMES_SCRIPT,
  what: "the host names of a mailed notice's src and dst in its mail (reverse lookups, with delay tokens)",
  load(host, { notices }) {
    // The lookups are taken when needed: a test may give the host its own resolver after loading.
    const lookup = (addr: string, body: (name: string) => void) => dnsLookups(host).whenAddr(addr, body);
    notices.onNotice((n) => {
      if (n.src === undefined && n.dst === undefined) return;
      // Only notices that are being mailed.
      if (n.emailDest === undefined || n.emailDest.size === 0) return;
      if (n.src !== undefined) addHostname(n, lookup, n.src, "hostnames-src", "orig/src");
      if (n.dst !== undefined) addHostname(n, lookup, n.dst, "hostnames-dst", "resp/dst");
    }, HOSTNAMES_PRIORITY);
  },
};
