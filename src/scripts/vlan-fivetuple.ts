/**
 * policy/frameworks/conn_key/vlan_fivetuple's record side: conn_id_ctx gets
 * `vlan` and `inner_vlan` (int, &log &optional), so every log with a conn_id
 * `id` has id.ctx.vlan and id.ctx.inner_vlan after id.resp_p, set from the
 * VLAN tags the connection is keyed by (unset for an untagged one). The key
 * itself is the engine's (ConnKey::factory, session/vlan-key.ts).
 */
import type { ConnIdContext } from "../log/id-context.js";
import { fields } from "../log/schema.js";
import type { ConnIdContexts } from "../session/id-contexts.js";
import { innerVlan, outerVlan } from "../session/vlan-key.js";
import type { ScriptHost } from "./host.js";

const CTX_FIELDS = fields(["vlan", "int"], ["inner_vlan", "int"]);

/** The ctx columns of a host whose sessions keep conn_id's VLAN ids (the script is loaded); undefined for any other. */
export function vlanIdContext(host: ScriptHost): ConnIdContext | undefined {
  const contexts = (host as Partial<{ sessions: { idContexts: ConnIdContexts | null } }>).sessions?.idContexts;
  if (contexts === undefined || contexts === null) return undefined;
  return {
    fields: CTX_FIELDS,
    values: (uid) => {
      const key = contexts.keyOf(uid);
      return [outerVlan(key), innerVlan(key)];
    },
  };
}
