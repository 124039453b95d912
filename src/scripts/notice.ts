/**
 * notice.log: Zeek's notice framework (base/frameworks/notice), for what a
 * policy script finds: a port scan, a bad certificate, a file to look at.
 * A script raises a notice with `notice({ note: "Scan::Port_Scan", msg,
 * conn })`; as Zeek's NOTICE():
 *
 * - a notice with an `identifier` is suppressed while an earlier notice of
 *   the same note and identifier is less than its `suppress_for` old
 *   (default Notice::default_suppression_interval, 1 hour of network time);
 *   one without an identifier is never suppressed;
 * - missing fields are filled in: `ts` is network time; a connection gives
 *   uid and id, an id gives src, dst and the port p (with its protocol);
 * - Notice::policy hooks (onPolicy) then see it: the framework's own, at
 *   priority 10, adds Notice::ACTION_LOG (a later one may take it away:
 *   the notice is then not logged) and add-geodata's action; a script's
 *   adds others (Notice::ACTION_DROP, with policy/frameworks/notice/actions/drop);
 * - Notice::notice hooks (onNotice) follow: the framework's own, at -5,
 *   writes the row when ACTION_LOG is among the actions and starts the
 *   suppression; handlers registered later at -5 (drop's) run after it, as
 *   Zeek runs equal priorities in load order;
 * - the row has Zeek's columns, remote_location's included, `actions` in
 *   Zeek's set order;
 * - add-geodata (base/frameworks/notice/actions/add-geodata): a notice of
 *   a type in Notice::lookup_location_types also has the action
 *   Notice::ACTION_ADD_GEODATA and, unless the script gave one, the
 *   remote_location of its src (when src is not local) or else its dst
 *   (when that is not local), looked up with GeoIP; set by the script
 *   (`remoteLocation`), it is written as given.
 */
import type { Connection, ConnId, Transport } from "../event/records.js";
import type { GeoLocation } from "../geoip/geoip.js";
import { geoLocationValues } from "../geoip/log-columns.js";
import type { LogManager } from "../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";
import { TableHasher } from "../zeek-table/hash.js";
import { type KeyHash, zeekSetOrder } from "../zeek-table/table.js";
import { Hook, type HookFn } from "./hook.js";
import { extendedFields, extendRow, type RecordExtension } from "./record-extensions.js";

export const NOTICE_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["fuid", "string"],
  ["file_mime_type", "string"],
  ["file_desc", "string"],
  ["proto", "enum"],
  ["note", "enum"],
  ["msg", "string"],
  ["sub", "string"],
  ["src", "addr"],
  ["dst", "addr"],
  ["p", "port"],
  ["n", "count"],
  ["peer_descr", "string"],
  ["actions", "set[enum]"],
  ["email_dest", "set[string]"],
  ["suppress_for", "interval"],
  ["remote_location.country_code", "string"],
  ["remote_location.region", "string"],
  ["remote_location.city", "string"],
  ["remote_location.latitude", "double"],
  ["remote_location.longitude", "double"],
);

/** Notice::default_suppression_interval. */
export const DEFAULT_SUPPRESSION_INTERVAL = 3600;

/**
 * Notice::Action's values in the order Zeek numbers them: main.zeek's five,
 * then email_admin's, page's and add-geodata's. A set of them is filed under
 * these numbers' hashes, which gives notice.log's order of `actions`.
 */
export const NOTICE_ACTIONS = [
  "Notice::ACTION_NONE",
  "Notice::ACTION_LOG",
  "Notice::ACTION_EMAIL",
  "Notice::ACTION_ALARM",
  "Notice::ACTION_DROP",
  "Notice::ACTION_EMAIL_ADMIN",
  "Notice::ACTION_PAGE",
  "Notice::ACTION_ADD_GEODATA",
] as const;

export type NoticeAction = (typeof NOTICE_ACTIONS)[number];

/** The actions column of the usual notice, made once. */
const LOG_ONLY: readonly NoticeAction[] = ["Notice::ACTION_LOG"];

/** The priorities of the framework's own hook handlers (main.zeek's). */
const POLICY_PRIORITY = 10;
const WRITE_PRIORITY = -5;

