/**
 * The NFS v3 structures (RFC 1813) as Zeek's NFS analyzer reads them
 * (NFS.cc's nfs3_* functions), including where it departs from the RFC: a
 * set_atime/set_mtime is read as its time_how alone (a client time that
 * follows is not skipped), and an enumeration value NFS does not define
 * is a weird (unhandled_nfs3_file_type, unhandled_nfs3_time_how,
 * unhandled_nfs3_stable_how) that leaves the field unset. A failed read
 * leaves zeros and unset fields; the caller looks at the reader once.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import type {
  Nfs3DelobjReply,
  Nfs3Direntry,
  Nfs3DirOpArgs,
  Nfs3Fattr,
  Nfs3LinkArgs,
  Nfs3LinkReply,
  Nfs3LookupReply,
  Nfs3Name,
  Nfs3NewobjReply,
  Nfs3ReadArgs,
  Nfs3ReaddirArgs,
  Nfs3ReaddirReply,
  Nfs3ReadlinkReply,
  Nfs3ReadReply,
  Nfs3RenameOpArgs,
  Nfs3RenameobjReply,
  Nfs3Sattr,
  Nfs3SattrArgs,
  Nfs3SattrReply,
  Nfs3SymlinkArgs,
  Nfs3WccAttr,
  Nfs3WriteArgs,
  Nfs3WriteReply,
} from "./nfs-types.js";
import { enumNames, readEnum } from "./rpc-info.js";
import type { XdrReader } from "./xdr.js";

export const NFS3ERR_OK: Nfs3Name = "NFS3::NFS3ERR_OK";
/** A file handle's longest (NFS3_FHSIZE). */
const MAX_FH = 64;
/** File data: Zeek's bound on the opaque it reads (cut to what was captured). */
const MAX_FILE_DATA = 1 << 30;

const FILE_TYPES = enumNames<Nfs3Name>("NFS3", [
  [1, "FTYPE_REG"],
  [2, "FTYPE_DIR"],
  [3, "FTYPE_BLK"],
  [4, "FTYPE_CHR"],
  [5, "FTYPE_LNK"],
  [6, "FTYPE_SOCK"],
  [7, "FTYPE_FIFO"],
]);
const TIME_HOW = enumNames<Nfs3Name>("NFS3", [
  [0, "DONT_CHANGE"],
  [1, "SET_TO_SERVER_TIME"],
  [2, "SET_TO_CLIENT_TIME"],
]);
const STABLE_HOW = enumNames<Nfs3Name>("NFS3", [
  [0, "UNSTABLE"],
  [1, "DATA_SYNC"],
  [2, "FILE_SYNC"],
]);

/** What a READ or WRITE event carries of the file data (NFS3::return_data and its bounds). */
export interface FileDataPolicy {
  readonly returnData: boolean;
  readonly max: number;
  readonly firstOnly: boolean;
}

/** The NFS v3 structures of one message, read from `r`; weirds go to `host`. */
export class NfsXdr {
  constructor(
    private readonly r: XdrReader,
    private readonly host: AnalyzerHost,
    private readonly data: FileDataPolicy,
  ) {}

  /** The rest is not read, and is no excess_RPC. */
  skipRest(): void {
    this.r.skipRest();
  }

  fh(): string | undefined {
    const fh = this.r.opaque(MAX_FH);
    return fh === null ? undefined : latin1(fh);
  }

  private filename(): string | undefined {
    const name = this.r.opaque();
    return name === null ? undefined : latin1(name);
  }

  private optional<T>(read: () => T): T | undefined {
    return this.r.u32() !== 0 ? read() : undefined;
  }

  fattr(): Nfs3Fattr {
    const r = this.r;
    return {
      ftype: readEnum(r, FILE_TYPES, this.host, "unhandled_nfs3_file_type"),
      mode: r.u32(),
      nlink: r.u32(),
      uid: r.u32(),
      gid: r.u32(),
      size: r.u64(),
      used: r.u64(),
      rdev1: r.u32(),
      rdev2: r.u32(),
      fsid: r.u64(),
      fileid: r.u64(),
      atime: r.time(),
      mtime: r.time(),
      ctime: r.time(),
    };
  }

  private wccAttr(): Nfs3WccAttr {
    const r = this.r;
    return { size: r.u64(), atime: r.time(), mtime: r.time() };
  }

  private postOpAttr(): Nfs3Fattr | undefined {
    return this.optional(() => this.fattr());
  }

  private preOpAttr(): Nfs3WccAttr | undefined {
    return this.optional(() => this.wccAttr());
  }

  private postOpFh(): string | undefined {
    return this.optional(() => this.fh());
  }

  private sattr(): Nfs3Sattr {
    const r = this.r;
    const mode = this.optional(() => r.u32());
    const uid = this.optional(() => r.u32());
    const gid = this.optional(() => r.u32());
    const size = this.optional(() => r.u64());
    const atime = readEnum(r, TIME_HOW, this.host, "unhandled_nfs3_time_how");
    const mtime = readEnum(r, TIME_HOW, this.host, "unhandled_nfs3_time_how");
    return { mode, uid, gid, size, atime, mtime };
  }

  private stableHow(): Nfs3Name | undefined {
    return readEnum(this.r, STABLE_HOW, this.host, "unhandled_nfs3_stable_how");
  }

