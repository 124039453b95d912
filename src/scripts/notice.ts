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
 *   priority 10, ends the policy for a type in Notice::ignored_types (no
 *   action: not logged, not mailed; the suppression still starts), makes
 *   suppress_for 0 for not_suppressed_types, adds ACTION_ALARM for
 *   alarmed_types and ACTION_EMAIL for emailed_types, sets suppress_for
 *   from type_suppression_intervals, then
 *   Notice::ACTION_LOG (a later one may take it away: the notice is then
 *   not logged) and add-geodata's action; a script's adds others
 *   (Notice::ACTION_DROP, with policy/frameworks/notice/actions/drop);
 * - Notice::notice hooks (onNotice) follow: the framework's own at 0 add the
 *   email destinations (ACTION_EMAIL: Notice::mail_dest, ACTION_EMAIL_ADMIN:
 *   Site::local_admins of src and dst, ACTION_PAGE: mail_page_dest); at -5
 *   it mails each destination (notice-mail.ts; never while reading a trace;
 *   held back while a script's delay tokens are), writes the row when
 *   ACTION_LOG is among the actions, the notice_alarm.log row with
 *   ACTION_ALARM, and starts the suppression; pp-alarms' handler then adds
 *   an alarm to alarm-mail.txt (notice-alarms.ts); handlers registered later
 *   at -5 (drop's) run after them, as Zeek runs equal priorities in load order;
 * - the row has Zeek's columns, remote_location's included, `actions` in
 *   Zeek's set order;
 * - add-geodata (base/frameworks/notice/actions/add-geodata): a notice of
 *   a type in Notice::lookup_location_types also has the action
 *   Notice::ACTION_ADD_GEODATA and, unless the script gave one, the
 *   remote_location of its src (when src is not local) or else its dst
 *   (when that is not local), looked up with GeoIP; set by the script
 *   (`remoteLocation`), it is written as given.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Connection, ConnId, Transport } from "../event/records.js";
import type { GeoLocation } from "../geoip/geoip.js";
import { geoLocationValues } from "../geoip/log-columns.js";
import type { LogManager } from "../log/manager.js";
import { nextRotationDelay, parseRotateBaseTime, type RotationInfo } from "../log/rotation.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../log/schema.js";
import type { LogWriter } from "../log/writer.js";
import { defaultSettings, type EngineSettings } from "../options.js";
import { TableHasher } from "../zeek-table/hash.js";
import { type KeyHash, zeekSetOrder } from "../zeek-table/table.js";
import { Hook, type HookFn } from "./hook.js";
import { ALARM_MAIL_FILE, clockTime, PrettyAlarms } from "./notice-alarms.js";
import { emailHeaders, LocalAdmins, noticeEmail, Sendmail } from "./notice-mail.js";
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
/** main.zeek's, email_admin's and page's handlers that add email destinations (at the default priority, before a script's). */
const DEST_PRIORITY = 0;
/** How often (network time) a mail held back by delay tokens is looked at again (main.zeek's `schedule 1sec`). */
const EMAIL_RECHECK = 1;
/** The "alarm-mail" filter's rotation interval (main.zeek's `$interv=24hrs`). */
const ALARM_MAIL_INTERVAL = 86400;

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
  /** Notice::Info's email_dest: where the notice is mailed (notice.log's column); a script may set or add to it. */
  emailDest?: Set<string>;
  /** email_body_sections: text scripts add to the notice's mail (addEmailSection). */
  emailBodySections?: string[];
  /** email_delay_tokens: while any is held, the mail waits (delayEmail, releaseEmail), up to Notice::max_email_delay. */
  emailDelayTokens?: Set<string>;
}

/** Adds a section to the notice's mail, under "Email Extensions" (Zeek's `n$email_body_sections += text`). */
export function addEmailSection(n: NoticeInfo, text: string): void {
  (n.emailBodySections ??= []).push(text);
}

