/**
 * -w FILE: the packets that pass the capture filter are also written to a
 * pcap file (Zeek's -w), "-" meaning standard output: each whole, header-only
 * or not at all, as the engine's analysis decided (packet/packet-use.ts),
 * through the Recorder of src/record given to the engine. The link type comes
 * from the first packet; a run without packets still leaves a valid, empty
 * trace (Ethernet header), as tcpdump and Zeek do.
 *
 * The file is created before reading starts, so a path that cannot be written
 * is one usage error and no run. When the reader of standard output goes
 * away (`bronze -w - | head`), the run ends quietly as other Unix tools end on
 * a broken pipe. A write that fails later (a full disk) ends the recording,
 * not the run: the analysis and its logs go on, and the failure is one error
 * at the end, with the packets recorded before it.
 */
import { closeSync, openSync } from "node:fs";
import type { PacketRecorder } from "../engine.js";
import { Recorder, type RecordMode } from "../record/recorder.js";
import type { RawPacket } from "../source/raw-packet.js";
import { systemErrorText } from "../system-error.js";
import { UsageError } from "./args.js";

const LINKTYPE_ETHERNET = 1;
const STDOUT_FD = 1;

export interface Recording {
  /** The recorder (its counters). */
  readonly recorder: Recorder;
  /** What the engine is given: the recorder, stopping at a broken pipe. */
  readonly sink: PacketRecorder;
  /** True once the reader of standard output went away: nothing more is written. */
  readonly brokenPipe: boolean;
  /** Why writing failed ("No space left on device"), once it did: nothing more is written. */
  readonly failure: string | null;
  /** Flushes and closes the trace file. */
  close(): void;
}

/** Why a path cannot be written, in words. */
function openFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such directory";
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "read-only file system";
  return error instanceof Error ? error.message : String(error);
}

function isBrokenPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "EPIPE";
}

/**
 * Opens the trace file `target` ("-": standard output) now; `onBrokenPipe` is
 * called once if the output's reader goes away (the caller stops the source).
 */
export function openRecording(target: string, onBrokenPipe: () => void): Recording {
  let fd = STDOUT_FD;
  if (target !== "-") {
    try {
      fd = openSync(target, "w");
    } catch (error) {
      throw new UsageError(`cannot write ${target}: ${openFailure(error)}`);
    }
  }
  const recorder = new Recorder(fd);
  let broken = false;
  let failure: string | null = null;
  /** Runs a write; a broken pipe ends the recording and the run (once), another failure the recording only. */
  const guarded = (write: () => void): void => {
    if (broken || failure !== null) return;
    try {
      write();
    } catch (error) {
      if (isBrokenPipe(error)) {
        broken = true;
        onBrokenPipe();
      } else failure = systemErrorText(error);
    }
  };
  return {
    recorder,
    sink: { record: (raw: RawPacket, mode: RecordMode, headerBytes: number) => guarded(() => recorder.record(raw, mode, headerBytes)) },
    get brokenPipe() {
      return broken;
    },
    get failure() {
      return failure;
    },
    close() {
      const empty = recorder.linktype === null;
      guarded(() => recorder.close());
      if (empty) guarded(() => new Recorder(fd, { linktype: LINKTYPE_ETHERNET }).close());
      if (fd !== STDOUT_FD) closeSync(fd);
    },
  };
}
