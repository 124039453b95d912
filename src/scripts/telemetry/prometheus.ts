/**
 * The Prometheus scrape endpoint (Zeek's Telemetry::metrics_port and
 * metrics_address): GET /metrics answers every metric in Prometheus' text
 * exposition format (0.0.4), as Zeek's prometheus-cpp writes it: per family
 * `# HELP` and `# TYPE` lines, then one line per metric with its labels
 * (by name; Telemetry::metrics_endpoint_label = metrics_endpoint_name added
 * when that name is set), values as C++ streams print a double with 16
 * significant digits (`Nan`, `+Inf`, `-Inf`); a histogram's `_count`,
 * `_sum` and cumulative `_bucket{le="…"}` lines ending with le="+Inf".
 * Label values escape `\`, `"` and newlines; help texts `\` and newlines
 * (prometheus-cpp leaves help as is).
 *
 * The server runs on Node's event loop and never keeps the process alive
 * (unref'd); it is closed when the run ends.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Telemetry } from "./framework.js";
import type { MetricFamily, MetricInstance } from "./registry.js";

/** C's %.16g (a C++ stream with precision 16): fixed or exponent form as %g chooses, trailing zeros dropped. */
export function formatPromValue(x: number): string {
  if (Number.isNaN(x)) return "Nan";
  if (!Number.isFinite(x)) return x < 0 ? "-Inf" : "+Inf";
  // toExponential(15) rounds to 16 significant digits: its exponent is the one %g decides by.
  const [mantissa, power] = x.toExponential(15).split("e") as [string, string];
  const exp = Number(power);
  if (exp < -4 || exp >= 16) return `${trimZeros(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return trimZeros(x.toFixed(15 - exp));
}

function trimZeros(s: string): string {
  if (!s.includes(".")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

function escapeLabelValue(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function escapeHelp(v: string): string {
  return v.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\"));
}

/** The endpoint label added to every metric (Telemetry::metrics_endpoint_label and _name), or null. */
export interface EndpointLabel {
  readonly name: string;
  readonly value: string;
}

function labelText(family: MetricFamily, m: MetricInstance, endpoint: EndpointLabel | null, extra?: string): string {
  const pairs: Array<[string, string]> = family.promLabelNames().map((n, i) => [n, family.promLabelValues(m)[i]!]);
  if (endpoint !== null && !family.labelNames.includes(endpoint.name)) {
    pairs.push([endpoint.name, endpoint.value]);
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  const parts = pairs.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`);
  if (extra !== undefined) parts.push(extra);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/** Every metric in Prometheus' text format, after the Telemetry::sync hooks. */
export function prometheusText(telemetry: Telemetry, endpoint: EndpointLabel | null = null): string {
  telemetry.update();
  let out = "";
  for (const { family, metrics } of telemetry.collected()) {
    if (metrics.length === 0) continue;
    const name = family.fullName;
    if (family.help !== "") out += `# HELP ${name} ${escapeHelp(family.help)}\n`;
    if (family.type === "Telemetry::HISTOGRAM") {
      out += `# TYPE ${name} histogram\n`;
      for (const m of metrics) {
        let cumulative = 0;
        const count = m.buckets.reduce((a, b) => a + b, 0);
        out += `${name}_count${labelText(family, m, endpoint)} ${count}\n`;
        out += `${name}_sum${labelText(family, m, endpoint)} ${formatPromValue(m.sum)}\n`;
        for (let i = 0; i < m.buckets.length; i++) {
          cumulative += m.buckets[i]!;
          const le = i < family.bounds.length ? formatPromValue(family.bounds[i]!) : "+Inf";
          out += `${name}_bucket${labelText(family, m, endpoint, `le="${le}"`)} ${cumulative}\n`;
        }
      }
    } else {
      out += `# TYPE ${name} ${family.type === "Telemetry::COUNTER" ? "counter" : "gauge"}\n`;
      for (const m of metrics) out += `${name}${labelText(family, m, endpoint)} ${formatPromValue(m.current())}\n`;
    }
  }
  return out;
}

/** A running endpoint: where it listens, and how to stop it. */
export interface MetricsEndpoint {
  readonly server: Server;
  /** The address and port it listens on (the port chosen by the system when 0 was asked: tests). */
  address(): AddressInfo | null;
  close(): Promise<void>;
}

/**
 * Serves GET /metrics (and HEAD) on `host`:`port` until closed; other paths
 * get 404. `onError` hears a port that cannot be bound (in use, no right).
 */
export function listenPrometheus(
  telemetry: Telemetry,
  host: string,
  port: number,
  endpoint: EndpointLabel | null,
  onError: (message: string) => void,
): MetricsEndpoint {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("Not Found\n");
      return;
    }
    let body: string;
    try {
      body = prometheusText(telemetry, endpoint);
    } catch (error) {
      res.writeHead(500, { "Content-Type": "text/plain" }).end(`${error instanceof Error ? error.message : String(error)}\n`);
      return;
    }
    res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.on("error", (error: NodeJS.ErrnoException) => onError(`Failed to setup Prometheus endpoint: ${error.message}. Attempted to bind to ${host}:${port}.`));
  // Scrapes are answered while the run goes on; the endpoint alone never keeps the process alive.
  server.listen(port, host).unref();
  return {
    server,
    address: () => {
      const a = server.address();
      return a !== null && typeof a === "object" ? a : null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
