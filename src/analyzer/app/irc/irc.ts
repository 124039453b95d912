/**
 * The IRC analyzer (Zeek's analyzer/protocol/irc, IRC_Analyzer): each side
 * cut into lines (CR or LF ends one, at most 1000 bytes), each line read as
 * "[@tags] [:prefix] command params" or "[:prefix] NNN params", and turned
 * into Zeek's events: a specific one for the commands and replies Zeek
 * knows (NICK, USER, JOIN, PRIVMSG and its CTCP DCC requests, 353 names…),
 * irc_request / irc_message / irc_reply for the rest. A valid client command
 * confirms IRC; lines that cannot be IRC are violations. A 670 reply to
 * STARTTLS hands the rest of the connection to an SSL child. DCC SEND
 * transfers are IRC_DATA connections (./data.ts) the irc script schedules.
 *
 * Not done: the ZIP support analyzer of compressed server-to-server links.
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { ContentLine, type LineConsumer } from "../http/content-line.js";
import { IRC_DATA } from "./data.js";
import type { IrcJoinInfo } from "./events.js";
import "./events.js";

/** The line bound of IRC's ContentLine support analyzers. */
export const IRC_MAX_LINE = 1000;
/** Lines longer than this are ignored (irc_line_size_exceeded once confirmed). */
const MAX_MESSAGE = 512;
/** Long "commands" tolerated before the analyzer gives up. */
const MAX_INVALID = 20;

const VALID_CLIENT_COMMANDS = new Set([
  "ADMIN",
  "AWAY",
  "CNOTICE",
  "CPRIVMSG",
  "CONNECT",
  "DIE",
  "ENCAP",
  "ERROR",
  "INFO",
  "INVITE",
  "ISON",
  "JOIN",
  "KICK",
  "KILL",
  "KNOCK",
  "LINKS",
  "LIST",
  "LUSERS",
  "MODE",
  "MOTD",
  "NAMES",
  "NICK",
  "NOTICE",
  "OPER",
  "PART",
  "PASS",
  "PING",
  "PONG",
  "PRIVMSG",
  "QUIT",
  "REHASH",
  "RULES",
  "SERVER",
  "SERVICE",
  "SERVLIST",
  "SETNAME",
  "SILENCE",
  "SQUERY",
  "SQUIT",
  "STATS",
  "SUMMON",
  "TIME",
  "TOPIC",
  "TRACE",
  "USER",
  "USERHOST",
  "USERS",
  "VERSION",
  "WALLOPS",
  "WHO",
  "WHOIS",
  "WHOWAS",
  "STARTTLS",
]);

/** Leading blanks (spaces only) removed. */
function skipSpaces(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 0x20) i++;
  return i === 0 ? s : s.slice(i);
}

/** SplitWords: the non-empty pieces between separators. */
function words(s: string, sep: string): string[] {
  return s.split(sep).filter((w) => w !== "");
}

/** A C string of `s`: Zeek builds most event strings with c_str(), which a NUL ends. */
function cstr(s: string): string {
  const nul = s.indexOf("\0");
  return nul < 0 ? s : s.slice(0, nul);
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

/** atoi: leading blanks, a sign, digits; 0 when none. */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(s);
  if (m === null) return 0;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : 0;
}

/** An int handed to a count (val_mgr->Count of a negative int wraps). */
function count(v: number): number {
  return v < 0 ? 2 ** 64 + v : v;
}

/** util::atoi_n over decimal digits into a 32-bit unsigned value: null when no digit starts the text. */
function atoiN32(s: string): number | null {
  let i = 0;
  let neg = false;
  if (s[0] === "-") {
    neg = true;
    i = 1;
  }
  let n = 0;
  const start = i;
  for (; i < s.length && isDigit(s[i]); i++) n = (Math.imul(n, 10) + (s.charCodeAt(i) - 0x30)) >>> 0;
  if (i === start) return null;
  return neg ? -n >>> 0 : n;
}

/** The nick part of a "nick!user@host" prefix ("" when there is no "!"). */
function nickOf(prefix: string): string {
  const bang = prefix.indexOf("!");
  return bang < 0 ? "" : prefix.slice(0, bang);
}

