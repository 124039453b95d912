/**
 * Zeek's base/frameworks/notice/actions/add-geodata (loaded with the notice
 * framework): notices of the types in Notice::lookup_location_types get the
 * action Notice::ACTION_ADD_GEODATA and, when Site::local_nets is not empty,
 * the location of their remote host: src when it is not local, else dst
 * when that is not local (NoticeLog applies it).
 */
import { type GeoIpReporter, geoIp } from "../geoip/geoip.js";
import { zeekSetOrder } from "../zeek-table/table.js";
import { localNetsOf } from "./directions-and-hosts.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { NoticeGeodata } from "./notice.js";

/**
 * Notice::Action's values as Zeek numbers them, in load order: main.zeek's
 * ACTION_NONE, ACTION_LOG, ACTION_EMAIL, ACTION_ALARM, ACTION_DROP, then
 * email_admin's, page's and add-geodata's. A set of them is filed under
 * these numbers' hashes, which gives notice.log's order of `actions`.
 */
const ACTION_NUMBERS: ReadonlyMap<number, string> = new Map([
  [1, "Notice::ACTION_LOG"],
  [7, "Notice::ACTION_ADD_GEODATA"],
]);

/** add-geodata for NoticeLog; null when no notice type asks for it (nothing is looked up, nothing opened). */
export function noticeGeodata(host: AnalyzerScriptHost, reporter: GeoIpReporter): NoticeGeodata | null {
  const types = host.settings["Notice::lookup_location_types"];
  if (types.size === 0) return null;
  const localNets = localNetsOf(host.settings);
  const geo = geoIp(host, reporter);
  // ACTION_LOG is added by the notice framework's policy hook, then ACTION_ADD_GEODATA by add-geodata's (same priority, loaded after).
  const actions = zeekSetOrder(host.tableHash.count, [...ACTION_NUMBERS.keys()]).map((n) => ACTION_NUMBERS.get(n)!);
  return {
    types,
    actions,
    locate(src, dst) {
      if (localNets.nets.length === 0) return undefined;
      if (src !== undefined && localNets.isLocal(src) !== true) return geo.lookupLocation(src);
      if (dst !== undefined && localNets.isLocal(dst) !== true) return geo.lookupLocation(dst);
      return undefined;
    },
  };
}
