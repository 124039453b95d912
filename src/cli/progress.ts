/**
 * A progress line on stderr for long runs on a terminal: percent of the input
 * read, packets, packets per second. Redrawn at most twice a second, checked
 * every few thousand packets so the packet path pays one counter increment.
 */
import type { IdleSink, PacketSink, PacketSource, SourceProgress } from "../source/raw-packet.js";

/** Below this input size a run is quick enough that a progress line is noise. */
export const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;
const CHECK_EVERY_PACKETS = 4096;
const REDRAW_MS = 500;

export interface ProgressOutput {
  write(text: string): void;
}

/** Formats one progress line (no newline). */
export function formatProgress(p: SourceProgress, packets: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((packets * 1000) / elapsedMs) : 0;
  const mib = (n: number) => (n / (1024 * 1024)).toFixed(0);
  const read = p.totalBytes ? `${((100 * p.bytesRead) / p.totalBytes).toFixed(1)}% of ${mib(p.totalBytes)} MiB` : `${mib(p.bytesRead)} MiB`;
  return `bronze: ${read}, ${packets} packets, ${rate} packets/s`;
}

/**
 * Wraps a source so that its packets also drive a progress line. Returns the
 * source unchanged when it cannot tell its progress or is small.
 */
export function withProgress(source: PacketSource, out: ProgressOutput, now: () => number = Date.now): PacketSource {
  const progress = source.progress?.bind(source);
  if (!progress) return source;
  const total = progress().totalBytes;
  if (total !== null && total < PROGRESS_MIN_BYTES) return source;
  return {
    name: source.name,
    progress,
    stop: source.stop?.bind(source),
    async run(sink: PacketSink, idle?: IdleSink) {
      const started = now();
      let packets = 0;
      let lastDraw = started;
      let drawn = false;
      const counted: PacketSink = (raw) => {
        sink(raw);
        if (++packets % CHECK_EVERY_PACKETS !== 0) return;
        const t = now();
        if (t - lastDraw < REDRAW_MS) return;
        lastDraw = t;
        drawn = true;
        out.write(`\r${formatProgress(progress(), packets, t - started)}\x1b[K`);
      };
      try {
        return await source.run(counted, idle);
      } finally {
        if (drawn) out.write("\r\x1b[K");
      }
    },
  };
}
