/**
 * Zeek's PORTMAPPER analyzer (Portmap.cc): RPC program 100000, version 2.
 * A successful reply raises pm_request_<proc> with the call's arguments and
 * the result; any other status (or a call unanswered at the end) raises
 * pm_attempt_<proc> with the status and the arguments. A port above 65535
 * is pm_bad_port and reads as 0. A call of another program is
 * bad_RPC_program (the analyzer reads it as a portmapper call all the
 * same); an unknown procedure is a bad call (bad_RPC).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { AnalyzerHost } from "../analyzer.js";
import { type RpcCall, type RpcProgram, type RpcStatus, raiseHandled } from "./rpc.js";
import { rpcComponent } from "./rpc-analyzer.js";
import type { XdrReader } from "./xdr.js";

/** A Zeek `port` value: number and transport. */
export interface RpcPort {
  port: number;
  proto: "tcp" | "udp";
}

/** Zeek's pm_mapping. */
export interface PmMapping {
  program: number;
  version: number;
  p: RpcPort;
}

/** Zeek's pm_port_request. */
export interface PmPortRequest {
  program: number;
  version: number;
  is_tcp: boolean;
}

/** Zeek's pm_callit_request. */
export interface PmCallitRequest {
  program: number;
  version: number;
  proc: number;
  arg_size: number;
}

/** Zeek's pm_mappings: table[count] of pm_mapping, numbered from 1 in reply order. */
export type PmMappings = Map<number, PmMapping>;

export interface PortmapEvents {
  pm_request_null: [r: Connection];
  pm_request_set: [r: Connection, m: PmMapping, success: boolean];
  pm_request_unset: [r: Connection, m: PmMapping, success: boolean];
  pm_request_getport: [r: Connection, pr: PmPortRequest, p: RpcPort];
  pm_request_dump: [r: Connection, m: PmMappings];
  pm_request_callit: [r: Connection, call: PmCallitRequest, p: RpcPort];
  pm_attempt_null: [r: Connection, status: RpcStatus];
  pm_attempt_set: [r: Connection, status: RpcStatus, m: PmMapping];
  pm_attempt_unset: [r: Connection, status: RpcStatus, m: PmMapping];
  pm_attempt_getport: [r: Connection, status: RpcStatus, pr: PmPortRequest];
  pm_attempt_dump: [r: Connection, status: RpcStatus];
  pm_attempt_callit: [r: Connection, status: RpcStatus, call: PmCallitRequest];
  /** A port above 65535 (it reads as 0). */
  pm_bad_port: [r: Connection, bad_p: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends PortmapEvents {}
}

registerEvents<PortmapEvents>({
  pm_request_null: true,
  pm_request_set: true,
  pm_request_unset: true,
  pm_request_getport: true,
  pm_request_dump: true,
  pm_request_callit: true,
  pm_attempt_null: true,
  pm_attempt_set: true,
  pm_attempt_unset: true,
  pm_attempt_getport: true,
  pm_attempt_dump: true,
  pm_attempt_callit: true,
  pm_bad_port: true,
});

const PORTMAPPER_PROGRAM = 100000;
const IPPROTO_TCP = 6;
const PROC_NULL = 0;
const PROC_SET = 1;
const PROC_UNSET = 2;
const PROC_GETPORT = 3;
const PROC_DUMP = 4;
const PROC_CALLIT = 5;

type PortmapRequest = PmMapping | PmPortRequest | PmCallitRequest | null;

class Portmapper implements RpcProgram<PortmapRequest> {
  constructor(private readonly host: AnalyzerHost) {}

  call(call: RpcCall<PortmapRequest>, r: XdrReader): boolean {
    if (call.prog !== PORTMAPPER_PROGRAM) this.host.weird("bad_RPC_program");
    switch (call.proc) {
      case PROC_NULL:
      case PROC_DUMP:
        call.request = null;
        return true;
      case PROC_SET:
      case PROC_UNSET:
        call.request = this.mapping(r);
        break;
      case PROC_GETPORT:
        call.request = portRequest(r);
        break;
      case PROC_CALLIT:
        call.request = callitRequest(r);
        break;
      default:
        return false;
    }
    return r.ok;
  }

