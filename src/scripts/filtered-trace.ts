/**
 * Zeek's base/misc/find-filtered-trace: a trace whose TCP connections all
 * went without payload (no `d`/`D` in any history) and that holds nothing but
 * TCP was most likely captured with a filter that kept only SYN, FIN and RST
 * packets. Then every connection's acked bytes look missing (content gaps,
 * conn.log's missed_bytes), and one reporter warning at the end says so and
 * names the setting that stops those reports (detect_filtered_trace).
 *
 * As Zeek, only when reading a trace (its script checks for -r), and not
 * with FilteredTraceDetection::enable=F. A connection counts as TCP by its
 * originator port's transport, as Zeek's is_tcp_port does.
 */
import type { Connection } from "../event/records.js";
import type { EngineSettings } from "../options.js";
import type { ScriptHost } from "./host.js";
import type { Reporter } from "./reporter.js";

export const FILTERED_TRACE_SCRIPT = "base/misc/find-filtered-trace";

export const FILTERED_TRACE_WARNING =
  "The analyzed trace file was determined to contain only TCP control packets, which may indicate it's been pre-filtered. " +
  "By default, bronze reports the missing segments for this type of trace, but the 'detect_filtered_trace' option may be toggled " +
  "(detect_filtered_trace=T) if that's not desired.";

export class FilteredTraceDetection {
  private sawTcp = false;
  private sawNonTcp = false;
  private sawTcpData = false;

  constructor(
    host: ScriptHost,
    private readonly reporter: Reporter,
    /** FilteredTraceDetection::enable is read as each event runs, as Zeek's handlers read the global. */
    private readonly settings: Pick<EngineSettings, "FilteredTraceDetection::enable">,
  ) {
    host.on("connection_state_remove", (c) => this.seen(c));
    host.on("zeek_done", () => this.done());
  }

  private seen(c: Connection): void {
    if (!this.settings["FilteredTraceDetection::enable"] || this.sawTcpData) return;
    if (c.id.transport !== "tcp") {
      this.sawNonTcp = true;
      return;
    }
    this.sawTcp = true;
    // Asked of every connection until one carried data (a scan's million of them): no regex.
    const h = c.history;
    if (h.includes("d") || h.includes("D")) this.sawTcpData = true;
  }

  private done(): void {
    if (!this.settings["FilteredTraceDetection::enable"]) return;
    if (this.sawTcp && !this.sawNonTcp && !this.sawTcpData) this.reporter.warning(FILTERED_TRACE_WARNING);
  }
}
