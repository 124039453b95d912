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
import { ConnRecord } from "../session/conn-record.js";
import { Conn } from "../session/connection.js";
import { communityIdV1 } from "./community-id.js";
import { UNKNOWN_IP_PROTO } from "./conn-columns.js";
import { connState } from "./conn-state.js";
import { localNetsOf } from "./directions-and-hosts.js";
import type { ScriptHost } from "./host.js";
import { extendRow, type RecordExtension } from "./record-extensions.js";
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

const IP_PROTO_INDEX = CONN_FIELDS.findIndex((f) => f.name === "ip_proto");

/** Columns added by Zeek's policy/protocols/conn/mac-logging. */
export const MAC_LOGGING_FIELDS: readonly LogField[] = fields(["orig_l2_addr", "string"], ["resp_l2_addr", "string"]);

/** Columns added by Zeek's policy/protocols/conn/vlan-logging. */
export const VLAN_LOGGING_FIELDS: readonly LogField[] = fields(["vlan", "int"], ["inner_vlan", "int"]);

/** The column added by Zeek's policy/protocols/conn/community-id-logging. */
export const COMMUNITY_ID_FIELDS: readonly LogField[] = fields(["community_id", "string"]);

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
  /** Without ip_proto (Zeek's policy/protocols/conn/disable-unknown-ip-proto-support takes &log off it). */
  noIpProto?: boolean;
  /** The loaded policy scripts' columns after community_id, in load order (conn-columns.ts; their handlers are registered by the caller). */
  extensions?: readonly RecordExtension<Connection>[];
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
  private readonly noIpProto: boolean;
  private readonly extensions: readonly RecordExtension<Connection>[];
  private readonly settings: ConnLogOptions["settings"];
  readonly writer: LogWriter;

  constructor(host: ScriptHost, logs: LogManager, options: ConnLogOptions = {}) {
    this.localNets = options.localNets ?? new LocalNets();
    const settings = options.settings;
    if (options.localNets === undefined && settings !== undefined) {
      host.on(
        "zeek_init",
        () => {
          this.localNets = localNetsOf(settings);
        },
        { priority: SITE_PRIORITY },
      );
    }
    this.macLogging = options.macLogging ?? false;
    this.vlanLogging = options.vlanLogging ?? false;
    this.communityId = options.communityId ?? false;
    this.noIpProto = options.noIpProto ?? false;
    this.extensions = options.extensions ?? [];
    this.settings = settings;
    const columns = [
      ...(this.noIpProto ? CONN_FIELDS.filter((f) => f.name !== "ip_proto") : CONN_FIELDS),
      ...(this.macLogging ? MAC_LOGGING_FIELDS : []),
      ...(this.vlanLogging ? VLAN_LOGGING_FIELDS : []),
      ...(this.communityId ? COMMUNITY_ID_FIELDS : []),
      ...this.extensions.flatMap((e) => e.fields),
    ];
    this.writer = logs.open({ path: "conn", fields: columns });
    host.on("content_gap", (c, _isOrig, _seq, length) => this.addGap(c, length), { priority: GAP_PRIORITY });
    host.on("connection_state_remove", (c) => this.write(c), { priority: WRITE_PRIORITY });
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
    if (this.noIpProto) values.splice(IP_PROTO_INDEX, 1);
    if (this.communityId) {
      const id = communityIdV1(c.id, this.settings?.["CommunityID::seed"] ?? 0, this.settings?.["CommunityID::do_base64"] ?? true);
      values.push(id === "" ? undefined : id);
    }
    if (this.extensions.length > 0) extendRow(values, c, this.extensions);
    this.writer.write(values);
    this.rows++;
  }
}
