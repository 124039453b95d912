/**
 * What Zeek's Telnet and Rlogin analyzers share (login/Login.cc, the
 * Login_Analyzer they derive from): each line of either side, its NULs
 * taken out (NUL_in_line, once per connection), is login_input_line or
 * login_output_line, and feeds a heuristic reading of the login dialog:
 * the client's lines are typeahead (at most 12), the server's are matched
 * against Zeek's seven login pattern sets (login_prompts,
 * login_failure_msgs, …) to decide when a login failed, succeeded, was
 * skipped, or when the heuristics got confused.
 *
 * Zeek's scripts leave the seven sets empty, and an empty Zeek pattern set
 * matches every line (RE_Matcher with no pattern: "an empty pattern matches
 * anything"): so under Zeek's defaults the first non-blank server line is a
 * timeout (login_failure, which without a username is login_confused
 * "no_username2"), and the first client line a "possible_login_ploy".
 * bronze keeps that reading. The sets are settings of the same names
 * (login_prompts={"login:"}), read as JavaScript regular expressions; a
 * match's end is the leftmost match's, where Zeek's DFA takes the earliest
 * end (the same for literal prompts).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { EngineSettings } from "../../../options.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost, StreamAnalyzer } from "../analyzer.js";

export interface LoginEvents {
  /** A login that appears to have failed: the user and password tried, the rlogin client user ("" for Telnet), the line that told. */
  login_failure: [c: Connection, user: string, client_user: string, password: string, line: string];
  /** A login that appears to have succeeded (same arguments as login_failure). */
  login_success: [c: Connection, user: string, client_user: string, password: string, line: string];
  /** Each client line, control sequences (Telnet options) taken out. */
  login_input_line: [c: Connection, line: string];
  /** Each server line. */
  login_output_line: [c: Connection, line: string];
  /** The dialog heuristics lost track: `msg` names why ("multiple_login_prompts", "possible_login_ploy", …). */
  login_confused: [c: Connection, msg: string, line: string];
  /** After login_confused: the typeahead, then each client line. */
  login_confused_text: [c: Connection, line: string];
  /** The terminal type: Telnet's TERMINAL-TYPE or TERM environment option, rlogin's prolog. */
  login_terminal: [c: Connection, terminal: string];
  /** DISPLAY from Telnet's environment option. */
  login_display: [c: Connection, display: string];
  /** TTYPROMPT from Telnet's environment option. */
  login_prompt: [c: Connection, prompt: string];
  /** A server line matched skip_authentication: the analyzer stops. */
  authentication_skipped: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends LoginEvents {}
}

registerEvents<LoginEvents>({
  login_failure: true,
  login_success: true,
  login_input_line: true,
  login_output_line: true,
  login_confused: true,
  login_confused_text: true,
  login_terminal: true,
  login_display: true,
  login_prompt: true,
  authentication_skipped: true,
});

/** Zeek's MatchAnywhere: 0 for no match, else the index just past the match. */
export type LoginMatcher = (line: string) => number;

/** An empty Zeek pattern set: it matches anything, at 1. */
const MATCHES_ANYTHING: LoginMatcher = () => 1;

/** Zeek's script-level pattern sets the dialog reads (init-bare.zeek). */
export interface LoginPatterns {
  readonly skipAuthentication: LoginMatcher;
  readonly directLoginPrompts: LoginMatcher;
  readonly loginPrompts: LoginMatcher;
  readonly nonFailureMsgs: LoginMatcher;
  readonly failureMsgs: LoginMatcher;
  readonly successMsgs: LoginMatcher;
  readonly timeouts: LoginMatcher;
}

/** Compiled sets, by the settings' Set objects (one compile per configuration, not per connection). */
const compiled = new WeakMap<ReadonlySet<string>, LoginMatcher>();

/**
 * One setting's matcher: any of its expressions (Zeek builds one pattern of
 * them all); an empty set matches anything, as Zeek's empty pattern.
 * Expressions JavaScript cannot compile are left out.
 */
