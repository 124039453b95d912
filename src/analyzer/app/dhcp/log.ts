/**
 * dhcp.log: Zeek's base/protocols/dhcp/main.zeek as bronze's script, written
 * against dhcp_message.
 *
 * A row is one DHCP "exchange": the messages of one transaction id, whatever
 * connections they came over (broadcasts make several), joined in a table
 * keyed by xid (Zeek's join_data). Each message adds its connection's uid,
 * its type name and the duration since the first; client messages give the
 * client address, host name, FQDN, MAC and requested address; server
 * messages the server address, assigned address, domain and lease.
 *
 * When rows are written matters, because it decides which messages share a
 * row. Zeek writes them from the table's expiration (&create_expire=10secs
 * with an expire function), checked every table_expire_interval (10 s of
 * network time, the first check at the first packet, each next one 10 s after
 * the packet that ran the previous one): an entry older than 10 s is written
 * once no message came for 5 s or it is older than
 * DHCP::max_txid_watch_time (30 s). An entry that reaches
 * DHCP::max_uids_per_log_entry uids or max_msg_types_per_log_entry types is
 * written at once (without the MAC fallback below); at the end of input every
 * entry left is written. A row without a MAC takes the client's chaddr.
 *
 * DHCP::max_tracked_transactions bounds join_data: a message of a new xid
 * finding it full (0: no bound) raises the weird
 * DHCP_max_tracked_transactions_exceeded (net_weird, addl the table's size)
 * and first writes (with the MAC fallback) and drops the exchange inserted
 * longest ago, which Zeek finds in join_data_ordered, an insertion-ordered
 * set kept beside the table (a JS Set here).
 *
 * Rows written together (by one expiration pass, or at the end) come in the
 * order of Zeek's join_data table, and each row's uids in the order of its
 * set[string]: both are ZeekTables under the seed's hash.
 *
 * policy/protocols/dhcp/sub-opts adds the relay agent's sub-options
 * (option 82): circuit_id (1), agent_remote_id (2) and subscriber_id (6), the
 * last message's that had them; a row written at once for its size has them
 * only from earlier messages (Zeek's handler runs after the base script's).
 * policy/protocols/dhcp/msg-orig adds msg_orig: the address that sent each
 * message of msg_types (the same lag for a row written at once). Their
 * columns come in the order the scripts were loaded.
 */
import { DOUBLE_ZERO } from "../../../doubles.js";
import type { Connection, ConnId } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { fields, type LogField, type LogValue } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import { extendedFields, extendRow, loadedExtensions, type RecordExtension } from "../../../scripts/record-extensions.js";
import { type SoftwareFramework, softwareFramework } from "../../../scripts/software/framework.js";
import { ZeekTable } from "../../../zeek-table/table.js";
import type { DhcpMsg, DhcpOptions } from "./events.js";

export const DHCP_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["uids", "set[string]"],
  ["client_addr", "addr"],
  ["server_addr", "addr"],
  ["mac", "string"],
  ["host_name", "string"],
  ["client_fqdn", "string"],
  ["domain", "string"],
  ["requested_addr", "addr"],
  ["assigned_addr", "addr"],
  ["lease_time", "interval"],
  ["client_message", "string"],
  ["server_message", "string"],
  ["msg_types", "vector[string]"],
  ["duration", "interval"],
);

/** The relay agent sub-option codes that fill sub-opts' columns. */
const SUB_OPT_CIRCUIT_ID = 1;
const SUB_OPT_AGENT_REMOTE_ID = 2;
const SUB_OPT_SUBSCRIBER_ID = 6;

/** DHCP::message_types (RFC 1533, 3203, 4388, 6926, 7724). */
const MESSAGE_TYPES = [
  "",
  "DISCOVER",
  "OFFER",
  "REQUEST",
  "DECLINE",
  "ACK",
  "NAK",
  "RELEASE",
  "INFORM",
  "FORCERENEW",
  "LEASEQUERY",
  "LEASEUNASSIGNED",
  "LEASEUNKNOWN",
  "LEASEACTIVE",
  "BULKLEASEQUERY",
  "LEASEQUERYDONE",
  "ACTIVELEASEQUERY",
  "LEASEQUERYSTATUS",
  "TLS",
];

