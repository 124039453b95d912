/**
 * Zeek's policy/protocols/smtp/blocklists: an SMTP error reply (4xx or 5xx,
 * not 421) that mentions a spam block list raises
 * SMTP::Blocklist_Error_Message, or SMTP::Blocklist_Blocked_Host when the
 * first address in the reply is the client's own (a local host sending
 * spam). One notice per client address within the suppression interval
 * (its identifier is the address). The block lists are those of Zeek's
 * `SMTP::blocklist_error_messages` (not a setting here).
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { addrText, extractIpAddresses } from "./script.js";

/** SMTP::blocklist_error_messages: the block lists' addresses as their error messages give them. */
const BLOCKLIST_ERROR_MESSAGES =
  /spamhaus\.org\/|sophos\.com\/security\/|spamcop\.net\/bl|cbl\.abuseat\.org\/|sorbs\.net\/|bsn\.borderware\.com\/|mail-abuse\.com\/|b\.barracudacentral\.com\/|psbl\.surriel\.com\/|antispam\.imp\.ch\/|dyndns\.com\/.*spam|rbl\.knology\.net\/|intercept\.datapacket\.net\/|uceprotect\.net\/|hostkarma\.junkemailfilter\.com\//s;

export const SMTP_BLOCKLISTS: PolicyScript = {
  script: "policy/protocols/smtp/blocklists",
  what: "SMTP::Blocklist_Error_Message and SMTP::Blocklist_Blocked_Host notices",
  load(host, { notices }) {
    host.on(
      "smtp_reply",
      (c, _isOrig, code, _cmd, msg) => {
        if (code < 400 || code === 421 || !BLOCKLIST_ERROR_MESSAGES.test(msg)) return;
        const client = c.id.orig_h;
        const ips = extractIpAddresses(msg);
        const listed = ips.length > 0 && addrText(ips[0]!) === client;
        notices.notice({
          note: listed ? "SMTP::Blocklist_Blocked_Host" : "SMTP::Blocklist_Error_Message",
          conn: c,
          msg: listed ? `${client} is on an SMTP block list` : `${client} received an error message mentioning an SMTP block list`,
          sub: msg,
          identifier: client,
        });
      },
      { priority: 3 },
    );
  },
};
