/**
 * -w FILE: the packets that pass the capture filter are also written to a
 * pcap file (Zeek's -w), "-" meaning standard output: each whole, header-only
 * or not at all, as the engine's analysis decided (packet/packet-use.ts),
 * through the Recorder of src/record given to the engine. The link type comes
 * from the first packet; a run without packets still leaves a valid, empty
 * trace (Ethernet header), as tcpdump and Zeek do.
 */
import { Recorder } from "../record/recorder.js";

const LINKTYPE_ETHERNET = 1;
const STDOUT_FD = 1;

export interface Recording {
  /** The engine's recorder. */
  readonly recorder: Recorder;
  /** Flushes and closes the trace file. */
  close(): void;
}

/** Opens the trace file `target` ("-": standard output). */
export function openRecording(target: string): Recording {
  const fd = target === "-" ? STDOUT_FD : target;
  const recorder = new Recorder(fd);
  return {
    recorder,
    close() {
      const empty = recorder.linktype === null;
      recorder.close();
      if (empty) new Recorder(fd, { linktype: LINKTYPE_ETHERNET }).close();
    },
  };
}
