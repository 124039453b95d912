/**
 * The MySQL analyzer (Zeek's MySQL, mysql-protocol.pac): the classic
 * client/server protocol's packets (a 3-byte length and a sequence id), in
 * the connection phase (the server's initial handshake v9/v10, the client's
 * handshake response, authentication switches and more-data exchanges) and
 * the command phase (commands, and their OK/ERR/EOF replies and text
 * resultsets), with query attributes, COM_CHANGE_USER, and the TLS upgrade
 * after an SSL request (`mysql,ssl`). Zeek registers it on ports 1434 and
 * 3306 only (no DPD signature).
 *
 * As Zeek's binpac flow: a packet is parsed once it is complete; a parse
 * error is a violation ("Binpac exception: …") and drops what was buffered;
 * after a content gap nothing more is parsed; after the SSL request both
 * sides go to the SSL child.
 */

import { DOUBLE_ZERO } from "../../../doubles.js";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, ChildStream, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError, badCase } from "../binpac.js";
import { ByteReader } from "../reader.js";
import { lei, leiAfter, les } from "./reader.js";
import "./events.js";

const COM_QUIT = 0x01,
  COM_INIT_DB = 0x02,
  COM_QUERY = 0x03,
  COM_FIELD_LIST = 0x04,
  COM_CREATE_DB = 0x05,
  COM_DROP_DB = 0x06;
const COM_REFRESH = 0x07,
  COM_SHUTDOWN = 0x08,
  COM_STATISTICS = 0x09,
  COM_PROCESS_INFO = 0x0a,
  COM_CONNECT = 0x0b;
const COM_PROCESS_KILL = 0x0c,
  COM_DEBUG = 0x0d,
  COM_PING = 0x0e,
  COM_TIME = 0x0f,
  COM_DELAYED_INSERT = 0x10;
const COM_CHANGE_USER = 0x11,
  COM_DAEMON = 0x1d,
  COM_RESET_CONNECTION = 0x1f;

const CLIENT_CONNECT_WITH_DB = 0x00000008;
const CLIENT_SSL = 0x00000800;
const CLIENT_PLUGIN_AUTH = 0x00080000;
const CLIENT_CONNECT_ATTRS = 0x00100000;
const CLIENT_DEPRECATE_EOF = 0x01000000;
const CLIENT_ZSTD_COMPRESSION_ALGORITHM = 0x04000000;
const CLIENT_QUERY_ATTRIBUTES = 0x08000000;

const enum Phase {
  Connection,
  Command,
}

const enum ConnExpect {
  Handshake,
  AuthData,
}

/** What the server's next command-phase packet is (Zeek's Expected). */
const enum Expect {
  Nothing,
  Status,
  ColumnDefinition,
  ColumnDefinitionOrEof,
  ColumnCount,
  EofThenResultset,
  Resultset,
  RestOfPacket,
}

/** A packet is at most 2^24-1 bytes plus its header: the reassembly buffer's bound. */
const MAX_PACKET = 0xffffff + 4;
/** The first allocation for a packet that spans deliveries. */
const INITIAL_BUFFER = 4096;

/**
 * One side's packet reassembly: the header, then the packet's bytes. The
 * buffer grows with what arrives (doubling), so a header that claims 16 MB
 * costs only the bytes really sent.
 */
class PacketBuffer {
  private head = new Uint8Array(4);
  private headLen = 0;
  private body: Uint8Array | null = null;
  private bodyLen = 0;
  /** The size of the packet being assembled (header included). */
  private total = 0;

