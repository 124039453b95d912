/**
 * The SSL/TLS/DTLS analyzers' events, with Zeek's names and arguments
 * (src/analyzer/protocol/ssl/events.bif). Strings hold one byte per
 * character (latin1), counts are numbers, Zeek's index_vec / string_vec are
 * arrays. `is_client` is the side that sent the message, corrected for a
 * connection whose originator turned out to be the server (the "flipped"
 * direction Zeek infers from who sends the ClientHello).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's SSL::SignatureAndHashAlgorithm. */
export interface SignatureAndHashAlgorithm {
  HashAlgorithm: number;
  SignatureAlgorithm: number;
}

/** Zeek's SSL::PSKIdentity. */
export interface PskIdentity {
  identity: string;
  obfuscated_ticket_age: number;
}

export interface SslEvents {
  ssl_client_hello: [
    c: Connection,
    version: number,
    record_version: number,
    possible_ts: number,
    client_random: string,
    session_id: string,
    ciphers: number[],
    comp_methods: number[],
  ];
  ssl_server_hello: [
    c: Connection,
    version: number,
    record_version: number,
    possible_ts: number,
    server_random: string,
    session_id: string,
    cipher: number,
    comp_method: number,
  ];
  ssl_extension: [c: Connection, is_client: boolean, code: number, val: string];
  ssl_extension_elliptic_curves: [c: Connection, is_client: boolean, curves: number[]];
  ssl_extension_ec_point_formats: [c: Connection, is_client: boolean, point_formats: number[]];
  ssl_extension_signature_algorithm: [c: Connection, is_client: boolean, signature_algorithms: SignatureAndHashAlgorithm[]];
  ssl_extension_signature_algorithms_cert: [c: Connection, is_client: boolean, signature_schemes: number[]];
  ssl_extension_key_share: [c: Connection, is_client: boolean, curves: number[]];
  ssl_extension_pre_shared_key_client_hello: [c: Connection, is_client: boolean, identities: PskIdentity[], binders: string[]];
  ssl_extension_pre_shared_key_server_hello: [c: Connection, is_client: boolean, selected_identity: number];
  ssl_ecdh_server_params: [c: Connection, curve: number, point: string];
  ssl_dh_server_params: [c: Connection, p: string, q: string, Ys: string];
  ssl_server_signature: [c: Connection, signature_and_hashalgorithm: SignatureAndHashAlgorithm, signature: string];
  ssl_ecdh_client_params: [c: Connection, point: string];
  ssl_dh_client_params: [c: Connection, Yc: string];
  ssl_rsa_client_pms: [c: Connection, pms: string];
  ssl_extension_application_layer_protocol_negotiation: [c: Connection, is_client: boolean, protocols: string[]];
  ssl_extension_server_name: [c: Connection, is_client: boolean, names: string[]];
  ssl_extension_supported_versions: [c: Connection, is_client: boolean, versions: number[]];
  ssl_extension_psk_key_exchange_modes: [c: Connection, is_client: boolean, modes: number[]];
  ssl_extension_connection_id: [c: Connection, is_client: boolean, cid: string];
  ssl_extension_encrypted_client_hello: [
    c: Connection,
    is_client: boolean,
    kdf_id: number,
    aead_id: number,
    config_id: number,
    enc: string,
    payload_length: number,
  ];
  ssl_established: [c: Connection];
  ssl_alert: [c: Connection, is_client: boolean, level: number, desc: number];
  ssl_session_ticket_handshake: [c: Connection, ticket_lifetime_hint: number, ticket: string];
  ssl_heartbeat: [c: Connection, is_client: boolean, length: number, heartbeat_type: number, payload_length: number, payload: string];
  ssl_plaintext_data: [c: Connection, is_client: boolean, record_version: number, content_type: number, length: number];
  ssl_encrypted_data: [c: Connection, is_client: boolean, record_version: number, content_type: number, length: number];
  ssl_probable_encrypted_handshake_message: [c: Connection, is_client: boolean, length: number];
  ssl_stapled_ocsp: [c: Connection, is_client: boolean, response: string];
  ssl_handshake_message: [c: Connection, is_client: boolean, msg_type: number, length: number];
  ssl_change_cipher_spec: [c: Connection, is_client: boolean];
  ssl_connection_flipped: [c: Connection];
  ssl_certificate_request: [
    c: Connection,
    is_client: boolean,
    certificate_types: number[],
    supported_signature_algorithms: SignatureAndHashAlgorithm[],
    certificate_authorities: string[],
  ];
}

declare module "../../../event/events.js" {
  interface EventMap extends SslEvents {}
}

registerEvents<SslEvents>({
  ssl_client_hello: true,
  ssl_server_hello: true,
  ssl_extension: true,
  ssl_extension_elliptic_curves: true,
  ssl_extension_ec_point_formats: true,
  ssl_extension_signature_algorithm: true,
  ssl_extension_signature_algorithms_cert: true,
  ssl_extension_key_share: true,
  ssl_extension_pre_shared_key_client_hello: true,
  ssl_extension_pre_shared_key_server_hello: true,
  ssl_ecdh_server_params: true,
  ssl_dh_server_params: true,
  ssl_server_signature: true,
  ssl_ecdh_client_params: true,
  ssl_dh_client_params: true,
  ssl_rsa_client_pms: true,
  ssl_extension_application_layer_protocol_negotiation: true,
  ssl_extension_server_name: true,
  ssl_extension_supported_versions: true,
  ssl_extension_psk_key_exchange_modes: true,
  ssl_extension_connection_id: true,
  ssl_extension_encrypted_client_hello: true,
  ssl_established: true,
  ssl_alert: true,
  ssl_session_ticket_handshake: true,
  ssl_heartbeat: true,
  ssl_plaintext_data: true,
  ssl_encrypted_data: true,
  ssl_probable_encrypted_handshake_message: true,
  ssl_stapled_ocsp: true,
  ssl_handshake_message: true,
  ssl_change_cipher_spec: true,
  ssl_connection_flipped: true,
  ssl_certificate_request: true,
});
