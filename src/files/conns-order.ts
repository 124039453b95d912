/**
 * A file's connections in the order Zeek's scripts see them: f$conns is a
 * table[conn_id] of connection, so a `for` over it (files.log's rows,
 * Notice::create_file_info's connection, the describers) goes in the hash
 * order of the conn_ids, not the order the connections came in. bronze keeps
 * f.conns by arrival; the order is worked out here when asked, and only for
 * a file seen on several connections (one connection has one order).
 *
 * Zeek adds a connection to f$conns only when it is not there yet, so the
 * table's history is the arrivals in turn. Its lookups in between move
 * nothing: each insertion finishes the moves a doubling left pending while
 * the table holds fewer than 16 entries (ZeekTable's remapping), which a
 * file's connections practically always are.
 */
import type { ConnId } from "../event/records.js";
import type { TableHasher } from "../zeek-table/hash.js";
import { zeekSetOrder } from "../zeek-table/table.js";

/** f$conns's connections (a file's, in the order they came) in Zeek's iteration order. */
export function connsInZeekOrder<C extends { readonly id: ConnId }>(f: { readonly conns: ReadonlyMap<string, C> }, hash: Pick<TableHasher, "connId">): C[] {
  const conns = [...f.conns.values()];
  if (conns.length < 2) return conns;
  // The table is built over the arrivals' indexes, each hashed as its conn_id.
  const order = zeekSetOrder(
    (i: number) => hash.connId(conns[i]!.id),
    conns.map((_, i) => i),
  );
  return order.map((i) => conns[i]!);
}
