/**
 * Zeek's policy/protocols/smtp/detect-suspicious-orig: when an smtp.log row
 * is written (log_smtp), two addresses are checked, each against
 * SMTP::suspicious_origination_countries (by its GeoIP country) and
 * SMTP::suspicious_origination_networks: the message's X-Originating-IP,
 * when it had one, and the far end of its path (the earliest Received hop
 * found, else the client, which ends every path). Each that matches is an
 * SMTP::Suspicious_Origination notice about the transaction's connection id
 * (no uid: the record gives only the id), not suppressed. Both addresses are
 * looked up whether or not a country is watched, so without a database the
 * first written row reports the missing database, as Zeek's script does.
 */
import type { Connection } from "../../../event/records.js";
import { geoIp } from "../../../geoip/geoip.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { LocalNets, type Subnet } from "../../../scripts/site.js";
import "./events.js";

const NO_NETS: readonly Subnet[] = [];

export const SMTP_DETECT_SUSPICIOUS_ORIG: PolicyScript = {
  script: "policy/protocols/smtp/detect-suspicious-orig",
  what: "SMTP::Suspicious_Origination notices (an X-Originating-IP, or the earliest Received hop else the client, in SMTP::suspicious_origination_countries (GeoIP) or _networks)",
  load(host, { notices, reporter }) {
    const geo = geoIp(host, reporter);
    // The settings are read at each row, as Zeek's options are: a script may change them.
    let matcher = new LocalNets(NO_NETS);
    const inNetworks = (ip: string): boolean => {
      const nets = host.settings["SMTP::suspicious_origination_networks"] ?? NO_NETS;
      if (matcher.nets !== nets) matcher = new LocalNets(nets);
      return matcher.isLocal(ip) === true;
    };
    const check = (c: Connection, ip: string, say: (country: string) => string): void => {
      const country = geo.lookupLocation(ip).country_code;
      const inCountry = country !== undefined && host.settings["SMTP::suspicious_origination_countries"].has(country);
      if (inCountry || inNetworks(ip)) notices.notice({ note: "SMTP::Suspicious_Origination", id: c.id, msg: say(country ?? "") });
    };
    host.on("log_smtp", (rec) => {
      const xo = rec.x_originating_ip;
      if (xo !== undefined) check(rec.c, xo, (cc) => `An email originated from ${cc} (${xo}).`);
      const first = rec.path[rec.path.length - 1];
      if (first !== undefined) check(rec.c, first, (cc) => `Based up Received headers, email originated from ${cc} (${first}).`);
    });
  },
};
