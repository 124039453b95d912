/** The installed package's folder, found from the running module (src/, dist/src/ or the dist/bronze.js bundle). */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  root: string;
  version: string;
}

/** The nearest folder above this module whose package.json names bronze, or null. */
export function packageInfo(): PackageInfo | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "bronze") return { root: dir, version: pkg.version ?? "unknown" };
    } catch {
      // not here; look one level up
    }
  }
  return null;
}
