/**
 * A mail message as Zeek's MIME_Mail sees it (src/analyzer/protocol/mime/):
 * the lines of one message (SMTP's DATA/BDAT, POP3's RETR/TOP) parsed into
 * MIME entities — headers (folded lines joined, Content-Type with its
 * multipart boundary, Content-Transfer-Encoding), bodies decoded from base64
 * or quoted-printable, multipart parts and message/* children nested up to
 * MIME::max_depth — with the mime_* events and each leaf entity's decoded
 * data handed to the files framework in pieces of at most
 * mime_segment_length bytes (one piece per line at most, as Zeek flushes
 * after every line).
 *
 * The entities' parsing is shared with HTTP's (./entity.ts), as is the
 * header grammar (../http/mime.ts).
 */
import { createHash, type Hash } from "node:crypto";
import { latin1 } from "../../../packet/bytes.js";
import type { AnalyzerHost } from "../analyzer.js";
import { BodyDecoder } from "./decode.js";
import { MimeEntity } from "./entity.js";
import type { MimeHeaderRec } from "./events.js";
import "./events.js";

/** Zeek's mime_segment_length: the largest piece of data handed on at once. */
export const MIME_SEGMENT_LENGTH = 1024;
/** bronze's bound on data kept for mime_entity_data / mime_all_data (Zeek keeps everything). */
const MAX_KEPT_DATA = 32 << 20;

/** What a message needs from the analyzer that carries it. */
export interface MailOwner {
  readonly host: AnalyzerHost;
  /**
   * The file id for this side's next file (Zeek's GetFileID: the protocol's
   * get_file_handle after the events so far ran); "" when the protocol names
   * no file.
   */
  fileId(isOrig: boolean): string;
}

/** One entity of a mail message: the MIME entity with its events and data going to the message. */
class MailEntity extends MimeEntity<MailEntity> {
  private readonly body: BodyDecoder;

  constructor(
    private readonly mail: MimeMail,
    parent: MailEntity | null,
  ) {
    super(parent, mail.host.wants("mime_all_headers"));
    this.body = new BodyDecoder(MIME_SEGMENT_LENGTH, (data) => mail.submitData(data), mail);
  }

  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    this.mimeDeliver(data, trailingCrlf);
  }

  endOfData(): void {
    this.endEntity();
  }

  protected submitHeader(name: string, value: string): void {
    this.mail.submitHeader(name, value);
  }

  protected submitAllHeaders(): void {
    this.mail.submitAllHeaders(this.headers ?? []);
  }

  protected bodyDecoder(): BodyDecoder {
    return this.body;
  }

  protected finishBody(): void {
    this.body.finish();
  }

  protected newChild(): MailEntity {
    return new MailEntity(this.mail, this);
  }

  protected childBegun(): void {
    this.mail.beginEntity();
  }

  protected entityEnded(): void {
    this.mail.endEntity();
  }

  protected illegalFormat(detail: string): void {
    this.mail.event("illegal format", detail);
  }

  protected limitReached(name: string, n: number): void {
    this.mail.host.limitReached(name, n);
  }
}

/** One mail message (Zeek's MIME_Mail): its entities, events and files. */
export class MimeMail {
  readonly host: AnalyzerHost;
  private readonly top: MailEntity;
  /** The file of the entity under way ("" until its first data), and its length so far (both per message, as Zeek's). */
  private fileId = "";
  private entityLen = 0;
  private entityContent: Uint8Array[] | null = null;
  private allContent: Uint8Array[] | null = null;
  private kept = 0;
  private md5: Hash | null = null;
  private sha256: Hash | null = null;
  private contentLength = 0;
  private finished = false;

  constructor(
    private readonly owner: MailOwner,
    readonly isOrig: boolean,
  ) {
    this.host = owner.host;
    if (this.host.wants("mime_content_hash")) this.md5 = createHash("md5");
    if (this.host.wants("mime_content_hash_sha256")) this.sha256 = createHash("sha256");
    if (this.host.wants("mime_all_data")) this.allContent = [];
    this.top = new MailEntity(this, null);
    this.beginEntity();
  }

