/**
 * The SNMP analyzer (Zeek's "SNMP"): one message per UDP datagram, v1 (RFC
 * 1157), v2c (RFC 1901/3416) and v3 (RFC 3412/3414), decoded with the shared
 * BER reader (src/asn1/ber.ts). Ports as Zeek's base/protocols/snmp registers
 * them: 161 and 162/udp; Zeek has no DPD signature for SNMP.
 *
 * What it accepts is what Zeek's BinPAC grammar (snmp-protocol.pac) accepts:
 * - constructed elements (the message, PDU, binding list and bindings) are
 *   read by their header only, the fields after them from the rest of the
 *   datagram; the bindings run to the end of the datagram;
 * - the sequence, integer (at most 9 bytes), octet string, OID, IpAddress and
 *   TimeTicks tags are checked; anything else wrong (a length beyond the
 *   datagram, a wrong tag) ends the datagram with a violation
 *   ("Binpac exception: …");
 * - a datagram from the responder confirms the protocol once its header
 *   (version and community, or v3's header) is read, even if its PDU then
 *   fails; a v3 msgFlags that is not one byte is a violation that does not
 *   stop the parse;
 * - an event comes only for a PDU read whole. v3's encrypted and unknown
 *   scoped PDUs are reported while the header is still being read, so their
 *   header argument has neither the scoped PDU context nor the USM
 *   parameters (as in Zeek, whose snmp.log then has no community for them).
 *
 * Malformed input never throws out: BerError becomes the violation.
 */
import { BerError, BerReader, INTEGER, OCTET_STRING, OID, SEQUENCE, zeekInteger, zeekOidText } from "../../../asn1/ber.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer } from "../analyzer.js";
import type {
  SnmpBinding,
  SnmpBulkPdu,
  SnmpEvents,
  SnmpHeader,
  SnmpHeaderV3,
  SnmpObjectValue,
  SnmpPdu,
  SnmpTrapPdu,
  SnmpUserSecurityParameters,
} from "./events.js";
import "./events.js";

const V1 = 0;
const V2 = 1;
const V3 = 3;
const USM = 3;

const TAG_IPADDRESS = 0x40;
const TAG_COUNTER32 = 0x41;
const TAG_UNSIGNED32 = 0x42;
const TAG_TIMETICKS = 0x43;
const TAG_COUNTER64 = 0x46;
const TAG_NULL = 0x05;
const TAG_NOSUCHOBJECT = 0x80;
const TAG_NOSUCHINSTANCE = 0x81;
const TAG_ENDOFMIBVIEW = 0x82;

const PDU_TRAP = 0xa4;
const PDU_GET_BULK = 0xa5;

type CommonPduEvent =
  | "snmp_get_request"
  | "snmp_get_next_request"
  | "snmp_response"
  | "snmp_set_request"
  | "snmp_inform_request"
  | "snmp_trapV2"
  | "snmp_report";

/** The PDUs sharing RFC 1157's layout (request id, error status and index, bindings), by tag. */
const COMMON_PDUS = new Map<number, CommonPduEvent>([
  [0xa0, "snmp_get_request"],
  [0xa1, "snmp_get_next_request"],
  [0xa2, "snmp_response"],
  [0xa3, "snmp_set_request"],
  [0xa6, "snmp_inform_request"],
  [0xa7, "snmp_trapV2"],
  [0xa8, "snmp_report"],
]);

/** BinPAC's message for an unexpected tag (the violation text carries it). */
function wrongTag(got: number, want: number): BerError {
  return new BerError(`Got ASN.1 tag ${got}, expect ${want}`);
}

