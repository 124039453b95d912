/**
 * The MQTT events, with Zeek's names and arguments (Zeek's mqtt events.bif
 * and types.bif). Strings hold one byte per character (latin1).
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's MQTT::ConnectMsg. */
export interface MqttConnectMsg {
  protocol_name: string;
  protocol_version: number;
  client_id: string;
  /** Seconds (an interval). */
  keep_alive: number;
  clean_session: boolean;
  will_retain: boolean;
  will_qos: number;
  will_topic?: string;
  will_msg?: string;
  username?: string;
  password?: string;
}

/** Zeek's MQTT::ConnectAckMsg. */
export interface MqttConnectAckMsg {
  return_code: number;
  session_present: boolean;
}

/** Zeek's MQTT::PublishMsg. */
export interface MqttPublishMsg {
  dup: boolean;
  qos: number;
  retain: boolean;
  topic: string;
  /** The payload, cut to MQTT::max_payload_size (100) bytes. */
  payload: string;
  /** The payload's whole length. */
  payload_len: number;
}

export interface MqttEvents {
  mqtt_connect: [c: Connection, msg: MqttConnectMsg];
  mqtt_connack: [c: Connection, msg: MqttConnectAckMsg];
  /** msg_id is 0 for QoS 0 (which has none). */
  mqtt_publish: [c: Connection, is_orig: boolean, msg_id: number, msg: MqttPublishMsg];
  mqtt_puback: [c: Connection, is_orig: boolean, msg_id: number];
  mqtt_pubrec: [c: Connection, is_orig: boolean, msg_id: number];
  mqtt_pubrel: [c: Connection, is_orig: boolean, msg_id: number];
  mqtt_pubcomp: [c: Connection, is_orig: boolean, msg_id: number];
  mqtt_subscribe: [c: Connection, msg_id: number, topics: string[], requested_qos: number[]];
  mqtt_suback: [c: Connection, msg_id: number, granted_qos: number];
  mqtt_unsubscribe: [c: Connection, msg_id: number, topics: string[]];
  mqtt_unsuback: [c: Connection, msg_id: number];
  mqtt_pingreq: [c: Connection];
  mqtt_pingresp: [c: Connection];
  mqtt_disconnect: [c: Connection];
}

declare module "../../../event/events.js" {
  interface EventMap extends MqttEvents {}
}

registerEvents<MqttEvents>({
  mqtt_connect: true,
  mqtt_connack: true,
  mqtt_publish: true,
  mqtt_puback: true,
  mqtt_pubrec: true,
  mqtt_pubrel: true,
  mqtt_pubcomp: true,
  mqtt_subscribe: true,
  mqtt_suback: true,
  mqtt_unsubscribe: true,
  mqtt_unsuback: true,
  mqtt_pingreq: true,
  mqtt_pingresp: true,
  mqtt_disconnect: true,
});