  /** File data: always read past; kept as NFS3::return_data says, at most `size` bytes. */
  private fileData(offset: bigint, size: number): string | undefined {
    const data = this.r.opaque(MAX_FILE_DATA, true);
    const policy = this.data;
    if (!policy.returnData || (policy.firstOnly && offset !== 0n) || data === null) return undefined;
    const n = Math.min(data.length, size, policy.max);
    return n > 0 ? latin1(data.subarray(0, n)) : undefined;
  }

  diropargs(): Nfs3DirOpArgs {
    return { dirfh: this.fh(), fname: this.filename() };
  }

  renameopargs(): Nfs3RenameOpArgs {
    return { src_dirfh: this.fh(), src_fname: this.filename(), dst_dirfh: this.fh(), dst_fname: this.filename() };
  }

  symlinkargs(): Nfs3SymlinkArgs {
    const link = this.diropargs();
    const symlink_attributes = this.sattr();
    return { link, symlinkdata: { symlink_attributes, nfspath: this.filename() } };
  }

  linkargs(): Nfs3LinkArgs {
    return { fh: this.fh(), link: this.diropargs() };
  }

  sattrargs(): Nfs3SattrArgs {
    return { fh: this.fh(), new_attributes: this.sattr() };
  }

  readargs(): Nfs3ReadArgs {
    return { fh: this.fh(), offset: this.r.u64(), size: this.r.u32() };
  }

  writeargs(): Nfs3WriteArgs {
    const fh = this.fh();
    const offset = this.r.u64();
    const size = this.r.u32();
    const stable = this.stableHow();
    return { fh, offset, size, stable, data: this.fileData(offset, size) };
  }

  readdirargs(isplus: boolean): Nfs3ReaddirArgs {
    const r = this.r;
    const dirfh = this.fh();
    const cookie = r.u64();
    const cookieverf = r.u64();
    const dircount = r.u32();
    return { isplus, dirfh, cookie, cookieverf, dircount, maxcount: isplus ? r.u32() : undefined };
  }

  sattrReply(ok: boolean): Nfs3SattrReply {
    if (!ok) return { dir_pre_attr: undefined, dir_post_attr: undefined };
    return { dir_pre_attr: this.preOpAttr(), dir_post_attr: this.postOpAttr() };
  }

  lookupReply(ok: boolean): Nfs3LookupReply {
    if (!ok) return { fh: undefined, obj_attr: undefined, dir_attr: this.postOpAttr() };
    return { fh: this.fh(), obj_attr: this.postOpAttr(), dir_attr: this.postOpAttr() };
  }

  readReply(ok: boolean, offset: bigint): Nfs3ReadReply {
    const attr = this.postOpAttr();
    if (!ok) return { attr, size: undefined, eof: undefined, data: undefined };
    const size = this.r.u32();
    const eof = this.r.u32() !== 0;
    return { attr, size, eof, data: this.fileData(offset, size) };
  }

  readlinkReply(ok: boolean): Nfs3ReadlinkReply {
    const attr = this.postOpAttr();
    return { attr, nfspath: ok ? this.filename() : undefined };
  }

  linkReply(ok: boolean): Nfs3LinkReply {
    if (!ok) return { post_attr: undefined, preattr: undefined, postattr: undefined };
    return { post_attr: this.postOpAttr(), preattr: this.preOpAttr(), postattr: this.postOpAttr() };
  }

  writeReply(ok: boolean): Nfs3WriteReply {
    if (!ok) {
      // Zeek reads an error's wcc_data post-op first (RFC 1813 has pre-op first); each goes to its field of its type.
      const postattr = this.postOpAttr();
      return { preattr: this.preOpAttr(), postattr, size: undefined, commited: undefined, verf: undefined };
    }
    const preattr = this.preOpAttr();
    const postattr = this.postOpAttr();
    const size = this.r.u32();
    const commited = this.stableHow();
    return { preattr, postattr, size, commited, verf: this.r.u64() };
  }

  newobjReply(ok: boolean): Nfs3NewobjReply {
    const fh = ok ? this.postOpFh() : undefined;
    const obj_attr = ok ? this.postOpAttr() : undefined;
    return { fh, obj_attr, dir_pre_attr: this.preOpAttr(), dir_post_attr: this.postOpAttr() };
  }

  delobjReply(): Nfs3DelobjReply {
    return { dir_pre_attr: this.preOpAttr(), dir_post_attr: this.postOpAttr() };
  }

  renameobjReply(): Nfs3RenameobjReply {
    const src_dir_pre_attr = this.preOpAttr();
    const src_dir_post_attr = this.postOpAttr();
    return { src_dir_pre_attr, src_dir_post_attr, dst_dir_pre_attr: this.preOpAttr(), dst_dir_post_attr: this.postOpAttr() };
  }

  readdirReply(isplus: boolean, ok: boolean): Nfs3ReaddirReply {
    if (!ok) return { isplus, dir_attr: this.postOpAttr(), cookieverf: undefined, entries: undefined, eof: undefined };
    const dir_attr = this.postOpAttr();
    const cookieverf = this.r.u64();
    const entries: Nfs3Direntry[] = [];
    // Each entry follows a "more" flag; a failed read ends the list.
    while (this.r.u32() !== 0) entries.push(this.direntry(isplus));
    return { isplus, dir_attr, cookieverf, entries, eof: this.r.u32() !== 0 };
  }

  private direntry(isplus: boolean): Nfs3Direntry {
    const fileid = this.r.u64();
    const fname = this.filename();
    const cookie = this.r.u64();
    const attr = isplus ? this.postOpAttr() : undefined;
    return { fileid, fname, cookie, attr, fh: isplus ? this.postOpFh() : undefined };
  }
}
