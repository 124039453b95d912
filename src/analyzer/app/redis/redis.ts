/**
 * The Redis analyzer (Zeek's Spicy analyzer of resp.spicy, redis.spicy and
 * redis.evt): RESP2/RESP3 over TCP, the client's commands and the server's
 * replies, errors and pushes as Zeek's Redis events. Zeek writes it in
 * Spicy, so it is a `spicy` component (bronze --spicy, or its script named).
 *
 * As Zeek's Spicy glue runs it:
 * - server data before any client data is an error ("Server responses must
 *   come after a client request is seen");
 * - an error on the client's side (or in a command's words) is a violation
 *   and both sides stop being parsed;
 * - an error on the server's side is recovered from after the next CR LF
 *   (Spicy's synchronization); the parser then stays in trial mode (Zeek's
 *   analyzer never confirms one), and when the server's data ends that is a
 *   violation ("successful synchronization never confirmed: …");
 * - a content gap stops both sides, without a violation;
 * - each complete server message confirms the protocol.
 */
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { isAuth, isGet, isSet, makeAuth, makeHello, makeSet, parseCommand } from "./command.js";
import type { RedisReplyData } from "./events.js";
import { RespClientReader, RespError, type RespLimits, RespServerReader, type ServerMessage } from "./resp.js";
import "./events.js";

const T_ERROR = 0x2d;
const T_BULK_ERROR = 0x21;
const T_PUSH = 0x3e;

class RedisAnalyzer implements StreamAnalyzer {
  private readonly limits: RespLimits;
  private client: RespClientReader | null = null;
  private server: RespServerReader | null = null;
  /** Both sides stopped (an error, a gap). */
  private skipping = false;
  /** The server's error that began Spicy's trial mode, if any. */
  private trialError: string | null = null;
  private readonly finished = [false, false];

  constructor(private readonly host: AnalyzerHost) {
    const s = host.settings;
    this.limits = { maxValue: s["Redis::max_value_size"], maxElements: s["Redis::max_aggregate_elements"] };
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.skipping || data.length === 0) return;
    try {
      if (isOrig) this.clientReader().feed(data);
      else this.deliverServer(data);
    } catch (e) {
      if (!(e instanceof RespError)) throw e;
      this.fail(e.message);
    }
  }

  private clientReader(): RespClientReader {
    this.client ??= new RespClientReader(this.limits, (words) => this.command(words));
    return this.client;
  }

  /** The server's bytes: an error is recovered from after the next CR LF, in trial mode. */
  private deliverServer(data: Uint8Array): void {
    if (this.client === null) throw new RespError("Server responses must come after a client request is seen");
    this.server ??= new RespServerReader(this.limits, (m) => this.reply(m));
    let rest = data;
    for (;;) {
      try {
        this.server.feed(rest);
        return;
      } catch (e) {
        if (!(e instanceof RespError)) throw e;
        this.trialError ??= e.message;
        // Spicy's synchronize-after CR LF: read on from about where the message broke.
        const at = this.server.errorOffset();
        this.server.resync();
        rest = rest.subarray(at);
      }
    }
  }

  /** An error Spicy does not recover from: a violation, and nothing more is parsed. */
  private fail(reason: string): void {
    this.skipping = true;
    this.host.violation(reason);
  }

  /** A client command's words: Zeek's Redis events for it. */
  private command(words: string[]): void {
    if (words.length === 0) throw new RespError("assertion failed: a command has at least one word");
    const host = this.host;
    const cmd = parseCommand(words);
    const c = host.conn();
    if (host.wants("Redis::set_command") && isSet(cmd)) host.raise("Redis::set_command", c, makeSet(cmd));
    if (host.wants("Redis::get_command") && isGet(cmd)) host.raise("Redis::get_command", c, cmd.raw[1]!);
    if (host.wants("Redis::auth_command") && isAuth(cmd)) host.raise("Redis::auth_command", c, makeAuth(cmd));
    if (host.wants("Redis::hello_command") && cmd.known === "Redis::RedisCommand_HELLO") host.raise("Redis::hello_command", c, makeHello(cmd));
    host.raise("Redis::command", c, cmd);
  }

  /** A server message: a reply, an error or a push, and the protocol confirmed. */
  private reply(m: ServerMessage): void {
    const host = this.host;
    const event = m.type === T_ERROR || m.type === T_BULK_ERROR ? "Redis::error" : m.type === T_PUSH ? "Redis::server_push" : "Redis::reply";
    if (host.wants(event)) {
      const data: RedisReplyData = { value: m.value, min_protocol_version: m.minProtocolVersion };
      if (m.attributes !== undefined) data.attributes = m.attributes;
      host.raise(event, host.conn(), data);
    }
    host.confirm();
  }

  undelivered(): void {
    // Spicy cannot parse across a gap: both sides stop, with no violation.
    this.skipping = true;
  }

  endOfData(isOrig: boolean): void {
    this.finish(isOrig);
  }

  /** Spicy's end of a side's input: a message cut short, or trial mode never left, is a violation. */
  private finish(isOrig: boolean): void {
    if (this.finished[isOrig ? 0 : 1]) return;
    this.finished[isOrig ? 0 : 1] = true;
    if (this.skipping) return;
    const reader = isOrig ? this.client : this.server;
    if (!isOrig && this.trialError !== null) this.host.violation(`successful synchronization never confirmed: ${this.trialError}`);
    else if (reader?.midMessage() === true) this.host.violation("expected more data: the input ended inside a message");
  }

  done(): void {
    this.finish(true);
    this.finish(false);
  }
}

/** Zeek's dpd.sig: a client line answered by something that looks like a serialized server value. */
export const REDIS_SIGNATURES: readonly Signature[] = [
  { id: "resp-client", proto: "tcp", payload: ".*\\r\\n", tcpState: "originator", requiresReverse: "resp-serialized-server", enable: "Redis" },
  {
    id: "resp-serialized-server",
    proto: "tcp",
    payload: "([-+_,].*\\r\\n|[:$*#(!=%`~>][+-]?[0-9]+(\\.[0-9]*)?\\r\\n)",
    tcpState: "responder",
    enable: "Redis",
  },
];

export const REDIS: AnalyzerComponent = {
  name: "REDIS",
  script: "base/protocols/redis",
  tcpPorts: [6379],
  portsSetting: "Redis::ports",
  signatures: REDIS_SIGNATURES,
  spicy: true,
  stream: (host) => new RedisAnalyzer(host),
};
