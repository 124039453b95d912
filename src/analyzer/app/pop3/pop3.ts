/**
 * The POP3 analyzer, as Zeek's (src/analyzer/protocol/pop3/POP3.cc): the
 * client's commands queued until the server answers (pipelining, at most
 * POP3::max_pending_commands), the AUTHORIZATION/TRANSACTION/UPDATE states,
 * logins (USER/PASS, APOP, AUTH LOGIN/PLAIN/CRAM-MD5 with base64 answers),
 * multi-line replies up to the lone ".", the messages of RETR and TOP handed
 * to the MIME parser (../mime/mail.ts: their entities become files), and
 * STLS answered with +OK handing the rest of the stream to an SSL child.
 *
 * Zeek's default scripts name no POP3 files: the files framework's fallback
 * handle (uid, side, network time) names them, as Zeek's does.
 */

import { zeekTimeText } from "../../../files/manager.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { ContentLine, type LineConsumer } from "../http/content-line.js";
import { Base64Converter } from "../mime/decode.js";
import { type MailOwner, MimeMail } from "../mime/mail.js";
import { ReentryGuard } from "../reentry.js";
import "./events.js";

/** POP3::max_pending_commands. */
const MAX_PENDING_COMMANDS = 10;

/** Zeek's POP3_Cmd codes, in its order. */
const enum Cmd {
  OK,
  ERR,
  USER,
  PASS,
  APOP,
  AUTH,
  STAT,
  LIST,
  RETR,
  DELE,
  RSET,
  NOOP,
  LAST,
  QUIT,
  TOP,
  CAPA,
  UIDL,
  STLS,
  XSENDER,
  END,
}
const COMMANDS = [
  "OK",
  "ERR",
  "USER",
  "PASS",
  "APOP",
  "AUTH",
  "STAT",
  "LIST",
  "RETR",
  "DELE",
  "RSET",
  "NOOP",
  "LAST",
  "QUIT",
  "TOP",
  "CAPA",
  "UIDL",
  "STLS",
  "XSENDER",
  "END",
];

const enum Master {
  Start,
  Authorization,
  Transaction,
  Update,
  Finished,
}

const enum St {
  Start,
  User,
  Pass,
  Apop,
  Auth,
  AuthPlain,
  AuthLogin,
  AuthCramMd5,
  Noop,
  Last,
  Stat,
  List,
  Retr,
  Dele,
  Uidl,
  Top,
  Quit,
  Rset,
  Capa,
  Stls,
  Xsender,
  Misc,
  End,
}

/** The C string a line is for Zeek's string functions: up to its first NUL. */
function cString(s: string): string {
  const z = s.indexOf("\0");
  return z < 0 ? s : s.slice(0, z);
}

/** Zeek's trim_whitespace: leading blanks and tabs dropped, runs of blanks made one, trailing blanks dropped. */
function trimWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
  return s.slice(i).replace(/ +/g, " ").replace(/ $/, "");
}

/** Zeek's TokenizeLine on ' ': the part before the first blank (when not empty) and the rest. */
function tokenize(s: string): string[] {
  if (s.length === 0) return [];
  const sp = s.indexOf(" ");
  if (sp < 0) return [s];
  const out: string[] = [];
  const first = s.slice(0, sp);
  if (first.length > 0) out.push(first);
  out.push(s.slice(sp + 1));
  return out;
}

/** Zeek's ParseCmd: each try strips one more leading '+' or '-' and compares upper-cased. */
function parseCmd(word: string): number {
  if (word.length === 0) return -1;
  let cmd = word;
  for (let code = Cmd.OK; code < Cmd.END; code++) {
    const c = cmd[0];
    if (c === "+" || c === "-") cmd = cmd.slice(1);
    cmd = cmd.toUpperCase();
    if (cmd === COMMANDS[code]) return code;
  }
  return -1;
}

/** Zeek's String::CheckString: the bytes, or a placeholder when they hold a NUL. */
function checkString(s: string): string {
  return s.includes("\0") ? "<string-with-NUL>" : s;
}

