/**
 * The built-in policy scripts, as `zeek` loads base/protocols/conn and the
 * weird framework by default: conn.log and weird.log. The CLI loads them
 * before the user's scripts; library users call `loadBuiltinScripts(engine)`.
 */
import { LogManager, type LogOptions } from "../log/manager.js";
import { policyScriptLoaded } from "../options.js";
import { ConnLog } from "./conn.js";
import { isLoaded } from "../session/server-ports.js";
import { loadDpd } from "./dpd.js";
import { PROTOCOL_SCRIPTS } from "./protocols.js";
import type { AnalyzerScriptHost, ScriptHost } from "./host.js";
import { WeirdLog } from "./weird.js";

export interface BuiltinScriptOptions extends LogOptions {
  /** Zeek's -b: weird.log only if the weird framework is among `loads`. */
  bare?: boolean;
  /** Zeek script names given on the command line (e.g. "policy/protocols/conn/mac-logging"). */
  loads?: readonly string[];
}

export interface BuiltinScripts {
  logs: LogManager;
  conn: ConnLog;
  /** Absent in bare mode unless base/frameworks/notice(/weird) is loaded. */
  weird?: WeirdLog;
  /** Writes `#close` lines and flushes every log. Runs by itself at zeek_done; idempotent. */
  close(): void;
}

/** Lowest priority: logs close after every other zeek_done handler has run. */
const CLOSE_PRIORITY = -1_000_000;

const WEIRD_SCRIPTS = ["base/frameworks/notice", "base/frameworks/notice/weird"];
const MAC_LOGGING = "protocols/conn/mac-logging";
const VLAN_LOGGING = "protocols/conn/vlan-logging";

function normalise(name: string): string {
  return name.replace(/\.(zeek|bro)$/, "").replace(/\/(__load__|main)$/, "");
}

export function loadBuiltinScripts(host: ScriptHost, options: BuiltinScriptOptions = {}): BuiltinScripts {
  const loads = (options.loads ?? []).map(normalise);
  const logs = new LogManager(options);
  const conn = new ConnLog(host, logs, { macLogging: policyScriptLoaded(loads, MAC_LOGGING), vlanLogging: policyScriptLoaded(loads, VLAN_LOGGING) });
  const wantWeird = !options.bare || loads.some((l) => WEIRD_SCRIPTS.includes(l));
  const weird = wantWeird ? new WeirdLog(host, logs) : undefined;
  // The analyzer framework (always loaded, -b or not): service, disabling, analyzer.log.
  if (isAnalyzerHost(host)) {
    loadDpd(host, logs);
    for (const p of PROTOCOL_SCRIPTS) if (isLoaded(options.bare ?? false, loads, p.script)) p.load(host, logs, options.loads ?? []);
  }
  const close = () => logs.closeAll();
  host.on("zeek_done", close, { priority: CLOSE_PRIORITY });
  return { logs, conn, weird, close };
}

function isAnalyzerHost(host: ScriptHost): host is AnalyzerScriptHost {
  return typeof (host as Partial<AnalyzerScriptHost>).disableAnalyzer === "function";
}

export { ConnLog, CONN_FIELDS, connLogValues } from "./conn.js";
export { WeirdLog, WEIRD_FIELDS } from "./weird.js";
export { connState, tcpConnState, udpConnState } from "./conn-state.js";
export { LocalNets, privateAddressSpace } from "./site.js";
export type { ScriptHost } from "./host.js";
