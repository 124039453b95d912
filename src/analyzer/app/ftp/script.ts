/**
 * The ftp script (Zeek's base/protocols/ftp: main.zeek, files.zeek,
 * gridftp.zeek, utils*.zeek), written against the FTP events: per control
 * connection one FTP::Info (c$ftp) with its queue of pending commands; each
 * reply is matched to the pending command that fits it best (code, text);
 * a command/reply pair is written to ftp.log when the next command comes (or
 * at once while others wait, or when the connection goes away) if its
 * command is one of FTP::logged_commands; a session that logged none but saw
 * a user gets one summary row. PORT/EPRT/PASV/EPSV make expected data
 * channels: the data connection gets FTP_DATA and the service "ftp-data",
 * its file (get_file_handle below) fills the row's fuid and mime_type.
 */
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { zeekTimeText } from "../../../files/manager.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { ZeekTable } from "../../../zeek-table/table.js";
import { catConnId } from "../file/file.js";
import { sslInfoOf } from "../ssl/log.js";
import "../file/file.js";
import "./events.js";
import "./trace.js";
import { cmdReplyCompatible } from "./commands.js";
import {
  addrToUri,
  buildPathCompressed,
  extractCount,
  extractPath,
  type FtpPort,
  parseEftpPort,
  parseFtpEpsv,
  parseFtpPasv,
  parseFtpPort,
  UNSPECIFIED6,
} from "./utils.js";

/** FTP::guest_ids. */
const GUEST_IDS = new Set(["anonymous", "ftp", "ftpuser", "guest"]);
/** The commands whose argument names a file or directory (written as a URL). */
const FILE_CMDS = new Set(["APPE", "CWD", "DELE", "MKD", "RETR", "RMD", "RNFR", "RNTO", "STOR", "STOU", "REST", "SIZE", "MDTM"]);
/** directory_cmds: the command and the codes by which it shows or changes the directory. */
const DIRECTORY_CMDS = new Set(["CWD 250", "CDUP 200", "CDUP 250", "PWD 257", "XPWD 257"]);

/** ftp_data_expected's &read_expire and the schedule_analyzer timeout. */
const DATA_CHANNEL_TIMEOUT = 300;
const HIDDEN = "<hidden>";

export const FTP_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["user", "string"],
  ["password", "string"],
  ["command", "string"],
  ["arg", "string"],
  ["mime_type", "string"],
  ["file_size", "count"],
  ["reply_code", "count"],
  ["reply_msg", "string"],
  ["data_channel.passive", "bool"],
  ["data_channel.orig_h", "addr"],
  ["data_channel.resp_h", "addr"],
  ["data_channel.resp_p", "port"],
  ["fuid", "string"],
);

/** FTP::CmdArg. */
interface CmdArg {
  ts: number;
  cmd: string;
  arg: string;
  seq: number;
  cwd_consumed: boolean;
}

/** FTP::ExpectedDataChannel. */
interface DataChannel {
  passive: boolean;
  orig_h: string;
  resp_h: string;
  resp_p: number;
}

/** FTP::Info. */
export interface FtpInfo {
  ts: number;
  uid: string;
  c: Connection;
  user: string;
  password?: string;
  command?: string;
  arg?: string;
  mime_type?: string;
  file_size?: number;
  reply_code?: number;
  reply_msg?: string;
  data_channel?: DataChannel;
  cwd: string;
  cmdarg?: CmdArg;
  /** FTP::PendingCmds, a table[count] of CmdArg: flushed at the end in Zeek's table order. */
  pending: ZeekTable<number, CmdArg>;
  command_seq: number;
  passive: boolean;
  capture_password: boolean;
  logged_command_seen: boolean;
  fuid?: string;
  /** gridftp.zeek's last_auth_requested. */
  last_auth_requested?: string | undefined;
  /** `user` is one of FTP::guest_ids (kept with it: the password check runs for every logged row). */
  guest: boolean;
}

