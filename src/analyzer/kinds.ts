/**
 * Zeek's analyzer kinds (Analyzer::kind): "packet" for the packet analyzers
 * that report confirmations and violations (the tunnels), "protocol" for the
 * connection analyzers. The dpd script disables only protocol analyzers and
 * logs packet analyzers' violations as they come.
 */
const PACKET_ANALYZERS: ReadonlySet<string> = new Set(["AYIYA", "GENEVE", "GRE", "GTPV1", "IPTUNNEL", "TEREDO", "VXLAN"]);

export type AnalyzerKind = "packet" | "protocol";

export function analyzerKind(name: string): AnalyzerKind {
  return PACKET_ANALYZERS.has(name) ? "packet" : "protocol";
}
