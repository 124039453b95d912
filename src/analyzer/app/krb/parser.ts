/**
 * One Kerberos message (RFC 4120 §5), decoded with the shared BER reader as
 * Zeek's BinPAC grammar (krb-protocol.pac, krb-types.pac, krb-padata.pac)
 * decodes it, and turned into Zeek's events. The UDP analyzer hands it each
 * datagram, the TCP one each length-prefixed record (krb.ts).
 *
 * Zeek's grammar reads most constructed elements by their header only and
 * takes the fields after them by position, bounding only some ([n] fields of
 * a request body or error, tickets' names, encrypted parts, pre-auth values)
 * by their stated length; lists (request body fields, error fields, name
 * components, etypes) run to the end of what bounds them. This parser does
 * the same, so it accepts and rejects what Zeek does and reads the same
 * values, quirks included (PA-ENC-TIMESTAMP's etype, a principal of four or
 * more components logged as "unknown", KerberosTime's 15/17 characters).
 *
 * Each message confirms the protocol once read whole; its event comes then.
 * Certificates of PKINIT (PA-PK-AS-REQ / PA-PK-AS-REP) go to the files
 * framework when a request's or reply's event arguments are built, named as
 * Zeek names them. Anything malformed throws BerError, which the analyzers
 * turn into a violation.
 */
import { BerError, type BerHeader, BerReader, type Tlv, zeekInteger } from "../../../asn1/ber.js";
import { zeekTimeText } from "../../../files/manager.js";
import { formatAddr } from "../../../ip/addr.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import type {
  KrbApOptions,
  KrbEncryptedData,
  KrbErrorMsg,
  KrbHostAddress,
  KrbKdcOptions,
  KrbKdcRequest,
  KrbKdcResponse,
  KrbSafeMsg,
  KrbTicket,
  KrbTypeValue,
} from "./events.js";
import "./events.js";
import { idString } from "../../../scripts/conn-ids.js";

const AS_REQ = 10;
const AS_REP = 11;
const TGS_REQ = 12;
const TGS_REP = 13;
const AP_REQ = 14;
const AP_REP = 15;
const KRB_SAFE = 20;
const KRB_PRIV = 21;
const KRB_CRED = 22;
const KRB_ERROR = 30;

const PA_TGS_REQ = 1;
const PA_ENC_TIMESTAMP = 2;
const PA_PW_SALT = 3;
const PA_ENCTYPE_INFO = 11;
const PA_PW_AS_REQ = 16;
const PA_PW_AS_REP = 17;
const PA_ENCTYPE_INFO2 = 19;
const KDC_ERR_PREAUTH_REQUIRED = 25;

const SEQUENCE = 0x30;
const CERT_MIME = "application/x-x509-user-cert";

/** The index of a context tag [n] as BinPAC computes it: the identifier octet minus 0xa0, as a byte. */
function index(h: BerHeader): number {
  return (h.tag - 0xa0) & 0xff;
}

/** A name's components, as Zeek's GetStringFromPrincipalName joins them. */
function principalText(parts: readonly Uint8Array[]): string {
  if (parts.length === 1) return latin1(parts[0]!);
  if (parts.length === 2 || parts.length === 3) {
    // Zeek formats these with "%.*s", which stops at a NUL byte.
    return parts
      .map((p) => {
        const nul = p.indexOf(0);
        return latin1(nul < 0 ? p : p.subarray(0, nul));
      })
      .join("/");
  }
  return "unknown";
}

/**
 * Zeek's GetTimeFromAsn1: "YYYYMMDDHHMMSSZ" (15 characters; of 17, the first
 * two are skipped) read digit by digit as timegm would, plus usecs / 100000
 * (sic). Undefined for other lengths.
 */
