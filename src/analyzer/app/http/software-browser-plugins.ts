/**
 * Zeek's policy/protocols/http/software-browser-plugins: browser plug-ins
 * (HTTP::BROWSER_PLUGIN) of HTTP clients, to the software framework. A
 * request's X-Flash-Version header ("Flash/<version>"), or an
 * X-Requested-With naming Flash, is found when the request ends ("AdobeAIR-"
 * in front inside Adobe AIR, by the request's User-Agent). A request to an
 * Omniture server lists the browser's plug-ins in its URI ("&p=a;b;c;&"):
 * each is found when the http.log row is written (Zeek's log_http).
 */

import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SoftwareFramework, softwareFramework } from "../../../scripts/software/framework.js";
import { splitString } from "../../../scripts/software/zeek-strings.js";
import { type HttpInfo, httpInfoOf } from "./script.js";

/** Each request's Flash version (Zeek's redef'd HTTP::Info$flash_version). */
const flashVersions = new WeakMap<HttpInfo, string>();
/** The requests answered by an Omniture server (HTTP::Info$omniture). */
const omniture = new WeakSet<HttpInfo>();
/** Each run's software framework, for the rows' hook. */
const frameworks = new WeakMap<AnalyzerScriptHost, SoftwareFramework>();

/** The plug-in list of an Omniture URI: what "&p=…;&" holds, split at semicolons. */
function omniturePlugins(uri: string): string[] {
  const match = splitString(uri, /&p=([^&]{5,});&/, true, 1)[1];
  if (match === undefined) return [];
  return splitString(match.slice(3, -2), /[ \t]*;[ \t]*/, false);
}

export const HTTP_BROWSER_PLUGINS: RecordExtension<HttpInfo> = {
  script: "policy/protocols/http/software-browser-plugins",
  fields: [],
  logged(host, info) {
    const software = frameworks.get(host);
    if (software === undefined || !omniture.has(info) || info.uri === undefined) return;
    const id = info.c.id;
    for (const plugin of omniturePlugins(info.uri)) software.found(id, { unparsed_version: plugin, host: id.orig_h, software_type: "HTTP::BROWSER_PLUGIN" });
  },
  load(host, logs) {
    const software = softwareFramework(host, logs);
    frameworks.set(host, software);
    host.on(
      "http_header",
      (c, isOrig, _original, name, value) => {
        const info = httpInfoOf(c);
        if (info === undefined) return;
        if (!isOrig) {
          if (name === "SERVER" && value.startsWith("Omniture")) omniture.add(info);
        } else if (name === "X-FLASH-VERSION") flashVersions.set(info, `Flash/${value}`);
        else if (name === "X-REQUESTED-WITH" && value.includes("Flash")) flashVersions.set(info, value);
      },
      { priority: 3 },
    );
    host.on("http_message_done", (c, isOrig) => {
      const info = isOrig ? httpInfoOf(c) : undefined;
      const flash = info === undefined ? undefined : flashVersions.get(info);
      if (info === undefined || flash === undefined) return;
      // Zeek prefixes the request's field itself: a second message of the same request would be prefixed twice.
      const version = info.user_agent?.includes("AdobeAIR") === true ? `AdobeAIR-${flash}` : flash;
      flashVersions.set(info, version);
      software.found(c.id, { unparsed_version: version, host: c.id.orig_h, software_type: "HTTP::BROWSER_PLUGIN" });
    });
  },
};
