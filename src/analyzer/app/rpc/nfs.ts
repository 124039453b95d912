/**
 * Zeek's NFS analyzer (NFS.cc): NFS v3, RPC program 100003 (NFSACL, 100227,
 * is skipped without events). Each reply (or a call unanswered at the end,
 * as RPC_TIMEOUT) raises nfs_reply_status, then nfs_proc_<proc> with the
 * call's info (NFS3::info_t), its arguments and its results; READDIRPLUS is
 * nfs_proc_readdir with isplus set, the procedures Zeek does not read
 * (ACCESS, MKNOD, FSSTAT, FSINFO, PATHCONF, COMMIT) are
 * nfs_proc_not_implemented. As in Zeek, CREATE and MKDIR read only the
 * directory and name (their attributes are skipped); a status NFS does not
 * define is invalid_nfs_status (read as NFS3ERR_UNKNOWN); a procedure from
 * 22 on is unknown_NFS_request; a call of another program is
 * bad_RPC_program. File data comes with the events only with
 * NFS3::return_data (NFS3::return_data_max bytes, at offset 0 only unless
 * NFS3::return_data_first_only is off).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { AnalyzerHost } from "../analyzer.js";
import type * as T from "./nfs-types.js";
import { type FileDataPolicy, NFS3ERR_OK, NfsXdr } from "./nfs-xdr.js";
import { type RpcCall, type RpcProgram, type RpcStatus, raiseHandled } from "./rpc.js";
import { rpcComponent } from "./rpc-analyzer.js";
import { enumNames, rpcInfo } from "./rpc-info.js";
import type { XdrReader } from "./xdr.js";

export type * from "./nfs-types.js";

export interface NfsEvents {
  nfs_proc_null: [c: Connection, info: T.Nfs3Info];
  nfs_proc_getattr: [c: Connection, info: T.Nfs3Info, fh: string, attrs: T.Nfs3Fattr];
  nfs_proc_sattr: [c: Connection, info: T.Nfs3Info, req: T.Nfs3SattrArgs, rep: T.Nfs3SattrReply];
  nfs_proc_lookup: [c: Connection, info: T.Nfs3Info, req: T.Nfs3DirOpArgs, rep: T.Nfs3LookupReply];
  nfs_proc_read: [c: Connection, info: T.Nfs3Info, req: T.Nfs3ReadArgs, rep: T.Nfs3ReadReply];
  nfs_proc_readlink: [c: Connection, info: T.Nfs3Info, fh: string, rep: T.Nfs3ReadlinkReply];
  nfs_proc_symlink: [c: Connection, info: T.Nfs3Info, req: T.Nfs3SymlinkArgs, rep: T.Nfs3NewobjReply];
  nfs_proc_link: [c: Connection, info: T.Nfs3Info, req: T.Nfs3LinkArgs, rep: T.Nfs3LinkReply];
  nfs_proc_write: [c: Connection, info: T.Nfs3Info, req: T.Nfs3WriteArgs, rep: T.Nfs3WriteReply];
  nfs_proc_create: [c: Connection, info: T.Nfs3Info, req: T.Nfs3DirOpArgs, rep: T.Nfs3NewobjReply];
  nfs_proc_mkdir: [c: Connection, info: T.Nfs3Info, req: T.Nfs3DirOpArgs, rep: T.Nfs3NewobjReply];
  nfs_proc_remove: [c: Connection, info: T.Nfs3Info, req: T.Nfs3DirOpArgs, rep: T.Nfs3DelobjReply];
  nfs_proc_rmdir: [c: Connection, info: T.Nfs3Info, req: T.Nfs3DirOpArgs, rep: T.Nfs3DelobjReply];
  nfs_proc_rename: [c: Connection, info: T.Nfs3Info, req: T.Nfs3RenameOpArgs, rep: T.Nfs3RenameobjReply];
  nfs_proc_readdir: [c: Connection, info: T.Nfs3Info, req: T.Nfs3ReaddirArgs, rep: T.Nfs3ReaddirReply];
  nfs_proc_not_implemented: [c: Connection, info: T.Nfs3Info, proc: T.Nfs3Name];
  /** Every reply, before its procedure's event. */
  nfs_reply_status: [n: Connection, info: T.Nfs3Info];
}

declare module "../../../event/events.js" {
  interface EventMap extends NfsEvents {}
}

registerEvents<NfsEvents>({
  nfs_proc_null: true,
  nfs_proc_getattr: true,
  nfs_proc_sattr: true,
  nfs_proc_lookup: true,
  nfs_proc_read: true,
  nfs_proc_readlink: true,
  nfs_proc_symlink: true,
  nfs_proc_link: true,
  nfs_proc_write: true,
  nfs_proc_create: true,
  nfs_proc_mkdir: true,
  nfs_proc_remove: true,
  nfs_proc_rmdir: true,
  nfs_proc_rename: true,
  nfs_proc_readdir: true,
  nfs_proc_not_implemented: true,
  nfs_reply_status: true,
});

