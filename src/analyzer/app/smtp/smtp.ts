/**
 * The SMTP analyzer, as Zeek's (src/analyzer/protocol/smtp/SMTP.cc): each
 * side's lines (NUL-sensitive line splitter; nothing on a partial
 * connection), the client's commands and the server's (multi-line) replies
 * paired through a queue of pending commands (pipelining), a state machine
 * driven by <command, reply> pairs that knows when the client sends mail
 * data (DATA up to the lone ".", or BDAT chunks delivered as they are), the
 * message handed to the MIME parser (../mime/mail.ts, whose entities become
 * files), recovery after content gaps, and STARTTLS (X-ANONYMOUSTLS) answered
 * with 220 handing the rest of the stream to an SSL child. With
 * SMTP::enable_rfc822_msg_file_analysis, each message is also a file of its
 * own (message/rfc822): DATA's lines (dot-unstuffed, each with CR LF) or
 * BDAT's chunks as they came, its gaps, ended with the message.
 *
 * Events: smtp_request, smtp_reply, smtp_data, smtp_unexpected,
 * smtp_starttls (./events.ts) and the mime_* events.
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { ContentLine, type LineConsumer } from "../http/content-line.js";
import { type MailOwner, MimeMail } from "../mime/mail.js";
import { ReentryGuard } from "../reentry.js";
import { BdatChunks, parseBdatArg } from "./bdat.js";
import { smtpFileHandle } from "./script.js";
import "./events.js";

/** Zeek's SMTP_Cmd codes (SMTP_cmd.def order). */
const enum Cmd {
  EHLO,
  HELO,
  MAIL,
  RCPT,
  DATA,
  QUIT,
  RSET,
  VRFY,
  EXPN,
  HELP,
  NOOP,
  STARTTLS,
  X_ANONYMOUSTLS,
  CONN_ESTABLISHMENT,
  END_OF_DATA,
  SEND,
  SOML,
  SAML,
  TURN,
  BDAT,
  ETRN,
  AUTH,
  AUTH_ANSWER,
  LAST,
}

const CMD_WORDS = [
  "EHLO",
  "HELO",
  "MAIL",
  "RCPT",
  "DATA",
  "QUIT",
  "RSET",
  "VRFY",
  "EXPN",
  "HELP",
  "NOOP",
  "STARTTLS",
  "X_ANONYMOUSTLS",
  "CONN_ESTABLISHMENT",
  "END_OF_DATA",
  "SEND",
  "SOML",
  "SAML",
  "TURN",
  "BDAT",
  "ETRN",
  "AUTH",
  "AUTH_ANSWER",
  "LAST",
];

function cmdWord(code: number): string {
  return code >= 0 ? CMD_WORDS[code]! : "(UNKNOWN)";
}

/** Zeek's SMTP_State (the numbers show in smtp_unexpected details). */
const enum St {
  Connected = 0,
  Initiated = 1,
  NotAvailable = 2,
  Ready = 3,
  MailOk = 4,
  RcptOk = 5,
  InData = 6,
  AfterData = 7,
  InAuth = 8,
  InTls = 9,
  Quit = 10,
  AfterGap = 11,
  GapRecovery = 12,
  InBdat = 13,
}

/** Zeek's bound on unanswered pipelined commands (smtp_excessive_pending_cmds). */
const MAX_PENDING_CMDS = 1000;

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

export class SmtpAnalyzer implements StreamAnalyzer, LineConsumer, MailOwner {
  private readonly lines: [ContentLine, ContentLine];
  // Zeek's expect_sender/expect_recver only matter without pipelining, which it always assumes: not kept.
  private state: St = St.Connected;
  private lastRepliedCmd = -1;
  private firstCmd: number = Cmd.CONN_ESTABLISHMENT;
  private pendingReply = 0;
  private readonly pendingCmds: number[] = [];
  private skipData = false;
  private origIsSender = true;
  private mail: MimeMail | null = null;
  private bdat: BdatChunks | null = null;
  private tls: ChildStream | null = null;
  private partial: boolean | null = null;
  private eof = [false, false];
  /** The message's own file (SMTP::enable_rfc822_msg_file_analysis; "" when off or none), and the bytes it has had (gaps too). */
  private rfc822Fuid = "";
  private rfc822Offset = 0;
  /** Re-entrancy: event handlers run while we parse (get_file_handle drains) may remove us; done() waits for the delivery to end. */
  private readonly guard = new ReentryGuard(() => {
    if (this.mail !== null) this.endData();
    for (const line of this.lines) line.stopped = true;
  });

