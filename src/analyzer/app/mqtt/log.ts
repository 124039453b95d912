/**
 * mqtt_connect.log, mqtt_publish.log and mqtt_subscribe.log: Zeek's
 * base/protocols/mqtt/main.zeek.
 *
 * - connect: the session's row (protocol name, version, client id, will) is
 *   written at the CONNACK with its return code's text;
 * - publish: a row per PUBLISH, written at once for QoS 0, at the PUBACK for
 *   QoS 1, at the PUBCOMP once PUBREC, PUBREL and PUBCOMP were all seen for
 *   QoS 2 (status "ok"), keyed by message id;
 * - subscribe: SUBSCRIBE / UNSUBSCRIBE rows written at their SUBACK /
 *   UNSUBACK (ack T, the granted QoS);
 * - a publish or subscribe still waiting for its acknowledgement 5 s after
 *   it was stored is written as it stands (status "incomplete_qos", ack F)
 *   by its table's expiry (State's `&write_expire=5secs` with an expire
 *   function that logs). Zeek checks such a table when it is made (at the
 *   next packet) and then every table_expire_interval (10 s), entries in
 *   its hash table's order, for as long as the connection's record lives
 *   (until its removal's events are done: a check due at the packet that
 *   removes it still runs); at the end of input what is left is not
 *   written (table timers are not dispatched then).
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { ProtocolScript } from "../../../scripts/protocols.js";
import { ZeekTable } from "../../../zeek-table/table.js";
import "./events.js";

export const MQTT_CONNECT_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["proto_name", "string"],
  ["proto_version", "string"],
  ["client_id", "string"],
  ["connect_status", "string"],
  ["will_topic", "string"],
  ["will_payload", "string"],
);
export const MQTT_SUBSCRIBE_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["action", "enum"],
  ["topics", "vector[string]"],
  ["qos_levels", "vector[count]"],
  ["granted_qos_level", "count"],
  ["ack", "bool"],
);
export const MQTT_PUBLISH_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["from_client", "bool"],
  ["retain", "bool"],
  ["qos", "string"],
  ["status", "string"],
  ["topic", "string"],
  ["payload", "string"],
  ["payload_len", "count"],
);

const VERSIONS = new Map([
  [3, "3.1"],
  [4, "3.1.1"],
  [5, "5.0"],
]);
const QOS_LEVELS = ["at most once", "at least once", "exactly once"];
const RETURN_CODES = [
  "Connection Accepted",
  "Refused: unacceptable protocol version",
  "Refused: identifier rejected",
  "Refused: server unavailable",
  "Refused: bad user name or password",
  "Refused: not authorized",
];

interface ConnectInfo {
  ts: number;
  proto_name?: string;
  proto_version?: string;
  client_id?: string;
  will_topic?: string;
  will_payload?: string;
}

/** The State tables' &write_expire. */
const WRITE_EXPIRE = 5;
/** Zeek's table_expire_interval: how often an expiring table is checked. */
const TABLE_EXPIRE_INTERVAL = 10;

interface PublishInfo {
  ts: number;
  /** When it was stored in the table (its expiry counts from there). */
  written: number;
  from_client: boolean;
  retain: boolean;
  qos: string;
  status: string;
  topic: string;
  payload: string;
  payload_len: number;
  rec: boolean;
  rel: boolean;
  comp: boolean;
  qos_level: number;
}

interface SubscribeInfo {
  ts: number;
  written: number;
  action: "MQTT::SUBSCRIBE" | "MQTT::UNSUBSCRIBE";
  topics: string[];
  qos_levels?: number[];
  granted_qos_level?: number;
}

interface State {
  connect: ConnectInfo;
  publish: ZeekTable<number, PublishInfo>;
  subscribe: ZeekTable<number, SubscribeInfo>;
  /** The connection's removal was handled: its record is gone, with its tables and their expiry checks. */
  gone: boolean;
}

