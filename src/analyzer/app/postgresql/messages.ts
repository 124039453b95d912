/**
 * PostgreSQL message bodies (protocol 3.0, postgresql.org/docs/current/protocol-message-formats.html)
 * read as Zeek's Spicy grammar reads them: each body is bounded by its
 * message's length, and a body that breaks the grammar throws a `PgError`
 * with the kind of text Spicy's parse errors carry (without the grammar's
 * source location Zeek appends). Fields are reported through `PgSink` as
 * they are parsed, in Zeek's event order.
 */
import { latin1 } from "../../../packet/bytes.js";

/** A parse error: Spicy's message; the analyzer turns it into the violation(s) Zeek reports. */
export class PgError extends Error {}

/** The events a message raises, in the order Zeek raises them (the analyzer maps them to host.raise). */
export interface PgSink {
  wants(event: PgEvent): boolean;
  startupParameter(name: string, value: string): void;
  startupMessage(major: number, minor: number): void;
  authenticationResponse(data: Uint8Array): void;
  terminate(): void;
  simpleQuery(query: Uint8Array): void;
  notImplemented(isOrig: boolean, typ: number, body: Uint8Array): void;
  backendKeyData(processId: number, secretKey: number): void;
  identifiedField(notice: boolean, code: number, value: Uint8Array): void;
  responseEnd(notice: boolean): void;
  authentication(identifier: number, data: Uint8Array): void;
  parameterStatus(name: string, value: string): void;
  dataRow(columns: number): void;
  readyForQuery(status: number): void;
}

/** The events whose arguments cost something to build (the sink asks before building them). */
export type PgEvent = "startup_parameter" | "identified_field" | "not_implemented" | "authentication_response" | "simple_query";

const NUL = 0;

/** A bounded cursor over one body. */
class Cursor {
  at = 0;
  constructor(readonly d: Uint8Array) {}

  get left(): number {
    return this.d.length - this.at;
  }

  need(n: number): void {
    if (this.left < n) throw new PgError(`expected ${n} bytes (${this.left} available)`);
  }

  u8(): number {
    this.need(1);
    return this.d[this.at++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.d[this.at]! << 8) | this.d[this.at + 1]!;
    this.at += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const d = this.d;
    const v = ((d[this.at]! << 24) | (d[this.at + 1]! << 16) | (d[this.at + 2]! << 8) | d[this.at + 3]!) >>> 0;
    this.at += 4;
    return v;
  }

  /** Spicy's `bytes &until=b"\x00"`: the bytes before the NUL, which is consumed. */
  untilNul(): Uint8Array {
    const stop = this.d.indexOf(NUL, this.at);
    if (stop < 0) throw new PgError('end-of-data reached before "\\x00" found');
    const v = this.d.subarray(this.at, stop);
    this.at = stop + 1;
    return v;
  }

  /** A regular-expression field: the longest run of bytes `ok` accepts, at least `min` of them. */
  run(ok: (b: number) => boolean, min: number): Uint8Array {
    let i = this.at;
    while (i < this.d.length && ok(this.d[i]!)) i++;
    if (i - this.at < min) throw new PgError("failed to match regular expression");
    const v = this.d.subarray(this.at, i);
    this.at = i;
    return v;
  }

  /** A `uint8 &requires=($$ == 0)` terminator. */
  nul(): void {
    if (this.u8() !== NUL) throw new PgError("&requires failed: ($$ == 0)");
  }

  rest(): Uint8Array {
    const v = this.d.subarray(this.at);
    this.at = this.d.length;
    return v;
  }
}

/** /[-_\/A-Za-z0-9]/: a parameter's name. */
function isNameByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x5f || b === 0x2f;
}

/** /[\x20-\x7e]/: a parameter's value. */
function isPrintable(b: number): boolean {
  return b >= 0x20 && b <= 0x7e;
}

/**
 * The StartupMessage after its length (the whole body, length-4 bytes):
 * the version (major 3) and the parameters filling length-9 bytes, then a NUL.
 */
export function parseStartup(body: Uint8Array, sink: PgSink): void {
  const r = new Cursor(body);
  const major = r.u16();
  const minor = r.u16();
  if (major !== 3) throw new PgError("&requires failed: ($$.major == 3)");
  // The body is whole (length-4 bytes, length >= 9): the parameters fill all but its last byte.
  const params = new Cursor(body.subarray(4, body.length - 1));
  const wants = sink.wants("startup_parameter");
  while (params.left > 0) {
    const name = params.run(isNameByte, 1);
    params.nul();
    const value = params.run(isPrintable, 1);
    params.nul();
    if (wants) sink.startupParameter(latin1(name), latin1(value));
  }
  if (body[body.length - 1] !== NUL) throw new PgError('expected bytes literal "\\x00"');
  sink.startupMessage(major, minor);
}

/** One frontend message after the startup: 'p', 'X', 'Q', or not implemented. */
export function parseFrontend(typ: number, body: Uint8Array, sink: PgSink): void {
  switch (typ) {
    case 0x70: // 'p'
      if (sink.wants("authentication_response")) sink.authenticationResponse(body);
      return;
    case 0x58: // 'X'
      sink.terminate();
      return;
    case 0x51: {
      // 'Q'
      const query = new Cursor(body).untilNul();
      if (sink.wants("simple_query")) sink.simpleQuery(query);
      return;
    }
    default:
      if (sink.wants("not_implemented")) sink.notImplemented(true, typ, body);
  }
}

/** One backend message. */
export function parseBackend(typ: number, body: Uint8Array, sink: PgSink): void {
  const r = new Cursor(body);
  switch (typ) {
    case 0x4b: {
      // 'K'
      const pid = r.u32();
      sink.backendKeyData(pid, r.u32());
      return;
    }
    case 0x45: // 'E'
    case 0x4e: // 'N'
      identifiedFields(r, typ === 0x4e, sink);
      return;
    case 0x52: // 'R'
      authenticationRequest(r, sink);
      return;
    case 0x53: // 'S'
      parameterStatus(r, sink);
      return;
    case 0x44: // 'D'
      sink.dataRow(r.u16());
      return;
    case 0x5a: {
      // 'Z'
      const status = r.u8();
      if (status !== 0x49 && status !== 0x54 && status !== 0x45) throw new PgError("&requires failed: ($$ == 'I' || $$ == 'T' || $$ == 'E')");
      sink.readyForQuery(status);
      return;
    }
    default:
      if (sink.wants("not_implemented")) sink.notImplemented(false, typ, body);
  }
}

/** ErrorResponse / NoticeResponse: code-value fields up to a NUL code (the literal after the list ends it). */
function identifiedFields(r: Cursor, notice: boolean, sink: PgSink): void {
  const wants = sink.wants("identified_field");
  for (;;) {
    const code = r.u8();
    if (code === NUL) break;
    const value = r.untilNul();
    if (wants) sink.identifiedField(notice, code, value);
  }
  sink.responseEnd(notice);
}

function authenticationRequest(r: Cursor, sink: PgSink): void {
  const identifier = r.u32();
  if (identifier > 12) throw new PgError("&requires failed: ($$ <= 12)");
  if (identifier === 0 && r.d.length !== 4) throw new PgError(`AuthenticationOK with wrong length: ${r.d.length}`);
  sink.authentication(identifier, r.rest());
}

function parameterStatus(r: Cursor, sink: PgSink): void {
  const name = r.run(isNameByte, 1);
  r.nul();
  const value = r.run(isPrintable, 0);
  r.nul();
  sink.parameterStatus(latin1(name), latin1(value));
}