  /**
   * The bus' handled-events table, read for every data line (smtp_data): a property read where
   * host.wants() was a hash lookup per line (20 ms of the mix's header floods, ~870k lines).
   */
  private readonly handled: AnalyzerHost["handled"];

  constructor(readonly host: AnalyzerHost) {
    this.handled = host.handled;
    const orig = new ContentLine(true, this);
    const resp = new ContentLine(false, this);
    orig.flagNuls = true;
    resp.flagNuls = true;
    this.lines = [orig, resp];
    this.updateState(this.firstCmd, 0, true);
  }

  // ---------------------------------------------------------------- the stream

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.guard.finished) return;
    if (this.state === St.InTls) {
      if (this.tls?.active) this.tls.deliverStream(isOrig, 0, data);
      return;
    }
    // Zeek's line splitters skip partial connections.
    this.partial ??= this.host.isPartial();
    if (this.partial) return;
    this.guard.enter();
    try {
      this.lines[isOrig ? 0 : 1].deliver(data);
    } finally {
      this.guard.leave();
    }
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.guard.finished) return;
    if (this.state === St.InTls) {
      if (this.tls?.active) this.tls.undelivered(isOrig, seq, len);
      return;
    }
    if (len <= 0 || this.partial === true) return;
    this.guard.enter();
    try {
      this.gap(isOrig, seq, len);
    } finally {
      this.guard.leave();
    }
  }

  private gap(isOrig: boolean, seq: number, len: number): void {
    const isSender = this.origIsSender ? isOrig : !isOrig;
    this.unexpected(isSender, "content gap", `seq = ${seq}, len = ${len}`);
    if (this.state === St.InData || this.state === St.InBdat) {
      // (The BDAT chunk's count is not reduced by the gap: its end is reported at EndData.)
      this.mail?.undelivered(len);
      if (this.rfc822Fuid !== "") {
        this.host.files.gap(this.rfc822Fuid, true, this.rfc822Offset, len);
        this.rfc822Offset += len;
      }
      this.endData();
    }
    this.pendingCmds.length = 0;
    this.firstCmd = this.lastRepliedCmd = -1;
    // Missing the sender's lines or the replies (354) is critical either way.
    this.state = St.AfterGap;
  }

  endOfData(isOrig: boolean): void {
    if (this.guard.finished) return;
    if (this.state === St.InTls) {
      if (this.tls?.active) this.tls.endOfData(isOrig);
      return;
    }
    this.guard.enter();
    try {
      if (this.partial === false) this.lines[isOrig ? 0 : 1].endOfData();
      this.eof[isOrig ? 0 : 1] = true;
      // Zeek's ConnectionFinished: both sides closed ends the message under way.
      if (this.eof[0] && this.eof[1] && this.mail !== null && !this.guard.finished) this.endData();
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

  onData(isOrig: boolean, data: Uint8Array, plain: boolean): void {
    if (this.guard.finished) return;
    if (this.state === St.InTls) {
      // STARTTLS took effect in the middle of a chunk: the rest is TLS.
      if (this.tls?.active) this.tls.deliverStream(isOrig, 0, data);
      return;
    }
    const isSender = this.origIsSender ? isOrig : !isOrig;
    if (data.length > 0 && isSender && this.bdat !== null) {
      // A BDAT chunk, delivered as it is: take what the chunk still needs.
      const remaining = this.bdat.remainingSize;
      const n = BigInt(data.length) > remaining ? Number(remaining) : data.length;
      if (n > 0) {
        const chunk = data.subarray(0, n);
        this.bdat.deliver(chunk);
        if (this.rfc822Fuid !== "") this.rfc822DataIn(chunk);
      }
      if (this.bdat.isLastChunk && this.bdat.remainingSize === 0n) this.updateState(Cmd.END_OF_DATA, 0, isOrig);
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    // A line from the splitter holds no CR or LF (its lines end at either: crlfAsEol is never
    // turned off here), so only plain bytes (what follows a BDAT chunk) need Zeek's checks; the
    // scan of every line was most of onData's instructions on the mix's SMTP header floods.
    const len = plain ? this.lineLength(data, isSender) : data.length;
    this.processLine(len === data.length ? data : data.subarray(0, len), isOrig);
  }

  /** Zeek's checks of a line's CRs and LFs (a trailing run of CRs is dropped); returns the length kept. */
  private lineLength(data: Uint8Array, isSender: boolean): number {
    let len = data.length;
    if (len > 0 && data[len - 1] === 0x0d) {
      this.unexpected(isSender, "more than one <CR> at the end of line", latin1(data));
      do len--;
      while (len > 0 && data[len - 1] === 0x0d);
    }
    for (let i = 0; i < len; i++) {
      if (data[i] === 0x0d || data[i] === 0x0a) {
        this.unexpected(isSender, "Bare <CR> or <LF> appears in the middle of line", latin1(data.subarray(0, len)));
        break;
      }
    }
    return len;
  }

  // ---------------------------------------------------------------- lines

  private processLine(line: Uint8Array, isOrig: boolean): void {
    const isSender = this.origIsSender ? isOrig : !isOrig;
    if (isSender) this.senderLine(line, isOrig);
    else this.replyLine(line, isOrig, isSender);
  }

  private senderLine(line: Uint8Array, isOrig: boolean): void {
    let cmdCode = -1;
    let cmd = "";
    let arg = line;
    if (this.state === St.AfterGap) {
      // A command or a data line: nobody knows; Zeek keeps it and does nothing with it.
    } else if (this.state === St.InData && line.length === 1 && line[0] === 0x2e) {
      cmd = ".";
      cmdCode = Cmd.END_OF_DATA;
      this.newCmd(cmdCode);
    } else if (this.state === St.InData) {
      const data = line.length > 0 && line[0] === 0x2e ? line.subarray(1) : line;
      // Possible when the connection was shut down by a RST that the client ignored.
      if (this.mail === null) this.beginData(isOrig);
      this.mail!.deliver(data, true);
      if (this.rfc822Fuid !== "") {
        this.rfc822DataIn(data);
        this.rfc822DataIn(CRLF);
      }
      if (!this.skipData && this.handled.smtp_data) this.host.raise("smtp_data", this.host.conn(), isOrig, latin1(data));
    } else if (this.state === St.InAuth) {
      // Zeek names the answer "***" but with the length 2.
      cmd = "**";
      cmdCode = Cmd.AUTH_ANSWER;
      this.newCmd(cmdCode);
    } else {
      let w = 0;
      while (w < line.length && line[w] !== 0 && !isSpace(line[w]!)) w++;
      cmd = latin1(line.subarray(0, w));
      let a = w;
      while (a < line.length && (line[a] === 32 || line[a] === 9)) a++;
      arg = line.subarray(a);
      cmdCode = parseCmd(cmd);
      if (cmdCode === -1) this.unexpected(true, "unknown command", cmd);
      else this.newCmd(cmdCode);
    }
    if (cmdCode < 0) return;
    if (cmdCode === Cmd.END_OF_DATA) this.updateState(cmdCode, 0, isOrig);
    if (cmd.length > 0 || arg.length > 0) this.requestEvent(cmd, latin1(arg));
    if (this.guard.finished) return;
    let doUpdate = cmdCode !== Cmd.END_OF_DATA;
    if (cmdCode === Cmd.BDAT) doUpdate = this.processBdatArg(latin1(arg), isOrig);
    else if (this.bdat !== null) {
      // The client went on with other commands without a LAST chunk.
      this.host.weird("smtp_missing_bdat_last_chunk");
      this.endData();
    }
    if (doUpdate) this.updateState(cmdCode, 0, isOrig);
  }

  private replyLine(line: Uint8Array, isOrig: boolean, isSender: boolean): void {
    let replyCode = -1;
    if (line.length >= 3 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2])) {
      replyCode = (line[0]! - 0x30) * 100 + (line[1]! - 0x30) * 10 + (line[2]! - 0x30);
    }
    // RFC 2821 wants 1-5 and 0-5, but 5xx beyond 559 are seen: 100-599 pass.
    if (replyCode < 100 || replyCode > 599) {
      replyCode = -1;
      this.unexpected(isSender, "reply code out of range", latin1(line));
      this.host.violation(`reply code ${replyCode} out of range`, line);
    } else {
      if (this.pendingReply !== 0 && replyCode !== this.pendingReply) {
        this.unexpected(isSender, "reply code does not match the continuing reply", latin1(line));
        this.pendingReply = 0;
      }
      if (this.pendingReply === 0) this.newReply(replyCode, isOrig);
      if (this.guard.finished) return;
      let msgStart: number;
      if (line.length > 3 && line[3] === 0x2d) {
        this.pendingReply = replyCode;
        msgStart = 4;
      } else {
        msgStart = 3;
        this.pendingReply = 0;
      }
      while (msgStart < line.length && (line[msgStart] === 32 || line[msgStart] === 9)) msgStart++;
      if (this.host.wants("smtp_reply")) {
        const c = this.lastRepliedCmd;
        const cmd = c === Cmd.CONN_ESTABLISHMENT ? ">" : c === Cmd.END_OF_DATA ? "." : cmdWord(c);
        this.host.raise("smtp_reply", this.host.conn(), isOrig, replyCode, cmd, latin1(line.subarray(msgStart)), this.pendingReply > 0);
      }
    }
    // EHLO's extensions (PIPELINING) change nothing: Zeek assumes pipelining from the start.
  }

  private newCmd(code: number): void {
    if (this.firstCmd < 0) this.firstCmd = code;
    else {
      if (this.pendingCmds.length === MAX_PENDING_CMDS) {
        this.host.weird("smtp_excessive_pending_cmds");
        this.pendingCmds.length = 0;
      }
      this.pendingCmds.push(code);
    }
  }

  private newReply(replyCode: number, isOrig: boolean): void {
    if (this.state === St.AfterGap && replyCode > 0) {
      this.state = St.GapRecovery;
      this.requestEvent("(UNKNOWN)", "");
    }
    const cmdCode = this.firstCmd;
    this.lastRepliedCmd = this.firstCmd;
    this.firstCmd = -1;
    if (this.pendingCmds.length > 0) this.firstCmd = this.pendingCmds.shift()!;
    this.updateState(cmdCode, replyCode, isOrig);
  }

  /**
   * Zeek's state machine: it follows <command, reply> pairs (reply 0: the
   * command was just sent; the state moves as if it will succeed, and a reply
   * corrects it) to know when mail data flows, not to judge the session.
   */
  private updateState(cmdCode: number, replyCode: number, isOrig: boolean): void {
    const st = this.state;
    if (st === St.Quit && replyCode === 0) this.unexpectedCommand(cmdCode, replyCode);
    switch (cmdCode) {
      case Cmd.CONN_ESTABLISHMENT:
        if (replyCode === 0) {
          if (st !== St.Connected) this.unexpectedCommand(cmdCode, replyCode);
          this.state = St.Initiated;
        } else if (replyCode === 421 || replyCode === 554) this.state = St.NotAvailable;
        else if (replyCode !== 220) this.unexpectedReply(cmdCode, replyCode);
        break;
      case Cmd.EHLO:
      case Cmd.HELO:
        if (replyCode === 0) {
          if (st !== St.Initiated) this.unexpectedCommand(cmdCode, replyCode);
          this.state = St.Ready;
        } else if ([421, 500, 501, 504, 550].includes(replyCode)) this.state = St.Initiated;
        else if (replyCode !== 250) this.unexpectedReply(cmdCode, replyCode);
        break;
      case Cmd.MAIL:
      case Cmd.SEND:
      case Cmd.SOML:
      case Cmd.SAML:
        if (replyCode === 0) {
          if (st !== St.Ready) this.unexpectedCommand(cmdCode, replyCode);
          this.state = St.MailOk;
        } else if ([421, 451, 452, 500, 501, 503, 550, 552, 553].includes(replyCode)) {
          if (this.state !== St.InData) this.state = St.Ready;
        } else if (replyCode !== 250) this.unexpectedReply(cmdCode, replyCode);
        break;
      case Cmd.RCPT:
        if (replyCode === 0) {
          if (st !== St.MailOk && st !== St.RcptOk) this.unexpectedCommand(cmdCode, replyCode);
          this.state = St.RcptOk;
        } else if (![250, 251, 421, 450, 451, 452, 500, 501, 503, 550, 551, 552, 553, 554].includes(replyCode)) {
          this.unexpectedReply(cmdCode, replyCode);
        }
        break;
      case Cmd.DATA:
        if (replyCode === 0) {
          if (this.state !== St.RcptOk) this.unexpectedCommand(cmdCode, replyCode);
          this.beginData(isOrig);
        } else if (replyCode === 354) {
          // go on
        } else if (replyCode === 421) {
          if (this.state === St.InData) this.endData();
          this.state = St.Quit;
        } else {
          if (![500, 501, 503, 451, 554].includes(replyCode)) this.unexpectedReply(cmdCode, replyCode);
          if (this.state === St.InData) this.endData();
          this.state = St.Ready;
        }
        break;
      case Cmd.BDAT:
        if (replyCode === 0) {
          if (this.state !== St.RcptOk) this.unexpectedCommand(cmdCode, replyCode);
          this.state = St.InBdat;
        } else if (![250, 421, 500, 501, 503, 451, 554].includes(replyCode)) {
          // The client completes the chunk under way whatever the server says.
          this.unexpectedReply(cmdCode, replyCode);
        }
        break;
      case Cmd.END_OF_DATA:
        if (replyCode === 0) {
          if (st !== St.InData && st !== St.InBdat) this.unexpectedCommand(cmdCode, replyCode);
          this.endData();
          this.state = St.AfterData;
        } else if (![250, 421, 451, 452, 552, 554].includes(replyCode)) this.unexpectedReply(cmdCode, replyCode);
        if (replyCode > 0) this.state = St.Ready;
        break;
      case Cmd.RSET:
        if (replyCode === 0) this.state = St.Ready;
        else if (replyCode !== 250) this.unexpectedReply(cmdCode, replyCode);
        break;
      case Cmd.QUIT:
        if (replyCode === 0) this.state = St.Quit;
        else if (replyCode !== 221) this.unexpectedReply(cmdCode, replyCode);
        break;
      case Cmd.AUTH:
        if (st !== St.Ready) this.unexpectedCommand(cmdCode, replyCode);
        if (replyCode === 334) this.state = St.InAuth;
        else if (replyCode !== 0) this.state = St.Initiated;
        break;
      case Cmd.AUTH_ANSWER:
        if (st !== St.InAuth) this.unexpectedCommand(cmdCode, replyCode);
        if (replyCode === 334) this.state = St.InAuth;
        else if (replyCode !== 0) this.state = St.Initiated;
        break;
      case Cmd.TURN:
        if (st !== St.Ready) this.unexpectedCommand(cmdCode, replyCode);
        if (replyCode === 250) {
          // The roles flip.
          this.origIsSender = !this.origIsSender;
          this.state = St.Connected;
        }
        break;
      case Cmd.STARTTLS:
      case Cmd.X_ANONYMOUSTLS:
        if (st !== St.Ready) this.unexpectedCommand(cmdCode, replyCode);
        if (replyCode === 220) this.startTls();
        break;
      default:
        if (st === St.GapRecovery && replyCode === 354) this.beginData(isOrig);
        break;
    }
  }

  private startTls(): void {
    this.state = St.InTls;
    this.tls = this.host.addChild("SSL");
    if (this.host.wants("smtp_starttls")) this.host.raise("smtp_starttls", this.host.conn());
  }

  private requestEvent(cmd: string, arg: string): void {
    this.host.confirm();
    if (this.host.wants("smtp_request")) this.host.raise("smtp_request", this.host.conn(), this.origIsSender, cmd.toUpperCase(), arg);
  }

  private unexpected(isSender: boolean, msg: string, detail: string): void {
    // Either side may send a line after an unexpected one.
    if (this.host.wants("smtp_unexpected")) {
      const isOrig = this.origIsSender ? isSender : !isSender;
      this.host.raise("smtp_unexpected", this.host.conn(), isOrig, msg, detail);
    }
  }

  private unexpectedCommand(cmdCode: number, replyCode: number): void {
    this.unexpected(true, "unexpected command", `${cmdWord(cmdCode)} reply = ${replyCode} state = ${this.state}`);
  }

  private unexpectedReply(cmdCode: number, replyCode: number): void {
    this.unexpected(true, "unexpected reply", `${replyCode} state = ${this.state}, last command = ${cmdWord(cmdCode)}`);
  }

  /** BDAT's argument: a valid one switches the sender's splitter to hand the chunk over as it is. */
  private processBdatArg(arg: string, isOrig: boolean): boolean {
    const r = parseBdatArg(arg);
    if (r.error !== undefined) {
      this.host.weird("smtp_invalid_bdat_command", r.error);
      return false;
    }
    // The splitter counts in int64.
    if (r.size > 0x7fffffffffffffffn) {
      this.host.weird("smtp_huge_bdat_chunk", r.size.toString());
      return false;
    }
    // bronze's splitter counts in doubles: a chunk beyond 2^53 bytes never ends anyway.
    this.lines[isOrig ? 0 : 1].plain = Number(r.size);
    if (this.bdat === null) {
      this.beginData(isOrig, St.InBdat);
      this.bdat = new BdatChunks({
        line: (data, crlf) => this.mail?.deliver(data, crlf),
        weird: (name, addl) => this.host.weird(name, addl, "SMTP_BDAT"),
      });
    }
    this.bdat.nextChunk(r.last, r.size);
    return true;
  }

  private beginData(isOrig: boolean, state: St = St.InData): void {
    this.state = state;
    this.skipData = false;
    if (this.mail !== null) {
      this.host.weird("smtp_nested_mail_transaction");
      const m = this.mail;
      this.mail = null;
      m.done();
    }
    this.mail = new MimeMail(this, isOrig);
    if (this.host.settings["SMTP::enable_rfc822_msg_file_analysis"]) {
      // The message's file is made now, empty, named by the handle (it is the transaction's first file).
      this.rfc822Offset = 0;
      this.rfc822Fuid = "";
      const id = this.fileId(true);
      this.rfc822Fuid = id === "" ? "" : this.rfc822DataIn(EMPTY, id);
    }
  }

  /** Bytes of the message's file (sent by the client, as Zeek names it whichever side sends). */
  private rfc822DataIn(data: Uint8Array, id = this.rfc822Fuid): string {
    this.rfc822Offset += data.length;
    return this.host.files.dataIn(id, true, data, undefined, "message/rfc822");
  }

  private endData(): void {
    if (this.bdat !== null) {
      if (this.bdat.remainingSize > 0n) {
        this.host.weird("smtp_bdat_remaining_at_end_data");
        this.lines[0].plain = 0;
        this.lines[1].plain = 0;
      }
      const b = this.bdat;
      b.done();
      this.bdat = null;
    }
    if (this.mail === null) this.host.weird("smtp_unmatched_end_of_data");
    else {
      const m = this.mail;
      this.mail = null;
      m.done();
    }
    if (this.rfc822Fuid !== "") {
      const id = this.rfc822Fuid;
      this.rfc822Fuid = "";
      this.rfc822Offset = 0;
      this.host.files.endOfFile(id);
    }
  }

  /** The file handle (SMTP::get_file_handle after the events so far). */
  fileId(_isOrig: boolean): string {
    this.host.drainEvents();
    if (this.guard.finished) return "";
    return this.host.files.fuid(smtpFileHandle(this.host.conn()));
  }
}