export function dhcpMessageTypeName(t: number): string {
  return t >= 1 && t < MESSAGE_TYPES.length ? MESSAGE_TYPES[t]! : `unknown-message-type-${t}`;
}

/** The script's options (Zeek's DHCP:: options and the table's expiry). */
export const DHCP_LOG_DEFAULTS = {
  /** DHCP::max_txid_watch_time. */
  maxTxidWatchTime: 30,
  /** DHCP::max_uids_per_log_entry (its default: the script takes the setting's value). */
  maxUidsPerLogEntry: 10,
  /** DHCP::max_msg_types_per_log_entry (likewise). */
  maxMsgTypesPerLogEntry: 50,
  /** join_data's &create_expire. */
  createExpire: 10,
  /** A quiet time after which an entry old enough is written (the expire function's 5 s). */
  quiet: 5,
  /** table_expire_interval. */
  expireInterval: 10,
  /** DHCP::max_tracked_transactions (0: no bound). */
  maxTrackedTransactions: 100000,
};

/** |DHCP::join_data| and |DHCP::join_data_ordered|: the exchanges in progress. */
export interface DhcpJoinDataSizes {
  readonly join_data: number;
  readonly join_data_ordered: number;
}

/** Per engine (through its settings object): its dhcp script. */
const engineLogs = new WeakMap<EngineSettings, DhcpLog>();

/**
 * The sizes of the dhcp script's global join_data and join_data_ordered
 * (undefined when base/protocols/dhcp is not loaded), for scripts watching
 * the state DHCP::max_tracked_transactions bounds. Read when asked.
 */
export function dhcpJoinDataSizes(settings: EngineSettings): DhcpJoinDataSizes | undefined {
  return engineLogs.get(settings)?.sizes();
}

const UNSPECIFIED = "0.0.0.0";
const BROADCAST = "255.255.255.255";
const DHCP_CLIENT_PORT = 68;
const DHCP_SERVER_PORT = 67;
const HWTYPE_ETHERNET = 1;

/** DHCP::Info: one row in the making. */
interface DhcpInfo {
  ts: number;
  /** set[string]: printed in Zeek's table order. */
  uids: ZeekTable<string, true>;
  client_addr?: string;
  server_addr?: string;
  mac?: string;
  host_name?: string;
  client_fqdn?: string;
  domain?: string;
  requested_addr?: string;
  assigned_addr?: string;
  lease_time?: number;
  client_message?: string;
  server_message?: string;
  msg_types: string[];
  duration: number;
  client_chaddr?: string;
  last_message_ts: number;
  /** When the table entry was made (its expiry counts from here, moved on when the expire function defers it). */
  expireAccess: number;
  /** sub-opts' columns. */
  circuit_id?: string;
  agent_remote_id?: string;
  subscriber_id?: string;
  /** msg-orig's column. */
  msg_orig: string[];
  /** The ports of the message that set server_addr (not logged: software's log_dhcp handler uses them). */
  client_port?: number;
  server_port?: number;
  /** software's columns: the vendor_class options. */
  client_software?: string;
  server_software?: string;
}

/** A dhcp.log extension: its handler runs on each message after the base script's (a lower priority in Zeek). */
interface DhcpExtension extends RecordExtension<DhcpInfo> {
  message(info: DhcpInfo, c: Connection, isOrig: boolean, options: DhcpOptions): void;
}