  reply(call: RpcCall<PortmapRequest>, status: RpcStatus, r: XdrReader): boolean {
    const host = this.host;
    const success = status === "RPC_SUCCESS";
    const request = call.request ?? null;
    switch (call.proc) {
      case PROC_NULL:
        if (success) raiseHandled(host, "pm_request_null", () => [host.conn()]);
        else raiseHandled(host, "pm_attempt_null", () => [host.conn(), status]);
        return true;
      case PROC_SET:
      case PROC_UNSET:
        return this.setReply(call.proc === PROC_SET, request as PmMapping, status, r);
      case PROC_GETPORT:
        return this.getportReply(request as PmPortRequest, status, r);
      case PROC_DUMP:
        return this.dumpReply(status, r);
      case PROC_CALLIT:
        return this.callitReply(request as PmCallitRequest, status, r);
      default:
        return false;
    }
  }

  private setReply(set: boolean, m: PmMapping, status: RpcStatus, r: XdrReader): boolean {
    const host = this.host;
    if (status !== "RPC_SUCCESS") {
      raiseHandled(host, set ? "pm_attempt_set" : "pm_attempt_unset", () => [host.conn(), status, m]);
      return true;
    }
    const done = r.u32() !== 0;
    if (!r.ok) return false;
    raiseHandled(host, set ? "pm_request_set" : "pm_request_unset", () => [host.conn(), m, done]);
    return true;
  }

  private getportReply(pr: PmPortRequest, status: RpcStatus, r: XdrReader): boolean {
    const host = this.host;
    if (status !== "RPC_SUCCESS") {
      raiseHandled(host, "pm_attempt_getport", () => [host.conn(), status, pr]);
      return true;
    }
    const port = r.u32();
    if (!r.ok) return false;
    const p: RpcPort = { port: this.checkPort(port), proto: pr.is_tcp ? "tcp" : "udp" };
    raiseHandled(host, "pm_request_getport", () => [host.conn(), pr, p]);
    return true;
  }

  private dumpReply(status: RpcStatus, r: XdrReader): boolean {
    const host = this.host;
    if (status !== "RPC_SUCCESS") {
      raiseHandled(host, "pm_attempt_dump", () => [host.conn(), status]);
      return true;
    }
    // Each mapping follows a "more" flag (an XDR optional-data list).
    const mappings: PmMappings = new Map();
    while (r.u32() !== 0 && r.ok) {
      const m = this.mapping(r);
      if (!r.ok) break;
      mappings.set(mappings.size + 1, m);
    }
    if (!r.ok) return false;
    raiseHandled(host, "pm_request_dump", () => [host.conn(), mappings]);
    return true;
  }

  private callitReply(call: PmCallitRequest, status: RpcStatus, r: XdrReader): boolean {
    const host = this.host;
    if (status !== "RPC_SUCCESS") {
      raiseHandled(host, "pm_attempt_callit", () => [host.conn(), status, call]);
      return true;
    }
    const port = r.u32();
    if (r.opaque() === null) return false;
    // Zeek gives the port as UDP, whatever the transport.
    const p: RpcPort = { port: this.checkPort(port), proto: "udp" };
    raiseHandled(host, "pm_request_callit", () => [host.conn(), call, p]);
    return true;
  }

  private mapping(r: XdrReader): PmMapping {
    const program = r.u32();
    const version = r.u32();
    const isTcp = r.u32() === IPPROTO_TCP;
    const port = r.u32();
    // Zeek checks the port before it knows whether the mapping was whole.
    return { program, version, p: { port: this.checkPort(port), proto: isTcp ? "tcp" : "udp" } };
  }

  /** A port above 65535 is pm_bad_port and reads as 0. */
  private checkPort(port: number): number {
    if (port < 65536) return port;
    const host = this.host;
    raiseHandled(host, "pm_bad_port", () => [host.conn(), port]);
    return 0;
  }
}

function portRequest(r: XdrReader): PmPortRequest {
  const program = r.u32();
  const version = r.u32();
  const isTcp = r.u32() === IPPROTO_TCP;
  r.u32(); // the port field of a request means nothing
  return { program, version, is_tcp: isTcp };
}

function callitRequest(r: XdrReader): PmCallitRequest {
  const program = r.u32();
  const version = r.u32();
  const proc = r.u32();
  const args = r.opaque();
  return { program, version, proc, arg_size: args?.length ?? 0 };
}

export const PORTMAPPER = rpcComponent("PORTMAPPER", (host) => new Portmapper(host));