/** Holds the notice's mail back until `token` is released (Zeek's `add n$email_delay_tokens[token]`): call it from a Notice::notice handler above -5. */
export function delayEmail(n: NoticeInfo, token: string): void {
  (n.emailDelayTokens ??= new Set()).add(token);
}

/** Releases a token of delayEmail (Zeek's `delete n$email_delay_tokens[token]`): the mail leaves at its next check once none is held. */
export function releaseEmail(n: NoticeInfo, token: string): void {
  n.emailDelayTokens?.delete(token);
}

/** The run around the notice framework: its settings, whether a trace is read, where to report, how to wait. */
export interface NoticeFrameworkOptions {
  /** The engine's settings (Notice::*, Site::local_admins); default: the defaults. */
  settings?: EngineSettings;
  /** Zeek's reading_traces(): no mail is sent, alarm summaries show "<skipped>" names. Default true (a run without an engine). */
  readingTraces?: boolean;
  /** The hash of a string set's elements, for the order of email_dest (none: a random key). */
  stringHash?: KeyHash<string> | null;
  /** Reporter::info and warnings (a mail program that fails, delay tokens not released in time). */
  reporter?: { info(message: string): void; warning(message: string): void; error(message: string): void };
  /** A `schedule` statement (the re-check of a delayed mail); none: the mail leaves at once. */
  scheduleEvent?: (at: number, fn: (now: number) => void) => void;
  /** The end of input waits for this work (a mail being handed to the program). */
  holdUntil?: (work: Promise<unknown>) => void;
  /** Zeek's `when ( local name = lookup_addr(a) )`, for the alarm summary's names (none: "<???>"). */
  lookupAddr?: (addr: string, body: (name: string) => void) => void;
  /** Where alarm-mail.txt is written (null: kept in memory, read with alarmSummary()). Default: the current directory. */
  alarmDir?: string | null;
  /**
   * Whether Notice::Info has add-geodata's remote_location (its script,
   * base/frameworks/notice/actions/add-geodata, is loaded): notice.log's five
   * remote_location columns. Default true (Zeek's default scripts load it).
   */
  geodataColumns?: boolean;
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
  private alarmWriter: LogWriter | null = null;
  private readonly settings: EngineSettings;
  private readonly readingTraces: boolean;
  private stringHash: KeyHash<string> | null;
  /** The mail program's runner (made at the first mail). */
  private sendmail: Sendmail | null = null;
  /** Site::local_admins, ready for look-ups (made at the first ACTION_EMAIL_ADMIN). */
  private admins: LocalAdmins | null = null;
  /** pp-alarms' alarm-mail.txt (null: want_pp() is false). */
  private readonly prettyAlarms: PrettyAlarms | null;
  /** Network time the alarm summary's period began (-1: no alarm yet, or no summary mail). */
  private summaryOpen = -1;