/** policy/protocols/dhcp/sub-opts: the relay agent's sub-options, the last message's that had them. */
const SUB_OPTS: DhcpExtension = {
  script: "policy/protocols/dhcp/sub-opts",
  fields: fields(["circuit_id", "string"], ["agent_remote_id", "string"], ["subscriber_id", "string"]),
  values: (i) => [text(i.circuit_id), text(i.agent_remote_id), text(i.subscriber_id)],
  message: (info, _c, _isOrig, options) => addSubOpts(info, options),
};

/** policy/protocols/dhcp/msg-orig: who sent each message (orig_h for the originator's, else resp_h). */
const MSG_ORIG: DhcpExtension = {
  script: "policy/protocols/dhcp/msg-orig",
  fields: fields(["msg_orig", "vector[addr]"]),
  values: (i) => [i.msg_orig],
  message: (info, c, isOrig) => {
    info.msg_orig.push(isOrig ? c.id.orig_h : c.id.resp_h);
  },
};

/**
 * policy/protocols/dhcp/software: the vendor class of clients and servers as
 * columns and to the software framework (DHCP::SERVER at each server
 * message; both, with their ports, when a row with an assigned and a server
 * address is written).
 */
function dhcpSoftware(): DhcpExtension {
  let found: SoftwareFramework["found"] = () => false;
  return {
    script: "policy/protocols/dhcp/software",
    fields: fields(["client_software", "string"], ["server_software", "string"]),
    values: (i) => [text(i.client_software), text(i.server_software)],
    load(host, logs) {
      const software = softwareFramework(host, logs);
      found = (id, info) => software.found(id, info);
    },
    message(info, c, isOrig, options) {
      if (options.vendor_class === undefined) return;
      if (isOrig) info.client_software = options.vendor_class;
      else {
        info.server_software = options.vendor_class;
        found(c.id, { unparsed_version: options.vendor_class, host: c.id.resp_h, software_type: "DHCP::SERVER" });
      }
    },
    logged(_host, i) {
      if (i.assigned_addr === undefined || i.server_addr === undefined) return;
      const id: ConnId = {
        orig_h: i.assigned_addr,
        orig_p: i.client_port ?? 0,
        resp_h: i.server_addr,
        resp_p: i.server_port ?? 0,
        transport: "udp",
        proto: 17,
      };
      if (i.client_software !== undefined && i.assigned_addr !== BROADCAST)
        found(id, { unparsed_version: i.client_software, host: i.assigned_addr, host_p: id.orig_p, software_type: "DHCP::CLIENT" });
      if (i.server_software !== undefined)
        found(id, { unparsed_version: i.server_software, host: i.server_addr, host_p: id.resp_p, software_type: "DHCP::SERVER" });
    },
  };
}

const DHCP_EXTENSIONS = (): readonly DhcpExtension[] => [SUB_OPTS, MSG_ORIG, dhcpSoftware()];

/** A byte string off the wire as log text (see bytesToLogText). */
function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : bytesToLogText(s);
}

export class DhcpLog {
  private readonly log: LogWriter;
  /** join_data: the exchanges in progress by transaction id. */
  private readonly joinData: ZeekTable<number, DhcpInfo>;
  /** join_data_ordered: the same xids in insertion order, to find the oldest when join_data is full. */
  private readonly joinOrder = new Set<number>();

  constructor(
    private readonly host: AnalyzerScriptHost,
    logs: LogManager,
    private readonly opts = DHCP_LOG_DEFAULTS,
    /** The loaded extensions (sub-opts, msg-orig), in load order. */
    private readonly extensions: readonly DhcpExtension[] = [],
  ) {
    this.joinData = new ZeekTable(host.tableHash.count);
    engineLogs.set(host.settings, this);
    this.log = logs.open({ path: "dhcp", fields: extendedFields(DHCP_FIELDS, extensions) });
    host.on("dhcp_message", (c, isOrig, msg, options) => this.aggregate(host.clock.now, c, isOrig, msg, options), { priority: -5 });
    // The table's expiration timer: first at the first packet, then every table_expire_interval.
    const check = (now: number): void => {
      this.expire(now, false);
      host.schedule(now + this.opts.expireInterval, check);
    };
    host.schedule(0, check);
    host.on("zeek_done", () => this.expire(host.clock.now, true), { priority: -5 });
  }

