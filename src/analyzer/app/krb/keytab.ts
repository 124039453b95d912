/**
 * Tickets opened with a keytab (Zeek's `KRB::keytab`): for each AP-REQ the
 * KRB analyzer reads, Zeek (built with MIT Kerberos) decrypts the ticket with
 * the keytab's keys and puts the client's principal, as
 * `krb5_unparse_name` writes it, into the ticket's `authenticationinfo`.
 * This is that, without a Kerberos library:
 *
 * - the keytab is MIT's file format (versions 0x502, big-endian, and 0x501,
 *   host order), read once, when the run's first KRB analyzer starts (Zeek
 *   sets it up then, once): an empty `KRB::keytab` does nothing, a file that
 *   cannot be read is the warning "KRB: Can't access keytab (FILE)" and
 *   nothing more;
 * - as MIT's krb5_server_decrypt_ticket_keytab does with a file keytab, each
 *   entry of the ticket's encryption type is tried in file order, whatever
 *   its principal and version: the first whose key decrypts and verifies the
 *   ticket (key usage 2) gives the EncTicketPart's client name and realm;
 * - a ticket no entry opens is the warning "KRB: Couldn't decrypt ticket
 *   (Wrong principal in request)" (MIT maps a missing entry and a failed
 *   integrity check to KRB5KRB_AP_WRONG_PRINC, whose text that is); a
 *   service name without a '/' is "KRB: Couldn't parse principal (NAME)", as
 *   Zeek splits it into service and host before asking;
 * - the encryption types are crypto.ts's (AES with SHA-1 or SHA-2, RC4-HMAC).
 *
 * Only the KRB analyzer does this (UDP, and the KRB children of GSSAPI in
 * SMB, DCE-RPC and HTTP): Zeek's KRB_TCP answers every ticket with an empty
 * string, so over TCP `authenticationinfo` is always set and empty (krb.ts).
 */
import { readFileSync } from "node:fs";
import { BerError, BerReader, contextTag, SEQUENCE } from "../../../asn1/ber.js";
import { supportedEtype, UsageKeys } from "./crypto.js";

/** RFC 4120's key usage of a ticket's encrypted part. */
const USAGE_TICKET = 2;

/** One key of a keytab. */
export interface KeytabEntry {
  /** The principal, as krb5_unparse_name writes it. */
  readonly principal: string;
  readonly kvno: number;
  readonly etype: number;
  readonly key: Uint8Array;
}

/** A keytab read: its entries up to the end or the first malformed one (`error` then says what MIT would). */
export interface Keytab {
  readonly entries: readonly KeytabEntry[];
  readonly error?: string;
}

/** Reads MIT's keytab file format. Deleted entries (negative sizes) are skipped. */
export function parseKeytab(data: Uint8Array): Keytab {
  const entries: KeytabEntry[] = [];
  if (data.length < 2 || data[0] !== 5 || (data[1] !== 1 && data[1] !== 2)) return { entries, error: "Unsupported key table format version number" };
  const v1 = data[1] === 1;
  // Version 0x501 was written in the host's byte order: little-endian, on the machines that wrote it.
  const le = v1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 2;
  while (at + 4 <= data.length) {
    const size = view.getInt32(at, le);
    at += 4;
    if (size === 0) break;
    if (size < 0) {
      at += -size;
      continue;
    }
    if (at + size > data.length) return { entries, error: "Key table entry is truncated" };
    const entry = readEntry(new DataView(data.buffer, data.byteOffset + at, size), le, v1);
    if (entry === null) return { entries, error: "Key table entry is malformed" };
    entries.push(entry);
    at += size;
  }
  return { entries };
}