/** What add-geodata needs (made only when Notice::lookup_location_types names a type: otherwise a notice costs nothing more). */
export interface NoticeGeodata {
  readonly types: ReadonlySet<string>;
  /** The remote_location of a notice from `src` to `dst` (undefined: none looked up). */
  locate(src: string | undefined, dst: string | undefined): GeoLocation | undefined;
}

/** What a script says about a notice (Zeek's Notice::Info, the fields a script sets). */
export interface NoticeInput {
  /** The notice type, as Zeek names it ("Scan::Port_Scan", "SSL::Invalid_Server_Cert"). */
  note: string;
  msg?: string;
  sub?: string;
  /** The connection it is about: gives uid and id (hence src, dst, p) unless those are set. */
  conn?: Connection;
  id?: ConnId;
  uid?: string;
  src?: string;
  dst?: string;
  /** A port, with its protocol (the `proto` column); from the id's responder port by default. */
  p?: number;
  proto?: Transport;
  n?: number;
  fuid?: string;
  fileMimeType?: string;
  fileDesc?: string;
  /** When it happened (network time by default). */
  ts?: number;
  /** What makes two notices of one type the same, for suppression (none: never suppressed). */
  identifier?: string;
  /** How long notices with this note and identifier are suppressed after this one, in seconds (0: not at all). */
  suppressFor?: number;
  /** notice.log's remote_location (Zeek's n$remote_location); add-geodata looks it up when unset and the type asks for it. */
  remoteLocation?: GeoLocation;
}

/**
 * Notice::Info as the Notice::policy and Notice::notice hooks see it: the
 * script's fields with the framework's filled in, and the actions. A
 * handler may change it (add or remove actions, set suppressFor).
 */
export interface NoticeInfo extends NoticeInput {
  ts: number;
  /** Notice::ActionSet: what is done with the notice. */
  actions: Set<NoticeAction>;
  /** policy/frameworks/notice/actions/drop: src was dropped through catch-and-release (notice.log's `dropped`). */
  dropped?: boolean;
}

/** The notice framework: notice.log, its suppression and its hooks. */
export class NoticeLog {
  private writer: LogWriter | null = null;
  /** Until when (network time) each "note identifier" is suppressed. */
  private readonly suppressing = new Map<string, number>();
  /** The table size at which expired suppressions are next swept out (amortised: the sweep doubles it). */
  private nextSweep = 1024;
  /** Notices raised (written unless a policy took ACTION_LOG away), and suppressed. */
  logged = 0;
  suppressed = 0;
  private readonly policy = new Hook<[n: NoticeInfo]>();
  private readonly noticeHook = new Hook<[n: NoticeInfo]>();
  /** The hash a set of actions is ordered by (made when first needed: most notices have ACTION_LOG alone). */
  private actionHash: KeyHash<number> | null;

  constructor(
    private readonly logs: LogManager,
    private readonly clock: { readonly now: number },
    /** The loaded policy scripts' columns (Zeek's `redef record Notice::Info += { … &log }`), in load order. */
    private readonly extensions: readonly RecordExtension<NoticeInfo>[] = [],
    /** add-geodata's lookups (null: no notice type asks for them). */
    private readonly geodata: NoticeGeodata | null = null,
    /** The engine's hash of a `count` table index, for the order of `actions` (none: a random key, as Zeek's without a seed). */
    actionHash: KeyHash<number> | null = null,
  ) {
    this.actionHash = actionHash;
    this.policy.add((n) => this.defaultActions(n), POLICY_PRIORITY);
    this.noticeHook.add((n) => this.write(n), WRITE_PRIORITY);
  }

  /** Notice::policy: runs on each notice not suppressed, before it is logged; a handler returning false stops the later ones. */
  onPolicy(fn: HookFn<[n: NoticeInfo]>, priority = 0): void {
    this.policy.add(fn, priority);
  }

  /** Notice::notice: runs after the policy; the framework writes the row at priority -5 (a handler above sees it before). */
  onNotice(fn: HookFn<[n: NoticeInfo]>, priority = 0): void {
    this.noticeHook.add(fn, priority);
  }