export function kerberosTime(v: Uint8Array, usecs = 0): number | undefined {
  if (v.length !== 15 && v.length !== 17) return undefined;
  const s = v.length === 17 ? v.subarray(2) : v;
  const d = (i: number): number => s[i]! - 0x30;
  const date = new Date(0);
  date.setUTCFullYear(d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3), d(4) * 10 + d(5) - 1, d(6) * 10 + d(7));
  date.setUTCHours(d(8) * 10 + d(9), d(10) * 10 + d(11), d(12) * 10 + d(13), 0);
  return date.getTime() / 1000 + usecs / 100000;
}

/** A ticket as read (views), turned into KRB::Ticket when an event wants it. */
interface RawTicket {
  pvno: Uint8Array;
  realm: Uint8Array;
  sname: Uint8Array[];
  enc: RawEncrypted;
}

interface RawEncrypted {
  kvno?: Uint8Array;
  etype: Uint8Array;
  ciphertext: Uint8Array;
}

/** One PA-DATA element: its type, and what Zeek keeps of its value. */
interface RawPaData {
  type: number;
  /** The value kept for KRB::Type_Value (null: none, as for PA-TGS-REQ). */
  value: Uint8Array | null;
  /** A PKINIT certificate. */
  cert?: Uint8Array;
}

interface RawHostAddress {
  type: Uint8Array;
  address: Uint8Array;
}

/** Zeek's GetAuthenticationInfo: an AP-REQ's ticket (its cipher's bytes beside it) to the ticket's authenticationinfo (undefined: left unset). */
export type AuthenticationInfo = (ticket: KrbTicket, ciphertext: Uint8Array) => string | undefined;

export class KrbParser {
  constructor(
    private readonly host: AnalyzerHost,
    private readonly authenticationInfo: AuthenticationInfo,
  ) {}

  /** One whole message (a datagram, or a TCP record without its length). */
  message(isOrig: boolean, r: BerReader): void {
    const app = r.header();
    switch (app.tag & 0x1f) {
      case AS_REQ:
      case TGS_REQ:
        this.kdcRequest(r);
        break;
      case AS_REP:
      case TGS_REP:
        this.kdcResponse(r);
        break;
      case AP_REQ:
        this.apRequest(r, false);
        break;
      case AP_REP:
        this.apResponse(r);
        break;
      case KRB_SAFE:
        this.safe(isOrig, r);
        break;
      case KRB_PRIV:
        this.priv(isOrig, r);
        break;
      case KRB_CRED:
        this.cred(isOrig, r);
        break;
      case KRB_ERROR:
        this.error(r);
        break;
      default:
        throw new BerError(`invalid index for case: KRB_PDU: ${app.tag & 0x1f}`);
    }
  }

  // ------------------------------------------------------------ KDC-REQ

  private kdcRequest(r: BerReader): void {
    r.header();
    const pvno = this.element(r);
    const msgType = this.element(r);
    const first = r.header();
    let padata: RawPaData[] | null = null;
    if (index(first) === 3) {
      padata = this.paDataSequence(r.sub(first.length), false);
      r.header(); // [4] req-body
    }
    r.header(); // KDC-REQ-BODY's SEQUENCE
    const args: Array<[number, BerReader]> = [];
    while (r.remaining > 0) {
      const h = r.header();
      const data = r.sub(h.length);
      args.push([index(h), data]);
      this.checkRequestArg(index(h), data);
    }
    this.host.confirm();
    const type = this.int(msgType.value, true);
    const event = type === AS_REQ ? "krb_as_request" : type === TGS_REQ ? "krb_tgs_request" : null;
    if (event === null || !this.host.wants(event)) return;
    const msg: KrbKdcRequest = { pvno: this.int(pvno.value, false), msg_type: this.int(msgType.value, false) };
    if (padata !== null) msg.pa_data = this.paDataValues(padata);
    for (const [i, data] of args) this.requestArg(msg, i, data);
    this.host.raise(event, this.host.conn(), msg);
  }

