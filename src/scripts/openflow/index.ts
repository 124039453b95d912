/**
 * Zeek's OpenFlow framework (base/frameworks/openflow) with its log plugin.
 * Left out: the Broker and Ryu plugins (they need a controller on the
 * network) and clusters. NetControl's OpenFlow plugin is in
 * ../netcontrol/openflow.ts.
 */

export * from "./consts.js";
export { generateCookie, getCookieGid, getCookieUid, isValidCookie } from "./cookies.js";
export { OpenFlow, type OpenFlowDeps, openFlowFramework } from "./framework.js";
export { logNew, OFLOG, OPENFLOW_FIELDS, OpenFlowLog } from "./log.js";
export { copyFlowMod, matchConn, ofpFlowAction, ofpFlowMod } from "./records.js";
export * from "./types.js";
