/**
 * compileFilter: a tcpdump/pcap-filter(7) expression → a predicate over raw
 * packets, in pure TypeScript (no libpcap, no native code).
 *
 * The expression is parsed once (syntax errors throw FilterSyntaxError with
 * the column). Code is generated per link type, lazily, the first time a
 * packet of that link type is seen (pcapng files may mix link types), and
 * cached; the predicate itself allocates nothing per packet. See codegen.ts
 * for why the code is generated JavaScript rather than a closure tree.
 */
import type { RawPacket } from "../source/raw-packet.js";
import type { Filter } from "./ast.js";
import { generateFilterSource } from "./codegen.js";
import { LINKTYPE_ETHERNET, linkLayout } from "./link-layout.js";
import { parseFilter } from "./parser.js";

export { FilterSyntaxError } from "./errors.js";

export type PacketFilter = (raw: RawPacket) => boolean;

/** Compiles `expression`; throws FilterSyntaxError when it is not a valid filter. */
export function compileFilter(expression: string): PacketFilter {
  const tree = parseFilter(expression);
  // Generate for Ethernet now so that every compile-time error surfaces here, not at the first packet.
  const ethernet = build(tree, LINKTYPE_ETHERNET, expression);
  const byLinktype = new Map<number, PacketFilter>([[LINKTYPE_ETHERNET, ethernet]]);
  let lastLinktype = LINKTYPE_ETHERNET;
  let last = ethernet;
  return (raw: RawPacket): boolean => {
    if (raw.linktype !== lastLinktype) {
      let f = byLinktype.get(raw.linktype);
      if (f === undefined) {
        f = build(tree, raw.linktype, expression);
        byLinktype.set(raw.linktype, f);
      }
      lastLinktype = raw.linktype;
      last = f;
    }
    return last(raw);
  };
}

/** The generated JavaScript for one link type (for debugging and documentation). */
export function filterSource(expression: string, linktype = LINKTYPE_ETHERNET): string {
  return generateFilterSource(parseFilter(expression), linkLayout(linktype), expression);
}

function build(tree: Filter | null, linktype: number, expression: string): PacketFilter {
  const source = generateFilterSource(tree, linkLayout(linktype), expression);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generating the filter is the point (see codegen.ts)
  const factory = new Function(source) as () => PacketFilter;
  return factory();
}
