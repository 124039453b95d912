/**
 * Notice mail (base/frameworks/notice/main.zeek's email_headers and
 * email_notice_to, base/utils/site.zeek's get_emails): the text a notice's
 * mail has, the mail program that takes it, and which administrators a
 * notice's addresses belong to (Notice::ACTION_EMAIL_ADMIN).
 *
 * The mail program is Notice::sendmail, run as Zeek's piped_exec runs it:
 * through /bin/sh, with `-t -oi` (recipients from the headers, a lone "."
 * line is not the end) and the message on its standard input. Zeek waits for
 * each; bronze runs them one after another in the background, so that the
 * packet loop never waits and mails still leave in the order they were sent.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { shellQuote } from "../log/rotation.js";
import type { EngineSettings } from "../options.js";
import { parseAddress, parseSubnet } from "./site.js";

/** The settings a notice mail's text is made from. */
export type NoticeMailSettings = Pick<EngineSettings, "Notice::mail_from" | "Notice::mail_subject_prefix" | "Notice::reply_to">;

/**
 * The User-Agent header. Zeek writes "Zeek/" and its version; bronze keeps
 * the "Zeek/" that mail filters (and Zeek's btests, which canonify the
 * header from there) look for, and names itself in place of a version.
 */
export const MAIL_USER_AGENT = "Zeek/bronze";

/** What a notice mail says of the notice (the fields of Notice::Info it reads). */
export interface MailedNotice {
  note: string;
  msg?: string;
  sub?: string;
  fileDesc?: string;
  fileMimeType?: string;
  id?: { orig_h: string; orig_p: number; resp_h: string; resp_p: number };
  uid?: string;
  src?: string;
  emailBodySections?: readonly string[];
}

/** Zeek's email_headers: From, Subject (after the prefix), To, User-Agent, and Reply-To when one is set; each line ends in "\n". */
export function emailHeaders(settings: NoticeMailSettings, subject: string, dest: string): string {
  const headers = `From: ${settings["Notice::mail_from"]}\nSubject: ${settings["Notice::mail_subject_prefix"]} ${subject}\nTo: ${dest}\nUser-Agent: ${MAIL_USER_AGENT}\n`;
  const replyTo = settings["Notice::reply_to"];
  return replyTo === "" ? headers : `${headers}Reply-To: ${replyTo}\n`;
}

/**
 * The whole mail of notice `n` to `dest` (Zeek's email_notice_to): headers,
 * a blank line, the message and sub-message, the file's description and
 * MIME type, the connection (or the source address), the sections scripts
 * added under "Email Extensions" when `extend`, and the trailer.
 */
export function noticeEmail(settings: NoticeMailSettings, n: MailedNotice & { msg: string }, dest: string, extend: boolean): string {
  let text = `${emailHeaders(settings, n.note, dest)}\nMessage: ${n.msg}\n`;
  if (n.sub !== undefined) text += `Sub-message: ${n.sub}\n`;
  text += "\n";
  if (n.fileDesc !== undefined) text += `File Description: ${n.fileDesc}\n`;
  if (n.fileMimeType !== undefined) text += `File MIME Type: ${n.fileMimeType}\n`;
  if (n.fileDesc !== undefined || n.fileMimeType !== undefined) text += "\n";
  if (n.id !== undefined) {
    text += `Connection: ${n.id.orig_h}:${n.id.orig_p} -> ${n.id.resp_h}:${n.id.resp_p}\n`;
    if (n.uid !== undefined) text += `Connection uid: ${n.uid}\n`;
  } else if (n.src !== undefined) text += `Address: ${n.src}\n`;
  if (extend) text += `\nEmail Extensions\n----------------\n${(n.emailBodySections ?? []).map((s) => `${s}\n`).join("")}`;
  return `${text}\n\n--\n[Automatically generated]\n\n`;
}

/** Runs the mail program, one mail at a time, in the background; its failure is reported once. */
export class Sendmail {
  private queue: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(private readonly warn: (message: string) => void) {}

  /** Queues `command -t -oi` with `text` on its standard input; resolves once that mail's program ended. */
  send(command: string, text: string): Promise<void> {
    this.queue = this.queue.then(() => this.run(`${command} -t -oi`, text));
    return this.queue;
  }

  /**
   * Queues rotated log `fname` in `dir` mailed as Zeek's
   * log_mailing_postprocessor mails it: `headers` written beside it, both
   * given to `command -t -oi`, both removed once it succeeded.
   */
  sendLog(command: string, headers: string, dir: string, fname: string): Promise<void> {
    const tmp = `${fname}.mailheaders.tmp`;
    writeFileSync(join(dir, tmp), headers, "latin1");
    const files = `${shellQuote(tmp)} ${shellQuote(fname)}`;
    this.queue = this.queue.then(() => this.run(`/bin/cat ${files} | ${command} -t -oi && /bin/rm ${files}`, "", dir));
    return this.queue;
  }

  /** Resolves once every mail queued so far was handed over (or failed). */
  settled(): Promise<void> {
    return this.queue;
  }

  private run(line: string, text: string, cwd?: string): Promise<void> {
    return new Promise((resolve) => {
      // The program's own output goes to stderr: stdout may carry the logs (--logs-to-stdout).
      const child = spawn("/bin/sh", ["-c", line], { stdio: ["pipe", 2, 2], cwd });
      child.on("error", (e) => {
        this.fail(line, e.message);
        resolve();
      });
      // A program that exits without reading gives EPIPE: its exit status says why.
      child.stdin?.on("error", () => undefined);
      child.on("close", (code, signal) => {
        if (code !== 0) this.fail(line, code !== null ? `exit status ${code}` : `killed by ${signal}`);
        resolve();
      });
      child.stdin?.end(text, "latin1");
    });
  }

  private fail(line: string, why: string): void {
    if (this.failed) return;
    this.failed = true;
    this.warn(`Notice::sendmail: "${line}" failed (${why}); notice mail may not be delivered`);
  }
}

/** A subnet's key: its address masked to its prefix, and the prefix (IPv4 as IPv4-mapped, over 128 bits). */
function netKey(bytes: Uint8Array, bits: number): string {
  const masked = Uint8Array.from(bytes, (b, i) => {
    const keep = Math.min(8, Math.max(0, bits - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return `${Buffer.from(masked).toString("hex")}/${bits}`;
}

/**
 * Site::local_admins looked up as Zeek's get_emails does: the addresses of
 * every network of the table that is the address masked to 1 to 32 bits
 * (Zeek's loop, written for IPv4), without empty ones. `order` puts them in
 * the set's iteration order; they are joined with ", ". "" when none.
 */
export class LocalAdmins {
  private readonly byNet = new Map<string, readonly string[]>();

  constructor(
    admins: ReadonlyMap<string, readonly string[]>,
    private readonly order: (emails: string[]) => string[],
  ) {
    for (const [net, emails] of admins) {
      const s = parseSubnet(net);
      this.byNet.set(netKey(s.bytes, s.bits), emails);
    }
  }

  get size(): number {
    return this.byNet.size;
  }

  emails(addr: string): string {
    const bytes = parseAddress(addr);
    if (bytes === null) return "";
    const v4 = !addr.includes(":");
    const found = new Set<string>();
    for (let width = 1; width <= 32; width++) {
      for (const e of this.byNet.get(netKey(bytes, v4 ? 96 + width : width)) ?? []) if (e !== "") found.add(e);
    }
    return this.order([...found]).join(", ");
  }
}