  /** One line of the message (without its CR LF when `trailingCrlf`). */
  deliver(data: Uint8Array, trailingCrlf: boolean): void {
    if (!this.finished) this.top.deliver(data, trailingCrlf);
  }

  /** A content gap of `len` bytes in the message: the current file misses them. */
  undelivered(len: number): void {
    if (this.finished) return;
    const id = this.fileId !== "" ? this.fileId : this.owner.fileId(this.isOrig);
    this.fileId = id === "" ? "" : this.host.files.gap(id, this.isOrig, this.entityLen, len);
  }

  /** The message ended (Zeek's MIME_Mail::Done). */
  done(): void {
    if (this.finished) return;
    this.top.endOfData();
    this.finished = true;
    const h = this.host;
    if (this.allContent !== null && h.wants("mime_all_data")) {
      const s = joinLatin1(this.allContent);
      h.raise("mime_all_data", h.conn(), s.length, s);
    }
    if (this.md5 !== null && h.wants("mime_content_hash")) h.raise("mime_content_hash", h.conn(), this.contentLength, this.md5.digest().toString("latin1"));
    if (this.sha256 !== null && h.wants("mime_content_hash_sha256"))
      h.raise("mime_content_hash_sha256", h.conn(), this.contentLength, this.sha256.digest().toString("latin1"));
    this.endOfFileByHandle();
  }

  beginEntity(): void {
    this.entityLen = 0;
    this.fileId = "";
    if (this.host.wants("mime_entity_data")) this.entityContent = [];
    if (this.host.wants("mime_begin_entity")) this.host.raise("mime_begin_entity", this.host.conn());
  }

  endEntity(): void {
    const h = this.host;
    if (this.entityContent !== null) {
      const s = joinLatin1(this.entityContent);
      this.entityContent = null;
      if (h.wants("mime_entity_data")) h.raise("mime_entity_data", h.conn(), s.length, s);
    }
    if (h.wants("mime_end_entity")) h.raise("mime_end_entity", h.conn());
    if (this.fileId !== "") h.files.endOfFile(this.fileId);
    else this.endOfFileByHandle();
    this.fileId = "";
  }

  /** Zeek's EndOfFile(tag, conn): the files the handle names now, for both sides (this runs the queued events). */
  private endOfFileByHandle(): void {
    for (const side of [true, false]) {
      const id = this.owner.fileId(side);
      if (id !== "") this.host.files.endOfFile(id);
    }
  }

  submitHeader(name: string, value: string): void {
    if (this.host.wants("mime_one_header")) this.host.raise("mime_one_header", this.host.conn(), { original_name: name, name: name.toUpperCase(), value });
  }

  submitAllHeaders(list: readonly MimeHeaderRec[]): void {
    if (this.host.wants("mime_all_headers")) this.host.raise("mime_all_headers", this.host.conn(), list);
  }

  submitData(data: Uint8Array): void {
    const h = this.host;
    this.contentLength += data.length;
    this.md5?.update(data);
    this.sha256?.update(data);
    if ((this.entityContent !== null || this.allContent !== null) && this.kept + data.length <= MAX_KEPT_DATA) {
      const copy = data.slice();
      this.kept += copy.length;
      this.entityContent?.push(copy);
      this.allContent?.push(copy);
    }
    if (h.wants("mime_segment_data")) h.raise("mime_segment_data", h.conn(), data.length, latin1(data));
    const id = this.fileId !== "" ? this.fileId : this.owner.fileId(this.isOrig);
    this.fileId = id === "" ? "" : h.files.dataIn(id, this.isOrig, data);
    this.entityLen += data.length;
  }

  event(category: string, detail: string): void {
    if (this.host.wants("mime_event")) this.host.raise("mime_event", this.host.conn(), category, detail);
  }

  /** A quoted-printable decoding problem (mime_event "illegal encoding"). */
  illegalEncoding(detail: string): void {
    this.event("illegal encoding", detail);
  }

  /** The base64 converter's complaint: Zeek's converter reports to the connection (a weird), not as a mime_event. */
  base64Illegal(msg: string): void {
    this.host.weird("base64_illegal_encoding", msg, "");
  }
}

function joinLatin1(parts: readonly Uint8Array[]): string {
  let s = "";
  for (const p of parts) s += latin1(p);
  return s;
}
