/**
 * Zeek's policy/frameworks/notice/actions/drop: a notice whose actions
 * include Notice::ACTION_DROP (added by a script's Notice::policy handler,
 * `notices.onPolicy((n) => void n.actions.add("Notice::ACTION_DROP"))`) has
 * its src dropped through catch-and-release, unless catch-and-release
 * already watches it; notice.log gains `dropped`. The script @loads the
 * NetControl framework and catch-and-release, which come with it (their
 * logs, their NetControl::init).
 *
 * The handler runs in Zeek's Notice::notice hook at priority -5, loaded
 * after the notice framework's own handler of that priority, which writes
 * the row: notice.log's `dropped` is therefore the default F as Zeek writes
 * it, and the outcome is in the record for the handlers that come later and
 * in netcontrol_catch_release.log.
 */
import { fields } from "../log/schema.js";
import { type CatchAndRelease, catchAndRelease } from "./netcontrol/catch-and-release.js";
import { netControlFramework } from "./netcontrol/framework.js";
import type { NoticeInfo } from "./notice.js";
import type { PolicyScript } from "./policy-scripts.js";
import type { RecordExtension } from "./record-extensions.js";

export const NOTICE_DROP_SCRIPT = "policy/frameworks/notice/actions/drop";

/** drop.zeek's notice hook priority. */
const DROP_PRIORITY = -5;

/** notice.log's `dropped` (Zeek's `redef record Notice::Info += { dropped: bool &log &default=F }`). */
export const NOTICE_DROP_COLUMN: RecordExtension<NoticeInfo> = {
  script: NOTICE_DROP_SCRIPT,
  fields: fields(["dropped", "bool"]),
  values: (n) => [n.dropped ?? false],
};

/**
 * The location catch-and-release records for the drop. Zeek's script
 * formats `n?$msg` (whether the notice has a msg, a bool) where the msg was
 * surely meant: "ACTION_DROP: T" for a notice with a msg.
 */
export function dropLocation(n: NoticeInfo): string {
  return n.msg !== undefined ? "ACTION_DROP: T" : "ACTION_DROP";
}

/** The hook's body: drops src unless catch-and-release already knows it; records the outcome in n.dropped. */
function dropNotice(cr: CatchAndRelease, n: NoticeInfo): void {
  if (!n.actions.has("Notice::ACTION_DROP")) return;
  // Zeek stops the handler with a "field value missing" error for a notice without src; nothing is dropped either way.
  if (n.src === undefined) return;
  if (cr.info(n.src).watch_until !== 0) return;
  n.dropped = cr.drop(n.src, dropLocation(n)).watch_until !== 0;
}

export const NOTICE_DROP: PolicyScript = {
  script: NOTICE_DROP_SCRIPT,
  what: "Notice::ACTION_DROP: the notice's src dropped through catch-and-release, notice.log's dropped",
  load(host, { logs, notices, reporter }) {
    const cr = catchAndRelease(netControlFramework(host, { logs, error: (m) => reporter.error(m) }));
    notices.onNotice((n) => dropNotice(cr, n), DROP_PRIORITY);
  },
};
