/**
 * Zeek's unknown_protocol event (packet_analysis::Manager::ReportUnknownProtocol):
 * a packet analyzer that finds nothing registered for the protocol its
 * header names (an EtherType, a SNAP OUI and type, an LLC DSAP, an IP
 * protocol without a transport analyzer) reports the analyzer's name, the
 * protocol's number, the first bytes after its header and the chain of
 * analyzers the packet went through. Reports are sampled per analyzer and
 * protocol, as Zeek's UnknownProtocol:: constants say: the first three,
 * then one in 100,000; the count starts again an hour (network time) after
 * the pair's first report.
 *
 * Only made when a script handles unknown_protocol: otherwise nothing here
 * runs per packet. While none of its handlers is enabled (event groups)
 * nothing is counted either: Zeek samples only when the event is handled.
 */
import type { Clock } from "../event/weirds.js";

/** UnknownProtocol::sampling_threshold, sampling_rate, sampling_duration and first_bytes_count. */
const SAMPLING_THRESHOLD = 3;
const SAMPLING_RATE = 100_000;
const SAMPLING_DURATION = 3600;
const FIRST_BYTES = 10;

export type UnknownProtocolEvent = (analyzer: string, protocol: number, firstBytes: string, history: string[]) => void;

export class UnknownProtocols {
  /** Per "analyzer/protocol": reports so far, and when the count starts again. */
  private readonly pairs = new Map<string, { count: number; readonly until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly raise: UnknownProtocolEvent,
    private readonly wanted: () => boolean = () => true,
  ) {}

  /** Analyzer `analyzer` found nothing for `protocol`; the bytes after its header are data[off, end); `history` the analyzers' names. */
  report(analyzer: string, protocol: number, data: Uint8Array, off: number, end: number, history: () => string[]): void {
    if (!this.wanted()) return;
    const key = `${analyzer}/${protocol}`;
    const now = this.clock.now;
    let pair = this.pairs.get(key);
    if (pair === undefined || now >= pair.until) {
      pair = { count: 0, until: now + SAMPLING_DURATION };
      this.pairs.set(key, pair);
    }
    const count = ++pair.count;
    if (count >= SAMPLING_THRESHOLD && (count - SAMPLING_THRESHOLD) % SAMPLING_RATE !== 0) return;
    const first = String.fromCharCode(...data.subarray(off, Math.max(off, Math.min(end, off + FIRST_BYTES))));
    this.raise(analyzer, protocol, first, history());
  }
}
