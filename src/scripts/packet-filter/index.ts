/** Zeek's packet-filter framework and its shunt policy script (see framework.ts, shunt.ts). */
export {
  type FilterPlugin,
  loadedPacketFilter,
  PACKET_FILTER_FIELDS,
  PACKET_FILTER_SCRIPT,
  type PacketFilterDeps,
  PacketFilterError,
  PacketFilterFramework,
  packetFilterFramework,
} from "./framework.js";
export { type CaptureCounters, loadNetstats, STATS_COLLECTION_INTERVAL } from "./netstats.js";
export { PacketFilterShunt, SHUNT_SCRIPT, SHUNT_SCRIPT_NAME } from "./shunt.js";
export { combineFilters, portToBpf, samplingFilter } from "./utils.js";
