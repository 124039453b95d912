/**
 * Zeek's LDAP analyzers (written in Spicy in Zeek, hence `spicy: true`:
 * they run with `--spicy` or when base/protocols/ldap is named): LDAP_TCP
 * on 389 and 3268/tcp, LDAP_UDP (CLDAP) on 389/udp, and the DPD signatures
 * of Zeek's dpd.sig (a client's SEQUENCE, one-byte INTEGER message id and
 * APPLICATION-class operation; the server's reply starting with a SEQUENCE).
 *
 * How Zeek's Spicy runtime drives the grammar (parser.ts), reproduced here:
 * - TCP: each side is one stream of messages in the mode the connection is
 *   in (MessageDispatch); a message's operation is read once whole (at most
 *   MAX_MESSAGE bytes are gathered: bronze's bound, Spicy has none), its
 *   controls and SASL buffers Zeek skips are skipped as they stream by.
 *   After StartTLS each side's further bytes go to an SSL child.
 * - UDP: each datagram is read alone as a run of messages.
 * - A parse error is a violation (its text Zeek's, without the Spicy source
 *   location) and the analyzer reads nothing more on either side; so does a
 *   content gap (Spicy's MissingData), unless it falls inside bytes being
 *   skipped. A side that ends inside a message is a violation too.
 * - Each message read whole confirms the analyzer (spicy::accept_input).
 */
