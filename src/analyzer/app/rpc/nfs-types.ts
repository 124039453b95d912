/**
 * Zeek's NFS3 records (scripts/base/init-bare.zeek, module NFS3) as the NFS
 * analyzer's events carry them. Every field is present, in Zeek's order;
 * one Zeek leaves unset is undefined. 64-bit counts (sizes, file ids,
 * cookies, offsets) are bigints.
 */
import type { RpcStatus } from "./rpc.js";
import type { RpcInfo } from "./rpc-info.js";

/** An NFS3 enumeration value by its Zeek name ("NFS3::NFS3ERR_OK", "NFS3::FTYPE_DIR"). */
export type Nfs3Name = `NFS3::${string}`;

/** NFS3::info_t. */
export interface Nfs3Info extends RpcInfo {
  rpc_stat: RpcStatus;
  nfs_stat: Nfs3Name;
}

/** NFS3::fattr_t; ftype is unset for a type NFS does not define. */
export interface Nfs3Fattr {
  ftype: Nfs3Name | undefined;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: bigint;
  used: bigint;
  rdev1: number;
  rdev2: number;
  fsid: bigint;
  fileid: bigint;
  atime: number;
  mtime: number;
  ctime: number;
}

/** NFS3::wcc_attr_t (Zeek names the modification and change times atime and mtime). */
export interface Nfs3WccAttr {
  size: bigint;
  atime: number;
  mtime: number;
}

/** NFS3::sattr_t: the attributes a request sets (size as a 64-bit count; Zeek reads it as a time). */
export interface Nfs3Sattr {
  mode: number | undefined;
  uid: number | undefined;
  gid: number | undefined;
  size: bigint | undefined;
  atime: Nfs3Name | undefined;
  mtime: Nfs3Name | undefined;
}

export interface Nfs3DirOpArgs {
  dirfh: string | undefined;
  fname: string | undefined;
}

export interface Nfs3RenameOpArgs {
  src_dirfh: string | undefined;
  src_fname: string | undefined;
  dst_dirfh: string | undefined;
  dst_fname: string | undefined;
}

export interface Nfs3SymlinkData {
  symlink_attributes: Nfs3Sattr;
  nfspath: string | undefined;
}

export interface Nfs3SymlinkArgs {
  link: Nfs3DirOpArgs;
  symlinkdata: Nfs3SymlinkData;
}

export interface Nfs3LinkArgs {
  fh: string | undefined;
  link: Nfs3DirOpArgs;
}

export interface Nfs3SattrArgs {
  fh: string | undefined;
  new_attributes: Nfs3Sattr;
}

export interface Nfs3LookupReply {
  fh: string | undefined;
  obj_attr: Nfs3Fattr | undefined;
  dir_attr: Nfs3Fattr | undefined;
}

export interface Nfs3ReadArgs {
  fh: string | undefined;
  offset: bigint;
  size: number;
}

/** NFS3::read_reply_t: data only with NFS3::return_data. */
export interface Nfs3ReadReply {
  attr: Nfs3Fattr | undefined;
  size: number | undefined;
  eof: boolean | undefined;
  data: string | undefined;
}

export interface Nfs3ReadlinkReply {
  attr: Nfs3Fattr | undefined;
  nfspath: string | undefined;
}

/** NFS3::writeargs_t: data only with NFS3::return_data. */
export interface Nfs3WriteArgs {
  fh: string | undefined;
  offset: bigint;
  size: number;
  stable: Nfs3Name | undefined;
  data: string | undefined;
}

export interface Nfs3LinkReply {
  post_attr: Nfs3Fattr | undefined;
  preattr: Nfs3WccAttr | undefined;
  postattr: Nfs3Fattr | undefined;
}

export interface Nfs3SattrReply {
  dir_pre_attr: Nfs3WccAttr | undefined;
  dir_post_attr: Nfs3Fattr | undefined;
}

export interface Nfs3WriteReply {
  preattr: Nfs3WccAttr | undefined;
  postattr: Nfs3Fattr | undefined;
  size: number | undefined;
  commited: Nfs3Name | undefined;
  verf: bigint | undefined;
}

export interface Nfs3NewobjReply {
  fh: string | undefined;
  obj_attr: Nfs3Fattr | undefined;
  dir_pre_attr: Nfs3WccAttr | undefined;
  dir_post_attr: Nfs3Fattr | undefined;
}

export interface Nfs3DelobjReply {
  dir_pre_attr: Nfs3WccAttr | undefined;
  dir_post_attr: Nfs3Fattr | undefined;
}

export interface Nfs3RenameobjReply {
  src_dir_pre_attr: Nfs3WccAttr | undefined;
  src_dir_post_attr: Nfs3Fattr | undefined;
  dst_dir_pre_attr: Nfs3WccAttr | undefined;
  dst_dir_post_attr: Nfs3Fattr | undefined;
}

export interface Nfs3ReaddirArgs {
  isplus: boolean;
  dirfh: string | undefined;
  cookie: bigint;
  cookieverf: bigint;
  dircount: number;
  maxcount: number | undefined;
}

export interface Nfs3Direntry {
  fileid: bigint;
  fname: string | undefined;
  cookie: bigint;
  attr: Nfs3Fattr | undefined;
  fh: string | undefined;
}

/**
 * NFS3::readdir_reply_t. Zeek fills its entries vector from index 1 (its
 * element 0 is unset); here the entries start at 0.
 */
export interface Nfs3ReaddirReply {
  isplus: boolean;
  dir_attr: Nfs3Fattr | undefined;
  cookieverf: bigint | undefined;
  entries: Nfs3Direntry[] | undefined;
  eof: boolean | undefined;
}
