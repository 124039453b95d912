/**
 * RPC over TCP: record marking (RFC 5531 §11), as Zeek's Contents_RPC reads
 * it for one side. Each fragment starts with a 4-byte mark, its length in
 * the low 31 bits and "last fragment" in the top one; a message is its
 * fragments' bytes. Zeek keeps the first 64 KiB of a message (MAX_RPC_LEN)
 * and skips the rest: a message announced longer is RPC_message_too_long
 * (the length so far) and is read cut.
 *
 * A side whose start was not seen (the connection is partial), or after a
 * content gap, resynchronises as Zeek does: it assumes a fragment starts a
 * delivery, checks it (at least 12 bytes, the message type its side's, a
 * length from 16 to 64 KiB), skips it, and trusts the stream once it has
 * skipped a whole message and sees another plausible mark. Until then
 * every byte is dropped.
 */

import { u32 } from "../../../packet/bytes.js";

/** The bytes of a message Zeek keeps (and the longest fragment a resync accepts). */
export const MAX_RPC_LEN = 65536;
const LAST_FRAGMENT = 0x80000000;
/** The least a resync looks at: mark, xid, message type. */
const RESYNC_HEADER = 12;
/** The shortest fragment a resync believes in. */
const RESYNC_MIN_FRAGMENT = 16;

const enum State {
  WaitForMessage,
  WaitForMarker,
  WaitForData,
  WaitForLastData,
}

const enum Resync {
  Need,
  WaitForMessageStart,
  WaitForFullMessage,
  HadFullMessage,
  InSync,
  Init,
}

/** What the side hands on: a whole message (cut to MAX_RPC_LEN), when it started and last grew; false when the RPC layer rejected it. */
export type MessageSink = (message: Uint8Array, start: number, last: number) => boolean;

/** What the side asks of its connection. */
export interface RecordMarkingHost {
  /** Network time. */
  now(): number;
  /** The side was established when its first bytes came (Zeek: its TCP endpoint state); false makes it resynchronise. */
  established(): boolean;
  /** A weird about the connection (Zeek's Conn()->Weird: no analyzer as source). */
  weird(name: string, addl?: string): void;
}

/** One side's record-marking reader (Contents_RPC). */
export class RecordMarkingSide {
  private state = State.WaitForMessage;
  private resync = Resync.Init;
  private resyncSkip = 0;
  private readonly mark = new Uint8Array(4);
  private markFill = 0;
  /** The kept bytes of the message, allocated at the first message. */
  private message: Uint8Array | null = null;
  private fill = 0;
  /** Bytes of the message read (kept or skipped), and announced so far. */
  private processed = 0;
  private expected = 0;
  private start = 0;
  private last = 0;

  constructor(
    private readonly isOrig: boolean,
    private readonly host: RecordMarkingHost,
    private readonly sink: MessageSink,
  ) {}

  /** A content gap: what follows cannot be trusted to start a fragment. */
  needResync(): void {
    this.resync = Resync.Need;
    this.resyncSkip = 0;
    this.state = State.WaitForMessage;
  }

  deliver(data: Uint8Array): void {
    let at = this.syncedFrom(data);
    while (at >= 0 && at < data.length) {
      this.last = this.host.now();
      if (this.state === State.WaitForMessage) this.startMessage();
      at = this.state === State.WaitForMarker ? this.readMark(data, at) : this.readData(data, at);
    }
  }

  private startMessage(): void {
    this.markFill = 0;
    this.fill = 0;
    this.processed = 0;
    this.expected = 0;
    this.state = State.WaitForMarker;
    this.start = this.host.now();
  }

  private readMark(data: Uint8Array, at: number): number {
    const n = Math.min(4 - this.markFill, data.length - at);
    this.mark.set(data.subarray(at, at + n), this.markFill);
    this.markFill += n;
    if (this.markFill < 4) return at + n;
    this.markFill = 0;
    const mark = u32(this.mark, 0);
    this.expected += mark & ~LAST_FRAGMENT;
    if (this.expected > MAX_RPC_LEN) this.host.weird("RPC_message_too_long", String(this.expected));
    this.state = mark & LAST_FRAGMENT ? State.WaitForLastData : State.WaitForData;
    return at + n;
  }

  private readData(data: Uint8Array, at: number): number {
    const n = Math.min(data.length - at, this.expected - this.processed);
    const keep = Math.min(n, MAX_RPC_LEN - this.fill);
    if (keep > 0) {
      this.message ??= new Uint8Array(MAX_RPC_LEN);
      this.message.set(data.subarray(at, at + keep), this.fill);
      this.fill += keep;
    }
    this.processed += n;
    if (this.processed < this.expected) return at + n;
    if (this.state === State.WaitForData) {
      this.state = State.WaitForMarker;
      return at + n;
    }
    const message = this.message === null ? new Uint8Array(0) : this.message.subarray(0, this.fill);
    if (!this.sink(message, this.start, this.last)) this.host.weird("partial_RPC");
    this.state = State.WaitForMessage;
    return at + n;
  }

  /** Where in `data` the in-sync stream starts, −1 when all of it goes to the resync (Zeek's CheckResync). */
  private syncedFrom(data: Uint8Array): number {
    if (this.resync === Resync.Init) {
      this.resync = Resync.InSync;
      if (!this.host.established()) this.needResync();
    }
    if (this.resync === Resync.InSync) return 0;
    let at = 0;
    while (at < data.length) {
      const left = data.length - at;
      if (this.resyncSkip >= left) {
        this.resyncSkip -= left;
        return -1;
      }
      at += this.resyncSkip;
      this.resyncSkip = 0;
      if (!this.plausibleFragment(data, at)) {
        this.needResync();
        return -1;
      }
      if (this.resync === Resync.HadFullMessage) {
        this.resync = Resync.InSync;
        return at;
      }
      this.skipFragment(u32(data, at));
    }
    return -1;
  }

  /** A fragment may start at `at`: long enough to tell, its message type this side's, its length sane. */
  private plausibleFragment(data: Uint8Array, at: number): boolean {
    if (data.length - at < RESYNC_HEADER) return false;
    const length = u32(data, at) & ~LAST_FRAGMENT;
    const type = u32(data, at + 8);
    return type === (this.isOrig ? 0 : 1) && length >= RESYNC_MIN_FRAGMENT && length <= MAX_RPC_LEN;
  }

  /** Skips the fragment of mark `mark`; after a whole message has been skipped the next mark decides. */
  private skipFragment(mark: number): void {
    this.resyncSkip = (mark & ~LAST_FRAGMENT) + 4;
    const last = (mark & LAST_FRAGMENT) !== 0;
    if (this.resync === Resync.WaitForFullMessage) {
      if (last) this.resync = Resync.HadFullMessage;
    } else {
      this.resync = last ? Resync.WaitForFullMessage : Resync.WaitForMessageStart;
    }
  }
}