import type { AnalyzerComponent, AnalyzerHost, ChildStream, DatagramAnalyzer, StreamAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { Cursor, LdapError, NEED_MORE } from "./asn1.js";
import { LdapParser, Mode, type Tail } from "./parser.js";

/** The most bytes gathered for one operation or SASL buffer (bronze's bound on memory). */
const MAX_MESSAGE = 16 * 1024 * 1024;

/** A message's next step in the connection's mode; null when only the mode changed. */
function dispatch(p: LdapParser, c: Cursor, isOrig: boolean): Tail | null {
  switch (p.mode) {
    case Mode.MAYBE_ENCRYPTED:
      maybeEncrypted(p, c);
      return null;
    case Mode.ENCRYPTED:
      return { skip: c.u32(), done: null };
    case Mode.MS_KRB5:
      return saslKrb5(p, c, isOrig);
    default:
      return p.message(c, isOrig);
  }
}

/**
 * ldap.spicy's MaybeEncrypted: a 0x30 is a message in the clear (and so is
 * everything after); else a SASL buffer, read as Kerberos wrap tokens when
 * the mechanism is GSS-something (or unknown) and the payload starts 05 04.
 * The mode is set once the bytes it needs are there; the cursor stays.
 */
function maybeEncrypted(p: LdapParser, c: Cursor): void {
  const start = c.at;
  const first = c.u8();
  let mode = Mode.CLEARTEXT;
  if (first !== 0x30) {
    mode = Mode.ENCRYPTED;
    const mech = p.saslMechanism;
    if (mech === "" || mech.startsWith("GSS")) {
      const len = first * 2 ** 24 + c.u8() * 65536 + c.u16();
      if (len >= 2 && c.u16() === 0x0504) mode = Mode.MS_KRB5;
    }
  }
  c.at = start;
  p.mode = mode;
}

/**
 * ldap.spicy's SaslMsKrb5Stripper: a 4-byte length, then a token; an RFC
 * 4121 wrap token that is not sealed carries messages between its header
 * (and `ec` filler when rotated) and its trailer.
 */
function saslKrb5(p: LdapParser, c: Cursor, isOrig: boolean): Tail | null {
  const len = c.u32();
  // Too long to gather: skipped unread (bronze's bound).
  if (len > MAX_MESSAGE) return { skip: len, done: null };
  const buf = c.sub(len);
  const tokId = buf.u16();
  if (tokId !== 0x0504) return null;
  const flags = buf.u8();
  if (buf.u8() !== 0xff) throw new LdapError("expected bytes '\\xff'");
  const ec = buf.u16();
  const rrc = buf.u16();
  const sealed = (flags & 0x02) !== 0;
  let headerEc = 0;
  let trailerEc = 0;
  if (rrc === ec) headerEc = ec;
  else if (rrc === 0) trailerEc = ec;
  else if (!sealed) throw new LdapError(`Unhandled rc ${ec} and ec ${rrc}`);
  buf.take(8);
  buf.take(headerEc);
  const size = buf.left - trailerEc;
  if (size < 0) throw new LdapError("SASL wrap token shorter than its trailer");
  const region = buf.sub(size);
  if (!sealed) {
    while (region.left > 0) {
      const tail = p.message(region, isOrig);
      region.take(tail.skip);
      tail.done?.();
    }
  }
  buf.take(trailerEc);
  return null;
}

/** One side of a TCP connection: bytes of an unfinished message, bytes still to skip. */
class Side {
  buf: Uint8Array = new Uint8Array(0);
  len = 0;
  skip = 0;
  after: (() => void) | null = null;
  /** Past StartTLS: every byte goes to the SSL child. */
  tls = false;
  finished = false;
}

class LdapTcpAnalyzer implements StreamAnalyzer {
  private readonly parser: LdapParser;
  private readonly sides = [new Side(), new Side()];
  private stopped = false;
  private ssl: ChildStream | null | undefined;

  constructor(private readonly host: AnalyzerHost) {
    this.parser = new LdapParser(host);
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const s = this.sides[isOrig ? 0 : 1]!;
    if (this.stopped || s.finished) return;
    if (s.tls) return this.toSsl(isOrig, data);
    if (s.len === 0) {
      // Nothing pending: read from the delivered bytes, keep what is left.
      const pos = this.process(s, isOrig, data, 0, data.length);
      if (pos < data.length) this.keep(s, data.subarray(pos));
      return;
    }
    this.keep(s, data);
    const pos = this.process(s, isOrig, s.buf, 0, s.len);
    s.buf.copyWithin(0, pos, s.len);
    s.len -= pos;
  }

  private keep(s: Side, data: Uint8Array): void {
    if (s.len + data.length > s.buf.length) {
      const grown = new Uint8Array(Math.max(s.len + data.length, s.buf.length * 2, 256));
      grown.set(s.buf.subarray(0, s.len));
      s.buf = grown;
    }
    s.buf.set(data, s.len);
    s.len += data.length;
  }

  /** Reads messages from d[pos, end); returns where the unread rest starts. */
  private process(s: Side, isOrig: boolean, d: Uint8Array, pos: number, end: number): number {
    for (;;) {
      if (s.skip > 0) {
        const n = Math.min(s.skip, end - pos);
        pos += n;
        s.skip -= n;
        if (s.skip > 0) return pos;
      }
      if (s.after !== null) {
        const done = s.after;
        s.after = null;
        done();
      }
      if (pos >= end || this.stopped) return end;
      if (this.parser.mode === Mode.TLS) {
        s.tls = true;
        this.toSsl(isOrig, d.subarray(pos, end));
        return end;
      }
      const c = new Cursor(d, pos, end, true);
      let tail: Tail | null;
      try {
        tail = dispatch(this.parser, c, isOrig);
      } catch (err) {
        if (err === NEED_MORE) {
          if (end - pos > MAX_MESSAGE) this.fail(`LDAP message longer than ${MAX_MESSAGE} bytes`, d.subarray(pos, end));
          return this.stopped ? end : pos;
        }
        if (!(err instanceof LdapError)) throw err;
        this.fail(err.message, d.subarray(pos, end));
        return end;
      }
      pos = c.at;
      if (tail !== null) {
        s.skip = tail.skip;
        s.after = tail.done;
      }
    }
  }

  private fail(reason: string, data: Uint8Array): void {
    this.stopped = true;
    this.sides[0]!.len = this.sides[1]!.len = 0;
    this.host.violation(reason, data);
  }

  private toSsl(isOrig: boolean, data: Uint8Array): void {
    if (this.ssl === undefined) this.ssl = this.host.addChild("SSL");
    if (this.ssl?.active && data.length > 0) this.ssl.deliverStream(isOrig, 0, data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    const s = this.sides[isOrig ? 0 : 1]!;
    if (this.stopped || s.finished) return;
    if (s.tls) {
      if (this.ssl?.active) this.ssl.undelivered(isOrig, seq, len);
      return;
    }
    // Bytes being skipped may be missing; anything else the parser needed is gone (Spicy's MissingData).
    if (s.len === 0 && s.skip >= len) {
      s.skip -= len;
      return;
    }
    this.stopped = true;
    this.sides[0]!.len = this.sides[1]!.len = 0;
  }

  endOfData(isOrig: boolean): void {
    const s = this.sides[isOrig ? 0 : 1]!;
    if (s.tls) {
      if (this.ssl?.active) this.ssl.endOfData(isOrig);
      return;
    }
    if (this.stopped || s.finished) return;
    s.finished = true;
    // The grammar's end of data inside a message is a parse error for that side.
    if (s.len > 0 || s.skip > 0) {
      const n = s.len;
      s.len = 0;
      this.host.violation(`expected more data (${n} bytes available)`);
    }
  }

  done(): void {
    for (const s of this.sides) s.buf = new Uint8Array(0);
  }
}

class LdapUdpAnalyzer implements DatagramAnalyzer {
  private readonly parser: LdapParser;
  private stopped = false;

  constructor(private readonly host: AnalyzerHost) {
    this.parser = new LdapParser(host);
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    if (this.stopped) return;
    const c = new Cursor(data, 0, data.length);
    try {
      // TLS has no meaning over UDP: the rest of such a datagram is left.
      while (c.left > 0 && this.parser.mode !== Mode.TLS) {
        const tail = dispatch(this.parser, c, isOrig);
        if (tail === null) continue;
        c.take(tail.skip);
        tail.done?.();
      }
    } catch (err) {
      if (!(err instanceof LdapError)) throw err;
      this.stopped = true;
      this.host.violation(err.message, data);
    }
  }

  done(): void {}
}

/** Zeek's base/protocols/ldap/dpd.sig. */
const CLIENT = "\\x30.\\x02\\x01.\\x60";
const SIGNATURES: readonly Signature[] = [
  { id: "dpd_ldap_client_udp", proto: "udp", payload: CLIENT },
  { id: "dpd_ldap_server_udp", proto: "udp", payload: "\\x30", requiresReverse: "dpd_ldap_client_udp", enable: "LDAP_UDP" },
  { id: "dpd_ldap_client_tcp", proto: "tcp", payload: CLIENT },
  { id: "dpd_ldap_server_tcp", proto: "tcp", payload: "\\x30", requiresReverse: "dpd_ldap_client_tcp", enable: "LDAP_TCP" },
];

export const LDAP_TCP: AnalyzerComponent = {
  name: "LDAP_TCP",
  script: "base/protocols/ldap",
  tcpPorts: [389, 3268],
  signatures: SIGNATURES,
  stream: (host) => new LdapTcpAnalyzer(host),
  spicy: true,
};

export const LDAP_UDP: AnalyzerComponent = {
  name: "LDAP_UDP",
  script: "base/protocols/ldap",
  udpPorts: [389],
  datagram: (host) => new LdapUdpAnalyzer(host),
  spicy: true,
};
