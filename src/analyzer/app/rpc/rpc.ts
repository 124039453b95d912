/**
 * Zeek's Sun RPC core (src/analyzer/protocol/rpc/RPC.cc): the message layer
 * that PORTMAPPER, MOUNT and NFS share. A call (xid, program, version,
 * procedure, credentials, verifier) is kept by xid until its reply; the
 * program's interpreter reads the arguments at the call and the results at
 * the reply, and raises its own events with both. rpc_call, rpc_reply and
 * rpc_dialogue are raised for every program.
 *
 * As in Zeek:
 * - an AUTH_UNIX credential gives the caller's stamp, machine name (at most
 *   255 bytes), uid, gid and up to 64 auxiliary gids; more is a bad call;
 * - a call whose xid is pending is a retransmission: compared byte for byte
 *   with the first (RPC_rexmit_inconsistency), its arguments read again;
 * - at most rpc_max_pending_calls calls wait (0: no bound): one more drops
 *   them all, with RPC_pending_calls_discarded and rpc_discarded_pending_calls;
 * - the calls still pending when the analyzer goes away get an
 *   RPC_TIMEOUT dialogue, and their program's timeout events;
 * - non-zero bytes after a message are excess_RPC.
 *
 * Over TCP, messages come in record-marked fragments (RFC 5531 §11): see
 * record-marking.ts. Over UDP each datagram is a message, and the flow ends
 * rpc_timeout after it started (UdpFlowRules.lifetime).
 */