export function loginMatcher(set: ReadonlySet<string>): LoginMatcher {
  let m = compiled.get(set);
  if (m !== undefined) return m;
  const res = [...set].flatMap((p) => {
    try {
      return [new RegExp(p)];
    } catch {
      return [];
    }
  });
  m =
    set.size === 0
      ? MATCHES_ANYTHING
      : (line) => {
          let end = 0;
          for (const re of res) {
            const hit = re.exec(line);
            if (hit === null) continue;
            // An empty match at the start still counts, at 1 (0 is Zeek's "no match").
            const at = Math.max(1, hit.index + hit[0].length);
            if (end === 0 || at < end) end = at;
          }
          return end;
        };
  compiled.set(set, m);
  return m;
}

/** The seven sets of an engine's settings. */
export function loginPatterns(settings: EngineSettings): LoginPatterns {
  return {
    skipAuthentication: loginMatcher(settings.skip_authentication),
    directLoginPrompts: loginMatcher(settings.direct_login_prompts),
    loginPrompts: loginMatcher(settings.login_prompts),
    nonFailureMsgs: loginMatcher(settings.login_non_failure_msgs),
    failureMsgs: loginMatcher(settings.login_failure_msgs),
    successMsgs: loginMatcher(settings.login_success_msgs),
    timeouts: loginMatcher(settings.login_timeouts),
  };
}

const enum State {
  Authenticate,
  LoggedIn,
  Skip,
  Confused,
}

/** If no prompt or failure by this many server lines, the dialog is lost. */
const MAX_AUTHENTICATE_LINES = 50;
/** Server lines after a prompt (plus the typeahead) that mean the login worked. */
const MAX_LOGIN_LOOKAHEAD = 10;
/** More typeahead than this is excessive_typeahead. */
const MAX_USER_TEXT = 12;
/** VMS's "repeat the previous line" sequence. */
const VMS_REPEAT = "\x1b[A";

function isEmpty(line: string): boolean {
  return line.trim() === "";
}

