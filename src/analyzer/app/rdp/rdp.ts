/**
 * The RDP analyzer (Zeek's RDP, rdp-protocol.pac): the connection sequence
 * in TPKT/X.224 — the client's Connection Request (routing cookie,
 * negotiation request), the server's Connection Confirm (negotiation
 * response or failure), the MCS Connect Initial's client data blocks (core,
 * security, network, cluster) and the Connect Response's server blocks
 * (core, security with its proprietary or X.509 certificates, network).
 * Once the negotiation picked TLS or CredSSP, or standard RDP security turned
 * encryption on, the stream is handed on: to an SSL child (`rdp,ssl`… as the
 * children confirm), or, for RDP's own encryption, only counted
 * (rdp_native_encrypted_data).
 *
 * As Zeek's binpac flow: a TPKT is parsed once complete; a parse error is a
 * violation; after a content gap nothing more is parsed.
 */

import { zeekTimeText } from "../../../files/manager.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, badCase, outOfBound, utf16ToUtf8Val } from "../binpac.js";
import { ByteReader } from "../reader.js";
import type { Signature } from "../signature.js";
import { asn1, asn1Meta } from "./asn1.js";
import type { RdpClientChannelDef, RdpClientCoreData } from "./events.js";
import "./events.js";
import { idString } from "../../../scripts/conn-ids.js";

/** Zeek's MAX_DATA_LENGTH for RDP's certificate and key lengths. */
const MAX_DATA_LENGTH = 262144;
/** A TPKT's length is 16 bits: the reassembly buffer's bound. */
const MAX_TPKT = 0xffff;

