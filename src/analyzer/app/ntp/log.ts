/**
 * ntp.log, ntp_control.log and ntp_private.log: Zeek's
 * base/protocols/ntp/main.zeek as bronze's script, written against
 * ntp_message.
 *
 * Each message fills the record of its kind (standard modes 1-5, control
 * mode 6, private mode 7) on the connection, and then every record the
 * connection holds is written: as in Zeek, a connection's records stay, so a
 * mode 6 message after a mode 3 one writes the mode 3 row again beside its
 * own.
 */
import type { Connection } from "../../../event/records.js";
import { bytesToLogText } from "../../../log/escape.js";
import type { LogManager } from "../../../log/manager.js";
import { CONN_ID_COLUMNS, fields, type LogField, type LogValue } from "../../../log/schema.js";
import type { LogWriter } from "../../../log/writer.js";
import type { ScriptHost } from "../../../scripts/host.js";
import type { NtpMessage } from "./events.js";

const ID_FIELDS = [...CONN_ID_COLUMNS, ["version", "count"], ["mode", "count"]] as const;

export const NTP_FIELDS: readonly LogField[] = fields(
  ...ID_FIELDS,
  ["stratum", "count"],
  ["poll", "interval"],
  ["precision", "interval"],
  ["root_delay", "interval"],
  ["root_disp", "interval"],
  ["ref_id", "string"],
  ["ref_time", "time"],
  ["org_time", "time"],
  ["rec_time", "time"],
  ["xmt_time", "time"],
  ["num_exts", "count"],
);

export const NTP_CONTROL_FIELDS: readonly LogField[] = fields(
  ...ID_FIELDS,
  ["op_code", "count"],
  ["sequence", "count"],
  ["status", "count"],
  ["association_id", "count"],
  ["resp_bit", "bool"],
  ["err_bit", "bool"],
  ["more_bit", "bool"],
  ["data", "string"],
  ["key_id", "count"],
  ["crypto_checksum", "string"],
);

export const NTP_PRIVATE_FIELDS: readonly LogField[] = fields(
  ...ID_FIELDS,
  ["req_code", "count"],
  ["sequence", "count"],
  ["implementation", "count"],
  ["auth_bit", "bool"],
  ["err", "count"],
  ["data", "string"],
);

/** The rows a connection holds (c$ntp, c$ntp_control, c$ntp_private), ready to write. */
interface NtpConnState {
  std?: LogValue[];
  control?: LogValue[];
  priv?: LogValue[];
}

/** A byte string off the wire as log text (see bytesToLogText). */
function text(s: string | undefined): string | undefined {
  return s === undefined ? undefined : bytesToLogText(s);
}

export class NtpLog {
  private readonly std: LogWriter;
  private readonly control: LogWriter;
  private readonly priv: LogWriter;
  private readonly states = new WeakMap<Connection, NtpConnState>();

  constructor(host: ScriptHost & { readonly clock: { readonly now: number } }, logs: LogManager) {
    this.std = logs.open({ path: "ntp", fields: NTP_FIELDS });
    this.control = logs.open({ path: "ntp_control", fields: NTP_CONTROL_FIELDS });
    this.priv = logs.open({ path: "ntp_private", fields: NTP_PRIVATE_FIELDS });
    host.on("ntp_message", (c, _isOrig, msg) => this.fill(host.clock.now, c, msg), { priority: 5 });
    host.on("ntp_message", (c) => this.write(c), { priority: -5 });
  }

  private fill(ts: number, c: Connection, msg: NtpMessage): void {
    let state = this.states.get(c);
    if (state === undefined) this.states.set(c, (state = {}));
    const id = c.id;
    const head: LogValue[] = [ts, c.uid, id.orig_h, id.orig_p, id.resp_h, id.resp_p, msg.version, msg.mode];
    const s = msg.std_msg;
    if (s !== undefined) {
      const refId = bytesToLogText(s.kiss_code ?? s.ref_id ?? s.ref_addr ?? "");
      state.std = [...head, s.stratum, s.poll, s.precision, s.root_delay, s.root_disp, refId, s.ref_time, s.org_time, s.rec_time, s.xmt_time, s.num_exts];
    }
    const m6 = msg.control_msg;
    if (m6 !== undefined) {
      state.control = [
        ...head,
        m6.op_code,
        m6.sequence,
        m6.status,
        m6.association_id,
        m6.resp_bit,
        m6.err_bit,
        m6.more_bit,
        text(m6.data),
        m6.key_id,
        text(m6.crypto_checksum),
      ];
    }
    const m7 = msg.mode7_msg;
    if (m7 !== undefined) state.priv = [...head, m7.req_code, m7.sequence, m7.implementation, m7.auth_bit, m7.err, text(m7.data)];
  }

  private write(c: Connection): void {
    const state = this.states.get(c);
    if (state === undefined) return;
    if (state.std !== undefined) this.std.write(state.std);
    if (state.control !== undefined) this.control.write(state.control);
    if (state.priv !== undefined) this.priv.write(state.priv);
  }
}

/** The protocol script entry (src/scripts/protocols.ts). */
export const NTP_SCRIPT = {
  script: "base/protocols/ntp",
  load(host: ScriptHost & { readonly clock: { readonly now: number } }, logs: LogManager): void {
    new NtpLog(host, logs);
  },
};
