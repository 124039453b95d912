/**
 * Config files (base/frameworks/config/input): each path of
 * Config::config_files is read at start-up, before the first packet, and
 * its lines set options with Config::set_value, the file's path as the
 * location (config.log's location column). Capturing live, a file is read
 * again when it changes (Zeek's Input::REREAD: another modification time
 * or inode), between packets; only lines whose value changed since the
 * last read are applied. Config::read_config reads a file once.
 */
import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { zeekSetOrder } from "../../zeek-table/table.js";
import type { ConfigFramework } from "./framework.js";
import { ConfigReaderState, type ConfigSeparators, ConfigValueError, configLines, invalidEnumNames, parseOptionText } from "./reader.js";
import { isTableType, zeekTypeName } from "./values.js";

/** The reader's name in its messages (Zeek's Input::READER_CONFIG). */
const READER = "Input::READER_CONFIG";

/** How often a watched file is looked at, in milliseconds (Zeek's input heartbeat is one second). */
const REREAD_POLL_MS = 1000;

/** The zeek_init priority of the start-up read: after the scripts' own zeek_init handlers, as Zeek's reader thread answers after zeek_init. */
const STARTUP_READ_PRIORITY = -1000;

/** One config file's reader: its path and memory of the last read. */
class ConfigFileReader {
  private readonly state = new ConfigReaderState();
  /** The file's identity when it was last read (Zeek's REREAD compares inode and modification time). */
  private readIdentity = "";

  constructor(
    private readonly config: ConfigFramework,
    readonly path: string,
    /** The input's name, as Zeek names it: "config-PATH", or "config-oneshot-PATH" for Config::read_config. */
    private readonly name: string,
  ) {}

  /** A warning as Zeek's reader thread words it: "<path>/Input::READER_CONFIG: <message>". */
  private warn(message: string): void {
    this.config.deps.warning(`${this.path}/${READER}: ${message}`);
  }

  /** Reads the file now; false (with a warning) when it cannot be read. */
  readNow(): boolean {
    let text: string;
    try {
      this.readIdentity = identity(statSync(this.path));
      text = readFileSync(this.path, "latin1");
    } catch {
      this.warn(`Init: cannot open ${this.path}`);
      return false;
    }
    this.apply(text);
    return true;
  }

  /** Applies a read of the file's text: each line that names an option and changed its value. */
  apply(text: string): void {
    const separators = inputSeparators(this.config);
    this.state.startRead();
    for (const l of configLines(text, separators, (m) => this.warn(m))) {
      const shape = this.config.shape(l.name);
      if (shape === undefined) {
        this.warn(`Option '${l.name}' does not exist. Ignoring line.`);
        continue;
      }
      if (isTableType(shape.type)) {
        // Zeek's reader takes sets, vectors and scalars only.
        this.warn(`Option '${l.name}' has type '${zeekTypeName(shape.type)}', which is not supported for file input. Ignoring line.`);
        continue;
      }
      let parsed: ReturnType<typeof parseOptionText>;
      try {
        parsed = parseOptionText(shape, l.value, l.name, separators);
      } catch (e) {
        if (!(e instanceof ConfigValueError)) throw e;
        for (const w of e.warnings) this.warn(w);
        this.warn(`Could not convert line '${l.line}' to value. Ignoring line.`);
        continue;
      }
      if (!this.state.changes(l.name, l.value)) continue;
      const { value, valueErrors } = parsed;
      for (const e of valueErrors) this.config.deps.error(e);
      // Enum names are checked when the value reaches the script layer, as Zeek's input manager does.
      const bad = invalidEnumNames(shape, value);
      if (bad.length > 0) {
        this.config.deps.warning(`Value '${bad[0]!}' for source 'thread ${this.path}/${READER}' is not a valid enum.`);
        this.config.deps.error("SendEvent for event InputConfig::new_value failed");
        continue;
      }
      this.config.setValue(l.name, value, this.path);
    }
    this.state.endRead();
    this.config.readDone(this.name, this.path);
  }

  /**
   * Reads the file again if it is another than the one last read (mv'd in
   * place, or written), without blocking: the stat and the read are
   * asynchronous, the lines applied when they are in. Resolves once done.
   */
  async rereadIfChanged(stillWanted: () => boolean): Promise<void> {
    let now: string;
    try {
      now = identity(await stat(this.path));
    } catch {
      return; // gone for now (being replaced): looked at again at the next poll
    }
    if (now === this.readIdentity) return;
    const text = await readFile(this.path, "latin1").catch(() => null);
    if (text === null || !stillWanted()) return;
    this.readIdentity = now;
    this.apply(text);
  }
}

/** A file's identity for REREAD: its inode and modification time. */
function identity(s: { ino: number; mtimeMs: number }): string {
  return `${s.ino}:${s.mtimeMs}`;
}

/** The config files of a run: read at start-up, watched while capturing live. */
export class ConfigFiles {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly config: ConfigFramework,
    /** Capturing live: files are read again when they change. */
    private readonly live: boolean,
  ) {
    const host = config.host;
    host.on("zeek_init", () => this.start(), { priority: STARTUP_READ_PRIORITY });
    host.on("zeek_done", () => this.stop());
  }

  /** Reads each file of Config::config_files (in Zeek's order of the set), and watches it when live. */
  private start(): void {
    const paths = zeekSetOrder(this.config.host.tableHash.string, this.config.host.settings["Config::config_files"]);
    for (const path of paths) {
      const reader = new ConfigFileReader(this.config, path, `config-${path}`);
      reader.readNow();
      if (this.live) this.watch(reader);
    }
  }

  /** Polls the file (as Zeek's input heartbeat does) and reads it again when it changed; a poll waits for the one before. */
  private watch(reader: ConfigFileReader): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.stopped) return;
      busy = true;
      reader
        .rereadIfChanged(() => !this.stopped)
        // A change handler that throws is reported, as a handler's exception is; the watch goes on.
        .catch((e: unknown) => this.config.deps.error(`${reader.path}: ${e instanceof Error ? e.message : String(e)}`))
        .finally(() => (busy = false));
    }, REREAD_POLL_MS);
    // The capture keeps the process alive, not the watch.
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops watching (end of input). */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
  }
}

/** Config::read_config: reads `path` once, now, its lines applied as a config file's (no memory of other reads). */
export function readConfigOnce(config: ConfigFramework, path: string): void {
  new ConfigFileReader(config, path, `config-oneshot-${path}`).readNow();
}

/** InputConfig's separators, as the settings have them at the read. */
function inputSeparators(config: ConfigFramework): ConfigSeparators {
  const s = config.host.settings;
  return { set: s["InputConfig::set_separator"], empty: s["InputConfig::empty_field"] };
}
