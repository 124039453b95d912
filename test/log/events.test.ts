/** A stream's event (Zeek's Log::Stream $ev, LogManager.onRecord): when it is raised and what its handlers see. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LogFields } from "../../src/log/filters.js";
import { LogManager } from "../../src/log/manager.js";
import { fields } from "../../src/log/schema.js";

const SCHEMA = { path: "test", fields: fields(["msg", "string"], ["n", "count"]) };

test("each record written to an enabled stream reaches its event's handlers, by field name; a disabled stream raises nothing", () => {
  const seen: LogFields[] = [];
  const logs = new LogManager({ memory: true });
  // Asked before the stream opens: it gets the handler when it does.
  logs.onRecord("test", (rec) => seen.push(rec));
  const w = logs.open(SCHEMA);
  w.write(["a", 1]);
  logs.disableStream("test");
  w.write(["b", 2]);
  logs.enableStream("test");
  w.write({ msg: "c" });
  assert.deepEqual(seen, [{ msg: "a", n: 1 }, { msg: "c" }]);
  logs.closeAll();
  assert.deepEqual(
    logs
      .text("test")
      .split("\n")
      .filter((l) => !l.startsWith("#") && l !== ""),
    ["a\t1", "c\t-"],
  );
});

test("with an event queue, the handler runs after the writer's code and sees what the stream's hooks changed", () => {
  const queued: Array<() => void> = [];
  const order: string[] = [];
  const logs = new LogManager({ memory: true, queueEvent: (fn) => queued.push(fn) });
  const w = logs.open(SCHEMA);
  logs.setStreamPolicy("test", (rec) => {
    rec.n = 42;
    return true;
  });
  logs.onRecord("test", (rec) => order.push(`event ${String(rec.msg)} ${String(rec.n)}`));
  w.write(["a", 1]);
  order.push("after write");
  for (const fn of queued.splice(0)) fn();
  assert.deepEqual(order, ["after write", "event a 42"]);
  logs.closeAll();
});
