/**
 * Zeek's NetControl framework (base/frameworks/netcontrol) and
 * policy/frameworks/netcontrol/catch-and-release, with Zeek's debug and
 * packetfilter plugins and its OpenFlow plugin (on ../openflow). Left out:
 * the Broker and acld plugins and clusters (bronze has no Broker).
 */

export {
  type BlockInfo,
  CATCH_RELEASE_FIELDS,
  CatchAndRelease,
  type CatchReleaseAction,
  type CatchReleaseEvents,
  type CatchReleaseInfo,
  catchAndRelease,
} from "./catch-and-release.js";
export { createDebug, createDebugError, createDebugExists } from "./debug.js";
export { describeEntity, describeRule, entityText, modText } from "./describe.js";
export { NetControl, type NetControlDeps, netControlFramework } from "./framework.js";
export { hostSubnet } from "./helpers.js";
export { NETCONTROL_DROP_FIELDS, NETCONTROL_FIELDS, NETCONTROL_SHUNT_FIELDS } from "./logs.js";
export { createOpenflow, type OfConfig, OPENFLOW_FLOW_TIMEOUT, OPENFLOW_MESSAGE_TIMEOUT, type OpenFlowPluginState } from "./openflow.js";
export { createPacketfilter } from "./packetfilter.js";
export * from "./types.js";
