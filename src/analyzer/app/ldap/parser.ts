/**
 * LDAPMessages (RFC 4511) as Zeek's Spicy grammar reads them (ldap.spicy),
 * with its connection-wide context: the message mode, the SASL mechanism a
 * bind chose, whether StartTLS was asked for.
 *
 * - A message: a universal SEQUENCE header, a universal INTEGER message id,
 *   an APPLICATION-class protocolOp read within its own length, then the
 *   rest of the sequence (controls) skipped. Each operation is read as Zeek
 *   reads it, faults included (a DelRequest's DN and an AbandonRequest's id
 *   are parsed as ASN.1 elements; a modification's values are joined without
 *   separator); operations Zeek does not implement (add, compare, modify DN
 *   requests, intermediate responses, search references) are skipped, and
 *   an unknown one is an error.
 * - Modes (MessageDispatch): after a successful SASL bind the next bytes of
 *   each side decide whether messages are clear (a 0x30) or SASL buffers (a
 *   32-bit length); a buffer whose payload starts with a Kerberos wrap token
 *   (0x0504), or a GSS-SPNEGO bind the server accepted for MS KRB5, turns to
 *   reading the wrap tokens: the messages of unsealed ones are read, sealed
 *   ones skipped; other SASL buffers are skipped. After a successful
 *   StartTLS the rest of both sides goes to an SSL child.
 * - SASL credentials go to GSSAPI (GSS-SPNEGO, GSSAPI) or NTLM children
 *   (NTLM, GSS-SPNEGO carrying raw NTLMSSP, Sicily binds), as Zeek's
 *   ldap_zeek.spicy hands them on.
 *
 * Errors are LdapError (a violation, and the analyzer stops); an open
 * cursor running out throws NEED_MORE before anything was raised.
 */
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost, ChildStream } from "../analyzer.js";
import { decodeAscii, decodeUtf8 } from "../spicy-text.js";
import {
  APPLICATION,
  appData,
  boolValue,
  CONTEXT,
  Cursor,
  hasStr,
  header,
  LdapError,
  message,
  type Node,
  numValue,
  oidString,
  strValue,
  T_INTEGER,
  T_OCTET_STRING,
  T_OID,
  T_SEQUENCE,
  T_SET,
  toInt,
  toUint,
  UNIVERSAL,
} from "./asn1.js";
import { authTypeName, BindAuth, derefName, MS_KRB5_OID, Op, opcodeName, resultName, STARTTLS_OID, scopeName } from "./consts.js";
import "./events.js";
import { searchFilter } from "./filter.js";

/** ldap.spicy's MessageMode. */
export const enum Mode {
  Undef = 0,
  MS_KRB5 = 1,
  TLS = 2,
  MAYBE_ENCRYPTED = 3,
  CLEARTEXT = 4,
  ENCRYPTED = 5,
}

/** Operations Zeek's grammar skips (its NotImplemented unit). */
const NOT_IMPLEMENTED: ReadonlySet<number> = new Set([
  Op.ADD_REQUEST,
  Op.COMPARE_REQUEST,
  Op.INTERMEDIATE_RESPONSE,
  Op.MOD_DN_REQUEST,
  Op.SEARCH_RESULT_REFERENCE,
]);

/** A message's Result (code null: none, Zeek's ResultCode_Undef). */
interface Result {
  code: number | null;
  matchedDN: string;
  diag: string;
}

/** What one message gathered for LDAP::message. */
interface Msg {
  isOrig: boolean;
  id: number;
  opcode: number;
  result: Result | null;
  obj: string;
  arg: string;
}

/** The rest of a message after its operation: bytes to skip, then `done`. */
export interface Tail {
  skip: number;
  done: (() => void) | null;
}

const SCOPE_LABELS = ["SEARCH_BASE", "SEARCH_SINGLE", "SEARCH_TREE"];

/** Spicy's cast<uint8> of an integer, which keeps the low 8 bits ("accepting any loss of information"). */
function uint8(n: number): number {
  return ((n % 256) + 256) % 256;
}