export class Pop3Analyzer implements StreamAnalyzer, LineConsumer, MailOwner {
  private readonly lines: [ContentLine, ContentLine];
  private master = Master.Start;
  private state = St.Start;
  private lastState = St.Start;
  private multiLine = false;
  private guessing = false;
  private requestForMultiLine = false;
  private waitingForAuthentication = false;
  private authLines = 0;
  private user = "";
  private password = "";
  private readonly cmds: string[] = [];
  private unknownClientCmds = 0;
  private mail: MimeMail | null = null;
  private tls: ChildStream | null = null;
  private tlsActive = false;
  /** Re-entrancy: event handlers run while we parse (get_file_handle drains) may remove us; done() waits for the delivery to end. */
  private readonly guard = new ReentryGuard(() => {
    if (this.mail !== null) this.endData();
    for (const line of this.lines) line.stopped = true;
  });

  constructor(readonly host: AnalyzerHost) {
    this.lines = [new ContentLine(true, this), new ContentLine(false, this)];
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.guard.finished) return;
    if (this.tlsActive) {
      if (this.tls?.active) this.tls.deliverStream(isOrig, 0, data);
      return;
    }
    if (this.host.isPartial()) return;
    this.guard.enter();
    try {
      this.lines[isOrig ? 0 : 1].deliver(data);
    } finally {
      this.guard.leave();
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tlsActive && this.tls?.active) this.tls.undelivered(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    if (this.guard.finished) return;
    if (this.tlsActive) {
      if (this.tls?.active) this.tls.endOfData(isOrig);
      return;
    }
    this.guard.enter();
    try {
      this.lines[isOrig ? 0 : 1].endOfData();
    } finally {
      this.guard.leave();
    }
  }

  done(): void {
    this.guard.done();
  }

  lineWeird(name: string, addl?: string): void {
    this.host.weird(name, addl, "CONTENTLINE");
  }

  onData(isOrig: boolean, data: Uint8Array): void {
    if (this.guard.finished) return;
    if (this.tlsActive) {
      // Lines the splitter still had from the chunk that carried +OK: Zeek forwards them as they are.
      if (this.tls?.active) this.tls.deliverStream(isOrig, 0, data);
      return;
    }
    if (isOrig) this.request(cString(latin1(data)));
    else this.reply(data);
  }

  // ---------------------------------------------------------------- client

  private request(line: string): void {
    if (line.length === 0) return;
    if (this.waitingForAuthentication) {
      this.authLines++;
      const dec = new Base64Converter((m) => this.host.weird("base64_illegal_encoding", m, ""));
      const out: number[] = [];
      const sink = { octet: (b: number) => out.push(b) };
      dec.decode(Buffer.from(line, "latin1"), sink);
      if (dec.errored) {
        this.host.weird("pop3_bad_base64_encoding");
        return;
      }
      dec.done(sink);
      const decoded = Buffer.from(out).toString("latin1");
      switch (this.state) {
        case St.AuthLogin:
          // The user on the first line, the password on the second.
          if (this.authLines === 1) this.user = checkString(decoded);
          else if (this.authLines === 2) this.password = checkString(decoded);
          break;
        case St.AuthPlain: {
          // authorization identity NUL authentication identity NUL password
          const a = decoded.indexOf("\0");
          const s = a < 0 ? decoded.length + 1 : a + 1;
          const e = decoded.indexOf("\0", s);
          if (s > decoded.length || e < 0) {
            this.host.weird("pop3_malformed_auth_plain");
            return;
          }
          this.user = decoded.slice(s, e);
          if (e + 1 >= decoded.length) {
            this.host.weird("pop3_malformed_auth_plain");
            return;
          }
          this.password = decoded.slice(e + 1);
          break;
        }
        case St.AuthCramMd5: {
          // user SP password-hash
          const str = cString(checkString(decoded));
          const m = /[\t ]/.exec(str);
          this.user = m === null ? str : str.slice(0, m.index);
          this.password = "";
          break;
        }
        default:
          break;
      }
      return;
    }
    // Clients pipeline: commands wait for the server's answers.
    this.cmds.push(line);
    if (MAX_PENDING_COMMANDS > 0 && this.cmds.length > MAX_PENDING_COMMANDS) {
      this.host.weird("pop3_client_too_many_pending_commands");
      this.cmds.shift();
    }
    if (this.cmds.length === 1) this.processClientCmd();
  }

