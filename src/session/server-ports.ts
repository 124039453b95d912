/**
 * Zeek's `likely_server_ports` (Connection::FlipRoles): the union of the server ports that the
 * loaded protocol scripts register. The default script set registers them
 * all; in bare mode (`zeek -b`) only the scripts named in `loads` contribute.
 * The tunnel analyzers add their ports when they register (always: Zeek's
 * init-bare registers them).
 */

import { scriptsLoadedBy } from "../scripts/script-loads.js";

interface PortSets {
  tcp: readonly number[];
  udp: readonly number[];
}

/** Server ports registered by each base/protocols script. */
export const SCRIPT_SERVER_PORTS: Readonly<Record<string, PortSets>> = {
  "base/protocols/dce-rpc": { tcp: [135], udp: [] },
  "base/protocols/dhcp": { tcp: [], udp: [67, 4011] },
  "base/protocols/dnp3": { tcp: [20000], udp: [20000] },
  "base/protocols/dns": { tcp: [53], udp: [53, 137, 5353, 5355] },
  "base/protocols/finger": { tcp: [79], udp: [] },
  "base/protocols/ftp": { tcp: [21, 2811], udp: [] },
  "base/protocols/http": { tcp: [80, 81, 631, 1080, 3128, 8000, 8080, 8888], udp: [] },
  "base/protocols/imap": { tcp: [143], udp: [] },
  "base/protocols/irc": { tcp: [6666, 6667, 6668, 6669], udp: [] },
  "base/protocols/krb": { tcp: [88], udp: [88] },
  "base/protocols/ldap": { tcp: [389, 3268], udp: [389] },
  "base/protocols/modbus": { tcp: [502], udp: [] },
  "base/protocols/mqtt": { tcp: [1883], udp: [] },
  "base/protocols/mysql": { tcp: [1434, 3306], udp: [] },
  "base/protocols/ntp": { tcp: [], udp: [123] },
  "base/protocols/postgresql": { tcp: [5432], udp: [] },
  "base/protocols/quic": { tcp: [], udp: [443] },
  "base/protocols/radius": { tcp: [], udp: [1812] },
  "base/protocols/rdp": { tcp: [3389], udp: [3389] },
  "base/protocols/redis": { tcp: [6379], udp: [] },
  "base/protocols/sip": { tcp: [], udp: [5060] },
  "base/protocols/smb": { tcp: [139, 445], udp: [] },
  "base/protocols/smtp": { tcp: [25, 465, 587], udp: [] },
  "base/protocols/snmp": { tcp: [], udp: [161, 162] },
  "base/protocols/socks": { tcp: [1080], udp: [] },
  "base/protocols/ssh": { tcp: [22], udp: [] },
  "base/protocols/ssl": { tcp: [443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223], udp: [] },
  "base/protocols/syslog": { tcp: [514], udp: [514] },
  "base/protocols/xmpp": { tcp: [5222, 5269], udp: [] },
};

/**
 * The full default set (Connection::FlipRoles), as `zeek` without -b registers it — minus the
 * ports of Spicy-based analyzers (LDAP 389/3268, PostgreSQL 5432, Redis 6379,
 * QUIC 443/udp): the corpus Zeek was built without Spicy, and its conn.logs
 * show those ports are not likely server ports there (redis/start-with-server).
 */
const DEFAULT_TCP = [
  21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 443, 445, 465, 502, 514, 563, 585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128,
  3306, 3389, 5222, 5223, 5269, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
];
const DEFAULT_UDP = [53, 67, 88, 123, 137, 161, 162, 514, 1812, 3389, 4011, 5060, 5353, 5355, 20000];

/** Normalises "base/protocols/http/main.zeek", "protocols/http", "http" to the package name. */
export function scriptPackage(load: string): string {
  // A signature file (`@load-sigs base/protocols/ssl/dpd.sig`) is no script: it loads no protocol.
  if (load.endsWith(".sig")) return load;
  const clean = load.replace(/\.zeek$/, "").replace(/\/(main|__load__)$/, "");
  const m = /(?:^|\/)protocols\/([^/]+)/.exec(clean);
  if (m) return `base/protocols/${m[1]}`;
  return clean.includes("/") ? clean : `base/protocols/${clean}`;
}

/**
 * True when `script` (a Zeek script name) is loaded in this configuration:
 * named (a part of a protocol, "base/protocols/http/entities", stands for the
 * protocol), or loaded by a named one as Zeek's @load does (base/protocols/ftp
 * loads base/protocols/ssl).
 */
export function isLoaded(bare: boolean, loads: readonly string[], script: string): boolean {
  if (!bare) return true;
  return loads.some((l) => scriptPackage(l) === script || l.replace(/\.zeek$/, "") === script) || scriptsLoadedBy(loads).has(script);
}

/** Membership tables for TCP and UDP likely-server ports (65536 entries each). */
export class LikelyServerPorts {
  readonly tcp = new Uint8Array(65536);
  readonly udp = new Uint8Array(65536);

  /** `added`: the likely_server_ports setting's ports ("53/udp"), on top of the scripts' (a redef of it does not stop their registrations). */
  constructor(bare: boolean, loads: readonly string[], added: ReadonlySet<string> = new Set()) {
    for (const p of added) {
      const [port, transport] = p.split("/");
      (transport === "udp" ? this.udp : this.tcp)[Number(port)] = 1;
    }
    if (!bare) {
      for (const p of DEFAULT_TCP) this.tcp[p] = 1;
      for (const p of DEFAULT_UDP) this.udp[p] = 1;
      return;
    }
    // The named scripts' protocols, and the protocols Zeek loads with them (exact names only).
    const protocols = new Set([...loads.map(scriptPackage), ...scriptsLoadedBy(loads)]);
    for (const name of protocols) {
      const sets = SCRIPT_SERVER_PORTS[name];
      if (!sets) continue;
      for (const p of sets.tcp) this.tcp[p] = 1;
      for (const p of sets.udp) this.udp[p] = 1;
    }
  }
}
