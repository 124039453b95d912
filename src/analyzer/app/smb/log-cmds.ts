/**
 * Zeek's policy/protocols/smb/log-cmds: smb_cmd.log, one row per SMB command
 * answered (for debugging): the command and its sub-command, argument,
 * status, round trip, version, tree, and the file it referenced, as the
 * command's record stands when the response's header is handled (before
 * the response's own events). Left out: responses whose status is in
 * SMB::ignored_command_statuses, SMB2's PENDING interim responses, and the
 * SMB1 commands whose rows only an error response writes (NEGOTIATE,
 * READ_ANDX, SESSION_SETUP_ANDX, TREE_CONNECT_ANDX).
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { smbStatus } from "./names.js";
import { type CmdInfo, smbCurrentCommand } from "./script.js";

export const SMB_CMD_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["command", "string"],
  ["sub_command", "string"],
  ["argument", "string"],
  ["status", "string"],
  ["rtt", "interval"],
  ["version", "string"],
  ["username", "string"],
  ["tree", "string"],
  ["tree_service", "string"],
  ["referenced_file.ts", "time"],
  ["referenced_file.uid", "string"],
  ["referenced_file.id.orig_h", "addr"],
  ["referenced_file.id.orig_p", "port"],
  ["referenced_file.id.resp_h", "addr"],
  ["referenced_file.id.resp_p", "port"],
  ["referenced_file.fuid", "string"],
  ["referenced_file.action", "enum"],
  ["referenced_file.path", "string"],
  ["referenced_file.name", "string"],
  ["referenced_file.size", "count"],
  ["referenced_file.prev_name", "string"],
  ["referenced_file.times.modified", "time"],
  ["referenced_file.times.accessed", "time"],
  ["referenced_file.times.created", "time"],
  ["referenced_file.times.changed", "time"],
);

/** SMB1 commands whose row only an error response writes (the script's deferred_logging_cmds). */
const DEFERRED_COMMANDS: ReadonlySet<string> = new Set(["NEGOTIATE", "READ_ANDX", "SESSION_SETUP_ANDX", "TREE_CONNECT_ANDX"]);

const STATUS_PENDING = 0x103;

export function loadSmbCmdLog(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "smb_cmd", fields: SMB_CMD_FIELDS });
  const text = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));

  const write = (c: Connection, cmd: Readonly<CmdInfo>): void => {
    const id = c.id;
    const f = cmd.referenced_file;
    const fileConn = f === undefined ? [undefined, undefined, undefined, undefined, undefined] : [c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p];
    const t = f?.times;
    log.write([
      cmd.ts,
      c.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      cmd.command,
      cmd.sub_command,
      text(cmd.argument),
      cmd.status === undefined ? undefined : smbStatus(cmd.status),
      cmd.rtt,
      cmd.version,
      undefined,
      text(cmd.tree),
      text(cmd.tree_service),
      f?.ts,
      ...fileConn,
      f?.fuid,
      f?.action === undefined ? undefined : `SMB::${f.action}`,
      text(f?.path),
      text(f?.name),
      f?.size,
      text(f?.prev_name),
      t?.modified,
      t?.accessed,
      t?.created,
      t?.changed,
    ]);
  };

  /** The command a response answered, unless its status is one the log leaves out. */
  const answered = (c: Connection, isOrig: boolean): Readonly<CmdInfo> | undefined => {
    if (isOrig) return undefined;
    const cmd = smbCurrentCommand(host.settings, c);
    if (cmd === undefined || (cmd.status !== undefined && host.settings["SMB::ignored_command_statuses"].has(smbStatus(cmd.status)))) return undefined;
    return cmd;
  };

  host.on(
    "smb1_message",
    (c, _hdr, isOrig) => {
      const cmd = answered(c, isOrig);
      if (cmd !== undefined && !DEFERRED_COMMANDS.has(cmd.command)) write(c, cmd);
    },
    { priority: -5 },
  );
  // The deferred commands' errors (their more specific events do not come then).
  host.on("smb1_error", (c, _hdr, isOrig) => {
    const cmd = answered(c, isOrig);
    if (cmd !== undefined && DEFERRED_COMMANDS.has(cmd.command)) write(c, cmd);
  });
  host.on(
    "smb2_message",
    (c, _hdr, isOrig) => {
      const cmd = answered(c, isOrig);
      // An interim PENDING response: the final one writes the row.
      if (cmd !== undefined && cmd.status !== STATUS_PENDING && !DEFERRED_COMMANDS.has(cmd.command)) write(c, cmd);
    },
    { priority: -5 },
  );
}

export const SMB_LOG_CMDS_SCRIPT: PolicyScript = {
  script: "policy/protocols/smb/log-cmds",
  what: "smb_cmd.log",
  load: (host, { logs }) => loadSmbCmdLog(host, logs),
};