  /** Parses a request body field as Zeek's KRB_REQ_Arg_Data would (to fail where it fails), reading nothing yet. */
  private checkRequestArg(i: number, r: BerReader): void {
    const probe = new BerReader(r.buf, r.pos, r.end);
    switch (i) {
      case 0:
        probe.header();
        probe.bytes(5);
        break;
      case 1:
      case 3:
        this.principal(probe);
        break;
      case 2:
      case 7:
      case 10:
        probe.next();
        break;
      case 4:
      case 5:
      case 6:
        probe.header();
        break;
      case 8:
        this.array(probe);
        break;
      case 9:
        this.hostAddresses(probe);
        break;
      case 11:
        this.ticketSequence(probe);
        break;
      default:
        break;
    }
  }

  /** Zeek's proc_krb_kdc_req_arguments for one body field. */
  private requestArg(msg: KrbKdcRequest, i: number, r: BerReader): void {
    switch (i) {
      case 0: {
        r.header();
        r.bytes(1);
        const f = r.bytes(4);
        const flags = ((f[0]! << 24) | (f[1]! << 16) | (f[2]! << 8) | f[3]!) >>> 0;
        msg.kdc_options = kdcOptions(flags);
        break;
      }
      case 1:
        msg.client_name = principalText(this.principal(r));
        break;
      case 2:
        msg.service_realm = latin1(r.next().value);
        break;
      case 3:
        msg.service_name = principalText(this.principal(r));
        break;
      case 4:
        msg.from = this.time(r);
        break;
      case 5:
        msg.till = this.time(r);
        break;
      case 6:
        msg.rtime = this.time(r);
        break;
      case 7:
        msg.nonce = this.int(r.next().value, false);
        break;
      case 8: {
        const etypes = this.array(r);
        if (etypes.length > 0) msg.encryption_types = etypes.map((e) => this.int(e.value, false));
        break;
      }
      case 9: {
        const addrs = this.hostAddresses(r);
        if (addrs.length > 0) msg.host_addrs = addrs.map((a) => this.hostAddress(a));
        break;
      }
      case 11: {
        const tickets = this.ticketSequence(r);
        if (tickets.length > 0) msg.additional_tickets = tickets.map((t) => this.ticket(t));
        break;
      }
      default:
        break;
    }
  }

  // ------------------------------------------------------------ KDC-REP

  private kdcResponse(r: BerReader): void {
    r.header();
    const pvno = this.element(r);
    const msgType = this.element(r);
    const first = r.header();
    let padata: RawPaData[] | null = null;
    let realmMeta = first;
    if (index(first) === 2) {
      padata = this.paDataSequence(r.sub(first.length), false);
      realmMeta = r.header();
    }
    const realm = r.sub(realmMeta.length).next();
    const cnameMeta = r.header();
    const cname = this.principal(r.sub(cnameMeta.length));
    const ticket = this.rawTicket(r, true);
    const enc = this.encryptedInSeq(r);
    this.host.confirm();
    const type = this.int(msgType.value, true);
    const event = type === AS_REP ? "krb_as_response" : type === TGS_REP ? "krb_tgs_response" : null;
    if (event === null || !this.host.wants(event)) return;
    const msg: KrbKdcResponse = {
      pvno: this.int(pvno.value, false),
      msg_type: this.int(msgType.value, false),
      client_realm: latin1(realm.value),
      client_name: principalText(cname),
      ticket: this.ticket(ticket),
      enc_part: this.encrypted(enc),
    };
    if (padata !== null) msg.pa_data = this.paDataValues(padata);
    // Zeek fills pa_data before the other fields; the record's field order is the same either way.
    this.host.raise(event, this.host.conn(), msg);
  }

  // ------------------------------------------------------------ AP-REQ, AP-REP

  private apRequest(r: BerReader, inKdcPadata: boolean): void {
    r.header();
    this.element(r); // pvno
    this.element(r); // msg-type
    r.header(); // [2] ap-options
    r.header(); // its BIT STRING
    r.bytes(1);
    const f = r.bytes(4);
    const ticket = this.rawTicket(r, true);
    this.encryptedInSeq(r);
    this.host.confirm();
    if (!this.host.wants("krb_ap_request")) return;
    const opts: KrbApOptions = { use_session_key: (f[0]! & 0x40) !== 0, mutual_required: (f[0]! & 0x20) !== 0 };
    const t = this.ticket(ticket);
    const info = this.authenticationInfo(t, ticket.enc.ciphertext);
    if (info !== undefined) t.authenticationinfo = info;
    this.host.raise("krb_ap_request", this.host.conn(), t, opts, inKdcPadata);
  }

