/**
 * Zeek's MOUNT analyzer (MOUNT.cc): MOUNT v3, RPC program 100005. Each
 * reply (or a call unanswered at the end, as RPC_TIMEOUT) raises
 * mount_reply_status, then mount_proc_<proc> with the call's info
 * (MOUNT3::info_t), its arguments and its results: MNT gives the directory
 * and its file handle and auth flavors; UMNT and UMNT_ALL the directory
 * (both as mount_proc_umnt, as in Zeek); DUMP and EXPORT are
 * mount_proc_not_implemented. As in Zeek: a status MOUNT does not define is
 * invalid_mount_status (read as MOUNT3ERR_UNKNOWN), an auth flavor it does
 * not know unhandled_mount3_auth_flavor (left out), more than 32 flavors
 * excessive_MNT_auth_flavors (the first 32 read), a procedure above EXPORT
 * unknown_MOUNT_request, and a call of another program bad_RPC_program.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { type RpcCall, type RpcProgram, type RpcStatus, raiseHandled } from "./rpc.js";
import { rpcComponent } from "./rpc-analyzer.js";
import { enumNames, type RpcInfo, readEnum, rpcInfo } from "./rpc-info.js";
import type { XdrReader } from "./xdr.js";

/** A MOUNT3 enumeration value by its Zeek name ("MOUNT3::MNT3_OK"). */
export type Mount3Name = `MOUNT3::${string}`;

/** Zeek's MOUNT3::info_t. */
export interface Mount3Info extends RpcInfo {
  rpc_stat: RpcStatus;
  mnt_stat: Mount3Name;
}

/** Zeek's MOUNT3::dirmntargs_t. */
export interface Mount3DirMntArgs {
  dirname: string;
}

/** Zeek's MOUNT3::mnt_reply_t. */
export interface Mount3MntReply {
  dirfh?: string;
  auth_flavors?: Mount3Name[];
}

export interface MountEvents {
  mount_proc_null: [c: Connection, info: Mount3Info];
  mount_proc_mnt: [c: Connection, info: Mount3Info, req: Mount3DirMntArgs, rep: Mount3MntReply];
  mount_proc_umnt: [c: Connection, info: Mount3Info, req: Mount3DirMntArgs];
  /** Declared by Zeek, never raised: an UMNT_ALL reply is mount_proc_umnt. */
  mount_proc_umnt_all: [c: Connection, info: Mount3Info, req: Mount3DirMntArgs];
  mount_proc_not_implemented: [c: Connection, info: Mount3Info, proc: Mount3Name];
  /** Every reply, before its procedure's event. */
  mount_reply_status: [n: Connection, info: Mount3Info];
}

declare module "../../../event/events.js" {
  interface EventMap extends MountEvents {}
}

registerEvents<MountEvents>({
  mount_proc_null: true,
  mount_proc_mnt: true,
  mount_proc_umnt: true,
  mount_proc_umnt_all: true,
  mount_proc_not_implemented: true,
  mount_reply_status: true,
});

const MOUNT_PROGRAM = 100005;
const PROC_NULL = 0;
const PROC_MNT = 1;
const PROC_UMNT = 3;
const PROC_UMNT_ALL = 4;
/** Procedures from here on are unknown (MOUNT3::PROC_END_OF_PROCS). */
const PROC_END = 6;
const MNT3_OK = "MOUNT3::MNT3_OK";
const MOUNT3ERR_UNKNOWN = "MOUNT3::MOUNT3ERR_UNKNOWN";
/** Zeek reads at most this many auth flavors of a MNT reply. */
const MAX_AUTH_FLAVORS = 32;
/** A file handle's longest (FHSIZE3). */
const MAX_FH = 64;

const PROC_NAMES = enumNames<Mount3Name>("MOUNT3", [
  [0, "PROC_NULL"],
  [1, "PROC_MNT"],
  [2, "PROC_DUMP"],
  [3, "PROC_UMNT"],
  [4, "PROC_UMNT_ALL"],
  [5, "PROC_EXPORT"],
  [6, "PROC_END_OF_PROCS"],
]);

const STATUS_NAMES = enumNames<Mount3Name>("MOUNT3", [
  [0, "MNT3_OK"],
  [1, "MNT3ERR_PERM"],
  [2, "MNT3ERR_NOENT"],
  [5, "MNT3ERR_IO"],
  [13, "MNT3ERR_ACCES"],
  [20, "MNT3ERR_NOTDIR"],
  [22, "MNT3ERR_INVAL"],
  [63, "MNT3ERR_NAMETOOLONG"],
  [10004, "MNT3ERR_NOTSUPP"],
  [10006, "MNT3ERR_SERVERFAULT"],
  [0xffffffff, "MOUNT3ERR_UNKNOWN"],
]);