  constructor(
    private readonly logs: LogManager,
    private readonly clock: { readonly now: number },
    /** The loaded policy scripts' columns (Zeek's `redef record Notice::Info += { … &log }`), in load order. */
    private readonly extensions: readonly RecordExtension<NoticeInfo>[] = [],
    /** add-geodata's lookups (null: no notice type asks for them). */
    private readonly geodata: NoticeGeodata | null = null,
    /** The engine's hash of a `count` table index, for the order of `actions` (none: a random key, as Zeek's without a seed). */
    actionHash: KeyHash<number> | null = null,
    private readonly framework: NoticeFrameworkOptions = {},
  ) {
    this.actionHash = actionHash;
    this.settings = framework.settings ?? defaultSettings();
    this.stringHash = framework.stringHash ?? null;
    this.readingTraces = framework.readingTraces ?? true;
    const s = this.settings;
    this.prettyAlarms = this.wantPrettyAlarms() ? this.makePrettyAlarms() : null;
    if (this.prettyAlarms === null && !this.readingTraces && s["Notice::mail_dest"] !== "") this.addAlarmMailFilter();
    this.policy.add((n) => this.defaultActions(n), POLICY_PRIORITY);
    this.noticeHook.add((n) => this.addEmailDestinations(n), DEST_PRIORITY);
    this.noticeHook.add((n) => this.write(n), WRITE_PRIORITY);
    if (this.prettyAlarms !== null) this.noticeHook.add((n) => this.prettyPrint(n), WRITE_PRIORITY);
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

  /**
   * main.zeek's policy handler and add-geodata's (same priority, loaded
   * after). An ignored type ends the policy there (Zeek's `break`): no
   * action at all, so the notice is neither logged nor mailed, though it
   * still starts its suppression.
   */
  private defaultActions(n: NoticeInfo): boolean | undefined {
    // The type settings are read at each notice: they are options a config change may set while the run goes on.
    if (!this.typeActions(n)) return false;
    n.actions.add("Notice::ACTION_LOG");
    if (this.geodata?.types.has(n.note)) n.actions.add("Notice::ACTION_ADD_GEODATA");
    return undefined;
  }

  /** The type settings' part of the policy handler; false for an ignored type. */
  private typeActions(n: NoticeInfo): boolean {
    const s = this.settings;
    if (s["Notice::ignored_types"].has(n.note)) return false;
    if (s["Notice::not_suppressed_types"].has(n.note)) n.suppressFor = 0;
    if (s["Notice::alarmed_types"].has(n.note)) n.actions.add("Notice::ACTION_ALARM");
    if (s["Notice::emailed_types"].has(n.note)) n.actions.add("Notice::ACTION_EMAIL");
    const interval = s["Notice::type_suppression_intervals"].get(n.note);
    if (interval !== undefined) n.suppressFor = interval;
    return true;
  }

  /** main.zeek's, email_admin's and page's notice handlers: the destinations of ACTION_EMAIL, ACTION_EMAIL_ADMIN and ACTION_PAGE. */
  private addEmailDestinations(n: NoticeInfo): void {
    const a = n.actions;
    if (a.has("Notice::ACTION_EMAIL")) (n.emailDest ??= new Set()).add(this.settings["Notice::mail_dest"]);
    if (a.has("Notice::ACTION_EMAIL_ADMIN") && this.settings["Site::local_admins"].size > 0) this.addAdminDestinations(n);
    if (a.has("Notice::ACTION_PAGE")) (n.emailDest ??= new Set()).add(this.settings["Notice::mail_page_dest"]);
  }

  /** email_admin: the administrators of src's network, then of dst's (Site::get_emails, one destination per address). */
  private addAdminDestinations(n: NoticeInfo): void {
    this.admins ??= new LocalAdmins(this.settings["Site::local_admins"], (emails) => this.stringOrder(emails));
    for (const addr of [n.src, n.dst]) {
      const emails = addr === undefined ? "" : this.admins.emails(addr);
      if (emails !== "") (n.emailDest ??= new Set()).add(emails);
    }
  }

  /** Strings in Zeek's set order. */
  private stringOrder(items: string[]): string[] {
    if (items.length < 2) return items;
    this.stringHash ??= new TableHasher().string;
    return zeekSetOrder(this.stringHash, items);
  }

  /** main.zeek's notice handler at -5: the mails, the row when ACTION_LOG is among the actions, the alarm row with ACTION_ALARM, then the suppression. */
  private write(n: NoticeInfo): void {
    if (n.emailDest !== undefined) for (const dest of this.stringOrder([...n.emailDest])) this.emailNoticeTo(n, dest, true);
    if (n.actions.has("Notice::ACTION_LOG")) this.writeRow(n);
    if (n.actions.has("Notice::ACTION_ALARM")) this.writeAlarmRow(n);
    const key = suppressionKey(n);
    const suppressFor = n.suppressFor ?? DEFAULT_SUPPRESSION_INTERVAL;
    if (key !== null && suppressFor !== 0 && !this.suppressing.has(key)) this.suppressing.set(key, n.ts + suppressFor);
  }

  /** notice.log's (and notice_alarm.log's) columns: without add-geodata, no remote_location. */
  private fields(): readonly LogField[] {
    const base = this.framework.geodataColumns === false ? NOTICE_FIELDS.filter((f) => !f.name.startsWith("remote_location.")) : NOTICE_FIELDS;
    return extendedFields(base, this.extensions);
  }

  private writeRow(n: NoticeInfo): void {
    this.writer ??= this.logs.open({ path: "notice", fields: this.fields() });
    const row = this.row(n);
    if (row !== null) this.writer.write(row);
  }

  /** Notice::ALARM_LOG: notice_alarm.log, notice.log's columns. */
  private writeAlarmRow(n: NoticeInfo): void {
    this.alarmWriter ??= this.logs.open({ path: "notice_alarm", fields: this.fields() });
    const row = this.row(n);
    if (row !== null) this.alarmWriter.write(row);
  }

  /** A row of Notice::Info (null: an extension's filter left it out). */
  private row(n: NoticeInfo): ReturnType<typeof extendRow> {
    const id = n.id;
    const geo = n.actions.has("Notice::ACTION_ADD_GEODATA") ? this.geodata : null;
    const location = n.remoteLocation ?? geo?.locate(n.src, n.dst);
    return extendRow(
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
        n.emailDest === undefined ? [] : this.stringOrder([...n.emailDest]),
        n.suppressFor,
        ...(this.framework.geodataColumns === false ? [] : geoLocationValues(location)),
      ],
      n,
      this.extensions,
    );
  }

