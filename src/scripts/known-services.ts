/**
 * Zeek's policy/protocols/conn/known-services: known_services.log, each
 * (address, port) that served a protocol, with the protocols it served,
 * once a day, for the servers Known::service_tracking selects (LOCAL_HOSTS
 * by default). Zeek's in-memory table (no Broker or storage-framework
 * store; those are off by default).
 *
 * A connection is looked at when an analyzer confirms its protocol, and at
 * its removal if nothing was logged for it by then. A server counts once it
 * answered: a TCP handshake from its side, a UDP reply (unless
 * Known::service_udp_requires_response is off); ICMP and other transports
 * never. A connection with no protocol at all is written five minutes
 * later (Zeek's `schedule 5min`, in case another connection finds one),
 * with an empty service; scheduled writes still pending when the input ends
 * happen then, as Zeek expires its timers at shutdown, and connections
 * removed after that schedule none (Zeek's `schedule` does nothing once it
 * is terminating).
 */
import { type Connection, TcpState, UdpState } from "../event/records.js";
import type { LogManager } from "../log/manager.js";
import { fields, type LogField } from "../log/schema.js";
import { zeekSetOrder } from "../zeek-table/table.js";
import { addrMatchesHost, localNetsOf } from "./directions-and-hosts.js";
import type { AnalyzerScriptHost } from "./host.js";
import type { LocalNets } from "./site.js";

export const KNOWN_SERVICES_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["host", "addr"],
  ["port_num", "port"],
  ["port_proto", "enum"],
  ["service", "set[string]"],
);

/** Known::services' &create_expire: a service is logged again a day after it was added. */
const SERVICE_EXPIRY = 86400;
/** How long a connection without a protocol waits before it is written. */
const NO_PROTOCOL_DELAY = 300;
/** After the other handlers, as Zeek's (&priority=-5). */
const PRIORITY = -5;
/** Zeek expires its timers after net_done's handlers. */
const SHUTDOWN_PRIORITY = -1_000_000;

/** Zeek's Known::ServicesInfo. */
interface ServicesInfo {
  readonly ts: number;
  readonly host: string;
  readonly port: number;
  readonly proto: string;
  /** In Zeek's set order. */
  readonly services: readonly string[];
}

/** A write scheduled for later (a connection without a protocol). */
interface Scheduled {
  readonly info: ServicesInfo;
  done: boolean;
}

export function loadKnownServices(host: AnalyzerScriptHost, logs: LogManager): void {
  new KnownServices(host, logs);
}

class KnownServices {
  private readonly log;
  /** Known::services: the services seen on each (address, port), and when the entry was made. */
  private readonly known = new Map<string, { readonly added: number; readonly services: Set<string> }>();
  /** c$known_services_done. */
  private readonly done = new WeakSet<Connection>();
  private readonly scheduled: Scheduled[] = [];
  /** The input ended: Zeek's run_state::terminating. */
  private terminating = false;
  private local: LocalNets | null = null;

  constructor(
    private readonly host: AnalyzerScriptHost,
    logs: LogManager,
  ) {
    this.log = logs.open({ path: "known_services", fields: KNOWN_SERVICES_FIELDS });
    host.on("analyzer_confirmation_info", (_atype, info) => info.c !== undefined && this.connectionDone(info.c), { priority: PRIORITY });
    host.on("connection_state_remove", (c) => !this.done.has(c) && this.connectionDone(c), { priority: PRIORITY });
    // At the end of input Zeek expires every timer (before the last connections are removed), and is terminating from then on.
    host.on("net_done", () => this.flushScheduled(), { priority: SHUTDOWN_PRIORITY });
  }

  /** Zeek's known_services_done: whether `c` shows a service, and if so its write (now, or later without a protocol). */
  private connectionDone(c: Connection): void {
    this.local ??= localNetsOf(this.host.settings);
    if (!addrMatchesHost(c.id.resp_h, this.host.settings["Known::service_tracking"], this.local)) return;
    if (c.service.size === 1) {
      // FTP data connections are not services; a DNS server must have said something.
      if (c.service.has("ftp-data")) return;
      if (c.service.has("DNS") && c.resp.size === 0) return;
    }
    if (!this.hasActiveService(c)) return;
    this.done.add(c);
    // A protocol confirmed and then violated is kept as "-NAME": not a service.
    const services = zeekSetOrder(
      this.host.tableHash.string,
      [...c.service].filter((s) => !s.startsWith("-")),
    );
    const info = { ts: this.host.clock.now, host: c.id.resp_h, port: c.id.resp_p, proto: c.id.transport, services };
    if (c.service.size > 0) {
      this.commit(info);
      return;
    }
    if (this.terminating) return;
    const later: Scheduled = { info: { ...info, services: [""] }, done: false };
    this.scheduled.push(later);
    this.host.schedule(info.ts + NO_PROTOCOL_DELAY, () => this.runScheduled(later));
  }

  /** Zeek's has_active_service: the server answered. */
  private hasActiveService(c: Connection): boolean {
    if (c.id.transport === "tcp") {
      const s = c.resp.state;
      return s === TcpState.ESTABLISHED || s === TcpState.CLOSED || s === TcpState.PARTIAL || c.history.includes("h");
    }
    if (c.id.transport === "udp") return !this.host.settings["Known::service_udp_requires_response"] || c.resp.state === UdpState.ACTIVE;
    return false;
  }

  private runScheduled(s: Scheduled): void {
    if (s.done) return;
    s.done = true;
    // Writes fall due in the order they were scheduled (one delay for all): those done leave the queue's head.
    while (this.scheduled[0]?.done === true) this.scheduled.shift();
    this.commit(s.info);
  }

  /** The writes still scheduled, in the order they fall due, as Zeek's shutdown expires its timers. */
  private flushScheduled(): void {
    this.terminating = true;
    const pending = this.scheduled.splice(0);
    for (const s of pending) this.runScheduled(s);
  }

  /** Zeek's service_info_commit and known_service_add: the services not yet known on the (address, port) are added and written. */
  private commit(info: ServicesInfo): void {
    const key = `${info.host}|${info.port}/${info.proto}`;
    let entry = this.known.get(key);
    if (entry !== undefined && entry.added + SERVICE_EXPIRY <= info.ts) entry = undefined;
    if (entry !== undefined && info.services.every((s) => entry!.services.has(s))) return;
    if (entry === undefined) {
      entry = { added: info.ts, services: new Set() };
      this.known.set(key, entry);
    }
    const added: string[] = [];
    for (const s of info.services) {
      if (entry.services.has(s)) continue;
      entry.services.add(s);
      added.push(s);
    }
    this.log.write([info.ts, info.host, info.port, info.proto, zeekSetOrder(this.host.tableHash.string, added)]);
  }
}