  /** Raises a notice (Zeek's NOTICE): false when an earlier one suppresses it, else true (logged unless a policy took ACTION_LOG away). */
  notice(n: NoticeInput): boolean {
    const key = suppressionKey(n);
    if (key !== null) {
      const until = this.suppressing.get(key);
      if (until !== undefined && this.clock.now < until) {
        this.suppressed++;
        return false;
      }
      this.suppressing.delete(key);
    }
    const info = this.filled(n);
    // A policy handler's `break` ends the policy, not the notice (Zeek's NOTICE runs the notice hook regardless).
    this.policy.run(info);
    info.suppressFor ??= DEFAULT_SUPPRESSION_INTERVAL;
    this.noticeHook.run(info);
    this.logged++;
    this.forgetExpired(this.clock.now);
    return true;
  }

  /** Zeek's apply_policy before the hook: ts, and uid, id, src, dst, p and proto from the connection and its id. */
  private filled(n: NoticeInput): NoticeInfo {
    const id = n.id ?? n.conn?.id;
    const p = n.p ?? id?.resp_p;
    return {
      ...n,
      ts: n.ts ?? this.clock.now,
      id,
      uid: n.uid ?? n.conn?.uid,
      p,
      proto: n.proto ?? (p !== undefined ? id?.transport : undefined),
      src: n.src ?? id?.orig_h,
      dst: n.dst ?? id?.resp_h,
      actions: new Set(),
    };
  }

  /** main.zeek's policy handler (logging is a default action) and add-geodata's (same priority, loaded after). */
  private defaultActions(n: NoticeInfo): void {
    n.actions.add("Notice::ACTION_LOG");
    if (this.geodata?.types.has(n.note)) n.actions.add("Notice::ACTION_ADD_GEODATA");
  }

  /** main.zeek's notice handler at -5: the row when ACTION_LOG is among the actions, then the suppression. */
  private write(n: NoticeInfo): void {
    if (n.actions.has("Notice::ACTION_LOG")) this.writeRow(n);
    const key = suppressionKey(n);
    const suppressFor = n.suppressFor ?? DEFAULT_SUPPRESSION_INTERVAL;
    if (key !== null && suppressFor !== 0 && !this.suppressing.has(key)) this.suppressing.set(key, n.ts + suppressFor);
  }

  private writeRow(n: NoticeInfo): void {
    const id = n.id;
    const geo = n.actions.has("Notice::ACTION_ADD_GEODATA") ? this.geodata : null;
    const location = n.remoteLocation ?? geo?.locate(n.src, n.dst);
    this.writer ??= this.logs.open({ path: "notice", fields: extendedFields(NOTICE_FIELDS, this.extensions) });
    const row = extendRow(
      [
        n.ts,
        n.uid,
        id?.orig_h,
        id?.orig_p,
        id?.resp_h,
        id?.resp_p,
        n.fuid,
        n.fileMimeType,
        n.fileDesc,
        n.proto === "unknown_transport" ? "unknown" : n.proto,
        n.note,
        n.msg,
        n.sub,
        n.src,
        n.dst,
        n.p,
        n.n,
        undefined,
        this.actionsColumn(n.actions),
        [],
        n.suppressFor,
        ...geoLocationValues(location),
      ],
      n,
      this.extensions,
    );
    if (row !== null) this.writer.write(row);
  }

  /** The actions in Zeek's set order. */
  private actionsColumn(actions: ReadonlySet<NoticeAction>): readonly NoticeAction[] {
    if (actions.size === 1 && actions.has("Notice::ACTION_LOG")) return LOG_ONLY;
    this.actionHash ??= new TableHasher().count;
    const numbers = [...actions].map((a) => NOTICE_ACTIONS.indexOf(a));
    return zeekSetOrder(this.actionHash, numbers).map((i) => NOTICE_ACTIONS[i]!);
  }

  /** Suppressions that ran out go, so that the table stays as large as the notices of one interval. */
  private forgetExpired(now: number): void {
    if (this.suppressing.size < this.nextSweep) return;
    for (const [key, until] of this.suppressing) if (until <= now) this.suppressing.delete(key);
    this.nextSweep = Math.max(1024, 2 * this.suppressing.size);
  }
}

/** What two notices share to suppress one another: note and identifier (null: never suppressed). */
function suppressionKey(n: NoticeInput): string | null {
  return n.identifier === undefined ? null : `${n.note}\u0000${n.identifier}`;
}
