/**
 * The PostgreSQL analyzer (Zeek's Spicy analyzer "PostgreSQL", protocol
 * 3.0): the client's first message is an SSLRequest or a StartupMessage;
 * after an SSLRequest the server's one byte decides, 'S' handing both sides
 * to an SSL child (`postgresql,ssl`) and 'N' leaving them plain. Then the
 * typed messages: authentication, simple queries, terminate from the
 * client; authentication requests, parameter status, key data, data rows,
 * ready-for-query, errors and notices from the server; any other type is
 * `not_implemented`.
 *
 * As Zeek's grammar: each side waits for the other's opening to be known
 * (at most four chunks are kept meanwhile, more is a parse error); a parse
 * error on either side is a violation and stops the analyzer on both sides
 * (an error inside a message is reported twice, as Zeek's `%error` hook and
 * its Spicy driver each report it: first without data and with the hook's
 * prefix, then the bare message with the chunk); a content gap stops it
 * quietly. It confirms at a whole StartupMessage or at the server's SSL
 * answer. Zeek's grammar has no size limit; bronze keeps at most
 * MAX_BODY bytes of one message and skips a longer one (weird
 * `PostgreSQL_message_too_large`). A Spicy analyzer: off unless --spicy or
 * its script is named.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { ByteQueue } from "../byte-queue.js";
import "./events.js";
import { PgError, type PgEvent, type PgSink, parseBackend, parseFrontend, parseStartup } from "./messages.js";

/** SSLRequest's code in place of the version (1234 << 16 | 5679). */
const SSL_REQUEST_CODE = 80877103;
/** Chunks one side keeps while the other's opening is unknown (Zeek's MAX_BUFFERED). */
const MAX_BUFFERED = 4;
/** The largest message body kept whole; a longer one is skipped. */
export const MAX_BODY = 1 << 24;

const enum Opening {
  Unknown,
  /** Frontend: an SSLRequest; backend: 'S'. */
  Ssl,
  /** Frontend: a StartupMessage; backend: 'N' (or no SSLRequest). */
  Plain,
}

/** A parse error inside one of the units Zeek's postgresql_zeek.spicy hooks with %error: reported with its prefix first. */
class HookedError extends PgError {
  constructor(
    readonly prefix: string,
    readonly inner: PgError,
  ) {
    super(inner.message);
  }
}

/** What Zeek's %error hook puts after "error while parsing PostgreSQL" for the unit that failed. */
function hookOf(startup: boolean): string {
  return startup ? " StartupMessage" : "";
}

/**
 * One side's message framing: a type byte (none for the StartupMessage),
 * a 4-byte big-endian length counting itself, the body, kept until whole.
 */
class Framer {
  private readonly queue = new ByteQueue();
  /** Body bytes of an over-long message still to drop. */
  private skipping = 0;

  constructor(
    /** The next message is the StartupMessage (no type byte). */
    private startup: boolean,
  ) {}

  /** Feeds bytes; `message` gets each whole message (typ -1 for the startup); `tooLong` each skipped one. */
  feed(data: Uint8Array, message: (typ: number, body: Uint8Array) => void, tooLong: (typ: number, length: number) => void): void {
    let at = 0;
    if (this.skipping > 0) {
      at = Math.min(this.skipping, data.length);
      this.skipping -= at;
      if (at === data.length) return;
    }
    const q = this.queue;
    q.push(data.subarray(at));
    for (;;) {
      const head = this.startup ? 4 : 5;
      if (q.length < head) return;
      const typ = this.startup ? -1 : q.at(0);
      const length = ((q.at(head - 4) << 24) | (q.at(head - 3) << 16) | (q.at(head - 2) << 8) | q.at(head - 1)) >>> 0;
      if (length < (this.startup ? 9 : 4))
        throw new HookedError(hookOf(this.startup), new PgError(`&requires failed: (self.length >= ${this.startup ? 9 : 4})`));
      const bodyLen = length - 4;
      if (bodyLen > MAX_BODY) {
        this.dropLong(head, bodyLen);
        tooLong(typ, length);
        if (this.skipping > 0) return;
        continue;
      }
      if (q.length < head + bodyLen) return;
      const body = q.view(head, head + bodyLen);
      q.consume(head + bodyLen);
      const wasStartup = this.startup;
      this.startup = false;
      try {
        message(typ, body);
      } catch (e) {
        if (e instanceof PgError && !(e instanceof HookedError)) throw new HookedError(hookOf(wasStartup), e);
        throw e;
      }
    }
  }