  private event(name: "pop3_request" | "pop3_unexpected", cmd: string, arg: string): void {
    if (this.host.wants(name)) this.host.raise(name, this.host.conn(), true, cmd, arg);
  }

  private notAllowed(cmd: string, state: string): void {
    this.event("pop3_unexpected", cmd, `not allowed in other state than '${state}'`);
  }

  /** A transaction-state command: a request there, else a guess that no authentication was needed. */
  private transactionCmd(cmd: string, message: string, next: St, guessState: St = next): void {
    if (this.master === Master.Transaction) {
      this.event("pop3_request", cmd, message);
      this.state = next;
    } else {
      this.guessing = true;
      this.lastState = guessState;
      this.notAllowed(cmd, "transaction");
    }
  }

  private processClientCmd(): void {
    if (this.cmds.length === 0) return;
    const tokens = tokenize(trimWhitespace(this.cmds[0]!));
    const code = tokens.length > 0 ? parseCmd(tokens[0]!) : -1;
    if (code === -1) {
      if (!this.waitingForAuthentication) {
        this.host.weird("pop3_client_command_unknown", tokens[0] ?? "???");
        this.unknownClientCmds++;
        const max = this.host.settings["POP3::max_unknown_client_commands"];
        if (max > 0 && this.unknownClientCmds > max) {
          this.host.violation("too many unknown client commands");
        }
      }
      return;
    }
    const cmd = COMMANDS[code]!;
    const message = tokens[1] ?? "";
    switch (code) {
      case Cmd.ERR:
      case Cmd.OK:
        this.host.weird("pop3_client_sending_server_commands");
        break;
      case Cmd.USER:
        if (this.master === Master.Authorization) {
          this.event("pop3_request", cmd, message);
          this.state = St.User;
          this.user = message;
        } else this.notAllowed(cmd, "authorization");
        break;
      case Cmd.PASS:
        if (this.master === Master.Authorization) {
          if (this.state === St.User) {
            this.event("pop3_request", cmd, message);
            this.state = St.Pass;
            this.password = message;
          } else this.event("pop3_unexpected", cmd, "pass must follow the command 'USER'");
        } else this.notAllowed(cmd, "authorization");
        break;
      case Cmd.APOP:
        if (this.master === Master.Authorization) {
          this.event("pop3_request", cmd, message);
          this.state = St.Apop;
          const m = /[\t ]/.exec(message);
          this.user = m === null ? message : message.slice(0, m.index);
        } else this.notAllowed(cmd, "authorization");
        break;
      case Cmd.AUTH:
        if (this.master === Master.Authorization) {
          this.event("pop3_request", cmd, message);
          if (message.length === 0) {
            // The client asks for the mechanisms.
            this.requestForMultiLine = true;
            this.state = St.Auth;
          } else {
            if (message.includes("LOGIN")) this.state = St.AuthLogin;
            else if (message.includes("PLAIN")) this.state = St.AuthPlain;
            else if (message.includes("CRAM-MD5")) this.state = St.AuthCramMd5;
            else {
              this.state = St.Auth;
              this.event("pop3_unexpected", cmd, `unknown AUTH method ${message}`);
            }
            this.waitingForAuthentication = true;
            this.authLines = 0;
          }
        } else this.event("pop3_unexpected", cmd, "pass must follow the command 'USER'");
        break;
      case Cmd.STAT:
        if (this.master === Master.Transaction) {
          this.event("pop3_request", cmd, message);
          this.state = St.Stat;
        } else this.notAllowed(cmd, "transaction");
        break;
      case Cmd.LIST:
      case Cmd.UIDL:
        if (this.master === Master.Transaction) {
          this.event("pop3_request", cmd, message);
          if (message.length === 0) this.requestForMultiLine = true;
          this.state = code === Cmd.LIST ? St.List : St.Uidl;
        } else {
          if (message.length === 0) this.requestForMultiLine = true;
          this.guessing = true;
          this.lastState = code === Cmd.LIST ? St.List : St.Uidl;
          this.notAllowed(cmd, "transaction");
        }
        break;
      case Cmd.RETR:
        this.requestForMultiLine = true;
        this.transactionCmd(cmd, message, St.Retr);
        break;
      case Cmd.DELE:
        this.transactionCmd(cmd, message, St.Dele);
        break;
      case Cmd.RSET:
        this.transactionCmd(cmd, message, St.Rset);
        break;
      case Cmd.NOOP:
        this.transactionCmd(cmd, message, St.Noop);
        break;
      case Cmd.LAST:
        this.transactionCmd(cmd, message, St.Last);
        break;
      case Cmd.QUIT:
        if (this.master === Master.Authorization || this.master === Master.Transaction || this.master === Master.Start) {
          this.event("pop3_request", cmd, message);
          this.state = St.Quit;
        } else {
          this.guessing = true;
          this.lastState = St.Last;
          this.notAllowed(cmd, "transaction");
        }
        break;
      case Cmd.TOP:
        this.requestForMultiLine = true;
        this.transactionCmd(cmd, message, St.Top);
        break;
      case Cmd.CAPA:
        this.event("pop3_request", cmd, message);
        this.state = St.Capa;
        this.requestForMultiLine = true;
        break;
      case Cmd.STLS:
        this.event("pop3_request", cmd, message);
        this.state = St.Stls;
        break;
      case Cmd.XSENDER:
        // Zeek moves to LAST here (and guesses XSENDER otherwise).
        this.transactionCmd(cmd, message, St.Last, St.Xsender);
        break;
    }
  }

