/**
 * Zeek's two Modbus policy scripts, on the Modbus events:
 * - policy/protocols/modbus/known-masters-slaves: known_modbus.log, each
 *   address seen as a master (a Modbus connection's originator) or a slave
 *   (its responder), once a day (Zeek's set has &create_expire=1day);
 * - policy/protocols/modbus/track-memmap: modbus_register_change.log, each
 *   holding register of a slave whose value, read back by a "read holding
 *   registers" response, differs from the value read before.
 *
 * track-memmap follows Zeek's script to the letter, including where it is
 * rough: the register a response's values belong to is counted per
 * connection from the last request's start address plus one, and goes on
 * counting across responses; a response without a request counts from 0.
 */
import type { Connection } from "../../../event/records.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField } from "../../../log/schema.js";
import { addrMatchesHost, localNetsOf } from "../../../scripts/directions-and-hosts.js";
import type { AnalyzerScriptHost } from "../../../scripts/host.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import type { LocalNets } from "../../../scripts/site.js";
import "./events.js";

export const KNOWN_MODBUS_FIELDS: readonly LogField[] = fields(["ts", "time"], ["host", "addr"], ["device_type", "enum"]);

/** Known::modbus_nodes' &create_expire: a node is logged again a day after it was added. */
const NODE_EXPIRY = 86400;

function loadKnownModbus(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "known_modbus", fields: KNOWN_MODBUS_FIELDS });
  /** Known::modbus_nodes: "addr type" → when it was added. */
  const nodes = new Map<string, number>();
  const see = (addr: string, type: "Known::MODBUS_MASTER" | "Known::MODBUS_SLAVE", now: number): void => {
    const key = `${addr} ${type}`;
    const added = nodes.get(key);
    if (added !== undefined && added + NODE_EXPIRY > now) return;
    nodes.set(key, now);
    log.write([now, addr, type]);
  };
  host.on("modbus_message", (c) => {
    const now = host.clock.now;
    see(c.id.orig_h, "Known::MODBUS_MASTER", now);
    see(c.id.resp_h, "Known::MODBUS_SLAVE", now);
  });
}

export const KNOWN_MODBUS_SCRIPT: PolicyScript = {
  script: "policy/protocols/modbus/known-masters-slaves",
  what: "known_modbus.log",
  load: (host, { logs }) => loadKnownModbus(host, logs),
};

export const REGISTER_CHANGE_FIELDS: readonly LogField[] = fields(
  ...CONN_ID_COLUMNS,
  ["register", "count"],
  ["old_val", "count"],
  ["new_val", "count"],
  ["delta", "interval"],
);

/** A register's value as last read, and when it was set. */
interface RegisterValue {
  lastSet: number;
  value: number;
}

function loadTrackMemmap(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "modbus_register_change", fields: REGISTER_CHANGE_FIELDS });
  /** Modbus::device_registers: per slave address, its registers by number. */
  const devices = new Map<string, Map<number, RegisterValue>>();
  /** c$modbus$track_address: the register the next value read belongs to (Zeek's &default=0). */
  const trackAddress = new WeakMap<Connection, number>();
  let local: LocalNets | null = null;

  host.on("modbus_read_holding_registers_request", (c, _headers, start) => void trackAddress.set(c, start + 1));
  host.on("modbus_read_holding_registers_response", (c, _headers, registers) => {
    const slave = c.id.resp_h;
    local ??= localNetsOf(host.settings);
    if (!addrMatchesHost(slave, host.settings["Modbus::track_memmap"], local)) return;
    let regs = devices.get(slave);
    if (regs === undefined) devices.set(slave, (regs = new Map()));
    const now = host.clock.now;
    let at = trackAddress.get(c) ?? 0;
    for (const value of registers) {
      const known = regs.get(at);
      if (known === undefined) regs.set(at, { lastSet: now, value });
      else if (known.value !== value) {
        const id = c.id;
        log.write([now, c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, at, known.value, value, now - known.lastSet]);
        known.lastSet = now;
        known.value = value;
      }
      at++;
    }
    trackAddress.set(c, at);
  });
}

export const TRACK_MEMMAP_SCRIPT: PolicyScript = {
  script: "policy/protocols/modbus/track-memmap",
  what: "modbus_register_change.log",
  load: (host, { logs }) => loadTrackMemmap(host, logs),
};