  /** Calls `packet` for each complete packet in `data` (a view into the caller's buffer when whole). */
  feed(data: Uint8Array, packet: (p: Uint8Array) => boolean): void {
    let at = 0;
    while (at < data.length) {
      if (this.body === null) {
        if (this.headLen === 0 && data.length - at >= 4) {
          const total = (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16)) + 4;
          if (data.length - at >= total) {
            const p = data.subarray(at, at + total);
            at += total;
            if (!packet(p)) return;
            continue;
          }
        }
        while (this.headLen < 4 && at < data.length) this.head[this.headLen++] = data[at++]!;
        if (this.headLen < 4) return;
        this.total = Math.min((this.head[0]! | (this.head[1]! << 8) | (this.head[2]! << 16)) + 4, MAX_PACKET);
        this.body = new Uint8Array(Math.min(this.total, INITIAL_BUFFER));
        this.body.set(this.head);
        this.bodyLen = 4;
        this.headLen = 0;
      }
      const take = Math.min(this.total - this.bodyLen, data.length - at);
      if (this.bodyLen + take > this.body.length) {
        const grown = new Uint8Array(Math.min(this.total, Math.max(this.bodyLen + take, this.body.length * 2)));
        grown.set(this.body.subarray(0, this.bodyLen));
        this.body = grown;
      }
      this.body.set(data.subarray(at, at + take), this.bodyLen);
      this.bodyLen += take;
      at += take;
      if (this.bodyLen < this.total) return;
      const body = this.body;
      this.body = null;
      if (!packet(body)) return;
    }
  }

  /** Zeek's DiscardData after a parse error: what was buffered is dropped. */
  clear(): void {
    this.headLen = 0;
    this.body = null;
  }
}

