#!/usr/bin/env node

/**
 * The `bronze` command (dist/bronze.js): starts the command line's bundle,
 * dist/bronze-cli.cjs beside it, from V8's code cache (compile-cache.ts).
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startCli } from "./compile-cache.js";

// User scripts and the optional packages load through this module's import(): see dynamic-import.ts.
startCli(dirname(fileURLToPath(import.meta.url)), (specifier) => import(specifier));
