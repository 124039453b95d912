/**
 * -w FILE: every packet that passes the capture filter is also written whole
 * to a pcap file (Zeek's -w), "-" meaning standard output, through the
 * Recorder of src/record. The link type comes from the first packet; a run
 * without packets still leaves a valid, empty trace (Ethernet header), as
 * tcpdump and Zeek do.
 */
import type { PacketPredicate } from "../engine.js";
import { Recorder } from "../record/recorder.js";
import type { PacketSink, PacketSource, SourceSummary } from "../source/raw-packet.js";

const LINKTYPE_ETHERNET = 1;
const STDOUT_FD = 1;

export interface Recording {
  /** The source to run: it applies the filter, records, then hands packets on. */
  source: PacketSource;
  readonly recorder: Recorder;
  /** Flushes and closes the trace file. */
  close(): void;
}

/**
 * Wraps `source` so that packets accepted by `filter` are recorded to `target`
 * and passed to the engine (which then needs no filter of its own).
 */
export function recordPackets(source: PacketSource, target: string, filter: PacketPredicate | undefined): Recording {
  const fd = target === "-" ? STDOUT_FD : target;
  const recorder = new Recorder(fd);
  const wrapped: PacketSource = {
    name: source.name,
    progress: source.progress?.bind(source),
    stop: source.stop?.bind(source),
    run(sink: PacketSink): Promise<SourceSummary> {
      return source.run((raw) => {
        if (filter !== undefined && !filter(raw)) return;
        recorder.record(raw);
        sink(raw);
      });
    },
  };
  return {
    source: wrapped,
    recorder,
    close() {
      const empty = recorder.linktype === null;
      recorder.close();
      if (empty) new Recorder(fd, { linktype: LINKTYPE_ETHERNET }).close();
    },
  };
}
