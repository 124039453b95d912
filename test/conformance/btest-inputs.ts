/**
 * What the %INPUT scripts of some btests configure, in bronze's terms.
 *
 * The corpus manifest gives each btest's command line (`zeek -b -r TRACE
 * %INPUT`) but not the script it ran. For the cases below that script only
 * redefines options and log settings that bronze has too, so the harness can
 * run bronze as Zeek was run. Each entry was written from the btest's source
 * in Zeek's repository (testing/btest/<case name, dots as slashes>.zeek);
 * it sets up the run and never says what the logs hold.
 */
import type { Engine } from "../../src/engine.js";
import type { LogLayout } from "../../src/log/manager.js";
import { fields } from "../../src/log/schema.js";

export interface BtestInput {
  /** The script's redefs of engine settings, as `name=value` words. */
  settings?: readonly string[];
  /** The script's event handlers, on the engine before the run. */
  setup?: (engine: Engine) => void;
  /** The script's redefs of Log::default_* (the engine for an extension that reads network time). */
  logs?: (engine: Engine) => LogLayout;
}

/** Zeek's peer_description default (the extension btests log it as _system_name). */
const PEER_DESCRIPTION = "zeek";

/** The four id columns renamed by the field-name-map btests, keyed with the separator they run with. */
function idRenames(sep: string): Record<string, string> {
  return { [`id${sep}orig_h`]: "src", [`id${sep}orig_p`]: "src_port", [`id${sep}resp_h`]: "dst", [`id${sep}resp_p`]: "dst_port" };
}

export const BTEST_INPUTS: Readonly<Record<string, BtestInput>> = {
  // Pcap::precompile_pcap_filter(A, "port 80") and (B, "port 53"); at the first
  // new_packet Pcap::install_pcap_filter(A), at the second (B).
  "core.pcap.dynamic-filter": {
    setup: (engine) => {
      let count = 0;
      engine.on("new_packet", () => {
        count++;
        if (count === 1) engine.setFilter("port 80");
        if (count === 2) engine.setFilter("port 53");
      });
    },
  },
  // redef PacketAnalyzer::SKIP::skip_bytes = 38; register_packet_analyzer(ROOT, 1, ANALYZER_SKIP)
  "core.skip_analyzer": { setup: (engine) => engine.skipLinkHeader(1, 38) },
  // module GridFTP; redef size_threshold = 2; (its notice and x509 redefs change no conn.log column)
  "scripts.base.protocols.ftp.gridftp": { settings: ["GridFTP::size_threshold=2"] },
  // redef Site::local_nets = { 125.190.109.0/24 };
  "core.history-flip": { settings: ["Site::local_nets={125.190.109.0/24}"] },
  // redef Gnutella::max_line_length = 100; redef Gnutella::max_header_length = 200;
  // event zeek_init() { Analyzer::register_for_port(Analyzer::ANALYZER_GNUTELLA, 6346/tcp); }
  "scripts.base.protocols.gnutella.max-header-length": {
    settings: ["Gnutella::max_line_length=100", "Gnutella::max_header_length=200"],
    setup: (engine) => void engine.registerForPort("GNUTELLA", 6346),
  },
  // event zeek_init() { Analyzer::register_for_port(Analyzer::ANALYZER_TELNET, 23/tcp); }
  "scripts.base.protocols.login.nvt-option-length": { setup: (engine) => void engine.registerForPort("TELNET", 23) },
  // event zeek_init() { Analyzer::register_for_port(Analyzer::ANALYZER_RLOGIN, 513/tcp); }
  "scripts.base.protocols.login.rlogin-line-length": { setup: (engine) => void engine.registerForPort("RLOGIN", 513) },
  // redef Log::default_field_name_map = { ["id.orig_h"] = "src", … };
  "scripts.base.frameworks.logging.field-name-map": { logs: () => ({ fieldNameMap: idRenames(".") }) },
  // redef Log::default_scope_sep = "*"; and the map keyed "id*orig_h", …
  "scripts.base.frameworks.logging.scope_sep_and_field_name_map": { logs: () => ({ scopeSep: "*", fieldNameMap: idRenames("*") }) },
  // Extension($write_ts = network_time(), $stream = path, $system_name = peer_description)
  "scripts.base.frameworks.logging.field-extension": {
    logs: (engine) => ({
      extension: {
        fields: fields(["write_ts", "time"], ["stream", "string"], ["system_name", "string"]),
        values: (path) => [engine.clock.now, path, PEER_DESCRIPTION],
      },
    }),
  },
  // As above, with a record that is not &log (left out) and one whose &log fields a, c and d are logged.
  // Zeek writes "-" for _system_name here: it takes the columns below the
  // extension record's field count (5, the unlogged record included) from the
  // extension and the rest from the stream's record, so the sixth column,
  // _system_name, is read from conn's fifth field (service, unset). bronze
  // logs the extension's value; the case stays in known-failures/conn.txt.
  "scripts.base.frameworks.logging.field-extension-complex": {
    logs: (engine) => ({
      extension: {
        fields: fields(
          ["write_ts", "time"],
          ["stream", "string"],
          ["innerLogged.a", "count"],
          ["innerLogged.c", "count"],
          ["innerLogged.d", "set[count]"],
          ["system_name", "string"],
        ),
        values: (path) => [engine.clock.now, path, 1, 3, [1, 2, 3, 4], PEER_DESCRIPTION],
      },
    }),
  },
};