const AUTH_FLAVOR_NAMES = enumNames<Mount3Name>("MOUNT3", [
  [0, "AUTH_NULL"],
  [1, "AUTH_UNIX"],
  [2, "AUTH_SHORT"],
  [3, "AUTH_DES"],
]);

class Mount implements RpcProgram<Mount3DirMntArgs | null> {
  constructor(private readonly host: AnalyzerHost) {}

  call(call: RpcCall<Mount3DirMntArgs | null>, r: XdrReader): boolean {
    if (call.prog !== MOUNT_PROGRAM) this.host.weird("bad_RPC_program", String(call.prog | 0));
    const proc = call.proc;
    if (proc === PROC_NULL) {
      call.request = null;
      return r.ok;
    }
    if (proc === PROC_MNT || proc === PROC_UMNT || proc === PROC_UMNT_ALL) {
      call.request = dirMntArgs(r);
      return r.ok;
    }
    // Known but not read: the rest is no excess. Unknown: a weird, and the reply is still read.
    if (proc < PROC_END) r.skipRest();
    else this.host.weird("unknown_MOUNT_request", String(proc));
    return true;
  }

  reply(call: RpcCall<Mount3DirMntArgs | null>, status: RpcStatus, r: XdrReader, start: number, last: number, replyLen: number): boolean {
    const host = this.host;
    const success = status === "RPC_SUCCESS";
    let mntStat: Mount3Name = MNT3_OK;
    if (success) mntStat = r.left >= 4 ? this.status(r) : MOUNT3ERR_UNKNOWN;
    const info = (): Mount3Info => ({ rpc_stat: status, mnt_stat: mntStat, ...rpcInfo(call, start, last, replyLen) });
    raiseHandled(host, "mount_reply_status", () => [host.conn(), info()]);
    if (!success) r.discard();
    const proc = call.proc;
    const request = call.request ?? { dirname: "" };
    if (proc === PROC_NULL) {
      raiseHandled(host, "mount_proc_null", () => [host.conn(), info()]);
    } else if (proc === PROC_MNT) {
      const rep = this.mntReply(r, mntStat);
      if (success && !r.ok) return false;
      raiseHandled(host, "mount_proc_mnt", () => [host.conn(), info(), request, rep]);
    } else if (proc === PROC_UMNT || proc === PROC_UMNT_ALL) {
      r.skipRest();
      mntStat = MNT3_OK;
      raiseHandled(host, "mount_proc_umnt", () => [host.conn(), info(), request]);
    } else if (proc < PROC_END) {
      r.skipRest();
      raiseHandled(host, "mount_proc_not_implemented", () => [host.conn(), info(), PROC_NAMES.get(proc)!]);
    } else {
      return false;
    }
    return !(success && !r.ok);
  }

  /** The reply's MOUNT status: one MOUNT does not define is invalid_mount_status, MOUNT3ERR_UNKNOWN. */
  private status(r: XdrReader): Mount3Name {
    const raw = r.u32();
    const name = STATUS_NAMES.get(raw);
    if (name !== undefined) return name;
    this.host.weird("invalid_mount_status", String(raw));
    return MOUNT3ERR_UNKNOWN;
  }

  private mntReply(r: XdrReader, status: Mount3Name): Mount3MntReply {
    if (status !== MNT3_OK) return {};
    const fh = r.opaque(MAX_FH);
    const announced = r.u32();
    if (announced > MAX_AUTH_FLAVORS) this.host.weird("excessive_MNT_auth_flavors");
    const flavors: Mount3Name[] = [];
    for (let i = 0; i < Math.min(announced, MAX_AUTH_FLAVORS); i++) {
      const flavor = readEnum(r, AUTH_FLAVOR_NAMES, this.host, "unhandled_mount3_auth_flavor");
      if (flavor !== undefined) flavors.push(flavor);
    }
    // The flavors past 32 are not read: no excess_RPC for them.
    if (announced > MAX_AUTH_FLAVORS) r.skipRest();
    return { dirfh: fh === null ? undefined : latin1(fh), auth_flavors: flavors };
  }
}

function dirMntArgs(r: XdrReader): Mount3DirMntArgs {
  const name = r.opaque();
  return { dirname: name === null ? "" : latin1(name) };
}

export const MOUNT = rpcComponent("MOUNT", (host) => new Mount(host));
