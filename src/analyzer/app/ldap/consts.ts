/**
 * The LDAP analyzer's enums as Zeek names their values (the Spicy enums of
 * ldap.spicy become Zeek enums `LDAP::ProtocolOpcode_BIND_REQUEST`, …) and
 * base/protocols/ldap/consts.zeek's tables of the words ldap.log writes.
 */

/** How Zeek prints an enum value without a label (a number the Spicy enum does not name). */
export const UNDEFINED_ENUM = "<undefined>";

/** A Spicy enum as Zeek sees it: `LDAP::<Type>_<LABEL>`, `LDAP::<Type>_Undef` when unset, "<undefined>" for a value without label. */
function enumNamer(type: string, labels: ReadonlyMap<number, string>): (n: number | null) => string {
  return (n) => {
    if (n === null) return `LDAP::${type}_Undef`;
    const label = labels.get(n);
    return label === undefined ? UNDEFINED_ENUM : `LDAP::${type}_${label}`;
  };
}

const OPCODE_LABELS = new Map<number, string>([
  [0, "BIND_REQUEST"],
  [1, "BIND_RESPONSE"],
  [2, "UNBIND_REQUEST"],
  [3, "SEARCH_REQUEST"],
  [4, "SEARCH_RESULT_ENTRY"],
  [5, "SEARCH_RESULT_DONE"],
  [6, "MODIFY_REQUEST"],
  [7, "MODIFY_RESPONSE"],
  [8, "ADD_REQUEST"],
  [9, "ADD_RESPONSE"],
  [10, "DEL_REQUEST"],
  [11, "DEL_RESPONSE"],
  [12, "MOD_DN_REQUEST"],
  [13, "MOD_DN_RESPONSE"],
  [14, "COMPARE_REQUEST"],
  [15, "COMPARE_RESPONSE"],
  [16, "ABANDON_REQUEST"],
  [19, "SEARCH_RESULT_REFERENCE"],
  [23, "EXTENDED_REQUEST"],
  [24, "EXTENDED_RESPONSE"],
  [25, "INTERMEDIATE_RESPONSE"],
]);

/** The protocolOp numbers (application tag numbers) the analyzer names. */
export const Op = {
  BIND_REQUEST: 0,
  BIND_RESPONSE: 1,
  UNBIND_REQUEST: 2,
  SEARCH_REQUEST: 3,
  SEARCH_RESULT_ENTRY: 4,
  SEARCH_RESULT_DONE: 5,
  MODIFY_REQUEST: 6,
  MODIFY_RESPONSE: 7,
  ADD_REQUEST: 8,
  ADD_RESPONSE: 9,
  DEL_REQUEST: 10,
  DEL_RESPONSE: 11,
  MOD_DN_REQUEST: 12,
  MOD_DN_RESPONSE: 13,
  COMPARE_REQUEST: 14,
  COMPARE_RESPONSE: 15,
  ABANDON_REQUEST: 16,
  SEARCH_RESULT_REFERENCE: 19,
  EXTENDED_REQUEST: 23,
  EXTENDED_RESPONSE: 24,
  INTERMEDIATE_RESPONSE: 25,
} as const;

export const opcodeName = enumNamer("ProtocolOpcode", OPCODE_LABELS);

