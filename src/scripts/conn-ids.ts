/** Zeek's base/utils/conn-ids: a connection's id as its scripts print it. */
import type { ConnId } from "../event/records.js";

/** id_string: "orig_h:orig_p > resp_h:resp_p" (ports without their transport); file handles and weird identifiers embed it. */
export function idString(id: ConnId): string {
  return `${id.orig_h}:${id.orig_p} > ${id.resp_h}:${id.resp_p}`;
}