const EMPTY = new Uint8Array(0);
const CRLF = new Uint8Array([0x0d, 0x0a]);

function parseCmd(cmd: string): number {
  if (cmd.length === 0) return -1;
  const u = cmd.toUpperCase();
  if (u === "X-ANONYMOUSTLS") return Cmd.X_ANONYMOUSTLS;
  for (let code = Cmd.EHLO; code < Cmd.LAST; code++) if (CMD_WORDS[code] === u) return code;
  return -1;
}

/** Zeek's smtp/dpd.sig: a greeting (220) from the server, then HELO/EHLO from the client. */
const SPACE = "[ \\t\\n\\r\\f\\v]";
const SMTP_SIGNATURES = [
  {
    id: "dpd_smtp_client",
    proto: "tcp",
    tcpState: "originator",
    enable: "smtp",
    requiresReverse: "dpd_smtp_server",
    payload: `(|.*[\\n\\r])${SPACE}*([hH][eE][lL][oO]|[eE][hH][lL][oO])`,
  },
  { id: "dpd_smtp_server", proto: "tcp", tcpState: "responder", payload: `${SPACE}*220[ \\t\\n\\r\\f\\v-]` },
] as const;

/** The SMTP analyzer component (SMTP::ports and DPD). */
export const SMTP: AnalyzerComponent = {
  name: "SMTP",
  script: "base/protocols/smtp",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [25, 587],
  signatures: SMTP_SIGNATURES,
  stream: (host) => new SmtpAnalyzer(host),
};
