/**
 * Source + link layer + IP layer, no sessions: what it costs to get every
 * packet to the point where the session layer would look it up.
 */
import { EventBus } from "../src/event/bus.js";
import { type Clock, Weirds } from "../src/event/weirds.js";
import { IpLayer } from "../src/ip/ip-layer.js";
import { defaultSettings } from "../src/options.js";
import { LinkLayer } from "../src/packet/link.js";
import { Packet } from "../src/packet/packet.js";
import { openTrace } from "../src/source/open.js";
import { type BenchResult, since } from "./bench-api.js";

export const name = "decode";

export async function run(tracePath: string): Promise<BenchResult> {
  const start = performance.now();
  const bus = new EventBus();
  const clock: Clock = { now: 0 };
  const weirds = new Weirds(bus, clock);
  const link = new LinkLayer(weirds);
  const ip = new IpLayer(weirds, defaultSettings());
  const pkt = new Packet();
  let toTransport = 0;
  const source = await openTrace(tracePath);
  const summary = await source.run((raw) => {
    pkt.load(raw);
    if (raw.ts > clock.now) clock.now = raw.ts;
    if (link.decode(pkt) && ip.process(pkt)) toTransport++;
    bus.drain();
  });
  ip.flush();
  const seconds = since(start);
  if (summary.truncated) throw new Error(summary.truncated);
  return { packets: summary.packets, seconds, extra: { "to transport": toTransport, "ip dropped": ip.stats.dropped } };
}
