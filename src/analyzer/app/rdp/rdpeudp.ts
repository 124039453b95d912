/**
 * The RDPEUDP analyzer (Zeek's RDPEUDP, rdpeudp-protocol.pac): RDP's UDP
 * transport. The handshake — the client's SYN (snSourceAck all ones, the
 * SYN flag), the server's SYN+ACK (which confirms the protocol), then the
 * first ACK — and the version both sides announced in their SYNEX payloads
 * (version 3 on both: RDPEUDP2 framing); after it, each datagram's payload
 * (rdpeudp_data). Each datagram is one message; one too short for its
 * headers is a violation.
 */

import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, badCase } from "../binpac.js";
import { ByteReader } from "../reader.js";
import { RDP_SIGNATURES } from "./rdp.js";
import "./events.js";

const enum State {
  NeedSyn = 1,
  NeedSynAck = 2,
  NeedAck = 3,
  Established = 4,
}

const FLAG_SYN = 0x0001;
const FLAG_DATA = 0x0008;
const FLAG_ACK_OF_ACKS = 0x0100;
const FLAG_CORRELATION_ID = 0x0800;
const FLAG_SYNEX = 0x1000;
const VERSION_3 = 0x0101;

interface SynFields {
  flags: number;
  sourceAck: number;
  /** The SYNEX payload's version (null: no SYNEX payload). */
  udpVer: number | null;
}

class RdpeudpAnalyzer implements DatagramAnalyzer {
  private state = State.NeedSyn;
  private origVersion = 1;
  private respVersion = 1;

  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    try {
      this.datagram(isOrig, new ByteReader(data, 0, data.length));
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
    }
  }

  done(): void {}

  private datagram(isOrig: boolean, r: ByteReader): void {
    switch (this.state) {
      case State.NeedSyn: {
        const syn = synFields(r);
        const version = synexVersion(syn);
        if (!isOrig || (syn.flags & FLAG_SYN) === 0 || syn.sourceAck !== 0xffffffff) return;
        this.origVersion = version;
        this.host.raise("rdpeudp_syn", this.host.conn());
        this.state = State.NeedSynAck;
        return;
      }
      case State.NeedSynAck: {
        const syn = synFields(r);
        const version = synexVersion(syn);
        if (isOrig || (syn.flags & 0x05) === 0) return;
        this.host.raise("rdpeudp_synack", this.host.conn());
        this.host.confirm();
        this.state = State.NeedAck;
        this.respVersion = version;
        return;
      }
      default:
        if (this.origVersion === VERSION_3 && this.respVersion === VERSION_3) this.ack2(isOrig, r);
        else this.ack1(isOrig, r);
    }
  }

  private ack1(isOrig: boolean, r: ByteReader): void {
    r.skip(6, "RDPUDP_FEC_HEADER:uReceiveWindowSize");
    const flags = r.u16be("RDPUDP_FEC_HEADER:uFlags");
    const size = r.u16be("RDPUDP_ACK_VECTOR_HEADER:uAckVectorSize");
    r.skip(size, "RDPUDP_ACK_VECTOR_HEADER:AckVectorElement");
    // The vector header is padded to a multiple of four bytes.
    r.skip((4 - ((2 + size) % 4)) % 4, "RDPUDP_ACK_VECTOR_HEADER:pad");
    if (flags & FLAG_ACK_OF_ACKS) r.skip(4, "RDPUDP_ACK_OF_ACKVECTOR_HEADER:snAckOfAcksSeqNum");
    if (flags & FLAG_DATA) r.skip(8, "RDPUDP_SOURCE_PAYLOAD_HEADER:snSourceStart");
    this.established(isOrig, 1, r.bytes(r.left, "RDPEUDP1_ACK:data"));
  }

  private ack2(isOrig: boolean, r: ByteReader): void {
    const prefix = r.u8("RDPEUDP2_ACK:PacketPrefixByte");
    r.skip(2, "RDPUDP2_PACKET_HEADER:everything");
    const data = r.bytes(r.left, "RDPEUDP2_ACK:data");
    // Packet type 8 is a "dummy packet".
    if ((prefix & 0x78) === 8) return;
    this.established(isOrig, 2, data);
  }

  private established(isOrig: boolean, version: number, data: Uint8Array): void {
    if (this.state === State.NeedAck) {
      this.state = State.Established;
      this.host.raise("rdpeudp_established", this.host.conn(), version);
    }
    if (this.host.wants("rdpeudp_data")) this.host.raise("rdpeudp_data", this.host.conn(), isOrig, version, latin1(data));
  }
}

/** The FEC header, SYN data, and the optional correlation id and SYNEX payloads of a SYN or SYN+ACK. */
function synFields(r: ByteReader): SynFields {
  const sourceAck = r.u32be("RDPUDP_FEC_HEADER:snSourceAck");
  r.skip(2, "RDPUDP_FEC_HEADER:uReceiveWindowSize");
  const flags = r.u16be("RDPUDP_FEC_HEADER:uFlags");
  r.skip(8, "RDPUDP_SYNDATA_PAYLOAD:uDownStreamMtu");
  if (flags & FLAG_CORRELATION_ID) r.skip(32, "RDPUDP_CORRELATION_ID_PAYLOAD:uReserved");
  let udpVer: number | null = null;
  if (flags & FLAG_SYNEX) {
    r.skip(2, "RDPUDP_SYNEX_PAYLOAD:uSynExFlags");
    udpVer = r.u16be("RDPUDP_SYNEX_PAYLOAD:uUdpVer");
    if (udpVer === VERSION_3) r.skip(32, "RDPUDP_SYNEX_PAYLOAD:cookieHash");
  }
  return { flags, sourceAck, udpVer };
}

/**
 * The version a SYN or SYN+ACK announced. Zeek reads it from the SYNEX
 * payload before looking at anything else, so a datagram without one fails
 * (binpac's check of the case taken), whichever side sent it.
 */
function synexVersion(syn: SynFields): number {
  if (syn.udpVer === null) throw badCase("synex_payload", 0);
  return syn.udpVer;
}

export const RDPEUDP: AnalyzerComponent = {
  name: "RDPEUDP",
  script: "base/protocols/rdp",
  udpPorts: [3389],
  signatures: RDP_SIGNATURES.filter((s) => s.proto === "udp"),
  datagram: (host) => new RdpeudpAnalyzer(host),
};
