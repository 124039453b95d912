/**
 * -w FILE: every packet that passes the capture filter is also written to a
 * pcap file (Zeek's -w), "-" meaning standard output. The link type comes
 * from the first packet, so the writer is created on demand; a run without
 * packets leaves a valid empty trace (Ethernet header).
 */
import type { PacketPredicate } from "../engine.js";
import { PcapWriter } from "../record/pcap-writer.js";
import type { PacketSink, PacketSource, SourceSummary } from "../source/raw-packet.js";

const LINKTYPE_ETHERNET = 1;
const STDOUT_FD = 1;

export interface Recording {
  /** The source to run: it applies the filter, records, then hands packets on. */
  source: PacketSource;
  /** Packets written. */
  readonly packets: number;
  /** Flushes and closes the trace file. */
  close(): void;
}

/**
 * Wraps `source` so that packets accepted by `filter` are recorded to `target`
 * and passed to the engine (which then needs no filter of its own).
 */
export function recordPackets(source: PacketSource, target: string, filter: PacketPredicate | undefined): Recording {
  let writer: PcapWriter | null = null;
  const open = (linktype: number) => new PcapWriter(target === "-" ? STDOUT_FD : target, { linktype });
  const wrapped: PacketSource = {
    name: source.name,
    progress: source.progress?.bind(source),
    stop: source.stop?.bind(source),
    run(sink: PacketSink): Promise<SourceSummary> {
      return source.run((raw) => {
        if (filter !== undefined && !filter(raw)) return;
        (writer ??= open(raw.linktype)).writePacket(raw);
        sink(raw);
      });
    },
  };
  return {
    source: wrapped,
    get packets() {
      return writer?.packets ?? 0;
    },
    close() {
      (writer ??= open(LINKTYPE_ETHERNET)).close();
    },
  };
}
