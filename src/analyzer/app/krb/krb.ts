/**
 * The Kerberos analyzers, as Zeek has two: "KRB" over UDP (one message per
 * datagram) and "KRB_TCP" (RFC 4120 §7.2.2: each message preceded by its
 * 32-bit length). Both on port 88 (Zeek's base/protocols/krb registers
 * 88/udp and 88/tcp) and found by the DPD signatures of its dpd.sig (the
 * ASN.1 headers of requests and replies: application tag, SEQUENCE, pvno 5,
 * msg-type). Messages go to the parser (parser.ts), which raises the events.
 *
 * An AP-REQ's ticket gets its authenticationinfo as Zeek's analyzers give
 * it: KRB decrypts it with the keytab of `KRB::keytab` (keytab.ts), KRB_TCP
 * answers "" whatever the ticket (Zeek's KRB_TCP_Analyzer returns an empty
 * string there, so over TCP the field is always set, and empty).
 *
 * KRB_TCP does nothing on a partial connection (its start unseen) nor after
 * a content gap, as Zeek's. A record is gathered until whole (at most
 * BinPAC's flowbuffer_capacity_max, 10 MiB; beyond it a violation ends the
 * analysis of that side). A malformed message is a violation
 * ("Binpac exception: …"), never an exception out of the analyzer.
 */
import { BerError, BerReader } from "../../../asn1/ber.js";
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer, StreamAnalyzer } from "../analyzer.js";
import type { Signature } from "../signature.js";
import { openKeytab, type TicketOpener } from "./keytab.js";
import { type AuthenticationInfo, KrbParser } from "./parser.js";

/** Each run's ticket opener, made when its first KRB analyzer starts (Zeek initialises its keytab then, once). */
const openers = new WeakMap<EngineSettings, TicketOpener | null>();

function keytabAuthenticationInfo(host: AnalyzerHost): AuthenticationInfo {
  let opener = openers.get(host.settings);
  if (opener === undefined) {
    opener = openKeytab(host.settings["KRB::keytab"], (message) => host.warning(message));
    openers.set(host.settings, opener);
  }
  if (opener === null) return () => undefined;
  const o = opener;
  return (t, ciphertext) => o.authenticationInfo(t.service_name, t.cipher, ciphertext);
}

/** KRB_TCP's: every ticket's authenticationinfo is "". */
const emptyAuthenticationInfo: AuthenticationInfo = () => "";

/** BinPAC::flowbuffer_capacity_max: a record longer than this is not gathered. */
const MAX_RECORD = 10 * 1024 * 1024;

function parseGuarded(host: AnalyzerHost, parser: KrbParser, isOrig: boolean, r: BerReader): void {
  try {
    parser.message(isOrig, r);
  } catch (err) {
    if (!(err instanceof BerError)) throw err;
    host.violation(`Binpac exception: binpac exception: ${err.message}`);
  }
}

class KrbDatagramAnalyzer implements DatagramAnalyzer {
  private readonly parser: KrbParser;
  constructor(private readonly host: AnalyzerHost) {
    this.parser = new KrbParser(host, keytabAuthenticationInfo(host));
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    parseGuarded(this.host, this.parser, isOrig, new BerReader(data));
  }

  done(): void {}
}

/** One side of a KRB_TCP stream: the 4-byte length, then the record. */
class TcpSide {
  /** Header bytes read so far (0-4). */
  headerHave = 0;
  size = 0;
  buf: Uint8Array | null = null;
  have = 0;
  /** Past a record too long to gather: the side is ignored. */
  stopped = false;
}

class KrbStreamAnalyzer implements StreamAnalyzer {
  private readonly parser: KrbParser;
  private readonly sides = [new TcpSide(), new TcpSide()];
  private hadGap = false;

  constructor(private readonly host: AnalyzerHost) {
    this.parser = new KrbParser(host, emptyAuthenticationInfo);
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.hadGap || this.host.isPartial()) return;
    const side = this.sides[isOrig ? 0 : 1]!;
    if (side.stopped) return;
    let i = 0;
    while (i < data.length) {
      if (side.headerHave < 4) {
        side.size = side.size * 256 + data[i++]!;
        if (++side.headerHave < 4) continue;
        if (side.size > MAX_RECORD) {
          side.stopped = true;
          this.host.violation(`Binpac exception: binpac exception: record of ${side.size} bytes exceeds the flow buffer`);
          return;
        }
        side.have = 0;
      }
      const take = Math.min(side.size - side.have, data.length - i);
      if (side.have === 0 && take === side.size) {
        // A whole record inside this chunk is parsed in place.
        parseGuarded(this.host, this.parser, isOrig, new BerReader(data, i, i + take));
      } else {
        if (side.buf === null || side.buf.length < side.size) side.buf = new Uint8Array(side.size);
        side.buf.set(data.subarray(i, i + take), side.have);
        side.have += take;
        if (side.have < side.size) return;
        parseGuarded(this.host, this.parser, isOrig, new BerReader(side.buf, 0, side.size));
      }
      i += take;
      side.headerHave = 0;
      side.size = 0;
      side.have = 0;
    }
  }

  undelivered(): void {
    this.hadGap = true;
  }

  endOfData(): void {}

  done(): void {
    this.sides[0]!.buf = this.sides[1]!.buf = null;
  }
}

/** Zeek's base/protocols/krb/dpd.sig. */
const REQUEST = "(\\x6a|\\x6c).{1,4}\\x30.{1,4}\\xa1\\x03\\x02\\x01\\x05\\xa2\\x03\\x02\\x01";
const REPLY = "(\\x6b|\\x6d|\\x7e).{1,4}\\x30.{1,4}\\xa0\\x03\\x02\\x01\\x05\\xa1\\x03\\x02\\x01";
const SIGNATURES: readonly Signature[] = [
  { id: "dpd_krb_udp_requests", proto: "udp", payload: REQUEST, enable: "krb" },
  { id: "dpd_krb_udp_replies", proto: "udp", payload: REPLY, enable: "krb" },
  { id: "dpd_krb_tcp_requests", proto: "tcp", payload: `.{4}${REQUEST}`, enable: "krb_tcp" },
  { id: "dpd_krb_tcp_replies", proto: "tcp", payload: `.{4}${REPLY}`, enable: "krb_tcp" },
];

export const KRB: AnalyzerComponent = {
  name: "KRB",
  script: "base/protocols/krb",
  udpPorts: [88],
  signatures: SIGNATURES,
  datagram: (host) => new KrbDatagramAnalyzer(host),
  // KRB_Analyzer is a plain Analyzer in Zeek (only KRB_TCP is a TCP application analyzer).
  reportsIncomplete: true,
};

export const KRB_TCP: AnalyzerComponent = {
  name: "KRB_TCP",
  script: "base/protocols/krb",
  tcpPorts: [88],
  stream: (host) => new KrbStreamAnalyzer(host),
};