  /** DHCP::aggregate_msgs: one message into its exchange. */
  private aggregate(ts: number, c: Connection, isOrig: boolean, msg: DhcpMsg, options: DhcpOptions): void {
    let info = this.joinData.get(msg.xid);
    if (info === undefined) {
      this.makeRoom();
      // Every slot from birth, the optional ones too (filled in the order the options come, they gave the rows many shapes).
      info = {
        ts,
        uids: new ZeekTable<string, true>(this.host.tableHash.string).set(c.uid, true),
        client_addr: undefined,
        server_addr: undefined,
        mac: undefined,
        host_name: undefined,
        client_fqdn: undefined,
        domain: undefined,
        requested_addr: undefined,
        assigned_addr: undefined,
        lease_time: undefined,
        client_message: undefined,
        server_message: undefined,
        msg_types: [],
        duration: DOUBLE_ZERO,
        client_chaddr: undefined,
        last_message_ts: ts,
        expireAccess: ts,
        circuit_id: undefined,
        agent_remote_id: undefined,
        subscriber_id: undefined,
        msg_orig: [],
        client_port: undefined,
        server_port: undefined,
        client_software: undefined,
        server_software: undefined,
      };
      this.joinData.set(msg.xid, info);
      this.joinOrder.add(msg.xid);
    }
    info.duration = ts - info.ts;
    info.uids.set(c.uid, true);
    info.msg_types.push(dhcpMessageTypeName(msg.m_type));
    const id = c.id;
    // is_orig is also T for a server broadcasting to a client, hence the address and port tests.
    const isClient = isOrig && (id.orig_h === UNSPECIFIED || id.orig_p === DHCP_CLIENT_PORT || id.resp_p === DHCP_SERVER_PORT);
    if (options.message !== undefined) {
      if (isClient) info.client_message = options.message;
      else info.server_message = options.message;
    }
    info.last_message_ts = ts;
    if (isClient) {
      if (id.orig_h !== UNSPECIFIED && id.orig_h !== BROADCAST) info.client_addr = id.orig_h;
      if (options.host_name !== undefined) info.host_name = options.host_name;
      if (options.client_fqdn !== undefined) info.client_fqdn = options.client_fqdn.domain_name;
      if (options.client_id !== undefined && options.client_id.hwtype === HWTYPE_ETHERNET) info.mac = options.client_id.hwaddr;
      else info.client_chaddr = msg.chaddr;
      if (options.addr_request !== undefined) info.requested_addr = options.addr_request;
    } else {
      if (msg.yiaddr !== UNSPECIFIED) {
        // A server broadcasting is the originator; one sending unicast was flipped to be the responder.
        info.server_addr = isOrig ? id.orig_h : id.resp_h;
        info.server_port = isOrig ? id.orig_p : id.resp_p;
        info.client_port = isOrig ? id.resp_p : id.orig_p;
      }
      if (msg.chaddr !== "" && info.mac === undefined) info.mac = msg.chaddr;
      if (msg.yiaddr !== UNSPECIFIED) info.assigned_addr = msg.yiaddr;
      if (info.client_addr === undefined && info.assigned_addr !== undefined) info.client_addr = info.assigned_addr;
      if (options.domain_name !== undefined) info.domain = options.domain_name;
      if (options.lease !== undefined) info.lease_time = options.lease;
    }
    if (info.uids.size >= this.opts.maxUidsPerLogEntry || info.msg_types.length >= this.opts.maxMsgTypesPerLogEntry) {
      this.write(info);
      this.forget(msg.xid);
    }
    for (const e of this.extensions) e.message(info, c, isOrig, options);
  }

