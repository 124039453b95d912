/**
 * The policy scripts that add conn.log columns after the fixed optional ones
 * (mac-logging, vlan-logging, community-id-logging), as record extensions
 * (record-extensions.ts): appended in the order the scripts are loaded.
 * Made per run: two keep per-connection state of their own.
 */
import type { Connection } from "../event/records.js";
import { fields } from "../log/schema.js";
import { IP_PROTOCOL_NAMES } from "../packet/ip-protocol-names.js";
import { zeekSetOrder } from "../zeek-table/table.js";
import type { RecordExtension } from "./record-extensions.js";

/** Zeek leaves ip_proto unset for this placeholder value. */
export const UNKNOWN_IP_PROTO = 65535;

/**
 * policy/protocols/conn/failed-service-logging: the analyzers removed after a
 * violation that followed their confirmation, lower-cased, in the order they
 * failed. The script adds a name exactly when the dpd script adds it to
 * c$failed_analyzers (same event, same condition), so it is that set's names.
 */
const FAILED_SERVICE: RecordExtension<Connection> = {
  script: "policy/protocols/conn/failed-service-logging",
  fields: fields(["failed_service", "set[string]"]),
  values: (c) => {
    const failed = c.failed_analyzers;
    return [failed === undefined || failed.size === 0 ? undefined : [...failed].map((name) => name.toLowerCase())];
  },
};

/**
 * policy/protocols/conn/speculative-service: the analyzers DPD signatures
 * named after the PIA's buffer was full (protocol_late_match), lower-cased,
 * in Zeek's set order. The script's `redef dpd_match_only_beginning = F` is
 * what makes late matches happen.
 */
function speculativeService(): RecordExtension<Connection> {
  const names = new WeakMap<Connection, Set<string>>();
  let order: (set: ReadonlySet<string>) => string[] = (set) => [...set];
  return {
    script: "policy/protocols/conn/speculative-service",
    fields: fields(["speculative_service", "string"]),
    values: (c) => {
      const set = names.get(c);
      return [set === undefined ? undefined : order(set).join(",").toLowerCase()];
    },
    load(host) {
      host.settings.dpd_match_only_beginning = false;
      order = (set) => zeekSetOrder(host.tableHash.string, set);
      host.on("protocol_late_match", (c, atype) => {
        let set = names.get(c);
        if (set === undefined) names.set(c, (set = new Set()));
        set.add(atype);
      });
    },
  };
}

/**
 * policy/protocols/conn/ip-proto-name-logging: IP::protocol_names of the
 * connection's IP protocol, set at new_connection (so that, as in Zeek,
 * uids are drawn when connections are made).
 */
function ipProtoName(): RecordExtension<Connection> {
  const names = new WeakMap<Connection, string>();
  return {
    script: "policy/protocols/conn/ip-proto-name-logging",
    fields: fields(["ip_proto_name", "string"]),
    values: (c) => [names.get(c)],
    load(host) {
      host.on(
        "new_connection",
        (c) => {
          const name = c.id.proto === UNKNOWN_IP_PROTO ? undefined : IP_PROTOCOL_NAMES.get(c.id.proto);
          if (name !== undefined) names.set(c, name);
        },
        { priority: 5 },
      );
    },
  };
}

/** policy/protocols/conn/pppoe-session-id-logging: the first packet's PPPoE session id (the session layer keeps it while the script is loaded). */
const PPPOE_SESSION_ID: RecordExtension<Connection> = {
  script: "policy/protocols/conn/pppoe-session-id-logging",
  fields: fields(["pppoe_session_id", "count"]),
  values: (c) => [c.pppoe_session_id],
};

/** A run's conn.log column extensions, every one of them (loadedExtensions picks the loaded ones). */
export function connColumnExtensions(): RecordExtension<Connection>[] {
  return [FAILED_SERVICE, speculativeService(), ipProtoName(), PPPOE_SESSION_ID];
}
