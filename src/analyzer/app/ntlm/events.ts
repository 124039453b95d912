/**
 * The NTLM events, with Zeek's names and arguments (Zeek's ntlm events.bif,
 * records of init-bare.zeek's NTLM module). Strings hold one byte per
 * character (latin1): names are the UTF-8 bytes of the UTF-16 text.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** NTLM::NegotiateFlags. */
export interface NtlmNegotiateFlags {
  negotiate_56: boolean;
  negotiate_key_exch: boolean;
  negotiate_128: boolean;
  negotiate_version: boolean;
  negotiate_target_info: boolean;
  request_non_nt_session_key: boolean;
  negotiate_identify: boolean;
  negotiate_extended_sessionsecurity: boolean;
  target_type_server: boolean;
  target_type_domain: boolean;
  negotiate_always_sign: boolean;
  negotiate_oem_workstation_supplied: boolean;
  negotiate_oem_domain_supplied: boolean;
  negotiate_anonymous_connection: boolean;
  negotiate_ntlm: boolean;
  negotiate_lm_key: boolean;
  negotiate_datagram: boolean;
  negotiate_seal: boolean;
  negotiate_sign: boolean;
  request_target: boolean;
  negotiate_oem: boolean;
  negotiate_unicode: boolean;
}

/** NTLM::Version. */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  ntlmssp: number;
}

/** NTLM::AVs: a challenge's target information. */
export interface NtlmAVs {
  /** Declared non-optional by Zeek, but unset when the message lacks it. */
  nb_computer_name?: string;
  nb_domain_name?: string;
  dns_computer_name?: string;
  dns_domain_name?: string;
  dns_tree_name?: string;
  constrained_auth?: boolean;
  timestamp?: number;
  single_host_id?: number;
  target_name?: string;
}

/** NTLM::Negotiate. */
export interface NtlmNegotiate {
  flags: NtlmNegotiateFlags;
  domain_name?: string;
  workstation?: string;
  version?: NtlmVersion;
}

/** NTLM::Challenge. */
export interface NtlmChallenge {
  flags: NtlmNegotiateFlags;
  /** The 64-bit server challenge (a number: exact only below 2^53, as other 64-bit counts here). */
  challenge: number;
  target_name?: string;
  version?: NtlmVersion;
  target_info?: NtlmAVs;
}

/** NTLM::Authenticate. */
export interface NtlmAuthenticate {
  flags: NtlmNegotiateFlags;
  domain_name?: string;
  user_name?: string;
  workstation?: string;
  session_key?: string;
  version?: NtlmVersion;
  response?: string;
}

export interface NtlmEvents {
  ntlm_negotiate: [c: Connection, negotiate: NtlmNegotiate];
  ntlm_challenge: [c: Connection, challenge: NtlmChallenge];
  ntlm_authenticate: [c: Connection, request: NtlmAuthenticate];
}

declare module "../../../event/events.js" {
  interface EventMap extends NtlmEvents {}
}

registerEvents<NtlmEvents>({ ntlm_negotiate: true, ntlm_challenge: true, ntlm_authenticate: true });
