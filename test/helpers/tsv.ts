/**
 * A Zeek-format TSV log read back as objects by column name (the `#fields`
 * header names the columns; other `#` lines are skipped), for tests that
 * check what bronze wrote to a log directory.
 */
import { readFileSync } from "node:fs";

export function logRows(path: string): Record<string, string>[] {
  return logRecords(readFileSync(path, "utf8"));
}

/** A log's text as one object per row, by column name ("" for a log never written: none). */
export function logRecords(text: string): Record<string, string>[] {
  const { fields, rows } = parseLogText(text);
  return rows.map((row) => Object.fromEntries(row.map((v, i) => [fields[i]!, v])));
}

/** A log's text (a file's, or a memory log's) as its column names and its rows of cells. */
export function parseLogText(text: string): { fields: string[]; rows: string[][] } {
  const lines = text.split("\n");
  const fields =
    lines
      .find((l) => l.startsWith("#fields\t"))
      ?.split("\t")
      .slice(1) ?? [];
  return { fields, rows: lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split("\t")) };
}
