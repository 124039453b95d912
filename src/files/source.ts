/**
 * The files framework as an analyzer sees it (`host.files`): data, gaps,
 * sizes and ends of the files it carries, named by handles the protocol
 * builds (Zeek's get_file_handle), with the connection and the source (the
 * analyzer's Zeek name) filled in. See docs/files.md.
 */
import type { FileConnRef, FileManager } from "./manager.js";

export interface AnalyzerFiles {
  /**
   * Bytes of the file named `handle`, sent by the originator when `isOrig`:
   * in order ("by stream") when `offset` is absent, else at that byte offset
   * ("by chunk"). Returns the fuid, or "" when the file ended with these
   * bytes or is ignored.
   */
  dataIn(handle: string, isOrig: boolean, data: Uint8Array, offset?: number): string;
  /** Bytes [offset, offset+len) of the file will never come. */
  gap(handle: string, isOrig: boolean, offset: number, len: number): string;
  /** The file's total size; it ends by itself once that many bytes came. */
  setSize(handle: string, isOrig: boolean, size: number): string;
  /** The file ended (file_state_remove); nothing happens when it does not exist. */
  endOfFile(handle: string): void;
  /** The fuid a handle names. */
  fuid(handle: string): string;
  /** Bytes of a file the protocol names by fuid itself (X.509 certificates); `isOrig` as above. */
  dataInById(fuid: string, isOrig: boolean, data: Uint8Array, offset?: number): string;
  /** The file of `fuid` ended. */
  endOfFileById(fuid: string): void;
}

/** The binding of the manager to one analyzer instance. */
export class ConnFiles implements AnalyzerFiles {
  constructor(
    private readonly manager: FileManager,
    private readonly source: string,
    private readonly ref: FileConnRef,
  ) {}
  dataIn(handle: string, isOrig: boolean, data: Uint8Array, offset?: number): string {
    return this.manager.dataIn(this.source, this.ref, isOrig, handle, data, offset);
  }
  gap(handle: string, isOrig: boolean, offset: number, len: number): string {
    return this.manager.gap(this.source, this.ref, isOrig, handle, offset, len);
  }
  setSize(handle: string, isOrig: boolean, size: number): string {
    return this.manager.setSize(this.source, this.ref, isOrig, handle, size);
  }
  endOfFile(handle: string): void {
    this.manager.endOfFile(handle);
  }
  fuid(handle: string): string {
    return this.manager.fuid(handle);
  }
  dataInById(fuid: string, isOrig: boolean, data: Uint8Array, offset?: number): string {
    return this.manager.dataInById(fuid, this.source, this.ref, isOrig, data, offset);
  }
  endOfFileById(fuid: string): void {
    this.manager.endOfFileById(fuid);
  }
}
