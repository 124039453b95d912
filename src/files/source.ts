/**
 * The files framework as an analyzer sees it (`host.files`). A protocol names
 * each file by a *handle* (Zeek's get_file_handle: a string built from what
 * identifies the file in the protocol, e.g. HTTP's connection start time,
 * direction, transaction and MIME depth); `fuid(handle)` turns it into the
 * file's id, and every other call takes that id. The connection and the
 * source (the analyzer's Zeek name) are filled in. See docs/files.md.
 */
import type { FileConnRef, FileManager } from "./manager.js";

export interface AnalyzerFiles {
  /** The fuid a handle names ("" for ""): the same handle always gives the same fuid. */
  fuid(handle: string): string;
  /**
   * Bytes of file `fuid`, sent by the originator when `isOrig`: in order ("by
   * stream") when `offset` is absent, else at that byte offset ("by chunk").
   * The file is made (file_new, file_over_new_connection) when not open.
   * Returns the fuid, or "" when the file ended with these bytes or is
   * ignored: keep the result and pass it back, make the fuid again when "".
   */
  dataIn(fuid: string, isOrig: boolean, data: Uint8Array, offset?: number, mime?: string): string;
  /** Bytes [offset, offset+len) of the file will never come. */
  gap(fuid: string, isOrig: boolean, offset: number, len: number): string;
  /** The file's total size; it ends by itself once that many bytes came. */
  setSize(fuid: string, isOrig: boolean, size: number): string;
  /** The file ended (file_state_remove); nothing happens when it is not open. */
  endOfFile(fuid: string): void;
}

/** The binding of the manager to one analyzer instance. */
export class ConnFiles implements AnalyzerFiles {
  constructor(
    private readonly manager: FileManager,
    private readonly source: string,
    private readonly ref: FileConnRef,
  ) {}
  fuid(handle: string): string {
    return this.manager.fuid(handle);
  }
  dataIn(fuid: string, isOrig: boolean, data: Uint8Array, offset?: number, mime?: string): string {
    return this.manager.dataIn(fuid, this.source, this.ref, isOrig, data, offset, mime);
  }
  gap(fuid: string, isOrig: boolean, offset: number, len: number): string {
    return this.manager.gap(fuid, this.source, this.ref, isOrig, offset, len);
  }
  setSize(fuid: string, isOrig: boolean, size: number): string {
    return this.manager.setSize(fuid, this.source, this.ref, isOrig, size);
  }
  endOfFile(fuid: string): void {
    this.manager.endOfFile(fuid);
  }
}
