/**
 * Zeek's policy/protocols/ssh/software: the SSH client's and server's
 * version banners, without their protocol part ("SSH-2.0-"), to the
 * software framework (SSH::CLIENT, SSH::SERVER with its port).
 */
import { detectionScript } from "../../../scripts/software/framework.js";

export const SSH_SOFTWARE_SCRIPT = detectionScript("policy/protocols/ssh/software", "SSH clients and servers in software.log", (host, found) => {
  host.on(
    "ssh_client_version",
    (c, version) => {
      const unparsed = version.replace(/^SSH[0-9.-]+/, "");
      found(c.id, { unparsed_version: unparsed, host: c.id.orig_h, software_type: "SSH::CLIENT" });
    },
    { priority: 4 },
  );
  host.on(
    "ssh_server_version",
    (c, version) => {
      // Unanchored, as Zeek's: the first "SSH" and two or more version characters go.
      const unparsed = version.replace(/SSH[0-9.-]{2,}/, "");
      found(c.id, { unparsed_version: unparsed, host: c.id.resp_h, host_p: c.id.resp_p, software_type: "SSH::SERVER" });
    },
    { priority: 4 },
  );
});
