/**
 * Zeek's policy/frameworks/notice/community-id: notice.log's community_id,
 * the Community ID of the notice's connection (its c$conn$community_id, as
 * community-id-logging, which this script loads, gives conn.log), unset for
 * a notice without one.
 */
import { fields } from "../log/schema.js";
import type { EngineSettings } from "../options.js";
import { communityIdV1 } from "./community-id.js";
import type { NoticeInput } from "./notice.js";
import type { RecordExtension } from "./record-extensions.js";

export const NOTICE_COMMUNITY_ID_SCRIPT = "policy/frameworks/notice/community-id";

export function noticeCommunityId(settings: EngineSettings): RecordExtension<NoticeInput> {
  return {
    script: NOTICE_COMMUNITY_ID_SCRIPT,
    fields: fields(["community_id", "string"]),
    values: (n) => [n.conn === undefined ? undefined : communityIdV1(n.conn.id, settings["CommunityID::seed"], settings["CommunityID::do_base64"])],
  };
}