class IrcAnalyzer implements StreamAnalyzer, LineConsumer {
  private readonly lines: [ContentLine, ContentLine];
  private invalid = 0;
  private starttls = false;
  private ssl: ChildStream | null = null;

  constructor(private readonly host: AnalyzerHost) {
    this.lines = [new ContentLine(true, this, IRC_MAX_LINE), new ContentLine(false, this, IRC_MAX_LINE)];
    // Set by STARTTLS, rarely and late: known as mutable from the start (see doubles.ts).
    this.starttls = false;
  }

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.starttls) {
      if (this.ssl?.active === true) this.ssl.deliverStream(isOrig, seq, data);
      return;
    }
    this.lines[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.starttls && this.ssl?.active === true) this.ssl.undelivered(isOrig, seq, len);
  }

  endOfData(isOrig: boolean): void {
    if (this.starttls) {
      if (this.ssl?.active === true) this.ssl.endOfData(isOrig);
      return;
    }
    this.lines[isOrig ? 0 : 1].endOfData();
  }

  done(): void {
    for (const line of this.lines) line.stopped = true;
  }

  lineWeird(name: string, addl?: string): void {
    this.host.weird(name, addl ?? "", "CONTENTLINE");
  }

  onData(isOrig: boolean, data: Uint8Array): void {
    if (this.starttls) {
      // Lines of the chunk that carried the 670 reply belong to TLS now.
      if (this.ssl?.active === true) this.ssl.deliverStream(isOrig, 0, data);
      return;
    }
    this.line(isOrig, data);
  }

  private weird(name: string, addl = ""): void {
    this.host.weird(name, addl);
  }

  private line(orig: boolean, data: Uint8Array): void {
    const host = this.host;
    if (data.length > MAX_MESSAGE) {
      if (host.confirmed) this.weird("irc_line_size_exceeded");
      return;
    }
    let line = skipSpaces(latin1(data));
    if (line.length < 3) {
      if (host.confirmed) this.weird("irc_line_too_short");
      return;
    }
    // IRCv3 message tags: skipped.
    if (line.startsWith("@")) {
      const sp = line.indexOf(" ");
      if (sp < 0) return;
      line = line.slice(sp + 1);
    }
    let prefix = "";
    if (line.startsWith(":")) {
      const sp = line.indexOf(" ");
      if (sp < 0) {
        if (host.confirmed) this.weird("irc_invalid_line");
        return;
      }
      prefix = line.slice(1, sp);
      line = skipSpaces(line.slice(sp + 1));
    }
    if (line.length < 3) {
      if (host.confirmed) this.weird("irc_invalid_line");
      host.violation("line too short");
      return;
    }
    let code = 0;
    let command = "";
    if (isDigit(line[0])) {
      if (isDigit(line[1]) && isDigit(line[2]) && line[3] === " ") {
        code = Number(line.slice(0, 3));
        line = line.slice(4);
      } else {
        if (host.confirmed) this.weird("irc_invalid_reply_number");
        host.violation("invalid reply number");
        return;
      }
    } else {
      let sp = line.indexOf(" ");
      if (sp < 0) sp = line.length;
      command = line.slice(0, sp).replace(/[a-z]+/g, (m) => m.toUpperCase());
      if (sp === line.length) sp--;
      line = skipSpaces(line.slice(sp + 1));
    }
    const params = line;
    if (!host.confirmed && orig && VALID_CLIENT_COMMANDS.has(command)) host.confirm();
    if (command === "STARTTLS") return;
    if (code > 0) {
      this.reply(orig, prefix, code, params);
      return;
    }
    if (command.length > 20) {
      this.weird("irc_invalid_command");
      if (++this.invalid > MAX_INVALID) {
        this.weird("irc_too_many_invalid");
        host.violation("too many long lines");
      }
      return;
    }
    this.command(orig, prefix, command, params);
  }

  /** A numeric reply. */
  private reply(orig: boolean, prefix: string, code: number, params: string): void {
    const host = this.host;
    const c = (): ReturnType<AnalyzerHost["conn"]> => host.conn();
    switch (code) {
      case 251:
      case 255: {
        const ev = code === 251 ? "irc_network_info" : "irc_server_info";
        if (!host.wants(ev)) return;
        const parts = words(params, " ");
        let users = 0;
        let services = 0;
        let servers = 0;
        for (let i = 1; i < parts.length; i++) {
          const w = parts[i];
          if (code === 251 ? w === "users" : w === "users," || w === "clients") users = atoi(parts[i - 1]!);
          else if (w === "services") services = atoi(parts[i - 1]!);
          else if (w === "servers") servers = atoi(parts[i - 1]!);
        }
        host.raise(ev, c(), orig, count(users), count(services), count(servers));
        return;
      }
      case 353: {
        if (!host.wants("irc_names_info")) return;
        const parts = words(params, " ");
        if (parts.length < 3) {
          this.weird("irc_invalid_names_line");
          return;
        }
        const type = parts[1]!;
        const channel = parts[2]!;
        const users = parts.slice(3);
        if (users.length > 0 && users[0]!.startsWith(":")) users[0] = users[0]!.slice(1);
        const set = unique(users.map((u) => cstr(u.startsWith("@") ? u.slice(1) : u)));
        host.raise("irc_names_info", c(), orig, cstr(type), cstr(channel), set);
        return;
      }
      case 254: {
        if (!host.wants("irc_channel_info")) return;
        const parts = words(params, " ");
        let channels = 0;
        for (let i = 1; i < parts.length; i++) if (parts[i] === ":channels") channels = atoi(parts[i - 1]!);
        host.raise("irc_channel_info", c(), orig, count(channels));
        return;
      }
      case 266: {
        if (!host.wants("irc_global_users")) return;
        const p = cstr(params);
        const sp = p.indexOf(" ");
        const colon = sp < 0 ? -1 : p.indexOf(":", sp + 1);
        if (colon < 0) {
          this.weird("invalid_irc_global_users_reply");
          return;
        }
        host.raise("irc_global_users", c(), orig, p.slice(0, sp + 1), p.slice(colon + 1));
        return;
      }
      case 311: {
        if (!host.wants("irc_whois_user_line")) return;
        const parts = words(params, " ");
        if (parts.length > 1) parts.shift();
        if (parts.length < 5) {
          this.weird("irc_invalid_whois_user_line");
          return;
        }
        let real = parts.slice(4).join(" ");
        if (real.startsWith(":")) real = real.slice(1);
        host.raise("irc_whois_user_line", c(), orig, cstr(parts[0]!), cstr(parts[1]!), cstr(parts[2]!), cstr(real));
        return;
      }
      case 313: {
        if (!host.wants("irc_whois_operator_line")) return;
        const parts = words(params, " ");
        if (parts.length > 1) parts.shift();
        if (parts.length < 2) {
          this.weird("irc_invalid_whois_operator_line");
          return;
        }
        host.raise("irc_whois_operator_line", c(), orig, cstr(parts[0]!));
        return;
      }
      case 319: {
        if (!host.wants("irc_whois_channel_line")) return;
        const parts = words(params, " ");
        if (parts.length < 2) {
          this.weird("irc_invalid_whois_channel_line");
          return;
        }
        const nick = parts.shift()!;
        if (parts[0]!.startsWith(":")) parts[0] = parts[0]!.slice(1);
        host.raise("irc_whois_channel_line", c(), orig, cstr(nick), unique(parts.map(cstr)));
        return;
      }
      case 332: {
        if (!host.wants("irc_channel_topic")) return;
        const parts = words(params, " ");
        const colon = params.indexOf(":");
        if (parts.length < 4 || colon < 0) {
          this.weird("irc_invalid_topic_reply");
          return;
        }
        let topic = cstr(params.slice(colon + 1));
        if (topic.startsWith(":")) topic = topic.slice(1);
        host.raise("irc_channel_topic", c(), orig, cstr(parts[1]!), topic);
        return;
      }
      case 352: {
        if (!host.wants("irc_who_line")) return;
        const parts = words(params, " ");
        if (parts.length < 9) {
          this.weird("irc_invalid_who_line");
          return;
        }
        if (parts[2]!.startsWith("~")) parts[2] = parts[2]!.slice(1);
        if (parts[7]!.startsWith(":")) parts[7] = parts[7]!.slice(1);
        const p = parts.map(cstr);
        host.raise("irc_who_line", c(), orig, p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!, count(atoi(p[7]!)), p[8]!);
        return;
      }
      case 431:
      case 432:
      case 433:
      case 436:
        host.raise("irc_invalid_nick", c(), orig);
        return;
      case 381:
      case 491:
        host.raise("irc_oper_response", c(), orig, code === 381);
        return;
      case 670:
        this.startTls();
        return;
      default:
        if (host.wants("irc_reply")) host.raise("irc_reply", c(), orig, cstr(prefix), code, cstr(params));
    }
  }

  /** A command (not a numeric reply). */
  private command(orig: boolean, prefix: string, command: string, params: string): void {
    const host = this.host;
    const w = (e: Parameters<AnalyzerHost["wants"]>[0]): boolean => host.wants(e);
    const c = (): ReturnType<AnalyzerHost["conn"]> => host.conn();
    if ((w("irc_privmsg_message") || w("irc_dcc_message")) && command === "PRIVMSG") {
      const sp = params.indexOf(" ");
      if (sp < 0) {
        this.weird("irc_invalid_privmsg_message_format");
        return;
      }
      const target = params.slice(0, sp);
      let message = skipSpaces(params.slice(sp + 1));
      if (message.startsWith(":")) message = message.slice(1);
      if (message.startsWith("\x01")) message = message.slice(1);
      if (message.length > 3 && message.startsWith("DCC")) {
        if (message.endsWith("\x01")) message = message.slice(0, -1);
        this.dcc(orig, prefix, target, message);
      } else host.raise("irc_privmsg_message", c(), orig, cstr(prefix), cstr(target), cstr(message));
    } else if (w("irc_notice_message") && command === "NOTICE") {
      this.targetMessage("irc_notice_message", "irc_invalid_notice_message_format", orig, prefix, params);
    } else if (w("irc_squery_message") && command === "SQUERY") {
      this.targetMessage("irc_squery_message", "irc_invalid_squery_message_format", orig, prefix, params);
    } else if (w("irc_user_message") && command === "USER") {
      const parts = words(params, " ");
      // Zeek's concatenation: no blank after the first word of the real name, one after each later word.
      let real = "";
      for (let i = 3; i < parts.length; i++) real += i > 3 ? `${parts[i]} ` : parts[i];
      real = cstr(real);
      if (real.startsWith(":")) real = real.slice(1);
      host.raise("irc_user_message", c(), orig, cstr(parts[0] ?? ""), cstr(parts[1] ?? ""), cstr(parts[2] ?? ""), real);
    } else if (w("irc_oper_message") && command === "OPER") {
      const parts = words(params, " ");
      if (parts.length === 2) host.raise("irc_oper_message", c(), orig, cstr(parts[0]!), cstr(parts[1]!));
      else this.weird("irc_invalid_oper_message_format");
    } else if (w("irc_kick_message") && command === "KICK") {
      const parts = words(params, " ");
      if (parts.length <= 1) {
        this.weird("irc_invalid_kick_message_format");
        return;
      }
      let comment = parts.length > 2 ? parts.slice(2).join(" ") : "";
      if (comment.startsWith(":")) comment = comment.slice(1);
      host.raise("irc_kick_message", c(), orig, cstr(prefix), cstr(parts[0]!), cstr(parts[1]!), cstr(comment));
    } else if (w("irc_join_message") && command === "JOIN") {
      const p = params.startsWith(":") ? params.slice(1) : params;
      const parts = words(p, " ");
      if (parts.length === 0) {
        this.weird("irc_invalid_join_line");
        return;
      }
      const nick = nickOf(prefix);
      const channels = words(parts[0]!, ",");
      const passwords = parts.length > 1 ? words(parts[1]!, ",") : [];
      const list: IrcJoinInfo[] = channels.map((ch, i) => ({ nick, channel: ch, password: passwords[i] ?? "", usermode: "" }));
      host.raise("irc_join_message", c(), orig, list);
    } else if (w("irc_join_message") && command === "NJOIN") {
      const parts = words(params, " ");
      if (parts.length !== 2) {
        this.weird("irc_invalid_njoin_line");
        return;
      }
      const channel = parts[0]!;
      const users = words(parts[1]!.startsWith(":") ? parts[1]!.slice(1) : parts[1]!, ",");
      const list: IrcJoinInfo[] = users.map((u) => {
        let nick = u;
        let mode = "none";
        if (u.startsWith("@@")) {
          nick = u.slice(2);
          mode = "creator";
        } else if (u.startsWith("@")) {
          nick = u.slice(1);
          mode = "operator";
        } else if (u.startsWith("+")) {
          nick = u.slice(1);
          mode = "voice";
        }
        return { nick, channel, password: "", usermode: mode };
      });
      host.raise("irc_join_message", c(), orig, list);
    } else if (w("irc_part_message") && command === "PART") {
      let channels = params;
      let message = "";
      const sp = params.indexOf(" ");
      if (sp >= 0) {
        channels = params.slice(0, sp);
        if (params.length > sp + 1) message = skipSpaces(params.slice(sp + 1));
        if (message.startsWith(":")) message = message.slice(1);
      }
      const bang = prefix.indexOf("!");
      const nick = bang < 0 ? prefix : prefix.slice(0, bang);
      host.raise("irc_part_message", c(), orig, cstr(nick), unique(words(channels, ",")), cstr(message));
    } else if (w("irc_quit_message") && command === "QUIT") {
      const message = params.startsWith(":") ? params.slice(1) : params;
      host.raise("irc_quit_message", c(), orig, cstr(nickOf(prefix)), message);
    } else if (w("irc_nick_message") && command === "NICK") {
      const nick = params.startsWith(":") ? params.slice(1) : params;
      host.raise("irc_nick_message", c(), orig, cstr(prefix), nick);
    } else if (w("irc_who_message") && command === "WHO") {
      const parts = words(params, " ");
      if (parts.length > 2) {
        this.weird("irc_invalid_who_message_format");
        return;
      }
      const oper = parts.length === 2 && parts[1] === "o";
      let mask = parts[0] ?? "";
      if (mask.startsWith(":")) mask = mask.slice(1);
      host.raise("irc_who_message", c(), orig, cstr(mask), oper);
    } else if (w("irc_whois_message") && command === "WHOIS") {
      const parts = words(params, " ");
      if (parts.length === 0 || parts.length > 2) {
        this.weird("irc_invalid_whois_message_format");
        return;
      }
      const [server, users] = parts.length === 2 ? [parts[0]!, parts[1]!] : ["", parts[0]!];
      host.raise("irc_whois_message", c(), orig, cstr(server), cstr(users));
    } else if (w("irc_error_message") && command === "ERROR") {
      host.raise("irc_error_message", c(), orig, cstr(prefix), cstr(params.startsWith(":") ? params.slice(1) : params));
    } else if (w("irc_invite_message") && command === "INVITE") {
      const parts = words(params, " ");
      if (parts.length === 2) {
        const channel = parts[1]!.startsWith(":") ? parts[1]!.slice(1) : parts[1]!;
        host.raise("irc_invite_message", c(), orig, cstr(prefix), cstr(parts[0]!), cstr(channel));
      } else this.weird("irc_invalid_invite_message_format");
    } else if (w("irc_mode_message") && command === "MODE") {
      if (params !== "") host.raise("irc_mode_message", c(), orig, cstr(prefix), cstr(params));
      else this.weird("irc_invalid_mode_message_format");
    } else if (w("irc_password_message") && command === "PASS") {
      host.raise("irc_password_message", c(), orig, cstr(params));
    } else if (w("irc_squit_message") && command === "SQUIT") {
      let server = "";
      let message = "";
      const sp = params.indexOf(" ");
      if (sp >= 0) {
        server = params.slice(0, sp);
        message = skipSpaces(params.slice(sp + 1));
        if (message.startsWith(":")) message = message.slice(1);
      }
      host.raise("irc_squit_message", c(), orig, cstr(prefix), cstr(server), cstr(message));
    } else if (orig) {
      if (w("irc_request")) host.raise("irc_request", c(), orig, cstr(prefix), cstr(command), cstr(params));
    } else if (w("irc_message")) host.raise("irc_message", c(), orig, cstr(prefix), cstr(command), cstr(params));
  }

  /** NOTICE and SQUERY: "target :message". */
  private targetMessage(event: "irc_notice_message" | "irc_squery_message", weird: string, orig: boolean, prefix: string, params: string): void {
    const sp = params.indexOf(" ");
    if (sp < 0) {
      this.weird(weird);
      return;
    }
    let message = skipSpaces(params.slice(sp + 1));
    if (message.startsWith(":")) message = message.slice(1);
    this.host.raise(event, this.host.conn(), orig, cstr(prefix), cstr(params.slice(0, sp)), cstr(message));
  }

  /** A CTCP DCC request: "DCC type argument address port [size] [T]". */
  private dcc(orig: boolean, prefix: string, target: string, message: string): void {
    const parts = words(message, " ");
    if ((parts.length < 5 || parts.length > 6) && !(parts.length === 7 && parts[6] === "T")) {
      this.weird("irc_invalid_dcc_message_format");
      return;
    }
    const addr = atoiN32(parts[3]!);
    if (addr === null) {
      this.weird("irc_invalid_dcc_host");
      return;
    }
    const port = atoiN32(parts[4]!);
    if (port === null || port > 65535) {
      this.weird("irc_invalid_dcc_port", `${(port ?? 0) | 0}`);
      return;
    }
    if (!this.host.wants("irc_dcc_message")) return;
    const address = `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
    const size = parts.length >= 6 ? count(atoi(parts[5]!)) : 0;
    this.host.raise("irc_dcc_message", this.host.conn(), orig, cstr(prefix), cstr(target), cstr(parts[1]!), cstr(parts[2]!), address, port, size);
  }

  /** 670 after STARTTLS: the rest of the connection is TLS. */
  private startTls(): void {
    this.starttls = true;
    this.ssl = this.host.addChild("SSL");
    this.host.raise("irc_starttls", this.host.conn());
  }
}

/** A set's members once each, in first-seen order. */
function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** Zeek's irc/dpd.sig. */
const IRC_SIGNATURES = [
  {
    id: "irc_client1",
    proto: "tcp",
    tcpState: "originator",
    requiresReverse: "irc_server_reply",
    enable: "irc",
    payload: "(|.*[\\r\\n]) *[Uu][Ss][Ee][Rr] +.+[\\n\\r]+ *[Nn][Ii][Cc][Kk] +.*[\\r\\n]",
  },
  {
    id: "irc_client2",
    proto: "tcp",
    tcpState: "originator",
    requiresReverse: "irc_server_reply",
    enable: "irc",
    payload: "(|.*[\\r\\n]) *[Nn][Ii][Cc][Kk] +.+[\\r\\n]+ *[Uu][Ss][Ee][Rr] +.+[\\r\\n]",
  },
  { id: "irc_server_reply", proto: "tcp", tcpState: "responder", payload: "(|.*[\\n\\r])(:[^ \\n\\r]+ )?[0-9][0-9][0-9] " },
  { id: "irc_server_to_server1", proto: "tcp", payload: "(|.*[\\r\\n]) *[Ss][Ee][Rr][Vv][Ee][Rr] +[^ ]+ +[0-9]+ +:.+[\\r\\n]" },
  {
    id: "irc_server_to_server2",
    proto: "tcp",
    requiresReverse: "irc_server_to_server1",
    enable: "irc",
    payload: "(|.*[\\r\\n]) *[Ss][Ee][Rr][Vv][Ee][Rr] +[^ ]+ +[0-9]+ +:.+[\\r\\n]",
  },
] as const;

/** IRC: IRC::ports (6666-6669) and DPD. */
export const IRC: AnalyzerComponent = {
  name: "IRC",
  script: "base/protocols/irc",
  /** Zeek's constructor makes a ContentLine_Analyzer per side (on TCP). */
  supportAnalyzers: 2,
  tcpPorts: [6666, 6667, 6668, 6669],
  signatures: IRC_SIGNATURES,
  stream: (host) => new IrcAnalyzer(host),
};

export { IRC_DATA };