import { type EventMap, type EventName, registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { XdrReader } from "./xdr.js";

/** Zeek's rpc_status enum (types.bif): the first six are RPC's accept_stat values. */
export type RpcStatus =
  | "RPC_SUCCESS"
  | "RPC_PROG_UNAVAIL"
  | "RPC_PROG_MISMATCH"
  | "RPC_PROC_UNAVAIL"
  | "RPC_GARBAGE_ARGS"
  | "RPC_SYSTEM_ERR"
  | "RPC_TIMEOUT"
  | "RPC_VERS_MISMATCH"
  | "RPC_AUTH_ERROR"
  | "RPC_UNKNOWN_ERROR";

const ACCEPT_STATUS: readonly RpcStatus[] = ["RPC_SUCCESS", "RPC_PROG_UNAVAIL", "RPC_PROG_MISMATCH", "RPC_PROC_UNAVAIL", "RPC_GARBAGE_ARGS", "RPC_SYSTEM_ERR"];

export interface RpcEvents {
  /** A call: its xid, program, version, procedure, and its length after the xid and message type. */
  rpc_call: [c: Connection, xid: number, prog: number, ver: number, proc: number, call_len: number];
  /** A reply: its xid, status, and the length of its results. */
  rpc_reply: [c: Connection, xid: number, status: RpcStatus, reply_len: number];
  /** A call and its reply (or RPC_TIMEOUT for a call unanswered when the analyzer goes away). */
  rpc_dialogue: [c: Connection, prog: number, ver: number, proc: number, status: RpcStatus, start_time: number, call_len: number, reply_len: number];
  /** rpc_max_pending_calls calls were waiting when one more came: all were dropped. */
  rpc_discarded_pending_calls: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends RpcEvents {}
}

registerEvents<RpcEvents>({ rpc_call: true, rpc_reply: true, rpc_dialogue: true, rpc_discarded_pending_calls: true });

const RPC_CALL = 0;
const RPC_REPLY = 1;
const MSG_ACCEPTED = 0;
const MSG_DENIED = 1;
const PROG_MISMATCH = 2;
const REJECT_RPC_MISMATCH = 0;
const REJECT_AUTH_ERROR = 1;
const AUTH_UNIX = 1;
/** Zeek's bounds on an AUTH_UNIX credential: its machine name, its auxiliary gids. */
const MAX_MACHINE_NAME = 255;
const MAX_AUX_GIDS = 64;
/** An opaque_auth's body (skip_XDR_opaque_auth). */
const MAX_AUTH_BODY = 400;

/** One pending call (Zeek's RPC_CallInfo); `request` is what its program read of the arguments. */
export class RpcCall<Request> {
  prog = 0;
  vers = 0;
  proc = 0;
  stamp = 0;
  uid = 0;
  gid = 0;
  machineName = "";
  readonly auxGids: number[] = [];
  /** The bytes after xid and message type: a retransmission must repeat them. */
  readonly bytes: Uint8Array;
  /** How many of them are the header (up to the arguments). */
  headerLen = 0;
  /** Its program read its arguments (a reply to it may be read). */
  valid = false;
  request: Request | undefined = undefined;

  constructor(
    readonly xid: number,
    body: Uint8Array,
    public start: number,
    public last: number,
  ) {
    this.bytes = body.slice();
  }

  /** The call's length after xid and message type (Zeek's CallLen and RPCLen). */
  get callLen(): number {
    return this.bytes.length;
  }

  /** Reads the header from `r` (after xid and message type); false when it is malformed. */
  readHeader(r: XdrReader): boolean {
    r.u32(); // RPC version: Zeek does not check it
    this.prog = r.u32();
    this.vers = r.u32();
    this.proc = r.u32();
    const credFlavor = r.u32();
    const cred = r.opaque();
    if (cred === null) return false;
    r.u32(); // verifier flavor
    r.opaque(MAX_AUTH_BODY);
    if (!r.ok) return false;
    if (credFlavor === AUTH_UNIX && !this.readAuthUnix(new XdrReader(cred))) return false;
    this.headerLen = this.bytes.length - r.left;
    return true;
  }

  /** An AUTH_UNIX credential's fields; what is missing reads as 0, as in Zeek, except the machine name. */
  private readAuthUnix(cred: XdrReader): boolean {
    this.stamp = cred.u32();
    const name = cred.opaque(MAX_MACHINE_NAME);
    if (name === null) return false;
    this.machineName = latin1(name);
    this.uid = cred.u32();
    this.gid = cred.u32();
    const count = cred.u32();
    if (count > MAX_AUX_GIDS) return false;
    for (let i = 0; i < count; i++) this.auxGids.push(cred.u32());
    return true;
  }
}

/**
 * An RPC program's reading of its calls and replies (Zeek's RPC_BuildCall
 * and RPC_BuildReply). `reply` gets a reader at the results, or a failed
 * one when there are none (a timeout); it returns false for malformed
 * results (bad_RPC). A program that skips a part calls `skipRest` so that
 * the rest is not excess_RPC.
 */
export interface RpcProgram<Request> {
  call(call: RpcCall<Request>, r: XdrReader): boolean;
  reply(call: RpcCall<Request>, status: RpcStatus, r: XdrReader, start: number, last: number, replyLen: number): boolean;
}

/** What a reply says about its call (RPC's reply_stat, accept_stat, reject_stat). */
function replyStatus(r: XdrReader, weird: (name: string) => void): RpcStatus | null {
  const replyStat = r.u32();
  if (!r.ok) return null;
  if (replyStat === MSG_ACCEPTED) {
    r.u32();
    r.opaque(MAX_AUTH_BODY);
    const accept = r.u32();
    if (!r.ok) return null;
    if (accept === PROG_MISMATCH) {
      r.u32();
      r.u32();
      if (!r.ok) return null;
    }
    return ACCEPT_STATUS[accept] ?? "RPC_UNKNOWN_ERROR";
  }
  if (replyStat !== MSG_DENIED) {
    weird("bad_RPC");
    return "RPC_UNKNOWN_ERROR";
  }
  const reject = r.u32();
  if (!r.ok) return null;
  if (reject === REJECT_RPC_MISMATCH || reject === REJECT_AUTH_ERROR) {
    r.u32();
    if (reject === REJECT_RPC_MISMATCH) r.u32();
    if (!r.ok) return null;
    return reject === REJECT_RPC_MISMATCH ? "RPC_VERS_MISMATCH" : "RPC_AUTH_ERROR";
  }
  weird("bad_RPC");
  return "RPC_UNKNOWN_ERROR";
}

/** Raises `event` with the arguments `args` builds, only when it is handled: building them draws the connection's uid. */
export function raiseHandled<E extends EventName>(host: AnalyzerHost, event: E, args: () => EventMap[E]): void {
  if (host.handled[event]) host.raise(event, ...args());
}

/** A reader that has failed: the results of a call nobody answered. */
export function noResults(): XdrReader {
  const r = new XdrReader(new Uint8Array(0));
  r.fail();
  return r;
}

/**
 * Zeek's RPC_Interpreter: the calls of one connection, by xid, and what
 * happens to each message. `deliver` is false where Zeek's DeliverRPC
 * returns 0 (the caller adds bad_RPC or partial_RPC).
 */
export class RpcInterpreter<Request> {
  /** Pending calls by xid. */
  private readonly calls = new Map<number, RpcCall<Request>>();
  /** A message's padding ran past its end (Zeek's AnalyzerError "RPC underflow"): the analyzer stops. */
  underflow = false;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly program: RpcProgram<Request>,
  ) {}

  /** How many calls wait for their reply. */
  get pending(): number {
    return this.calls.size;
  }

  deliver(data: Uint8Array, isOrig: boolean, start: number, last: number): boolean {
    const r = new XdrReader(data);
    const xid = r.u32();
    const type = r.u32();
    if (!r.ok) return false;
    let handled: boolean;
    if (type === RPC_CALL) handled = this.onCall(r, xid, isOrig, start, last);
    else if (type === RPC_REPLY) handled = this.onReply(r, xid, isOrig, start, last);
    else {
      this.host.weird("bad_RPC");
      handled = true;
    }
    if (!handled) return false;
    return this.checkEnd(r);
  }

  /** After a message: non-zero bytes left are excess_RPC; padding past the end stops the analyzer. */
  private checkEnd(r: XdrReader): boolean {
    if (r.ok && r.left > 0) {
      if (r.rest().some((b) => b !== 0)) this.host.weird("excess_RPC");
    } else if (r.left < 0) {
      this.underflow = true;
      return false;
    }
    return true;
  }

  private onCall(r: XdrReader, xid: number, isOrig: boolean, start: number, last: number): boolean {
    const host = this.host;
    if (!isOrig) host.weird("responder_RPC_call");
    let call = this.calls.get(xid);
    if (call !== undefined) {
      if (!sameBytes(call.bytes, r.rest())) host.weird("RPC_rexmit_inconsistency");
      call.start = start;
      call.last = last;
      if (call.headerLen > r.left) {
        host.weird("RPC_underflow");
        return false;
      }
      r.advance(call.headerLen);
    } else {
      call = new RpcCall<Request>(xid, r.rest(), start, last);
      if (!call.readHeader(r)) {
        host.weird("bad_RPC");
        return false;
      }
      this.keep(call);
    }
    if (host.handled.rpc_call) host.raise("rpc_call", host.conn(), xid, call.prog, call.vers, call.proc, call.callLen);
    if (!this.program.call(call, r)) {
      host.weird("bad_RPC");
      return false;
    }
    call.valid = true;
    return true;
  }

  /** Stores a new call, dropping all that wait when rpc_max_pending_calls do (Zeek's bound on its table). */
  private keep(call: RpcCall<Request>): void {
    const host = this.host;
    const max = host.settings.rpc_max_pending_calls;
    if (max > 0 && this.calls.size >= max) {
      host.weird("RPC_pending_calls_discarded");
      if (host.handled.rpc_discarded_pending_calls) host.raise("rpc_discarded_pending_calls", host.conn());
      this.calls.clear();
    }
    this.calls.set(call.xid, call);
  }

  private onReply(r: XdrReader, xid: number, isOrig: boolean, start: number, last: number): boolean {
    const host = this.host;
    if (isOrig) host.weird("originator_RPC_reply");
    const replyLen = r.left;
    const status = replyStatus(r, (name) => host.weird(name));
    if (status === null) return false;
    if (host.handled.rpc_reply) host.raise("rpc_reply", host.conn(), xid, status, r.left);
    const call = this.calls.get(xid);
    if (call === undefined) {
      host.weird("unpaired_RPC_response");
      r.skipRest();
      return true;
    }
    if (!call.valid) {
      if (status === "RPC_SUCCESS") host.weird("successful_RPC_reply_to_invalid_request");
    } else if (!this.program.reply(call, status, r, start, last, replyLen)) {
      host.weird("bad_RPC");
    }
    this.dialogue(call, status, Math.max(0, r.left));
    this.calls.delete(xid);
    return true;
  }

  private dialogue(call: RpcCall<Request>, status: RpcStatus, replyLen: number): void {
    const host = this.host;
    if (host.handled.rpc_dialogue) {
      host.raise("rpc_dialogue", host.conn(), call.prog, call.vers, call.proc, status, call.start, call.callLen, replyLen);
    }
  }

  /** The analyzer goes away: every pending call, in xid order (Zeek's std::map), times out. */
  timeout(now: number): void {
    const xids = [...this.calls.keys()].sort((a, b) => a - b);
    for (const xid of xids) {
      const call = this.calls.get(xid)!;
      this.dialogue(call, "RPC_TIMEOUT", 0);
      if (call.valid && !this.program.reply(call, "RPC_TIMEOUT", noResults(), now, now, 0)) this.host.weird("bad_RPC");
    }
    this.calls.clear();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
