/**
 * Zeek's policy/misc/detect-traceroute: a host that sends packets with a low
 * TTL (under 10, found by two header signatures, Zeek's detect-low-ttls.sig)
 * and gets ICMP time-exceeded messages back from at least
 * Traceroute::icmp_time_exceeded_threshold distinct routers for the same
 * destination and transport within Traceroute::icmp_time_exceeded_interval
 * is running traceroute: a traceroute.log row and a Traceroute::Detected
 * notice (once per source and transport within the suppression interval).
 * Counted on SumStats as Zeek's script counts, keyed "src-dst-proto";
 * Traceroute::require_low_ttl_packets=F counts time-exceeded messages alone.
 * The signatures' matches stay out of signatures.log (Zeek's
 * Signatures::ignored_ids += /traceroute-detector.*\/).
 */
import type { ConnId } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { NoticeLog } from "./notice.js";
import type { PolicyScript } from "./policy-scripts.js";
import type { SumStats } from "./sumstats/sumstats.js";

/** The ids of the low-TTL signatures, which signatures.log leaves out. */
const TRACEROUTE_SIGNATURE_IDS = /traceroute-detector/;

const LOW_TTL_SIGNATURES = `
signature traceroute-detector-ipv4 {
  header ip[8] < 10
  event "match"
}

signature traceroute-detector-ipv6 {
  header ip6[7] < 10
  event "match"
}
`;

export const TRACEROUTE_FIELDS: readonly LogField[] = fields(["ts", "time"], ["src", "addr"], ["dst", "addr"], ["proto", "string"]);

const TIME_EXCEEDED = "traceroute.time_exceeded";
const LOW_TTL = "traceroute.low_ttl_packet";

/** The SumStats key of a traceroute: source, destination and the transport of the destination port. */
function keyOf(id: ConnId): string {
  return `${id.orig_h}-${id.resp_h}-${id.transport}`;
}

function loadDetectTraceroute(host: AnalyzerScriptHost, logs: LogManager, sumstats: SumStats, notices: NoticeLog): void {
  if (host.loadSignatures === undefined) return;
  host.loadSignatures({ text: LOW_TTL_SIGNATURES, file: "detect-low-ttls.sig" });
  const log = logs.open({ path: "traceroute", fields: TRACEROUTE_FIELDS });
  host.on(
    "zeek_init",
    () => {
      sumstats.create({
        name: "traceroute-detection",
        epoch: host.settings["Traceroute::icmp_time_exceeded_interval"],
        reducers: [
          { stream: TIME_EXCEEDED, apply: ["UNIQUE"] },
          { stream: LOW_TTL, apply: ["SUM"] },
        ],
        thresholdVal: (_key, result) =>
          host.settings["Traceroute::require_low_ttl_packets"] && result.get(LOW_TTL)!.sum === 0 ? 0 : result.get(TIME_EXCEEDED)!.unique,
        threshold: host.settings["Traceroute::icmp_time_exceeded_threshold"],
        thresholdCrossed: (key) => {
          // Addresses hold no '-': the key splits back into its three parts.
          const [src = "", dst = "", proto = ""] = (key.str ?? "").split("-");
          log.write([host.clock.now, src, dst, proto]);
          notices.notice({ note: "Traceroute::Detected", msg: `${src} seems to be running traceroute using ${proto}`, src, identifier: `${src}${proto}` });
        },
      });
    },
    { priority: 5 },
  );
  host.on("signature_match", (state) => {
    if (TRACEROUTE_SIGNATURE_IDS.test(state.sig_id)) sumstats.observe(LOW_TTL, { str: keyOf(state.conn.id) }, { num: 1 });
  });
  host.on("icmp_time_exceeded", (c, _info, _code, context) => sumstats.observe(TIME_EXCEEDED, { str: keyOf(context.id) }, { str: c.id.orig_h }));
}

export const DETECT_TRACEROUTE: PolicyScript = {
  script: "policy/misc/detect-traceroute",
  what: "traceroute.log and Traceroute::Detected notices",
  ignoredSignatureIds: TRACEROUTE_SIGNATURE_IDS,
  load: (host, { logs, sumstats, notices }) => loadDetectTraceroute(host, logs, sumstats(), notices),
};