/** One connection's login dialog (Login_Analyzer's state). */
export class LoginDialog {
  private state = State.Authenticate;
  private readonly typeahead: string[] = [];
  /** The last user name reported (Rsh's server user name is put here). */
  username: string | null = null;
  /** The rlogin client user name (null for Telnet). */
  clientName: string | null = null;
  private linesScanned = 0;
  /** Client lines seen (rlogin's server user name counts as one). */
  userLinesSeen = 0;
  private lastFailureUserLines = -1;
  /** The server line of the last prompt (rlogin's prolog moves it too). */
  loginPromptLine = 0;
  private failureLine = 0;
  private isVms = false;
  private sawPloy = false;
  private nulFlagged = false;
  /** Zeek's SetSkip: the analyzer takes no more data. */
  skip = false;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly patterns: LoginPatterns = loginPatterns(host.settings),
  ) {}

  /** A line of either side as its support analyzer hands it over (Login_Analyzer::DeliverStream). */
  deliverLine(isOrig: boolean, line: Uint8Array): void {
    let text = "";
    let from = 0;
    for (let i = line.indexOf(0); i >= 0; i = line.indexOf(0, from)) {
      if (!this.nulFlagged) {
        this.nulFlagged = true;
        this.host.weird("NUL_in_line");
      }
      text += latin1(line.subarray(from, i));
      from = i + 1;
    }
    text += latin1(from === 0 ? line : line.subarray(from));
    this.newLine(isOrig, text);
  }

  /** A side's end (EndpointEOF): typeahead left while authenticating is taken as a login. */
  endpointEof(): void {
    if (this.state === State.Authenticate && this.typeahead.length > 0) {
      this.loginEvent("login_success", "<EOF>", true);
      this.state = State.LoggedIn;
    }
  }

  private newLine(isOrig: boolean, line: string): void {
    if (this.state === State.Skip) return;
    const host = this.host;
    if (isOrig && host.wants("login_input_line")) host.raise("login_input_line", host.conn(), line);
    if (!isOrig && host.wants("login_output_line")) host.raise("login_output_line", host.conn(), line);
    if (this.state === State.LoggedIn) return;
    if (this.state === State.Authenticate) {
      // A dialog whose start was not seen cannot be followed.
      if (!host.isPartial()) {
        this.authenticationDialog(isOrig, line);
        return;
      }
      this.state = State.Confused;
    }
    if (isOrig) {
      this.isPloy(line);
      this.confusionText(line);
    } else if (!this.sawPloy && this.patterns.successMsgs(line) > 0) {
      this.loginEvent("login_success", line, true);
      this.state = State.LoggedIn;
    }
  }

  private authenticationDialog(isOrig: boolean, line: string): void {
    if (isOrig) {
      if (this.isVms && line.includes(VMS_REPEAT)) {
        this.vmsRepeat(line);
        return;
      }
      this.userLinesSeen++;
      if (!this.isPloy(line)) this.addUserText(line);
      return;
    }
    // Some servers send many blank lines.
    if (isEmpty(line)) return;
    if (++this.linesScanned > MAX_AUTHENTICATE_LINES && this.loginPromptLine === 0 && this.failureLine === 0) this.confused("no_login_prompt", line);
    const prompt = this.isLoginPrompt(line);
    const timeout = this.patterns.timeouts(line) > 0;
    if (prompt !== null && this.patterns.successMsgs(line) === 0 && !timeout) this.sawPrompt(line, prompt);
    else if (timeout || this.isFailureMsg(line)) this.sawFailure(line, timeout);
    else if (this.patterns.skipAuthentication(line) > 0) {
      if (this.host.wants("authentication_skipped")) this.host.raise("authentication_skipped", this.host.conn());
      this.state = State.Skip;
      this.skip = true;
    } else if (
      this.patterns.successMsgs(line) > 0 ||
      (this.loginPromptLine > 0 && this.linesScanned > this.loginPromptLine + MAX_LOGIN_LOOKAHEAD + this.typeahead.length)
    ) {
      this.loginEvent("login_success", line);
      this.state = State.LoggedIn;
    }
  }

  /** VMS repeats the user name (not the last line, the password) for ESC [ A. */
  private vmsRepeat(line: string): void {
    const at = line.indexOf(VMS_REPEAT);
    if (at + VMS_REPEAT.length < line.length) this.confused("extra_repeat_text", line);
    else if (this.username === null) this.confused("repeat_without_username", line);
    else if (this.username.includes(VMS_REPEAT)) this.confused("username_with_embedded_repeat", this.username);
    else this.newLine(true, this.username);
  }

  private sawPrompt(line: string, first: string): void {
    this.isVms = line.includes("Username:");
    // Several prompts (on one line or adjacent ones) each consume a line of typeahead.
    const multiLine = this.loginPromptLine === this.linesScanned - 1 && this.loginPromptLine !== this.failureLine;
    let prompt = first;
    for (;;) {
      const next = prompt !== "" ? this.isLoginPrompt(prompt.slice(1)) : null;
      if (next === null && !multiLine) break;
      if (this.typeahead.length === 0) {
        this.confused("multiple_login_prompts", line);
        break;
      }
      const empty = isEmpty(this.typeahead.shift()!);
      if (multiLine) break;
      if (!empty) {
        this.confused("non_empty_multi_login", line);
        break;
      }
      prompt = next!;
    }
    if (this.state === State.Confused) return;
    const user = prompt.trimStart();
    if (user !== "" && this.typeahead.length === 0) this.addUserText(user);
    this.loginPromptLine = this.linesScanned;
    if (this.patterns.directLoginPrompts(line) > 0) {
      this.loginEvent("login_success", line, true);
      this.state = State.LoggedIn;
      this.skip = true;
    }
  }

  private sawFailure(line: string, timeout: boolean): void {
    // One failure per round of typing (a timeout often follows a read error).
    if (this.userLinesSeen > this.lastFailureUserLines) {
      if (timeout) this.addUserText("<timeout>");
      this.loginEvent("login_failure", line);
    }
    this.loginPromptLine = this.failureLine = this.linesScanned;
    this.lastFailureUserLines = this.userLinesSeen;
  }

  /** Telnet's environment option (SetEnv): USER, TERM, DISPLAY, TTYPROMPT. */
  setEnv(isOrig: boolean, name: string, value: string): void {
    const host = this.host;
    if (!isOrig) this.confused("responder_environment", name);
    else if (name === "USER") {
      if (this.username !== null && this.username !== value) this.confused("multiple_USERs", value);
      this.username = value;
    } else if (name === "TERM") {
      if (host.wants("login_terminal")) host.raise("login_terminal", host.conn(), value);
    } else if (name === "DISPLAY") {
      if (host.wants("login_display")) host.raise("login_display", host.conn(), value);
    } else if (name === "TTYPROMPT" && host.wants("login_prompt")) host.raise("login_prompt", host.conn(), value);
  }

  /** Typeahead (complains past MAX_USER_TEXT); rlogin's server user name comes here too. */
  addUserText(line: string): void {
    if (this.typeahead.length >= MAX_USER_TEXT) this.confused("excessive_typeahead", line);
    else this.typeahead.push(line);
  }

  private isLoginPrompt(line: string): string | null {
    const at = this.patterns.loginPrompts(line);
    // IRIX can say "login: ERROR: Login incorrect".
    if (at === 0 || this.isFailureMsg(line)) return null;
    return line.slice(at);
  }

  private isFailureMsg(line: string): boolean {
    return this.patterns.failureMsgs(line) > 0 && this.patterns.nonFailureMsgs(line) === 0;
  }

  /** A client line that looks like server text: somebody may be faking a dialog. */
  private isPloy(line: string): boolean {
    const p = this.patterns;
    if (this.isLoginPrompt(line) === null && !this.isFailureMsg(line) && p.successMsgs(line) === 0 && p.skipAuthentication(line) === 0) return false;
    this.sawPloy = true;
    this.confused("possible_login_ploy", line);
    return true;
  }

  private loginEvent(event: "login_success" | "login_failure", line: string, noUserOkay = false): void {
    // Zeek decides nothing here without a handler (the typeahead stays).
    if (!this.host.wants(event)) return;
    if (this.loginPromptLine > this.failureLine) {
      while (this.typeahead.length > 0 && isEmpty(this.typeahead[0]!)) this.typeahead.shift();
      if (this.typeahead.length > 0) this.username = this.typeahead.shift()!;
      else if (noUserOkay) this.username = "<none>";
      else return this.confused("no_username", line);
    } else if (this.username === null) {
      // A reprompt after a failure: the earlier user name still holds.
      if (!noUserOkay) return this.confused("no_username2", line);
      this.username = "<none>";
    }
    const password = this.typeahead.shift() ?? "<none>";
    this.host.raise(event, this.host.conn(), this.username, this.clientName ?? "", password, line);
  }

  private confused(msg: string, line: string): void {
    this.state = State.Confused;
    const host = this.host;
    if (host.wants("login_confused")) host.raise("login_confused", host.conn(), msg, line);
    if (!host.wants("login_confused_text")) return;
    for (const text of this.typeahead.splice(0)) this.confusionText(text);
    this.confusionText(line);
  }

  private confusionText(line: string): void {
    if (this.host.wants("login_confused_text")) this.host.raise("login_confused_text", this.host.conn(), line);
  }
}

/** One side's support analyzer of a login analyzer (Telnet's NVT, Rlogin's and Rsh's contents analyzers). */
export interface LoginSide {
  deliver(data: Uint8Array): void;
  /** The side's end: a partial line is completed (ContentLine's EndpointEOF delivers a "\n"). */
  endOfData(): void;
}

/**
 * Login_Analyzer as a stream analyzer: both sides through their support
 * analyzers, which hand lines to `login`; once the dialog says skip
 * (Zeek's SetSkip) nothing more is read.
 */
export abstract class LoginAnalyzer<S extends LoginSide> implements StreamAnalyzer {
  protected readonly login: LoginDialog;
  protected abstract readonly sides: readonly [S, S];

  constructor(readonly host: AnalyzerHost) {
    this.login = new LoginDialog(host);
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (!this.login.skip) this.sides[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(): void {}

  endOfData(isOrig: boolean): void {
    if (this.login.skip) return;
    this.sides[isOrig ? 0 : 1].endOfData();
    this.login.endpointEof();
  }

  done(): void {}

  /** A line of a side, as its support analyzer forwards it. */
  line(isOrig: boolean, line: Uint8Array): void {
    if (!this.login.skip) this.login.deliverLine(isOrig, line);
  }
}
