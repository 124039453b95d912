/**
 * Zeek's policy/protocols/http/software: HTTP headers that name software,
 * to the software framework: the client's User-Agent (HTTP::BROWSER), the
 * server's Server (HTTP::SERVER), X-Powered-By and
 * MicrosoftSharePointTeamServices (HTTP::APPSERVER, the latter as
 * "SharePoint/<version>"). User agents matching HTTP::ignored_user_agents
 * (by default a pattern no agent has) are left out.
 */
import { detectionScript } from "../../../scripts/software/framework.js";

/** HTTP::ignored_user_agents' default. */
const IGNORED_USER_AGENTS = /NO_DEFAULT/;

/** The server headers that name software: their software type, and how the value becomes a version string. */
const SERVER_HEADERS: ReadonlyMap<string, readonly [type: string, unparsed: (value: string) => string]> = new Map([
  ["SERVER", ["HTTP::SERVER", (v: string) => v]],
  ["X-POWERED-BY", ["HTTP::APPSERVER", (v: string) => v]],
  ["MICROSOFTSHAREPOINTTEAMSERVICES", ["HTTP::APPSERVER", (v: string) => `SharePoint/${v}`]],
]);

export const HTTP_SOFTWARE_SCRIPT = detectionScript(
  "policy/protocols/http/software",
  "HTTP browsers, servers and application servers in software.log",
  (host, found) => {
    host.on(
      "http_header",
      (c, isOrig, _original, name, value) => {
        if (isOrig) {
          if (name === "USER-AGENT" && !IGNORED_USER_AGENTS.test(value))
            found(c.id, { unparsed_version: value, host: c.id.orig_h, software_type: "HTTP::BROWSER" });
          return;
        }
        const server = SERVER_HEADERS.get(name);
        if (server === undefined) return;
        found(c.id, { unparsed_version: server[1](value), host: c.id.resp_h, host_p: c.id.resp_p, software_type: server[0] });
      },
      { priority: 2 },
    );
  },
);
