/**
 * The Intel framework's policy scripts besides `seen`:
 *
 * - do_notice: a match with an item whose metadata says do_notice (and whose
 *   if_in is the match's `where`, or anywhere) raises Intel::Notice in
 *   notice.log, identified by the indicator and the connection's two
 *   addresses (so one hour of suppression per pair);
 * - whitelist: a match involving an item marked whitelist is not logged;
 * - removal: inserting an item marked remove removes it instead;
 * - do_expire: items expire (Intel::item_expiration 10min unless set) and
 *   are then removed.
 */
import type { PolicyScript } from "../policy-scripts.js";
import { intelOf } from "./framework.js";
import type { IntelItem, IntelSeen } from "./types.js";

/** Zeek's `a < b` on two addresses of one family (IPv4 before IPv6, then by bytes). */
function addrLess(a: string, b: string): boolean {
  const key = (x: string) =>
    x.includes(":")
      ? `1${x}`
      : `0${x
          .split(".")
          .map((o) => o.padStart(3, "0"))
          .join(".")}`;
  return key(a) < key(b);
}

/** do_notice's notice for one item, or nothing when the item does not ask for one here. */
function intelNotice(s: IntelSeen, item: IntelItem): { msg: string; sub: string; identifier?: string } | null {
  const where = item.meta.if_in ?? "Intel::IN_ANYWHERE";
  if (item.meta.do_notice !== true || (where !== "Intel::IN_ANYWHERE" && where !== s.where)) return null;
  const indicator = s.indicator ?? "";
  const notice = { msg: `Intel hit on ${indicator} at ${s.where}`, sub: indicator };
  const id = s.conn?.id;
  if (id === undefined) return notice;
  const [lo, hi] = addrLess(id.orig_h, id.resp_h) ? [id.orig_h, id.resp_h] : [id.resp_h, id.orig_h];
  return { ...notice, identifier: `${indicator}${lo}${hi}` };
}

export const INTEL_DO_NOTICE: PolicyScript = {
  script: "policy/frameworks/intel/do_notice",
  what: "Intel::Notice for items with do_notice",
  load(host, context) {
    intelOf(host, context);
    host.on("intel_match", (s, items) => {
      for (const item of items) {
        const n = intelNotice(s, item);
        if (n !== null) context.notices.notice({ note: "Intel::Notice", ...n, conn: s.conn });
      }
    });
  },
};

export const INTEL_WHITELIST: PolicyScript = {
  script: "policy/frameworks/intel/whitelist",
  what: "intel.log without matches of whitelisted items",
  load(host, context) {
    intelOf(host, context).onExtendMatch((_info, _s, items) => !items.some((i) => i.meta.whitelist === true), 9);
  },
};

export const INTEL_REMOVAL: PolicyScript = {
  script: "policy/frameworks/intel/removal",
  what: "intel items marked remove taken out",
  load(host, context) {
    const intel = intelOf(host, context);
    intel.onFilterItem((item) => {
      if (item.meta.remove !== true) return true;
      intel.remove(item);
      // Not added back.
      return false;
    });
  },
};

/** Zeek's default Intel::item_expiration, which do_expire redefines to 10 minutes. */
const NEVER_EXPIRES = -60;
const DO_EXPIRE_EXPIRATION = 600;

export const INTEL_DO_EXPIRE: PolicyScript = {
  script: "policy/frameworks/intel/do_expire",
  what: "intel items removed when they expire",
  load(host, context) {
    // do_expire's redef comes before the command line's: a value set there stays.
    if (host.settings["Intel::item_expiration"] === NEVER_EXPIRES) host.settings["Intel::item_expiration"] = DO_EXPIRE_EXPIRATION;
    intelOf(host, context).onItemExpired(() => false, -10);
  },
};
