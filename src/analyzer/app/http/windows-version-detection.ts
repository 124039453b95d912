/**
 * Zeek's policy/frameworks/software/windows-version-detection: Windows
 * fetches Microsoft's certificate revocation lists with a User-Agent that
 * names its Crypt32.dll ("Microsoft-CryptoAPI/6.1"), whose version tells the
 * Windows release. When an http.log row is written (Zeek's log_http) for a
 * request to crl.microsoft.com with such an agent, the client is found as
 * OS::WINDOWS software: with the release from the table below, or, for an
 * agent the table does not know, as "Unknown CryptoAPI Version/<version>"
 * for the software framework to parse.
 */
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type SoftwareFramework, softwareFramework } from "../../../scripts/software/framework.js";
import type { SoftwareVersion } from "../../../scripts/software/version.js";
import type { HttpInfo } from "./script.js";

const AGENT = "Microsoft-CryptoAPI/";

/** Crypt32 versions and the Windows releases that ship them (OS::crypto_api_mapping's default, as data). */
const RELEASES: ReadonlyArray<readonly [crypt32: string, addl: string | undefined]> = [
  ["5.131.2195.6661", "2000 SP4"],
  ["5.131.2195.6824", "2000 with MS04-11"],
  ["5.131.2195.6926", "2000 with Hotfix 98830"],
  ["5.131.2600.0", "XP SP0"],
  ["5.131.2600.1106", "XP SP1"],
  ["5.131.2600.2180", "XP SP2"],
  ["5.131.2600.3180", "XP SP3 Beta 1"],
  ["5.131.2600.3205", "XP SP3 Beta 2"],
  ["5.131.2600.3249", "XP SP3 RC Beta"],
  ["5.131.2600.3264", "XP SP3 RC1"],
  ["5.131.2600.3282", "XP SP3 RC1 Update"],
  ["5.131.2600.3300", "XP SP3 RC2"],
  ["5.131.2600.3311", "XP SP3 RC2 Update"],
  ["5.131.2600.5508", "XP SP3 RC2 Update 2"],
  ["5.131.2600.5512", "XP SP3"],
  ["5.131.3790.0", "XP x64 or Server 2003 SP0"],
  ["5.131.3790.1830", "XP x64 or Server 2003 SP1"],
  ["5.131.3790.3959", "XP x64 or Server 2003 SP2"],
  ["5.131.3790.5235", "XP x64 or Server 2003 with MS13-095"],
  ["6.0", "Vista or Server 2008"],
  ["6.1", "7 or Server 2008 R2"],
  ["6.2", "8 or Server 2012"],
  ["6.3", "8.1 or Server 2012 R2"],
  ["6.4", "10 Technical Preview"],
  ["10.0", undefined],
];

/** The table by full User-Agent, each version's numbers split out. */
const BY_AGENT: ReadonlyMap<string, SoftwareVersion> = new Map(
  RELEASES.map(([crypt32, addl]) => {
    const [major, minor, minor2, minor3] = crypt32.split(".").map(Number);
    const version: SoftwareVersion = { major, minor, minor2, minor3, addl };
    return [`${AGENT}${crypt32}`, version];
  }),
);

/** Each run's software framework, for the rows' hook. */
const frameworks = new WeakMap<AnalyzerScriptHost, SoftwareFramework>();

export const WINDOWS_VERSION_DETECTION: RecordExtension<HttpInfo> = {
  script: "policy/frameworks/software/windows-version-detection",
  fields: [],
  logged(host, info) {
    const software = frameworks.get(host);
    const agent = info.user_agent;
    if (software === undefined || agent === undefined || info.host === undefined) return;
    if (!info.host.includes("crl.microsoft.com") || !agent.includes(AGENT)) return;
    const id = info.c.id;
    const version = BY_AGENT.get(agent);
    if (version === undefined) {
      // Zeek's sub(): the first "Microsoft-CryptoAPI" only.
      software.found(id, {
        unparsed_version: agent.replace("Microsoft-CryptoAPI", "Unknown CryptoAPI Version"),
        host: id.orig_h,
        software_type: "OS::WINDOWS",
      });
    } else software.found(id, { name: "Windows", version, host: id.orig_h, software_type: "OS::WINDOWS" });
  },
  load(host, logs) {
    frameworks.set(host, softwareFramework(host, logs));
  },
};