/** asn1.spicy's LengthType, skipped. */
function skipLength(c: Cursor): void {
  const first = c.u8();
  if (first & 0x80) toUint(c.take(first & 0x7f));
}

function startsWithNtlmssp(d: Uint8Array): boolean {
  return d.length >= 7 && latin1(d.subarray(0, 7)) === "NTLMSSP";
}

export class LdapParser {
  mode: Mode = Mode.Undef;
  saslMechanism = "";
  startTlsRequested = false;
  private gssapi: ChildStream | null | undefined;
  private ntlm: ChildStream | null | undefined;

  constructor(private readonly host: AnalyzerHost) {}

  /**
   * One message from `c` (MessageDispatch in the clear): its headers and
   * operation are read (the operation whole, else NEED_MORE from an open
   * cursor), its events raised; the controls to skip and what follows them
   * are returned.
   */
  message(c: Cursor, isOrig: boolean): Tail {
    const seq = header(c);
    if (seq.cls !== UNIVERSAL || seq.type !== T_SEQUENCE) throw new LdapError("&requires failed: seqHeader is not a universal SEQUENCE");
    const bodyStart = c.at;
    const idHead = header(c);
    if (idHead.cls !== UNIVERSAL || idHead.type !== T_INTEGER) throw new LdapError("&requires failed: messageID is not a universal INTEGER");
    const id = toInt(c.take(idHead.len));
    const op = header(c);
    if (op.cls !== APPLICATION) throw new LdapError("&requires failed: protocolOp is not of the APPLICATION class");
    const body = c.sub(op.len);
    const msg: Msg = { isOrig, id, opcode: op.type, result: null, obj: "", arg: "" };
    this.operation(msg, body);
    const used = c.at - bodyStart;
    if (used > seq.len) throw new LdapError("&requires failed: (self.msgLen >= (self.offset() - self.seqHeaderLen))");
    return { skip: seq.len - used, done: () => this.messageDone(msg) };
  }

  /** Message's %done: LDAP::message, the confirmation, and LDAP::starttls once in TLS mode. */
  private messageDone(m: Msg): void {
    const h = this.host;
    if (h.wants("LDAP::message")) {
      const r = m.result;
      h.raise("LDAP::message", h.conn(), m.id, opcodeName(m.opcode), resultName(r?.code ?? null), r?.matchedDN ?? "", r?.diag ?? "", m.obj, m.arg);
    }
    h.confirm();
    if (this.mode === Mode.TLS && h.wants("LDAP::starttls")) h.raise("LDAP::starttls", h.conn());
  }

  private operation(m: Msg, c: Cursor): void {
    switch (m.opcode) {
      case Op.BIND_REQUEST:
        return this.bindRequest(m, c);
      case Op.BIND_RESPONSE:
        return this.bindResponse(m, c);
      case Op.UNBIND_REQUEST:
        return;
      case Op.SEARCH_REQUEST:
        return this.searchRequest(m, c);
      case Op.SEARCH_RESULT_ENTRY:
        return this.searchResultEntry(m, c);
      case Op.SEARCH_RESULT_DONE:
      case Op.MODIFY_RESPONSE:
      case Op.ADD_RESPONSE:
      case Op.DEL_RESPONSE:
      case Op.MOD_DN_RESPONSE:
      case Op.COMPARE_RESPONSE:
        m.result = result(c);
        return;
      case Op.MODIFY_REQUEST:
        return modifyRequest(m, c);
      case Op.DEL_REQUEST:
        // Zeek reads the DN (the operation's own value) as an ASN.1 element.
        m.obj = strValue(message(c, true));
        return;
      case Op.ABANDON_REQUEST:
        m.obj = `${numValue(message(c, true))}`;
        return;
      case Op.EXTENDED_REQUEST:
        return this.extendedRequest(m, c);
      case Op.EXTENDED_RESPONSE:
        return this.extendedResponse(m, c);
      default:
        if (NOT_IMPLEMENTED.has(m.opcode)) return;
        throw new LdapError(`no matching case in switch statement for value '${opcodeName(m.opcode)}'`);
    }
  }

