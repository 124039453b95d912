/**
 * Zeek's packet-level btests that print event arguments and that the other
 * suites do not replay: ICMPv6 (core/icmp/icmp6-events, -nd-options;
 * scripts/base/protocols/icmp/{dnssl,icmp6-nd-short-options}) and IPv6.
 * Each btest's commands are read from Zeek's source at test time
 * (test/helpers/btest-replay), its handlers have a TypeScript twin printing as Zeek's
 * `print` does (records in init-bare's field order,
 * test/helpers/zeek-typed-print), and each file it compares is compared with
 * Zeek's baseline after btest's canonifier. Zeek's source and the corpus
 * traces are the oracles: without them the tests skip, saying so.
 *
 * Replayed elsewhere: packet-event-btests (scripts/base/protocols/arp/*,
 * snap/snap-arp, icmp/icmp6-mldv1, -mldv2, core/ipv6-flow-labels,
 * ipv6-frag, ipv6_esp, raw-truncation, linuxsll2, tunnels/geneve-arp),
 * tunnel-event-btests (core/mobile-ipv6-home-addr, -routing,
 * mobility-checksums, mobility_msg, expired-conn-weird,
 * tunnels/gtp/ext_header, -non_recursive), core-btests (core/icmp's other
 * btests).
 */
import { test } from "node:test";
import type { Engine } from "../../src/engine.js";
import type { Connection, Icmp6NdOption, IcmpContext, IcmpInfo } from "../../src/event/records.js";
import { coreBtestCase, readBtest, replayBtest, type Twin } from "../helpers/btest-replay.js";
import { zeekConnId, zeekInterval, zeekString } from "../helpers/zeek-print.js";
import { zeekTypedPrint } from "../helpers/zeek-typed-print.js";
import { zeekSource } from "../signatures/btest-harness.js";

const zeek = zeekSource();
const WHAT = "its packet-level core btests";
const ICMP_SCRIPTS = { zeek, dir: "testing/btest/scripts/base/protocols/icmp", what: "its ICMP script btests" };

/** Zeek's `print` of a value of a Zeek type (only called once the oracle was found). */
const typed = (value: unknown, type: string): string => zeekTypedPrint(zeek!, value, type);

/** `fmt("%s", v)` of a count, bool or interval (intervals are passed as ["interval", seconds]). */
const fmtS = (v: number | boolean | readonly ["interval", number]): string =>
  typeof v === "boolean" ? (v ? "T" : "F") : typeof v === "number" ? String(v) : zeekInterval(v[1]);

/**
 * What one of icmp6-events' handlers prints: its head line (the event with
 * some arguments), indented `name=value` lines of the others, the
 * connection's id and icmp_info, then a last line (the quoted packet or the
 * ND options) if the event has one.
 */
function icmp6Lines(head: string, c: Connection, info: IcmpInfo, fields: Record<string, Parameters<typeof fmtS>[0]>, last?: string): string[] {
  const named = Object.entries(fields).map(([k, v]) => `    ${k}=${fmtS(v)}`);
  const tail = last === undefined ? [] : [last];
  return [zeekString(head), ...named, `  conn_id: ${zeekConnId(c.id)}`, `  icmp_info: ${typed(info, "icmp_info")}`, ...tail];
}

const contextLine = (context: IcmpContext): string => `  icmp_context: ${typed(context, "icmp_context")}`;
const optionsLine = (options: readonly Icmp6NdOption[]): string => `  options: ${typed(options, "icmp6_nd_options")}`;

/** icmp6-events' handlers of the error messages and of the echo and icmp_sent events. */
function icmp6Messages(engine: Engine, out: (lines: string[]) => void): void {
  for (const name of ["icmp_unreachable", "icmp_packet_too_big", "icmp_time_exceeded", "icmp_parameter_problem", "icmp_error_message"] as const) {
    engine.on(name, (c, info, code, context) => out(icmp6Lines(`${name} (code=${code})`, c, info, {}, contextLine(context))));
  }
  for (const name of ["icmp_echo_request", "icmp_echo_reply"] as const) {
    engine.on(name, (c, info, id, seq, payload) =>
      out(icmp6Lines(`${name} (id=${id}, seq=${seq}, payload=${Buffer.from(payload).toString("latin1")})`, c, info, {})),
    );
  }
  engine.on("icmp_sent", (c, info) => out(icmp6Lines("icmp_sent", c, info, {})));
}

