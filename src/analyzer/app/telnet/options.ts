/**
 * Telnet option negotiation as Zeek's NVT follows it (login/NVT.cc,
 * TelnetOption and its five kinds): per side the options it was told about
 * (WILL/WONT/DO/DONT received from the peer), which of them are active, and
 * the suboptions of TERMINAL-TYPE, AUTHENTICATION, ENCRYPT and
 * NEW-ENVIRON. Other option codes are not followed, as in Zeek.
 */
import { latin1 } from "../../../packet/bytes.js";

export const OPT_BINARY = 0;
export const OPT_TERMINAL = 24;
export const OPT_AUTHENTICATE = 37;
export const OPT_ENCRYPT = 38;
export const OPT_ENVIRON = 39;
const KNOWN = new Set([OPT_BINARY, OPT_TERMINAL, OPT_AUTHENTICATE, OPT_ENCRYPT, OPT_ENVIRON]);

const WILL = 251;
const WONT = 252;
const DO = 253;
const DONT = 254;

const IS = 0;
const SEND = 1;
/** ENCRYPT suboption commands. */
const ENCRYPT_STARTING = 3;
const ENCRYPT_REQUEST_START = 5;
/** AUTHENTICATION suboption commands and replies. */
const AUTH_IS = 0;
const AUTH_SEND = 1;
const AUTH_REPLY = 2;
const AUTH_NAME = 3;
const AUTH_REJECT = 1;
const AUTH_ACCEPT = 2;
/** NEW-ENVIRON suboption commands and codes. */
const ENV_INFO = 2;
const ENV_VAR = 0;
const ENV_VAL = 1;
const ENV_ESC = 2;
const ENV_USERVAR = 3;

/** What the negotiation reports: Zeek's NVT events and the login analyzer's hooks. */
export interface TelnetOptionHost {
  inconsistent(): void;
  bad(): void;
  terminal(terminal: string): void;
  /** A side's authentication was accepted or rejected: the peer's name ("<empty>" without one). */
  authentication(accepted: boolean, name: string): void;
  /** A side starts encrypting: it is read no more. */
  encrypting(isOrig: boolean): void;
  binary(isOrig: boolean, on: boolean): void;
  env(isOrig: boolean, name: string, value: string): void;
}

class TelnetOption {
  will = false;
  wont = false;
  do = false;
  dont = false;
  active = false;
  /** ENCRYPT: REQUEST-START seen; encryption started. AUTHENTICATION: SEND seen. */
  requested = 0;
  encrypting = 0;

  constructor(readonly code: number) {}
}

/** One side's option state (the options its NVT holds). */
class Side {
  readonly options = new Map<number, TelnetOption>();
  authName: string | null = null;
  authAccepted = false;

  find(code: number): TelnetOption | null {
    if (!KNOWN.has(code)) return null;
    let opt = this.options.get(code);
    if (opt === undefined) this.options.set(code, (opt = new TelnetOption(code)));
    return opt;
  }
}

export class TelnetOptions {
  private readonly sides = [new Side(), new Side()] as const;

  constructor(private readonly host: TelnetOptionHost) {}

  private side(isOrig: boolean): Side {
    return this.sides[isOrig ? 0 : 1];
  }

  /** WILL/WONT/DO/DONT of `code` received by side `isOrig` from its peer (TelnetOption::RecvOption). */
  option(isOrig: boolean, verb: number, code: number): void {
    const opt = this.side(isOrig).find(code);
    const peer = this.side(!isOrig).find(code);
    if (opt === null || peer === null) return;
    if (verb === WILL) {
      if (opt.dont || peer.wont || peer.active) this.inconsistent(opt);
      peer.will = true;
      if (opt.do) this.setActive(!isOrig, peer, true);
    } else if (verb === WONT) {
      if (peer.will && !opt.dont) this.inconsistent(opt);
      peer.wont = true;
      if (opt.dont) this.setActive(!isOrig, peer, false);
    } else if (verb === DO) {
      if (opt.wont || peer.dont || opt.active) this.inconsistent(opt);
      peer.do = true;
      if (opt.will) this.setActive(isOrig, opt, true);
    } else if (verb === DONT) {
      if (peer.do && !opt.wont) this.inconsistent(opt);
      peer.dont = true;
      if (opt.wont) this.setActive(isOrig, opt, false);
    }
  }

