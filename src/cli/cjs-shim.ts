/**
 * Injected into the command line's CommonJS bundle (package.json's "bundle"
 * script) to stand for `import.meta.url`, which CommonJS has not: the URL of
 * the bundle file, so that code finding the package's folder or loading an
 * optional package from it (package-root.ts, the pcap binding) works as in
 * the ES modules.
 */
import { pathToFileURL } from "node:url";

export const bundleModuleUrl = pathToFileURL(__filename).href;
