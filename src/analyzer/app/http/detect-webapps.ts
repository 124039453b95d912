/**
 * Zeek's policy/protocols/http/detect-webapps: signatures on HTTP reply
 * bodies and headers (Zeek's detect-webapps.sig: WordPress, Joomla,
 * phpMyAdmin, Google Analytics, …) find web applications on servers; each
 * goes to software.log as HTTP::WEB_APPLICATION with the URL it was seen at
 * (software.log gets a url column). A later sighting at a URL that the
 * known one starts with (closer to the site's root) is logged again and
 * becomes the known URL. The signatures' matches stay out of
 * signatures.log (Signatures::ignored_ids += /^webapp-/).
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { softwareFramework } from "../../../scripts/software/framework.js";
import { buildUrl, httpInfoOf } from "./script.js";

/** The ids of the web application signatures (kept out of signatures.log). */
const WEBAPP_SIGNATURE_IDS = /^webapp-/;

/**
 * What Zeek's detect-webapps.sig looks for, as data: per application, what
 * its reply bodies hold somewhere (an unanchored pattern, Zeek's signature
 * language's syntax) and, for some, a reply header.
 */
const WEBAPPS: readonly { id: string; app: string; body: string; header?: string }[] = [
  { id: "wordpress", app: "WordPress", body: `<link rel=("|')stylesheet("|') [^>]+wp-content|<meta name=("|')generator("|') [^>]+WordPress[^"]+` },
  { id: "xoops", app: "Xoops", body: `<meta name=("|')generator("|') [^>]+XOOPS` },
  { id: "phpmyadmin", app: "phpMyAdmin", body: String.raw`var pma_absolute_uri = '|PMA_sendHeaderLocation\(|<title>phpMyAdmin<\/title>` },
  { id: "phppgadmin", app: "phpPgAdmin", body: String.raw`<title>phpPgAdmin<\/title>|<span class=("|')appname("|')>phpPgAdmin` },
  { id: "phpbb", app: "phpBB", body: `Powered by (<a href=("|')[^>]+)?phpBB|<meta name=("|')copyright("|') [^>]+phpBB Group` },
  {
    id: "joomla",
    app: "Joomla",
    body: String.raw`<meta name=("|')generator("|') [^>]+Joomla|<!\-\- JoomlaWorks "K2"`,
    header: "X-Content-Encoded-By: Joomla",
  },
  {
    id: "google-analytics",
    app: "Google Analytics",
    body: String.raw`\.google\-analytics\.com\/ga\.js|<script src=("|')[^"]+google\-analytics\.com\/urchin\.js("|')`,
  },
  { id: "cpanel", app: "cPanel", body: "<!-- cPanel" },
  { id: "mediawiki", app: "MediaWiki", body: String.raw`<meta name=("|')generator("|') [^>]+MediaWiki|<a[^>]+>Powered by MediaWiki<\/a>` },
  { id: "moodle", app: "Moodle", body: String.raw`var moodleConfigFn = function\(me\)|<img[^>]+moodlelogo` },
  { id: "oscommerce", app: "osCommerce", body: String.raw`<!-- header_eof \/\/-->` },
  { id: "plesk", app: "Plesk", body: String.raw`<script[^>]* src=("|')[^>]*common\.js\?plesk` },
  { id: "plone", app: "Plone", body: `<meta name=("|')generator("|') [^>]+Plone` },
  { id: "redmine", app: "Redmine", body: `<meta name=("|')description("|')Redmine("|')|Powered by <a href=("|')[^>]+Redmine` },
  { id: "trac", app: "Trac", body: `<a id=("|')tracpowered` },
  { id: "typo3", app: "Typo3", body: `<meta name=("|')generator("|') [^>]+TYPO3|<(script[^>]* src|link[^>]* href)=[^>]*fileadmin` },
  {
    id: "drupal",
    app: "Drupal",
    body: String.raw`<script [^>]+drupal\.js|jQuery\.extend\(Drupal\.settings, \{|Drupal\.extend\(\{ settings: \{|<link[^>]+sites\/(default|all)\/themes\/|<style[^>]+sites\/(default|all)\/(themes|modules)\/`,
  },
];

/** The signatures, in Zeek's language: a quote inside a pattern is written \" there. */
function webappSignatures(): string {
  const quoted = (p: string) => p.replaceAll('"', '\\"');
  return WEBAPPS.map(
    (w) =>
      `signature webapp-${w.id} {\n  http-reply-body /.*(${quoted(w.body)})/\n` +
      (w.header === undefined ? "" : `  http-reply-header /${w.header}/\n`) +
      `  event "${w.app}"\n}\n`,
  ).join("\n");
}

export const HTTP_DETECT_WEBAPPS: PolicyScript = {
  script: "policy/protocols/http/detect-webapps",
  what: "web applications in software.log (HTTP::WEB_APPLICATION, with their url)",
  ignoredSignatureIds: WEBAPP_SIGNATURE_IDS,
  load(host, { logs }) {
    if (host.loadSignatures === undefined) return;
    host.loadSignatures({ text: webappSignatures(), file: "detect-webapps.sig" });
    const software = softwareFramework(host, logs);
    software.addUrlColumn();
    software.onRegister((info, known) => {
      const last = known.get(info.name)?.last;
      if (last === undefined || info.url === undefined || last.url === undefined) return;
      // A URL the known one starts with is closer to the site's root: it becomes the known one, and is logged.
      if (info.url.length > last.url.length || !last.url.startsWith(info.url)) return;
      last.url = info.url;
      info.force_log = true;
    });
    host.on(
      "signature_match",
      (state, msg) => {
        if (!WEBAPP_SIGNATURE_IDS.test(state.sig_id)) return;
        const c = state.conn;
        const http = httpInfoOf(c);
        if (http === undefined) return;
        software.found(c.id, {
          name: msg,
          unparsed_version: msg,
          host: c.id.resp_h,
          host_p: c.id.resp_p,
          software_type: "HTTP::WEB_APPLICATION",
          url: `http://${buildUrl(http)}`,
        });
      },
      { priority: 5 },
    );
  },
};