  /** An over-long message: what is buffered of its body goes, the rest is skipped as it comes. */
  private dropLong(head: number, bodyLen: number): void {
    const dropped = Math.min(this.queue.length - head, bodyLen);
    this.queue.consume(head + dropped);
    this.skipping = bodyLen - dropped;
    this.startup = false;
  }
}

class PostgresqlAnalyzer implements StreamAnalyzer, PgSink {
  private frontend = Opening.Unknown;
  private backend = Opening.Unknown;
  /** The client's first 8 bytes (length and version or SSL code) while they come in. */
  private prefix: Uint8Array | null = new Uint8Array(8);
  private prefixLen = 0;
  /** Chunks a side keeps until the other side's opening is known (null once flushed). */
  private feHeld: Uint8Array[] | null = [];
  private beHeld: Uint8Array[] | null = [];
  /** The backend's SSL answer is still to come. */
  private awaitSslByte = false;
  private feFramer: Framer | null = null;
  private beFramer: Framer | null = null;
  private ssl: ChildStream | null = null;
  private stopped = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.stopped || data.length === 0) return;
    try {
      if (isOrig) this.frontendData(data);
      else this.backendData(data);
    } catch (e) {
      if (!(e instanceof PgError)) throw e;
      this.fail(e, data);
    }
    if (!this.stopped && this.ssl !== null && !this.ssl.active) this.stopped = true;
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.ssl?.active) this.ssl.undelivered(isOrig, seq, len);
    // Zeek's Spicy driver stops parsing both sides at a gap, without a violation.
    this.stopped = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.ssl?.active) this.ssl.endOfData(isOrig);
  }

  done(): void {}

  /** A parse error: Zeek's %error hook's violation (when the unit has one), then its driver's; both sides stop. */
  private fail(e: PgError, data: Uint8Array): void {
    this.stopped = true;
    if (e instanceof HookedError) this.host.violation(`error while parsing PostgreSQL${e.prefix}: ${e.message}`);
    this.host.violation(e.message, data);
  }

  // ---------------------------------------------------------------- frontend

  private frontendData(data: Uint8Array): void {
    let rest = data;
    if (this.prefix !== null) {
      const take = Math.min(8 - this.prefixLen, rest.length);
      this.prefix.set(rest.subarray(0, take), this.prefixLen);
      this.prefixLen += take;
      rest = rest.subarray(take);
      if (this.prefixLen < 8) return;
      this.opening(this.prefix);
      this.prefix = null;
      if (rest.length === 0) return;
    }
    if (this.feHeld !== null) {
      if (this.backend === Opening.Unknown) {
        hold(this.feHeld, rest, "frontend");
        return;
      }
      const held = this.feHeld;
      this.feHeld = null;
      if (this.backend === Opening.Plain) this.feFramer = new Framer(true);
      for (const h of held) this.frontendOpen(h);
    }
    this.frontendOpen(rest);
  }

  /** The client's first 8 bytes: an SSLRequest, or the start of a StartupMessage (version 3.x). */
  private opening(p: Uint8Array): void {
    const length = u32(p, 0);
    if (length < 8) throw new PgError("&requires failed: (self.length >= 8)");
    const code = u32(p, 4);
    if (length === 8 && code === SSL_REQUEST_CODE) {
      this.frontend = Opening.Ssl;
      this.host.raise("PostgreSQL::ssl_request", this.host.conn());
      return;
    }
    this.frontend = Opening.Plain;
    this.backend = Opening.Plain;
    const major = code >>> 16;
    if (major !== 3) throw new PgError(`unsupported PostgreSQL major version ${major}`);
    // The StartupMessage is parsed from its start: its 8 bytes go first.
    this.feHeld?.push(p.slice());
  }

  private frontendOpen(data: Uint8Array): void {
    if (this.backend === Opening.Ssl) this.toSsl(true, data);
    else
      this.feFramer?.feed(
        data,
        (typ, body) => this.frontendMessage(typ, body),
        (typ, length) => this.tooLong(typ, length),
      );
  }

  private frontendMessage(typ: number, body: Uint8Array): void {
    if (typ >= 0) {
      parseFrontend(typ, body, this);
      return;
    }
    parseStartup(body, this);
  }

  // ---------------------------------------------------------------- backend

  private backendData(data: Uint8Array): void {
    if (this.beHeld !== null) {
      if (this.frontend === Opening.Unknown) {
        hold(this.beHeld, data, "backend");
        return;
      }
      const held = this.beHeld;
      this.beHeld = null;
      this.awaitSslByte = this.frontend === Opening.Ssl;
      if (!this.awaitSslByte) this.beFramer = new Framer(false);
      for (const h of held) this.backendOpen(h);
    }
    this.backendOpen(data);
  }

  private backendOpen(data: Uint8Array): void {
    let rest = data;
    if (this.awaitSslByte) {
      this.sslAnswer(rest[0]!);
      rest = rest.subarray(1);
      if (rest.length === 0) return;
    }
    if (this.backend === Opening.Ssl) this.toSsl(false, rest);
    else
      this.beFramer?.feed(
        rest,
        (typ, body) => parseBackend(typ, body, this),
        (typ, length) => this.tooLong(typ, length),
      );
  }

  /** The server's answer to the SSLRequest: 'S' starts the SSL child, 'N' the plain messages. */
  private sslAnswer(b: number): void {
    this.awaitSslByte = false;
    if (b !== 0x53 && b !== 0x4e) throw new PgError("&requires failed: ($$ == 'S' || $$ == 'N')");
    if (b === 0x53) {
      this.backend = Opening.Ssl;
      this.ssl = this.host.addChild("SSL");
    } else {
      this.backend = Opening.Plain;
      this.beFramer = new Framer(false);
    }
    this.host.confirm();
    this.host.raise("PostgreSQL::ssl_reply", this.host.conn(), b === 0x53 ? "S" : "N");
  }

  private toSsl(isOrig: boolean, data: Uint8Array): void {
    if (this.ssl?.active) this.ssl.deliverStream(isOrig, 0, data);
  }

  private tooLong(typ: number, length: number): void {
    const what = typ < 0 ? "StartupMessage" : `'${String.fromCharCode(typ)}'`;
    this.host.weird("PostgreSQL_message_too_large", `${what} of ${length} bytes`);
  }

  // ---------------------------------------------------------------- events (PgSink)

  wants(event: PgEvent): boolean {
    switch (event) {
      case "startup_parameter":
        return this.host.wants("PostgreSQL::startup_parameter");
      case "identified_field":
        return this.host.wants("PostgreSQL::error_response_identified_field") || this.host.wants("PostgreSQL::notice_response_identified_field");
      case "not_implemented":
        return this.host.wants("PostgreSQL::not_implemented");
      case "authentication_response":
        return this.host.wants("PostgreSQL::authentication_response");
      case "simple_query":
        return this.host.wants("PostgreSQL::simple_query");
    }
  }

  startupParameter(name: string, value: string): void {
    this.host.raise("PostgreSQL::startup_parameter", this.host.conn(), name, value);
  }

  startupMessage(major: number, minor: number): void {
    // postgresql_zeek.spicy's %done hook confirms before the event's.
    this.host.confirm();
    this.host.raise("PostgreSQL::startup_message", this.host.conn(), major, minor);
  }

  authenticationResponse(data: Uint8Array): void {
    this.host.raise("PostgreSQL::authentication_response", this.host.conn(), latin1(data));
  }

  terminate(): void {
    this.host.raise("PostgreSQL::terminate", this.host.conn());
  }

  simpleQuery(query: Uint8Array): void {
    this.host.raise("PostgreSQL::simple_query", this.host.conn(), latin1(query));
  }

  notImplemented(isOrig: boolean, typ: number, body: Uint8Array): void {
    this.host.raise("PostgreSQL::not_implemented", this.host.conn(), isOrig, String.fromCharCode(typ), latin1(body));
  }

  backendKeyData(processId: number, secretKey: number): void {
    this.host.raise("PostgreSQL::backend_key_data", this.host.conn(), processId, secretKey);
  }

  identifiedField(notice: boolean, code: number, value: Uint8Array): void {
    const event = notice ? "PostgreSQL::notice_response_identified_field" : "PostgreSQL::error_response_identified_field";
    if (this.host.wants(event)) this.host.raise(event, this.host.conn(), String.fromCharCode(code), latin1(value));
  }

  responseEnd(notice: boolean): void {
    this.host.raise(notice ? "PostgreSQL::notice_response" : "PostgreSQL::error_response", this.host.conn());
  }

  authentication(identifier: number, data: Uint8Array): void {
    if (identifier === 0) this.host.raise("PostgreSQL::authentication_ok", this.host.conn());
    else if (this.host.wants("PostgreSQL::authentication_request"))
      this.host.raise("PostgreSQL::authentication_request", this.host.conn(), identifier, latin1(data));
  }

  parameterStatus(name: string, value: string): void {
    this.host.raise("PostgreSQL::parameter_status", this.host.conn(), name, value);
  }

  dataRow(columns: number): void {
    this.host.raise("PostgreSQL::data_row", this.host.conn(), columns);
  }

  readyForQuery(status: number): void {
    this.host.raise("PostgreSQL::ready_for_query", this.host.conn(), String.fromCharCode(status));
  }
}

