/**
 * Zeek's base/misc/find-checksum-offloading, in bronze's words: when more
 * than 5 % of the packets had a bad IP, TCP or UDP checksum, the interface
 * (or the trace's capture) most likely saw packets before the network card
 * filled their checksums in. Those packets are dropped from the analysis
 * without -C, so every TCP connection looks half-open (conn.log's OTH): one
 * reporter warning (reporter.log and stderr) says why and what to do.
 *
 * Zeek checks 10 s of network time after the start, again every 10 s while
 * fewer than 20 packets have been seen, and at the end; bronze checks when a
 * bad checksum arrives once 10 s have passed, and at the end — the same
 * decision, without timers of its own.
 */
import { DOUBLE_MINUS_ONE } from "../doubles.js";
import type { Weird } from "../event/records.js";
import type { ScriptHost } from "./host.js";
import type { Reporter } from "./reporter.js";

/** ChecksumOffloading::check_interval. */
const CHECK_INTERVAL = 10;
/** The share of packets with bad checksums above which offloading is the likely cause. */
const SHARE = 0.05;

export interface ChecksumOffloadingHost extends ScriptHost {
  readonly clock: { readonly now: number };
  /** Packets that entered the engine so far (Zeek's get_net_stats()$pkts_recvd). */
  readonly packetsSeen: number;
}

export class ChecksumOffloading {
  private ip = 0;
  private tcp = 0;
  private udp = 0;
  /** Network time of the first packet (-1: none yet); a double from the start (see doubles.ts). */
  private start = DOUBLE_MINUS_ONE;
  private done = false;

  constructor(
    private readonly host: ChecksumOffloadingHost,
    private readonly reporter: Reporter,
    private readonly live: boolean,
  ) {
    host.on("weird", (w) => this.weird(w));
    host.on("zeek_done", () => this.check());
  }

  private weird(w: Weird): void {
    if (w.name === "bad_IP_checksum") this.ip++;
    else if (w.name === "bad_TCP_checksum") this.tcp++;
    else if (w.name === "bad_UDP_checksum") this.udp++;
    else return;
    if (this.start < 0) this.start = w.ts;
    // Once the interval passed this is asked on every bad checksum: the usual answer (no) is found without allocating.
    else if (w.ts - this.start >= CHECK_INTERVAL && Math.max(this.ip, this.tcp, this.udp) / this.host.packetsSeen > SHARE) this.check();
  }

  private check(): void {
    if (this.done) return;
    const packets = this.host.packetsSeen;
    if (packets === 0) return;
    const bad = (
      [
        ["IP", this.ip],
        ["TCP", this.tcp],
        ["UDP", this.udp],
      ] as const
    ).filter(([, n]) => n > 0);
    if (!bad.some(([, n]) => n / packets > SHARE)) return;
    this.done = true;
    const source = this.live ? "interface is likely receiving" : "trace file likely has";
    this.reporter.warning(
      `Your ${source} invalid ${bad.map(([kind]) => kind).join(" and ")} checksums, most likely from NIC checksum offloading. ` +
        "Packets with invalid checksums are left out of the analysis unless bronze runs with -C (or ignore_checksums=T), " +
        "so connections look incomplete (conn.log's OTH). Alternatively, turn checksum offloading off on the network adapter " +
        "so that the checksums on the wire are the ones analysed.",
    );
  }
}
