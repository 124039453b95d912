import assert from "node:assert/strict";
import { test } from "node:test";
import { policyScriptLoaded } from "../src/options.js";

test("policy scripts are found however the command line spells them, and only those", () => {
  const script = "protocols/conn/vlan-logging";
  for (const spelling of [script, `policy/${script}`, `${script}.zeek`, `policy/${script}.bro`, `${script}/main`, `policy/${script}/__load__.zeek`]) {
    assert.ok(policyScriptLoaded(["base/protocols/conn", spelling], script), spelling);
  }
  for (const other of ["protocols/conn/mac-logging", "base/protocols/conn", "policy/protocols/conn/vlan-logging-extra", "vlan-logging"]) {
    assert.ok(!policyScriptLoaded([other], script), other);
  }
});
