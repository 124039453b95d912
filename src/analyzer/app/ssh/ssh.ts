/**
 * The SSH analyzer, as Zeek's (src/analyzer/protocol/ssh): it follows each
 * side through the clear-text part of the protocol and raises Zeek's SSH
 * events (events.ts).
 *
 * - Version exchange (RFC 4253 §4.2): the client's first line must start
 *   with "SSH-" (else a violation with binpac's "string mismatch" text);
 *   the server may send other lines first (ssh_server_pre_banner_data).
 *   The two version lines decide SSH1 or SSH2 framing, as Zeek does ("1.99"
 *   goes with either).
 * - Key exchange: binary packets (flow.ts cuts them); KEXINIT gives
 *   ssh_capabilities and, once both sides sent one, the key-exchange method
 *   whose messages are read next (Diffie-Hellman, group exchange, ECDH and
 *   the like, GSS, RSA): host keys, DH parameters, ECDH keys. NEWKEYS
 *   confirms the protocol (as does SSH1's session key) and makes the side
 *   encrypted.
 * - Encrypted data: ssh_encrypted_packet per segment, and Zeek's inference
 *   of the authentication's outcome from the sizes of the server's first
 *   encrypted packets (ssh_auth_attempted, ssh_auth_successful; SSH2 only).
 *
 * As in Zeek: partial connections are not analysed and a content gap stops
 * the analysis. Zeek's limits apply (SSH::max_packet_length,
 * max_string_length, max_kexinit_*), each a LimitReachedWeird.
 */
import { createHash } from "node:crypto";
import { latin1, u32 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, AppAnalyzer } from "../analyzer.js";
import type { SshAlgorithmPrefs, SshCapabilities } from "./events.js";
import { ParseError, SideCutter, type Unit } from "./flow.js";
import { kexState, MSG_NEWKEYS, Reader, SSH_CMSG_SESSION_KEY, SSH_SMSG_PUBLIC_KEY, State, Version } from "./messages.js";
import "./events.js";

/** Called with each side's version line (without its line end). */
export type SshVersionListener = (isOrig: boolean, version: string) => void;

/**
 * Where Zeek's parser reads the client's version line: the corpus' Zeek was
 * built in /work/zeekbuild, and binpac names the grammar line in the text of
 * a mismatch, which becomes the violation's reason.
 */
const CLIENT_VERSION_LOCATION = "/work/zeekbuild/src/src/analyzer/protocol/ssh/ssh-protocol.pac:45";
/** binpac's exception prefix, and Zeek's before it. */
const BINPAC_PREFIX = "Binpac exception: binpac exception: ";

/** One side's framing state. */
class Side {
  readonly cut = new SideCutter();
  /** The current frame's length field was read. */
  headerDone = false;
  /** The current frame's length field, capped. */
  capped = 0;
}

class SshAnalyzer implements AppAnalyzer {
  private readonly sides = [new Side(), new Side()];
  /** Zeek's state_up_ / state_down_. */
  private readonly states = [State.VersionExchange, State.VersionExchange];
  private version = Version.Unknown;
  private versionClient = Version.Unknown;
  private versionServer = Version.Unknown;
  /** The first KEXINIT's kex list and side, until the other side's arrives. */
  private kexSeen = false;
  private kexOrig = false;
  private kexCache = "";
  /** Encrypted bytes that followed NEWKEYS in the segment being parsed. */
  private encryptedInSegment = 0;
  private hadGap = false;
  // Authentication inference (Zeek's SSH_Analyzer::ProcessEncrypted).
  private authDecisionMade = false;
  private skippedBanner = false;
  private sawEncryptedClientData = false;
  private serviceAcceptSize = 0;
  private userauthFailureSize = 0;

