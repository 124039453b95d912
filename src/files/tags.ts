/**
 * Zeek 9.1's file analyzers (Files::Tag without "Files::ANALYZER_"): the
 * values a file analyzer has where a setting takes any analyzer's tag
 * (Analyzer::disabled_analyzers is a set[AllAnalyzers::Tag]). Bronze has
 * each of them.
 */
export const ZEEK_FILE_ANALYZER_TAGS: readonly string[] = [
  "DATA_EVENT",
  "ENTROPY",
  "EXTRACT",
  "MD5",
  "OCSP_REPLY",
  "OCSP_REQUEST",
  "PE",
  "SHA1",
  "SHA224",
  "SHA256",
  "SHA384",
  "SHA512",
  "X509",
  "ZIP",
];

/** The module of file analyzers' tags, as Zeek names them (Files::ANALYZER_PE). */
export const FILE_ANALYZER_MODULE = "Files::";

/** The file analyzer a tag names ("Files::ANALYZER_PE": "PE"), or null when it is not a file analyzer's tag. */
export function fileAnalyzerName(tag: string): string | null {
  const m = /^Files::ANALYZER_(\w+)$/i.exec(tag);
  return m === null ? null : m[1]!.toUpperCase();
}
