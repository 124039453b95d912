/**
 * conn.log: one line per connection, written when the connection's state is
 * removed (base/protocols/conn/main.zeek). Written only against the public event API, as
 * Zeek's base/protocols/conn script is: missed bytes come from content_gap,
 * everything else from the connection record at connection_state_remove.
 */
import type { Connection } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";
import { IP_PROTOCOL_NAMES } from "../packet/ip-protocol-names.js";
import { ConnRecord } from "../session/conn-record.js";
import { Conn } from "../session/connection.js";
import { communityIdV1 } from "./community-id.js";
import { connState } from "./conn-state.js";
import type { ScriptHost } from "./host.js";
import { LocalNets, type Subnet } from "./site.js";

/** conn.log's columns, in Zeek's order. */
export const CONN_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["proto", "enum"],
  ["service", "string"],
  ["duration", "interval"],
  ["orig_bytes", "count"],
  ["resp_bytes", "count"],
  ["conn_state", "string"],
  ["local_orig", "bool"],
  ["local_resp", "bool"],
  ["missed_bytes", "count"],
  ["history", "string"],
  ["orig_pkts", "count"],
  ["orig_ip_bytes", "count"],
  ["resp_pkts", "count"],
  ["resp_ip_bytes", "count"],
  ["tunnel_parents", "set[string]"],
  ["ip_proto", "count"],
);

/** Columns added by Zeek's policy/protocols/conn/mac-logging. */
export const MAC_LOGGING_FIELDS: readonly LogField[] = fields(["orig_l2_addr", "string"], ["resp_l2_addr", "string"]);

/** Columns added by Zeek's policy/protocols/conn/vlan-logging. */
export const VLAN_LOGGING_FIELDS: readonly LogField[] = fields(["vlan", "int"], ["inner_vlan", "int"]);

/** The column added by Zeek's policy/protocols/conn/community-id-logging. */
export const COMMUNITY_ID_FIELDS: readonly LogField[] = fields(["community_id", "string"]);

/**
 * The column added by Zeek's policy/protocols/conn/failed-service-logging:
 * the analyzers removed after a violation that followed their confirmation,
 * lower-cased, in the order they failed. The script adds a name exactly when
 * the dpd script adds it to c$failed_analyzers (same event, same
 * condition), so it is that set's names.
 */
export const FAILED_SERVICE_FIELDS: readonly LogField[] = fields(["failed_service", "set[string]"]);

/**
 * The column added by Zeek's policy/protocols/conn/speculative-service: the
 * analyzers DPD signatures named after the PIA's buffer was full
 * (protocol_late_match), lower-cased, in Zeek's set order.
 */
export const SPECULATIVE_SERVICE_FIELDS: readonly LogField[] = fields(["speculative_service", "string"]);

/**
 * The column added by Zeek's policy/protocols/conn/ip-proto-name-logging:
 * IP::protocol_names of the connection's IP protocol, set at new_connection
 * (so that, as in Zeek, uids are drawn when connections are made).
 */
export const IP_PROTO_NAME_FIELDS: readonly LogField[] = fields(["ip_proto_name", "string"]);

/** The column added by Zeek's policy/protocols/conn/pppoe-session-id-logging: the first packet's PPPoE session id. */
export const PPPOE_SESSION_FIELDS: readonly LogField[] = fields(["pppoe_session_id", "count"]);

/** Zeek leaves ip_proto unset for this placeholder value. */
const UNKNOWN_IP_PROTO = 65535;

/** The conn_log priorities of Zeek's script: bookkeeping early, the write last. */
const GAP_PRIORITY = 5;
const WRITE_PRIORITY = -5;
/** Site::local_nets is read after every other zeek_init handler (a script may set it in its own). */
const SITE_PRIORITY = -1_000_000;

