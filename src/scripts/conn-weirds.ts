/**
 * Zeek's policy/protocols/conn/weirds: two of the TCP core's events become
 * notices. A retransmission whose bytes differ from what was delivered the
 * first time (rexmit_inconsistency, possible evasion) is
 * Conn::Retransmission_Inconsistency, once per connection within the
 * suppression interval; a sequence hole in a stream (content_gap) is
 * Conn::Content_Gap, every time. As Zeek says of the script, on busy links
 * these can be many.
 */
import { latin1 } from "../packet/bytes.js";
import { idString } from "./conn-ids.js";
import type { PolicyScript } from "./policy-scripts.js";

export const CONN_WEIRDS: PolicyScript = {
  script: "policy/protocols/conn/weirds",
  what: "Conn::Retransmission_Inconsistency and Conn::Content_Gap notices",
  load(host, { notices }) {
    host.on("rexmit_inconsistency", (c, t1, t2, flags) => {
      notices.notice({
        note: "Conn::Retransmission_Inconsistency",
        conn: c,
        msg: `${idString(c.id)} rexmit inconsistency (${latin1(t1)}) (${latin1(t2)}) [${flags}]`,
        // Zeek's identifier is the conn_id record printed: one per connection.
        identifier: `${idString(c.id)} ${c.id.proto}`,
      });
    });
    host.on("content_gap", (c, isOrig, seq, length) => {
      notices.notice({ note: "Conn::Content_Gap", conn: c, msg: `${idString(c.id)} content gap (${isOrig ? ">" : "<"} ${seq}/${length})` });
    });
  },
};
