/**
 * The SSH events, with Zeek's names and arguments (Zeek's ssh events.bif and
 * base/protocols/ssh/main.zeek). Strings hold one byte per character
 * (latin1), as the wire carried them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's SSH::Algorithm_Prefs: one side's preferences for each direction. */
export interface SshAlgorithmPrefs {
  client_to_server?: string[];
  server_to_client?: string[];
}

/** Zeek's SSH::Capabilities: the name lists of one side's KEXINIT (RFC 4253 §7.1). */
export interface SshCapabilities {
  kex_algorithms: string[];
  server_host_key_algorithms: string[];
  encryption_algorithms: SshAlgorithmPrefs;
  mac_algorithms: SshAlgorithmPrefs;
  compression_algorithms: SshAlgorithmPrefs;
  /** Absent when both language lists are empty. */
  languages?: SshAlgorithmPrefs;
  /** True for the responder's KEXINIT. */
  is_server: boolean;
}

export interface SshEvents {
  /** The server's version line ("SSH-2.0-OpenSSH_9.6"), without its line end. */
  ssh_server_version: [c: Connection, version: string];
  /** The client's version line. */
  ssh_client_version: [c: Connection, version: string];
  /** Authentication succeeded, as inferred from encrypted packet sizes (SSH2); once. */
  ssh_auth_successful: [c: Connection, auth_method_none: boolean];
  /** An authentication attempt, as inferred from encrypted packet sizes, and whether it succeeded. */
  ssh_auth_attempted: [c: Connection, authenticated: boolean];
  /** A KEXINIT: its cookie and name lists. */
  ssh_capabilities: [c: Connection, cookie: string, capabilities: SshCapabilities];
  /** SSH2: the server's host key blob (K_S of the key exchange reply). */
  ssh2_server_host_key: [c: Connection, key: string];
  /** SSH1: the server's host key (modulus and exponent). */
  ssh1_server_host_key: [c: Connection, modulus: string, exponent: string];
  /** The host key's MD5 fingerprint ("aa:bb:…"); for SSH1 over the SHA-256 digest, as Zeek. */
  ssh_server_host_key: [c: Connection, hash: string];
  /** The host key's fingerprint as Zeek writes it ("SHA256:" and the first 32 base64 characters). */
  ssh_server_host_key_fingerprint: [c: Connection, fingerprint: string];
  /** A segment (or the rest of one) of encrypted data: its length. */
  ssh_encrypted_packet: [c: Connection, orig: boolean, len: number];
  /** Diffie-Hellman group exchange: the server's prime and generator. */
  ssh2_dh_server_params: [c: Connection, p: string, q: string];
  /** GSS key exchange: an error message. */
  ssh2_gss_error: [c: Connection, major_status: number, minor_status: number, err_msg: string];
  /** ECDH key exchange: one side's ephemeral public key. */
  ssh2_ecc_key: [c: Connection, is_orig: boolean, q: string];
  /** ECDH key exchange: the client's init message. */
  ssh2_ecc_init: [c: Connection, is_orig: boolean];
  /** Diffie-Hellman key exchange: the client's init message. */
  ssh2_dh_gex_init: [c: Connection, is_orig: boolean];
  /** GSS key exchange: the client's init message. */
  ssh2_gss_init: [c: Connection, is_orig: boolean];
  /** RSA key exchange: the client's secret message. */
  ssh2_rsa_secret: [c: Connection, is_orig: boolean];
  /** A server line before its version line. */
  ssh_server_pre_banner_data: [c: Connection, data: string];
  /** (ssh.log script) The authentication failed; at the connection's end, once. */
  ssh_auth_failed: [c: Connection];
  /** (ssh.log script) The authentication's outcome and the attempts seen; once. */
  ssh_auth_result: [c: Connection, result: boolean, auth_attempts: number];
}

declare module "../../../event/events.js" {
  interface EventMap extends SshEvents {}
}

registerEvents<SshEvents>({
  ssh_server_version: true,
  ssh_client_version: true,
  ssh_auth_successful: true,
  ssh_auth_attempted: true,
  ssh_capabilities: true,
  ssh2_server_host_key: true,
  ssh1_server_host_key: true,
  ssh_server_host_key: true,
  ssh_server_host_key_fingerprint: true,
  ssh_encrypted_packet: true,
  ssh2_dh_server_params: true,
  ssh2_gss_error: true,
  ssh2_ecc_key: true,
  ssh2_ecc_init: true,
  ssh2_dh_gex_init: true,
  ssh2_gss_init: true,
  ssh2_rsa_secret: true,
  ssh_server_pre_banner_data: true,
  ssh_auth_failed: true,
  ssh_auth_result: true,
});