class RdpAnalyzer implements StreamAnalyzer {
  /** Each side's incomplete TPKT ([orig, resp]). */
  private pending: [Uint8Array | null, Uint8Array | null] = [null, null];
  private hadGap = false;
  private encrypted = false;
  private encryptionMethod = 0;
  private tls: ChildStream | null = null;
  private tlsActive = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.host.isPartial() || this.hadGap) return;
    if (this.encrypted) {
      // 0 is RDP's own encryption; TLS (1) and CredSSP (2, 8) are TLS on the wire.
      if (this.encryptionMethod > 0) {
        if (!this.tlsActive) {
          this.tlsActive = true;
          this.tls = this.host.addChild("SSL");
        }
        if (this.tls?.active) this.tls.deliverStream(isOrig, seq, data);
      } else this.host.raise("rdp_native_encrypted_data", this.host.conn(), isOrig, data.length);
      return;
    }
    const side = isOrig ? 0 : 1;
    const old = this.pending[side];
    let buf = data;
    if (old !== null) {
      buf = new Uint8Array(old.length + data.length);
      buf.set(old);
      buf.set(data, old.length);
    }
    let at = 0;
    try {
      while (buf.length - at >= 4) {
        const len = (buf[at + 2]! << 8) | buf[at + 3]!;
        if (len < 4) throw outOfBound("TPKT:tpkt_len", 4, len);
        if (buf.length - at < len) break;
        this.tpkt(isOrig, new ByteReader(buf, at + 4, at + len));
        at += len;
      }
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
      this.pending[side] = null;
      return;
    }
    this.pending[side] = at < buf.length ? buf.slice(at, Math.min(buf.length, at + MAX_TPKT)) : null;
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tlsActive && this.tls?.active) this.tls.undelivered(isOrig, seq, len);
    this.hadGap = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.tlsActive && this.tls?.active) this.tls.endOfData(isOrig);
  }

  done(): void {}

  /** Zeek's go_encrypted: rdp_begin_encryption, and the stream is handed on from the next delivery. */
  private goEncrypted(method: number): void {
    this.encrypted = true;
    this.encryptionMethod = method;
    this.host.raise("rdp_begin_encryption", this.host.conn(), method);
  }

  /** One TPKT's COTP part (after the 4-byte TPKT header). */
  private tpkt(_isOrig: boolean, r: ByteReader): void {
    const cotpLen = r.u8("COTP:cotp_len");
    const pdu = r.u8("COTP:pdu");
    switch (pdu) {
      case 0xd0:
        this.connectConfirm(r, cotpLen);
        break;
      case 0xe0:
        this.connectRequest(r, cotpLen);
        break;
      case 0xf0: {
        r.u8("DT_Data:tpdu_number");
        r.u8("DT_Data:application_defined_type");
        const type = r.u8("DT_Data:application_type");
        if (type === 0x65) this.clientHeader(r);
        else if (type === 0x66) this.serverHeader(r);
        break;
      }
      default:
        break;
    }
  }

  private connectRequest(r: ByteReader, cotpLen: number): void {
    const start = r.at;
    r.skip(5, "Connect_Request:flow_control");
    let cookie = "";
    if (r.optional("Cookie: mstshash=")) {
      let end = r.at;
      while (end < r.end && r.d[end] !== 0x0d) end++;
      cookie = latin1(r.d.subarray(r.at, end));
      r.at = end;
      r.literal("\r\n", "RDP_Connect_Request_cookie:cookie_terminator");
    }
    let flags = 0;
    // Zeek's test for data left in the COTP part: where this field starts, against the length byte.
    if (r.at - start + 2 - cotpLen - 1 !== 0) {
      r.u8("RDP_Negotiation_Request:type");
      flags = r.u8("RDP_Negotiation_Request:flags");
      if (r.u16le("RDP_Negotiation_Request:length") !== 8) throw new BinpacError("&enforce violation : RDP_Negotiation_Request:length");
      r.u32le("RDP_Negotiation_Request:requested_protocols");
    }
    this.host.raise("rdp_connect_request", this.host.conn(), cookie, flags);
  }

  private connectConfirm(r: ByteReader, cotpLen: number): void {
    r.skip(5, "Connect_Confirm:flags");
    if (5 + 2 - cotpLen - 1 === 0) return;
    const type = r.u8("Connect_Confirm_Record:response_type");
    if (type === 0x02) {
      const flags = r.u8("RDP_Negotiation_Response:flags");
      if (r.u16le("RDP_Negotiation_Response:length") !== 8) throw new BinpacError("&enforce violation : RDP_Negotiation_Response:length");
      const selected = r.u32le("RDP_Negotiation_Response:selected_protocol");
      if (selected > 0) this.goEncrypted(selected);
      this.host.raise("rdp_negotiation_response", this.host.conn(), selected, flags);
    } else if (type === 0x03) {
      const flags = r.u8("RDP_Negotiation_Failure:flags");
      r.u16le("RDP_Negotiation_Failure:length");
      const code = r.u32le("RDP_Negotiation_Failure:failure_code");
      this.host.raise("rdp_negotiation_failure", this.host.conn(), code, flags);
    } else throw badCase("Connect_Confirm_Record", type);
  }

  /** The MCS Connect Initial's header, the GCC Conference Create Request, then the client's data blocks. */
  private clientHeader(r: ByteReader): void {
    asn1(r, "Client_Header:type_length");
    asn1(r, "Client_Header:calling_domain_selector");
    asn1(r, "Client_Header:called_domain_selector");
    asn1(r, "Client_Header:upward_flag");
    for (const p of ["target_parameters", "minimum_parameters", "maximum_parameters"]) r.skip(asn1Meta(r, `Client_Header:${p}`), `Client_Header:${p}`);
    r.skip(4, "Client_Header:user_data_length");
    r.skip(r.u16be("GCC_Client_Connection_Data:key_object_length"), "GCC_Client_Connection_Data:key_object");
    r.skip(2, "GCC_Client_Connection_Data:connect_data_connect_pdu");
    r.skip(8, "GCC_Client_Create_Request:h221_nonstandard_length");
    r.literal("Duca", "GCC_Client_Create_Request:h221_nonstandard_key");
    r.skip(2, "GCC_Client_Create_Request:user_data_value_length");
    this.dataBlocks(r);
  }

  /** The MCS Connect Response's header, the GCC Conference Create Response, then the server's data blocks. */
  private serverHeader(r: ByteReader): void {
    r.skip(3, "Server_Header:type_length");
    asn1(r, "Server_Header:connect_response_result");
    asn1(r, "Server_Header:connect_response_called_id");
    r.skip(asn1Meta(r, "Server_Header:connect_response_domain_parameters"), "Server_Header:domain_parameters");
    r.skip(4, "Server_Header:user_data_length");
    r.skip(r.u16be("GCC_Server_Connection_Data:key_object_length"), "GCC_Server_Connection_Data:key_object");
    r.skip(1, "GCC_Server_Connection_Data:connect_data_connect_pdu");
    r.skip(1 + 2 + 1 + 1, "GCC_Server_Create_Response:tag");
    const result = r.u8("GCC_Server_Create_Response:result");
    r.skip(3, "GCC_Server_Create_Response:h221_nonstandard_length");
    r.literal("McDn", "GCC_Server_Create_Response:h221_nonstandard_key");
    r.skip(2, "GCC_Server_Create_Response:user_data_value_length");
    this.host.confirm();
    this.host.raise("rdp_gcc_server_create_response", this.host.conn(), result);
    this.dataBlocks(r);
  }

  private dataBlocks(r: ByteReader): void {
    while (r.left > 0) {
      const type = r.u16le("Data_Header:type");
      const length = r.u16le("Data_Header:length");
      const b = r.sub(length - 4, "Data_Block:block");
      switch (type) {
        case 0xc001:
          this.clientCore(b);
          break;
        case 0xc002: {
          const encryption_methods = b.u32le("Client_Security_Data:encryption_methods");
          const ext_encryption_methods = b.u32le("Client_Security_Data:ext_encryption_methods");
          this.host.raise("rdp_client_security_data", this.host.conn(), { encryption_methods, ext_encryption_methods });
          break;
        }
        case 0xc003:
          this.clientNetwork(b);
          break;
        case 0xc004: {
          const flags = b.u32le("Client_Cluster_Data:flags");
          const id = b.u32le("Client_Cluster_Data:redir_session_id");
          this.host.raise("rdp_client_cluster_data", this.host.conn(), {
            flags,
            redir_session_id: id,
            redir_supported: (id & 0x01) !== 0,
            svr_session_redir_version_mask: id & 0x3c,
            redir_sessionid_field_valid: (id & 0x02) !== 0,
            redir_smartcard: (id & 0x40) !== 0,
          });
          break;
        }
        case 0x0c01:
          b.skip(4, "Server_Core_Data:version_minor");
          if (length !== 8) b.skip(4, "Server_Core_Data:client_requested_protocols");
          break;
        case 0x0c02:
          this.serverSecurity(b);
          break;
        case 0x0c03:
          b.skip(4, "Server_Network_Data:channel_count");
          break;
        default:
          break;
      }
    }
  }

  private clientCore(b: ByteReader): void {
    const w = (f: string): number => b.u16le(`Client_Core_Data:${f}`);
    const d = (f: string): number => b.u32le(`Client_Core_Data:${f}`);
    const version_major = w("version_major");
    const version_minor = w("version_minor");
    const desktop_width = w("desktop_width");
    const desktop_height = w("desktop_height");
    const color_depth = w("color_depth");
    const sas_sequence = w("sas_sequence");
    const keyboard_layout = d("keyboard_layout");
    const client_build = d("client_build");
    const clientName = b.bytes(32, "Client_Core_Data:client_name");
    const keyboard_type = d("keyboard_type");
    const keyboard_sub = d("keyboard_sub");
    const keyboard_function_key = d("keyboard_function_key");
    const imeFileName = b.bytes(64, "Client_Core_Data:ime_file_name");
    const post_beta2_color_depth = w("post_beta2_color_depth");
    const client_product_id = w("client_product_id");
    const serial_number = d("serial_number");
    const high_color_depth = w("high_color_depth");
    const supported_color_depths = w("supported_color_depths");
    const ec = w("early_capability_flags");
    const digProductId = b.bytes(64, "Client_Core_Data:dig_product_id");
    this.host.confirm();
    if (!this.host.wants("rdp_client_core_data")) return;
    const data: RdpClientCoreData = {
      version_major,
      version_minor,
      desktop_width,
      desktop_height,
      color_depth,
      sas_sequence,
      keyboard_layout,
      client_build,
      client_name: utf16ToUtf8Val(clientName),
      keyboard_type,
      keyboard_sub,
      keyboard_function_key,
      ime_file_name: utf16ToUtf8Val(imeFileName),
      post_beta2_color_depth,
      client_product_id,
      serial_number,
      high_color_depth,
      supported_color_depths,
      ec_flags: {
        support_err_info_pdu: (ec & 0x01) !== 0,
        want_32bpp_session: (ec & 0x02) !== 0,
        support_statusinfo_pdu: (ec & 0x04) !== 0,
        strong_asymmetric_keys: (ec & 0x08) !== 0,
        support_monitor_layout_pdu: (ec & 0x40) !== 0,
        support_netchar_autodetect: (ec & 0x80) !== 0,
        support_dynvc_gfx_protocol: (ec & 0x100) !== 0,
        support_dynamic_time_zone: (ec & 0x200) !== 0,
        support_heartbeat_pdu: (ec & 0x400) !== 0,
      },
      dig_product_id: utf16ToUtf8Val(digProductId),
    };
    this.host.raise("rdp_client_core_data", this.host.conn(), data);
  }

  private clientNetwork(b: ByteReader): void {
    const count = b.u32le("Client_Network_Data:channel_count");
    if (count > 1000) throw new BinpacError("&enforce violation : Client_Network_Data:channel_count");
    b.need(count * 12, "Client_Network_Data:channel_def_array");
    const channels: RdpClientChannelDef[] = [];
    for (let i = 0; i < count; i++) {
      const name = latin1(b.bytes(8, "Client_Channel_Def:name"));
      const o = b.u32le("Client_Channel_Def:options");
      channels.push({
        name,
        options: o,
        initialized: (o & 0x80000000) !== 0,
        encrypt_rdp: (o & 0x40000000) !== 0,
        encrypt_sc: (o & 0x20000000) !== 0,
        encrypt_cs: (o & 0x10000000) !== 0,
        pri_high: (o & 0x08000000) !== 0,
        pri_med: (o & 0x04000000) !== 0,
        pri_low: (o & 0x02000000) !== 0,
        compress_rdp: (o & 0x00800000) !== 0,
        compress: (o & 0x00400000) !== 0,
        show_protocol: (o & 0x00200000) !== 0,
        persistent: (o & 0x00100000) !== 0,
      });
    }
    if (channels.length > 0) this.host.raise("rdp_client_network_data", this.host.conn(), channels);
  }

  private serverSecurity(b: ByteReader): void {
    const method = b.u32le("Server_Security_Data:encryption_method");
    const level = b.u32le("Server_Security_Data:encryption_level");
    const randomLength = b.u32le("Server_Security_Data:server_random_length");
    if (!((level === 0 && method === 0 && randomLength === 0) || randomLength === 0x20))
      throw new BinpacError("&enforce violation : Server_Security_Data:server_random_length");
    const certLength = b.u32le("Server_Security_Data:server_cert_length");
    b.skip(randomLength, "Server_Security_Data:server_random");
    this.serverCertificate(b.sub(certLength, "Server_Security_Data:server_certificate"));
    if (method > 0 && level > 0) this.goEncrypted(0);
    this.host.confirm();
    this.host.raise("rdp_server_security", this.host.conn(), method, level);
  }

  private serverCertificate(c: ByteReader): void {
    const version = c.u32le("Server_Certificate:version");
    const type = (version & 0x7fffffff) >>> 0;
    if (type === 1) {
      c.skip(8, "Server_Proprietary_Cert:key_algorithm");
      c.u16le("Server_Proprietary_Cert:public_key_blob_type");
      const blob = c.sub(c.u16le("Server_Proprietary_Cert:public_key_blob_length"), "Server_Proprietary_Cert:public_key_blob");
      blob.skip(4, "Public_Key_Blob:magic");
      const keyLength = blob.u32le("Public_Key_Blob:key_length");
      if (keyLength > MAX_DATA_LENGTH) throw new BinpacError("&enforce violation : Public_Key_Blob:key_length");
      blob.skip(8, "Public_Key_Blob:public_exponent");
      blob.skip(keyLength, "Public_Key_Blob:modulus");
      c.u16le("Server_Proprietary_Cert:signature_blob_type");
      c.skip(c.u16le("Server_Proprietary_Cert:signature_blob_length"), "Server_Proprietary_Cert:signature_blob");
    } else if (type === 2) {
      const n = c.u32le("X509:num_of_certs");
      if (n > 1000) throw new BinpacError("&enforce violation : X509:num_of_certs");
      for (let i = 0; i < n; i++) {
        const len = c.u32le("X509_Cert_Data:cert_len");
        if (len > MAX_DATA_LENGTH) throw new BinpacError("&enforce violation : X509_Cert_Data:cert_len");
        this.certificateFile(c.bytes(len, "X509_Cert_Data:cert"));
      }
    } else throw badCase("Server_Certificate", type);
    this.host.raise("rdp_server_certificate", this.host.conn(), type, (version & 0x80000000) === 0);
  }

  /** An X.509 certificate to the files framework: every one of a connection under the same handle, as Zeek's. */
  private certificateFile(cert: Uint8Array): void {
    const c = this.host.conn();
    const fuid = this.host.files.fuid(`Analyzer::ANALYZER_RDP${zeekTimeText(c.start_time)}${idString(c.id)}`);
    const open = this.host.files.dataIn(fuid, false, cert, undefined, "application/x-x509-user-cert");
    this.host.files.endOfFile(open === "" ? fuid : open);
  }
}

