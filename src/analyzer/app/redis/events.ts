/**
 * The Redis events, with Zeek's names and arguments (Zeek's
 * base/protocols/redis/spicy-events.zeek and redis.evt). Strings hold one
 * byte per character (latin1), each capped at Redis::max_value_size.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's Redis::RedisCommand values, as Zeek prints them ("Redis::RedisCommand_SET"). */
export type RedisCommandName = `Redis::RedisCommand_${string}`;

/** Redis::Command: a client command, as parsed. */
export interface RedisCommand {
  /** The command's words (bulk strings, or an inline command's tokens, quotes kept). */
  raw: string[];
  /** The first word. */
  name: string;
  /** The key, for the commands known to have one. */
  key?: string;
  /** The value, for the commands known to have one. */
  value?: string;
  /** The command, when it is one Zeek knows. */
  known?: RedisCommandName;
}

/** Redis::SetCommand: a SET's key, value and options. */
export interface RedisSetCommand {
  key: string;
  value: string;
  nx: boolean;
  xx: boolean;
  get: boolean;
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
  keep_ttl: boolean;
}

/** Redis::AuthCommand: AUTH [username] password. */
export interface RedisAuthCommand {
  username?: string;
  password: string;
}

/** Redis::HelloCommand: HELLO [protover …]. */
export interface RedisHelloCommand {
  requested_resp_version?: string;
}

/** Redis::ReplyData: a server message in text form ("[a, b]", "{k: v}", "(x)", "null", "T"). */
export interface RedisReplyData {
  /** RESP3 attributes that came before the value, in text form. */
  attributes?: string;
  value: string;
  /** 3 for the types only RESP3 has (and attributes), else 2. */
  min_protocol_version: number;
}

export interface RedisEvents {
  /** A SET with a key and a value (raised before Redis::command). */
  "Redis::set_command": [c: Connection, command: RedisSetCommand];
  /** A GET with a key. */
  "Redis::get_command": [c: Connection, key: string];
  /** An AUTH with at least a password. */
  "Redis::auth_command": [c: Connection, command: RedisAuthCommand];
  /** A HELLO (the RESP version the client asks for). */
  "Redis::hello_command": [c: Connection, command: RedisHelloCommand];
  /** Every client command. */
  "Redis::command": [c: Connection, cmd: RedisCommand];
  /** A server message that is no error and no RESP3 push. */
  "Redis::reply": [c: Connection, data: RedisReplyData];
  /** A simple or bulk error from the server. */
  "Redis::error": [c: Connection, data: RedisReplyData];
  /** A RESP3 push (and, from the log script, RESP2 messages in subscribed mode). */
  "Redis::server_push": [c: Connection, data: RedisReplyData];
}

declare module "../../../event/events.js" {
  interface EventMap extends RedisEvents {}
}

registerEvents<RedisEvents>({
  "Redis::set_command": true,
  "Redis::get_command": true,
  "Redis::auth_command": true,
  "Redis::hello_command": true,
  "Redis::command": true,
  "Redis::reply": true,
  "Redis::error": true,
  "Redis::server_push": true,
});
