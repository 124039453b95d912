/**
 * Ratchets for corpus-wide figures (test/conformance/gates.json): a test
 * reports what it measured, and the figure must equal its gate. Worse is a
 * regression; better means the gate must be raised in the file, so a
 * threshold never sits below the state it is meant to guard (a real
 * regression from today's state must turn the suite red).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./corpus.js";

export const GATES_FILE = "test/conformance/gates.json";

export interface Gate {
  value: number;
  better: "higher" | "lower";
}

function readGates(): Map<string, Gate> {
  const raw = JSON.parse(readFileSync(join(repoRoot(), GATES_FILE), "utf8")) as Record<string, unknown>;
  const gates = new Map<string, Gate>();
  for (const [name, g] of Object.entries(raw)) {
    if (name.startsWith("_")) continue;
    const gate = g as Partial<Gate>;
    if (typeof gate.value !== "number" || (gate.better !== "higher" && gate.better !== "lower"))
      throw new Error(`${GATES_FILE}: bad gate ${JSON.stringify(name)}`);
    gates.set(name, { value: gate.value, better: gate.better });
  }
  return gates;
}

/** The problem with a measured figure, or null when it is at its gate. */
export function gateProblem(name: string, measured: number, gates: ReadonlyMap<string, Gate> = readGates()): string | null {
  const gate = gates.get(name);
  if (gate === undefined) return `no gate ${JSON.stringify(name)} in ${GATES_FILE}`;
  if (measured === gate.value) return null;
  const worse = gate.better === "higher" ? measured < gate.value : measured > gate.value;
  return worse
    ? `${name}: ${measured}, worse than its gate ${gate.value}`
    : `${name}: ${measured}, better than its gate ${gate.value}: raise the gate in ${GATES_FILE}`;
}

/** Every problem of several measured figures (empty when all are at their gates). */
export function gateProblems(measured: Readonly<Record<string, number>>): string[] {
  const gates = readGates();
  return Object.entries(measured).flatMap(([name, value]) => gateProblem(name, value, gates) ?? []);
}