  /**
   * Zeek's email_notice_to: nothing while reading a trace or for an empty
   * destination; while delay tokens are held and the notice is younger than
   * Notice::max_email_delay, looked at again a second later; else the mail
   * goes to the mail program.
   */
  private emailNoticeTo(n: NoticeInfo, dest: string, extend: boolean): void {
    if (this.readingTraces || dest === "") return;
    const tokens = n.emailDelayTokens;
    if (extend && tokens !== undefined && tokens.size > 0) {
      const schedule = this.framework.scheduleEvent;
      if (schedule !== undefined && n.ts + this.settings["Notice::max_email_delay"] > this.clock.now) {
        schedule(this.clock.now + EMAIL_RECHECK, () => this.emailNoticeTo(n, dest, extend));
        return;
      }
      this.framework.reporter?.info(`Notice email delay tokens weren't released in time (${describeStringSet(tokens)}).`);
    }
    const msg = n.msg;
    // Zeek's function stops at the unset n$msg: no mail.
    if (msg === undefined) return void this.framework.reporter?.error("field value missing (n$msg)");
    const sent = this.mailer().send(this.settings["Notice::sendmail"], noticeEmail(this.settings, { ...n, msg }, dest, extend));
    this.framework.holdUntil?.(sent);
  }

  /**
   * main.zeek's "alarm-mail" filter, live with a mail destination: the alarm
   * rows also go to alarm-mail.log, rotated every 24 hours of network time
   * (and at the end of the run) and mailed then to Notice::mail_dest by the
   * filter's own postprocessor (log_mailing_postprocessor: the headers with
   * subject "Log Contents: <file>", then the file; both removed once the
   * mail program succeeded). pp-alarms' summary replaces it (Zeek's filter
   * of the same name writes nothing then).
   */
  private addAlarmMailFilter(): void {
    const postprocessor = (info: RotationInfo): void => {
      if (info.dir === undefined) return;
      const s = this.settings;
      const headers = emailHeaders(s, `Log Contents: ${info.fname}`, s["Notice::mail_dest"]);
      this.framework.holdUntil?.(this.mailer().sendLog(s["Notice::sendmail"], headers, info.dir, info.fname));
    };
    this.logs.addFilter("notice_alarm", { name: "alarm-mail", path: "alarm-mail", interv: ALARM_MAIL_INTERVAL, postprocessor });
  }

  /** The mail program's runner, made at the first mail; its failure is a reporter warning. */
  private mailer(): Sendmail {
    this.sendmail ??= new Sendmail((m) => this.framework.reporter?.warning(m));
    return this.sendmail;
  }