  constructor(
    private readonly host: AnalyzerHost,
    private readonly listener: SshVersionListener | undefined,
  ) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (this.host.isPartial() || this.hadGap) return;
    const s = isOrig ? 0 : 1;
    if (this.states[s] === State.Encrypted) return this.encryptedSegment(data.length, isOrig);
    this.encryptedInSegment = 0;
    try {
      this.parse(isOrig, data);
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      const side = this.sides[s]!;
      side.cut.discard();
      side.headerDone = false;
      this.host.violation(BINPAC_PREFIX + err.message);
    }
    if (this.encryptedInSegment > 0) this.encryptedSegment(this.encryptedInSegment, isOrig);
  }

  undelivered(_isOrig: boolean, _seq: number, _len: number): void {
    // Zeek's SSH analyzer ignores everything after the first content gap.
    this.hadGap = true;
  }

  endOfData(_isOrig: boolean): void {
    // An incomplete unit at the end of a side is dropped, as binpac does.
  }

  done(): void {}

  // ---------------------------------------------------------------- cutting

  private parse(isOrig: boolean, data: Uint8Array): void {
    const s = isOrig ? 0 : 1;
    const side = this.sides[s]!;
    const cut = side.cut;
    let pos = 0;
    while (pos < data.length) {
      const state = this.states[s]!;
      if (state === State.Encrypted) {
        // Zeek parses each remaining byte as an encrypted unit and counts them.
        this.encryptedInSegment += data.length - pos;
        return;
      }
      if (state === State.VersionExchange) {
        if (!cut.open) cut.begin();
        const line = cut.line(data, pos);
        if (line === null) return;
        pos = line.next;
        this.versionLine(isOrig, line.bytes.subarray(line.start, line.end));
        continue;
      }
      if (!cut.open) {
        cut.begin(4);
        side.headerDone = false;
      }
      if (!side.headerDone) {
        const header = cut.frame(data, pos);
        if (header === null) return;
        // A header inside this segment is not consumed yet: the frame grows from its start.
        pos = header.bytes === data ? header.start : header.next;
        side.capped = this.capPacketLength(u32(header.bytes, header.start));
        side.headerDone = true;
        const total = this.kexLength(side.capped);
        if (total > 4) cut.frameNeed = total;
      }
      const frame = cut.frame(data, pos);
      if (frame === null) return;
      pos = frame.next;
      cut.open = false;
      side.headerDone = false;
      this.packet(isOrig, frame, side.capped);
    }
  }

  private capPacketLength(length: number): number {
    const max = this.host.settings["SSH::max_packet_length"];
    if (max > 0 && length > max) {
      this.host.limitReached("SSH_max_packet_length_exceeded", length, max);
      return max;
    }
    return length;
  }

  /** Zeek's get_kex_length: a frame's total size; for an unknown version 1 (the 4 length bytes are then all). */
  private kexLength(capped: number): number {
    if (this.version === Version.SSH1) return capped + 4 + 8 - (capped % 8);
    if (this.version === Version.SSH2) return capped + 4;
    return 1;
  }

  // ---------------------------------------------------------------- version lines

  private versionLine(isOrig: boolean, line: Uint8Array): void {
    const starts = line.length >= 4 && line[0] === 0x53 && line[1] === 0x53 && line[2] === 0x48 && line[3] === 0x2d; // "SSH-"
    if (isOrig) {
      if (!starts) throw new ParseError(`string mismatch at ${CLIENT_VERSION_LOCATION}: \nexpected pattern: "SSH-.*"\nactual data: "${cString(line)}"`);
      const version = latin1(line);
      this.states[0] = State.KexInit;
      this.updateVersion(version, true);
      this.listener?.(true, version);
      if (this.host.wants("ssh_client_version")) this.host.raise("ssh_client_version", this.host.conn(), version);
      return;
    }
    if (starts) {
      const version = latin1(line);
      this.states[1] = State.KexInit;
      this.updateVersion(version, false);
      this.listener?.(false, version);
      if (this.host.wants("ssh_server_version")) return this.host.raise("ssh_server_version", this.host.conn(), version);
    }
    // A line before the version (or, as in Zeek, a version line nobody listens for).
    if (this.host.wants("ssh_server_pre_banner_data"))
      this.host.raise("ssh_server_pre_banner_data", this.host.conn(), latin1(line.subarray(0, preBannerLength(line, starts))));
  }

  /** Zeek's update_version: each side's major version, and the connection's from both. */
  private updateVersion(v: string, isOrig: boolean): void {
    let side: Version | undefined;
    if (v.length >= 5) {
      if (v[4] === "2") side = Version.SSH2;
      else if (v[4] === "1") side = v.length >= 8 && v[6] === "9" && v[7] === "9" ? Version.SSH199 : Version.SSH1;
    }
    if (side !== undefined) {
      if (isOrig) this.versionClient = side;
      else this.versionServer = side;
    }
    const c = this.versionClient;
    const s = this.versionServer;
    if (c === s) this.version = s === Version.SSH199 ? Version.SSH2 : s;
    else if ((c === Version.SSH1 && s === Version.SSH2) || (c === Version.SSH2 && s === Version.SSH1)) this.version = Version.Unknown;
    else if ((c === Version.SSH199 && s === Version.SSH2) || (c === Version.SSH2 && s === Version.SSH199)) this.version = Version.SSH2;
    else if ((c === Version.SSH1 && s === Version.SSH199) || (c === Version.SSH199 && s === Version.SSH1)) this.version = Version.SSH1;
  }

  // ---------------------------------------------------------------- packets

  private packet(isOrig: boolean, frame: Unit, capped: number): void {
    const { bytes, start, end } = frame;
    if (this.version === Version.SSH2) return this.ssh2Packet(isOrig, new Reader(bytes, start, start + 4, start + 4 + capped), capped);
    if (this.version === Version.SSH1) return this.ssh1Packet(isOrig, new Reader(bytes, start, start + 4, end), capped);
    throw new ParseError(`invalid index for case: SSH_Key_Exchange: ${this.version}`);
  }

  private ssh2Packet(isOrig: boolean, r: Reader, capped: number): void {
    const s = isOrig ? 0 : 1;
    r.need(2, "SSH2_Key_Exchange:header");
    const padding = r.u8();
    const type = r.u8();
    // uint32 arithmetic, as Zeek's: a padding longer than the packet makes a huge length (out of bounds below).
    const length = (capped - padding - 2) >>> 0;
    if (type === MSG_NEWKEYS) this.states[s] = State.Encrypted;
    const message = r.rest();
    this.ssh2Message(isOrig, this.states[s]!, type, length, message);
    r.skip(message);
    if (type === MSG_NEWKEYS) this.host.confirm();
    r.bytes(padding, "SSH2_Key_Exchange:pad");
  }

  /** The payload, read as the side's state says (in KEX_INIT, any message is taken for a KEXINIT, as in Zeek). */
  private ssh2Message(isOrig: boolean, state: State, type: number, length: number, m: Reader): void {
    switch (state) {
      case State.KexInit:
        return this.kexinit(isOrig, m.sub(length, "SSH2_KEXINIT"));
      case State.KexDhGex:
        switch (type) {
          case 30: // SSH_MSG_KEX_DH_GEX_REQUEST_OLD
            m.sub(4, "SSH2_DH_GEX_REQUEST_OLD");
            return;
          case 34: // SSH_MSG_KEX_DH_GEX_REQUEST
            m.sub(12, "SSH2_DH_GEX_REQUEST");
            return;
          case 31:
            return this.dhGroup(m.sub(length, "SSH2_DH_GEX_GROUP"));
          case 32:
            return this.dhInit(isOrig, m.sub(length, "SSH2_DH_GEX_INIT"));
          case 33:
            return this.dhReply(m.sub(length, "SSH2_DH_GEX_REPLY"));
        }
        m.bytes(length, "SSH2_Key_Exchange_DH_GEX_Message:unknown");
        return;
      case State.KexDh:
        if (type === 30) return this.dhInit(isOrig, m.sub(length, "SSH2_DH_GEX_INIT"));
        if (type === 31) return this.dhReply(m.sub(length, "SSH2_DH_GEX_REPLY"));
        m.bytes(length, "SSH2_Key_Exchange_DH_Message:unknown");
        return;
      case State.KexEcc:
        // Zeek reads these two without the payload's length: up to the packet's end.
        if (type === 30) {
          const q = this.string(m);
          this.eccKey(isOrig, q);
          if (this.host.wants("ssh2_ecc_init")) this.host.raise("ssh2_ecc_init", this.host.conn(), isOrig);
          return;
        }
        if (type === 31) {
          const k = this.string(m);
          const q = this.string(m);
          this.string(m);
          this.hostKey(k);
          this.eccKey(isOrig, q);
          return;
        }
        throw new ParseError(`invalid index for case: SSH2_Key_Exchange_ECC_Message: ${type}`);
      case State.KexGss:
        return this.gssMessage(isOrig, type, length, m);
      case State.KexRsa: {
        if (type === 30) {
          const pubkey = m.sub(length, "SSH2_RSA_PUBKEY");
          this.string(pubkey);
          this.string(pubkey);
          return;
        }
        if (type === 31) {
          this.string(m.sub(length, "SSH2_RSA_SECRET"));
          if (this.host.wants("ssh2_rsa_secret")) this.host.raise("ssh2_rsa_secret", this.host.conn(), isOrig);
          return;
        }
        if (type === 32) {
          this.string(m.sub(length, "SSH2_RSA_DONE"));
          return;
        }
        throw new ParseError(`invalid index for case: SSH2_Key_Exchange_RSA_Message: ${type}`);
      }
      default:
        m.bytes(length, "SSH2_Message:unknown");
    }
  }

  private gssMessage(isOrig: boolean, type: number, length: number, m: Reader): void {
    switch (type) {
      case 30: {
        const init = m.sub(length, "SSH2_GSS_INIT");
        this.string(init);
        this.string(init);
        if (this.host.wants("ssh2_gss_init")) this.host.raise("ssh2_gss_init", this.host.conn(), isOrig);
        return;
      }
      case 31:
        this.string(m.sub(length, "SSH2_GSS_CONTINUE"));
        return;
      case 32: {
        const complete = m.sub(length, "SSH2_GSS_COMPLETE");
        this.string(complete);
        this.string(complete);
        complete.need(1, "SSH2_GSS_COMPLETE:have_token");
        if (complete.u8() !== 0) this.string(complete);
        return;
      }
      case 33:
        return this.hostKey(this.string(m.sub(length, "SSH2_GSS_HOSTKEY")));
      case 34: {
        const error = m.sub(length, "SSH2_GSS_ERROR");
        error.need(8, "SSH2_GSS_ERROR:minor_status");
        const major = error.u32();
        const minor = error.u32();
        const message = this.string(error);
        this.string(error);
        if (this.host.wants("ssh2_gss_error")) this.host.raise("ssh2_gss_error", this.host.conn(), major, minor, latin1(message));
        return;
      }
      case 40:
        m.sub(12, "SSH2_DH_GEX_REQUEST");
        return;
      case 41:
        return this.dhGroup(m.sub(length, "SSH2_DH_GEX_GROUP"));
    }
    throw new ParseError(`invalid index for case: SSH2_Key_Exchange_GSS_Message: ${type}`);
  }

  private dhGroup(m: Reader): void {
    const p = this.string(m);
    const g = this.string(m);
    if (this.host.wants("ssh2_dh_server_params")) this.host.raise("ssh2_dh_server_params", this.host.conn(), latin1(p), latin1(g));
  }

  private dhInit(isOrig: boolean, m: Reader): void {
    this.string(m);
    if (this.host.wants("ssh2_dh_gex_init")) this.host.raise("ssh2_dh_gex_init", this.host.conn(), isOrig);
  }

  private dhReply(m: Reader): void {
    const k = this.string(m);
    this.string(m);
    this.string(m);
    this.hostKey(k);
  }

  private eccKey(isOrig: boolean, q: Uint8Array): void {
    if (this.host.wants("ssh2_ecc_key")) this.host.raise("ssh2_ecc_key", this.host.conn(), isOrig, latin1(q));
  }

  /** An SSH string (binpac's ssh_string record: uint32 length, bytes), its length capped at SSH::max_string_length. */
  private string(r: Reader): Uint8Array {
    const str = r.rest();
    str.need(4, "ssh_string:len");
    let len = str.u32();
    const max = this.host.settings["SSH::max_string_length"];
    if (max > 0 && len > max) {
      this.host.limitReached("SSH_max_string_length_exceeded", len, max);
      len = max;
    }
    const val = str.bytes(len, "ssh_string:val");
    r.skip(str);
    return val;
  }

  /** An SSH2 server host key: its MD5 fingerprint, the key, its SHA-256 fingerprint. */
  private hostKey(key: Uint8Array): void {
    const host = this.host;
    if (host.wants("ssh_server_host_key")) host.raise("ssh_server_host_key", host.conn(), md5Format(createHash("md5").update(key).digest()));
    if (host.wants("ssh2_server_host_key")) host.raise("ssh2_server_host_key", host.conn(), latin1(key));
    if (host.wants("ssh_server_host_key_fingerprint"))
      host.raise("ssh_server_host_key_fingerprint", host.conn(), sha256Format(createHash("sha256").update(key).digest()));
  }

  // ---------------------------------------------------------------- KEXINIT

  private kexinit(isOrig: boolean, m: Reader): void {
    const cookie = m.bytes(16, "SSH2_KEXINIT:cookie");
    // kex, host key, encryption c2s/s2c, MAC c2s/s2c, compression c2s/s2c, languages c2s/s2c.
    const lists: string[] = [];
    for (let i = 0; i < 10; i++) lists.push(latin1(this.string(m)));
    m.need(5, "SSH2_KEXINIT:reserved"); // first_kex_packet_follows, reserved
    m.pos += 5;
    this.updateKex(lists[0]!, isOrig);
    if (!this.host.wants("ssh_capabilities")) return;
    const settings = this.host.settings;
    const enc = settings["SSH::max_kexinit_encryption_algorithms"];
    const mac = settings["SSH::max_kexinit_mac_algorithms"];
    const comp = settings["SSH::max_kexinit_compression_algorithms"];
    const caps: SshCapabilities = {
      kex_algorithms: this.nameList(lists[0]!, settings["SSH::max_kexinit_kex_algorithms"], "SSH_max_kexinit_kex_algorithms_exceeded"),
      server_host_key_algorithms: this.nameList(lists[1]!, settings["SSH::max_kexinit_hostkey_algorithms"], "SSH_max_kexinit_hostkey_algorithms_exceeded"),
      encryption_algorithms: this.prefs(lists[2]!, lists[3]!, enc, "SSH_max_kexinit_encryption_algorithms_exceeded"),
      mac_algorithms: this.prefs(lists[4]!, lists[5]!, mac, "SSH_max_kexinit_mac_algorithms_exceeded"),
      compression_algorithms: this.prefs(lists[6]!, lists[7]!, comp, "SSH_max_kexinit_compression_algorithms_exceeded"),
      is_server: !isOrig,
    };
    if (lists[8]!.length > 0 || lists[9]!.length > 0) {
      const max = settings["SSH::max_kexinit_languages"];
      const languages: SshAlgorithmPrefs = {};
      if (lists[8]!.length > 0) languages.client_to_server = this.nameList(lists[8]!, max, "SSH_max_kexinit_languages_exceeded");
      if (lists[9]!.length > 0) languages.server_to_client = this.nameList(lists[9]!, max, "SSH_max_kexinit_languages_exceeded");
      caps.languages = languages;
    }
    this.host.raise("ssh_capabilities", this.host.conn(), latin1(cookie), caps);
  }

  private prefs(c2s: string, s2c: string, max: number, weird: string): SshAlgorithmPrefs {
    return { client_to_server: this.nameList(c2s, max, weird), server_to_client: this.nameList(s2c, max, weird) };
  }

  /** A comma-separated name list, at most `max` names (0: all); past it the limit weird. */
  private nameList(list: string, max: number, weird: string): string[] {
    const words = list.split(",");
    if (max > 0 && words.length > max) {
      this.host.limitReached(weird, words.length, max);
      words.length = max;
    }
    return words;
  }

  /**
   * Zeek's update_kex: once both sides sent a KEXINIT, the first of the
   * client's kex algorithms the server also offers (each list cut at
   * SSH::max_kexinit_kex_algorithms) selects how both sides' next messages
   * are read.
   */
  private updateKex(algs: string, isOrig: boolean): void {
    if (!this.kexSeen) {
      this.kexSeen = true;
      this.kexOrig = isOrig;
      this.kexCache = algs;
      return;
    }
    if (this.kexOrig === isOrig) return;
    const max = this.host.settings["SSH::max_kexinit_kex_algorithms"];
    const client = (isOrig ? algs : this.kexCache).split(",");
    const server = (isOrig ? this.kexCache : algs).split(",");
    if (max > 0) {
      if (client.length > max) client.length = max;
      if (server.length > max) server.length = max;
    }
    const offered = new Set(server);
    for (const alg of client) {
      if (!offered.has(alg)) continue;
      const state = kexState(alg);
      if (state === null) this.host.weird("ssh_unknown_kex_algorithm", alg);
      else this.states[0] = this.states[1] = state;
      return;
    }
  }

  // ---------------------------------------------------------------- SSH1

  private ssh1Packet(isOrig: boolean, r: Reader, capped: number): void {
    r.bytes(8 - (capped % 8), "SSH1_Key_Exchange:pad_fill");
    r.need(1, "SSH1_Key_Exchange:msg_type");
    const type = r.u8();
    const length = (capped - 5) >>> 0;
    if (type === SSH_SMSG_PUBLIC_KEY) {
      const m = r.sub(length, "SSH1_PUBLIC_KEY");
      m.need(12, "SSH1_PUBLIC_KEY:server_key"); // cookie, server key bits
      m.pos += 12;
      mpInt(m);
      mpInt(m);
      m.need(4, "SSH1_PUBLIC_KEY:host_key");
      m.pos += 4;
      const exp = mpInt(m);
      const mod = mpInt(m);
      m.need(12, "SSH1_PUBLIC_KEY:supported_auths"); // flags, ciphers, auths
      m.pos += 12;
      this.ssh1HostKey(exp, mod);
    } else if (type === SSH_CMSG_SESSION_KEY) {
      const m = r.sub(length, "SSH1_SESSION_KEY");
      m.need(9, "SSH1_SESSION_KEY:cookie"); // cipher, cookie
      m.pos += 9;
      mpInt(m);
      m.need(4, "SSH1_SESSION_KEY:flags");
      m.pos += 4;
    } else throw new ParseError(`invalid index for case: SSH1_Message: ${type}`);
    // Zeek takes either message as the end of the side's clear text.
    this.states[isOrig ? 0 : 1] = State.Encrypted;
    if (type === SSH_CMSG_SESSION_KEY) this.host.confirm();
    r.need(4, "SSH1_Key_Exchange:crc");
    r.pos += 4;
  }

  /** SSH1's host key: as Zeek, the MD5-style text of the SHA-256 digest of modulus and exponent. */
  private ssh1HostKey(exp: Uint8Array, mod: Uint8Array): void {
    const host = this.host;
    if (host.wants("ssh_server_host_key")) {
      const digest = createHash("sha256").update(mod).update(exp).digest();
      host.raise("ssh_server_host_key", host.conn(), md5Format(digest));
      host.raise("ssh_server_host_key_fingerprint", host.conn(), sha256Format(digest));
    }
    if (host.wants("ssh1_server_host_key")) host.raise("ssh1_server_host_key", host.conn(), latin1(mod), latin1(exp));
  }

  // ---------------------------------------------------------------- encrypted data

  private encryptedSegment(len: number, isOrig: boolean): void {
    if (this.host.wants("ssh_encrypted_packet")) this.host.raise("ssh_encrypted_packet", this.host.conn(), isOrig, len);
    if (!this.authDecisionMade) this.inferAuth(len, isOrig);
  }

  /**
   * Zeek's guess at the authentication's outcome from the sizes of the
   * server's encrypted packets (SSH2 only): the first answers the service
   * request; one 16 bytes shorter is USERAUTH_SUCCESS (8 bytes decrypted);
   * the next other size is USERAUTH_FAILURE (unless over 256 bytes more
   * than the first: a banner, skipped once), and each packet of that size
   * again is another failed attempt.
   */
  private inferAuth(len: number, isOrig: boolean): void {
    if (this.version !== Version.SSH2) return;
    if (isOrig) {
      this.sawEncryptedClientData = true;
      return;
    }
    if (!this.sawEncryptedClientData) return;
    if (this.serviceAcceptSize === 0) {
      this.serviceAcceptSize = len;
      return;
    }
    if (this.userauthFailureSize === 0 && len + 16 === this.serviceAcceptSize) return this.authSucceeded(true);
    if (this.userauthFailureSize === 0) {
      if (!this.skippedBanner && len - this.serviceAcceptSize > 256) {
        this.skippedBanner = true;
        return;
      }
      this.userauthFailureSize = len;
      return;
    }
    if (len === this.userauthFailureSize) {
      if (this.host.wants("ssh_auth_attempted")) this.host.raise("ssh_auth_attempted", this.host.conn(), false);
      return;
    }
    if (len - this.serviceAcceptSize === -16) this.authSucceeded(false);
  }

  private authSucceeded(methodNone: boolean): void {
    this.authDecisionMade = true;
    if (this.host.wants("ssh_auth_attempted")) this.host.raise("ssh_auth_attempted", this.host.conn(), true);
    if (this.host.wants("ssh_auth_successful")) this.host.raise("ssh_auth_successful", this.host.conn(), methodNone);
  }
}

