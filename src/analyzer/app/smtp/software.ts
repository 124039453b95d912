/**
 * Zeek's policy/protocols/smtp/software: the mail client a message's
 * User-Agent names goes to the software framework when the smtp.log row is
 * written (SMTP::MAIL_CLIENT, the host the message came from: the last
 * address of its path), for messages whose connection comes from a host
 * SMTP::detect_clients_in_messages_from selects. A user agent of a webmail
 * system marks the row is_webmail (a new smtp.log column) and makes the
 * software SMTP::WEBMAIL_SERVER, of the path's next-to-last address when the
 * first Received header says the mail came in over HTTP.
 */
import { fields } from "../../../log/schema.js";
import { addrMatchesHost, localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { softwareFramework } from "../../../scripts/software/framework.js";
import { type SmtpInfo, smtpInfoOf } from "./script.js";

/** SMTP::webmail_user_agents. */
const WEBMAIL_USER_AGENTS = /^iPlanet Messenger|^Sun Java\(tm\) System Messenger Express|\(IMP\)|^SquirrelMail|^NeoMail|ZimbraWebClient/;

/** The messages found to come from webmail (Zeek's redef'd SMTP::Info$is_webmail). */
const webmail = new WeakSet<SmtpInfo>();

/** What each run's smtp.log rows go on to (set up by `load`). */
const onLogged = new WeakMap<AnalyzerScriptHost, (info: SmtpInfo) => void>();

export const SMTP_SOFTWARE: RecordExtension<SmtpInfo> = {
  script: "policy/protocols/smtp/software",
  fields: fields(["is_webmail", "bool"]),
  values: (info) => [webmail.has(info)],
  logged: (host, info) => onLogged.get(host)?.(info),
  load(host, logs) {
    host.on(
      "mime_one_header",
      (c, h) => {
        const info = smtpInfoOf(c);
        if (info?.user_agent === undefined) return;
        if (h.name === "USER-AGENT" && WEBMAIL_USER_AGENTS.test(info.user_agent)) webmail.add(info);
      },
      { priority: 4 },
    );
    const software = softwareFramework(host, logs);
    const localNets = localNetsOf(host.settings);
    onLogged.set(host, (info) => {
      if (info.user_agent === undefined || info.path.length === 0) return;
      const isWebmail = webmail.has(info);
      // Mail written in a browser: the webmail server passed it on, the address before the last.
      const viaHttp = isWebmail && info.first_received?.includes("via HTTP") === true;
      const client = info.path[info.path.length - (viaHttp ? 2 : 1)];
      if (client === undefined || !addrMatchesHost(info.c.id.orig_h, host.settings["SMTP::detect_clients_in_messages_from"], localNets)) return;
      software.found(info.c.id, { unparsed_version: info.user_agent, host: client, software_type: isWebmail ? "SMTP::WEBMAIL_SERVER" : "SMTP::MAIL_CLIENT" });
    });
  },
};