  private apResponse(r: BerReader): void {
    this.element(r);
    this.element(r);
    this.encryptedInSeq(r);
    this.host.confirm();
    if (this.host.wants("krb_ap_response")) this.host.raise("krb_ap_response", this.host.conn());
  }

  // ------------------------------------------------------------ KRB-SAFE, KRB-PRIV, KRB-CRED

  private safe(isOrig: boolean, r: BerReader): void {
    const pvno = this.element(r);
    const msgType = this.element(r);
    r.header(); // safe-body
    const args: Array<[number, BerReader]> = [];
    while (r.remaining > 0) {
      const h = r.header();
      const i = index(h);
      if (i > 5) throw new BerError(`KRB_SAFE_Arg_Data: unexpected index ${i}`);
      const data = r.sub(h.length);
      args.push([i, data]);
      const probe = new BerReader(data.buf, data.pos, data.end);
      if (i === 1) probe.header();
      else if (i === 4 || i === 5) this.rawHostAddress(probe);
      else probe.next();
    }
    this.host.confirm();
    if (!this.host.wants("krb_safe")) return;
    const msg: KrbSafeMsg = { pvno: this.int(pvno.value, false), msg_type: this.int(msgType.value, false), data: "" };
    let timestamp: BerReader | null = null;
    let usecs = 0;
    for (const [i, data] of args) {
      switch (i) {
        case 0:
          msg.data = latin1(data.next().value);
          break;
        case 1:
          timestamp = data;
          break;
        case 2:
          usecs = this.int(data.next().value, false);
          break;
        case 3:
          msg.seq = this.int(data.next().value, false);
          break;
        case 4:
          msg.sender = this.hostAddress(this.rawHostAddress(data));
          break;
        case 5:
          msg.recipient = this.hostAddress(this.rawHostAddress(data));
          break;
      }
    }
    if (timestamp !== null) msg.timestamp = this.time(timestamp, usecs);
    this.host.raise("krb_safe", this.host.conn(), isOrig, msg);
  }

  private priv(isOrig: boolean, r: BerReader): void {
    this.element(r);
    this.element(r);
    this.encryptedInSeq(r);
    this.host.confirm();
    if (this.host.wants("krb_priv")) this.host.raise("krb_priv", this.host.conn(), isOrig);
  }

  private cred(isOrig: boolean, r: BerReader): void {
    this.element(r);
    this.element(r);
    r.header(); // [2] tickets
    r.header(); // its SEQUENCE
    const tickets = this.ticketSequence(r);
    this.encryptedInSeq(r);
    this.host.confirm();
    if (this.host.wants("krb_cred"))
      this.host.raise(
        "krb_cred",
        this.host.conn(),
        isOrig,
        tickets.map((t) => this.ticket(t)),
      );
  }

  // ------------------------------------------------------------ KRB-ERROR

  private error(r: BerReader): void {
    r.header();
    const before: Array<[number, BerReader]> = [];
    for (;;) {
      const h = r.header();
      const i = index(h);
      if (i === 6) break; // error-code: its INTEGER follows
      before.push([i, this.errorArg(i, r.sub(h.length), 0)]);
    }
    const codeBytes = r.next().value;
    const code = this.int(codeBytes, true);
    const after: Array<[number, BerReader]> = [];
    while (r.remaining > 0) {
      const h = r.header();
      const i = index(h);
      after.push([i, this.errorArg(i, i === 6 ? r.sub(0) : r.sub(h.length), code)]);
    }
    this.host.confirm();
    if (!this.host.wants("krb_error")) return;
    const msg: KrbErrorMsg = { error_code: this.int(codeBytes, false) };
    this.errorFields(msg, before, 0);
    this.errorFields(msg, after, code);
    this.host.raise("krb_error", this.host.conn(), msg);
  }

