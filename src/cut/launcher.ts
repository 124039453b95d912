#!/usr/bin/env node

/**
 * The `bronze-cut` command (dist/bronze-cut.js): zeek-cut for bronze's logs.
 * A bundle of its own, apart from bronze's CLI, so that it starts at once.
 */
import { runCut } from "./main.js";

const write = (line: string): void => void process.stderr.write(`${line}\n`);
runCut(process.argv.slice(2), { input: process.stdin, output: process.stdout, error: write, env: process.env }).then(
  (status) => {
    process.exitCode = status;
  },
  (e: unknown) => {
    // Not expected: runCut reports what it meets; still no stack trace for a user.
    write(`bronze-cut: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
