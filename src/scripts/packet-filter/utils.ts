/**
 * The text helpers of Zeek's base/frameworks/packet-filter/utils: the
 * framework's filter is text, put together with these, so that what
 * packet_filter.log shows is the very expression Zeek would build (its
 * parentheses included).
 */

/**
 * Joins two filter expressions with `op` ("and", "or"), each side in
 * parentheses; an empty side leaves the other one alone (no parentheses), so
 * that a filter built up from "" stays a valid expression at every step.
 */
export function combineFilters(left: string, op: string, right: string): string {
  if (left === "") return right;
  if (right === "") return left;
  return `(${left}) ${op} (${right})`;
}

/** A port as a filter: "tcp and port 80" (Zeek's port_to_bpf). */
export function portToBpf(port: number, transport: "tcp" | "udp" | "icmp"): string {
  return `${transport} and port ${port}`;
}

/**
 * A filter passing one part of IPv4 and IPv6 traffic split `parts` ways by
 * the sum of the addresses' low 16 bits (Zeek's sampling_filter): `part` is
 * 0-based. The same text as Zeek's, so that the log shows the same filter.
 */
export function samplingFilter(parts: number, part: number): string {
  const v4 = `ip and ((ip[14:2]+ip[18:2]) - (${parts}*((ip[14:2]+ip[18:2])/${parts})) == ${part})`;
  const v6 = `ip6 and ((ip6[22:2]+ip6[38:2]) - (${parts}*((ip6[22:2]+ip6[38:2])/${parts})) == ${part})`;
  return combineFilters(v4, "or", v6);
}
