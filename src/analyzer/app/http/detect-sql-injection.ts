/**
 * Zeek's policy/protocols/http/detect-sql-injection: a request whose
 * unescaped URI looks like an SQL injection gets the HTTP::URI_SQLI tag in
 * http.log and counts for its client (the attacker) and its server (the
 * victim); HTTP::sqli_requests_threshold of them within
 * HTTP::sqli_requests_interval raise HTTP::SQL_Injection_Attacker or
 * HTTP::SQL_Injection_Victim, naming the sampled request's uid. The
 * HTTP::sqli_policy hook has no handlers here (every request is checked).
 */
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { httpInfoOf } from "./script.js";

/**
 * HTTP::match_sql_injection_uri, Zeek's six patterns (case-insensitive, found
 * anywhere in the URI). POSIX classes written out: [[:blank:]] is space and
 * tab; Zeek's `.` is any byte but a newline; its `*?` is a plain repetition
 * (the same matches, since only whether one exists counts).
 */
const BL = "[ \\t\\x00-\\x1f+]";
const CMT = "\\/\\*[^\\n]*?\\*\\/";
const SQLI_PATTERNS = [
  `[?&][^ \\t\\x00-\\x1f|+]+?=[-A-Za-z0-9%]+(${BL}|${CMT})*'?(${BL}|${CMT}|\\)?;)+[^\\n]*?(having|union|exec|select|delete|drop|declare|create|insert)(${BL}|${CMT})+`,
  `[?&][^ \\t\\x00-\\x1f|+]+?=[-0-9%]+(${BL}|${CMT})*'?(${BL}|${CMT}|\\)?;)+(x?or|n?and)(${BL}|${CMT})+'?(([^a-zA-Z&]+)?=|exists)`,
  `[?&][^ \\t\\x00-\\x1f+]+?=[-0-9%]*(${BL}|${CMT})*'([ \\t\\x00-\\x1f]|${CMT})*(-|=|\\+|\\|\\|)(${BL}|${CMT})*([0-9]|\\(?convert|cast)`,
  `[?&][^ \\t\\x00-\\x1f|+]+?=(${BL}|${CMT})*'(${BL}|${CMT}|;)*(x?or|n?and|having|union|exec|select|delete|drop|declare|create|regexp|insert)(${BL}|${CMT}|[\\[(])+[a-zA-Z&]{2,}`,
  `[?&][^ \\t\\x00-\\x1f+]+?=[^.]*?(char|ascii|substring|truncate|version|length)\\(`,
  `\\/\\*![0-9]{5}[^\\n]*?\\*\\/`,
];
export const SQL_INJECTION_URI = new RegExp(SQLI_PATTERNS.join("|"), "i");

const ATTACKER = "http.sqli.attacker";
const VICTIM = "http.sqli.victim";

export const HTTP_DETECT_SQL_INJECTION: PolicyScript = {
  script: "policy/protocols/http/detect-sql-injection",
  what: "SQL injection notices, http.log's HTTP::URI_SQLI tag",
  load(host, { sumstats: statsOf, notices }) {
    const sumstats = statsOf();
    host.on(
      "zeek_init",
      () => {
        const threshold = host.settings["HTTP::sqli_requests_threshold"];
        const epoch = host.settings["HTTP::sqli_requests_interval"];
        // One SumStat per side: the attacker is keyed by the client (its sample names the server), the victim the other way round.
        const create = (name: string, stream: string, note: string, msg: string, keyIsSrc: boolean): void =>
          sumstats.create({
            name,
            epoch,
            reducers: [{ stream, apply: ["SUM", "SAMPLE"], numSamples: 1 }],
            thresholdVal: (_key, result) => result.get(stream)!.sum,
            threshold,
            thresholdCrossed: (key, result) => {
              const sample = result.get(stream)!.samples[0];
              const [src, dst] = keyIsSrc ? [key.host, sample?.str] : [sample?.str, key.host];
              notices.notice({ note, msg, uid: sample?.uid, src, dst, identifier: key.host });
            },
          });
        create("detect-sqli-attackers", ATTACKER, "HTTP::SQL_Injection_Attacker", "An SQL injection attacker was discovered!", true);
        create("detect-sqli-victims", VICTIM, "HTTP::SQL_Injection_Victim", "An SQL injection victim was discovered!", false);
      },
      { priority: 3 },
    );
    host.on(
      "http_request",
      (c, _method, _original, unescaped) => {
        if (!SQL_INJECTION_URI.test(unescaped)) return;
        const info = httpInfoOf(c);
        if (info !== undefined) (info.tags ??= new Set()).add("HTTP::URI_SQLI");
        const { orig_h, resp_h } = c.id;
        sumstats.observe(ATTACKER, { host: orig_h }, { str: resp_h, uid: c.uid });
        sumstats.observe(VICTIM, { host: resp_h }, { str: orig_h, uid: c.uid });
      },
      // After the HTTP script's handler (priority 5) made this request's c$http.
      { priority: 3 },
    );
  },
};
