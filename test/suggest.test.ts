import assert from "node:assert/strict";
import { test } from "node:test";
import { closestName, didYouMean, editDistance } from "../src/suggest.js";

test("edit distance counts insertions, deletions, substitutions and swaps of neighbours, and stops past its limit", () => {
  assert.equal(editDistance("tcp_attempt_delay", "tcp_attempt_delay", 2), 0);
  assert.equal(editDistance("tcp_atempt_delay", "tcp_attempt_delay", 2), 1);
  assert.equal(editDistance("--logdri", "--logdir", 2), 1);
  assert.equal(editDistance("json", "jsno", 2), 1);
  assert.equal(editDistance("abc", "xyz", 2), 3);
  assert.equal(editDistance("a", "abcdef", 2), 3);
});

test("a suggestion is the one close candidate: none when two are as close, or when nothing is within reach", () => {
  const settings = ["tcp_attempt_delay", "tcp_SYN_timeout", "udp_inactivity_timeout", "Site::local_nets"];
  assert.equal(closestName("tcp_atempt_delay", settings), "tcp_attempt_delay");
  assert.equal(closestName("tcp_syn_timeout", settings), "tcp_SYN_timeout");
  assert.equal(closestName("Site::local_net", settings), "Site::local_nets");
  assert.equal(closestName("frobnicate", settings), null);
  // "htp" is one edit from both: no guess.
  assert.equal(closestName("base/protocols/htp", ["base/protocols/http", "base/protocols/ftp"]), null);
  // Short words allow one edit only.
  assert.equal(closestName("jsn", ["json"]), "json");
  assert.equal(closestName("js", ["json"]), null);
  assert.equal(didYouMean("--jsn", ["--json", "--logdir"]), "did you mean --json? ");
  assert.equal(didYouMean("--xyz", ["--json", "--logdir"]), "");
});