class MysqlAnalyzer implements StreamAnalyzer {
  private readonly buffers = [new PacketBuffer(), new PacketBuffer()];
  private version = 0;
  private previousSeqId = 0;
  private phase = Phase.Connection;
  private expected = Expect.Status;
  private connExpected = ConnExpect.Handshake;
  private colCount = 0;
  private remainingCols = 0;
  private deprecateEof = false;
  private serverQueryAttrs = false;
  private clientQueryAttrs = false;
  /** A uint32 flag word: a double from the start, as values past 2^31 are (see doubles.ts). */
  private clientCapabilities = DOUBLE_ZERO;
  private hadGap = false;
  private tls: ChildStream | null = null;
  private tlsActive = false;

  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, seq: number, data: Uint8Array): void {
    if (this.tlsActive) {
      if (this.tls?.active) this.tls.deliverStream(isOrig, seq, data);
      return;
    }
    if (this.host.isPartial() || this.hadGap) return;
    const buffer = this.buffers[isOrig ? 0 : 1]!;
    buffer.feed(data, (p) => {
      try {
        this.packet(isOrig, p);
        return true;
      } catch (err) {
        if (!(err instanceof BinpacError)) throw err;
        this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
        buffer.clear();
        return false;
      }
    });
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    if (this.tlsActive && this.tls?.active) this.tls.undelivered(isOrig, seq, len);
    this.hadGap = true;
  }

  endOfData(isOrig: boolean): void {
    if (this.tlsActive && this.tls?.active) this.tls.endOfData(isOrig);
  }

  done(): void {}

  private packet(isOrig: boolean, p: Uint8Array): void {
    const r = new ByteReader(p, 4, p.length);
    const seqId = p[3]!;
    if (isOrig) {
      if (this.phase === Phase.Connection) this.clientConnectionPhase(r);
      else this.commandRequest(r, p.length);
      return;
    }
    const initial = seqId === 0 && this.previousSeqId !== 255;
    if (this.phase === Phase.Connection) {
      if (initial) this.initialHandshake(r);
      else this.serverConnectionPhase(r);
    } else this.commandResponse(r, p.length);
    this.previousSeqId = seqId;
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    if (phase === Phase.Command) this.connExpected = ConnExpect.Handshake;
  }

  // ---------------------------------------------------------------- connection phase

  private initialHandshake(r: ByteReader): void {
    const version = r.u8("Initial_Handshake_Packet:version");
    let serverVersion: string;
    let plugin: { name: string; data: Uint8Array } | null = null;
    if (version === 10) {
      serverVersion = r.nulString("Handshake_v10:server_version");
      r.skip(4, "Handshake_v10:connection_id");
      const part1 = r.bytes(8, "Handshake_v10:auth_plugin_data_part_1");
      r.skip(1, "Handshake_v10:filler_1");
      r.u16le("Handshake_v10:capability_flag_1");
      r.skip(3, "Handshake_v10:status_flags");
      const caps2 = r.u16le("Handshake_v10:capability_flags_2");
      const dataLen = r.u8("Handshake_v10:auth_plugin_data_len");
      if (dataLen !== 0 && dataLen < 21) throw new BinpacError("&enforce violation : Handshake_v10:auth_plugin_data_len");
      r.skip(10, "Handshake_v10:reserved");
      const part2 = r.bytes(dataLen > 21 ? dataLen - 8 : 13, "Handshake_v10:auth_plugin_data_part_2");
      const caps = (caps2 << 16) >>> 0;
      if (caps & CLIENT_PLUGIN_AUTH) plugin = { name: r.nulString("Handshake_v10:auth_plugin"), data: concatBytes(part1, part2) };
      this.serverQueryAttrs = (caps & CLIENT_QUERY_ATTRIBUTES) !== 0;
    } else if (version === 9) {
      serverVersion = r.nulString("Handshake_v9:server_version");
      r.skip(4, "Handshake_v9:connection_id");
      r.nulString("Handshake_v9:scramble");
    } else {
      this.version = version;
      this.errPacket(r);
      return;
    }
    this.version = version;
    this.host.raise("mysql_server_version", this.host.conn(), serverVersion);
    if (plugin !== null && this.host.wants("mysql_auth_plugin"))
      this.host.raise("mysql_auth_plugin", this.host.conn(), false, plugin.name, latin1(plugin.data));
  }

  private serverConnectionPhase(r: ByteReader): void {
    const type = r.u8("Server_Connection_Phase_Packets:pkt_type");
    switch (type) {
      case 0x00:
        this.okPacket(r);
        break;
      case 0x01:
        if (this.host.wants("mysql_auth_more_data")) this.host.raise("mysql_auth_more_data", this.host.conn(), false, latin1(r.rest()));
        break;
      case 0xfe: {
        const name = r.nulString("AuthSwitchRequest:name");
        const data = r.rest();
        this.connExpected = ConnExpect.AuthData;
        this.expected = Expect.Status;
        if (this.host.wants("mysql_auth_switch_request")) this.host.raise("mysql_auth_switch_request", this.host.conn(), name, latin1(data));
        break;
      }
      case 0xff:
        this.errPacket(r);
        break;
      default:
        throw badCase("Server_Connection_Phase_Packets", type);
    }
  }

  private clientConnectionPhase(r: ByteReader): void {
    if (this.connExpected === ConnExpect.AuthData) {
      if (this.host.wants("mysql_auth_more_data")) this.host.raise("mysql_auth_more_data", this.host.conn(), true, latin1(r.rest()));
      return;
    }
    if (this.version === 10) this.handshakeResponse10(r);
    else if (this.version === 9) this.handshakeResponse9(r);
    else throw badCase("Handshake_Response_Packet", this.version);
  }

  private handshakeResponse10(r: ByteReader): void {
    const caps = r.u32le("Handshake_Response_Packet_v10:cap_flags");
    r.skip(4 + 1 + 23, "Handshake_Response_Packet_v10:pad");
    let username = "";
    let plugin: { name: string; data: Uint8Array } | null = null;
    if (!(caps & CLIENT_SSL)) {
      username = r.nulString("Handshake_Credentials_v10:username");
      const password = les(r, "Handshake_Credentials_v10:password");
      if (caps & CLIENT_CONNECT_WITH_DB) r.nulString("Handshake_Plain_v10:database");
      if (caps & CLIENT_PLUGIN_AUTH) plugin = { name: r.optionalNulString(), data: password };
      if (caps & CLIENT_CONNECT_ATTRS) connectionAttributes(r);
      if (caps & CLIENT_ZSTD_COMPRESSION_ALGORITHM) r.u8("Handshake_Plain_v10:zstd_compression_level");
      if (caps & CLIENT_PLUGIN_AUTH) this.connExpected = ConnExpect.AuthData;
    }
    this.deprecateEof = (caps & CLIENT_DEPRECATE_EOF) !== 0;
    this.clientQueryAttrs = (caps & CLIENT_QUERY_ATTRIBUTES) !== 0;
    this.clientCapabilities = caps;
    this.host.confirm();
    if (caps & CLIENT_SSL) {
      this.startTls();
      this.host.raise("mysql_ssl_request", this.host.conn());
      return;
    }
    this.host.raise("mysql_handshake", this.host.conn(), username);
    if (plugin !== null && this.host.wants("mysql_auth_plugin")) this.host.raise("mysql_auth_plugin", this.host.conn(), true, plugin.name, latin1(plugin.data));
  }

  private handshakeResponse9(r: ByteReader): void {
    const caps = r.u16le("Handshake_Response_Packet_v9:cap_flags");
    r.skip(3, "Handshake_Response_Packet_v9:max_pkt_size");
    const username = r.nulString("Handshake_Response_Packet_v9:username");
    r.nulString("Handshake_Response_Packet_v9:auth_response");
    if (caps & CLIENT_CONNECT_WITH_DB) r.nulString("Handshake_Response_Packet_v9:database");
    r.rest();
    this.host.confirm();
    this.host.raise("mysql_handshake", this.host.conn(), username);
  }

  /** Zeek's StartTLS: an SSL child gets both sides from now on. */
  private startTls(): void {
    this.tlsActive = true;
    this.tls = this.host.addChild("SSL");
  }

  // ---------------------------------------------------------------- command phase

  private commandRequest(r: ByteReader, pktLen: number): void {
    const command = r.u8("Command_Request_Packet:command");
    if (command === COM_QUERY && this.clientQueryAttrs && this.serverQueryAttrs) queryAttributes(r);
    let changeUser: { username: string; plugin: string; data: Uint8Array; source: Uint8Array } | null = null;
    if (command === COM_CHANGE_USER) changeUser = this.changeUserPacket(r, pktLen);
    const arg = r.rest();
    this.expectFromCommand(command);
    if (this.host.wants("mysql_command_request"))
      this.host.raise("mysql_command_request", this.host.conn(), command, latin1(changeUser !== null ? changeUser.source : arg));
    if (changeUser !== null) {
      this.host.raise("mysql_change_user", this.host.conn(), changeUser.username);
      if (this.host.wants("mysql_auth_plugin")) this.host.raise("mysql_auth_plugin", this.host.conn(), true, changeUser.plugin, latin1(changeUser.data));
    }
  }

  /** COM_CHANGE_USER's fields; `source` is what they span (Zeek's sourcedata, the command's argument). */
  private changeUserPacket(r: ByteReader, pktLen: number): { username: string; plugin: string; data: Uint8Array; source: Uint8Array } {
    const start = r.at;
    const username = r.nulString("Change_User_Packet:username");
    const dataLen = r.u8("Change_User_Packet:auth_plugin_data_len");
    const data = r.bytes(dataLen, "Change_User_Packet:auth_plugin_data");
    r.nulString("Change_User_Packet:database");
    r.u16le("Change_User_Packet:charset");
    // Zeek compares the offset inside this record with the packet's length including its header: nearly always true.
    const haveMore = r.at - start < pktLen;
    let plugin = "";
    if (haveMore && (this.clientCapabilities & CLIENT_PLUGIN_AUTH) === CLIENT_PLUGIN_AUTH) plugin = r.nulString("Change_User_Packet:auth_plugin_name");
    if (haveMore && (this.clientCapabilities & CLIENT_CONNECT_ATTRS) === CLIENT_CONNECT_ATTRS) connectionAttributes(r);
    return { username, plugin, data, source: r.d.subarray(start, r.at) };
  }

  /** Zeek's set_next_expected_from_command. */
  private expectFromCommand(command: number): void {
    switch (command) {
      case 0x00:
      case COM_QUIT:
      case COM_INIT_DB:
      case COM_CREATE_DB:
      case COM_DROP_DB:
      case COM_REFRESH:
      case COM_SHUTDOWN:
      case COM_CONNECT:
      case COM_PROCESS_KILL:
      case COM_DEBUG:
      case COM_PING:
      case COM_TIME:
      case COM_DELAYED_INSERT:
      case COM_DAEMON:
      case COM_RESET_CONNECTION:
        this.expected = Expect.Status;
        break;
      case COM_QUERY:
      case COM_PROCESS_INFO:
        this.expected = Expect.ColumnCount;
        break;
      case COM_FIELD_LIST:
        this.expected = Expect.ColumnDefinitionOrEof;
        break;
      case COM_STATISTICS:
        this.expected = Expect.RestOfPacket;
        break;
      case COM_CHANGE_USER:
        this.setPhase(Phase.Connection);
        break;
      default:
        this.expected = Expect.Nothing;
    }
  }

  private commandResponse(r: ByteReader, pktLen: number): void {
    switch (this.expected) {
      case Expect.ColumnCount: {
        const first = r.u8("ColumnCountMeta:byte");
        if (first === 0x00) this.okPacket(r);
        else if (first === 0xff) this.errPacket(r);
        else {
          const n = leiAfter(r, first, "ColumnCount:le_column_count") >>> 0;
          this.colCount = n;
          this.remainingCols = n;
          this.expected = Expect.ColumnDefinition;
        }
        break;
      }
      case Expect.ColumnDefinition:
        columnDefinition41(r, r.u8("ColumnDefinition:dummy"));
        this.remainingCols = (this.remainingCols - 1) >>> 0;
        this.expected = this.remainingCols > 0 ? Expect.ColumnDefinition : Expect.EofThenResultset;
        break;
      case Expect.ColumnDefinitionOrEof: {
        const marker = r.u8("ColumnDefinitionOrEOF:marker");
        if (marker === 0xfe) this.eofOrOk(r, pktLen);
        else columnDefinition41(r, marker);
        break;
      }
      case Expect.Resultset:
        this.resultset(r, pktLen);
        break;
      case Expect.RestOfPacket:
        r.rest();
        break;
      case Expect.Status: {
        const type = r.u8("Command_Response_Status:pkt_type");
        if (type === 0x00) this.okPacket(r);
        else if (type === 0xfe) this.eofPacket(r, false);
        else if (type === 0xff) this.errPacket(r);
        break;
      }
      case Expect.EofThenResultset:
        if (!this.deprecateEof) {
          r.u8("EOF_Packet_With_Marker:marker");
          this.eofPacket(r, true);
          this.setPhase(Phase.Command);
          this.expected = Expect.Resultset;
        } else this.resultset(r, pktLen);
        break;
      default:
        break;
    }
  }

  private resultset(r: ByteReader, pktLen: number): void {
    const marker = r.u8("Resultset:marker");
    const eof = marker === 0xfe;
    let row: string[] | null = null;
    if (eof) this.eofOrOk(r, pktLen);
    else {
      const wants = this.host.wants("mysql_result_row");
      const first = les(r, "ResultsetRow:first_field", marker);
      const n = (this.colCount - 1) >>> 0;
      // Zeek reads col_count-1 more fields; a count the packet cannot hold fails on its first missing byte.
      if (n > r.left) r.need(n, "ResultsetRow:fields");
      if (wants) row = [latin1(first)];
      for (let i = 0; i < n; i++) {
        const f = les(r, "LengthEncodedString:val");
        if (row !== null) row.push(latin1(f));
      }
    }
    this.expected = eof ? Expect.Nothing : Expect.Resultset;
    if (row !== null) this.host.raise("mysql_result_row", this.host.conn(), row);
  }

  /** The end of a result: an EOF packet, or an OK one when the client deprecated EOF or the packet is too long for an EOF. */
  private eofOrOk(r: ByteReader, pktLen: number): void {
    if (this.deprecateEof || pktLen > 13) this.okPacket(r);
    else this.eofPacket(r, false);
  }

  private okPacket(r: ByteReader): void {
    const rows = lei(r, "OK_Packet:le_rows") >>> 0;
    r.rest();
    this.setPhase(Phase.Command);
    this.host.raise("mysql_ok", this.host.conn(), rows);
  }

  private errPacket(r: ByteReader): void {
    const code = r.u16le("ERR_Packet:code");
    r.skip(6, "ERR_Packet:state");
    const msg = r.rest();
    this.setPhase(Phase.Command);
    if (this.host.wants("mysql_error")) this.host.raise("mysql_error", this.host.conn(), code, latin1(msg));
  }

  private eofPacket(r: ByteReader, intermediate: boolean): void {
    r.u16le("EOF_Packet:warnings");
    r.u16le("EOF_Packet:status");
    this.host.raise("mysql_eof", this.host.conn(), intermediate);
  }
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Zeek's Handshake_Connection_Attributes: a one-byte length, then name/value pairs filling it. */
function connectionAttributes(r: ByteReader): void {
  const len = r.u8("Handshake_Connection_Attributes:length");
  r.need(len, "Handshake_Connection_Attributes");
  const inner = new ByteReader(r.d, r.at, r.at + len);
  while (inner.left > 0) {
    les(inner, "Connection_Attribute:name");
    les(inner, "Connection_Attribute:value");
  }
  r.at += len;
}