/**
 * Zeek's rdp/dpd.sig: a client request with a routing cookie or the GCC
 * request's client blocks (with a known channel name), once the server
 * answered with a Connection Confirm or a GCC response; RDPEUDP's SYN
 * datagram (a fixed-size, padded first datagram).
 */
export const RDP_SIGNATURES: readonly Signature[] = [
  {
    id: "dpd_rdp_client",
    proto: "tcp",
    payload: ".*(Cookie: mstshash=|Duca.*(rdpdr|rdpsnd|drdynvc|cliprdr))",
    requiresReverse: "dpd_rdp_server",
    enable: "rdp",
  },
  { id: "dpd_rdp_server", proto: "tcp", payload: "(.{5}\\xd0|.*McDn)" },
  {
    id: "dpd_rdpeudp_syn",
    proto: "udp",
    payload: "\\xff{4}.{2}.{1}\\x01",
    payloadSize: [
      { op: "<=", value: 1232 },
      { op: ">=", value: 1132 },
    ],
    enable: "rdpeudp",
  },
];

export const RDP: AnalyzerComponent = {
  name: "RDP",
  script: "base/protocols/rdp",
  tcpPorts: [3389],
  signatures: RDP_SIGNATURES.filter((s) => s.proto === "tcp"),
  stream: (host) => new RdpAnalyzer(host),
};
