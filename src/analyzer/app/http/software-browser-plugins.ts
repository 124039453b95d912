/**
 * Zeek's policy/protocols/http/software-browser-plugins, its Flash part:
 * a request's X-Flash-Version header ("Flash/<version>"), or an
 * X-Requested-With naming Flash, is a browser plug-in (HTTP::BROWSER_PLUGIN)
 * of the client, found when the request ends; inside Adobe AIR (by the
 * request's User-Agent) it is "AdobeAIR-Flash". Not done: the plug-in lists
 * Omniture's analytics requests carry in their URIs.
 */
import { detectionScript } from "../../../scripts/software/framework.js";
import { type HttpInfo, httpInfoOf } from "./script.js";

/** Each request's Flash version (Zeek's redef'd HTTP::Info$flash_version). */
const flashVersions = new WeakMap<HttpInfo, string>();

export const HTTP_BROWSER_PLUGINS_SCRIPT = detectionScript(
  "policy/protocols/http/software-browser-plugins",
  "Flash browser plug-ins in software.log (not Omniture's plug-in lists)",
  (host, found) => {
    host.on(
      "http_header",
      (c, isOrig, _original, name, value) => {
        const info = isOrig ? httpInfoOf(c) : undefined;
        if (info === undefined) return;
        if (name === "X-FLASH-VERSION") flashVersions.set(info, `Flash/${value}`);
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
      found(c.id, { unparsed_version: version, host: c.id.orig_h, software_type: "HTTP::BROWSER_PLUGIN" });
    });
  },
);