const NFS_PROGRAM = 100003;
const NFSACL_PROGRAM = 100227;
const NFS3ERR_UNKNOWN: T.Nfs3Name = "NFS3::NFS3ERR_UNKNOWN";

/** NFS v3's procedures (NFS3::proc_t). */
const Proc = {
  NULL: 0,
  GETATTR: 1,
  SETATTR: 2,
  LOOKUP: 3,
  READLINK: 5,
  READ: 6,
  WRITE: 7,
  CREATE: 8,
  MKDIR: 9,
  SYMLINK: 10,
  REMOVE: 12,
  RMDIR: 13,
  RENAME: 14,
  LINK: 15,
  READDIR: 16,
  READDIRPLUS: 17,
  /** From here on a procedure is unknown. */
  END: 22,
} as const;

const PROC_NAMES = enumNames<T.Nfs3Name>(
  "NFS3",
  [
    "PROC_NULL",
    "PROC_GETATTR",
    "PROC_SETATTR",
    "PROC_LOOKUP",
    "PROC_ACCESS",
    "PROC_READLINK",
    "PROC_READ",
    "PROC_WRITE",
    "PROC_CREATE",
    "PROC_MKDIR",
    "PROC_SYMLINK",
    "PROC_MKNOD",
    "PROC_REMOVE",
    "PROC_RMDIR",
    "PROC_RENAME",
    "PROC_LINK",
    "PROC_READDIR",
    "PROC_READDIRPLUS",
    "PROC_FSSTAT",
    "PROC_FSINFO",
    "PROC_PATHCONF",
    "PROC_COMMIT",
    "PROC_END_OF_PROCS",
  ].map((name, value) => [value, name] as const),
);

const STATUS_NAMES = enumNames<T.Nfs3Name>("NFS3", [
  [0, "NFS3ERR_OK"],
  [1, "NFS3ERR_PERM"],
  [2, "NFS3ERR_NOENT"],
  [5, "NFS3ERR_IO"],
  [6, "NFS3ERR_NXIO"],
  [13, "NFS3ERR_ACCES"],
  [17, "NFS3ERR_EXIST"],
  [18, "NFS3ERR_XDEV"],
  [19, "NFS3ERR_NODEV"],
  [20, "NFS3ERR_NOTDIR"],
  [21, "NFS3ERR_ISDIR"],
  [22, "NFS3ERR_INVAL"],
  [27, "NFS3ERR_FBIG"],
  [28, "NFS3ERR_NOSPC"],
  [30, "NFS3ERR_ROFS"],
  [31, "NFS3ERR_MLINK"],
  [63, "NFS3ERR_NAMETOOLONG"],
  [66, "NFS3ERR_NOTEMPTY"],
  [69, "NFS3ERR_DQUOT"],
  [70, "NFS3ERR_STALE"],
  [71, "NFS3ERR_REMOTE"],
  [10001, "NFS3ERR_BADHANDLE"],
  [10002, "NFS3ERR_NOT_SYNC"],
  [10003, "NFS3ERR_BAD_COOKIE"],
  [10004, "NFS3ERR_NOTSUPP"],
  [10005, "NFS3ERR_TOOSMALL"],
  [10006, "NFS3ERR_SERVERFAULT"],
  [10007, "NFS3ERR_BADTYPE"],
  [10008, "NFS3ERR_JUKEBOX"],
  [0xffffffff, "NFS3ERR_UNKNOWN"],
]);

/** What a call's arguments read as (NFS3's request records, a file handle, or nothing). */
type NfsRequest =
  | string
  | T.Nfs3SattrArgs
  | T.Nfs3DirOpArgs
  | T.Nfs3ReadArgs
  | T.Nfs3SymlinkArgs
  | T.Nfs3LinkArgs
  | T.Nfs3WriteArgs
  | T.Nfs3RenameOpArgs
  | T.Nfs3ReaddirArgs
  | undefined;

/** A reply's event: its name and the arguments after the info. */
type ReplyEvent = readonly [name: keyof NfsEvents, args: readonly unknown[]];

class Nfs implements RpcProgram<NfsRequest> {
  constructor(private readonly host: AnalyzerHost) {}

  private xdr(r: XdrReader): NfsXdr {
    const s = this.host.settings;
    const data: FileDataPolicy = { returnData: s["NFS3::return_data"], max: s["NFS3::return_data_max"], firstOnly: s["NFS3::return_data_first_only"] };
    return new NfsXdr(r, this.host, data);
  }

  call(call: RpcCall<NfsRequest>, r: XdrReader): boolean {
    if (call.prog === NFSACL_PROGRAM) {
      r.skipRest();
      return true;
    }
    if (call.prog !== NFS_PROGRAM) this.host.weird("bad_RPC_program", String(call.prog | 0));
    const proc = call.proc;
    if (proc !== Proc.NULL && !readsArguments(proc)) {
      // Known but not read: the rest is no excess. Unknown: a weird; the reply's status is still read.
      if (proc < Proc.END) r.skipRest();
      else this.host.weird("unknown_NFS_request", String(proc));
      return true;
    }
    call.request = this.arguments(proc, this.xdr(r));
    // CREATE and MKDIR: the attributes after the name are skipped.
    if (proc === Proc.CREATE || proc === Proc.MKDIR) r.skipRest();
    return r.ok;
  }

