/**
 * Zeek's config framework (base/frameworks/config, as a standalone node
 * runs it): options changed while the run goes on, with
 * Config::set_value(id, value, location) and change handlers
 * (Option::set_change_handler) that see each new value in priority order
 * and may replace it; the framework's own handler, at priority -100,
 * writes each change to config.log. Options are bronze's settings that are
 * Zeek options (engine-options.ts) and the ones scripts declare (Zeek's
 * `option` statement). Config files are read by files.ts.
 *
 * One framework per engine: made with the built-in scripts (Zeek loads it
 * with -b too, from init-frameworks-and-bifs), or when a script first asks.
 */

import type { WeirdSampling } from "../../event/weirds.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { LogWriter } from "../../log/writer.js";
import { networkTime } from "../capture-loss.js";
import type { AnalyzerScriptHost } from "../host.js";
import { ENGINE_OPTIONS, engineOption, type OptionBinding } from "./engine-options.js";
import { readConfigOnce } from "./files.js";
import { checkSupportedType, conformValue, formatValue, type OptionShape, type OptionType, type OptionValue, valueTypeName, zeekTypeName } from "./values.js";

export const CONFIG_SCRIPT = "base/frameworks/config";

export const CONFIG_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["id", "string"],
  ["old_value", "string"],
  ["new_value", "string"],
  ["location", "string"],
);

/** The priority of the framework's handler that writes config.log (config_option_changed). */
const LOG_PRIORITY = -100;

/** A location that keeps a change out of config.log (Zeek's "<skip-config-log>", for the engine's own changes). */
export const SKIP_CONFIG_LOG = "<skip-config-log>";

/**
 * A change handler (Zeek's Option::set_change_handler function): given the
 * option's name, its new value and where the change came from, it returns
 * the value to set (the same, or another of the option's type).
 */
export type ChangeHandler = (id: string, value: OptionValue, location: string) => OptionValue;

/** An option a script declares (Zeek's `option NAME: TYPE = VALUE`). */
export interface OptionDeclaration {
  readonly type: OptionType;
  readonly value: OptionValue;
  /** For enums: the enum's full names (Module::NAME) in declaration order. */
  readonly enumValues?: readonly string[];
}

/** What the framework writes and reports with. */
export interface ConfigDeps {
  /** The run's logs: config.log is written when given (the framework is loaded), else changes are not logged. */
  readonly logs?: LogManager;
  /** Reporter::error: the built-in functions' errors (unknown option, wrong type). */
  readonly error: (message: string) => void;
  /** Reporter::warning: the config reader's warnings. */
  readonly warning: (message: string) => void;
}

interface OptionEntry {
  readonly binding: OptionBinding;
  readonly handlers: Array<{ fn: ChangeHandler; priority: number }>;
}

/** A handler of a config file's end of data (Zeek's Input::end_of_data): the input's name ("config-PATH", "config-oneshot-PATH") and the path. */
export type EndOfDataHandler = (name: string, source: string) => void;

export class ConfigFramework {
  private readonly options = new Map<string, OptionEntry>();
  private log: LogWriter | null = null;
  private readonly endOfData: EndOfDataHandler[] = [];

  constructor(
    readonly host: AnalyzerScriptHost,
    readonly deps: ConfigDeps,
  ) {
    for (const name of ENGINE_OPTIONS) this.add(name, engineOption(host.settings, name));
    const sampling = weirdSamplingOf(host);
    if (sampling !== null) for (const [name, binding] of weirdSamplingOptions(sampling)) this.add(name, binding);
  }

  /** Declares an option of the script's own (Zeek's `option` statement); a name already taken throws. */
  declare(name: string, declaration: OptionDeclaration): void {
    if (this.options.has(name)) throw new Error(`option ${name} is already declared`);
    checkSupportedType(declaration.type);
    const shape: OptionShape = { type: declaration.type, enumValues: declaration.enumValues };
    const initial = conformValue(shape, declaration.value);
    if (initial === null) throw new TypeError(`option ${name}: its value is not of type ${zeekTypeName(declaration.type)}`);
    let value = initial;
    this.add(name, { shape, get: () => value, set: (v) => void (value = v) });
  }

  /** The names of the options (Zeek's global_options()). */
  names(): string[] {
    return [...this.options.keys()];
  }

  has(name: string): boolean {
    return this.options.has(name);
  }

  /** An option's type, or undefined when there is no such option. */
  shape(name: string): OptionShape | undefined {
    return this.options.get(name)?.binding.shape;
  }

  /** An option's current value (Zeek's lookup_ID), or undefined when there is no such option. */
  value(name: string): OptionValue | undefined {
    return this.options.get(name)?.binding.get();
  }

