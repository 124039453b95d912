/**
 * A policy script for measuring what dynamic protocol detection costs:
 * `bronze -r TRACE dist/bench/dpd-off.js` runs the default scripts with every
 * analyzer registered for its ports as usual but no DPD signature loaded
 * (Zeek without its dpd.sig files): no connection gets a PIA, nothing is
 * buffered or matched, and only the analyzers found by port run. Its twin
 * dpd-on.ts loads nothing, so both runs pay for loading one script.
 */
import type { Engine } from "../src/engine.js";

type Library = typeof import("../src/index.js");

export default async function dpdOff(engine: Engine): Promise<void> {
  // The running library (a script's "bronze"), so the components are the engine's own.
  const { DEFAULT_ANALYZERS } = (await import("bronze" as string)) as Library;
  // Registering a component again replaces it; doing it for all, in order, keeps each port's order.
  for (const component of DEFAULT_ANALYZERS) {
    const { signatures: _dropped, ...withoutSignatures } = component;
    engine.registerAnalyzer(withoutSignatures);
  }
}