  /** A suboption side `isOrig` sent: its code, then its bytes (NVT_Analyzer::SawSubOption). */
  subOption(isOrig: boolean, data: Uint8Array): void {
    if (data.length === 0) return;
    const opt = this.side(isOrig).find(data[0]!);
    if (opt === null) return;
    const body = data.subarray(1);
    if (opt.code === OPT_TERMINAL) this.terminal(body);
    else if (opt.code === OPT_ENCRYPT) this.encrypt(isOrig, opt, body);
    else if (opt.code === OPT_AUTHENTICATE) this.authenticate(isOrig, opt, body);
    else if (opt.code === OPT_ENVIRON) this.environment(isOrig, body);
  }

  private inconsistent(opt: TelnetOption): void {
    // Zeek ignores BINARY's: it gets turned on redundantly, harmlessly.
    if (opt.code !== OPT_BINARY) this.host.inconsistent();
  }

  private setActive(isOrig: boolean, opt: TelnetOption, on: boolean): void {
    opt.active = on;
    if (opt.code === OPT_BINARY) this.host.binary(isOrig, on);
  }

  private terminal(body: Uint8Array): void {
    if (body.length === 0 || (body[0] !== SEND && body[0] !== IS)) this.host.bad();
    else if (body[0] === IS) this.host.terminal(latin1(body.subarray(1)));
  }

  private encrypt(isOrig: boolean, opt: TelnetOption, body: Uint8Array): void {
    if (!opt.active) return this.inconsistent(opt);
    if (body.length === 0) return this.host.bad();
    if (body[0] === ENCRYPT_REQUEST_START) opt.requested++;
    else if (body[0] === ENCRYPT_STARTING) {
      const peer = this.side(!isOrig).find(opt.code)!;
      if (peer.requested > 0 || peer.encrypting > 0 || this.side(!isOrig).authAccepted) {
        opt.encrypting++;
        this.host.encrypting(isOrig);
      } else this.inconsistent(opt);
    }
  }

  private authenticate(isOrig: boolean, opt: TelnetOption, body: Uint8Array): void {
    if (body.length === 0) return this.host.bad();
    const side = this.side(isOrig);
    const cmd = body[0]!;
    if (cmd === AUTH_IS) {
      if (this.side(!isOrig).find(opt.code)!.requested === 0) this.inconsistent(opt);
    } else if (cmd === AUTH_SEND) opt.requested++;
    else if (cmd === AUTH_REPLY) {
      if (body.length <= 1) return this.host.bad();
      // Other replies may exist: no complaint.
      if (body[1] !== AUTH_REJECT && body[1] !== AUTH_ACCEPT) return;
      side.authAccepted = body[1] === AUTH_ACCEPT;
      this.host.authentication(side.authAccepted, this.side(!isOrig).authName ?? "<empty>");
    } else if (cmd === AUTH_NAME) {
      // A C string: it ends at a NUL.
      const name = body.subarray(1);
      const nul = name.indexOf(0);
      side.authName = latin1(nul < 0 ? name : name.subarray(0, nul));
    } else this.host.bad();
  }

  /** NEW-ENVIRON IS/INFO: VAR/USERVAR name, VAL value pairs (TelnetEnvironmentOption). */
  private environment(isOrig: boolean, body: Uint8Array): void {
    if (body.length === 0) return this.host.bad();
    // SEND asks for the environment; the dialog is not followed.
    if (body[0] === SEND) return;
    if (body[0] !== IS && body[0] !== ENV_INFO) return this.host.bad();
    let at = 1;
    while (at < body.length) {
      const name = extractEnv(body, at);
      const value = name === null ? null : extractEnv(body, name.next);
      if (name === null || value === null || (name.code !== ENV_VAR && name.code !== ENV_USERVAR) || value.code !== ENV_VAL) {
        this.host.bad();
        return;
      }
      this.host.env(isOrig, name.text, value.text);
      at = value.next;
    }
  }
}

/**
 * One piece of an environment suboption at `at`: its code and text, and
 * where the next starts. As Zeek's ExtractEnv, an ESC ends the piece just
 * after the byte it escapes (kept), where the next piece then starts.
 */
function extractEnv(d: Uint8Array, at: number): { code: number; text: string; next: number } | null {
  if (at >= d.length) return null;
  const code = d[at]!;
  if (code !== ENV_VAR && code !== ENV_VAL && code !== ENV_USERVAR) return null;
  const start = at + 1;
  let end = start;
  for (; end < d.length; end++) {
    const b = d[end]!;
    if (b === ENV_VAR || b === ENV_VAL || b === ENV_USERVAR) break;
    if (b === ENV_ESC) {
      if (++end >= d.length) return null;
      break;
    }
  }
  let text = "";
  for (let i = start, n = 0; n < end - start; n++, i++) {
    if (d[i] === ENV_ESC) i++;
    text += String.fromCharCode(d[i] ?? 0);
  }
  return { code, text, next: end };
}
