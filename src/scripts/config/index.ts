/**
 * Zeek's config framework (base/frameworks/config): runtime-changeable
 * options, change handlers, config.log and config files.
 */
import type { LogManager } from "../../log/manager.js";
import type { AnalyzerScriptHost } from "../host.js";
import { ConfigFiles } from "./files.js";
import { type ConfigFramework, configFramework } from "./framework.js";

/** What loading the framework with the built-in scripts needs. */
export interface ConfigLoadOptions {
  readonly logs: LogManager;
  readonly error: (message: string) => void;
  readonly warning: (message: string) => void;
  /** Capturing live: config files are read again when they change. */
  readonly live: boolean;
}

/** Loads the framework as Zeek's scripts do: config.log for every option change, Config::config_files read at start-up. */
export function loadConfigFramework(host: AnalyzerScriptHost, options: ConfigLoadOptions): ConfigFramework {
  const config = configFramework(host, { logs: options.logs, error: options.error, warning: options.warning });
  new ConfigFiles(config, options.live);
  return config;
}