const RESULT_LABELS = new Map<number, readonly [string, string]>([
  [0, ["SUCCESS", "success"]],
  [1, ["OPERATIONS_ERROR", "operations error"]],
  [2, ["PROTOCOL_ERROR", "protocol error"]],
  [3, ["TIME_LIMIT_EXCEEDED", "time limit exceeded"]],
  [4, ["SIZE_LIMIT_EXCEEDED", "size limit exceeded"]],
  [5, ["COMPARE_FALSE", "compare false"]],
  [6, ["COMPARE_TRUE", "compare true"]],
  [7, ["AUTH_METHOD_NOT_SUPPORTED", "auth method not supported"]],
  [8, ["STRONGER_AUTH_REQUIRED", "stronger auth required"]],
  [9, ["PARTIAL_RESULTS", "partial results"]],
  [10, ["REFERRAL", "referral"]],
  [11, ["ADMIN_LIMIT_EXCEEDED", "admin limit exceeded"]],
  [12, ["UNAVAILABLE_CRITICAL_EXTENSION", "unavailable critical extension"]],
  [13, ["CONFIDENTIALITY_REQUIRED", "confidentiality required"]],
  [14, ["SASL_BIND_IN_PROGRESS", "SASL bind in progress"]],
  [16, ["NO_SUCH_ATTRIBUTE", "no such attribute"]],
  [17, ["UNDEFINED_ATTRIBUTE_TYPE", "undefined attribute type"]],
  [18, ["INAPPROPRIATE_MATCHING", "inappropriate matching"]],
  [19, ["CONSTRAINT_VIOLATION", "constraint violation"]],
  [20, ["ATTRIBUTE_OR_VALUE_EXISTS", "attribute or value exists"]],
  [21, ["INVALID_ATTRIBUTE_SYNTAX", "invalid attribute syntax"]],
  [32, ["NO_SUCH_OBJECT", "no such object"]],
  [33, ["ALIAS_PROBLEM", "alias problem"]],
  [34, ["INVALID_DNSYNTAX", "invalid DN syntax"]],
  [36, ["ALIAS_DEREFERENCING_PROBLEM", "alias dereferencing problem"]],
  [48, ["INAPPROPRIATE_AUTHENTICATION", "inappropriate authentication"]],
  [49, ["INVALID_CREDENTIALS", "invalid credentials"]],
  [50, ["INSUFFICIENT_ACCESS_RIGHTS", "insufficient access rights"]],
  [51, ["BUSY", "busy"]],
  [52, ["UNAVAILABLE", "unavailable"]],
  [53, ["UNWILLING_TO_PERFORM", "unwilling to perform"]],
  [54, ["LOOP_DETECT", "loop detect"]],
  [60, ["SORT_CONTROL_MISSING", "sort control missing"]],
  [61, ["OFFSET_RANGE_ERROR", "offset range error"]],
  [64, ["NAMING_VIOLATION", "naming violation"]],
  [65, ["OBJECT_CLASS_VIOLATION", "object class violation"]],
  [66, ["NOT_ALLOWED_ON_NON_LEAF", "not allowed on non-leaf"]],
  [67, ["NOT_ALLOWED_ON_RDN", "not allowed on RDN"]],
  [68, ["ENTRY_ALREADY_EXISTS", "entry already exists"]],
  [69, ["OBJECT_CLASS_MODS_PROHIBITED", "object class mods prohibited"]],
  [70, ["RESULTS_TOO_LARGE", "results too large"]],
  [71, ["AFFECTS_MULTIPLE_DSAS", "affects multiple DSAs"]],
  [76, ["CONTROL_ERROR", "control error"]],
  [80, ["OTHER", "other"]],
  [81, ["SERVER_DOWN", "server down"]],
  [82, ["LOCAL_ERROR", "local error"]],
  [83, ["ENCODING_ERROR", "encoding error"]],
  [84, ["DECODING_ERROR", "decoding error"]],
  [85, ["TIMEOUT", "timeout"]],
  [86, ["AUTH_UNKNOWN", "auth unknown"]],
  [87, ["FILTER_ERROR", "filter error"]],
  [88, ["USER_CANCELED", "user canceled"]],
  [89, ["PARAM_ERROR", "param error"]],
  [90, ["NO_MEMORY", "no memory"]],
  [91, ["CONNECT_ERROR", "connect error"]],
  [92, ["NOT_SUPPORTED", "not supported"]],
  [93, ["CONTROL_NOT_FOUND", "control not found"]],
  [94, ["NO_RESULTS_RETURNED", "no results returned"]],
  [95, ["MORE_RESULTS_TO_RETURN", "more results to return"]],
  [96, ["CLIENT_LOOP", "client loop"]],
  [97, ["REFERRAL_LIMIT_EXCEEDED", "referral limit exceeded"]],
  [100, ["INVALID_RESPONSE", "invalid response"]],
  [101, ["AMBIGUOUS_RESPONSE", "ambiguous response"]],
  [112, ["TLS_NOT_SUPPORTED", "TLS not supported"]],
  [113, ["INTERMEDIATE_RESPONSE", "intermediate response"]],
  [114, ["UNKNOWN_TYPE", "unknown type"]],
  [115, ["LCUP_INVALID_DATA", "LCUP invalid data"]],
  [116, ["LCUP_UNSUPPORTED_SCHEME", "LCUP unsupported scheme"]],
  [117, ["LCUP_RELOAD_REQUIRED", "LCUP reload required"]],
  [118, ["CANCELED", "canceled"]],
  [119, ["NO_SUCH_OPERATION", "no such operation"]],
  [120, ["TOO_LATE", "too late"]],
  [121, ["CANNOT_CANCEL", "cannot cancel"]],
  [122, ["ASSERTION_FAILED", "assertion failed"]],
  [123, ["AUTHORIZATION_DENIED", "authorization denied"]],
]);

export const resultName = enumNamer("ResultCode", new Map([...RESULT_LABELS].map(([n, [label]]) => [n, label])));

