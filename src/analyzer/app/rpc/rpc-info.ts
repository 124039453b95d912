/**
 * What MOUNT and NFS events share: the info_t record (MOUNT3::info_t,
 * NFS3::info_t) of a call and its reply, and the reading of enumerations
 * whose unknown values are weirds.
 */
import type { AnalyzerHost } from "../analyzer.js";
import type { RpcCall } from "./rpc.js";
import type { XdrReader } from "./xdr.js";

/** The fields MOUNT3::info_t and NFS3::info_t share, after their two statuses (RPC's, the program's). */
export interface RpcInfo {
  req_start: number;
  req_dur: number;
  req_len: number;
  rep_start: number;
  rep_dur: number;
  rep_len: number;
  rpc_uid: number;
  rpc_gid: number;
  rpc_stamp: number;
  rpc_machine_name: string;
  rpc_auxgids: number[];
}

/** The info of `call` and its reply (started `start`, last grew `last`, `replyLen` bytes), after the statuses. */
export function rpcInfo<R>(call: RpcCall<R>, start: number, last: number, replyLen: number): RpcInfo {
  return {
    req_start: call.start,
    req_dur: call.last - call.start,
    req_len: call.callLen,
    rep_start: start,
    rep_dur: last - start,
    rep_len: replyLen,
    rpc_uid: call.uid,
    rpc_gid: call.gid,
    rpc_stamp: call.stamp,
    rpc_machine_name: call.machineName,
    rpc_auxgids: [...call.auxGids],
  };
}

/**
 * A Zeek enumeration read from XDR: its name (module-qualified, as Zeek
 * prints it) for a known value; for another, the weird `unknown` with the
 * value, and undefined (the field stays unset).
 */
export function readEnum<Name extends string>(r: XdrReader, names: ReadonlyMap<number, Name>, host: AnalyzerHost, unknown: string): Name | undefined {
  const raw = r.u32();
  const name = names.get(raw);
  if (name === undefined) host.weird(unknown, String(raw));
  return name;
}

/** A name table of `module::name` for values (Zeek's enum types of types.bif). */
export function enumNames<Name extends string>(module: string, entries: ReadonlyArray<readonly [number, string]>): ReadonlyMap<number, Name> {
  return new Map(entries.map(([v, n]) => [v, `${module}::${n}` as Name]));
}
