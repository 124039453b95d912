/**
 * Zeek's packet filter of install_src_net_filter and friends (its
 * PacketFilter): packets from (or to) a subnet are dropped before any
 * analysis, right after their IP header was found sound, unless they are
 * TCP with one of the filter's flags set. The longest matching source
 * prefix decides, else the longest destination one. Dropping is random
 * with the filter's probability, drawn from Zeek's generator (a match
 * always takes one number, as Zeek's does). The IP layer asks only once a
 * filter was installed.
 */
import type { Packet } from "../packet/packet.js";
import { inSubnet, type Subnet } from "../scripts/site.js";
import type { ZeekRandom } from "../scripts/zeek-random.js";

/** Zeek's max_random for a seeded run: the generator's modulus. */
const MAX_RANDOM = 2147483647;
const TCP_PROTO = 6;
const TCP_MIN_HEADER_LEN = 20;
const TCP_FLAGS_OFFSET = 13;

interface Entry {
  readonly net: Subnet;
  readonly tcpFlags: number;
  readonly probability: number;
}

export type FilterSide = "src" | "dst";

export class NetFilter {
  private readonly sides: Record<FilterSide, Entry[]> = { src: [], dst: [] };
  private readonly addr = new Uint8Array(16);
  private readonly view = new DataView(this.addr.buffer);

  constructor(private readonly random: ZeekRandom) {}

  /** install_*_net_filter: replaces a filter of the same subnet. */
  install(side: FilterSide, net: Subnet, tcpFlags: number, probability: number): void {
    this.uninstall(side, net);
    this.sides[side].push({ net, tcpFlags, probability });
  }

  /** uninstall_*_net_filter: false when there was no filter for exactly that subnet. */
  uninstall(side: FilterSide, net: Subnet): boolean {
    const list = this.sides[side];
    const i = list.findIndex((e) => e.net.bits === net.bits && e.net.bytes.every((b, k) => b === net.bytes[k]));
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  }

  /** Whether the packet (IP header at `off`, `headerLen` long, addresses already read) is to be dropped. */
  drops(pkt: Packet, off: number, headerLen: number): boolean {
    const f = this.best("src", pkt.src0, pkt.src1, pkt.src2, pkt.src3) ?? this.best("dst", pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3);
    return f !== undefined && this.matches(f, pkt, off, headerLen);
  }

  private best(side: FilterSide, w0: number, w1: number, w2: number, w3: number): Entry | undefined {
    const list = this.sides[side];
    if (list.length === 0) return undefined;
    this.view.setInt32(0, w0);
    this.view.setInt32(4, w1);
    this.view.setInt32(8, w2);
    this.view.setInt32(12, w3);
    let found: Entry | undefined;
    for (const e of list) if (inSubnet(this.addr, e.net) && (found === undefined || e.net.bits > found.net.bits)) found = e;
    return found;
  }

  private matches(f: Entry, pkt: Packet, off: number, headerLen: number): boolean {
    if (f.tcpFlags !== 0 && pkt.ipProto === TCP_PROTO) {
      const tcp = off + headerLen;
      // Too short for a TCP header: the packet will be dropped anyway, by later checks.
      if (pkt.end - tcp < TCP_MIN_HEADER_LEN || pkt.ipTotalLen - headerLen < TCP_MIN_HEADER_LEN) return false;
      if ((pkt.data[tcp + TCP_FLAGS_OFFSET]! & f.tcpFlags) !== 0) return false;
    }
    return this.random.next() < f.probability * MAX_RANDOM;
  }
}