export interface ConnLogOptions {
  /**
   * Site::local_nets; default Zeek's private address space. Zeek fills it
   * whenever base/utils/site is loaded, which base/protocols/conn (the script
   * that writes conn.log) does, also in bare mode: every bare baseline of the
   * corpus shows T/F, never "-".
   */
  localNets?: LocalNets;
  /**
   * Without `localNets`: the engine's settings, whose `site_local_nets`
   * (Site::local_nets set on the command line or by a script before the
   * run) is read at zeek_init, as Zeek's redefs are in place by then.
   */
  settings?: { readonly site_local_nets: Subnet[] | null; readonly "CommunityID::seed"?: number; readonly "CommunityID::do_base64"?: boolean };
  /** Add orig_l2_addr/resp_l2_addr (Zeek's policy/protocols/conn/mac-logging). */
  macLogging?: boolean;
  /** Add vlan/inner_vlan (Zeek's policy/protocols/conn/vlan-logging), after the MAC columns. */
  vlanLogging?: boolean;
  /**
   * Add community_id (Zeek's policy/protocols/conn/community-id-logging),
   * last, with the settings' CommunityID::seed and CommunityID::do_base64.
   * Zeek computes it at new_connection; the hash orders the endpoints
   * itself, so computing it at the write gives the same value.
   */
  communityId?: boolean;
  /** Add failed_service (Zeek's policy/protocols/conn/failed-service-logging), after community_id. */
  failedService?: boolean;
  /**
   * Add speculative_service (Zeek's policy/protocols/conn/speculative-service),
   * last; `setOrder` gives Zeek's iteration order of the set of names.
   */
  speculativeService?: { setOrder: (names: ReadonlySet<string>) => string[] };
  /** Add ip_proto_name (Zeek's policy/protocols/conn/ip-proto-name-logging). */
  ipProtoName?: boolean;
  /** Add pppoe_session_id (Zeek's policy/protocols/conn/pppoe-session-id-logging), last. */
  pppoeSessionId?: boolean;
}

/** The conn.log values of a connection being removed, in CONN_FIELDS order (plus MAC and VLAN columns if asked). */
export function connLogValues(c: Connection, missedBytes: number, localNets: LocalNets, macLogging = false, vlanLogging = false): LogValue[] {
  const hasDuration = c.duration > 0;
  const hasService = c instanceof ConnRecord ? c.hasService() : c.service.size > 0;
  const service = hasService ? [...c.service].join(",").toLowerCase() : undefined;
  const parents = c.tunnel_parents !== undefined && c.tunnel_parents.size > 0 ? [...c.tunnel_parents] : undefined;
  // local_orig/local_resp: the engine's own records answer from their
  // connection's address words (the id's text, made from those words, would
  // be parsed again for every line); any other record from its text.
  const owner = c instanceof ConnRecord && c.owner instanceof Conn ? c.owner : null;
  const values: LogValue[] = [
    c.start_time,
    c.uid,
    c.id.orig_h,
    c.id.orig_p,
    c.id.resp_h,
    c.id.resp_p,
    c.id.transport,
    service,
    hasDuration ? c.duration : undefined,
    hasDuration ? c.orig.size : undefined,
    hasDuration ? c.resp.size : undefined,
    connState(c),
    owner !== null ? localNets.isLocalWords(owner.o0, owner.o1, owner.o2, owner.o3) : localNets.isLocal(c.id.orig_h),
    owner !== null ? localNets.isLocalWords(owner.r0, owner.r1, owner.r2, owner.r3) : localNets.isLocal(c.id.resp_h),
    missedBytes,
    c.history === "" ? undefined : c.history,
    c.orig.num_pkts,
    c.orig.num_bytes_ip,
    c.resp.num_pkts,
    c.resp.num_bytes_ip,
    parents,
    c.id.proto === UNKNOWN_IP_PROTO ? undefined : c.id.proto,
  ];
  if (macLogging) values.push(c.orig.l2_addr, c.resp.l2_addr);
  if (vlanLogging) values.push(c.vlan, c.inner_vlan);
  return values;
}

/** The conn.log script. `rows` counts the lines written. */
export class ConnLog {
  rows = 0;
  private readonly missed = new Map<string, number>();
  private localNets: LocalNets;
  private readonly macLogging: boolean;
  private readonly vlanLogging: boolean;
  private readonly communityId: boolean;
  private readonly failedService: boolean;
  /** c$speculative_service of the connections that had a late match. */
  private readonly speculative = new WeakMap<Connection, Set<string>>();
  private readonly speculativeOrder: ((names: ReadonlySet<string>) => string[]) | null;
  /** c$conn$ip_proto_name of the connections made while ip-proto-name-logging is loaded (null: not loaded). */
  private readonly ipProtoNames: WeakMap<Connection, string> | null;
  private readonly pppoeSessionId: boolean;
  private readonly settings: ConnLogOptions["settings"];
  readonly writer: LogWriter;

