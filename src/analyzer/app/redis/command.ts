/**
 * Redis client commands as Zeek's Redis analyzer reads them (redis.spicy):
 * an inline command's tokens, the command Zeek knows by its first word, the
 * word that is its key and the one that is its value, and the records of
 * the SET, GET, AUTH and HELLO events. Words are latin1 strings.
 */
import type { RedisAuthCommand, RedisCommand, RedisCommandName, RedisHelloCommand, RedisSetCommand } from "./events.js";

/** Known commands whose second word is their key. */
const KEY_AT_1 = new Set([
  "keys",
  "append",
  "bitcount",
  "bitfield",
  "bitfield_ro",
  "bitpos",
  "blpop",
  "brpop",
  "copy",
  "decr",
  "decrby",
  "del",
  "dump",
  "exists",
  "expire",
  "expireat",
  "expiretime",
  "get",
  "getbit",
  "getdel",
  "getex",
  "getrange",
  "getset",
  "hdel",
  "hget",
  "hset",
  "incr",
  "incrby",
  "mget",
  "move",
  "mset",
  "persist",
  "rename",
  "set",
  "strlen",
  "ttl",
  "type",
]);

/** Known commands whose third word is their value (each has its key at 1 too). */
const VALUE_AT_2 = new Set(["set", "append", "decrby", "expire", "expireat", "getbit", "getset", "hdel", "hget", "incrby", "move", "mset", "rename"]);

/** The commands Zeek's analyzer knows (its RedisCommand enum), lower case: those with a key at 1, and these. */
const KNOWN = new Set([
  ...KEY_AT_1,
  "auth",
  "bitop",
  "blmpop",
  "client",
  "hello",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
  "ssubscribe",
  "subscribe",
  "sunsubscribe",
  "unsubscribe",
]);

/** The known command of a first word (any case), as Zeek prints its enum. */
export function knownCommand(word: string): RedisCommandName | undefined {
  const lower = word.toLowerCase();
  return KNOWN.has(lower) ? `Redis::RedisCommand_${lower.toUpperCase()}` : undefined;
}

/** Redis::Command of a command's words (at least one): the key and value where Zeek finds them. */
export function parseCommand(raw: string[]): RedisCommand {
  const name = raw[0]!;
  const known = knownCommand(name);
  const cmd: RedisCommand = { raw, name };
  if (known === undefined) return cmd;
  cmd.known = known;
  const lower = name.toLowerCase();
  if (raw.length >= 2 && KEY_AT_1.has(lower)) cmd.key = raw[1]!;
  if (raw.length >= 3 && VALUE_AT_2.has(lower)) cmd.value = raw[2]!;
  // BITOP: the operation, then the destination key (the one logged).
  if (raw.length >= 3 && lower === "bitop") cmd.key = raw[2]!;
  // BLMPOP: timeout, numkeys, then the first key.
  if (raw.length >= 4 && lower === "blmpop") cmd.key = raw[3]!;
  return cmd;
}

/** Redis's whitespace in inline commands: NUL, tab, LF, CR, space. */
function isSpace(c: number): boolean {
  return c === 0 || c === 9 || c === 10 || c === 13 || c === 32;
}

/**
 * Where the token starting at `start` of `line` ends: at whitespace outside
 * quotes, or the line's end. Quotes stay part of the token and a quote
 * escaped by a backslash inside quotes of its kind does not close them (as
 * Zeek's tokenizer, which differs from Redis's own).
 */
function tokenEnd(line: string, start: number): number {
  let i = start;
  let quote = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (quote !== 0) {
      if (c === 0x5c && i + 1 < line.length && line.charCodeAt(i + 1) === quote) i++;
      else if (c === quote) quote = 0;
      i++;
    } else if (c === 0x22 || c === 0x27) {
      quote = c;
      i++;
    } else if (isSpace(c)) {
      return i;
    } else i++;
  }
  return i;
}

/** An inline command's words (each capped at `max` bytes); empty for a blank line. */
export function tokenizeInline(line: string, max: number): string[] {
  const words: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    if (i >= line.length) return words;
    const end = tokenEnd(line, i);
    words.push(line.slice(i, Math.min(end, i + max)));
    i = end;
  }
}

/** A decimal count as Spicy's to_uint reads it, or undefined when it is none. */
function toCount(word: string): number | undefined {
  return /^\d+$/.test(word) ? Number(word) : undefined;
}

/** Redis::SetCommand of a SET with a key and a value: its options from the fourth word on. */
export function makeSet(cmd: RedisCommand): RedisSetCommand {
  const set: RedisSetCommand = { key: cmd.key ?? "", value: cmd.value ?? "", nx: false, xx: false, get: false, keep_ttl: false };
  const raw = cmd.raw;
  for (let i = 3; i < raw.length; i++) {
    const opt = raw[i]!.toLowerCase();
    if (opt === "nx") set.nx = true;
    else if (opt === "xx") set.xx = true;
    else if (opt === "get") set.get = true;
    else if (opt === "keepttl") set.keep_ttl = true;
    else if (opt === "ex" || opt === "px" || opt === "exat" || opt === "pxat") {
      i++;
      if (i >= raw.length) break;
      const n = toCount(raw[i]!);
      if (n !== undefined) set[opt] = n;
    }
  }
  return set;
}

export function isSet(cmd: RedisCommand): boolean {
  return cmd.known === "Redis::RedisCommand_SET" && cmd.key !== undefined && cmd.value !== undefined;
}

export function isGet(cmd: RedisCommand): boolean {
  return cmd.known === "Redis::RedisCommand_GET" && cmd.raw.length >= 2;
}

export function isAuth(cmd: RedisCommand): boolean {
  return cmd.known === "Redis::RedisCommand_AUTH" && cmd.raw.length >= 2;
}

/** AUTH password, or AUTH username password. */
export function makeAuth(cmd: RedisCommand): RedisAuthCommand {
  const raw = cmd.raw;
  return raw.length === 2 ? { password: raw[1]! } : { username: raw[1]!, password: raw[2]! };
}

export function makeHello(cmd: RedisCommand): RedisHelloCommand {
  return cmd.raw.length > 1 ? { requested_resp_version: cmd.raw[1]! } : {};
}