/** ftp_data_expected: the sessions expecting a data connection, by responder address and port (&read_expire). */
class ExpectedTable {
  private readonly map = new Map<string, { info: FtpInfo; read: number }>();
  get size(): number {
    return this.map.size;
  }
  private key(h: string, p: number): string {
    return `${h}|${p}`;
  }
  get(h: string, p: number, now: number): FtpInfo | undefined {
    const k = this.key(h, p);
    const e = this.map.get(k);
    if (e === undefined) return undefined;
    if (now - e.read > DATA_CHANNEL_TIMEOUT) {
      this.map.delete(k);
      return undefined;
    }
    e.read = now;
    return e.info;
  }
  has(h: string, p: number, now: number): boolean {
    return this.get(h, p, now) !== undefined;
  }
  set(h: string, p: number, info: FtpInfo, now: number): void {
    this.map.set(this.key(h, p), { info, read: now });
  }
  delete(h: string, p: number): void {
    this.map.delete(this.key(h, p));
  }
}

/** The per-engine state the FTP_DATA analyzer asks (through the engine's settings object). */
interface EngineFtpState {
  expected: ExpectedTable;
  now: () => number;
}
const engineStates = new WeakMap<EngineSettings, EngineFtpState>();

/** FTP::get_file_handle: names the file a data connection carries, "" when no session expects the connection. */
export function ftpFileHandle(settings: EngineSettings, c: Connection, isOrig: boolean): string {
  const st = engineStates.get(settings);
  if (st === undefined || !st.expected.has(c.id.resp_h, c.id.resp_p, st.now())) return "";
  return `Analyzer::ANALYZER_FTP_DATA${zeekTimeText(c.start_time)}${catConnId(c)}${isOrig ? "T" : "F"}`;
}

/** build_url_ftp. */
function buildUrlFtp(info: FtpInfo): string {
  let path = buildPathCompressed(info.cwd, info.arg ?? "");
  if (!path.startsWith("/")) path = `/${path}`;
  return `ftp://${addrToUri(info.c.id.resp_h)}${path}`;
}

/** get_pending_cmd: the pending command that best fits a reply (compatible code, command or argument in the text). */
function bestPending(pc: ZeekTable<number, CmdArg>, code: number, msg: string): CmdArg | undefined {
  let best: CmdArg | undefined;
  let bestSeq = 0;
  let bestScore = -1;
  for (const [seq, cmd] of pc.entries()) {
    let score = 0;
    if (code === 500 || cmdReplyCompatible(cmd.cmd, code)) score += 100;
    if (msg.includes(cmd.cmd)) score += 20;
    if (msg.includes(cmd.arg)) score += 10;
    if (score > bestScore || (score === bestScore && bestSeq > seq)) {
      bestScore = score;
      bestSeq = seq;
      best = cmd;
    }
  }
  return best;
}

/** Zeek's to_lower (ASCII only). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** c$ftp of every connection the FTP script follows (keyed by connection: one map serves every engine). */
const sessions = new WeakMap<Connection, FtpInfo>();

/** c$ftp$cmdarg: the command the reply being handled answers (read by policy scripts at ftp_reply, priority below 5). */
export function ftpReplyCommand(c: Connection): { readonly cmd: string; readonly arg: string } | undefined {
  return sessions.get(c)?.cmdarg;
}

/** |ftp_data_expected|: how many data connections the engine's FTP sessions expect (0 without the FTP script). */
export function ftpDataExpectedSize(settings: EngineSettings): number {
  return engineStates.get(settings)?.expected.size ?? 0;
}

/** c$ftp as a script reads it (its cwd, reply_msg, …): undefined before the connection's first FTP command or reply. */
export function ftpSession(c: Connection): Readonly<FtpInfo> | undefined {
  return sessions.get(c);
}

