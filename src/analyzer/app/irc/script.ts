/**
 * The irc script (Zeek's base/protocols/irc: main.zeek, dcc-send.zeek,
 * files.zeek), written against the IRC events: per connection one IRC::Info
 * (c$irc) that NICK, USER and JOIN from the client fill and write (one row
 * per command, one per joined channel); a DCC SEND request schedules
 * IRC_DATA for the announced address and port (service irc-dcc-data), and
 * the transfer's file, once sniffed, writes a "DCC" row with its name, size,
 * mime type and fuid.
 */
import type { Connection } from "../../../event/records.js";
import type { FaFile } from "../../../files/file.js";
import { zeekTimeText } from "../../../files/manager.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { catConnId } from "../file/file.js";
import "./events.js";

/** dcc_expected_transfers' &read_expire and the schedule_analyzer timeout. */
const DCC_TIMEOUT = 300;

export const IRC_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["nick", "string"],
  ["user", "string"],
  ["command", "string"],
  ["value", "string"],
  ["addl", "string"],
  ["dcc_file_name", "string"],
  ["dcc_file_size", "count"],
  ["dcc_mime_type", "string"],
  ["fuid", "string"],
);

/** IRC::Info. */
interface IrcInfo {
  ts: number;
  uid: string;
  c: Connection;
  nick?: string;
  user?: string;
  command?: string;
  value?: string;
  addl?: string;
  dcc_file_name?: string;
  dcc_file_size?: number;
  dcc_mime_type?: string;
  fuid?: string;
}

/** IRC::get_file_handle: a DCC transfer's file is named by its connection and direction. */
export function ircFileHandle(c: Connection, isOrig: boolean): string {
  return `Analyzer::ANALYZER_IRC_DATA${zeekTimeText(c.start_time)}${catConnId(c)}${isOrig ? "T" : "F"}`;
}