function columnDefinition41(r: ByteReader, first: number): void {
  les(r, "ColumnDefinition41:catalog", first);
  for (const f of ["schema", "table", "org_table", "name", "org_name"]) les(r, `ColumnDefinition41:${f}`);
  lei(r, "ColumnDefinition41:next_len");
  r.skip(2 + 4 + 1 + 2 + 1 + 2, "ColumnDefinition41:filler");
}

/** Zeek's Query_Attributes before a COM_QUERY's text (both sides announced CLIENT_QUERY_ATTRIBUTES). */
function queryAttributes(r: ByteReader): void {
  const count = lei(r, "Query_Attributes:count");
  lei(r, "Query_Attributes:set_count");
  if (count <= 0) return;
  const bitmap = r.bytes(Math.floor((count + 7) / 8), "Attributes:null_bitmap");
  if (r.u8("Attributes:send_types_to_server") !== 1) throw new BinpacError("&enforce violation : Attributes:send_types_to_server");
  // Zeek's parser reads `count` names before any value: a count the packet cannot hold fails at once.
  if (count * 3 > r.left) r.need(count * 3, "Attributes:names");
  const types: number[] = [];
  for (let i = 0; i < count; i++) {
    types.push(r.u8("AttributeTypeAndName:type"));
    r.u8("AttributeTypeAndName:unsigned_flag");
    les(r, "AttributeTypeAndName:name");
  }
  for (let i = 0; i < count; i++) {
    const isNull = ((bitmap[i >> 3]! >> (i & 7)) & 1) === 1;
    if (!isNull) binaryValue(r, types[i]!);
  }
}

