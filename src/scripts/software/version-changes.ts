/**
 * Zeek's policy/frameworks/software/version-changes: a host's software
 * whose name is in Software::interesting_version_changes showing a new
 * version is a notice (Software::Software_Version_Change).
 */
import type { PolicyScript } from "../policy-scripts.js";
import { softwareFramework } from "./framework.js";
import { formatVersion } from "./version.js";

export const VERSION_CHANGES_SCRIPT: PolicyScript = {
  script: "policy/frameworks/software/version-changes",
  what: "notices of interesting software changing versions",
  load(host, { logs, notices }) {
    softwareFramework(host, logs).onVersionChange((previous, current) => {
      if (!host.settings["Software::interesting_version_changes"].has(previous.name)) return;
      const type = previous.software_type ?? "Software::UNKNOWN";
      const from = formatVersion(previous.version ?? {});
      const to = formatVersion(current.version ?? {});
      notices.notice({
        note: "Software::Software_Version_Change",
        src: current.host,
        msg: `${host.clock.now.toFixed(6)} ${type} '${previous.name}' version changed from ${from} to ${to}`,
        sub: `${current.name} ${to}`,
      });
    });
  },
};