function readEntry(v: DataView, le: boolean, v1: boolean): KeytabEntry | null {
  let at = 0;
  const u16 = (): number => {
    if (at + 2 > v.byteLength) throw new RangeError();
    const n = v.getUint16(at, le);
    at += 2;
    return n;
  };
  const u32 = (): number => {
    if (at + 4 > v.byteLength) throw new RangeError();
    const n = v.getUint32(at, le);
    at += 4;
    return n;
  };
  const octets = (): Uint8Array => {
    const n = u16();
    if (at + n > v.byteLength) throw new RangeError();
    const b = new Uint8Array(v.buffer, v.byteOffset + at, n);
    at += n;
    return b;
  };
  try {
    let count = u16();
    if (v1) count--;
    if (count < 0) return null;
    const realm = octets();
    const parts: Uint8Array[] = [];
    for (let i = 0; i < count; i++) parts.push(octets());
    if (!v1) u32(); // name type
    u32(); // timestamp
    if (at + 1 > v.byteLength) return null;
    let kvno = v.getUint8(at++);
    const etype = u16();
    const key = Uint8Array.from(octets());
    // A 32-bit version follows when the entry has room for it; 0 there means "use the 8-bit one".
    if (at + 4 <= v.byteLength) {
      const wide = u32();
      if (wide !== 0) kvno = wide;
    }
    return { principal: unparseName(parts, realm), kvno, etype, key };
  } catch (err) {
    if (err instanceof RangeError) return null;
    throw err;
  }
}

/** krb5_unparse_name: components joined by '/', then '@' and the realm; separators, backslashes and control characters escaped. */
export function unparseName(parts: readonly Uint8Array[], realm: Uint8Array): string {
  return `${parts.map(quoteComponent).join("/")}@${quoteComponent(realm)}`;
}

function quoteComponent(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) {
    if (b === 0x2f || b === 0x40 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x08) out += "\\b";
    else if (b === 0x00) out += "\\0";
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * The client principal of an EncTicketPart (RFC 4120 §5.3: [APPLICATION 3]
 * SEQUENCE of flags [0], key [1], crealm [2], cname [3], …); null when the
 * plaintext is not one.
 */
export function ticketClient(plain: Uint8Array): string | null {
  try {
    const r = new BerReader(plain);
    const app = r.header();
    if (app.tag !== 0x63) return null;
    const seq = r.header();
    if (seq.tag !== SEQUENCE) return null;
    let realm: Uint8Array | null = null;
    let parts: Uint8Array[] | null = null;
    while (r.remaining > 0 && (realm === null || parts === null)) {
      const field = r.next();
      if (field.tag === contextTag(2)) realm = new BerReader(field.value).next().value;
      else if (field.tag === contextTag(3)) parts = principalParts(field.value);
    }
    return realm !== null && parts !== null ? unparseName(parts, realm) : null;
  } catch (err) {
    if (err instanceof BerError) return null;
    throw err;
  }
}

/** PrincipalName ::= SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }: the strings. */
function principalParts(value: Uint8Array): Uint8Array[] | null {
  const seq = new BerReader(value).next();
  if (seq.tag !== SEQUENCE) return null;
  const r = new BerReader(seq.value);
  while (r.remaining > 0) {
    const field = r.next();
    if (field.tag !== contextTag(1)) continue;
    const strings = new BerReader(field.value).next();
    if (strings.tag !== SEQUENCE) return null;
    const parts: Uint8Array[] = [];
    for (const s = new BerReader(strings.value); s.remaining > 0; ) parts.push(s.next().value);
    return parts;
  }
  return null;
}

/** What opens tickets: the keytab's keys, with their derived keys kept between tickets. */
export class TicketOpener {
  private readonly keys: readonly UsageKeys[];

  constructor(
    private readonly keytab: Keytab,
    private readonly warn: (message: string) => void,
  ) {
    this.keys = keytab.entries.map((e) => new UsageKeys(e.etype, e.key));
  }

  /** The ticket's client as Zeek's authenticationinfo, or undefined (a warning said why). */
  authenticationInfo(serviceName: string, etype: number, ciphertext: Uint8Array): string | undefined {
    if (!serviceName.includes("/")) {
      this.warn(`KRB: Couldn't parse principal (${serviceName})`);
      return undefined;
    }
    if (supportedEtype(etype)) {
      for (const k of this.keys) {
        if (k.etype !== etype) continue;
        const plain = k.decrypt(USAGE_TICKET, ciphertext);
        const client = plain === null ? null : ticketClient(plain);
        if (client !== null) return client;
      }
    }
    this.warn(`KRB: Couldn't decrypt ticket (${this.keytab.error ?? "Wrong principal in request"})`);
    return undefined;
  }
}

/** The run's opener, made at its first KRB analyzer; null without a (readable) keytab. */
export function openKeytab(file: string, warn: (message: string) => void): TicketOpener | null {
  if (file === "") return null;
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch {
    warn(`KRB: Can't access keytab (${file})`);
    return null;
  }
  return new TicketOpener(parseKeytab(data), warn);
}
