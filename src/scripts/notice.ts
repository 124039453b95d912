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
 * - the row has Zeek's columns, remote_location's included, `actions`
 *   Notice::ACTION_LOG;
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

const ACTIONS = ["Notice::ACTION_LOG"] as const;

/** What add-geodata needs (made only when Notice::lookup_location_types names a type: otherwise a notice costs nothing more). */
export interface NoticeGeodata {
  readonly types: ReadonlySet<string>;
  /** The actions of a notice with ACTION_ADD_GEODATA, in Zeek's set order. */
  readonly actions: readonly string[];
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

/** The notice framework: notice.log and its suppression. */
export class NoticeLog {
  private writer: LogWriter | null = null;
  /** Until when (network time) each "note identifier" is suppressed. */
  private readonly suppressing = new Map<string, number>();
  /** The table size at which expired suppressions are next swept out (amortised: the sweep doubles it). */
  private nextSweep = 1024;
  /** Notices written, and suppressed. */
  logged = 0;
  suppressed = 0;

  constructor(
    private readonly logs: LogManager,
    private readonly clock: { readonly now: number },
    /** The loaded policy scripts' columns (Zeek's `redef record Notice::Info += { … &log }`), in load order. */
    private readonly extensions: readonly RecordExtension<NoticeInput>[] = [],
    /** add-geodata's lookups (null: no notice type asks for them). */
    private readonly geodata: NoticeGeodata | null = null,
  ) {}

  /** Raises a notice (Zeek's NOTICE): true when it was logged, false when an earlier one suppresses it. */
  notice(n: NoticeInput): boolean {
    const now = this.clock.now;
    const key = n.identifier === undefined ? null : `${n.note}\u0000${n.identifier}`;
    if (key !== null) {
      const until = this.suppressing.get(key);
      if (until !== undefined && now < until) {
        this.suppressed++;
        return false;
      }
      this.suppressing.delete(key);
    }
    const ts = n.ts ?? now;
    const id = n.id ?? n.conn?.id;
    const uid = n.uid ?? n.conn?.uid;
    const p = n.p ?? id?.resp_p;
    const proto = n.proto ?? (p !== undefined ? id?.transport : undefined);
    const suppressFor = n.suppressFor ?? DEFAULT_SUPPRESSION_INTERVAL;
    const src = n.src ?? id?.orig_h;
    const dst = n.dst ?? id?.resp_h;
    const geo = this.geodata?.types.has(n.note) ? this.geodata : null;
    const location = n.remoteLocation ?? geo?.locate(src, dst);
    this.writer ??= this.logs.open({ path: "notice", fields: extendedFields(NOTICE_FIELDS, this.extensions) });
    const row = extendRow(
      [
        ts,
        uid,
        id?.orig_h,
        id?.orig_p,
        id?.resp_h,
        id?.resp_p,
        n.fuid,
        n.fileMimeType,
        n.fileDesc,
        proto === "unknown_transport" ? "unknown" : proto,
        n.note,
        n.msg,
        n.sub,
        src,
        dst,
        p,
        n.n,
        undefined,
        geo?.actions ?? ACTIONS,
        [],
        suppressFor,
        ...geoLocationValues(location),
      ],
      n,
      this.extensions,
    );
    if (row !== null) this.writer.write(row);
    this.logged++;
    if (key !== null && suppressFor !== 0) this.suppressing.set(key, ts + suppressFor);
    this.forgetExpired(now);
    return true;
  }

  /** Suppressions that ran out go, so that the table stays as large as the notices of one interval. */
  private forgetExpired(now: number): void {
    if (this.suppressing.size < this.nextSweep) return;
    for (const [key, until] of this.suppressing) if (until <= now) this.suppressing.delete(key);
    this.nextSweep = Math.max(1024, 2 * this.suppressing.size);
  }
}