  private arguments(proc: number, x: NfsXdr): NfsRequest {
    switch (proc) {
      case Proc.GETATTR:
      case Proc.READLINK:
        return x.fh();
      case Proc.SETATTR:
        return x.sattrargs();
      case Proc.READ:
        return x.readargs();
      case Proc.SYMLINK:
        return x.symlinkargs();
      case Proc.LINK:
        return x.linkargs();
      case Proc.WRITE:
        return x.writeargs();
      case Proc.RENAME:
        return x.renameopargs();
      case Proc.READDIR:
      case Proc.READDIRPLUS:
        return x.readdirargs(proc === Proc.READDIRPLUS);
      case Proc.NULL:
        return undefined;
      default:
        // LOOKUP, REMOVE, RMDIR, CREATE, MKDIR
        return x.diropargs();
    }
  }

  reply(call: RpcCall<NfsRequest>, status: RpcStatus, r: XdrReader, start: number, last: number, replyLen: number): boolean {
    if (call.prog === NFSACL_PROGRAM) {
      r.skipRest();
      return true;
    }
    const host = this.host;
    const success = status === "RPC_SUCCESS";
    const nfsStat = success ? (r.left >= 4 ? this.status(r) : NFS3ERR_UNKNOWN) : NFS3ERR_OK;
    const info = (): T.Nfs3Info => ({ rpc_stat: status, nfs_stat: nfsStat, ...rpcInfo(call, start, last, replyLen) });
    raiseHandled(host, "nfs_reply_status", () => [host.conn(), info()]);
    // No results to read: the records come out empty.
    if (!success) r.discard();
    const event = this.results(call, nfsStat === NFS3ERR_OK, this.xdr(r));
    if (event === null || (success && !r.ok)) return false;
    const [name, args] = event;
    raiseHandled(host, name, () => [host.conn(), info(), ...args] as never);
    return true;
  }

  /** The reply's NFS status: one NFS does not define is invalid_nfs_status, NFS3ERR_UNKNOWN. */
  private status(r: XdrReader): T.Nfs3Name {
    const raw = r.u32();
    const name = STATUS_NAMES.get(raw);
    if (name !== undefined) return name;
    this.host.weird("invalid_nfs_status", String(raw));
    return NFS3ERR_UNKNOWN;
  }

  /** The results of `call`'s procedure and the event they go to; null for an unknown procedure. */
  private results(call: RpcCall<NfsRequest>, ok: boolean, x: NfsXdr): ReplyEvent | null {
    const req = call.request;
    switch (call.proc) {
      case Proc.NULL:
        return ["nfs_proc_null", []];
      case Proc.GETATTR:
        return ["nfs_proc_getattr", [req, x.fattr()]];
      case Proc.SETATTR:
        return ["nfs_proc_sattr", [req, x.sattrReply(ok)]];
      case Proc.LOOKUP:
        return ["nfs_proc_lookup", [req, x.lookupReply(ok)]];
      case Proc.READ:
        return ["nfs_proc_read", [req, x.readReply(ok, (req as T.Nfs3ReadArgs).offset)]];
      case Proc.READLINK:
        return ["nfs_proc_readlink", [req, x.readlinkReply(ok)]];
      case Proc.SYMLINK:
        return ["nfs_proc_symlink", [req, x.newobjReply(ok)]];
      case Proc.LINK:
        return ["nfs_proc_link", [req, x.linkReply(ok)]];
      case Proc.WRITE:
        return ["nfs_proc_write", [req, x.writeReply(ok)]];
      case Proc.CREATE:
        return ["nfs_proc_create", [req, x.newobjReply(ok)]];
      case Proc.MKDIR:
        return ["nfs_proc_mkdir", [req, x.newobjReply(ok)]];
      case Proc.REMOVE:
        return ["nfs_proc_remove", [req, x.delobjReply()]];
      case Proc.RMDIR:
        return ["nfs_proc_rmdir", [req, x.delobjReply()]];
      case Proc.RENAME:
        return ["nfs_proc_rename", [req, x.renameobjReply()]];
      case Proc.READDIR:
      case Proc.READDIRPLUS:
        return ["nfs_proc_readdir", [req, x.readdirReply(call.proc === Proc.READDIRPLUS, ok)]];
      default:
        return this.notRead(call.proc, x);
    }
  }

  /** A procedure Zeek knows but does not read (its results are no excess), or an unknown one (null). */
  private notRead(proc: number, x: NfsXdr): ReplyEvent | null {
    if (proc >= Proc.END) return null;
    x.skipRest();
    return ["nfs_proc_not_implemented", [PROC_NAMES.get(proc)!]];
  }
}

/** The procedures whose arguments Zeek reads. */
function readsArguments(proc: number): boolean {
  return proc !== 4 && proc !== 11 && proc >= Proc.NULL && proc <= Proc.READDIRPLUS;
}

export const NFS = rpcComponent("NFS", (host) => new Nfs(host));