  private finishClientCmd(): void {
    if (this.cmds.length === 0) return;
    this.cmds.shift();
    this.processClientCmd();
  }

  // ---------------------------------------------------------------- server

  private reply(data: Uint8Array): void {
    const raw = latin1(data);
    const str = trimWhitespace(cString(raw));
    if (this.multiLine) {
      if (data.length > 0 && data[0] === 0x2e && (data.length === 1 || data[1] === 0x0a || (data.length > 2 && data[1] === 0x0d && data[2] === 0x0a))) {
        this.requestForMultiLine = false;
        this.multiLine = false;
        if (this.mail !== null) this.endData();
        this.finishClientCmd();
      } else {
        if (this.state === St.Retr || this.state === St.Top) this.mail?.deliver(data, true);
        if (this.host.wants("pop3_data")) this.host.raise("pop3_data", this.host.conn(), false, str);
      }
      return;
    }
    const tokens = tokenize(str);
    const code = tokens.length > 0 ? parseCmd(tokens[0]!) : -1;
    if (code === -1) {
      if (!this.waitingForAuthentication) {
        const tok = tokens[0] ?? "???";
        this.host.violation(`unknown server command (${tok})`, data);
        this.host.weird("pop3_server_command_unknown", tok);
      }
      return;
    }
    const cmd = COMMANDS[code]!;
    const message = tokens[1] ?? "";
    if (code === Cmd.OK) {
      if (this.guessing) {
        this.master = Master.Transaction;
        this.guessing = false;
        this.state = this.lastState;
        if (this.host.wants("pop3_unexpected"))
          this.host.raise("pop3_unexpected", this.host.conn(), false, cmd, "no auth required -> state changed to 'transaction'");
      }
      switch (this.state) {
        case St.Start:
          this.master = Master.Authorization;
          break;
        case St.User:
          this.master = Master.Authorization;
          this.host.confirm();
          break;
        case St.Pass:
        case St.Apop:
        case St.Noop:
        case St.Last:
        case St.Stat:
        case St.Rset:
        case St.Dele:
        case St.Xsender:
          if (this.master === Master.Authorization) this.authSuccessful();
          this.master = Master.Transaction;
          break;
        case St.Auth:
        case St.AuthPlain:
        case St.AuthCramMd5:
        case St.AuthLogin:
          if (this.requestForMultiLine) this.multiLine = true;
          if (this.waitingForAuthentication) this.master = Master.Transaction;
          this.waitingForAuthentication = false;
          this.authSuccessful();
          break;
        case St.Top:
        case St.Retr:
          // The status line itself goes to the message, as in Zeek.
          if (this.mail === null) this.mail = new MimeMail(this, false);
          this.mail.deliver(data, true);
          if (this.requestForMultiLine) this.multiLine = true;
          break;
        case St.Capa:
          this.host.confirm();
          if (this.requestForMultiLine) this.multiLine = true;
          break;
        case St.Uidl:
        case St.List:
          if (this.requestForMultiLine) this.multiLine = true;
          break;
        case St.Stls:
          this.host.confirm();
          this.startTls();
          return;
        case St.Quit:
          if (this.master === Master.Authorization || this.master === Master.Start) this.master = Master.Finished;
          else if (this.master === Master.Transaction) this.master = Master.Update;
          break;
        default:
          break;
      }
      this.replyEvent(cmd, message);
      if (!this.multiLine) this.finishClientCmd();
    } else if (code === Cmd.ERR) {
      this.multiLine = false;
      this.requestForMultiLine = false;
      this.guessing = false;
      this.waitingForAuthentication = false;
      switch (this.state) {
        case St.User:
        case St.Pass:
        case St.Apop:
        case St.Auth:
        case St.AuthLogin:
        case St.AuthPlain:
        case St.AuthCramMd5:
          this.master = Master.Authorization;
          this.state = St.Start;
          if (this.user.length > 0 && this.host.wants("pop3_login_failure")) {
            this.host.raise("pop3_login_failure", this.host.conn(), false, this.user, this.password);
          }
          break;
        case St.Noop:
        case St.Last:
        case St.Stat:
        case St.Rset:
        case St.Dele:
        case St.List:
        case St.Retr:
        case St.Uidl:
        case St.Top:
        case St.Xsender:
          this.master = Master.Transaction;
          break;
        case St.Quit:
          if (this.master === Master.Authorization || this.master === Master.Transaction || this.master === Master.Start) this.master = Master.Finished;
          break;
        default:
          break;
      }
      this.replyEvent(cmd, message);
      if (!this.multiLine) this.finishClientCmd();
    } else this.host.weird("pop3_server_sending_client_commands");
  }

