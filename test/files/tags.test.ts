/**
 * File analyzers' tags where a setting takes any analyzer's
 * (Analyzer::disabled_analyzers): Files::ANALYZER_<name> names a file
 * analyzer, and disabling it is Files::disable_analyzer.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileAnalyzerName } from "../../src/files/tags.js";
import { Engine } from "../../src/index.js";

test("a file analyzer's tag is Files::ANALYZER_ and its name (any case); other modules' tags are not", () => {
  assert.equal(fileAnalyzerName("Files::ANALYZER_PE"), "PE");
  assert.equal(fileAnalyzerName("files::analyzer_sha256"), "SHA256");
  assert.equal(fileAnalyzerName("Analyzer::ANALYZER_PE"), null);
  assert.equal(fileAnalyzerName("PacketAnalyzer::ANALYZER_VXLAN"), null);
  assert.equal(fileAnalyzerName("ANALYZER_PE"), null);
});

test("Analyzer::disabled_analyzers with Files::ANALYZER_PE disables PE in the files framework; enable_analyzer undoes it; an unknown file analyzer is refused", () => {
  const engine = new Engine({ settings: ["Analyzer::disabled_analyzers += { Files::ANALYZER_PE }"] });
  const files = engine.fileManager();
  assert.equal(files.analyzerEnabled("PE"), false);
  assert.equal(files.analyzerEnabled("MD5"), true);
  assert.equal(engine.enableAnalyzerType("Files::ANALYZER_PE"), true);
  assert.equal(files.analyzerEnabled("PE"), true);
  assert.equal(engine.disableAnalyzerType("Files::ANALYZER_MD5"), true);
  assert.equal(files.analyzerEnabled("MD5"), false);
  assert.throws(() => new Engine({ settings: ["Analyzer::disabled_analyzers += { Files::ANALYZER_FOO }"] }), /ANALYZER_FOO/);
});
