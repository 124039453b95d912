/**
 * The MQTT analyzer (Zeek's "MQTT", src/analyzer/protocol/mqtt): each side is
 * a sequence of control packets, a fixed-header byte (type and flags), the
 * "remaining length" (1-4 bytes, 7 bits each), then that many bytes.
 *
 * As Zeek's BinPAC parser does it:
 * - the packet layouts are MQTT 3.1/3.1.1's (Zeek reads 5.0 packets the same
 *   way, without their properties);
 * - a connect or a publish confirms the protocol;
 * - a remaining length of more than 4 bytes, or above 128³ per step, is a
 *   violation ("malformed MQTT 'remaining length': …") and the packet is
 *   taken as empty; a packet whose fields run past its remaining length is
 *   the violation "Binpac exception: …out_of_bound…" (read with the shared
 *   ../reader.ts, binpac's field names built once), and the bytes buffered
 *   on that side are dropped;
 * - publish payloads are cut to MQTT::max_payload_size (100) bytes in the
 *   event, with the whole length beside; the option is read at each publish,
 *   so a Config::set_value takes effect from the next one.
 *
 * Packets are parsed from the delivered view when whole in it; a packet
 * split over segments is copied into a buffer bounded by the largest
 * remaining length (268435455 is MQTT's; bronze keeps at most 1 MiB and
 * skips the rest of a larger packet).
 */