export function loadMqttLogs(host: AnalyzerScriptHost, logs: LogManager): void {
  const connectLog = logs.open({ path: "mqtt_connect", fields: MQTT_CONNECT_FIELDS });
  const subscribeLog = logs.open({ path: "mqtt_subscribe", fields: MQTT_SUBSCRIBE_FIELDS });
  const publishLog = logs.open({ path: "mqtt_publish", fields: MQTT_PUBLISH_FIELDS });
  const states = new WeakMap<Connection, State>();
  const idOf = (c: Connection): LogValue[] => [c.uid, c.id.orig_h, c.id.orig_p, c.id.resp_h, c.id.resp_p];
  const writePublish = (c: Connection, p: PublishInfo): void => {
    publishLog.write([p.ts, ...idOf(c), p.from_client, p.retain, p.qos, p.status, p.topic, p.payload, p.payload_len]);
  };
  const writeSubscribe = (c: Connection, s: SubscribeInfo, ack: boolean): void => {
    subscribeLog.write([s.ts, ...idOf(c), s.action, s.topics, s.qos_levels, s.granted_qos_level, ack]);
  };
  /** The expiry of a connection's two tables (publish_expire, subscribe_expire: write the entry, then drop it). */
  const expire = (c: Connection, s: State, now: number): void => {
    if (s.gone) return;
    s.publish.sweep((_id, p) => {
      if (!(p.written + WRITE_EXPIRE < now)) return false;
      writePublish(c, p);
      return true;
    });
    s.subscribe.sweep((_id, x) => {
      if (!(x.written + WRITE_EXPIRE < now)) return false;
      writeSubscribe(c, x, false);
      return true;
    });
    host.schedule(now + TABLE_EXPIRE_INTERVAL, (t) => expire(c, s, t));
  };
  // Registered with the script, not at the first MQTT session: a handler added during the run does not count as the
  // built-in scripts' (Engine.asBuiltinScripts), so it made every later connection keep its link-layer addresses.
  host.on("connection_state_remove", (gone) => {
    const st = states.get(gone);
    if (st !== undefined) st.gone = true;
  });
  // MQTT::set_session.
  const session = (c: Connection): State => {
    let s = states.get(c);
    if (s !== undefined) return s;
    s = {
      connect: { ts: host.clock.now },
      publish: new ZeekTable(host.tableHash.count),
      subscribe: new ZeekTable(host.tableHash.count),
      gone: false,
    };
    states.set(c, s);
    const state = s;
    // Tables made now are checked first at the next packet (Zeek's first table timer is already due).
    host.schedule(0, (t) => expire(c, state, t));
    return s;
  };

  host.on(
    "mqtt_connect",
    (c, msg) => {
      const info = session(c).connect;
      info.proto_name = msg.protocol_name;
      info.proto_version = VERSIONS.get(msg.protocol_version) ?? `unknown-version-${msg.protocol_version}`;
      info.client_id = msg.client_id;
      if (msg.will_topic !== undefined) info.will_topic = msg.will_topic;
      if (msg.will_msg !== undefined) info.will_payload = msg.will_msg;
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_connack",
    (c, msg) => {
      const info = session(c).connect;
      const status = RETURN_CODES[msg.return_code] ?? `unknown-return-code-${msg.return_code}`;
      connectLog.write([info.ts, ...idOf(c), info.proto_name, info.proto_version, info.client_id, status, info.will_topic, info.will_payload]);
    },
    { priority: 5 },
  );

  host.on(
    "mqtt_publish",
    (c, isOrig, id, msg) => {
      const p: PublishInfo = {
        ts: host.clock.now,
        written: host.clock.now,
        from_client: isOrig,
        retain: msg.retain,
        qos: QOS_LEVELS[msg.qos] ?? `unknown-qos-level-${msg.qos}`,
        status: msg.qos === 0 ? "ok" : "incomplete_qos",
        topic: msg.topic,
        payload: msg.payload,
        payload_len: msg.payload_len,
        rec: false,
        rel: false,
        comp: false,
        qos_level: msg.qos,
      };
      const s = session(c);
      s.publish.set(id, p);
      if (p.qos_level === 0) {
        writePublish(c, p);
        s.publish.delete(id);
      }
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_puback",
    (c, _isOrig, id) => {
      const s = session(c);
      const p = s.publish.get(id);
      if (p === undefined) return;
      if (p.qos_level === 1) p.status = "ok";
      if (p.status === "ok") {
        writePublish(c, p);
        s.publish.delete(id);
      }
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_pubrec",
    (c, _isOrig, id) => {
      const p = session(c).publish.get(id);
      if (p !== undefined) p.rec = true;
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_pubrel",
    (c, _isOrig, id) => {
      const p = session(c).publish.get(id);
      if (p !== undefined) p.rel = true;
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_pubcomp",
    (c, _isOrig, id) => {
      const s = session(c);
      const p = s.publish.get(id);
      if (p === undefined) return;
      p.comp = true;
      if (p.qos_level === 2 && p.rec && p.rel) p.status = "ok";
      if (p.status === "ok") {
        writePublish(c, p);
        s.publish.delete(id);
      }
    },
    { priority: 5 },
  );

  host.on(
    "mqtt_subscribe",
    (c, id, topics, qos) => {
      const now = host.clock.now;
      session(c).subscribe.set(id, { ts: now, written: now, action: "MQTT::SUBSCRIBE", topics, qos_levels: qos });
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_unsubscribe",
    (c, id, topics) => {
      const now = host.clock.now;
      session(c).subscribe.set(id, { ts: now, written: now, action: "MQTT::UNSUBSCRIBE", topics });
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_suback",
    (c, id, granted) => {
      const s = session(c);
      const x = s.subscribe.get(id);
      if (x === undefined) return;
      x.granted_qos_level = granted;
      writeSubscribe(c, x, true);
      s.subscribe.delete(id);
    },
    { priority: 5 },
  );
  host.on(
    "mqtt_unsuback",
    (c, id) => {
      const s = session(c);
      const x = s.subscribe.get(id);
      if (x === undefined) return;
      writeSubscribe(c, x, true);
      s.subscribe.delete(id);
    },
    { priority: -5 },
  );
}

export const MQTT_SCRIPT: ProtocolScript = {
  script: "base/protocols/mqtt",
  load: (host, logs) => loadMqttLogs(host, logs),
};