  constructor(host: ScriptHost, logs: LogManager, options: ConnLogOptions = {}) {
    this.localNets = options.localNets ?? new LocalNets();
    const settings = options.settings;
    if (options.localNets === undefined && settings !== undefined) {
      host.on(
        "zeek_init",
        () => {
          if (settings.site_local_nets !== null) this.localNets = new LocalNets(settings.site_local_nets);
        },
        { priority: SITE_PRIORITY },
      );
    }
    this.macLogging = options.macLogging ?? false;
    this.vlanLogging = options.vlanLogging ?? false;
    this.communityId = options.communityId ?? false;
    this.failedService = options.failedService ?? false;
    this.speculativeOrder = options.speculativeService?.setOrder ?? null;
    this.ipProtoNames = options.ipProtoName === true ? new WeakMap() : null;
    this.pppoeSessionId = options.pppoeSessionId ?? false;
    this.settings = settings;
    const columns = [
      ...CONN_FIELDS,
      ...(this.macLogging ? MAC_LOGGING_FIELDS : []),
      ...(this.vlanLogging ? VLAN_LOGGING_FIELDS : []),
      ...(this.communityId ? COMMUNITY_ID_FIELDS : []),
      ...(this.failedService ? FAILED_SERVICE_FIELDS : []),
      ...(this.speculativeOrder !== null ? SPECULATIVE_SERVICE_FIELDS : []),
      ...(this.ipProtoNames !== null ? IP_PROTO_NAME_FIELDS : []),
      ...(this.pppoeSessionId ? PPPOE_SESSION_FIELDS : []),
    ];
    this.writer = logs.open({ path: "conn", fields: columns });
    host.on("content_gap", (c, _isOrig, _seq, length) => this.addGap(c, length), { priority: GAP_PRIORITY });
    host.on("connection_state_remove", (c) => this.write(c), { priority: WRITE_PRIORITY });
    const ipProtoNames = this.ipProtoNames;
    if (ipProtoNames !== null) {
      host.on(
        "new_connection",
        (c) => {
          const name = c.id.proto === UNKNOWN_IP_PROTO ? undefined : IP_PROTOCOL_NAMES.get(c.id.proto);
          if (name !== undefined) ipProtoNames.set(c, name);
        },
        { priority: 5 },
      );
    }
    if (this.speculativeOrder !== null) {
      host.on("protocol_late_match", (c, atype) => {
        let names = this.speculative.get(c);
        if (names === undefined) this.speculative.set(c, (names = new Set()));
        names.add(atype);
      });
    }
  }

  private addGap(c: Connection, length: number): void {
    this.missed.set(c.uid, (this.missed.get(c.uid) ?? 0) + length);
  }

  private write(c: Connection): void {
    // Gaps are rare: most connections skip the two lookups.
    let missed = 0;
    if (this.missed.size > 0) {
      missed = this.missed.get(c.uid) ?? 0;
      this.missed.delete(c.uid);
    }
    const values = connLogValues(c, missed, this.localNets, this.macLogging, this.vlanLogging);
    if (this.communityId) {
      const id = communityIdV1(c.id, this.settings?.["CommunityID::seed"] ?? 0, this.settings?.["CommunityID::do_base64"] ?? true);
      values.push(id === "" ? undefined : id);
    }
    if (this.failedService) {
      const failed = c.failed_analyzers;
      values.push(failed === undefined || failed.size === 0 ? undefined : [...failed].map((name) => name.toLowerCase()));
    }
    if (this.speculativeOrder !== null) {
      const names = this.speculative.get(c);
      values.push(names === undefined ? undefined : this.speculativeOrder(names).join(",").toLowerCase());
    }
    if (this.ipProtoNames !== null) values.push(this.ipProtoNames.get(c));
    if (this.pppoeSessionId) values.push(c.pppoe_session_id);
    this.writer.write(values);
    this.rows++;
  }
}