  /** Checks one error field as Zeek's KRB_ERROR_Arg_Data parses it; returns a fresh reader over it. */
  private errorArg(i: number, r: BerReader, code: number): BerReader {
    const probe = new BerReader(r.buf, r.pos, r.end);
    switch (i) {
      case 0:
      case 1:
      case 3:
      case 5:
      case 7:
      case 9:
      case 11:
        probe.next();
        break;
      case 2:
      case 4:
        probe.header();
        break;
      case 6:
        break;
      case 8:
      case 10:
        this.principal(probe);
        break;
      case 12:
        if (code === KDC_ERR_PREAUTH_REQUIRED) this.paDataSequence(probe, true);
        break;
      default:
        throw new BerError(`KRB_ERROR_Arg_Data: unexpected index ${i}`);
    }
    return r;
  }

  /** Zeek's proc_error_arguments over one run of fields (before or after the error code). */
  private errorFields(msg: KrbErrorMsg, args: ReadonlyArray<[number, BerReader]>, code: number): void {
    // The times take their microseconds from fields that may come later; Zeek skips a time at position 0.
    let ctime = 0;
    let stime = 0;
    let cusec = 0;
    let susec = 0;
    args.forEach(([i, r], at) => {
      const copy = (): BerReader => new BerReader(r.buf, r.pos, r.end);
      if (i === 2) ctime = at;
      else if (i === 3) cusec = this.int(copy().next().value, true);
      else if (i === 4) stime = at;
      else if (i === 5) susec = this.int(copy().next().value, true);
    });
    if (ctime > 0) msg.client_time = this.time(args[ctime]![1], cusec);
    if (stime > 0) msg.server_time = this.time(args[stime]![1], susec);
    for (const [i, r] of args) {
      const copy = new BerReader(r.buf, r.pos, r.end);
      switch (i) {
        case 0:
          msg.pvno = this.int(copy.next().value, false);
          break;
        case 1:
          msg.msg_type = this.int(copy.next().value, false);
          break;
        case 7:
          msg.client_realm = latin1(copy.next().value);
          break;
        case 8:
          msg.client_name = principalText(this.principal(copy));
          break;
        case 9:
          msg.service_realm = latin1(copy.next().value);
          break;
        case 10:
          msg.service_name = principalText(this.principal(copy));
          break;
        case 11:
          msg.error_text = latin1(copy.next().value);
          break;
        case 12:
          if (code === KDC_ERR_PREAUTH_REQUIRED) msg.pa_data = this.paDataValues(this.paDataSequence(copy, true));
          break;
        default:
          break;
      }
    }
  }

  // ------------------------------------------------------------ PA-DATA

  /** KRB_PA_Data_Sequence: a SEQUENCE OF PA-DATA (anything else is skipped). */
  private paDataSequence(r: BerReader, inError: boolean): RawPaData[] {
    const meta = r.header();
    const out: RawPaData[] = [];
    if (meta.tag !== SEQUENCE) {
      r.bytes(meta.length);
      return out;
    }
    while (r.remaining > 0) {
      r.header();
      const type = this.int(this.element(r).value, true);
      const elem = r.header();
      if (inError) {
        out.push({ type, value: r.bytes(elem.length) });
        continue;
      }
      switch (type) {
        case PA_TGS_REQ:
          r.header();
          r.header();
          this.apRequest(r, true);
          out.push({ type, value: null });
          break;
        case PA_ENC_TIMESTAMP:
          out.push({ type, value: this.encryptedData(r.sub(elem.length)).ciphertext });
          break;
        case PA_PW_SALT:
          out.push({ type, value: r.next().value });
          break;
        case PA_PW_AS_REQ:
          out.push({ type, value: null, cert: this.pkinitCert(r.sub(elem.length), false) });
          break;
        case PA_PW_AS_REP:
          out.push({ type, value: null, cert: this.pkinitCert(r.sub(elem.length), true) });
          break;
        case PA_ENCTYPE_INFO:
        case PA_ENCTYPE_INFO2:
          out.push({ type, value: this.enctypeInfoSalt(r.sub(elem.length)) });
          break;
        default: {
          const v = r.sub(elem.length).next();
          out.push({ type, value: v.value.length > 0 ? v.value : null });
        }
      }
    }
    return out;
  }

