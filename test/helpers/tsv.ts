/**
 * A Zeek-format TSV log read back as objects by column name (the `#fields`
 * header names the columns; other `#` lines are skipped), for tests that
 * check what bronze wrote to a log directory.
 */
import { readFileSync } from "node:fs";

export function logRows(path: string): Record<string, string>[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const fields = lines
    .find((l) => l.startsWith("#fields\t"))!
    .split("\t")
    .slice(1);
  return lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [fields[i]!, v])));
}
