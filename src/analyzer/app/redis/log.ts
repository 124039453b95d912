/**
 * redis.log: Zeek's base/protocols/redis/main.zeek, written against the
 * Redis events. Commands are numbered as they come and replies are paired
 * with them in order (pipelining), skipping the commands no reply answers:
 * those in a CLIENT REPLY OFF … ON range or after a CLIENT REPLY SKIP, the
 * (un)subscribe commands, and every command in RESP2's subscribed mode,
 * where the server's messages are pushes (Redis::server_push) rather than
 * replies. A reply writes its command's row, and the rows of the commands
 * before it that have one; what is pending at the connection's removal is
 * written then (in Zeek's table order), unless the analyzer had a violation.
 * Past Redis::max_pending_commands the state starts over, with the
 * Redis_excessive_pipelining weird.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import { type AnalyzerScriptHost, reportLimitReached } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { registerRemovalHook, removalHook } from "../../../scripts/removal-hooks.js";
import { ZeekTable } from "../../../zeek-table/table.js";
import type { RedisCommand, RedisReplyData } from "./events.js";
import "./events.js";

export const REDIS_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["cmd.name", "string"],
  ["cmd.key", "string"],
  ["cmd.value", "string"],
  ["success", "bool"],
  ["reply.value", "string"],
);

/** Redis::Info: one command and its reply. */
interface RedisInfo {
  readonly ts: number;
  cmd?: RedisCommand;
  success?: boolean;
  reply?: RedisReplyData;
}

/** Redis::NoReplyRange: commands [begin, end) get no reply (end unset: open). */
interface NoReplyRange {
  readonly begin: number;
  end?: number;
}

/** Redis::State. */
interface RedisState {
  readonly pending: ZeekTable<number, RedisInfo>;
  currentCommand: number;
  currentReply: number;
  readonly noReplyRanges: NoReplyRange[];
  readonly skipCommands: Set<number>;
  violation: boolean;
  subscribedMode: boolean;
  resp3: boolean;
}

const ENTER_SUBSCRIBED = new Set(["PSUBSCRIBE", "SSUBSCRIBE", "SUBSCRIBE"].map((n) => `Redis::RedisCommand_${n}`));
const EXIT_SUBSCRIBED = new Set(["RESET", "QUIT"].map((n) => `Redis::RedisCommand_${n}`));
const NO_RESPONSE = new Set(["PSUBSCRIBE", "PUNSUBSCRIBE", "SSUBSCRIBE", "SUBSCRIBE", "SUNSUBSCRIBE", "UNSUBSCRIBE"].map((n) => `Redis::RedisCommand_${n}`));

function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : bytesToLogText(s);
}

function writeInfo(log: LogWriter | null, c: Connection, info: RedisInfo): void {
  log?.write([
    info.ts,
    c.uid,
    c.id.orig_h,
    c.id.orig_p,
    c.id.resp_h,
    c.id.resp_p,
    text(info.cmd?.name),
    text(info.cmd?.key),
    text(info.cmd?.value),
    info.success,
    text(info.reply?.value),
  ]);
}

/** Whether the last "no reply" range is closed (or there is none). */
function lastRangeClosed(s: RedisState): boolean {
  const last = s.noReplyRanges[s.noReplyRanges.length - 1];
  return last === undefined || last.end !== undefined;
}

/** CLIENT REPLY ON/OFF/SKIP: the commands whose replies will not come. */
function clientReply(s: RedisState, cmd: RedisCommand): void {
  if (cmd.known !== "Redis::RedisCommand_CLIENT" || cmd.raw.length !== 3) return;
  const mode = cmd.raw[2]!.toLowerCase();
  const last = s.noReplyRanges[s.noReplyRanges.length - 1];
  if (mode === "on" && last !== undefined && last.end === undefined) last.end = s.currentCommand;
  if (mode === "off" && lastRangeClosed(s)) s.noReplyRanges.push({ begin: s.currentCommand });
  // SKIP: this command's reply and the next one's.
  if (mode === "skip" && lastRangeClosed(s)) s.noReplyRanges.push({ begin: s.currentCommand, end: s.currentCommand + 2 });
}

/** reply_num: the number of the command the next reply answers. */
function replyNum(s: RedisState): number {
  const next = s.currentReply + 1;
  let result = next;
  for (const range of s.noReplyRanges) {
    if (range.end !== undefined && next >= range.begin && next < range.end) result = range.end;
  }
  while (s.skipCommands.has(result)) {
    s.skipCommands.delete(result);
    result++;
  }
  return result;
}

