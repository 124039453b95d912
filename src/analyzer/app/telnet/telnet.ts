/**
 * Zeek's Telnet analyzer (login/Telnet.cc): each side goes through an NVT
 * (../ftp/nvt.ts in Telnet's mode: CR or LF ends a line, NULs stay, Telnet
 * commands taken out and their options followed, ./options.ts), and the
 * lines feed the login dialog (../login/login.ts). It never confirms (no
 * `telnet` in conn.log's service) and writes no log.
 *
 * Its limits are the NVT's: a line past 16 MiB less 100 bytes is handed on
 * in pieces with nvt_line_size_exceeded, a suboption that long is dropped
 * with nvt_option_size_exceeded; both name the NVT as their source and put
 * 'X' into the history, as Zeek's LimitReachedWeird does.
 *
 * As in Zeek, no port and no DPD signature starts it: a script registers it
 * (`Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp)` on the
 * command line, Engine.registerForPort in a user script).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { AnalyzerComponent, AnalyzerHost } from "../analyzer.js";
import { type NvtFlags, NvtLines, type NvtMode, type NvtOptionSink, type NvtSink } from "../ftp/nvt.js";
import { LoginAnalyzer } from "../login/login.js";
import { type TelnetOptionHost, TelnetOptions } from "./options.js";

export interface TelnetEvents {
  /** A side's AUTHENTICATION reply accepted the peer: its name ("<empty>" when it sent none). */
  authentication_accepted: [name: string, c: Connection];
  /** The same, rejected. */
  authentication_rejected: [name: string, c: Connection];
  /** ENCRYPT negotiated: that side's bytes are read no more. */
  activating_encryption: [c: Connection];
  /** An option offered or asked for against what was said before. */
  inconsistent_option: [c: Connection];
  /** A suboption Zeek cannot read (TERMINAL-TYPE, AUTHENTICATION, NEW-ENVIRON). */
  bad_option: [c: Connection];
  /** A suboption ended by IAC and something else than SE. */
  bad_option_termination: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends TelnetEvents {}
}

registerEvents<TelnetEvents>({
  authentication_accepted: true,
  authentication_rejected: true,
  activating_encryption: true,
  inconsistent_option: true,
  bad_option: true,
  bad_option_termination: true,
});

type ConnEvent = "activating_encryption" | "inconsistent_option" | "bad_option" | "bad_option_termination";

class TelnetAnalyzer extends LoginAnalyzer<NvtLines> implements NvtSink, NvtOptionSink, TelnetOptionHost {
  private readonly flags: NvtFlags = { singleCR: false, nulInLine: false };
  protected readonly sides: readonly [NvtLines, NvtLines];
  private readonly options = new TelnetOptions(this);

  constructor(host: AnalyzerHost) {
    super(host);
    const mode: NvtMode = { crIsEol: true, flagNuls: false, options: this };
    this.sides = [new NvtLines(true, this, this.flags, undefined, mode), new NvtLines(false, this, this.flags, undefined, mode)];
  }

  // ---------------------------------------------------------------- NvtSink

  weird(name: string, addl?: string): void {
    if (name.startsWith("nvt_")) this.host.limitReached(name, Number(addl ?? 0), 0, "NVT");
    else this.host.weird(name, addl ?? "", "NVT");
  }

  ignoreNul(): boolean {
    return false;
  }

  // ---------------------------------------------------------- NvtOptionSink

  option(isOrig: boolean, verb: number, code: number): void {
    this.options.option(isOrig, verb, code);
  }

  subOption(isOrig: boolean, data: Uint8Array): void {
    this.options.subOption(isOrig, data);
  }

  badTermination(): void {
    this.event("bad_option_termination");
  }

  // ------------------------------------------------------ TelnetOptionHost

  inconsistent(): void {
    this.event("inconsistent_option");
  }

  bad(): void {
    this.event("bad_option");
  }

  terminal(terminal: string): void {
    if (this.host.wants("login_terminal")) this.host.raise("login_terminal", this.host.conn(), terminal);
  }

  authentication(accepted: boolean, name: string): void {
    const event = accepted ? "authentication_accepted" : "authentication_rejected";
    if (this.host.wants(event)) this.host.raise(event, name, this.host.conn());
  }

  encrypting(isOrig: boolean): void {
    this.sides[isOrig ? 0 : 1].skip = true;
    this.event("activating_encryption");
  }

  binary(isOrig: boolean, on: boolean): void {
    this.sides[isOrig ? 0 : 1].binary = on;
  }

  env(isOrig: boolean, name: string, value: string): void {
    this.login.setEnv(isOrig, name, value);
  }

  private event(name: ConnEvent): void {
    if (this.host.wants(name)) this.host.raise(name, this.host.conn());
  }
}

/** Zeek's Telnet analyzer: no script registers it (Zeek's base scripts have no telnet protocol script, port or signature). */
export const TELNET: AnalyzerComponent = {
  name: "TELNET",
  script: "",
  /** Zeek's constructor makes a NVT_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  stream: (host) => new TelnetAnalyzer(host),
};