  /**
   * Zeek's proc_padata: the values as KRB::Type_Value (errors keep every
   * value as it is); PKINIT certificates go to the files framework, named
   * by the connection and 0 (request, as sent by the originator) or 1 (reply).
   */
  private paDataValues(elems: readonly RawPaData[]): KrbTypeValue[] {
    const out: KrbTypeValue[] = [];
    for (const e of elems) {
      if (e.cert !== undefined) {
        this.certificate(e.cert, e.type === PA_PW_AS_REQ);
        continue;
      }
      if (e.value !== null) out.push({ data_type: e.type, val: latin1(e.value) });
    }
    return out;
  }

  private certificate(cert: Uint8Array, fromClient: boolean): void {
    const c = this.host.conn();
    const handle = `Analyzer::ANALYZER_KRB${zeekTimeText(c.start_time)}${fromClient ? "T" : "F"}${idString(c.id)}${fromClient ? 0 : 1}`;
    const files = this.host.files;
    const fuid = files.fuid(handle);
    const open = files.dataIn(fuid, fromClient, cert, undefined, CERT_MIME);
    files.endOfFile(open === "" ? fuid : open);
  }

  /** The certificates of a PA-PK-AS-REQ / PA-PK-AS-REP, found by position as Zeek's grammar finds them. */
  private pkinitCert(r: BerReader, reply: boolean): Uint8Array {
    r.header(); // the OCTET STRING
    if (reply) r.header(); // [0] dhInfo
    r.header(); // SEQUENCE
    r.header(); // [0]
    r.header(); // ContentInfo
    r.next(); // its content type OID
    r.header(); // [0] content
    r.header(); // SignedData
    r.next(); // version
    r.next(); // digestAlgorithms
    r.next(); // encapContentInfo
    const certs = r.header(); // [0] certificates
    return r.bytes(certs.length);
  }

  /** ETYPE-INFO(2)'s salt: present when the entry is longer than 7 bytes. */
  private enctypeInfoSalt(r: BerReader): Uint8Array {
    r.header();
    const entry = r.header();
    r.header();
    r.next(); // etype
    if (entry.length <= 7) return r.bytes(0);
    r.header();
    const s = r.header();
    return r.bytes(s.length);
  }

  // ------------------------------------------------------------ types

  /** BinPAC's SequenceElement(true): an [n] header, then one whole element. */
  private element(r: BerReader): Tlv {
    r.header();
    return r.next();
  }

  /** PrincipalName: its name-string components (views). */
  private principal(r: BerReader): Uint8Array[] {
    r.header(); // SEQUENCE
    r.header(); // [0]
    r.next(); // name-type
    r.header(); // [1]
    r.header(); // SEQUENCE OF
    const parts: Uint8Array[] = [];
    while (r.remaining > 0) parts.push(r.next().value);
    return parts;
  }

  /** BinPAC's Array: a header, then whole elements to the end. */
  private array(r: BerReader): Tlv[] {
    r.header();
    const out: Tlv[] = [];
    while (r.remaining > 0) out.push(r.next());
    return out;
  }

  private rawHostAddress(r: BerReader): RawHostAddress {
    r.header(); // SEQUENCE
    r.header(); // [0]
    const type = r.next().value;
    const address = this.element(r).value;
    return { type, address };
  }

  private hostAddresses(r: BerReader): RawHostAddress[] {
    r.header();
    const out: RawHostAddress[] = [];
    while (r.remaining > 0) out.push(this.rawHostAddress(r));
    return out;
  }