function u32(d: Uint8Array, at: number): number {
  return ((d[at]! << 24) | (d[at + 1]! << 16) | (d[at + 2]! << 8) | d[at + 3]!) >>> 0;
}

/** Keeps a copy of a chunk while the other side's opening is unknown; a fifth is Zeek's parse error. */
function hold(held: Uint8Array[], data: Uint8Array, side: string): void {
  held.push(data.slice());
  if (held.length > MAX_BUFFERED) throw new PgError(`too many ${side} messages buffered`);
}

/** Zeek's postgresql/dpd.sig. */
const POSTGRESQL_SIGNATURES = [
  { id: "dpd_postgresql_client_sslrequest", proto: "tcp", payload: "\\x00\\x00\\x00\\x08\\x04\\xd2\\x16\\x2f" },
  { id: "dpd_postgresql_server_ssl_confirm", proto: "tcp", requiresReverse: "dpd_postgresql_client_sslrequest", payload: "[SN]", enable: "PostgreSQL" },
  { id: "dpd_postgresql_client_startup_3_x", proto: "tcp", payload: "....\\x00\\x03\\x00.{0,256}user\\x00" },
  {
    id: "dpd_postgresql_server_any_response",
    proto: "tcp",
    requiresReverse: "dpd_postgresql_client_startup_3_x",
    payload: "[a-zA-Z0-9]\\x00\\x00..",
    enable: "PostgreSQL",
  },
] as const;

export const POSTGRESQL: AnalyzerComponent = {
  name: "POSTGRESQL",
  script: "base/protocols/postgresql",
  tcpPorts: [5432],
  signatures: POSTGRESQL_SIGNATURES,
  spicy: true,
  stream: (host) => new PostgresqlAnalyzer(host),
};
