/**
 * Zeek's policy/integration/collective-intel: the Collective Intelligence
 * Framework's fields in Intel::MetaData (cif_tags, cif_confidence,
 * cif_source, cif_description, cif_firstseen, cif_lastseen: read from intel
 * files' meta.cif_* columns, input.ts) and intel.log's cif.* columns, filled
 * by an extend_match handler from the matching items' metadata.
 *
 * Zeek's handler sets the row's CIF record once per item, so the last item
 * of its loop decides, even one without cif_* fields (all columns then
 * unset). Zeek loops over a set of items in its hash order; bronze takes its
 * own order of the items (an address's subnets, least specific first, then
 * its own entry; sources in insertion order): the same whenever one item
 * matches.
 */
import { fields } from "../../log/schema.js";
import type { PolicyScript } from "../policy-scripts.js";
import { intelOf } from "./framework.js";
import type { IntelCif, IntelInfo, IntelItem, IntelMetaData } from "./types.js";

export const COLLECTIVE_INTEL_SCRIPT = "policy/integration/collective-intel";

/** collective-intel's extend_match priority (that of the framework's own handler, registered after it). */
const CIF_PRIORITY = 5;

/** An item's CIF record: its metadata's cif_* fields, each set when the item's is. */
export function cifOf(meta: IntelMetaData): IntelCif {
  const cif: IntelCif = {};
  if (meta.cif_tags !== undefined) cif.tags = meta.cif_tags;
  if (meta.cif_confidence !== undefined) cif.confidence = meta.cif_confidence;
  if (meta.cif_source !== undefined) cif.source = meta.cif_source;
  if (meta.cif_description !== undefined) cif.description = meta.cif_description;
  if (meta.cif_firstseen !== undefined) cif.firstseen = meta.cif_firstseen;
  if (meta.cif_lastseen !== undefined) cif.lastseen = meta.cif_lastseen;
  return cif;
}

function addCif(info: IntelInfo, items: readonly IntelItem[]): void {
  for (const item of items) info.cif = cifOf(item.meta);
}

export const COLLECTIVE_INTEL: PolicyScript = {
  script: COLLECTIVE_INTEL_SCRIPT,
  what: "intel.log's cif.* columns from intel files' meta.cif_* fields (Collective Intelligence Framework)",
  load(host, context) {
    const intel = intelOf(host, context);
    intel.extendLog({
      script: COLLECTIVE_INTEL_SCRIPT,
      fields: fields(
        ["cif.tags", "string"],
        ["cif.confidence", "double"],
        ["cif.source", "string"],
        ["cif.description", "string"],
        ["cif.firstseen", "string"],
        ["cif.lastseen", "string"],
      ),
      values: ({ cif }) => [cif?.tags, cif?.confidence, cif?.source, cif?.description, cif?.firstseen, cif?.lastseen],
    });
    intel.onExtendMatch((info, _s, items) => addCif(info, items), CIF_PRIORITY);
  },
};