  private bindRequest(m: Msg, c: Cursor): void {
    const version = numValue(message(c, true));
    const name = strValue(message(c, true));
    m.obj = name;
    const auth = message(c, true);
    // A universal element leaves the auth type unset, which the unit's &requires refuses.
    if (auth.cls === UNIVERSAL) throw new LdapError("&requires failed: (self?.authType && (self.authType != BindAuthType::Undef))");
    const authType = auth.type;
    const data = auth.value;
    let sasl: SaslCredentials | null = null;
    if (data.length > 0) {
      if (authType === BindAuth.SIMPLE) m.arg = decodeUtf8(data);
      else if (authType === BindAuth.SASL) {
        sasl = saslCredentials(data);
        m.arg = sasl.mechanism;
        this.saslMechanism = sasl.mechanism;
      } else if (authType === BindAuth.SICILY_NEGOTIATE || authType === BindAuth.SICILY_RESPONSE) {
        if (!startsWithNtlmssp(data)) throw new LdapError("expected bytes 'NTLMSSP'");
        m.arg = "NTLMSSP";
      }
    }
    const h = this.host;
    if (h.wants("LDAP::bind_request")) h.raise("LDAP::bind_request", h.conn(), m.id, version, name, authTypeName(authType), m.arg);
    if (sasl?.payload) {
      const mech = sasl.ntlm ? "NTLM" : sasl.mechanism;
      this.toAuth(m.isOrig, mech, sasl.payload);
    } else if ((authType === BindAuth.SICILY_NEGOTIATE || authType === BindAuth.SICILY_RESPONSE) && data.length > 0) {
      this.toAuth(m.isOrig, "NTLM", data);
    }
  }

  private bindResponse(m: Msg, c: Cursor): void {
    const mechanism = this.saslMechanism;
    const r = result(c);
    m.result = r;
    // A successful SASL bind: whether what follows is wrapped is found out from the next bytes.
    if (mechanism.length > 0 && r.code === 0) this.mode = Mode.MAYBE_ENCRYPTED;
    const creds: Uint8Array[] = [];
    while (c.left > 0) {
      const h = header(c);
      if (h.cls !== CONTEXT || h.type !== 7) throw new LdapError("&requires failed: serverSaslCreds is not [7]");
      creds.push(c.take(h.len));
    }
    let ntlm = false;
    if (this.saslMechanism === "GSS-SPNEGO" && creds.length > 0) {
      const s = spnegoSubsequent(creds[0]!);
      ntlm = s.ntlm;
      if (s.accepted && s.mechOid === MS_KRB5_OID && s.responseToken) this.mode = Mode.MS_KRB5;
    }
    const mech = ntlm ? "NTLM" : mechanism;
    for (const cred of creds) this.toAuth(m.isOrig, mech, cred);
  }

  /** ldap_zeek.spicy: GSS-SPNEGO and GSSAPI tokens to GSSAPI, NTLM ones to NTLM. */
  private toAuth(isOrig: boolean, mech: string, data: Uint8Array): void {
    let child: ChildStream | null;
    if (mech === "GSS-SPNEGO" || mech === "GSSAPI") child = this.gssapi === undefined ? (this.gssapi = this.host.addChild("GSSAPI")) : this.gssapi;
    else if (mech === "NTLM") child = this.ntlm === undefined ? (this.ntlm = this.host.addChild("NTLM")) : this.ntlm;
    else return;
    if (child?.active) child.deliverStream(isOrig, 0, data);
  }

  private searchRequest(m: Msg, c: Cursor): void {
    const base = strValue(message(c, true));
    m.obj = base;
    const scope = uint8(numValue(message(c, true)));
    // Spicy's "%s" of an enum: its type and label, "<unknown-N>" for a value it does not name.
    m.arg = `SearchScope::${SCOPE_LABELS[scope] ?? `<unknown-${scope}>`}`;
    const deref = uint8(numValue(message(c, true)));
    const sizeLimit = numValue(message(c, true));
    const timeLimit = numValue(message(c, true));
    const typesOnly = boolValue(message(c, true));
    const filter = searchFilter(c, 0);
    const selection = message(c, true);
    const h = this.host;
    if (!h.wants("LDAP::search_request")) return;
    const attributes: string[] = [];
    if (selection.cls === UNIVERSAL && selection.type === T_SEQUENCE && selection.children !== null) {
      for (const a of selection.children) if (hasStr(a)) attributes.push(strValue(a));
    }
    h.raise("LDAP::search_request", h.conn(), m.id, base, scopeName(scope), derefName(deref), sizeLimit, timeLimit, typesOnly, filter, attributes);
  }

