/**
 * The Modbus events, with Zeek's names and arguments (Zeek's modbus
 * events.bif; the record types of init-bare.zeek). Strings hold one byte per
 * character (latin1), as the wire carried them.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";

/** Zeek's ModbusHeaders: the MBAP header and the function code. */
export interface ModbusHeaders {
  /** Transaction identifier. */
  tid: number;
  /** Protocol identifier (always 0: anything else is a violation). */
  pid: number;
  /** Unit identifier (previously 'slave address'). */
  uid: number;
  function_code: number;
  /** Length of what follows the length field (the unit id, the function code and the data). */
  len: number;
}

/** Zeek's ModbusFileRecordRequest. */
export interface ModbusFileRecordRequest {
  ref_type: number;
  file_num: number;
  record_num: number;
  record_len: number;
}

/** Zeek's ModbusFileRecordResponse. */
export interface ModbusFileRecordResponse {
  file_len: number;
  ref_type: number;
  record_data: string;
}

/** Zeek's ModbusFileReference. */
export interface ModbusFileReference {
  ref_type: number;
  file_num: number;
  record_num: number;
  record_len: number;
  record_data: string;
}

export interface ModbusEvents {
  /** Every PDU with a well-formed header, before its body is parsed. */
  modbus_message: [c: Connection, headers: ModbusHeaders, is_orig: boolean];
  /** A response whose function code has the exception bit (0x80): its exception code. */
  modbus_exception: [c: Connection, headers: ModbusHeaders, code: number];
  modbus_read_coils_request: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_read_coils_response: [c: Connection, headers: ModbusHeaders, coils: boolean[]];
  modbus_read_discrete_inputs_request: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_read_discrete_inputs_response: [c: Connection, headers: ModbusHeaders, coils: boolean[]];
  modbus_read_holding_registers_request: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_read_holding_registers_response: [c: Connection, headers: ModbusHeaders, registers: number[]];
  modbus_read_input_registers_request: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_read_input_registers_response: [c: Connection, headers: ModbusHeaders, registers: number[]];
  modbus_write_single_coil_request: [c: Connection, headers: ModbusHeaders, address: number, value: boolean];
  modbus_write_single_coil_response: [c: Connection, headers: ModbusHeaders, address: number, value: boolean];
  modbus_write_single_register_request: [c: Connection, headers: ModbusHeaders, address: number, value: number];
  modbus_write_single_register_response: [c: Connection, headers: ModbusHeaders, address: number, value: number];
  modbus_write_multiple_coils_request: [c: Connection, headers: ModbusHeaders, start_address: number, coils: boolean[]];
  modbus_write_multiple_coils_response: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_write_multiple_registers_request: [c: Connection, headers: ModbusHeaders, start_address: number, registers: number[]];
  modbus_write_multiple_registers_response: [c: Connection, headers: ModbusHeaders, start_address: number, quantity: number];
  modbus_read_file_record_request: [c: Connection, headers: ModbusHeaders, byte_count: number, refs: ModbusFileRecordRequest[]];
  modbus_read_file_record_response: [c: Connection, headers: ModbusHeaders, byte_count: number, refs: ModbusFileRecordResponse[]];
  modbus_write_file_record_request: [c: Connection, headers: ModbusHeaders, byte_count: number, refs: ModbusFileReference[]];
  modbus_write_file_record_response: [c: Connection, headers: ModbusHeaders, byte_count: number, refs: ModbusFileReference[]];
  modbus_mask_write_register_request: [c: Connection, headers: ModbusHeaders, address: number, and_mask: number, or_mask: number];
  modbus_mask_write_register_response: [c: Connection, headers: ModbusHeaders, address: number, and_mask: number, or_mask: number];
  modbus_read_write_multiple_registers_request: [
    c: Connection,
    headers: ModbusHeaders,
    read_start_address: number,
    read_quantity: number,
    write_start_address: number,
    write_registers: number[],
  ];
  modbus_read_write_multiple_registers_response: [c: Connection, headers: ModbusHeaders, written_registers: number[]];
  modbus_read_fifo_queue_request: [c: Connection, headers: ModbusHeaders, start_address: number];
  modbus_read_fifo_queue_response: [c: Connection, headers: ModbusHeaders, fifos: number[]];
  modbus_diagnostics_request: [c: Connection, headers: ModbusHeaders, subfunction: number, data: string];
  modbus_diagnostics_response: [c: Connection, headers: ModbusHeaders, subfunction: number, data: string];
  modbus_encap_interface_transport_request: [c: Connection, headers: ModbusHeaders, mei_type: number, data: string];
  modbus_encap_interface_transport_response: [c: Connection, headers: ModbusHeaders, mei_type: number, data: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends ModbusEvents {}
}

registerEvents<ModbusEvents>({
  modbus_message: true,
  modbus_exception: true,
  modbus_read_coils_request: true,
  modbus_read_coils_response: true,
  modbus_read_discrete_inputs_request: true,
  modbus_read_discrete_inputs_response: true,
  modbus_read_holding_registers_request: true,
  modbus_read_holding_registers_response: true,
  modbus_read_input_registers_request: true,
  modbus_read_input_registers_response: true,
  modbus_write_single_coil_request: true,
  modbus_write_single_coil_response: true,
  modbus_write_single_register_request: true,
  modbus_write_single_register_response: true,
  modbus_write_multiple_coils_request: true,
  modbus_write_multiple_coils_response: true,
  modbus_write_multiple_registers_request: true,
  modbus_write_multiple_registers_response: true,
  modbus_read_file_record_request: true,
  modbus_read_file_record_response: true,
  modbus_write_file_record_request: true,
  modbus_write_file_record_response: true,
  modbus_mask_write_register_request: true,
  modbus_mask_write_register_response: true,
  modbus_read_write_multiple_registers_request: true,
  modbus_read_write_multiple_registers_response: true,
  modbus_read_fifo_queue_request: true,
  modbus_read_fifo_queue_response: true,
  modbus_diagnostics_request: true,
  modbus_diagnostics_response: true,
  modbus_encap_interface_transport_request: true,
  modbus_encap_interface_transport_response: true,
});
