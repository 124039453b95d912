/**
 * The Modbus/TCP analyzer (Zeek's "MODBUS", src/analyzer/protocol/modbus):
 * each side is a sequence of PDUs, an MBAP header (transaction id, protocol
 * id, length, unit id) and a function code, then the function's data; the
 * originator sends requests, the responder responses.
 *
 * As Zeek's BinPAC parser does it:
 * - modbus_message comes as soon as a PDU's header is in (BinPAC reads it to
 *   learn the PDU's length); the body is parsed once the whole PDU (length +
 *   6 bytes) is there, and its event raised (only the events somebody
 *   handles are built); register arrays stop at their byte count, as
 *   BinPAC's &length does;
 * - a protocol id other than 0 or a length below 2 ("&enforce violation")
 *   drops the bytes buffered on that side, as BinPAC's flow buffer does after
 *   an exception, and is a violation while the protocol is unconfirmed;
 * - a body shorter than its fields ("out_of_bound"), or a register array
 *   longer than its byte count, drops the PDU without confirming;
 * - the first PDU parsed whole confirms the protocol;
 * - Zeek's value checks (odd register byte counts; coil values other than
 *   0x0000/0xFF00) suppress the body's event; the diagnostics request checks
 *   are weirds;
 * - after a content gap the PDU being filled goes on filling (BinPAC's
 *   flow buffer does not reset on a gap).
 *
 * Zeek's analyzer reports the body failures and value checks as violations,
 * but its runs on the corpus (4SICS, fuzz-72, fuzz-1011) show none of them,
 * nor header violations once confirmed: bronze follows what Zeek wrote.
 *
 * PDUs are parsed from the delivered view when they lie whole in it; only a
 * PDU split across segments is copied (into a buffer bounded by the largest
 * PDU, 65541 bytes).
 */

import { latin1, u16 } from "../../../packet/bytes.js";
import type { AnalyzerComponent, AnalyzerHost, StreamAnalyzer } from "../analyzer.js";
import type { ModbusFileRecordRequest, ModbusFileRecordResponse, ModbusFileReference, ModbusHeaders } from "./events.js";
import "./events.js";

/** The MBAP header and the function code. */
const HEADER_LEN = 8;

// Function codes the parser knows a body for (Zeek's modbus-protocol.pac).
const READ_COILS = 0x01;
const READ_DISCRETE_INPUTS = 0x02;
const READ_HOLDING_REGISTERS = 0x03;
const READ_INPUT_REGISTERS = 0x04;
const WRITE_SINGLE_COIL = 0x05;
const WRITE_SINGLE_REGISTER = 0x06;
const DIAGNOSTICS = 0x08;
const WRITE_MULTIPLE_COILS = 0x0f;
const WRITE_MULTIPLE_REGISTERS = 0x10;
const READ_FILE_RECORD = 0x14;
const WRITE_FILE_RECORD = 0x15;
const MASK_WRITE_REGISTER = 0x16;
const READ_WRITE_MULTIPLE_REGISTERS = 0x17;
const READ_FIFO_QUEUE = 0x18;
const ENCAP_INTERFACE_TRANSPORT = 0x2b;

/** BinPAC's exception texts, as the violation reason shows them. */
function outOfBound(where: string, need: number, have: number): string {
  return `Binpac exception: binpac exception: out_of_bound: ${where}: ${need} > ${have}`;
}
function enforce(where: string): string {
  return `Binpac exception: binpac exception: &enforce violation : ${where}`;
}

function headerOf(d: Uint8Array, at: number): ModbusHeaders {
  return { tid: u16(d, at), pid: u16(d, at + 2), uid: d[at + 6]!, function_code: d[at + 7]!, len: u16(d, at + 4) };
}

/** Coils from packed bits, least significant bit first, at most `quantity`. */
function coils(d: Uint8Array, at: number, bytes: number, quantity: number): boolean[] {
  const out: boolean[] = [];
  for (let i = 0; i < quantity && i >> 3 < bytes; i++) out.push(((d[at + (i >> 3)]! >> (i & 7)) & 1) === 1);
  return out;
}

function registers(d: Uint8Array, at: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = u16(d, at + 2 * i);
  return out;
}

/** Zeek's diagnostics subfunctions whose data must be 0x0000. */
const ZERO_DATA_SUBFUNCTIONS = new Set([0x02, 0x04, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14]);