  /** Zeek's proc_host_address: IPv4 (2), IPv6 (24), NetBIOS (20), else type and bytes. */
  private hostAddress(a: RawHostAddress): KrbHostAddress {
    const type = this.int(a.type, true);
    const v = a.address;
    if (type === 2 || type === 24) {
      const want = type === 2 ? 4 : 16;
      if (v.length === want) return { ip: type === 2 ? [...v].join(".") : ipv6Text(v) };
      this.host.weird("invalid_kerberos_addr_len");
    } else if (type === 20) {
      return { netbios: latin1(v) };
    }
    return { unknown: { data_type: this.int(a.type, false), val: latin1(v) } };
  }

  private ticketSequence(r: BerReader): RawTicket[] {
    const seq = r.header();
    const body = r.sub(seq.length);
    const out: RawTicket[] = [];
    while (body.remaining > 0) out.push(this.rawTicket(body, false));
    return out;
  }

  private rawTicket(r: BerReader, inSequence: boolean): RawTicket {
    if (inSequence) r.header();
    r.header(); // [APPLICATION 1]
    r.header(); // SEQUENCE
    const pvno = this.element(r).value;
    const realm = this.element(r).value;
    const snameMeta = r.header();
    const sname = this.principal(r.sub(snameMeta.length));
    const enc = this.encryptedInSeq(r);
    return { pvno, realm, sname, enc };
  }

  private encryptedInSeq(r: BerReader): RawEncrypted {
    const h = r.header();
    return this.encryptedData(r.sub(h.length));
  }

  /** EncryptedData: etype, optional kvno, cipher (by position). */
  private encryptedData(r: BerReader): RawEncrypted {
    r.header();
    const etype = this.element(r).value;
    const kvnoMeta = r.header();
    if (index(kvnoMeta) === 1) {
      const kvno = r.next().value;
      const next = r.header();
      return { kvno, etype, ciphertext: r.sub(next.length).next().value };
    }
    return { etype, ciphertext: r.sub(kvnoMeta.length).next().value };
  }

  private ticket(t: RawTicket): KrbTicket {
    return {
      pvno: this.int(t.pvno, false),
      realm: latin1(t.realm),
      service_name: principalText(t.sname),
      cipher: this.int(t.enc.etype, false),
      ciphertext: latin1(t.enc.ciphertext),
    };
  }

  private encrypted(e: RawEncrypted): KrbEncryptedData {
    const out: KrbEncryptedData = { cipher: this.int(e.etype, false), ciphertext: latin1(e.ciphertext) };
    if (e.kvno !== undefined) out.kvno = this.int(e.kvno, false);
    return out;
  }

  /** KRB_Time: a header, then the rest of the field as the time's characters. */
  private time(r: BerReader, usecs = 0): number | undefined {
    const copy = new BerReader(r.buf, r.pos, r.end);
    copy.header();
    return kerberosTime(copy.bytes(copy.remaining), usecs);
  }

  private int(v: Uint8Array, signed: boolean): number {
    return zeekInteger(v, signed, (addl) => this.host.netWeird("asn_binary_to_int64_shift_too_large", addl));
  }
}

function kdcOptions(flags: number): KrbKdcOptions {
  const bit = (m: number): boolean => (flags & m) !== 0;
  return {
    forwardable: bit(0x40000000),
    forwarded: bit(0x20000000),
    proxiable: bit(0x10000000),
    proxy: bit(0x8000000),
    allow_postdate: bit(0x4000000),
    postdated: bit(0x2000000),
    renewable: bit(0x800000),
    opt_hardware_auth: bit(0x100000),
    disable_transited_check: bit(0x10),
    renewable_ok: bit(0x8),
    enc_tkt_in_skey: bit(0x4),
    renew: bit(0x2),
    validate: bit(0x1),
  };
}

/** 16 address bytes as Zeek writes the address. */
function ipv6Text(v: Uint8Array): string {
  const w = (i: number): number => ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
  return formatAddr(w(0), w(4), w(8), w(12));
}
