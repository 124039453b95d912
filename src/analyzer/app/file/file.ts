/**
 * Zeek's generic file analyzer (analyzer/protocol/file: File_Analyzer): a
 * TCP connection whose whole payload is one file per direction, as the data
 * connections of FTP (FTP_DATA) and IRC DCC (IRC_DATA) are. Both sides go to
 * the files framework as streams; the protocol's script names the file
 * (its get_file_handle: "" means "not ours", and the bytes are dropped); the
 * first 1024 bytes are sniffed once for `file_transferred`, which the FTP
 * script reads for ftp.log's mime_type. Files end when the analyzer does
 * (the connection goes away), as Zeek's Done ends them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection, ConnIdCtx } from "../../../event/records.js";
import { sniffMimeType } from "../../../files/magic.js";
import type { AnalyzerHost, StreamAnalyzer } from "../analyzer.js";

export interface FileAnalyzerEvents {
  /**
   * The first bytes of a data connection were identified (Zeek's
   * file_transferred): `prefix` is up to 1024 bytes, `descr` is always
   * "<unknown>", `mime_type` the strongest file-magic match or "<unknown>".
   */
  file_transferred: [c: Connection, prefix: string, descr: string, mime_type: string];
}
declare module "../../../event/events.js" {
  interface EventMap extends FileAnalyzerEvents {}
}
registerEvents<FileAnalyzerEvents>({ file_transferred: true });

/** File_Analyzer::BUFFER_SIZE: the bytes identified for file_transferred. */
const IDENTIFY_SIZE = 1024;

/** Names a data connection's file (the protocol script's get_file_handle); "" when the script does not claim it. */
export type FileHandleFn = (host: AnalyzerHost, isOrig: boolean) => string;

export class FileAnalyzer implements StreamAnalyzer {
  private readonly prefix = new Uint8Array(IDENTIFY_SIZE);
  private prefixLen = 0;
  private fuidOrig = "";
  private fuidResp = "";

  constructor(
    protected readonly host: AnalyzerHost,
    private readonly handle: FileHandleFn,
  ) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const n = Math.min(data.length, IDENTIFY_SIZE - this.prefixLen);
    if (n > 0) {
      this.prefix.set(data.subarray(0, n), this.prefixLen);
      this.prefixLen += n;
      if (this.prefixLen === IDENTIFY_SIZE) this.identify();
    }
    if (isOrig) this.fuidOrig = this.dataIn(this.fuidOrig, true, data);
    else this.fuidResp = this.dataIn(this.fuidResp, false, data);
  }

  undelivered(isOrig: boolean, seq: number, len: number): void {
    const files = this.host.files;
    const fuid = this.fuidFor(isOrig ? this.fuidOrig : this.fuidResp, isOrig);
    if (fuid === "") return;
    const kept = files.gap(fuid, isOrig, Math.max(0, seq - 1), len);
    if (isOrig) this.fuidOrig = kept;
    else this.fuidResp = kept;
  }

  endOfData(): void {}

  done(): void {
    if (this.prefixLen > 0 && this.prefixLen !== IDENTIFY_SIZE) this.identify();
    for (const isOrig of [true, false]) {
      const known = isOrig ? this.fuidOrig : this.fuidResp;
      const fuid = known !== "" ? known : this.fuidFor("", isOrig);
      if (fuid !== "") this.host.files.endOfFile(fuid);
    }
  }

  /** Hands bytes on; the fuid is made again from the handle while the script has none for it (Zeek's precomputed id). */
  private dataIn(fuid: string, isOrig: boolean, data: Uint8Array): string {
    const id = this.fuidFor(fuid, isOrig);
    return id === "" ? "" : this.host.files.dataIn(id, isOrig, data);
  }

  private fuidFor(known: string, isOrig: boolean): string {
    if (known !== "") return known;
    // The handle depends on script state that handlers of earlier events set (the expected data channel).
    this.host.drainEvents();
    const handle = this.handle(this.host, isOrig);
    return handle === "" ? "" : this.host.files.fuid(handle);
  }

  private identify(): void {
    if (!this.host.wants("file_transferred")) return;
    const buf = this.prefix.subarray(0, this.prefixLen);
    const mime = sniffMimeType(buf) ?? "<unknown>";
    this.host.raise("file_transferred", this.host.conn(), Buffer.from(buf).toString("latin1"), "<unknown>", mime);
  }
}

/** Zeek's cat() of a connection's id, as get_file_handle functions build handles from it (so the ctx's fields change the fuids). */
export function catConnId(c: Connection): string {
  const id = c.id;
  return `[orig_h=${id.orig_h}, orig_p=${id.orig_p}/tcp, resp_h=${id.resp_h}, resp_p=${id.resp_p}/tcp, proto=6, ctx=${catCtx(id.ctx)}]`;
}

/** conn_id_ctx as Zeek describes a record: each field, an unset one <uninitialized> (no fields: none redef'd them in). */
function catCtx(ctx: ConnIdCtx | undefined): string {
  if (ctx === undefined) return "[]";
  const field = (v: number | undefined): string => (v === undefined ? "<uninitialized>" : String(v));
  return `[vlan=${field(ctx.vlan)}, inner_vlan=${field(ctx.inner_vlan)}]`;
}