export function loadIrcScript(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "irc", fields: IRC_FIELDS });
  const now = (): number => host.clock.now;
  const sessions = new WeakMap<Connection, IrcInfo>();
  /** dcc_expected_transfers, by "addr|port", with the last read time (&read_expire). */
  const expected = new Map<string, { info: IrcInfo; read: number }>();
  const dataConns = new WeakSet<Connection>();
  const fileIrc = new WeakMap<FaFile, IrcInfo>();

  const key = (h: string, p: number): string => `${h}|${p}`;
  const lookup = (h: string, p: number): IrcInfo | undefined => {
    const k = key(h, p);
    const e = expected.get(k);
    if (e === undefined) return undefined;
    if (now() - e.read > DCC_TIMEOUT) {
      expected.delete(k);
      return undefined;
    }
    e.read = now();
    return e.info;
  };

  const t = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
  const write = (i: IrcInfo): void => {
    const id = i.c.id;
    log.write([
      i.ts,
      i.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      t(i.nick),
      t(i.user),
      t(i.command),
      t(i.value),
      t(i.addl),
      t(i.dcc_file_name),
      i.dcc_file_size,
      i.dcc_mime_type,
      i.fuid,
    ]);
  };

  /** set_session: c$irc, its time the latest command's. */
  const session = (c: Connection): IrcInfo => {
    let s = sessions.get(c);
    if (s === undefined) {
      // Every slot from birth (filled in varying order, the optional ones gave the records many shapes).
      s = {
        ts: now(),
        uid: c.uid,
        c,
        nick: undefined,
        user: undefined,
        command: undefined,
        value: undefined,
        addl: undefined,
        dcc_file_name: undefined,
        dcc_file_size: undefined,
        dcc_mime_type: undefined,
        fuid: undefined,
      };
      sessions.set(c, s);
    }
    s.ts = now();
    return s;
  };

  host.on(
    "irc_nick_message",
    (c, isOrig, _who, newnick) => {
      const s = session(c);
      if (isOrig) {
        s.command = "NICK";
        s.value = newnick;
      }
    },
    { priority: 5 },
  );
  host.on(
    "irc_nick_message",
    (c, isOrig, _who, newnick) => {
      const s = sessions.get(c);
      if (!isOrig || s === undefined) return;
      write(s);
      s.nick = newnick;
    },
    { priority: -5 },
  );

  host.on(
    "irc_user_message",
    (c, isOrig, user, hostname, server, realName) => {
      const s = session(c);
      if (isOrig) {
        s.command = "USER";
        s.value = user;
        s.addl = `${hostname} ${server} ${realName}`;
      }
    },
    { priority: 5 },
  );
  host.on(
    "irc_user_message",
    (c, isOrig, user) => {
      const s = sessions.get(c);
      if (!isOrig || s === undefined) return;
      write(s);
      s.user = user;
    },
    { priority: -5 },
  );

  host.on(
    "irc_join_message",
    (c, isOrig) => {
      const s = session(c);
      if (isOrig) s.command = "JOIN";
    },
    { priority: 5 },
  );
  host.on(
    "irc_join_message",
    (c, isOrig, list) => {
      const s = sessions.get(c);
      if (!isOrig || s === undefined) return;
      for (const l of list) {
        s.value = l.channel;
        s.addl = l.password !== "" ? ` with channel key: '${l.password}'` : "";
        write(s);
      }
    },
    { priority: -5 },
  );

  // dcc-send.zeek.
  host.on(
    "irc_dcc_message",
    (c, _isOrig, _prefix, _target, type, argument, address, port, size) => {
      const s = session(c);
      if (type !== "SEND") return;
      const max = host.settings["IRC::max_dcc_expected_transfers"];
      if (max > 0 && expected.size >= max) {
        host.connWeird("irc_max_dcc_expected_transfers_exceeded", c);
        return;
      }
      s.dcc_file_name = argument;
      s.dcc_file_size = size;
      host.scheduleAnalyzer("0.0.0.0", address, port, "tcp", "IRC_DATA", DCC_TIMEOUT);
      expected.set(key(address, port), { info: s, read: now() });
    },
    { priority: 5 },
  );

  host.on(
    "scheduled_analyzer_applied",
    (c) => {
      if (lookup(c.id.resp_h, c.id.resp_p) === undefined) return;
      c.service.add("irc-dcc-data");
      dataConns.add(c);
      registerRemovalHook(c, finalizeData);
    },
    { priority: 10 },
  );

  // finalize_irc_data, a removal hook.
  const finalizeData = removalHook(host, (c) => {
    if (dataConns.has(c)) expected.delete(key(c.id.resp_h, c.id.resp_p));
  });

  // files.zeek.
  host.on(
    "file_over_new_connection",
    (f, c) => {
      const irc = lookup(c.id.resp_h, c.id.resp_p);
      if (irc === undefined) return;
      irc.fuid = f.id;
      if (irc.dcc_file_name !== undefined && f.info !== undefined) f.info.filename = irc.dcc_file_name;
      fileIrc.set(f, irc);
    },
    { priority: 5 },
  );

  host.on(
    "file_sniff",
    (f, meta) => {
      const irc = fileIrc.get(f);
      if (irc !== undefined && meta.mime_type !== undefined) irc.dcc_mime_type = meta.mime_type;
    },
    { priority: 5 },
  );

  // log_dcc: the transfer's row once its file was sniffed.
  host.on(
    "file_sniff",
    (f) => {
      if (f.source !== "IRC_DATA") return;
      for (const c of f.conns.values()) {
        const k = key(c.id.resp_h, c.id.resp_p);
        const irc = lookup(c.id.resp_h, c.id.resp_p);
        if (irc === undefined) continue;
        const command = irc.command ?? "";
        irc.command = "DCC";
        write(irc);
        if (command !== "") irc.command = command;
        irc.dcc_file_name = undefined;
        irc.dcc_file_size = undefined;
        irc.dcc_mime_type = undefined;
        expected.delete(k);
        return;
      }
    },
    { priority: -5 },
  );
}

export const IRC_SCRIPT: ProtocolScript = {
  script: "base/protocols/irc",
  load: (host, logs) => loadIrcScript(host, logs),
};