  /** Resolves once every notice mail sent so far was handed to the mail program (the CLI waits for it before exiting). */
  mailDone(): Promise<void> {
    return this.sendmail?.settled() ?? Promise.resolve();
  }

  /** pp-alarms' want_pp(): forced, or live with pretty-printing on and somewhere to mail to. */
  private wantPrettyAlarms(): boolean {
    const s = this.settings;
    if (s["Notice::force_email_summaries"]) return true;
    return s["Notice::pretty_print_alarms"] && !this.readingTraces && (s["Notice::mail_dest"] !== "" || s["Notice::mail_dest_pretty_printed"] !== "");
  }

  private makePrettyAlarms(): PrettyAlarms {
    const f = this.framework;
    return new PrettyAlarms({
      readingTraces: this.readingTraces,
      flagNets: this.settings["Notice::flag_nets"],
      clock: this.clock,
      lookupAddr: f.lookupAddr ?? ((_addr, body) => body("<???>")),
      dir: f.alarmDir === undefined ? "." : f.alarmDir,
    });
  }

  /** pp-alarms' notice handler at -5 (loaded after main.zeek's): an alarm's entry in alarm-mail.txt. */
  private prettyPrint(n: NoticeInfo): void {
    if (!n.actions.has("Notice::ACTION_ALARM")) return;
    this.prettyAlarms!.print(n);
    // The "alarm-mail" filter's writer is made with the first alarm: its rotation timer starts then.
    if (this.summaryOpen < 0) this.scheduleAlarmSummary(this.clock.now);
  }

  /**
   * The "alarm-mail" filter's rotation (Log::default_mail_alarms_interval; 0:
   * none): every interval, aligned as log rotation is, and at the end of the
   * run (Zeek's rotation timers are dispatched then too), pp_send.
   */
  private scheduleAlarmSummary(now: number): void {
    const interval = this.settings["Log::default_mail_alarms_interval"];
    const schedule = this.framework.scheduleEvent;
    if (!(interval > 0) || schedule === undefined) return;
    this.summaryOpen = now;
    const base = parseRotateBaseTime(this.settings.log_rotate_base_time);
    schedule(now + nextRotationDelay(now, interval, base), (t) => {
      this.sendAlarmSummary(this.summaryOpen, t);
      this.scheduleAlarmSummary(t);
    });
  }

  /**
   * pp-alarms' pp_send: alarm-mail.txt gets its trailer and is closed; with
   * a destination (Notice::mail_dest_pretty_printed, else mail_dest) it is
   * mailed with the subject "Alarm summary from HH:MM:SS-HH:MM:SS" (the
   * period's local times) and removed. Zeek pipes the file to the mail
   * program and waits; bronze takes its text and removes it at once, the
   * mail leaving in the background, so that the next alarm's new file
   * cannot cut the one being sent (a failed mail is lost, as Zeek's is
   * once the next alarm truncates the file).
   */
  private sendAlarmSummary(open: number, close: number): void {
    const alarms = this.prettyAlarms!;
    if (!alarms.finish()) return;
    const s = this.settings;
    const dest = s["Notice::mail_dest_pretty_printed"] !== "" ? s["Notice::mail_dest_pretty_printed"] : s["Notice::mail_dest"];
    if (dest === "" || alarms.dir === null) return;
    const subject = `Alarm summary from ${clockTime(open)}-${clockTime(close)}`;
    const file = join(alarms.dir, ALARM_MAIL_FILE);
    const text = readFileSync(file, "latin1");
    rmSync(file, { force: true });
    this.framework.holdUntil?.(this.mailer().send(s["Notice::sendmail"], `${emailHeaders(s, subject, dest)}\n${text}`));
  }

  /** alarm-mail.txt as written so far, when kept in memory ("" otherwise). */
  alarmSummary(): string {
    return this.prettyAlarms?.text() ?? "";
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

/** Zeek's fmt("%s") of a set of strings: one element a line between braces. */
function describeStringSet(set: ReadonlySet<string>): string {
  return `{\n${[...set].join(",\n")}\n}`;
}