  private searchResultEntry(m: Msg, c: Cursor): void {
    const name = strValue(message(c, true));
    m.obj = name;
    message(c, true);
    const h = this.host;
    if (h.wants("LDAP::search_result_entry")) h.raise("LDAP::search_result_entry", h.conn(), m.id, name);
  }

  private extendedRequest(m: Msg, c: Cursor): void {
    const nameHead = header(c);
    if (nameHead.cls !== CONTEXT) throw new LdapError("&requires failed: requestName is not context-specific");
    const name = decodeAscii(c.take(nameHead.len));
    m.obj = name;
    let value: Uint8Array = new Uint8Array(0);
    if (c.left > 0) {
      const v = message(c, false);
      if (v.cls !== CONTEXT) throw new LdapError("&requires failed: requestValue is not context-specific");
      value = v.value;
    }
    const h = this.host;
    if (h.wants("LDAP::extended_request")) h.raise("LDAP::extended_request", h.conn(), m.id, name, latin1(value));
    if (name === STARTTLS_OID) this.startTlsRequested = true;
  }

  private extendedResponse(m: Msg, c: Cursor): void {
    const r = result(c);
    m.result = r;
    let name: Uint8Array = new Uint8Array(0);
    let value: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 2 && c.left > 0; i++) {
      const e = message(c, false);
      if (e.cls !== CONTEXT) throw new LdapError("&requires failed: extended response entry is not context-specific");
      if (e.type === 10) name = e.value;
      else if (e.type === 11) value = e.value;
      else throw new LdapError(`Unhandled extended response tag ${e.type}`);
    }
    const h = this.host;
    if (h.wants("LDAP::extended_response")) h.raise("LDAP::extended_response", h.conn(), m.id, resultName(r.code), latin1(name), latin1(value));
    // The server accepted StartTLS: the rest of both sides is TLS.
    if (this.startTlsRequested && r.code === 0) this.mode = Mode.TLS;
  }
}

/** ldap.spicy's Result: code, matched DN, diagnostic message (referrals are not read). */
function result(c: Cursor): Result {
  const code = uint8(numValue(message(c, true)));
  const matchedDN = strValue(message(c, true));
  const diag = strValue(message(c, true));
  return { code, matchedDN, diag };
}

/** ldap.spicy's stringify_changes: "op(type=v1v2…)" per change, joined by ",". */
function modifyRequest(m: Msg, c: Cursor): void {
  m.obj = strValue(message(c, true));
  const changes = message(c, true);
  if (changes.type !== T_SEQUENCE) throw new LdapError("&requires failed: ($$.head.tag.type_ == ASN1::ASN1Type::Sequence)");
  const out: string[] = [];
  for (const change of seqOf(changes)) {
    const parts = seqOf(change);
    if (parts.length !== 2) throw new LdapError(`unexpected length of changes subsequence: ${parts.length}`);
    const op = numValue(parts[0]!);
    const word = op === 0 ? "add" : op === 1 ? "delete" : op === 2 ? "replace" : null;
    if (word === null) throw new LdapError(`unexpected modify operation value ${op}`);
    out.push(`${word}(${partialAttribute(parts[1]!)})`);
  }
  m.arg = out.join(",");
}

/** A sequence's elements (`body.seq.submessages`): an error for anything else. */
function seqOf(n: Node): Node[] {
  if (n.children === null) throw new LdapError("access to unset field 'seq'");
  return n.children;
}