export function loadRedisLog(host: AnalyzerScriptHost, logs: LogManager | null): void {
  const log = logs?.open({ path: "redis", fields: REDIS_FIELDS }) ?? null;
  const states = new WeakMap<Connection, RedisState>();

  const newState = (c: Connection): RedisState => {
    const s: RedisState = {
      pending: new ZeekTable<number, RedisInfo>(host.tableHash.count),
      currentCommand: 0,
      currentReply: 0,
      noReplyRanges: [],
      skipCommands: new Set(),
      violation: false,
      subscribedMode: false,
      resp3: false,
    };
    states.set(c, s);
    registerRemovalHook(c, finalize);
    return s;
  };
  const stateOf = (c: Connection): RedisState => states.get(c) ?? newState(c);

  /** set_state: the record of the current command (orig) or reply, made when missing. */
  const current = (s: RedisState, isOrig: boolean): RedisInfo => {
    const n = isOrig ? s.currentCommand : s.currentReply;
    let info = s.pending.get(n);
    if (info === undefined) s.pending.set(n, (info = { ts: host.clock.now }));
    return info;
  };

  host.on("analyzer_violation_info", (atype, info) => {
    if (atype !== "REDIS" || info.c === undefined) return;
    const s = states.get(info.c);
    if (s !== undefined) s.violation = true;
  });

  host.on("Redis::hello_command", (c, hello) => {
    const s = stateOf(c);
    if (hello.requested_resp_version === "3") s.resp3 = true;
  });

  host.on("Redis::command", (c, cmd) => {
    const s = stateOf(c);
    const max = host.settings["Redis::max_pending_commands"];
    if (max > 0 && s.pending.size > max) {
      reportLimitReached(host, "Redis_excessive_pipelining", c, s.pending.size, max, "REDIS");
      // Zeek's script drops the state and starts over.
      states.delete(c);
      return;
    }
    s.currentCommand++;
    if (cmd.known !== undefined) {
      if (!s.resp3) s.subscribedMode = ENTER_SUBSCRIBED.has(cmd.known) && !EXIT_SUBSCRIBED.has(cmd.known);
      if (NO_RESPONSE.has(cmd.known) || s.subscribedMode) s.skipCommands.add(s.currentCommand);
    }
    clientReply(s, cmd);
    current(s, true).cmd = cmd;
  });

  /** log_from: the rows of the commands answered up to this reply, then this one's. */
  const logFrom = (c: Connection, s: RedisState, info: RedisInfo, previous: number): void => {
    for (let n = previous; n < s.currentReply; n++) {
      if (n === 0) continue;
      const earlier = s.pending.get(n);
      if (earlier?.cmd !== undefined) {
        writeInfo(log, c, earlier);
        s.pending.delete(n);
      }
    }
    if (info.cmd !== undefined) {
      writeInfo(log, c, info);
      s.pending.delete(s.currentReply);
    }
  };

  const answer = (c: Connection, s: RedisState, data: RedisReplyData, success: boolean): void => {
    const previous = s.currentReply;
    s.currentReply = replyNum(s);
    const info = current(s, false);
    info.reply = data;
    info.success = success;
    logFrom(c, s, info, previous);
  };

  host.on("Redis::reply", (c, data) => {
    const s = stateOf(c);
    // A server speaking RESP3 is in RESP3 mode, HELLO seen or not.
    if (data.min_protocol_version === 3) {
      s.resp3 = true;
      s.subscribedMode = false;
    }
    if (s.subscribedMode) {
      host.raise("Redis::server_push", c, data);
      return;
    }
    answer(c, s, data, true);
    if (s.currentCommand === s.currentReply) s.skipCommands.clear();
  });

  host.on("Redis::error", (c, data) => answer(c, stateOf(c), data, false));

  // finalize_redis, a connection removal hook: the pairs still pending, unless the analyzer failed.
  const finalize = removalHook(host, (c) => {
    const s = states.get(c);
    if (s === undefined || s.violation || s.currentReply === 0) return;
    for (const [n, info] of s.pending.entries()) {
      if (n !== 0) writeInfo(log, c, info);
    }
  });
}

export const REDIS_SCRIPT: ProtocolScript = {
  script: "base/protocols/redis",
  // Zeek's script is @if'd on its Spicy analyzer: loaded as the analyzer runs (ProtocolScript.spicy).
  spicy: true,
  load: (host, logs) => loadRedisLog(host, logs),
};
