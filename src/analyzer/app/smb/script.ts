/**
 * The smb scripts (Zeek's base/protocols/smb: main.zeek, smb1-main.zeek,
 * smb2-main.zeek, files.zeek), written against the SMB events.
 *
 * Per connection the script keeps Zeek's SMB::State: the pending commands
 * by message id, the trees by tree id, the files by file id, and the
 * "current" command, tree and file the last message pointed at. Records are
 * shared by reference, as Zeek's are (a file in the fid map is the same
 * record as the current file), which is what makes the rows come out as
 * Zeek's do.
 *
 * - smb_mapping.log: a row at each tree connect response (SMB1: service,
 *   native file system, share type PIPE for IPC; SMB2: the share type).
 * - smb_files.log: write_file_log at create responses, reads, writes,
 *   renames, deletes, closes, attribute sets, the file's first connection
 *   and its removal; a row only for named files whose action is in
 *   SMB::logged_file_actions (FILE_OPEN, FILE_RENAME, FILE_DELETE,
 *   PRINT_OPEN, PRINT_CLOSE), and, when the file's times are known, once
 *   per (action, fuid, name, path, size, times but access) within 3 minutes
 *   (recent_files' read expiry).
 * - files: SMB::get_file_handle names the current file by the two hosts,
 *   its tree path, name and last-modified FILETIME (`smbFileHandle`, which
 *   the analyzer asks); file_over_new_connection sets the file's size and
 *   filename from the current file.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import type { Smb2Guid, SmbMacTimes } from "./events.js";
import { smb1Command, smb1TransSubCommand, smb2Command, smb2Dialect } from "./names.js";
import "./events.js";

export const SMB_FILES_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["fuid", "string"],
  ["action", "enum"],
  ["path", "string"],
  ["name", "string"],
  ["size", "count"],
  ["prev_name", "string"],
  ["times.modified", "time"],
  ["times.accessed", "time"],
  ["times.created", "time"],
  ["times.changed", "time"],
);

export const SMB_MAPPING_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["path", "string"],
  ["service", "string"],
  ["native_file_system", "string"],
  ["share_type", "string"],
);

/** SMB::Action (the names as the log writes them). */
type Action =
  | "FILE_READ"
  | "FILE_WRITE"
  | "FILE_OPEN"
  | "FILE_CLOSE"
  | "FILE_DELETE"
  | "FILE_RENAME"
  | "FILE_SET_ATTRIBUTE"
  | "PIPE_READ"
  | "PIPE_WRITE"
  | "PIPE_OPEN"
  | "PIPE_CLOSE"
  | "PRINT_READ"
  | "PRINT_WRITE"
  | "PRINT_OPEN"
  | "PRINT_CLOSE";

/** Bound of each per-connection table the scripts grow (trees, recent files): Zeek's are unbounded, real sessions stay far below. */
const MAX_STATE = 10000;

/** recent_files' &read_expire. */
const RECENT_EXPIRE = 180;

/** SMB::FileInfo (its uid and id are always its connection's). */
export interface FileInfo {
  ts: number;
  fuid?: string;
  action?: Action;
  path?: string;
  name?: string;
  size: number;
  prev_name?: string;
  times?: SmbMacTimes;
  fid?: number | bigint;
  /** The last get_file_handle answer and what it was made of (every read/write chunk asks again). */
  handle?: HandleMemo;
}

/** A file handle as smbFileHandle made it, with the inputs it depends on. */
interface HandleMemo {
  c: Connection;
  path: string | undefined;
  name: string | undefined;
  times: SmbMacTimes | undefined;
  handle: string;
}

/** SMB::TreeInfo. */
interface TreeInfo {
  ts: number;
  path?: string;
  service?: string;
  native_file_system?: string;
  share_type: string;
}

/** SMB::CmdInfo: what smb_cmd.log shows of a command, and what the files and mapping rows depend on. */
export interface CmdInfo {
  /** When the request was seen. */
  ts: number;
  /** SMB1::commands' or SMB2::commands' name of the header's command. */
  command: string;
  version: "SMB1" | "SMB2";
  sub_command?: string;
  argument?: string;
  /** The response's status code (SMB::statuses names it). */
  status?: number;
  /** From the request to the (latest) response. */
  rtt?: number;
  tree?: string;
  tree_service?: string;
  referenced_file?: FileInfo;
  referenced_tree?: TreeInfo;
  smb2_create_options: number;
  /** The negotiate request's dialects, until the response picks one (the argument). */
  offered_dialects?: readonly string[] | readonly number[];
}