/** An SSH1 multiple-precision integer (binpac's ssh1_mp_int record): a bit count, then its bytes. */
function mpInt(r: Reader): Uint8Array {
  const int = r.rest();
  int.need(2, "ssh1_mp_int:len");
  const val = int.bytes((int.u16() + 7) >> 3, "ssh1_mp_int:val");
  r.skip(int);
  return val;
}

/** The bytes as C's string constructor sees them: up to the first NUL, one character per byte. */
function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return latin1(nul < 0 ? b : b.subarray(0, nul));
}

/**
 * The length of a pre-banner line's data as Zeek's pattern
 * `([^[\xC0-\xC1]|[\xF5-\xFF]])*` takes it: up to the first '[' or byte
 * 0xC0/0xC1 (the second alternative needs a ']' after a 0xF5-0xFF byte the
 * first one matches anyway). A version line leaves nothing.
 */
function preBannerLength(line: Uint8Array, isVersion: boolean): number {
  if (isVersion) return 0;
  for (let i = 0; i < line.length; i++) {
    const b = line[i]!;
    if (b === 0x5b || b === 0xc0 || b === 0xc1) return i;
  }
  return line.length;
}

const HEX = "0123456789abcdef";

/** The first 16 bytes of a digest as "aa:bb:…" (Zeek's fingerprint_md5). */
function md5Format(d: Uint8Array): string {
  let out = "";
  for (let i = 0; i < 16; i++) out += (i > 0 ? ":" : "") + HEX[d[i]! >> 4] + HEX[d[i]! & 15];
  return out;
}

