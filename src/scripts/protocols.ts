/**
 * The protocol scripts bronze has (Zeek's base/protocols/X/main.zeek: the
 * logs written from each analyzer's events), loaded by loadBuiltinScripts
 * when their script is loaded (always without -b). A protocol folder adds
 * its script here, next to its component in src/analyzer/app/protocols.ts.
 * `loads` are the script names given on the command line (policy scripts).
 */
import type { LogManager } from "../log/manager.js";
import type { AnalyzerScriptHost } from "./host.js";
import { FILES_SCRIPT } from "../files/log.js";
import { HTTP_SCRIPT } from "../analyzer/app/http/script.js";
import { loadTunnelLog } from "./tunnel-log.js";

export interface ProtocolScript {
  /** The Zeek script it stands for, e.g. "base/protocols/ssh". */
  readonly script: string;
  /** Registers its handlers; writes its logs through `logs`. */
  load(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[]): void;
}

export const PROTOCOL_SCRIPTS: readonly ProtocolScript[] = [
  { script: "base/frameworks/tunnels", load: loadTunnelLog },
  FILES_SCRIPT,
  HTTP_SCRIPT,
];