/** Skips one value of the binary protocol (Zeek's BinaryValue). */
function binaryValue(r: ByteReader, type: number): void {
  switch (type) {
    case 0x00:
      lei(r, "BinaryValue:decimal_val");
      return;
    case 0x01:
      r.skip(1, "BinaryValue:tiny_val");
      return;
    case 0x02:
    case 0x0d:
      r.skip(2, "BinaryValue");
      return;
    case 0x03:
    case 0x04:
    case 0x09:
      r.skip(4, "BinaryValue");
      return;
    case 0x05:
    case 0x08:
      r.skip(8, "BinaryValue");
      return;
    case 0x06:
      return;
    case 0x07:
    case 0x0a:
    case 0x0c:
    case 0x11: {
      const len = r.u8("BinaryDate:len");
      if (len !== 0 && len !== 4 && len !== 7 && len !== 11) throw new BinpacError("&enforce violation : BinaryDate:len");
      r.skip(len, "BinaryDate");
      return;
    }
    case 0x0b: {
      const len = r.u8("BinaryTime:len");
      if (len !== 0 && len !== 8 && len !== 12) throw new BinpacError("&enforce violation : BinaryTime:len");
      if (len > 0) {
        const negative = r.u8("DurationTime:is_negative");
        if (negative !== 0 && negative !== 1) throw new BinpacError("&enforce violation : DurationTime:is_negative");
        r.skip(len - 1, "BinaryTime");
      }
      return;
    }
    case 0x0f:
    case 0x10:
    case 0xf5:
    case 0xf6:
    case 0xf7:
    case 0xf8:
    case 0xf9:
    case 0xfa:
    case 0xfb:
    case 0xfc:
    case 0xfd:
    case 0xfe:
    case 0xff:
      les(r, "BinaryValue");
      return;
    default:
      throw badCase("BinaryValue", type);
  }
}

export const MYSQL: AnalyzerComponent = {
  name: "MYSQL",
  script: "base/protocols/mysql",
  tcpPorts: [1434, 3306],
  stream: (host) => new MysqlAnalyzer(host),
};