/**
 * Zeek's fingerprint_sha256: "SHA256:" and the base64 of the digest cut to
 * 32 characters (Zeek encodes into a buffer of the digest's length, so the
 * last 11 characters of the 43 ssh-keygen prints are lost).
 */
function sha256Format(d: Uint8Array): string {
  return `SHA256:${Buffer.from(d).toString("base64").slice(0, 32)}`;
}

/** The SSH analyzer component (port 22, and DPD: a version line from both sides); `listener` hears each side's version line. */
export function sshAnalyzer(listener?: SshVersionListener): AnalyzerComponent {
  return {
    name: "SSH",
    script: "base/protocols/ssh",
    tcpPorts: [22],
    signatures: SSH_SIGNATURES,
    stream: (host) => new SshAnalyzer(host, listener),
  };
}

/**
 * Zeek's ssh/dpd.sig: a client version line enables SSH once the server sent
 * one too.
 */
const SSH_SIGNATURES = [
  { id: "dpd_ssh_client", proto: "tcp", payload: "[sS][sS][hH]-[12]\\.", requiresReverse: "dpd_ssh_server", enable: "ssh", tcpState: "originator" },
  { id: "dpd_ssh_server", proto: "tcp", payload: "[sS][sS][hH]-[12]\\.", tcpState: "responder" },
] as const;

/** The SSH analyzer. */
export const SSH: AnalyzerComponent = sshAnalyzer();
/** The old name of the SSH component. */
export const SSH_ANALYZER = SSH;