  /**
   * Config::set_value (Option::set on a standalone node): checks the value
   * against the option's type, runs the change handlers, highest priority
   * first, each given what the one before returned, and sets the last one's
   * value. False, with a reporter error, for an unknown option or a value
   * of another type.
   */
  setValue(id: string, value: unknown, location = ""): boolean {
    const entry = this.options.get(id);
    if (entry === undefined) return this.fail(`Could not find ID named '${id}'`);
    const shape = entry.binding.shape;
    let next = conformValue(shape, value);
    if (next === null) return this.fail(`Incompatible type for set of ID '${id}': got '${valueTypeName(value)}', need '${zeekTypeName(shape.type)}'`);
    for (const h of entry.handlers) {
      const returned = h.fn(id, next, location);
      const conformed = conformValue(shape, returned);
      if (conformed === null)
        return this.fail(`Passed function needs to return type '${zeekTypeName(shape.type)}' for ID '${id}'; got '${valueTypeName(returned)}'`);
      next = conformed;
    }
    entry.binding.set(next);
    return true;
  }

  /**
   * Option::set_change_handler: `handler` sees each change of option `id`
   * before it is made (higher priorities first; equal ones in the order they
   * were added). False, with a reporter error, for an unknown option.
   */
  onChange(id: string, handler: ChangeHandler, priority = 0): boolean {
    const entry = this.options.get(id);
    if (entry === undefined) return this.fail(`Could not find ID named '${id}'`);
    addHandler(entry, handler, priority);
    return true;
  }

  /**
   * Config::read_config: reads config file `path` once, now, each of its
   * lines setting an option (the path as location); no change tracking.
   */
  readConfig(path: string): void {
    readConfigOnce(this, path);
  }

  /** Input::end_of_data for config files: `handler` runs after each read of one, its lines applied. */
  onEndOfData(handler: EndOfDataHandler): void {
    this.endOfData.push(handler);
  }

  /** A config file was read (files.ts): the end-of-data handlers run. */
  readDone(name: string, source: string): void {
    for (const h of this.endOfData) h(name, source);
  }

  /** An option's value as config.log writes it (format_value). */
  format(name: string, value: OptionValue): string {
    return formatValue(this.options.get(name)!.binding.shape, value, this.host.tableHash);
  }

  private add(name: string, binding: OptionBinding): void {
    const entry: OptionEntry = { binding, handlers: [] };
    this.options.set(name, entry);
    // config_option_changed, on every option: config.log sees the value the handlers above it made.
    if (this.deps.logs !== undefined) addHandler(entry, (id, value, location) => this.logChange(id, value, location), LOG_PRIORITY);
  }

  /** A config.log row: the option's value before the change and the one being set. */
  private logChange(id: string, value: OptionValue, location: string): OptionValue {
    if (location === SKIP_CONFIG_LOG) return value;
    this.log ??= this.deps.logs!.open({ path: "config", fields: CONFIG_FIELDS });
    const old = this.format(id, this.options.get(id)!.binding.get());
    this.log.write([networkTime(this.host), id, old, this.format(id, value), location === "" ? undefined : location]);
    return value;
  }

  private fail(message: string): false {
    this.deps.error(message);
    return false;
  }
}

/** Adds a handler in priority order (a stable insertion keeps equal priorities in the order they came). */
function addHandler(entry: OptionEntry, fn: ChangeHandler, priority: number): void {
  const at = entry.handlers.findIndex((h) => h.priority < priority);
  entry.handlers.splice(at < 0 ? entry.handlers.length : at, 0, { fn, priority });
}

/** The engine's weird sampling (Weird::sampling_* are options, base/frameworks/config/weird applies them), if the host has it. */
function weirdSamplingOf(host: AnalyzerScriptHost): WeirdSampling | null {
  const weirds = (host as Partial<{ weirds: { sampling: WeirdSampling } }>).weirds;
  return weirds?.sampling ?? null;
}

/** Weird::sampling_* as options over the engine's sampling, which reads them at each weird. */
function weirdSamplingOptions(s: WeirdSampling): Array<[string, OptionBinding]> {
  const count = (key: "threshold" | "rate"): OptionBinding => ({
    shape: { type: "count" },
    get: () => s[key],
    set: (v) => void (s[key] = v as number),
  });
  const names = (key: "whitelist" | "globalList"): OptionBinding => ({
    shape: { type: "set[string]" },
    get: () => s[key] as ReadonlySet<string>,
    set: (v) => void (s[key] = v as ReadonlySet<string>),
  });
  return [
    ["Weird::sampling_whitelist", names("whitelist")],
    ["Weird::sampling_global_list", names("globalList")],
    ["Weird::sampling_threshold", count("threshold")],
    ["Weird::sampling_rate", count("rate")],
    ["Weird::sampling_duration", { shape: { type: "interval" }, get: () => s.duration, set: (v) => void (s.duration = v as number) }],
  ];
}

const frameworks = new WeakMap<AnalyzerScriptHost, ConfigFramework>();

/** The config framework of `host`, made on first use. */
export function configFramework(host: AnalyzerScriptHost, deps: ConfigDeps): ConfigFramework {
  let framework = frameworks.get(host);
  if (framework === undefined) frameworks.set(host, (framework = new ConfigFramework(host, deps)));
  return framework;
}
