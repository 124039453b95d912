/**
 * Notice::create_file_info and Notice::populate_file_info2 (base/frameworks/
 * notice/main.zeek): what a notice about a file says of it. The file may
 * have come over no connection (Input::add_analysis): it then has no cid or
 * cuid, and the notice keeps its own (unset) uid and id.
 */
import type { ConnId } from "../event/records.js";
import { connsInZeekOrder } from "../files/conns-order.js";
import type { FaFile } from "../files/file.js";
import type { AnalyzerScriptHost } from "./host.js";
import { describeFile } from "./intel/describe.js";
import type { NoticeInput } from "./notice.js";

/** Zeek's Notice::FileInfo. */
export interface NoticeFileInfo {
  readonly fuid: string;
  /** Files::describe(f): "" when the file's source has no describer. */
  readonly desc: string;
  readonly mime?: string;
  /** One of the file's connections (the first in f$conns's order), when it has any. */
  readonly cid?: ConnId;
  readonly cuid?: string;
}

/** Notice::create_file_info. */
export function createFileInfo(host: AnalyzerScriptHost, f: FaFile): NoticeFileInfo {
  const mime = f.info?.mime_type;
  // A file seen on several connections: Zeek takes the first of its table (in hash order).
  const c = connsInZeekOrder(f, host.tableHash)[0];
  return {
    fuid: f.id,
    desc: describeFile(host, f),
    ...(mime === undefined ? {} : { mime }),
    ...(c === undefined ? {} : { cid: c.id, cuid: c.uid }),
  };
}

/** Notice::populate_file_info2: the notice's fuid and MIME type unless set, its file_desc, and the file's connection. */
export function populateFileInfo(fi: NoticeFileInfo, n: NoticeInput): void {
  n.fuid ??= fi.fuid;
  if (fi.mime !== undefined) n.fileMimeType ??= fi.mime;
  n.fileDesc = fi.desc;
  if (fi.cid !== undefined) n.id = fi.cid;
  if (fi.cuid !== undefined) n.uid = fi.cuid;
}
