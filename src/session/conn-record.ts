/**
 * The Zeek-shaped `connection` record handed to scripts (see
 * src/event/records.ts), as a class so that what most connections never use
 * costs nothing: the `service` set is created on first access. It also keeps
 * a reference back to the engine's connection, for script-level actions that
 * only receive the record (Conn::port_inactivity_timeouts).
 */
import { DOUBLE_ZERO } from "../doubles.js";
import type { Connection, ConnId, ConnIdCtx, EncapsulatingConn, Endpoint, RemovalHook, Transport } from "../event/records.js";

/*
 * The id and the two endpoints are classes, not object literals: V8 tracks a
 * literal's survival per allocation site and, when every one sampled at a
 * scavenge is still alive, allocates all later ones straight in old space
 * (allocation-site pretenuring). Records are built when a connection ends and
 * die with its conn.log line, but a scavenge that falls while thousands wait
 * in the event queue (a SYN flood's attempt timers firing at one packet) made
 * that call for the three literals in some runs and not others: those runs
 * then filled old space with dead records, 850 MB peak RSS where the others
 * stayed at 550 MB. Instances of a class are never pretenured.
 */

/** A connection record's `id` (see ConnId). */
export class ConnIdRecord implements ConnId {
  constructor(
    public orig_h: string,
    public orig_p: number,
    public resp_h: string,
    public resp_p: number,
    public transport: Transport,
    public proto: number,
  ) {}

  /** Set only when a script gave conn_id's ctx fields (vlan_fivetuple; no slot otherwise). */
  declare ctx?: ConnIdCtx;
}

/** One of a connection record's endpoints (see Endpoint); ConnRecord's owner fills it. */
export class EndpointRecord implements Endpoint {
  // size is a double for sizes of 2^31 and more (see doubles.ts).
  size = DOUBLE_ZERO;
  state = 0;
  num_pkts = 0;
  num_bytes_ip = 0;
  flow_label = 0;
  declare l2_addr?: string;
}

export class ConnRecord<Owner = unknown> implements Connection {
  // Times: doubles from the start (see doubles.ts).
  start_time = DOUBLE_ZERO;
  duration = DOUBLE_ZERO;
  history = "";
  tunnel_parents?: Set<string>;
  // tunnel, failed_analyzers and removal_hooks have slots from the start
  // (undefined): added later, in any order, they gave the records of one run
  // several shapes, and every handler and conn.log line that reads a record
  // was optimised, thrown away and optimised again as each new one came.
  tunnel?: readonly EncapsulatingConn[];
  /** Set by the dpd script when an analyzer fails after confirming. */
  failed_analyzers?: Set<string>;
  /** The protocol scripts' finalizers (src/scripts/removal-hooks.ts). */
  removal_hooks?: RemovalHook[];
  /** Set only for connections whose first packet had VLAN tags, when vlan-logging is loaded (no slot otherwise). */
  declare vlan?: number;
  declare inner_vlan?: number;
  /** Set only for connections whose first packet was PPPoE, when pppoe-session-id-logging is loaded. */
  declare pppoe_session_id?: number;
  private services: Set<string> | null = null;

  constructor(
    readonly id: ConnId,
    readonly orig: Endpoint,
    readonly resp: Endpoint,
    readonly uid: string,
    /** The engine's connection behind this record. */
    readonly owner: Owner,
  ) {}

  /** Whether any analyzer name is in `service` (asked without creating the set: conn.log asks it of every connection). */
  hasService(): boolean {
    return this.services !== null && this.services.size > 0;
  }

  /** Names of analyzers that confirmed the protocol (created on first use). */
  get service(): Set<string> {
    return (this.services ??= new Set<string>());
  }

  set service(value: Set<string>) {
    this.services = value;
  }
}
