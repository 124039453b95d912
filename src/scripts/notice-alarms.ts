/**
 * base/frameworks/notice/actions/pp-alarms: each notice with
 * Notice::ACTION_ALARM, pretty-printed into alarm-mail.txt, when Zeek's
 * want_pp() holds (Notice::force_email_summaries, or pretty_print_alarms
 * while not reading a trace with a mail destination set):
 *
 *     >  2005-10-07-23:23:55 Test_Notice 141.42.64.125:56730/tcp -> 125.190.109.199:80/tcp (uid Cxx)
 *        test
 *        # 141.42.64.125 = <skipped>  125.190.109.199 = <skipped>
 *
 * The first line has a second ">" when an address is in Notice::flag_nets,
 * the time is network time as Zeek's fmt %D writes it (local time,
 * %Y-%m-%d-%H:%M:%S), the sub-message is a third line, and the last names
 * the addresses: "<skipped>" when reading a trace, else their reverse
 * lookups (the entry is written when both answers came, as Zeek's `when`).
 * With Log::default_mail_alarms_interval (0 by default, as Zeek's: no
 * summaries) the summary is closed every interval of network time and at
 * the end of the run, and mailed (NoticeLog.sendAlarmSummary), as Zeek's
 * writer-less "alarm-mail" filter's postprocessor does.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GeoLocation } from "../geoip/geoip.js";
import { pad2 } from "../log/wall-clock.js";
import { inSubnet, parseAddress, type Subnet } from "./site.js";

export const ALARM_MAIL_FILE = "alarm-mail.txt";

/** What an alarm's entry shows (Notice::Info's fields). */
export interface AlarmNotice {
  note: string;
  msg?: string;
  sub?: string;
  uid?: string;
  src?: string;
  dst?: string;
  p?: number;
  proto?: string;
  id?: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; transport: string };
  remoteLocation?: GeoLocation;
}

export interface PrettyAlarmsOptions {
  readingTraces: boolean;
  flagNets: readonly Subnet[] | null;
  /** Network time, for the entry's time. */
  clock: { readonly now: number };
  /** Zeek's `when ( local name = lookup_addr(a) )` (unused when reading traces). */
  lookupAddr: (addr: string, body: (name: string) => void) => void;
  /** The directory alarm-mail.txt is written in; null: kept in memory (text()). */
  dir: string | null;
}

const NO_HOST = "0.0.0.0";

/** Zeek's text of a port value: "80/tcp". */
function portText(p: number, proto: string | undefined): string {
  return `${p}/${proto === undefined || proto === "unknown_transport" ? "unknown" : proto}`;
}

/** Zeek's fmt %D of a time: local time, %Y-%m-%d-%H:%M:%S, of the whole seconds. */
export function formatDateTime(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}-${clockTime(t)}`;
}

/** A time of day as strftime's %H:%M:%S writes it (local time, whole seconds): the alarm summary's subject. */
export function clockTime(t: number): string {
  const d = new Date(Math.floor(t) * 1000);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export class PrettyAlarms {
  private memory = "";
  private opened = false;

  constructor(private readonly options: PrettyAlarmsOptions) {}

  /** alarm-mail.txt so far (in memory mode). */
  text(): string {
    return this.memory;
  }

  /** Zeek's pretty_print_alarm: the entry of one alarm (none for a notice without msg, where Zeek's function stops with an error). */
  print(n: AlarmNotice): void {
    if (n.msg === undefined) return;
    const { who, h1, h2 } = endpoints(n);
    const line1 = `>${this.flagged(h1) || this.flagged(h2) ? ">" : " "} ${formatDateTime(this.options.clock.now)} ${n.note} ${who}`;
    const lines = [line1, `   ${n.msg}`, n.sub !== undefined ? `   ${n.sub}` : ""];
    if (h1 === NO_HOST) return this.entry(n, lines, h1, "", h2, "");
    if (this.options.readingTraces) return this.entry(n, lines, h1, "<skipped>", h2, "<skipped>");
    // Both names are asked at once (Zeek asks for the second once the first came): the entry is the same, and
    // no lookup starts from an answer's body, which at the end of input would come too late to be waited for.
    const names = ["", ""];
    let pending = h2 === NO_HOST ? 1 : 2;
    const answered = (i: number) => (name: string) => {
      names[i] = name;
      if (--pending === 0) this.entry(n, lines, h1, names[0]!, h2, names[1]!);
    };
    this.options.lookupAddr(h1, answered(0));
    if (h2 !== NO_HOST) this.options.lookupAddr(h2, answered(1));
  }

  private flagged(h: string): boolean {
    const nets = this.options.flagNets;
    const bytes = nets === null || nets.length === 0 ? null : parseAddress(h);
    return bytes !== null && nets!.some((net) => inSubnet(bytes, net));
  }

  /** Zeek's do_msg: the lines, the names of the addresses, a blank line. */
  private entry(n: AlarmNotice, lines: string[], h1: string, name1: string, h2: string, name2: string): void {
    const country = n.remoteLocation?.country_code;
    const first = country !== undefined ? `${lines[0]} (remote location ${country})` : lines[0]!;
    let resolved = "";
    if (h1 !== NO_HOST) resolved += `   # ${h1} = ${name1}`;
    if (h2 !== NO_HOST) resolved += `  ${h2} = ${name2}`;
    const out = [first, lines[1]!, lines[2]!, resolved].filter((l) => l !== "");
    this.append(`${out.join("\n")}\n\n`);
  }

  /**
   * pp_send's first part: the trailer, and the file closed (the next alarm
   * starts it afresh). False when no alarm was written since the last time.
   */
  finish(): boolean {
    if (!this.opened) return false;
    this.append("\n\n--\n[Automatically generated]\n\n");
    this.opened = false;
    return true;
  }

  /** The directory alarm-mail.txt is in (null: in memory). */
  get dir(): string | null {
    return this.options.dir;
  }

  private append(text: string): void {
    if (this.options.dir === null) {
      this.memory += text;
      this.opened = true;
      return;
    }
    const path = join(this.options.dir, ALARM_MAIL_FILE);
    // Zeek's open() at the first alarm starts the file afresh.
    if (!this.opened) writeFileSync(path, "");
    this.opened = true;
    appendFileSync(path, text, "latin1");
  }
}

/** The entry's "who" (connection, addresses or source and port, with the uid) and its two hosts (0.0.0.0: none). */
function endpoints(n: AlarmNotice): { who: string; h1: string; h2: string } {
  let who = "";
  let h1 = NO_HOST;
  let h2 = NO_HOST;
  if (n.id !== undefined) {
    h1 = n.id.orig_h;
    h2 = n.id.resp_h;
    who = `${h1}:${portText(n.id.orig_p, n.id.transport)} -> ${h2}:${portText(n.id.resp_p, n.id.transport)}`;
  } else if (n.src !== undefined && n.dst !== undefined) {
    h1 = n.src;
    h2 = n.dst;
    who = `${h1} -> ${h2}`;
  } else if (n.src !== undefined) {
    h1 = n.src;
    who = `${h1}${n.p !== undefined ? `:${portText(n.p, n.proto)}` : ""}`;
  }
  if (n.uid !== undefined) who = `${who} (uid ${n.uid})`;
  return { who, h1, h2 };
}