  /** One pass of the table's expiration (Zeek's robust iteration over join_data); at the end, zeek_done's loop writing everything left. */
  private expire(now: number, terminating: boolean): void {
    const o = this.opts;
    if (terminating) {
      for (const info of this.joinData.values()) this.writeWithMac(info);
      this.joinData.clear();
      this.joinOrder.clear();
      return;
    }
    this.joinData.sweep((xid, info) => {
      if (!(info.expireAccess + o.createExpire < now)) return false;
      if (now - info.last_message_ts > o.quiet || now - info.ts > o.maxTxidWatchTime) {
        this.writeWithMac(info);
        this.joinOrder.delete(xid);
        return true;
      }
      // The expire function asked for 5 s more: the entry's clock is set back accordingly.
      info.expireAccess = now - o.createExpire + o.quiet;
      return false;
    });
  }

  /** A new exchange is coming: when join_data is full, the weird, and the oldest exchange is written and dropped. */
  private makeRoom(): void {
    const max = this.opts.maxTrackedTransactions;
    if (max <= 0 || this.joinData.size < max) return;
    this.host.netWeird?.("DHCP_max_tracked_transactions_exceeded", String(this.joinData.size), "DHCP");
    // Zeek deletes xid 0 when the ordered set is empty (it never is while the table is not).
    const oldest = this.joinOrder.values().next().value ?? 0;
    const info = this.joinData.get(oldest);
    if (info !== undefined) this.writeWithMac(info);
    this.forget(oldest);
  }

  /** delete join_data[xid] and join_data_ordered[xid]. */
  private forget(xid: number): void {
    this.joinData.delete(xid);
    this.joinOrder.delete(xid);
  }

  sizes(): DhcpJoinDataSizes {
    return { join_data: this.joinData.size, join_data_ordered: this.joinOrder.size };
  }

  /** write_log: a client that sent no client id gets its chaddr as the MAC. */
  private writeWithMac(info: DhcpInfo): void {
    if (info.mac === undefined && info.client_chaddr !== undefined) info.mac = info.client_chaddr;
    this.write(info);
  }

  private write(info: DhcpInfo): void {
    const row: LogValue[] = [
      info.ts,
      info.uids.keys(),
      info.client_addr,
      info.server_addr,
      text(info.mac),
      text(info.host_name),
      text(info.client_fqdn),
      text(info.domain),
      info.requested_addr,
      info.assigned_addr,
      info.lease_time,
      text(info.client_message),
      text(info.server_message),
      info.msg_types,
      info.duration,
    ];
    extendRow(row, info, this.extensions);
    this.log.write(row);
    for (const e of this.extensions) e.logged?.(this.host, info);
  }
}

/** sub-opts' handler: the relay agent's sub-options of a message into its row. */
function addSubOpts(info: DhcpInfo, options: DhcpOptions): void {
  for (const sub of options.sub_opt ?? []) {
    if (sub.code === SUB_OPT_CIRCUIT_ID) info.circuit_id = sub.value;
    else if (sub.code === SUB_OPT_AGENT_REMOTE_ID) info.agent_remote_id = sub.value;
    else if (sub.code === SUB_OPT_SUBSCRIBER_ID) info.subscriber_id = sub.value;
  }
}

/** The protocol script entry (src/scripts/protocols.ts). */
export const DHCP_SCRIPT = {
  script: "base/protocols/dhcp",
  load(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[]): void {
    const extensions = loadedExtensions(DHCP_EXTENSIONS(), loads);
    const maxUidsPerLogEntry = host.settings["DHCP::max_uids_per_log_entry"];
    const maxMsgTypesPerLogEntry = host.settings["DHCP::max_msg_types_per_log_entry"];
    const maxTrackedTransactions = host.settings["DHCP::max_tracked_transactions"];
    new DhcpLog(host, logs, { ...DHCP_LOG_DEFAULTS, maxUidsPerLogEntry, maxMsgTypesPerLogEntry, maxTrackedTransactions }, extensions);
    for (const e of extensions) e.load?.(host, logs);
  },
};
