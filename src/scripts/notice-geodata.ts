/**
 * Zeek's base/frameworks/notice/actions/add-geodata (loaded with the notice
 * framework): notices of the types in Notice::lookup_location_types get the
 * action Notice::ACTION_ADD_GEODATA and, when Site::local_nets is not empty,
 * the location of their remote host: src when it is not local, else dst
 * when that is not local (NoticeLog applies it, and adds the action in its
 * policy hook).
 */
import { type GeoIpReporter, geoIp } from "../geoip/geoip.js";
import { localNetsOf } from "./directions-and-hosts.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { NoticeGeodata } from "./notice.js";

/** add-geodata for NoticeLog; null when no notice type asks for it (nothing is looked up, nothing opened). */
export function noticeGeodata(host: AnalyzerScriptHost, reporter: GeoIpReporter): NoticeGeodata | null {
  const types = host.settings["Notice::lookup_location_types"];
  if (types.size === 0) return null;
  const localNets = localNetsOf(host.settings);
  const geo = geoIp(host, reporter);
  return {
    types,
    locate(src, dst) {
      if (localNets.nets.length === 0) return undefined;
      if (src !== undefined && localNets.isLocal(src) !== true) return geo.lookupLocation(src);
      if (dst !== undefined && localNets.isLocal(dst) !== true) return geo.lookupLocation(dst);
      return undefined;
    },
  };
}
