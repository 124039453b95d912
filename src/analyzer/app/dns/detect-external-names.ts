/**
 * Zeek's policy/protocols/dns/detect-external-names: an A or AAAA answer
 * that points a name outside Site::local_zones at a local address (in
 * Site::local_nets) raises DNS::External_Name, once per address and name.
 * Nothing without local zones. Answers from the mDNS groups' port 5353
 * (224.0.0.251, ff02::fb: DNS::skip_resp_host_port_pairs) are skipped; that
 * option is not a setting here.
 */
import type { Connection } from "../../../event/records.js";
import { localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import type { DnsAnswer } from "./events.js";

const SKIPPED_RESPONDERS = new Set(["224.0.0.251|5353|udp", "ff02::fb|5353|udp"]);

/** Site::is_local_name: the name is a local zone or ends with "." and one (Zeek's `(^\.?|\.)(zones)$`, case-sensitive). */
export function isLocalName(zones: ReadonlySet<string>, name: string): boolean {
  for (const zone of zones) {
    if (!name.endsWith(zone)) continue;
    const head = name.slice(0, name.length - zone.length);
    if (head === "" || head === "." || head.endsWith(".")) return true;
  }
  return false;
}

export const DNS_DETECT_EXTERNAL_NAMES: PolicyScript = {
  script: "policy/protocols/dns/detect-external-names",
  what: "DNS::External_Name notices",
  load(host, { notices }) {
    let localNets = localNetsOf(host.settings);
    // Site::local_nets as redefined by then (Zeek reads it at zeek_init).
    host.on("zeek_init", () => {
      localNets = localNetsOf(host.settings);
    });
    const detect = (c: Connection, ans: DnsAnswer, a: string): void => {
      const zones = host.settings["Site::local_zones"];
      if (zones.size === 0 || SKIPPED_RESPONDERS.has(`${c.id.resp_h}|${c.id.resp_p}|${c.id.transport}`)) return;
      if (localNets.isLocal(a) !== true || isLocalName(zones, ans.query)) return;
      notices.notice({ note: "DNS::External_Name", msg: `${ans.query} is pointing to a local host - ${a}.`, conn: c, identifier: `${a}${ans.query}` });
    };
    host.on("dns_A_reply", (c, _msg, ans, a) => detect(c, ans, a));
    host.on("dns_AAAA_reply", (c, _msg, ans, a) => detect(c, ans, a));
  },
};
