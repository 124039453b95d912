/**
 * The btest replay's shell filters (test/helpers/shell-filters) on a small
 * file, each pipeline's expected lines as GNU coreutils, sed, awk and grep
 * print them with LC_ALL=C (run by hand on that file when this was written).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lineFilter, lineFilters, runFilters } from "../helpers/shell-filters.js";

const FILE = ["b x=12", "a tid=3 y", "b x=12", "b x=12", "  a  two"];

/** The file through `cat FILE | PIPELINE`. */
function through(pipeline: string): string[] {
  const filters = lineFilters(pipeline);
  assert.ok(filters !== null, `${pipeline} is read`);
  return runFilters(filters, FILE);
}

test("sort | uniq -c counts runs after sorting by bytes, the count right-aligned in seven columns", () => {
  assert.deepEqual(through("sort | uniq -c"), ["      1   a  two", "      1 a tid=3 y", "      3 b x=12"]);
  assert.deepEqual(through("sort | uniq -c | wc -l | sed 's/ //g'"), ["3"]);
  assert.deepEqual(through("sed 's/^ *//g' | sort | uniq"), ["a  two", "a tid=3 y", "b x=12"]);
});

test("sed's s command: -E extended or basic expressions, & and \\N in the replacement, first match or all with g", () => {
  assert.deepEqual(through("sed -E 's/[0-9]+/N/'"), ["b x=N", "a tid=N y", "b x=N", "b x=N", "  a  two"]);
  assert.deepEqual(through("sed 's/x=\\(1\\)2/&-\\1+/g'"), ["b x=12-1+", "a tid=3 y", "b x=12-1+", "b x=12-1+", "  a  two"]);
});

test("awk's print of fields split on runs of blanks, and grep's basic expressions, -v inverting", () => {
  assert.deepEqual(through("awk '{print $2, $1}'"), ["x=12 b", "tid=3 a", "x=12 b", "x=12 b", "two a"]);
  assert.deepEqual(through('grep "^b"'), ["b x=12", "b x=12", "b x=12"]);
  // A basic expression's \{2\} is a count: x=11, which no line has.
  assert.deepEqual(through("grep -v 'x=1\\{2\\}'"), FILE);
});

test("a filter outside the set is not read: the replay then names the command it cannot run", () => {
  assert.equal(lineFilter("sort -n"), null);
  assert.equal(lineFilters("sort | tr -d a"), null);
});

test("tr of single characters (a newline made splits the line) and zeek-cut's columns of a log's rows", () => {
  assert.deepEqual(through("tr ' ' '\\n' | grep -v '^$'"), ["b", "x=12", "a", "tid=3", "y", "b", "x=12", "b", "x=12", "a", "two"]);
  const log = ["#separator \\x09", "#fields\tts\tfilter", "#types\ttime\tstring", "1.0\t(port 42) and (ip)", "#close\t2020"];
  assert.deepEqual(runFilters(lineFilters("zeek-cut filter | sed 's#[()]##g'")!, log), ["port 42 and ip"]);
});