/** icmp6-events' handlers of the neighbour discovery events: their arguments one a line, then their options. */
function icmp6Discovery(engine: Engine, out: (lines: string[]) => void): void {
  engine.on("icmp_redirect", (c, info, tgt, dest, o) => out(icmp6Lines(`icmp_redirect (tgt=${tgt}, dest=${dest})`, c, info, {}, optionsLine(o))));
  engine.on("icmp_neighbor_solicitation", (c, info, tgt, o) => out(icmp6Lines(`icmp_neighbor_solicitation (tgt=${tgt})`, c, info, {}, optionsLine(o))));
  engine.on("icmp_neighbor_advertisement", (c, info, router, solicited, override, tgt, o) =>
    out(icmp6Lines(`icmp_neighbor_advertisement (tgt=${tgt})`, c, info, { router, solicited, override }, optionsLine(o))),
  );
  engine.on("icmp_router_solicitation", (c, info, o) => out(icmp6Lines("icmp_router_solicitation", c, info, {}, optionsLine(o))));
  engine.on("icmp_router_advertisement", (c, info, cur_hop_limit, managed, other, home_agent, pref, proxy, rsv, lifetime, reachable, retrans, o) => {
    const timers = { router_lifetime: ["interval", lifetime], reachable_time: ["interval", reachable], retrans_timer: ["interval", retrans] } as const;
    out(icmp6Lines("icmp_router_advertisement", c, info, { cur_hop_limit, managed, other, home_agent, pref, proxy, rsv, ...timers }, optionsLine(o)));
  });
}

/** A handler's print statements, one a line. */
const printEach =
  (print: (line: string) => void) =>
  (lines: readonly string[]): void => {
    for (const l of lines) print(l);
  };

const icmp6Events: Twin = (engine, print) => {
  icmp6Messages(engine, printEach(print));
  icmp6Discovery(engine, printEach(print));
};

/** icmp6-nd-options' loop over an ND event's options: each option, and the MAC of a link-layer address option of type `mac`. */
function ndOptionLines(title: string, options: readonly Icmp6NdOption[], mac?: number): string[] {
  return [
    title,
    ...options.flatMap((o) => {
      const line = `    ${typed(o, "icmp6_nd_option")}`;
      const hex = o.otype === mac && o.link_address !== undefined ? [`     MAC: ${Buffer.from(o.link_address, "latin1").toString("hex")}`] : [];
      return [line, ...hex];
    }),
  ];
}

const icmp6NdOptions: Twin = (engine, print) => {
  const out = printEach(print);
  engine.on("icmp_router_advertisement", (...a) => out(ndOptionLines("icmp_router_advertisement options", a[12], 1)));
  engine.on("icmp_neighbor_advertisement", (...a) => out(ndOptionLines("icmp_neighbor_advertisement options", a[6], 2)));
  engine.on("icmp_redirect", (_c, _info, _tgt, _dest, options) => out(ndOptionLines("icmp_redirect options", options)));
};

const CORE: ReadonlyArray<{ path: string; what: string; twin: Twin }> = [
  {
    path: "icmp/icmp6-events.test",
    what: "every ICMPv6 event's arguments: errors with their quoted packet, echoes, and the neighbour discovery messages' fields and options",
    twin: icmp6Events,
  },
  {
    path: "icmp/icmp6-nd-options.test",
    what: "ND options: link-layer addresses, MTU, prefix information and a redirected header's quoted packet",
    twin: icmp6NdOptions,
  },
  {
    path: "ipv6_zero_len_ah.test",
    what: "an AH header of length 0 in ipv6_ext_headers' pkt_hdr: no sequence number, no data",
    twin: (engine, print) =>
      engine.on("ipv6_ext_headers", (c, p) => {
        print(zeekConnId(c.id));
        print(typed(p, "pkt_hdr"));
      }),
  },
  {
    path: "ipv6-reassembly-state-leak.zeek",
    what: "IPv6 fragments with bad header sizes leave no reassembly behind (get_conn_stats' max_fragments), and their weirds",
    twin: (engine, print) => engine.on("zeek_done", () => print(`max fragments seen: ${engine.stats().fragments.max}`)),
  },
];

for (const { path, what, twin } of CORE) {
  test(`Zeek's btest core/${path}: ${what}, as Zeek's baseline`, coreBtestCase(zeek, WHAT, path, twin));
}

const SCRIPTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "dnssl",
    what: "a router advertisement's DNS search list options (type 31) kept whole as payload",
    twin: (engine, print) =>
      engine.on("icmp_router_advertisement", (...a) => {
        for (const o of a[12]) if (o.otype === 31) print(`dnssl len ${o.len} payload ${o.payload?.length ?? 0}`);
      }),
  },
  {
    name: "icmp6-nd-short-options",
    what: "ND messages cut before their options: a weird of no connection each (the bytes wanted and captured), with the ND events handled",
    twin: (engine) => {
      engine.on("icmp_router_advertisement", () => undefined);
      engine.on("icmp_neighbor_advertisement", () => undefined);
      engine.on("icmp_neighbor_solicitation", () => undefined);
      engine.on("icmp_redirect", () => undefined);
    },
  },
];

for (const { name, what, twin } of SCRIPTS) {
  test(`Zeek's btest scripts/base/protocols/icmp/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, ICMP_SCRIPTS, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
