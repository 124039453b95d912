/**
 * Zeek's analyzer kinds (Analyzer::kind): "packet" for the packet analyzers
 * that report confirmations and violations (the tunnels), "protocol" for the
 * connection analyzers, "file" for file analyzers (ZIP). The dpd script
 * disables only protocol analyzers and logs the others' violations as they
 * come.
 */
const PACKET_ANALYZERS: ReadonlySet<string> = new Set(["AYIYA", "GENEVE", "GRE", "GTPV1", "IPTUNNEL", "TEREDO", "VXLAN"]);

/** The file analyzers that report violations (Spicy's). */
const FILE_ANALYZERS: ReadonlySet<string> = new Set(["ZIP"]);

export type AnalyzerKind = "packet" | "protocol" | "file";

export function analyzerKind(name: string): AnalyzerKind {
  return PACKET_ANALYZERS.has(name) ? "packet" : FILE_ANALYZERS.has(name) ? "file" : "protocol";
}
