/**
 * The application layer's ratchet: known-failures/applogs.txt holds, per
 * log, event and Zeek service value, how many rows/lines/connections bronze
 * matches today, and per log how many (trace, log) pairs come in Zeek's row
 * order ("order") and byte-identical, set elements in Zeek's order too
 * ("exact"). The suite fails when any falls below its floor; floors only
 * rise (`applogs-score --update` writes today's counts and refuses to lower
 * one unless given --lower).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AppCaseResult, orderTotals, serviceTotals, totals } from "./applogs-harness.js";
import { repoRoot } from "./conn-harness.js";

export const FLOORS_FILE = "test/conformance/known-failures/applogs.txt";

/** "log http", "event http_request", "service dns", "order http", "exact dhcp" → the floor. */
export type Floors = Map<string, number>;

export function readFloors(): Floors {
  const path = join(repoRoot(), FLOORS_FILE);
  const floors: Floors = new Map();
  if (!existsSync(path)) return floors;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const m = /^(log|event|service|order|exact) (\S+) (\d+)$/.exec(line);
    if (!m) throw new Error(`${FLOORS_FILE}: bad line ${JSON.stringify(raw)}`);
    floors.set(`${m[1]} ${m[2]}`, Number(m[3]));
  }
  return floors;
}

/** Today's counts under the floors' keys. */
export function currentCounts(results: readonly AppCaseResult[]): Floors {
  const now: Floors = new Map();
  for (const [k, t] of totals(results, (r) => r.logs)) now.set(`log ${k}`, t.matched);
  for (const [k, t] of totals(results, (r) => r.events)) now.set(`event ${k}`, t.matched);
  for (const [k, t] of serviceTotals(results)) now.set(`service ${k}`, t.same);
  for (const [k, t] of orderTotals(results)) {
    now.set(`order ${k}`, t.inOrder);
    now.set(`exact ${k}`, t.exact);
  }
  return now;
}

/** Keys whose count fell below the floor. */
export function belowFloors(floors: Floors, now: Floors): string[] {
  const out: string[] = [];
  for (const [k, floor] of floors) {
    const n = now.get(k) ?? 0;
    if (n < floor) out.push(`${k}: ${n} < floor ${floor}`);
  }
  return out;
}

/** Writes today's counts as the new floors; a lowered floor needs `allowLower`. Returns the lowered keys. */
export function writeFloors(floors: Floors, now: Floors, allowLower: boolean): string[] {
  const lowered = belowFloors(floors, now);
  if (lowered.length > 0 && !allowLower) return lowered;
  const lines = [
    "# Application-layer floors: matched rows per log, lines per event, identical conn.log rows per Zeek service value,",
    "# (trace, log) pairs per log in Zeek's row order (order) and byte-identical, set elements in Zeek's order too (exact).",
    "# applogs.test.ts fails when a count falls below its floor. Raise with: node dist/test/conformance/applogs-score.js --update",
  ];
  for (const k of [...now.keys()].sort()) if ((now.get(k) ?? 0) > 0) lines.push(`${k} ${now.get(k)}`);
  writeFileSync(join(repoRoot(), FLOORS_FILE), `${lines.join("\n")}\n`);
  return [];
}
