/**
 * Zeek's policy/frameworks/files/detect-MHR: the SHA-1 of every file whose
 * MIME type is in TeamCymruMalwareHashRegistry::match_file_types (Windows
 * executables, CAB, PDF, Flash, Java, MP4) is looked up in Team Cymru's
 * Malware Hash Registry (a TXT query for HASH.malware.hash.cymru.com, in a
 * `when`, src/scripts/dns-lookups.ts); an answer "<first seen> <detection
 * rate>" with a rate of at least notice_threshold per cent is a
 * TeamCymruMalwareHashRegistry::Match notice about the file, once the answer
 * comes. match_file_types is Zeek's default pattern, not a setting here.
 */

import { pad2 } from "../log/wall-clock.js";
import { dnsLookups } from "../scripts/dns-lookups.js";
import type { NoticeInput } from "../scripts/notice.js";
import { createFileInfo, populateFileInfo } from "../scripts/notice-file-info.js";
import type { PolicyScript } from "../scripts/policy-scripts.js";

/** TeamCymruMalwareHashRegistry::match_file_types. */
export const MHR_FILE_TYPES =
  /application\/x-dosexec|application\/vnd\.ms-cab-compressed|application\/pdf|application\/x-shockwave-flash|application\/x-java-applet|application\/jar|video\/mp4/;

/** strftime("%Y-%m-%d %H:%M:%S", t) in local time, as Zeek's. */
function localTime(t: number): string {
  const d = new Date(t * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export const DETECT_MHR: PolicyScript = {
  script: "policy/frameworks/files/detect-MHR",
  what: "TeamCymruMalwareHashRegistry::Match notices (files' SHA-1 looked up in Team Cymru's registry by DNS; ZEEK_DNS_RESOLVER names the server)",
  load(host, { notices }) {
    const lookups = dnsLookups(host);
    host.on("file_hash", (f, kind, hash) => {
      const mime = f.info?.mime_type;
      if (kind !== "sha1" || mime === undefined || !MHR_FILE_TYPES.test(mime)) return;
      // Notice::create_file_info when the hash is known (the notice may come much later).
      const about = createFileInfo(host, f);
      lookups.whenTxt(`${hash}.malware.hash.cymru.com`, (answer) => {
        // "<dateFirstDetected> <detectionRate>": split at the first space.
        const space = answer.indexOf(" ");
        if (space < 0) return;
        const rate = answer.slice(space + 1);
        if (!/^\d+$/.test(rate) || Number(rate) < host.settings["TeamCymruMalwareHashRegistry::notice_threshold"]) return;
        const seen = localTime(Number(answer.slice(0, space)));
        const n: NoticeInput = {
          note: "TeamCymruMalwareHashRegistry::Match",
          msg: `Malware Hash Registry Detection rate: ${Number(rate)}%  Last seen: ${seen}`,
          sub: host.settings["TeamCymruMalwareHashRegistry::match_sub_url"].replace("%s", hash),
        };
        populateFileInfo(about, n);
        notices.notice(n);
      });
    });
  },
};