  private replyEvent(cmd: string, message: string): void {
    if (this.host.wants("pop3_reply")) this.host.raise("pop3_reply", this.host.conn(), false, cmd, message);
  }

  private authSuccessful(): void {
    if (this.user.length > 0 && this.host.wants("pop3_login_success")) this.host.raise("pop3_login_success", this.host.conn(), false, this.user, this.password);
  }

  private startTls(): void {
    this.tlsActive = true;
    this.tls = this.host.addChild("SSL");
    if (this.host.wants("pop3_starttls")) this.host.raise("pop3_starttls", this.host.conn());
  }

  private endData(): void {
    const m = this.mail;
    this.mail = null;
    m?.done();
  }

  /** Zeek's default scripts register no POP3 file handle: the files framework's fallback names the file. */
  fileId(isOrig: boolean): string {
    this.host.drainEvents();
    const c = this.host.conn();
    return this.host.files.fuid(`Analyzer::ANALYZER_POP3-fallback-${c.uid}-${isOrig ? "T" : "F"}-${zeekTimeText(this.host.now())}`);
  }
}

/** Zeek's pop3/dpd.sig: +OK from the server after a POP3 command from the client. */
const SPACE = "[ \\t\\n\\r\\f\\v]";
const POP3_SIGNATURES = [
  { id: "dpd_pop3_server", proto: "tcp", tcpState: "responder", enable: "pop3", requiresReverse: "dpd_pop3_client", payload: "\\+OK" },
  {
    id: "dpd_pop3_client",
    proto: "tcp",
    tcpState: "originator",
    payload: `(|.*[\\r\\n])${SPACE}*([uU][sS][eE][rR]${SPACE}|[aA][pP][oO][pP]${SPACE}|[cC][aA][pP][aA]|[aA][uU][tT][hH]|[sS][tT][lL][sS])`,
  },
] as const;

/** The POP3 analyzer component (DPD only: Zeek registers no POP3 ports). */
export const POP3: AnalyzerComponent = {
  name: "POP3",
  script: "base/protocols/pop3",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  signatures: POP3_SIGNATURES,
  stream: (host) => new Pop3Analyzer(host),
};