/** consts.zeek's RESULT_CODES, by enum name ("unknown" for others). */
const RESULT_WORDS = new Map([...RESULT_LABELS].map(([n, [, word]]) => [resultName(n), word]));
export const RESULT_UNDEF = resultName(null);
export function resultWord(result: string): string {
  return RESULT_WORDS.get(result) ?? "unknown";
}

/** consts.zeek's PROTOCOL_OPCODES, by enum name ("unknown" for others). */
const OPCODE_WORDS = new Map<string, string>(
  (
    [
      [Op.BIND_REQUEST, "bind"],
      [Op.BIND_RESPONSE, "bind"],
      [Op.UNBIND_REQUEST, "unbind"],
      [Op.SEARCH_REQUEST, "search"],
      [Op.SEARCH_RESULT_ENTRY, "search"],
      [Op.SEARCH_RESULT_DONE, "search"],
      [Op.MODIFY_REQUEST, "modify"],
      [Op.MODIFY_RESPONSE, "modify"],
      [Op.ADD_REQUEST, "add"],
      [Op.ADD_RESPONSE, "add"],
      [Op.DEL_REQUEST, "delete"],
      [Op.DEL_RESPONSE, "delete"],
      [Op.MOD_DN_REQUEST, "modify"],
      [Op.MOD_DN_RESPONSE, "modify"],
      [Op.COMPARE_REQUEST, "compare"],
      [Op.COMPARE_RESPONSE, "compare"],
      [Op.ABANDON_REQUEST, "abandon"],
      [Op.SEARCH_RESULT_REFERENCE, "search"],
      [Op.EXTENDED_REQUEST, "extended"],
      [Op.EXTENDED_RESPONSE, "extended"],
      [Op.INTERMEDIATE_RESPONSE, "intermediate"],
    ] as const
  ).map(([n, w]) => [opcodeName(n), w]),
);
export function opcodeWord(opcode: string): string {
  return OPCODE_WORDS.get(opcode) ?? "unknown";
}

/** An enum of values 0…n-1: its names, and consts.zeek's words for them ("unknown" for others). */
function countedEnum(type: string, labels: readonly (readonly [string, string])[]): { name: (n: number | null) => string; word: (name: string) => string } {
  const name = enumNamer(type, new Map(labels.map(([label], i) => [i, label])));
  const words = new Map(labels.map(([, w], i) => [name(i), w]));
  return { name, word: (n) => words.get(n) ?? "unknown" };
}

const SCOPE = countedEnum("SearchScope", [
  ["SEARCH_BASE", "base"],
  ["SEARCH_SINGLE", "single"],
  ["SEARCH_TREE", "tree"],
]);
export const scopeName = SCOPE.name;
/** consts.zeek's SEARCH_SCOPES. */
export const scopeWord = SCOPE.word;

const DEREF = countedEnum("SearchDerefAlias", [
  ["DEREF_NEVER", "never"],
  ["DEREF_IN_SEARCHING", "searching"],
  ["DEREF_FINDING_BASE", "finding"],
  ["DEREF_ALWAYS", "always"],
]);
export const derefName = DEREF.name;
/** consts.zeek's SEARCH_DEREF_ALIASES. */
export const derefWord = DEREF.word;

export const BindAuth = { SIMPLE: 0, SASL: 3, SICILY_PACKAGE_DISCOVERY: 9, SICILY_NEGOTIATE: 10, SICILY_RESPONSE: 11 } as const;
export const authTypeName = enumNamer(
  "BindAuthType",
  new Map([
    [0, "BIND_AUTH_SIMPLE"],
    [3, "BIND_AUTH_SASL"],
    [9, "SICILY_PACKAGE_DISCOVERY"],
    [10, "SICILY_NEGOTIATE"],
    [11, "SICILY_RESPONSE"],
  ]),
);

/** consts.zeek's EXTENDED_REQUESTS ("unknown" for others). */
const EXTENDED_REQUESTS = new Map([
  ["1.3.6.1.4.1.1466.20037", "StartTLS"],
  ["1.3.6.1.4.1.4203.1.11.3", "whoami"],
]);
export function extendedRequestName(oid: string): string {
  return EXTENDED_REQUESTS.get(oid) ?? "unknown";
}

/** RFC 4511 §4.14.1: the StartTLS extended request's name. */
export const STARTTLS_OID = "1.3.6.1.4.1.1466.20037";
/** 1.2.840.48018.1.2.2, Microsoft's Kerberos 5 mechanism OID. */
export const MS_KRB5_OID = "1.2.840.48018.1.2.2";
