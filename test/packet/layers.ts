/**
 * Test harness for the layers below the transport: one LinkLayer + IpLayer
 * wired to a Weirds that records every weird, fed with built packets.
 */
import { EventBus } from "../../src/event/bus.js";
import type { Weird } from "../../src/event/records.js";
import { Weirds } from "../../src/event/weirds.js";
import { IpLayer } from "../../src/ip/ip-layer.js";
import { defaultSettings, type EngineSettings } from "../../src/options.js";
import { LinkLayer } from "../../src/packet/link.js";
import { Packet } from "../../src/packet/packet.js";

export interface FeedOptions {
  linktype?: number;
  wirelen?: number;
  ts?: number;
  /** Stop after the link layer. */
  linkOnly?: boolean;
}

export interface FeedResult {
  /** The link layer found an IP packet. */
  link: boolean;
  /** The IP layer handed the packet on to the transport layer. */
  ip: boolean;
  /** Weird names raised while this packet was processed, in order. */
  weirds: string[];
}

export class Layers {
  readonly bus = new EventBus();
  readonly clock = { now: 0 };
  readonly weirds = new Weirds(this.bus, this.clock);
  readonly settings: EngineSettings;
  readonly link: LinkLayer;
  readonly ip: IpLayer;
  readonly pkt = new Packet();
  /** Every weird record raised so far. */
  readonly log: Weird[] = [];

  constructor(settings: Partial<EngineSettings> = {}) {
    this.settings = { ...defaultSettings(), ...settings };
    this.link = new LinkLayer(this.weirds);
    this.ip = new IpLayer(this.weirds, this.settings);
    this.bus.on("weird", (w) => {
      this.log.push(w);
    });
  }

  /** Runs one packet through link and IP layers, as the engine does. */
  feed(bytes: Uint8Array, o: FeedOptions = {}): FeedResult {
    const pkt = this.pkt;
    pkt.ts = o.ts ?? this.clock.now + 1;
    pkt.caplen = bytes.length;
    pkt.wirelen = o.wirelen ?? bytes.length;
    pkt.linktype = o.linktype ?? 1;
    pkt.data = bytes;
    pkt.offset = 0;
    pkt.end = bytes.length;
    if (pkt.ts > this.clock.now) this.clock.now = pkt.ts;
    const before = this.log.length;
    const link = this.link.decode(pkt);
    const ip = link && !o.linkOnly && this.ip.process(pkt);
    this.bus.drain();
    return { link, ip, weirds: this.log.slice(before).map((w) => w.name) };
  }
}