export function loadFtpScript(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "ftp", fields: FTP_FIELDS });
  const now = (): number => host.clock.now;
  /** Data connections whose expectation is to be dropped when they go away (finalize_ftp_data), and those reused. */
  const dataConns = new WeakMap<Connection, { reused: boolean }>();
  const expected = new ExpectedTable();
  engineStates.set(host.settings, { expected, now });
  /** The files of FTP data (f$ftp). */
  const fileFtp = new WeakMap<FaFile, FtpInfo>();

  const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
  const write = (s: FtpInfo): void => {
    const id = s.c.id;
    const dc = s.data_channel;
    log.write([
      s.ts,
      s.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      t(s.user),
      t(s.password),
      t(s.command),
      t(s.arg),
      s.mime_type,
      s.file_size,
      s.reply_code,
      t(s.reply_msg),
      dc?.passive,
      dc?.orig_h,
      dc?.resp_h,
      dc?.resp_p,
      s.fuid,
    ]);
  };
  const weird = (c: Connection, name: string, addl: string): void => host.connWeird(name, c, addl, "FTP");

  const addPending = (s: FtpInfo, cmd: string, arg: string): void => {
    const seq = ++s.command_seq;
    s.pending.set(seq, { ts: now(), cmd, arg, seq, cwd_consumed: false });
  };

  /** set_ftp_session. */
  const session = (c: Connection): FtpInfo => {
    let s = sessions.get(c);
    if (s === undefined) {
      s = {
        ts: now(),
        uid: c.uid,
        c,
        user: "<unknown>",
        cwd: ".",
        pending: new ZeekTable(host.tableHash.count),
        command_seq: 0,
        passive: false,
        capture_password: host.settings["FTP::default_capture_password"],
        logged_command_seen: false,
        // Every optional field present from the start, and cleared by assigning undefined rather than `delete`:
        // a deleted property turns the record into a slow dictionary-mode object for the rest of the session.
        password: undefined,
        command: undefined,
        arg: undefined,
        mime_type: undefined,
        file_size: undefined,
        reply_code: undefined,
        reply_msg: undefined,
        data_channel: undefined,
        cmdarg: undefined,
        fuid: undefined,
        last_auth_requested: undefined,
        guest: false,
      };
      sessions.set(c, s);
      registerRemovalHook(c, finalize);
      // A shim command the server's greeting answers.
      addPending(s, "<init>", "");
    }
    return s;
  };

  const hidePassword = (s: FtpInfo): boolean => !s.capture_password && !s.guest;

  /** ftp_message: the row of the current command/reply pair, if its command is logged. */
  const message = (c: Connection, s: FtpInfo): void => {
    const ca = s.cmdarg;
    if (ca === undefined) return;
    s.ts = ca.ts;
    s.command = ca.cmd;
    s.arg = ca.arg;
    if (FILE_CMDS.has(ca.cmd)) s.arg = buildUrlFtp(s);
    const maxArg = host.settings["FTP::max_arg_length"];
    const maxReply = host.settings["FTP::max_reply_msg_length"];
    if (s.arg.length > maxArg) {
      weird(c, "FTP_arg_too_long", `${s.arg.length}`);
      s.arg = s.arg.slice(0, maxArg);
    }
    if (s.reply_msg !== undefined && s.reply_msg.length > maxReply) {
      weird(c, "FTP_reply_msg_too_long", `${s.reply_msg.length}`);
      s.reply_msg = s.reply_msg.slice(0, maxReply);
    }
    if (s.command === "PASS" && hidePassword(s)) s.arg = HIDDEN;
    if (s.arg === "") s.arg = undefined;
    if (s.password !== undefined && hidePassword(s)) s.password = HIDDEN;
    if (host.settings["FTP::logged_commands"].has(s.command)) {
      write(s);
      s.logged_command_seen = true;
    }
    s.mime_type = undefined;
    s.file_size = undefined;
    s.data_channel = undefined;
    s.fuid = undefined;
  };

  /** add_expected_data_channel. */
  const addExpected = (s: FtpInfo, chan: DataChannel): void => {
    const t0 = now();
    const max = host.settings["FTP::max_expected_data_channels"];
    // 0 is no bound; the weird is about the table, not this connection (Zeek's net_weird: no uid, rate-limited by name alone).
    if (!expected.has(chan.resp_h, chan.resp_p, t0) && max > 0 && expected.size >= max) {
      host.netWeird?.("FTP_too_many_expected_data_channels", `${expected.size}`, "FTP");
      return;
    }
    s.passive = chan.passive;
    s.data_channel = chan;
    expected.set(chan.resp_h, chan.resp_p, s, t0);
    host.scheduleAnalyzer(chan.orig_h, chan.resp_h, chan.resp_p, "tcp", "FTP_DATA", DATA_CHANNEL_TIMEOUT);
  };

  host.on(
    "ftp_request",
    (c, command, arg) => {
      const prev = sessions.get(c);
      if (prev?.cmdarg !== undefined && prev.reply_code !== undefined) {
        if (prev.pending.delete(prev.cmdarg.seq)) message(c, prev);
      }
      const s = session(c);
      if (s.pending.size < host.settings["FTP::max_pending_commands"]) addPending(s, command, arg);
      else weird(c, "FTP_too_many_pending_commands", `${s.pending.size}`);
      if (command === "USER") {
        const max = host.settings["FTP::max_user_length"];
        if (arg.length > max) {
          weird(c, "FTP_user_too_long", `${arg.length}`);
          arg = arg.slice(0, max);
        }
        s.user = arg;
        s.guest = GUEST_IDS.has(asciiLower(arg));
      } else if (command === "PASS") {
        const max = host.settings["FTP::max_password_length"];
        if (arg.length > max) {
          weird(c, "FTP_password_too_long", `${arg.length}`);
          arg = arg.slice(0, max);
        }
        s.password = arg;
      } else if (command === "PORT" || command === "EPRT") {
        const data = command === "PORT" ? parseFtpPort(arg) : parseEftpPort(arg);
        if (data.valid) addExpected(s, { passive: false, orig_h: c.id.resp_h, resp_h: data.h, resp_p: data.p });
      }
    },
    { priority: 5 },
  );

  // gridftp.zeek: remember the AUTH mechanism.
  host.on(
    "ftp_request",
    (c, command, arg) => {
      const s = sessions.get(c);
      if (command === "AUTH" && s !== undefined) s.last_auth_requested = arg;
    },
    { priority: 4 },
  );

  host.on(
    "ftp_reply",
    (c, code, msg, cont) => {
      const s = session(c);
      // Inner lines of a multi-line reply are not matched, unless one looks like a reply of its own (a server that
      // never closed a "230-" reply).
      if (cont && code === 0 && s.reply_code !== undefined && !/^[1-9][0-9]{2} [\x20-\x7e]{10}/.test(msg)) return;
      s.cmdarg = bestPending(s.pending, code, msg);
      s.reply_code = code;
      s.reply_msg = msg;
      if (cont) return;
      const ca = s.cmdarg;
      if (ca === undefined) return;
      if ((code === 150 && ca.cmd === "RETR") || (code === 213 && ca.cmd === "SIZE")) {
        s.file_size = extractCount(msg, false);
      } else if ((code === 227 || code === 229) && (ca.cmd === "PASV" || ca.cmd === "EPSV")) {
        const data: FtpPort = code === 227 ? parseFtpPasv(msg) : parseFtpEpsv(msg);
        if (data.valid) {
          s.passive = true;
          if (code === 229 && data.h === UNSPECIFIED6) data.h = c.id.resp_h;
          addExpected(s, { passive: true, orig_h: c.id.orig_h, resp_h: data.h, resp_p: data.p });
        }
      }
      if (DIRECTORY_CMDS.has(`${ca.cmd} ${code}`) && !ca.cwd_consumed) {
        ca.cwd_consumed = true;
        if (ca.cmd === "CWD") s.cwd = buildPathCompressed(s.cwd, ca.arg);
        else if (ca.cmd === "CDUP") s.cwd = buildPathCompressed(s.cwd, "/..");
        else s.cwd = extractPath(msg);
      }
      // With more commands queued the pair is written now: the next request would not tell which it was.
      if (s.pending.size > 1) {
        s.pending.delete(ca.seq);
        message(c, s);
      }
    },
    { priority: 5 },
  );

  host.on(
    "scheduled_analyzer_applied",
    (c) => {
      if (expected.has(c.id.resp_h, c.id.resp_p, now())) {
        c.service.add("ftp-data");
        dataConns.set(c, { reused: false });
        registerRemovalHook(c, finalize);
      }
    },
    { priority: 10 },
  );

  host.on(
    "file_transferred",
    (c, _prefix, _descr, mime) => {
      const s = expected.get(c.id.resp_h, c.id.resp_p, now());
      if (s !== undefined) s.mime_type = mime.split(";")[0];
    },
    { priority: 5 },
  );

  host.on(
    "connection_reused",
    (c) => {
      const d = dataConns.get(c);
      if (d !== undefined && c.service.has("ftp-data")) d.reused = true;
    },
    { priority: 5 },
  );

  // files.zeek.
  host.on(
    "file_over_new_connection",
    (f, c) => {
      const s = expected.get(c.id.resp_h, c.id.resp_p, now());
      if (s === undefined) return;
      s.fuid = f.id;
      fileFtp.set(f, s);
    },
    { priority: 5 },
  );

  host.on(
    "file_sniff",
    (f, meta) => {
      const s = fileFtp.get(f);
      if (s !== undefined && meta.mime_type !== undefined) s.mime_type = meta.mime_type;
    },
    { priority: 5 },
  );

  // gridftp.zeek: an SSL handshake after AUTH GSSAPI marks a GridFTP control channel.
  host.on(
    "ssl_established",
    (c) => {
      const s = sessions.get(c);
      if (s?.last_auth_requested?.includes("GSSAPI")) c.service.add("gridftp");
    },
    { priority: 5 },
  );

  // gridftp.zeek's data channels: a mutually authenticated SSL connection with
  // a NULL bulk cipher that sends size_threshold bytes within max_time.
  const settings = host.settings;
  const dataChannelCandidate = (c: Connection): boolean => {
    const ssl = sslInfoOf(host, c);
    return ssl !== undefined && (ssl.certChain?.length ?? 0) > 0 && (ssl.clientCertChain?.length ?? 0) > 0 && ssl.cipher?.includes("WITH_NULL") === true;
  };
  host.on(
    "ssl_established",
    (c) => {
      if (!dataChannelCandidate(c)) return;
      const threshold = settings["GridFTP::size_threshold"];
      host.setConnThreshold(c, "bytes", threshold, true);
      host.setConnThreshold(c, "bytes", threshold, false);
      // gridftp_possibility_timeout: past max_time, a connection not found (and not ended) stops waiting.
      host.schedule(now() + settings["GridFTP::max_time"], () => {
        if (c.service.has("gridftp-data")) return;
        host.setConnThreshold(c, "bytes", 0, true);
        host.setConnThreshold(c, "bytes", 0, false);
      });
    },
    { priority: -3 },
  );
  host.on("conn_bytes_threshold_crossed", (c, threshold) => {
    if (threshold < settings["GridFTP::size_threshold"] || c.service.has("gridftp-data") || c.duration > settings["GridFTP::max_time"]) return;
    if (!dataChannelCandidate(c)) return;
    c.service.add("gridftp-data");
    host.raise("GridFTP::data_channel_detected", c);
    if (settings["GridFTP::skip_data"]) host.skipFurtherProcessing(c);
  });

  // The removal hooks finalize_ftp_data and finalize_ftp.
  const finalize = removalHook(host, (c) => {
    const d = dataConns.get(c);
    if (d !== undefined && !d.reused && expected.has(c.id.resp_h, c.id.resp_p, now())) expected.delete(c.id.resp_h, c.id.resp_p);
    const s = sessions.get(c);
    if (s === undefined) return;
    for (const ca of s.pending.values()) {
      s.cmdarg = ca;
      message(c, s);
    }
    if (!s.logged_command_seen) write(s);
  });
}

export const FTP_SCRIPT: ProtocolScript = {
  script: "base/protocols/ftp",
  load: (host, logs) => loadFtpScript(host, logs),
};