/** One side's partial PDU. */
class Side {
  buf: Uint8Array | null = null;
  have = 0;
}

class ModbusAnalyzer implements StreamAnalyzer {
  private readonly sides = [new Side(), new Side()];
  /** The last body that did not parse (BinPAC's out_of_bound text), for debugging and tests. */
  bodyError: string | null = null;
  constructor(private readonly host: AnalyzerHost) {}

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    const side = this.sides[isOrig ? 0 : 1]!;
    let at = 0;
    while (at < data.length) {
      if (side.have === 0) {
        // Whole PDUs straight from the view.
        const left = data.length - at;
        if (left >= HEADER_LEN) {
          const err = this.checkHeader(data, at);
          if (err !== null) return this.fail(side, err);
          this.message(isOrig, data, at);
          const size = u16(data, at + 4) + 6;
          if (size <= left) {
            if (!this.pdu(isOrig, data, at, at + size)) return this.fail(side, null);
            at += size;
            continue;
          }
        }
        // Keep the start of a PDU split over segments (its header already announced when whole).
        side.buf ??= new Uint8Array(HEADER_LEN);
        if (left >= HEADER_LEN) {
          side.buf.set(data.subarray(at, at + HEADER_LEN));
          side.have = HEADER_LEN;
          at += HEADER_LEN;
        }
      }
      // Fill the header, then the rest of the PDU.
      if (side.have < HEADER_LEN) {
        const n = Math.min(HEADER_LEN - side.have, data.length - at);
        side.buf!.set(data.subarray(at, at + n), side.have);
        side.have += n;
        at += n;
        if (side.have < HEADER_LEN) return;
        const err = this.checkHeader(side.buf!, 0);
        if (err !== null) return this.fail(side, err);
        this.message(isOrig, side.buf!, 0);
      }
      const size = u16(side.buf!, 4) + 6;
      if (side.buf!.length < size) {
        const grown = new Uint8Array(size);
        grown.set(side.buf!.subarray(0, side.have));
        side.buf = grown;
      }
      const n = Math.min(size - side.have, data.length - at);
      side.buf!.set(data.subarray(at, at + n), side.have);
      side.have += n;
      at += n;
      if (side.have < size) return;
      side.have = 0;
      if (!this.pdu(isOrig, side.buf!, 0, size)) return this.fail(side, null);
    }
  }

  /** BinPAC's &enforce checks of the header: protocol id 0, length at least 2. */
  private checkHeader(d: Uint8Array, at: number): string | null {
    if (u16(d, at + 2) !== 0) return enforce("ModbusTCP_TransportHeader:pid");
    if (u16(d, at + 4) < 2) return enforce("ModbusTCP_TransportHeader:len");
    return null;
  }

  /**
   * modbus_message, once a PDU's header is in: BinPAC parses the header to
   * learn the PDU's length, before the rest has arrived.
   */
  private message(isOrig: boolean, d: Uint8Array, at: number): void {
    if (this.host.wants("modbus_message")) this.host.raise("modbus_message", this.host.conn(), headerOf(d, at), isOrig);
  }

  /**
   * A parse failure: the side's buffer dropped (BinPAC's DiscardData). A bad
   * header is a violation while the protocol is unconfirmed; Zeek's runs in
   * the corpus report none once it is confirmed, nor for bodies that fail.
   */
  private fail(side: Side, reason: string | null): void {
    if (reason !== null && !this.host.confirmed) this.host.violation(reason);
    side.have = 0;
  }

  /**
   * Zeek's value checks (odd register byte counts, coil values): the event is
   * not raised. Zeek reports them as violations, but its runs on the corpus
   * show none, so they are kept here rather than reported.
   */
  private invalid(reason: string): void {
    this.bodyError = reason;
  }

  /** One whole PDU in d[at, end): false when its body did not parse. */
  private pdu(isOrig: boolean, d: Uint8Array, at: number, end: number): boolean {
    const host = this.host;
    const fc = d[at + 7]!;
    let headers: ModbusHeaders | undefined;
    const hdr = (): ModbusHeaders => (headers ??= headerOf(d, at));
    const err = isOrig ? this.request(fc, hdr, d, at + HEADER_LEN, end) : this.response(fc, hdr, d, at + HEADER_LEN, end);
    if (err !== null) {
      // Not reported: Zeek's runs show no violation for a body cut short (the PDU is dropped unconfirmed).
      this.bodyError = err;
      return false;
    }
    // Zeek confirms at the first PDU parsed whole.
    if (!host.confirmed) host.confirm();
    return true;
  }

  /** A request body in d[p, end): an error text when it is cut short. */
  private request(fc: number, hdr: () => ModbusHeaders, d: Uint8Array, p: number, end: number): string | null {
    const host = this.host;
    const have = end - p;
    switch (fc) {
      case READ_COILS:
      case READ_DISCRETE_INPUTS:
      case READ_HOLDING_REGISTERS:
      case READ_INPUT_REGISTERS: {
        const type = ["ReadCoilsRequest", "ReadDiscreteInputsRequest", "ReadHoldingRegistersRequest", "ReadInputRegistersRequest"][fc - 1]!;
        if (have < 4) return outOfBound(`${type}:${have < 2 ? "start_address" : "quantity"}`, have < 2 ? 2 : 4, have);
        const ev = (
          [
            "modbus_read_coils_request",
            "modbus_read_discrete_inputs_request",
            "modbus_read_holding_registers_request",
            "modbus_read_input_registers_request",
          ] as const
        )[fc - 1]!;
        if (host.wants(ev)) host.raise(ev, host.conn(), hdr(), u16(d, p), u16(d, p + 2));
        return null;
      }
      case WRITE_SINGLE_COIL: {
        if (have < 4) return outOfBound(`WriteSingleCoilRequest:${have < 2 ? "address" : "value"}`, have < 2 ? 2 : 4, have);
        if (host.wants("modbus_write_single_coil_request")) {
          const v = u16(d, p + 2);
          if (v !== 0 && v !== 0xff00) {
            this.invalid(`invalid value for modbus write single coil request ${v}`);
            return null;
          }
          host.raise("modbus_write_single_coil_request", host.conn(), hdr(), u16(d, p), v === 0xff00);
        }
        return null;
      }
      case WRITE_SINGLE_REGISTER:
        if (have < 4) return outOfBound(`WriteSingleRegisterRequest:${have < 2 ? "address" : "value"}`, have < 2 ? 2 : 4, have);
        if (host.wants("modbus_write_single_register_request"))
          host.raise("modbus_write_single_register_request", host.conn(), hdr(), u16(d, p), u16(d, p + 2));
        return null;
      case DIAGNOSTICS:
        if (have < 2) return outOfBound("DiagnosticsRequest:subfunction", 2, have);
        if (host.wants("modbus_diagnostics_request")) this.diagnosticsRequest(hdr, d, p, end);
        return null;
      case WRITE_MULTIPLE_COILS: {
        if (have < 5) return outOfBound("WriteMultipleCoilsRequest:byte_count", 5, have);
        const count = d[p + 4]!;
        if (have < 5 + count) return outOfBound("WriteMultipleCoilsRequest:coils", 5 + count, have);
        if (host.wants("modbus_write_multiple_coils_request"))
          host.raise("modbus_write_multiple_coils_request", host.conn(), hdr(), u16(d, p), coils(d, p + 5, count, u16(d, p + 2)));
        return null;
      }
      case WRITE_MULTIPLE_REGISTERS: {
        if (have < 5) return outOfBound("WriteMultipleRegistersRequest:byte_count", 5, have);
        const quantity = u16(d, p + 2);
        const count = d[p + 4]!;
        // BinPAC bounds each element by the array's &length (the byte count) too.
        const need = 5 + Math.max(count, quantity * 2);
        if (have < need || quantity * 2 > count) return outOfBound("WriteMultipleRegistersRequest:registers", need, Math.min(have, 5 + count));
        if (count % 2 !== 0) {
          this.invalid(`invalid value for modbus write multiple registers request byte count ${count}`);
          return null;
        }
        if (host.wants("modbus_write_multiple_registers_request"))
          host.raise("modbus_write_multiple_registers_request", host.conn(), hdr(), u16(d, p), registers(d, p + 5, quantity));
        return null;
      }
      case READ_FILE_RECORD: {
        if (have < 1) return outOfBound("ReadFileRecordRequest:byte_count", 1, have);
        const count = d[p]!;
        if (have < 1 + count) return outOfBound("ReadFileRecordRequest:references", 1 + count, have);
        const refs: ModbusFileRecordRequest[] = [];
        let q = p + 1;
        const stop = q + count;
        while (q < stop) {
          if (stop - q < 7) return outOfBound("FileRecordRequest:record_len", 7, stop - q);
          refs.push({ ref_type: d[q]!, file_num: u16(d, q + 1), record_num: u16(d, q + 3), record_len: u16(d, q + 5) });
          q += 7;
        }
        if (host.wants("modbus_read_file_record_request")) host.raise("modbus_read_file_record_request", host.conn(), hdr(), count, refs);
        return null;
      }
      case WRITE_FILE_RECORD:
        return this.fileReferences("WriteFileRecordRequest", "modbus_write_file_record_request", hdr, d, p, end);
      case MASK_WRITE_REGISTER:
        if (have < 6) return outOfBound("MaskWriteRegisterRequest:or_mask", 6, have);
        if (host.wants("modbus_mask_write_register_request"))
          host.raise("modbus_mask_write_register_request", host.conn(), hdr(), u16(d, p), u16(d, p + 2), u16(d, p + 4));
        return null;
      case READ_WRITE_MULTIPLE_REGISTERS: {
        if (have < 9) return outOfBound("ReadWriteMultipleRegistersRequest:write_byte_count", 9, have);
        const quantity = u16(d, p + 6);
        const count = d[p + 8]!;
        const need = 9 + Math.max(count, quantity * 2);
        if (have < need || quantity * 2 > count) return outOfBound("ReadWriteMultipleRegistersRequest:write_register_values", need, Math.min(have, 9 + count));
        if (count % 2 !== 0) {
          this.invalid(`invalid value for modbus read write multiple registers request write byte count ${count}`);
          return null;
        }
        if (host.wants("modbus_read_write_multiple_registers_request")) {
          host.raise(
            "modbus_read_write_multiple_registers_request",
            host.conn(),
            hdr(),
            u16(d, p),
            u16(d, p + 2),
            u16(d, p + 4),
            registers(d, p + 9, quantity),
          );
        }
        return null;
      }
      case READ_FIFO_QUEUE:
        if (have < 2) return outOfBound("ReadFIFOQueueRequest:start_address", 2, have);
        if (host.wants("modbus_read_fifo_queue_request")) host.raise("modbus_read_fifo_queue_request", host.conn(), hdr(), u16(d, p));
        return null;
      case ENCAP_INTERFACE_TRANSPORT:
        if (have < 1) return outOfBound("EncapInterfaceTransportRequest:mei_type", 1, have);
        if (host.wants("modbus_encap_interface_transport_request")) {
          host.raise("modbus_encap_interface_transport_request", host.conn(), hdr(), d[p]!, latin1(d.subarray(p + 1, end)));
        }
        return null;
      default:
        return null;
    }
  }

  /** The checks Zeek makes on a diagnostics request's data (weirds), then its event. */
  private diagnosticsRequest(hdr: () => ModbusHeaders, d: Uint8Array, p: number, end: number): void {
    const host = this.host;
    const sub = u16(d, p);
    const data = d.subarray(p + 2, end);
    const text = latin1(data);
    const n = data.length;
    if (n < 2 || n % 2 !== 0 || (sub !== 0 && n !== 2)) {
      host.weird("modbus_diag_invalid_request_data", text, "");
      return;
    }
    if (sub === 0x01) {
      if ((data[0] !== 0 && data[0] !== 0xff) || data[1] !== 0) host.weird("modbus_diag_invalid_request_data", text, "");
    } else if (ZERO_DATA_SUBFUNCTIONS.has(sub)) {
      if (data[0] !== 0 || data[1] !== 0) host.weird("modbus_diag_invalid_request_data", text, "");
    } else if (sub === 0x03) {
      if (data[0]! > 0x7f || data[1] !== 0) host.weird("modbus_diag_invalid_request_data", text, "");
    } else if (sub !== 0) {
      host.weird("modbus_diag_unknown_request_subfunction", String(sub), "");
    }
    host.raise("modbus_diagnostics_request", host.conn(), hdr(), sub, text);
  }

  /** Write file record request and response: a byte count, then references with their data. */
  private fileReferences(
    type: string,
    ev: "modbus_write_file_record_request" | "modbus_write_file_record_response",
    hdr: () => ModbusHeaders,
    d: Uint8Array,
    p: number,
    end: number,
  ): string | null {
    const have = end - p;
    if (have < 1) return outOfBound(`${type}:byte_count`, 1, have);
    const count = d[p]!;
    if (have < 1 + count) return outOfBound(`${type}:references`, 1 + count, have);
    const refs: ModbusFileReference[] = [];
    let q = p + 1;
    const stop = q + count;
    while (q < stop) {
      if (stop - q < 7) return outOfBound("ReferenceWithData:record_length", 7, stop - q);
      const len = u16(d, q + 5) * 2;
      if (stop - q < 7 + len) return outOfBound("ReferenceWithData:record_data", 7 + len, stop - q);
      refs.push({
        ref_type: d[q]!,
        file_num: u16(d, q + 1),
        record_num: u16(d, q + 3),
        record_len: len / 2,
        record_data: latin1(d.subarray(q + 7, q + 7 + len)),
      });
      q += 7 + len;
    }
    if (this.host.wants(ev)) this.host.raise(ev, this.host.conn(), hdr(), count, refs);
    return null;
  }

  /** A response body in d[p, end). */
  private response(fc: number, hdr: () => ModbusHeaders, d: Uint8Array, p: number, end: number): string | null {
    const host = this.host;
    const have = end - p;
    if (fc & 0x80) {
      if (have < 1) return outOfBound("ModbusTCP_ExceptResponse:code", 1, have);
      if (host.wants("modbus_exception")) host.raise("modbus_exception", host.conn(), hdr(), d[p]!);
      return null;
    }
    switch (fc) {
      case READ_COILS:
      case READ_DISCRETE_INPUTS: {
        const type = fc === READ_COILS ? "ReadCoilsResponse" : "ReadDiscreteInputsResponse";
        if (have < 1) return outOfBound(`${type}:byte_count`, 1, have);
        const count = d[p]!;
        if (have < 1 + count) return outOfBound(`${type}:bits`, 1 + count, have);
        const ev = fc === READ_COILS ? "modbus_read_coils_response" : "modbus_read_discrete_inputs_response";
        if (host.wants(ev)) host.raise(ev, host.conn(), hdr(), coils(d, p + 1, count, count * 8));
        return null;
      }
      case READ_HOLDING_REGISTERS:
      case READ_INPUT_REGISTERS:
      case READ_WRITE_MULTIPLE_REGISTERS: {
        const type =
          fc === READ_HOLDING_REGISTERS
            ? "ReadHoldingRegistersResponse"
            : fc === READ_INPUT_REGISTERS
              ? "ReadInputRegistersResponse"
              : "ReadWriteMultipleRegistersResponse";
        if (have < 1) return outOfBound(`${type}:byte_count`, 1, have);
        const count = d[p]!;
        if (have < 1 + count) return outOfBound(`${type}:registers`, 1 + count, have);
        if (count % 2 !== 0) {
          const what =
            fc === READ_HOLDING_REGISTERS
              ? "read holding register response byte count"
              : fc === READ_INPUT_REGISTERS
                ? "read input register response byte count"
                : "read write multiple registers response byte count";
          this.invalid(`invalid value for modbus ${what} ${count}`);
          return null;
        }
        const ev =
          fc === READ_HOLDING_REGISTERS
            ? "modbus_read_holding_registers_response"
            : fc === READ_INPUT_REGISTERS
              ? "modbus_read_input_registers_response"
              : "modbus_read_write_multiple_registers_response";
        if (host.wants(ev)) host.raise(ev, host.conn(), hdr(), registers(d, p + 1, count >> 1));
        return null;
      }
      case WRITE_SINGLE_COIL: {
        if (have < 4) return outOfBound(`WriteSingleCoilResponse:${have < 2 ? "address" : "value"}`, have < 2 ? 2 : 4, have);
        if (host.wants("modbus_write_single_coil_response")) {
          const v = u16(d, p + 2);
          if (v !== 0 && v !== 0xff00) {
            this.invalid(`invalid value for modbus write single coil response ${v}`);
            return null;
          }
          host.raise("modbus_write_single_coil_response", host.conn(), hdr(), u16(d, p), v === 0xff00);
        }
        return null;
      }
      case WRITE_SINGLE_REGISTER:
        if (have < 4) return outOfBound(`WriteSingleRegisterResponse:${have < 2 ? "address" : "value"}`, have < 2 ? 2 : 4, have);
        if (host.wants("modbus_write_single_register_response"))
          host.raise("modbus_write_single_register_response", host.conn(), hdr(), u16(d, p), u16(d, p + 2));
        return null;
      case DIAGNOSTICS:
        if (have < 2) return outOfBound("DiagnosticsResponse:subfunction", 2, have);
        if (host.wants("modbus_diagnostics_response")) host.raise("modbus_diagnostics_response", host.conn(), hdr(), u16(d, p), latin1(d.subarray(p + 2, end)));
        return null;
      case WRITE_MULTIPLE_COILS:
      case WRITE_MULTIPLE_REGISTERS: {
        const type = fc === WRITE_MULTIPLE_COILS ? "WriteMultipleCoilsResponse" : "WriteMultipleRegistersResponse";
        if (have < 4) return outOfBound(`${type}:${have < 2 ? "start_address" : "quantity"}`, have < 2 ? 2 : 4, have);
        const ev = fc === WRITE_MULTIPLE_COILS ? "modbus_write_multiple_coils_response" : "modbus_write_multiple_registers_response";
        if (host.wants(ev)) host.raise(ev, host.conn(), hdr(), u16(d, p), u16(d, p + 2));
        return null;
      }
      case READ_FILE_RECORD: {
        if (have < 1) return outOfBound("ReadFileRecordResponse:byte_count", 1, have);
        const count = d[p]!;
        if (have < 1 + count) return outOfBound("ReadFileRecordResponse:references", 1 + count, have);
        const refs: ModbusFileRecordResponse[] = [];
        let q = p + 1;
        const stop = q + count;
        while (q < stop) {
          if (stop - q < 2) return outOfBound("FileRecordResponse:ref_type", 2, stop - q);
          const len = d[q]!;
          if (stop - q < 2 + len) return outOfBound("FileRecordResponse:record_data", 2 + len, stop - q);
          refs.push({ file_len: len, ref_type: d[q + 1]!, record_data: latin1(d.subarray(q + 2, q + 2 + len)) });
          q += 2 + len;
        }
        if (host.wants("modbus_read_file_record_response")) host.raise("modbus_read_file_record_response", host.conn(), hdr(), count, refs);
        return null;
      }
      case WRITE_FILE_RECORD:
        return this.fileReferences("WriteFileRecordResponse", "modbus_write_file_record_response", hdr, d, p, end);
      case MASK_WRITE_REGISTER:
        if (have < 6) return outOfBound("MaskWriteRegisterResponse:or_mask", 6, have);
        if (host.wants("modbus_mask_write_register_response"))
          host.raise("modbus_mask_write_register_response", host.conn(), hdr(), u16(d, p), u16(d, p + 2), u16(d, p + 4));
        return null;
      case READ_FIFO_QUEUE: {
        if (have < 4) return outOfBound("ReadFIFOQueueResponse:fifo_count", 4, have);
        const fifos = u16(d, p + 2);
        if (have < 4 + fifos * 2) return outOfBound("ReadFIFOQueueResponse:register_data", 4 + fifos * 2, have);
        const count = u16(d, p);
        if (count % 2 !== 0) {
          this.invalid(`invalid value for modbus read FIFO queue response byte count ${count}`);
          return null;
        }
        if (host.wants("modbus_read_fifo_queue_response")) host.raise("modbus_read_fifo_queue_response", host.conn(), hdr(), registers(d, p + 4, fifos));
        return null;
      }
      case ENCAP_INTERFACE_TRANSPORT:
        if (have < 1) return outOfBound("EncapInterfaceTransportResponse:mei_type", 1, have);
        if (host.wants("modbus_encap_interface_transport_response")) {
          host.raise("modbus_encap_interface_transport_response", host.conn(), hdr(), d[p]!, latin1(d.subarray(p + 1, end)));
        }
        return null;
      default:
        return null;
    }
  }

  undelivered(): void {
    // BinPAC's flow buffer keeps filling the PDU it waits for with the bytes after a hole.
  }

  endOfData(): void {}

  done(): void {
    this.sides[0]!.buf = null;
    this.sides[1]!.buf = null;
  }
}

/** Zeek's MODBUS analyzer on 502/tcp (base/protocols/modbus registers the port; there is no DPD signature). */
export const MODBUS: AnalyzerComponent = {
  name: "MODBUS",
  script: "base/protocols/modbus",
  tcpPorts: [502],
  stream: (host) => new ModbusAnalyzer(host),
};
