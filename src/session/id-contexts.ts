/**
 * The VLAN ids of each tagged connection's conn_id ctx, by uid, when
 * policy/frameworks/conn_key/vlan_fivetuple adds them to the record: the
 * logs' rows carry the uid, not the connection, and find them here
 * (log/id-context.ts). Untagged connections are not kept (they read as
 * unset).
 *
 * A log may be written after its connection is gone (a file that times out
 * later, a notice): a removed connection's entry stays for at least RETAIN
 * seconds of network time, in two generations swapped every RETAIN, so that
 * the table stays bounded on a long capture.
 */
import { NO_VLANS } from "./vlan-key.js";

/** How long a removed connection's ids stay (network time): longer than any file or notice comes after it. */
const RETAIN = 3600;

export class ConnIdContexts {
  private readonly live = new Map<string, number>();
  private retired = new Map<string, number>();
  private older = new Map<string, number>();
  private nextSwap = Number.NEGATIVE_INFINITY;

  /** The connection with uid `uid` has the VLAN key `key` (vlan-key.ts). */
  remember(uid: string, key: number): void {
    if (key !== NO_VLANS) this.live.set(uid, key);
  }

  /** The VLAN key of the connection with uid `uid`: NO_VLANS when it was untagged (or is long gone). */
  keyOf(uid: string): number {
    return this.live.get(uid) ?? this.retired.get(uid) ?? this.older.get(uid) ?? NO_VLANS;
  }

  /** The connection with uid `uid` was removed at network time `now`. */
  retire(uid: string, now: number): void {
    const key = this.live.get(uid);
    if (key === undefined) return;
    this.live.delete(uid);
    if (now >= this.nextSwap) {
      this.older = this.retired;
      this.retired = new Map();
      this.nextSwap = now + RETAIN;
    }
    this.retired.set(uid, key);
  }
}