/** ldap.spicy's stringify_partial_attribute: "type", or "type=" and the values (Zeek's loop never adds its commas). */
function partialAttribute(pa: Node): string {
  const parts = seqOf(pa);
  if (parts.length === 0) throw new LdapError("index 0 out of range");
  let repr = strValue(parts[0]!);
  if (parts.length > 1) {
    const vals = parts[1]!;
    if (vals.cls !== UNIVERSAL || vals.type !== T_SET) throw new LdapError(`unexpected type for modification vals ${vals.type}`);
    const items = seqOf(vals);
    if (items.length > 0) repr += `=${items.map(strValue).join("")}`;
  }
  return repr;
}

interface SaslCredentials {
  mechanism: string;
  payload: Uint8Array | null;
  /** GSS-SPNEGO whose payload is raw NTLMSSP. */
  ntlm: boolean;
}

/** ldap.spicy's SaslCredentials: the mechanism, then an optional OCTET STRING of credentials. */
function saslCredentials(data: Uint8Array): SaslCredentials {
  const c = new Cursor(data, 0, data.length);
  const mechanism = strValue(message(c, false));
  let payload: Uint8Array | null = null;
  const save = c.at;
  try {
    const h = header(c);
    // Only the tag number is checked, as Zeek's grammar does.
    if (h.type === T_OCTET_STRING) payload = c.take(h.len);
    else c.at = save;
  } catch (err) {
    if (!(err instanceof LdapError)) throw err;
    c.at = save;
  }
  let ntlm = false;
  if (payload !== null && mechanism === "GSS-SPNEGO") ntlm = spnegoInit(payload);
  return { mechanism, payload, ntlm };
}

/** ldap.spicy's GSS_SPNEGO_Init: an RFC 2743 token of SPNEGO's OID, a negTokenResp, or raw NTLMSSP (true). */
function spnegoInit(p: Uint8Array): boolean {
  const c = new Cursor(p, 0, p.length);
  const first = p[0];
  if (first === 0x60) {
    c.u8();
    skipLength(c);
    const h = header(c);
    if (h.cls !== UNIVERSAL || h.type !== T_OID) throw new LdapError("&requires failed: GSS-SPNEGO token without an OID");
    if (h.len === 0 || oidString(c.take(h.len)) !== "1.3.6.1.5.5.2") throw new LdapError('&requires failed: (self.oid.oidstring == "1.3.6.1.5.5.2")');
    return false;
  }
  if (first === 0xa1) {
    c.u8();
    skipLength(c);
    return false;
  }
  if (startsWithNtlmssp(p)) return true;
  throw new LdapError("no matching alternative in GSS_SPNEGO_Init");
}

interface NegTokenResp {
  ntlm: boolean;
  accepted: boolean;
  mechOid: string | null;
  responseToken: boolean;
}

/** ldap.spicy's GSS_SPNEGO_Subsequent: a server's negTokenResp (its state, mechanism, token) or raw NTLMSSP. */
function spnegoSubsequent(p: Uint8Array): NegTokenResp {
  const out: NegTokenResp = { ntlm: false, accepted: false, mechOid: null, responseToken: false };
  if (p[0] !== 0xa1) {
    if (startsWithNtlmssp(p)) out.ntlm = true;
    else throw new LdapError("no matching alternative in GSS_SPNEGO_Subsequent");
    return out;
  }
  const c = new Cursor(p, 0, p.length);
  c.u8();
  skipLength(c);
  let supportedMech: Uint8Array | null = null;
  for (const field of seqOf(message(c, true))) {
    // A universal element has application_id 0 and no application_data.
    const id = field.cls === UNIVERSAL ? 0 : field.type;
    const data = appData(field);
    if (id === 0) out.accepted = data.length === 3 && data[0] === 0x0a && data[1] === 0x01 && data[2] === 0x00;
    else if (id === 1) supportedMech = data;
    else if (id === 2) out.responseToken = true;
    else if (id !== 3) throw new LdapError(`unhandled NegTokenResp id ${id}`);
  }
  if (supportedMech !== null) out.mechOid = strValue(message(new Cursor(supportedMech, 0, supportedMech.length), false));
  return out;
}