/** SMB::State. */
interface State {
  current_cmd?: CmdInfo;
  current_file?: FileInfo;
  current_tree?: TreeInfo;
  pending_cmds: Map<number, CmdInfo>;
  fid_map: Map<number | bigint, FileInfo>;
  tid_map: Map<number, TreeInfo>;
  /** recent_files: identity → last read (network time). */
  recent_files: Map<string, number>;
}

/** Per engine (through its settings object): the connections' SMB state, for the analyzer's file handles. */
const engineStates = new WeakMap<EngineSettings, WeakMap<Connection, State>>();

/** Zeek's clean(): bytes outside [32, 126] as \xNN (String::Render's default). */
function clean(s: string): string {
  // Most names are printable already: the text itself, no copy.
  let i = 0;
  while (i < s.length && isPrintableByte(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += isPrintableByte(c) ? s[i] : `\\x${(c & 0xff).toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** A character whose low byte is in [32, 126]. */
function isPrintableByte(c: number): boolean {
  const b = c & 0xff;
  return b >= 32 && b <= 126;
}

/**
 * SMB::get_file_handle: the current file's handle, "" when the connection
 * has no current file with a name or path (the data is then not a file).
 */
export function smbFileHandle(settings: EngineSettings, c: Connection): string {
  const st = engineStates.get(settings)?.get(c);
  const f = st?.current_file;
  if (f === undefined || (f.name === undefined && f.path === undefined)) return "";
  // The same string as last time when nothing it is made of changed: no rebuilding, and its hash stays cached for the fuid lookup.
  const m = f.handle;
  if (m !== undefined && m.c === c && m.path === f.path && m.name === f.name && m.times === f.times) return m.handle;
  const lastMod = f.times !== undefined ? f.times.modified_raw.toString() : "0";
  const handle = clean(`Analyzer::ANALYZER_SMB${c.id.orig_h}${c.id.resp_h}${f.path ?? ""}${f.name ?? ""}${lastMod}`);
  f.handle = { c, path: f.path, name: f.name, times: f.times, handle };
  return handle;
}

/** The command the last SMB message of `c` belongs to (Zeek's c$smb_state$current_cmd), for policy scripts. */
export function smbCurrentCommand(settings: EngineSettings, c: Connection): Readonly<CmdInfo> | undefined {
  return engineStates.get(settings)?.get(c)?.current_cmd;
}

/** c$smb_state$current_file$name: the name of the file the connection's last command is about, if any. */
export function smbCurrentFileName(settings: EngineSettings, c: Connection): string | undefined {
  return engineStates.get(settings)?.get(c)?.current_file?.name;
}

/** The sizes of a connection's SMB::State tables: |c$smb_state$pending_cmds|, |…$fid_map|, |…$tid_map|. */
export interface SmbStateSizes {
  readonly pending_cmds: number;
  readonly fid_map: number;
  readonly tid_map: number;
}

/**
 * The sizes of c$smb_state's tables (undefined while c$smb_state is unset:
 * no SMB event yet, or the smb script not loaded), for scripts watching the
 * state SMB::max_pending_messages bounds. Counted when asked: nothing is kept for it.
 */
export function smbStateSizes(settings: EngineSettings, c: Connection): SmbStateSizes | undefined {
  const s = engineStates.get(settings)?.get(c);
  return s === undefined ? undefined : { pending_cmds: s.pending_cmds.size, fid_map: s.fid_map.size, tid_map: s.tid_map.size };
}

/** The script-visible SMB state of a connection, for other scripts (e.g. a dce_rpc script asking a pipe's name by fid). */
export function smbFileName(settings: EngineSettings, c: Connection, fid: number | bigint): string | undefined {
  return engineStates.get(settings)?.get(c)?.fid_map.get(fid)?.name;
}

/** Zeek's `file_id$persistent + file_id$volatile` (a count: modulo 2^64). */
const fidOf = (g: Smb2Guid): bigint => (g.persistent + g.volatile) & 0xffffffffffffffffn;

export function loadSmbScript(host: AnalyzerScriptHost, logs: LogManager): void {
  const filesLog = logs.open({ path: "smb_files", fields: SMB_FILES_FIELDS });
  const mappingLog = logs.open({ path: "smb_mapping", fields: SMB_MAPPING_FIELDS });
  const states = new WeakMap<Connection, State>();
  engineStates.set(host.settings, states);
  const now = (): number => host.clock.now;

  const text = (s: string | undefined): string | undefined => (s === undefined ? undefined : bytesToLogText(s));
  // Each record has all its slots from birth, the optional ones too: filled
  // later in varying order, they gave one record type many shapes, and the
  // handlers' reads went megamorphic. size: a double from the start, as file
  // sizes past 2^31 are (see doubles.ts).
  const newFile = (): FileInfo => ({
    ts: now(),
    fuid: undefined,
    action: undefined,
    path: undefined,
    name: undefined,
    size: DOUBLE_ZERO,
    prev_name: undefined,
    times: undefined,
    fid: undefined,
    handle: undefined,
  });
  const newTree = (): TreeInfo => ({ ts: now(), path: undefined, service: undefined, native_file_system: undefined, share_type: "DISK" });
  const newCmd = (version: CmdInfo["version"], command: string, tree: TreeInfo | undefined): CmdInfo => ({
    ts: now(),
    command,
    version,
    sub_command: undefined,
    argument: undefined,
    status: undefined,
    rtt: undefined,
    tree: undefined,
    tree_service: undefined,
    referenced_file: newFile(),
    referenced_tree: tree,
    smb2_create_options: 0,
    offered_dialects: undefined,
  });
  /** A response's status and round trip on its command. */
  const answered = (cmd: CmdInfo, status: number): void => {
    cmd.rtt = now() - cmd.ts;
    cmd.status = status;
  };

  const stateOf = (c: Connection): State => {
    let s = states.get(c);
    if (s === undefined) {
      s = {
        current_cmd: undefined,
        current_file: undefined,
        current_tree: undefined,
        pending_cmds: new Map(),
        fid_map: new Map(),
        tid_map: new Map(),
        recent_files: new Map(),
      };
      states.set(c, s);
    }
    return s;
  };

  /** fid_map[fid] = f, the map bounded (files opened and never closed, by the thousand, are hostile or broken). */
  const setFid = (s: State, fid: number | bigint, f: FileInfo): void => {
    if (s.fid_map.size >= MAX_STATE && !s.fid_map.has(fid)) s.fid_map.clear();
    s.fid_map.set(fid, f);
  };

  /** SMB::set_current_file. */
  const setCurrentFile = (s: State, fid: number | bigint): FileInfo | undefined => {
    const cmd = s.current_cmd;
    if (cmd === undefined) return undefined;
    let f = s.fid_map.get(fid);
    if (f === undefined) {
      f = cmd.referenced_file;
      if (f === undefined) return undefined;
      setFid(s, fid, f);
      f.fid = fid;
    }
    cmd.referenced_file = f;
    s.current_file = f;
    return f;
  };

  /** SMB::write_file_log. */
  const writeFileLog = (c: Connection, s: State): void => {
    const f = s.current_file;
    if (f === undefined || f.name === undefined || f.action === undefined || !host.settings["SMB::logged_file_actions"].has(f.action)) return;
    if (f.times !== undefined) {
      const t = f.times;
      const ident = `${f.action}|${f.fuid ?? ""}|${f.name}|${f.path ?? ""}|${f.size}|${t.modified_raw}|${t.created_raw}|${t.changed_raw}`;
      const seen = s.recent_files.get(ident);
      const at = now();
      if (seen !== undefined && at - seen < RECENT_EXPIRE) {
        s.recent_files.set(ident, at);
        return;
      }
      s.recent_files.set(ident, at);
      if (s.recent_files.size > MAX_STATE) {
        for (const [k, v] of s.recent_files) if (at - v >= RECENT_EXPIRE) s.recent_files.delete(k);
        // Still full within the expiry: the oldest entries go (a hostile flood of distinct files).
        for (const k of s.recent_files.keys()) {
          if (s.recent_files.size <= MAX_STATE / 2) break;
          s.recent_files.delete(k);
        }
      }
    }
    const id = c.id;
    filesLog.write([
      f.ts,
      c.uid,
      id.orig_h,
      id.orig_p,
      id.resp_h,
      id.resp_p,
      f.fuid,
      `SMB::${f.action}`,
      text(f.path),
      text(f.name),
      f.size,
      text(f.prev_name),
      f.times?.modified,
      f.times?.accessed,
      f.times?.created,
      f.times?.changed,
    ]);
  };

  /** The action by the current tree's share type (smb2-main.zeek's switches); undefined when there is no current tree (Zeek's handler stops). */
  const byShare = (s: State, disk: Action, pipe: Action, print: Action): Action | undefined => {
    const t = s.current_tree;
    if (t === undefined) return undefined;
    return t.share_type === "PIPE" ? pipe : t.share_type === "PRINT" ? print : disk;
  };

  // main.zeek

  host.on(
    "smb_pipe_connect_heuristic",
    (c) => {
      const t = states.get(c)?.current_tree;
      if (t === undefined) return;
      t.path = "<unknown>";
      t.share_type = "PIPE";
    },
    { priority: 5 },
  );

  host.on(
    "file_state_remove",
    (f) => {
      if (f.source !== "SMB") return;
      for (const c of f.conns.values()) {
        const s = states.get(c);
        if (s?.current_file !== undefined) writeFileLog(c, s);
        return;
      }
    },
    { priority: -5 },
  );

  // smb1-main.zeek

  host.on(
    "smb1_message",
    (c, hdr, isOrig) => {
      const s = stateOf(c);
      let tree = s.tid_map.get(hdr.tid);
      if (tree === undefined) {
        tree = newTree();
        if (s.tid_map.size >= MAX_STATE) s.tid_map.clear();
        s.tid_map.set(hdr.tid, tree);
      }
      s.current_tree = tree;
      // As smb1-main.zeek: the tree's path and service go to the command still current, the previous message's.
      const previous = s.current_cmd;
      if (previous !== undefined && tree.path !== undefined) previous.tree = tree.path;
      if (previous !== undefined && tree.service !== undefined) previous.tree_service = tree.service;
      let cmd = s.pending_cmds.get(hdr.mid);
      if (cmd === undefined) {
        cmd = newCmd("SMB1", smb1Command(hdr.command), tree);
        s.pending_cmds.set(hdr.mid, cmd);
      }
      s.current_cmd = cmd;
      if (!isOrig) answered(cmd, hdr.status);
    },
    { priority: 5 },
  );

  host.on(
    "smb1_message",
    (c, hdr, isOrig) => {
      if (!isOrig) states.get(c)?.pending_cmds.delete(hdr.mid);
    },
    { priority: -5 },
  );

  host.on(
    "smb1_negotiate_request",
    (c, _hdr, dialects) => {
      const cmd = states.get(c)?.current_cmd;
      if (cmd !== undefined) cmd.offered_dialects = dialects;
    },
    { priority: 5 },
  );

  host.on(
    "smb1_negotiate_response",
    (c, _hdr, response) => {
      const cmd = states.get(c)?.current_cmd;
      const offered = cmd?.offered_dialects as readonly string[] | undefined;
      if (cmd === undefined || offered === undefined) return;
      const index = response.ntlm?.dialect_index;
      if (index !== undefined && index < offered.length) cmd.argument = offered[index];
      cmd.offered_dialects = undefined;
    },
    { priority: 5 },
  );

  host.on("smb1_transaction_request", (c, _hdr, _name, subCmd) => {
    const cmd = states.get(c)?.current_cmd;
    if (cmd !== undefined) cmd.sub_command = smb1TransSubCommand(subCmd);
  });

  host.on(
    "smb1_tree_connect_andx_request",
    (c, _hdr, path, service) => {
      const cmd = states.get(c)?.current_cmd;
      if (cmd === undefined) return;
      const tree = newTree();
      tree.path = path;
      tree.service = service;
      cmd.referenced_tree = tree;
      cmd.argument = path;
    },
    { priority: 5 },
  );

  host.on(
    "smb1_tree_connect_andx_response",
    (c, hdr, service, nfs) => {
      const s = states.get(c);
      const cmd = s?.current_cmd;
      if (s === undefined || cmd === undefined) return;
      const tree = cmd.referenced_tree;
      if (tree === undefined) {
        host.connWeird("smb_tree_connect_andx_response_without_tree", c, "current_cmd=TREE_CONNECT_ANDX", "");
        return;
      }
      tree.service = service;
      if (service === "IPC") tree.share_type = "PIPE";
      cmd.tree_service = service;
      if (nfs !== "") tree.native_file_system = nfs;
      s.current_tree = tree;
      s.tid_map.set(hdr.tid, tree);
    },
    { priority: 5 },
  );

  host.on(
    "smb1_tree_connect_andx_response",
    (c) => {
      const t = states.get(c)?.current_tree;
      if (t !== undefined) writeMapping(c, t);
    },
    { priority: -5 },
  );

  const writeMapping = (c: Connection, t: TreeInfo): void => {
    const id = c.id;
    mappingLog.write([t.ts, c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, text(t.path), text(t.service), text(t.native_file_system), t.share_type]);
  };

  host.on(
    "smb1_nt_create_andx_request",
    (c, _hdr, name) => {
      const s = states.get(c);
      const cmd = s?.current_cmd;
      if (s === undefined || cmd === undefined) return;
      const f = newFile();
      f.name = name;
      f.action = "FILE_OPEN";
      cmd.referenced_file = f;
      s.current_file = f;
      cmd.argument = name;
    },
    { priority: 5 },
  );

  host.on(
    "smb1_nt_create_andx_response",
    (c, _hdr, fid, size, times) => {
      const s = states.get(c);
      const f = s?.current_cmd?.referenced_file;
      if (s === undefined || f === undefined) return;
      f.action = "FILE_OPEN";
      f.fid = fid;
      f.size = size;
      if (times.modified > 0) f.times = times;
      setFid(s, fid, f);
      s.current_file = f;
      writeFileLog(c, s);
    },
    { priority: 5 },
  );

  const smb1ReadWrite = (c: Connection, fid: number, action: Action): void => {
    const s = states.get(c);
    if (s === undefined) return;
    const f = setCurrentFile(s, fid);
    if (f === undefined) return;
    f.action = action;
    // The command's argument: the file's name (a write keeps one set before).
    const cmd = s.current_cmd!;
    if (f.name !== undefined && (action === "FILE_READ" || (action === "FILE_WRITE" && cmd.argument === undefined))) cmd.argument = f.name;
  };
  const smb1PathFromTree = (c: Connection): State | undefined => {
    const s = states.get(c);
    const f = s?.current_file;
    if (s === undefined || f === undefined) return undefined;
    if (s.current_tree?.path !== undefined && f.path === undefined) f.path = s.current_tree.path;
    return s;
  };

  host.on("smb1_read_andx_request", (c, _hdr, fid) => smb1ReadWrite(c, fid, "FILE_READ"), { priority: 5 });
  host.on(
    "smb1_read_andx_request",
    (c) => {
      const s = smb1PathFromTree(c);
      if (s !== undefined) writeFileLog(c, s);
    },
    { priority: -5 },
  );
  host.on("smb1_write_andx_request", (c, _hdr, fid) => smb1ReadWrite(c, fid, "FILE_WRITE"), { priority: 5 });
  host.on("smb1_write_andx_request", (c) => void smb1PathFromTree(c), { priority: -5 });

  host.on("smb1_close_request", (c, _hdr, fid) => smb1ReadWrite(c, fid, "FILE_CLOSE"), { priority: 5 });
  host.on(
    "smb1_close_request",
    (c, _hdr, fid) => {
      const s = states.get(c);
      const fl = s?.fid_map.get(fid);
      if (s === undefined || fl === undefined) return;
      if (s.current_tree?.path !== undefined) fl.path = s.current_tree.path;
      if (fl.name !== undefined && s.current_cmd !== undefined) s.current_cmd.argument = fl.name;
      s.fid_map.delete(fid);
      writeFileLog(c, s);
    },
    { priority: -5 },
  );

  // smb2-main.zeek

  host.on(
    "smb2_message",
    (c, hdr, isOrig) => {
      const s = stateOf(c);
      const tid = hdr.tree_id;
      let cmd = s.pending_cmds.get(hdr.message_id);
      if (cmd === undefined) {
        cmd = newCmd("SMB2", smb2Command(hdr.command), undefined);
        s.pending_cmds.set(hdr.message_id, cmd);
      }
      s.current_cmd = cmd;
      if (tid > 0) {
        if (cmd.referenced_tree !== undefined) s.tid_map.set(tid, cmd.referenced_tree);
        else if (!s.tid_map.has(tid)) {
          if (s.tid_map.size >= MAX_STATE) s.tid_map.clear();
          s.tid_map.set(tid, newTree());
        }
        cmd.referenced_tree = s.tid_map.get(tid);
      } else cmd.referenced_tree = newTree();
      s.current_file = cmd.referenced_file;
      s.current_tree = cmd.referenced_tree;
      if (!isOrig) answered(cmd, hdr.status);
    },
    { priority: 5 },
  );

  host.on(
    "smb2_message",
    (c, hdr, isOrig) => {
      if (isOrig) return;
      const s = states.get(c);
      // A PENDING reply keeps the command for the final one.
      if (s === undefined || s.current_cmd?.status === 0x103) return;
      s.pending_cmds.delete(hdr.message_id);
    },
    { priority: -5 },
  );

  host.on(
    "smb2_negotiate_request",
    (c, _hdr, dialects) => {
      const cmd = states.get(c)?.current_cmd;
      if (cmd !== undefined) cmd.offered_dialects = dialects;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_negotiate_response",
    (c, _hdr, response) => {
      const cmd = states.get(c)?.current_cmd;
      const offered = cmd?.offered_dialects as readonly number[] | undefined;
      if (cmd === undefined || offered === undefined) return;
      if (offered.includes(response.dialect_revision)) cmd.argument = smb2Dialect(response.dialect_revision);
      cmd.offered_dialects = undefined;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_tree_connect_request",
    (c, _hdr, path) => {
      const t = states.get(c)?.current_tree;
      if (t !== undefined) t.path = path;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_tree_connect_response",
    (c, _hdr, response) => {
      const t = states.get(c)?.current_tree;
      if (t === undefined) return;
      const st = response.share_type;
      t.share_type = st === 1 ? "DISK" : st === 2 ? "PIPE" : st === 3 ? "PRINT" : `unknown-${st}`;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_tree_connect_response",
    (c) => {
      const t = states.get(c)?.current_tree;
      if (t !== undefined) writeMapping(c, t);
    },
    { priority: -5 },
  );

  host.on(
    "smb2_tree_disconnect_request",
    (c, hdr) => {
      const s = states.get(c);
      if (s === undefined || !s.tid_map.has(hdr.tree_id)) return;
      s.tid_map.delete(hdr.tree_id);
      s.current_tree = undefined;
      if (s.current_cmd !== undefined) s.current_cmd.referenced_tree = undefined;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_create_request",
    (c, _hdr, request) => {
      // Zeek's handler renames the share's root in the event's record itself: later handlers see "<share_root>" too.
      if (request.filename === "") request.filename = "<share_root>";
      const s = states.get(c);
      const f = s?.current_file;
      if (s === undefined || f === undefined) return;
      f.name = request.filename;
      if (s.current_cmd !== undefined) s.current_cmd.smb2_create_options = request.create_options;
      const a = byShare(s, "FILE_OPEN", "PIPE_OPEN", "PRINT_OPEN");
      if (a !== undefined) f.action = a;
    },
    { priority: 5 },
  );

  host.on(
    "smb2_create_response",
    (c, hdr, response) => {
      const s = states.get(c);
      if (s === undefined) return;
      const fid = fidOf(response.file_id);
      const f = setCurrentFile(s, fid);
      if (f === undefined) return;
      f.fid = fid;
      f.size = response.size;
      // Zeek's handler stops at a missing current tree (after a tree disconnect in the same exchange).
      if (s.current_tree === undefined) return;
      if (s.current_tree.path !== undefined) f.path = s.current_tree.path;
      if (response.times.modified > 0) f.times = response.times;
      setFid(s, fid, f);
      s.current_file = f;
      if (hdr.status === 0 && ((s.current_cmd?.smb2_create_options ?? 0) & 0x1000) !== 0) host.raise("smb2_file_delete", c, hdr, response.file_id, true);
    },
    { priority: 5 },
  );

  const writeCurrent = (c: Connection): void => {
    const s = states.get(c);
    if (s !== undefined) writeFileLog(c, s);
  };

  host.on("smb2_create_response", (c) => writeCurrent(c), { priority: -5 });

  const smb2Action = (c: Connection, g: Smb2Guid, disk: Action, pipe: Action, print: Action): void => {
    const s = states.get(c);
    if (s === undefined) return;
    const f = setCurrentFile(s, fidOf(g));
    const a = byShare(s, disk, pipe, print);
    if (f !== undefined && a !== undefined) f.action = a;
  };

  host.on("smb2_read_request", (c, _hdr, g) => smb2Action(c, g, "FILE_READ", "PIPE_READ", "PRINT_READ"), { priority: 5 });
  host.on("smb2_read_request", (c) => writeCurrent(c), { priority: -5 });
  host.on("smb2_write_request", (c, _hdr, g) => smb2Action(c, g, "FILE_WRITE", "PIPE_WRITE", "PRINT_WRITE"), { priority: 5 });
  host.on("smb2_write_request", (c) => writeCurrent(c), { priority: -5 });
  host.on("smb2_file_sattr", (c) => writeCurrent(c), { priority: -5 });
  host.on(
    "smb2_file_sattr",
    (c, _hdr, g) => {
      const s = states.get(c);
      if (s === undefined) return;
      const f = setCurrentFile(s, fidOf(g));
      if (f !== undefined && s.current_tree !== undefined) f.action = "FILE_SET_ATTRIBUTE";
    },
    { priority: 5 },
  );

  host.on(
    "smb2_file_rename",
    (c, _hdr, g, dst) => {
      const s = states.get(c);
      if (s === undefined) return;
      const f = setCurrentFile(s, fidOf(g));
      if (f === undefined) return;
      if (f.name !== undefined) f.prev_name = f.name;
      f.name = dst;
      if (s.current_tree !== undefined) f.action = "FILE_RENAME";
    },
    { priority: 5 },
  );
  host.on("smb2_file_rename", (c) => writeCurrent(c), { priority: -5 });

  host.on(
    "smb2_file_delete",
    (c, _hdr, g, pending) => {
      const s = states.get(c);
      if (s === undefined) return;
      const f = setCurrentFile(s, fidOf(g));
      if (f === undefined || !pending) return;
      if (s.current_tree !== undefined) f.action = "FILE_DELETE";
    },
    { priority: 5 },
  );
  host.on("smb2_file_delete", (c) => writeCurrent(c), { priority: -5 });

  host.on("smb2_close_request", (c, _hdr, g) => smb2Action(c, g, "FILE_CLOSE", "PIPE_CLOSE", "PRINT_CLOSE"), { priority: 5 });
  host.on(
    "smb2_close_request",
    (c, _hdr, g) => {
      const s = states.get(c);
      const fid = fidOf(g);
      const fl = s?.fid_map.get(fid);
      if (s === undefined || fl === undefined) return;
      if (s.current_tree === undefined) return;
      if (s.current_tree.path !== undefined) fl.path = s.current_tree.path;
      s.fid_map.delete(fid);
      writeFileLog(c, s);
    },
    { priority: -5 },
  );

  host.on("smb2_discarded_messages_state", (c, state) => {
    const s = states.get(c);
    if (s === undefined) return;
    const addl = `state=${state} fid_map=${s.fid_map.size} tid_map=${s.tid_map.size} pending_cmds=${s.pending_cmds.size} pipe_map=0`;
    host.connWeird("SMB_discarded_messages_state", c, addl, "SMB2");
    if (!host.settings["SMB::enable_clear_script_state"]) return;
    // Zeek leaves tid_map (and pipe_map) alone: they are not expected to grow.
    s.fid_map.clear();
    s.pending_cmds.clear();
  });

  // files.zeek

  host.on(
    "file_over_new_connection",
    (f, c) => {
      const s = states.get(c);
      const cur = s?.current_file;
      if (s === undefined || cur === undefined) return;
      cur.fuid = f.id;
      if (cur.size > 0) f.total_bytes = cur.size;
      if (cur.name !== undefined && f.info !== undefined) f.info.filename = cur.name;
      writeFileLog(c, s);
    },
    { priority: 5 },
  );
}

export const SMB_SCRIPT: ProtocolScript = {
  script: "base/protocols/smb",
  load: (host, logs) => loadSmbScript(host, logs),
};