class SnmpAnalyzer implements DatagramAnalyzer {
  constructor(private readonly host: AnalyzerHost) {}

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    try {
      this.message(isOrig, new BerReader(data));
    } catch (err) {
      if (!(err instanceof BerError)) throw err;
      this.host.violation(`Binpac exception: binpac exception: ${err.message}`);
    }
  }

  done(): void {}

  // ------------------------------------------------------------ the grammar

  private message(isOrig: boolean, r: BerReader): void {
    this.meta(r, SEQUENCE);
    const versionBytes = this.integerBytes(r);
    const version = this.int(versionBytes, true);
    const header: SnmpHeader = { version: this.int(versionBytes, false) };
    let plaintext = true;
    if (version === V1 || version === V2) {
      const community = latin1(this.octets(r));
      if (version === V1) header.v1 = { community };
      else header.v2 = { community };
    } else if (version === V3) {
      plaintext = this.v3Header(isOrig, r, header);
    } else {
      if (this.host.wants("snmp_unknown_header_version")) {
        this.host.raise("snmp_unknown_header_version", this.host.conn(), isOrig, header.version);
      }
      plaintext = false;
    }
    // The header is read: a responder's message confirms the protocol.
    if (!isOrig) this.host.confirm();
    if (plaintext) this.pdu(isOrig, r, header);
  }

  /** v3's msgGlobalData, msgSecurityParameters and scopedPduData; true when a plaintext PDU follows. */
  private v3Header(isOrig: boolean, r: BerReader, header: SnmpHeader): boolean {
    this.meta(r, SEQUENCE);
    const id = this.int(this.integerBytes(r), false);
    const maxSize = this.int(this.integerBytes(r), false);
    const flagBytes = this.octets(r);
    const securityModelBytes = this.integerBytes(r);
    if (flagBytes.length !== 1) this.host.violation("Invalid v3 HeaderData msgFlags");
    const securityParams = this.octets(r);
    const flags = flagBytes.length > 0 ? flagBytes[0]! : 0;
    const v3: SnmpHeaderV3 = {
      id,
      max_size: maxSize,
      flags,
      auth_flag: (flags & 1) !== 0,
      priv_flag: (flags & 2) !== 0,
      reportable_flag: (flags & 4) !== 0,
      security_model: this.int(securityModelBytes, false),
      security_params: latin1(securityParams),
    };
    header.v3 = v3;
    const next = r.header();
    let plaintext = false;
    if (next.tag === SEQUENCE) {
      const engineId = latin1(this.octets(r));
      const name = latin1(this.octets(r));
      v3.pdu_context = { engine_id: engineId, name };
      plaintext = true;
    } else if (next.tag === OCTET_STRING) {
      r.rest();
      if (this.host.wants("snmp_encrypted_pdu")) this.host.raise("snmp_encrypted_pdu", this.host.conn(), isOrig, cloneHeader(header));
    } else {
      r.rest();
      if (this.host.wants("snmp_unknown_scoped_pdu")) this.host.raise("snmp_unknown_scoped_pdu", this.host.conn(), isOrig, cloneHeader(header), next.tag);
    }
    if (this.int(securityModelBytes, true) === USM) v3.user_security_parameters = this.usm(new BerReader(securityParams));
    return plaintext;
  }

  /** RFC 3414's UsmSecurityParameters, inside msgSecurityParameters. */
  private usm(r: BerReader): SnmpUserSecurityParameters {
    this.meta(r, SEQUENCE);
    const engineId = latin1(this.octets(r));
    const boots = this.int(this.integerBytes(r), true);
    const time = this.int(this.integerBytes(r), true);
    const user = latin1(this.octets(r));
    const auth = latin1(this.octets(r));
    const priv = latin1(this.octets(r));
    return {
      AuthoritativeEngineID: engineId,
      AuthoritativeEngineBoots: boots,
      AuthoritativeEngineTime: time,
      UserName: user,
      AuthenticationParameters: auth,
      PrivacyParameters: priv,
    };
  }

  private pdu(isOrig: boolean, r: BerReader, header: SnmpHeader): void {
    const choice = r.header();
    const host = this.host;
    const common = COMMON_PDUS.get(choice.tag);
    if (common !== undefined) {
      const requestId = this.integerBytes(r);
      const errorStatus = this.integerBytes(r);
      const errorIndex = this.integerBytes(r);
      const bindings = this.bindings(r);
      if (!host.wants(common)) return;
      const pdu: SnmpPdu = {
        request_id: this.int(requestId, true),
        error_status: this.int(errorStatus, true),
        error_index: this.int(errorIndex, true),
        bindings: this.bindingValues(bindings),
      };
      host.raise(common, host.conn(), isOrig, header, pdu);
    } else if (choice.tag === PDU_TRAP) {
      const enterprise = r.next();
      if (enterprise.tag !== OID) throw wrongTag(enterprise.tag, OID);
      const agent = r.next();
      if (agent.tag !== TAG_IPADDRESS) throw wrongTag(agent.tag, TAG_IPADDRESS);
      const generic = this.integerBytes(r);
      const specific = this.integerBytes(r);
      const ticks = r.next();
      if (ticks.tag !== TAG_TIMETICKS) throw wrongTag(ticks.tag, TAG_TIMETICKS);
      const bindings = this.bindings(r);
      if (!host.wants("snmp_trap")) return;
      const pdu: SnmpTrapPdu = {
        enterprise: this.oid(enterprise.value),
        agent: ipv4(agent.value),
        generic_trap: this.int(generic, true),
        specific_trap: this.int(specific, true),
        time_stamp: this.int(ticks.value, false),
        bindings: this.bindingValues(bindings),
      };
      host.raise("snmp_trap", host.conn(), isOrig, header, pdu);
    } else if (choice.tag === PDU_GET_BULK) {
      const requestId = this.integerBytes(r);
      const nonRepeaters = this.integerBytes(r);
      const maxRepetitions = this.integerBytes(r);
      const bindings = this.bindings(r);
      if (!host.wants("snmp_get_bulk_request")) return;
      const pdu: SnmpBulkPdu = {
        request_id: this.int(requestId, true),
        non_repeaters: this.int(nonRepeaters, false),
        max_repetitions: this.int(maxRepetitions, false),
        bindings: this.bindingValues(bindings),
      };
      host.raise("snmp_get_bulk_request", host.conn(), isOrig, header, pdu);
    } else {
      r.rest();
      if (host.wants("snmp_unknown_pdu")) host.raise("snmp_unknown_pdu", host.conn(), isOrig, header, choice.tag);
    }
  }

  /** VarBindList: its header, then bindings (name OID, any value) to the end of the datagram; views only. */
  private bindings(r: BerReader): Array<[Uint8Array, number, Uint8Array]> {
    this.meta(r, SEQUENCE);
    const out: Array<[Uint8Array, number, Uint8Array]> = [];
    while (r.remaining > 0) {
      this.meta(r, SEQUENCE);
      const name = r.next();
      if (name.tag !== OID) throw wrongTag(name.tag, OID);
      const value = r.next();
      out.push([name.value, value.tag, value.value]);
    }
    return out;
  }

  private bindingValues(raw: ReadonlyArray<[Uint8Array, number, Uint8Array]>): SnmpBinding[] {
    return raw.map(([name, tag, value]) => ({ oid: this.oid(name), value: this.objectValue(tag, value) }));
  }

  /** Zeek's asn1_obj_to_val: the ObjectValue field its tag selects. */
  private objectValue(tag: number, v: Uint8Array): SnmpObjectValue {
    switch (tag) {
      case TAG_NULL:
      case TAG_NOSUCHOBJECT:
      case TAG_NOSUCHINSTANCE:
      case TAG_ENDOFMIBVIEW:
        return { tag };
      case OID:
        return { tag, oid: this.oid(v) };
      case INTEGER:
        return { tag, signed: this.int(v, true) };
      case TAG_COUNTER32:
      case TAG_UNSIGNED32:
      case TAG_TIMETICKS:
      case TAG_COUNTER64:
        return { tag, unsigned: this.int(v, false) };
      case TAG_IPADDRESS:
        return { tag, address: ipv4(v) };
      default:
        return { tag, octets: latin1(v) };
    }
  }

  // ------------------------------------------------------------ primitives

  /** A constructed element's header, which must carry `tag` (its length is not enforced). */
  private meta(r: BerReader, tag: number): void {
    const h = r.header();
    if (h.tag !== tag) throw wrongTag(h.tag, tag);
  }

  /** An INTEGER's content bytes (at most 9, as BinPAC's check_int_width). */
  private integerBytes(r: BerReader): Uint8Array {
    const t = r.next();
    if (t.tag !== INTEGER) throw wrongTag(t.tag, INTEGER);
    if (t.value.length > 9) throw new BerError(`ASN.1 integer width overflow: ${t.value.length}`);
    return t.value;
  }

  private octets(r: BerReader): Uint8Array {
    const t = r.next();
    if (t.tag !== OCTET_STRING) throw wrongTag(t.tag, OCTET_STRING);
    return t.value;
  }

  private int(v: Uint8Array, signed: boolean): number {
    return zeekInteger(v, signed, (addl) => this.host.netWeird("asn_binary_to_int64_shift_too_large", addl));
  }

  private oid(v: Uint8Array): string {
    return zeekOidText(v, (n) => this.host.netWeird("asn_oid_subidentifier_too_long", `${n}`));
  }
}

/** A v3 header as it stands now (events raised mid-header must not see fields filled in later). */
function cloneHeader(h: SnmpHeader): SnmpHeader {
  return { version: h.version, v3: { ...h.v3! } };
}

/** NetworkAddress: an IPv4 address, or "::" (Zeek's unset address) when not 4 bytes. */
function ipv4(v: Uint8Array): string {
  return v.length === 4 ? `${v[0]}.${v[1]}.${v[2]}.${v[3]}` : "::";
}

export const SNMP: AnalyzerComponent = {
  name: "SNMP",
  script: "base/protocols/snmp",
  udpPorts: [161, 162],
  /** Zeek's analyzer raises udp_session_done in Done. */
  udpFlow: { sessionDone: true },
  datagram: (host) => new SnmpAnalyzer(host),
};

export type { SnmpEvents };
