/**
 * Zeek's policy/frameworks/software/vulnerable: software logged in a
 * version inside one of its name's ranges in Software::vulnerable_versions
 * (at most the range's max, at least its min when it has one) is a
 * Software::Vulnerable_Version notice, one per range it falls in.
 *
 * Each range is written as the text Zeek's script decodes from its DNS
 * updates ("min=1.7 max=1.7.0.20"), its versions read by Software::parse.
 * The updates themselves (Software::vulnerable_versions_update_endpoint,
 * TXT lookups) are not done: bronze resolves no names.
 */
import type { PolicyScript } from "../policy-scripts.js";
import { softwareFramework } from "./framework.js";
import { compareVersions, formatVersion, parseSoftware, type SoftwareVersion } from "./version.js";

/** Software::VulnerableVersionRange. */
export interface VulnerableVersionRange {
  min?: SoftwareVersion;
  max: SoftwareVersion;
}

/** decode_vulnerable_version_range: "min=V max=V" (the setting was checked to have a max). */
export function decodeVersionRange(text: string): VulnerableVersionRange {
  const range: VulnerableVersionRange = { max: { major: 0 } };
  for (const word of text.trim().split(/\s+/)) {
    const at = word.indexOf("=");
    const version = parseSoftware(word.slice(at + 1)).version;
    if (word.startsWith("min=")) range.min = version;
    else if (word.startsWith("max=")) range.max = version;
  }
  return range;
}

/** Whether `v` is inside `range`, its ends included. */
export function inVulnerableRange(v: SoftwareVersion, range: VulnerableVersionRange): boolean {
  return compareVersions(v, range.max) <= 0 && (range.min === undefined || compareVersions(v, range.min) >= 0);
}

export const VULNERABLE_SCRIPT: PolicyScript = {
  script: "policy/frameworks/software/vulnerable",
  what: "Software::Vulnerable_Version notices for the versions in Software::vulnerable_versions",
  load(host, { logs, notices }) {
    const table = host.settings["Software::vulnerable_versions"];
    // Nothing declared vulnerable: no listener, and software.log's rows cost nothing more.
    if (table.size === 0) return;
    const ranges = new Map([...table].map(([name, texts]) => [name, texts.map(decodeVersionRange)]));
    softwareFramework(host, logs).onLogged((info) => {
      const version = info.version ?? {};
      for (const range of ranges.get(info.name) ?? []) {
        if (!inVulnerableRange(version, range)) continue;
        const sub = `${info.name} ${formatVersion(version)}`;
        notices.notice({ note: "Software::Vulnerable_Version", src: info.host, msg: `${info.host} is running ${sub} which is vulnerable.`, sub });
      }
    });
  },
};
