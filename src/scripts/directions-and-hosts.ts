/**
 * Zeek's base/utils/directions-and-hosts: which hosts a script tracks
 * (Known::cert_tracking, Software::asset_tracking), as a Host value tested
 * against Site::local_nets.
 */
import type { EngineSettings } from "../options.js";
import { LocalNets } from "./site.js";

/** Zeek's Host enum. */
export type HostSelection = "LOCAL_HOSTS" | "REMOTE_HOSTS" | "ALL_HOSTS" | "NO_HOSTS";

export const HOST_SELECTIONS: readonly HostSelection[] = ["LOCAL_HOSTS", "REMOTE_HOSTS", "ALL_HOSTS", "NO_HOSTS"];

/** Site::local_nets as the settings give it (Zeek's default: the private address space). */
export function localNetsOf(settings: Pick<EngineSettings, "site_local_nets">): LocalNets {
  return settings.site_local_nets === null ? new LocalNets() : new LocalNets(settings.site_local_nets);
}

/** Zeek's addr_matches_host: whether `addr` is among the hosts `which` selects (an address of no local net is remote). */
export function addrMatchesHost(addr: string, which: HostSelection, localNets: LocalNets): boolean {
  if (which === "NO_HOSTS") return false;
  if (which === "ALL_HOSTS") return true;
  const local = localNets.isLocal(addr) === true;
  return which === "LOCAL_HOSTS" ? local : !local;
}
