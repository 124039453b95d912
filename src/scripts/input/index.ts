/**
 * Zeek's Input framework (base/frameworks/input): tables and events read
 * from files, for scripts (`context.input`).
 */
export { INPUT_SCRIPT, type InputDeps, type InputEndOfDataHandler, InputFramework, type InputProcessFinishedHandler, inputFramework } from "./framework.js";
export { printValue } from "./print.js";
export { InputTable, type InputTableEntry } from "./table.js";
export {
  type AnalysisDescription,
  type EventDescription,
  type EventStreamHandler,
  type InputContainerType,
  type InputErrorHandler,
  type InputErrorLevel,
  type InputEventType,
  type InputFieldShorthand,
  type InputFieldSpec,
  type InputFieldType,
  type InputMode,
  InputPattern,
  type InputReader,
  type InputRecord,
  type InputRecordType,
  type InputScalar,
  type InputScalarType,
  type InputValue,
  inputRecord,
  type TableDescription,
  type TableEventHandler,
  type TablePredicate,
} from "./types.js";
