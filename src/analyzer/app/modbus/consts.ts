/** Zeek's base/protocols/modbus/consts.zeek: the names modbus.log writes. */

/** Modbus::function_codes. */
export const FUNCTION_CODES: ReadonlyMap<number, string> = new Map([
  [0x01, "READ_COILS"],
  [0x02, "READ_DISCRETE_INPUTS"],
  [0x03, "READ_HOLDING_REGISTERS"],
  [0x04, "READ_INPUT_REGISTERS"],
  [0x05, "WRITE_SINGLE_COIL"],
  [0x06, "WRITE_SINGLE_REGISTER"],
  [0x07, "READ_EXCEPTION_STATUS"],
  [0x08, "DIAGNOSTICS"],
  [0x0b, "GET_COMM_EVENT_COUNTER"],
  [0x0c, "GET_COMM_EVENT_LOG"],
  [0x0f, "WRITE_MULTIPLE_COILS"],
  [0x10, "WRITE_MULTIPLE_REGISTERS"],
  [0x11, "REPORT_SLAVE_ID"],
  [0x14, "READ_FILE_RECORD"],
  [0x15, "WRITE_FILE_RECORD"],
  [0x16, "MASK_WRITE_REGISTER"],
  [0x17, "READ_WRITE_MULTIPLE_REGISTERS"],
  [0x18, "READ_FIFO_QUEUE"],
  [0x2b, "ENCAP_INTERFACE_TRANSPORT"],
  [0x5b, "OBJECT_MESSAGING"],
  [0x09, "PROGRAM_484"],
  [0x0a, "POLL_484"],
  [0x0d, "PROGRAM_584_984"],
  [0x0e, "POLL_584_984"],
  [0x12, "PROGRAM_884_U84"],
  [0x13, "RESET_COMM_LINK_884_U84"],
  [0x28, "PROGRAM_CONCEPT"],
  [0x29, "MULTIPLE_FUNCTION_CODES"],
  [0x5a, "PROGRAM_UNITY"],
  [0x7d, "FIRMWARE_REPLACEMENT"],
  [0x7e, "PROGRAM_584_984_2"],
  [0x7f, "REPORT_LOCAL_ADDRESS"],
]);

/** Modbus::exception_codes. */
export const EXCEPTION_CODES: ReadonlyMap<number, string> = new Map([
  [0x01, "ILLEGAL_FUNCTION"],
  [0x02, "ILLEGAL_DATA_ADDRESS"],
  [0x03, "ILLEGAL_DATA_VALUE"],
  [0x04, "SLAVE_DEVICE_FAILURE"],
  [0x05, "ACKNOWLEDGE"],
  [0x06, "SLAVE_DEVICE_BUSY"],
  [0x08, "MEMORY_PARITY_ERROR"],
  [0x0a, "GATEWAY_PATH_UNAVAILABLE"],
  [0x0b, "GATEWAY_TARGET_DEVICE_FAILED_TO_RESPOND"],
]);

/** The tables' &default: "unknown-N". */
export function codeName(table: ReadonlyMap<number, string>, code: number): string {
  return table.get(code) ?? `unknown-${code}`;
}

/** Modbus::build_func: a known code's name, else the masked code's name with _EXCEPTION for exception responses. */
export function functionName(fc: number): string {
  const masked = fc & 0x7f;
  if (FUNCTION_CODES.has(fc) || !FUNCTION_CODES.has(masked)) return codeName(FUNCTION_CODES, fc);
  return fc & 0x80 ? `${FUNCTION_CODES.get(masked)!}_EXCEPTION` : FUNCTION_CODES.get(masked)!;
}
