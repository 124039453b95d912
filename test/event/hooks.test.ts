/** Zeek's script hooks (src/event/hooks.ts): priority order, `break`, and a call with no handler. */
import assert from "node:assert/strict";
import { test } from "node:test";
import "../../src/analyzer/app/http/script.js";
import { Hooks } from "../../src/event/hooks.js";
import type { FaFile } from "../../src/files/file.js";

const FILE = {} as FaFile;

test("a hook with no handler is true, as Zeek's `hook` expression", () => {
  assert.equal(new Hooks().run("HTTP::max_files_policy", FILE, true), true);
});

test("handlers run highest priority first, equal ones in the order added", () => {
  const hooks = new Hooks();
  const ran: string[] = [];
  hooks.on("HTTP::max_files_policy", () => void ran.push("a"));
  hooks.on("HTTP::max_files_policy", () => void ran.push("high"), 5);
  hooks.on("HTTP::max_files_policy", () => void ran.push("b"));
  hooks.on("HTTP::max_files_policy", () => void ran.push("low"), -5);
  assert.equal(hooks.run("HTTP::max_files_policy", FILE, false), true);
  assert.deepEqual(ran, ["high", "a", "b", "low"]);
});

test("a break (false) ends the hook: later handlers do not run and the call is false", () => {
  const hooks = new Hooks();
  const ran: string[] = [];
  hooks.on("HTTP::max_files_policy", () => {
    ran.push("breaks");
    return false;
  });
  hooks.on("HTTP::max_files_policy", () => void ran.push("never"), -1);
  assert.equal(hooks.run("HTTP::max_files_policy", FILE, true), false);
  assert.deepEqual(ran, ["breaks"]);
});