import { latin1, u16 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import { BINPAC_EXCEPTION, BinpacError } from "../binpac.js";
import { ByteReader } from "../reader.js";
import type { Signature } from "../signature.js";
import "./events.js";

/** Bytes of one packet bronze buffers; a larger one is skipped. */
const MAX_PACKET = 1 << 20;

const CONNECT = 1;
const CONNACK = 2;
const PUBLISH = 3;
const PUBACK = 4;
const PUBREC = 5;
const PUBREL = 6;
const PUBCOMP = 7;
const SUBSCRIBE = 8;
const SUBACK = 9;
const UNSUBSCRIBE = 10;
const UNSUBACK = 11;
const PINGREQ = 12;
const PINGRESP = 13;
const DISCONNECT = 14;

const TYPE_NAMES = [
  "",
  "MQTT_connect",
  "MQTT_connack",
  "MQTT_publish",
  "MQTT_puback",
  "MQTT_pubrec",
  "MQTT_pubrel",
  "MQTT_pubcomp",
  "MQTT_subscribe",
  "MQTT_suback",
  "MQTT_unsubscribe",
  "MQTT_unsuback",
];

/**
 * An MQTT_string (a 16-bit length, then the bytes) as latin1 text; the
 * error names are binpac's for the length and for the whole string (its
 * "need" counts the length field too).
 */
function mqttString(r: ByteReader, lenWhat: string, strWhat: string): string {
  r.need(2, lenWhat);
  r.need(2 + u16(r.d, r.at), strWhat);
  return latin1(r.bytes(r.u16be(lenWhat), strWhat));
}

/** "TYPE:msg_id" for the packet types whose body is just a message id (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK), built once. */
const MSG_ID_WHAT = TYPE_NAMES.map((name) => `${name}:msg_id`);

class Side {
  buf: Uint8Array | null = null;
  have = 0;
  /** Bytes still to skip of a packet too large to keep. */
  skip = 0;
}

class MqttAnalyzer implements StreamAnalyzer {
  private readonly sides = [new Side(), new Side()];
  constructor(private readonly host: AnalyzerHost) {}

  /** The fixed header at d[at…]: [header length, remaining length], or null while incomplete. */
  private header(d: Uint8Array, at: number, end: number): [number, number] | null {
    let value = 0;
    let mult = 1;
    let i = at + 1;
    for (;;) {
      if (i >= end) return null;
      const b = d[i++]!;
      if (i - at - 1 > 4) {
        // Zeek reads on to the terminating byte, then finds too many and takes 0.
        if ((b & 0x80) === 0) {
          this.host.violation("malformed MQTT 'remaining length': too many bytes");
          return [i - at, 0];
        }
        continue;
      }
      value += (b & 0x7f) * mult;
      mult *= 128;
      if ((b & 0x80) === 0) return [i - at, value];
      if (mult > 128 * 128 * 128) {
      }
    }
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    let at = 0;
    while (at < data.length) {
      if (side.skip > 0) {
        const n = Math.min(side.skip, data.length - at);
        side.skip -= n;
        at += n;
        continue;
      }
      if (side.have === 0) {
        const h = this.header(data, at, data.length);
        if (h !== null && h[0] + h[1] <= data.length - at) {
          if (!this.packet(isOrig, data, at, at + h[0], at + h[0] + h[1])) return this.drop(side);
          at += h[0] + h[1];
          continue;
        }
      }
      // Buffer a packet split over segments.
      const n = data.length - at;
      side.buf ??= new Uint8Array(256);
      if (side.have + n > side.buf.length) {
        const grown = new Uint8Array(Math.min(Math.max(side.buf.length * 2, side.have + n), MAX_PACKET + 8));
        grown.set(side.buf.subarray(0, side.have));
        side.buf = grown;
      }
      const take = Math.min(n, side.buf.length - side.have);
      side.buf.set(data.subarray(at, at + take), side.have);
      side.have += take;
      at += take;
      const h = this.header(side.buf, 0, side.have);
      if (h === null) {
        if (side.have >= side.buf.length) this.drop(side);
        continue;
      }
      const size = h[0] + h[1];
      if (size > MAX_PACKET) {
        // Too large to keep: skip it (its bytes still to come included).
        side.skip = size - side.have;
        side.have = 0;
        continue;
      }
      if (side.have < size) continue;
      // The buffer may hold the start of the next packet: parse this one, then go on with the rest.
      const rest = side.buf.slice(size, side.have);
      side.have = 0;
      if (!this.packet(isOrig, side.buf, 0, h[0], size)) return this.drop(side);
      if (rest.length > 0) this.deliverStream(isOrig, 0, rest);
    }
  }

  private drop(side: Side): void {
    side.have = 0;
  }

  /** One packet: fixed header at `at`, body [body, end). False after a violation. */
  private packet(isOrig: boolean, d: Uint8Array, at: number, body: number, end: number): boolean {
    const fixed = d[at]!;
    try {
      this.command(isOrig, fixed, fixed >> 4, new ByteReader(d, body, end));
    } catch (err) {
      if (!(err instanceof BinpacError)) throw err;
      this.host.violation(`${BINPAC_EXCEPTION}${err.message}`);
      return false;
    }
    return true;
  }

  private command(isOrig: boolean, fixed: number, type: number, r: ByteReader): void {
    const host = this.host;
    switch (type) {
      case CONNECT: {
        const name = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_connect:protocol_name:str");
        const version = r.u8("MQTT_connect:protocol_version");
        const flags = r.u8("MQTT_connect:connect_flags");
        const keep = r.u16be("MQTT_connect:keep_alive");
        const client = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_connect:client_id:str");
        const msg = {
          protocol_name: name,
          protocol_version: version > 127 ? version - 256 : version,
          client_id: client,
          keep_alive: keep,
          clean_session: (flags & 0x02) !== 0,
          will_retain: (flags & 0x20) !== 0,
          will_qos: (flags & 0x18) >> 3,
        } as import("./events.js").MqttConnectMsg;
        if (flags & 0x04) {
          const topic = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_will:topic:str");
          const m = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_will:msg:str");
          msg.will_topic = topic;
          msg.will_msg = m;
        }
        if (flags & 0x80) {
          msg.username = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_connect:uname:str");
        }
        if (flags & 0x40) {
          msg.password = mqttString(r, "MQTT_connect:MQTT_string:len", "MQTT_connect:MQTT_connect:pass:str");
        }
        if (host.wants("mqtt_connect")) host.raise("mqtt_connect", host.conn(), msg);
        host.confirm();
        return;
      }
      case CONNACK: {
        const flags = r.u8("MQTT_connack:flags");
        const code = r.u8("MQTT_connack:return_code");
        if (host.wants("mqtt_connack")) host.raise("mqtt_connack", host.conn(), { return_code: code, session_present: (flags & 1) !== 0 });
        return;
      }
      case PUBLISH: {
        const topic = mqttString(r, "MQTT_publish:MQTT_string:len", "MQTT_publish:MQTT_publish:topic:str");
        const qos = (fixed & 0x06) >> 1;
        let id = 0;
        if (qos !== 0) {
          id = r.u16be("MQTT_publish:msg_id");
        }
        if (host.wants("mqtt_publish")) {
          const len = r.left;
          host.raise("mqtt_publish", host.conn(), isOrig, id, {
            dup: (fixed & 0x08) !== 0,
            qos,
            retain: (fixed & 0x01) !== 0,
            topic,
            payload: latin1(r.d.subarray(r.at, r.at + Math.min(len, host.settings["MQTT::max_payload_size"]))),
            payload_len: len,
          });
        }
        host.confirm();
        return;
      }
      case PUBACK:
      case PUBREC:
      case PUBREL:
      case PUBCOMP: {
        const id = r.u16be(MSG_ID_WHAT[type]!);
        const ev = type === PUBACK ? "mqtt_puback" : type === PUBREC ? "mqtt_pubrec" : type === PUBREL ? "mqtt_pubrel" : "mqtt_pubcomp";
        if (host.wants(ev)) host.raise(ev, host.conn(), isOrig, id);
        return;
      }
      case SUBSCRIBE:
      case UNSUBSCRIBE: {
        const id = r.u16be(type === SUBSCRIBE ? "MQTT_subscribe:msg_id" : "MQTT_unsubscribe:msg_id");
        const topics: string[] = [];
        const qos: number[] = [];
        while (r.left > 0) {
          const t =
            type === SUBSCRIBE
              ? mqttString(r, "MQTT_subscribe:MQTT_string:len", "MQTT_subscribe:MQTT_subscribe_topic:name:str")
              : mqttString(r, "MQTT_unsubscribe:MQTT_string:len", "MQTT_unsubscribe:MQTT_unsubscribe:topics:str");
          topics.push(t);
          if (type === SUBSCRIBE) {
            qos.push(r.u8("MQTT_subscribe:requested_QoS"));
          }
        }
        if (type === SUBSCRIBE) {
          if (host.wants("mqtt_subscribe")) host.raise("mqtt_subscribe", host.conn(), id, topics, qos);
        } else if (host.wants("mqtt_unsubscribe")) host.raise("mqtt_unsubscribe", host.conn(), id, topics);
        return;
      }
      case SUBACK: {
        const id = r.u16be("MQTT_suback:msg_id");
        const q = r.u8("MQTT_suback:granted_QoS");
        if (host.wants("mqtt_suback")) host.raise("mqtt_suback", host.conn(), id, q);
        return;
      }
      case UNSUBACK: {
        const id = r.u16be("MQTT_unsuback:msg_id");
        if (host.wants("mqtt_unsuback")) host.raise("mqtt_unsuback", host.conn(), id);
        return;
      }
      case PINGREQ:
        if (host.wants("mqtt_pingreq")) host.raise("mqtt_pingreq", host.conn());
        return;
      case PINGRESP:
        if (host.wants("mqtt_pingresp")) host.raise("mqtt_pingresp", host.conn());
        return;
      case DISCONNECT:
        if (host.wants("mqtt_disconnect")) host.raise("mqtt_disconnect", host.conn());
        return;
      default:
        return;
    }
  }

  undelivered(isOrig: boolean): void {
    // The packet being buffered cannot complete.
    this.sides[isOrig ? 0 : 1]!.have = 0;
  }
  endOfData(): void {}
  done(): void {
    this.sides[0]!.buf = null;
    this.sides[1]!.buf = null;
  }
}

/** Zeek's base/protocols/mqtt/dpd.sig. */
const SIGNATURES: readonly Signature[] = [{ id: "dpd_mqtt", proto: "tcp", payload: ".{4,7}MQ", enable: "MQTT" }];

export const MQTT: AnalyzerComponent = {
  name: "MQTT",
  script: "base/protocols/mqtt",
  tcpPorts: [1883],
  signatures: SIGNATURES,
  stream: (host) => new MqttAnalyzer(host),
};
