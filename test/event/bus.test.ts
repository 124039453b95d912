/**
 * The event queue's contract (docs/events.md, "How events run"): priorities, the
 * registration order among equal priorities, FIFO across a drain (also for
 * events queued by handlers), a throwing handler reported with the event name
 * without stopping the others, Zeek's old aliases, `wants` and `off`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBus } from "../../src/event/bus.js";
import type { Connection } from "../../src/event/records.js";

/** A bus whose handler errors are collected instead of written to stderr. */
function quietBus(): { bus: EventBus; errors: Array<[string, unknown]> } {
  const errors: Array<[string, unknown]> = [];
  return { bus: new EventBus((event, error) => errors.push([event, error])), errors };
}

const conn = (uid: string): Connection => ({ uid }) as Connection;

test("higher priority runs first; equal priorities run in registration order", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  bus.on("zeek_init", () => order.push("p0-first"));
  bus.on("zeek_init", () => order.push("p-5"), { priority: -5 });
  bus.on("zeek_init", () => order.push("p10"), { priority: 10 });
  bus.on("zeek_init", () => order.push("p0-second"));
  bus.on("zeek_init", () => order.push("p10-second"), { priority: 10 });
  bus.raiseNow("zeek_init");
  assert.deepEqual(order, ["p10", "p10-second", "p0-first", "p0-second", "p-5"]);
});

test("a drain runs events in queue order, each event's handlers before the next event", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  bus.on("new_connection", (c) => order.push(`a:new ${c.uid}`));
  bus.on("new_connection", (c) => order.push(`b:new ${c.uid}`), { priority: -1 });
  bus.on("connection_established", (c) => order.push(`est ${c.uid}`));
  bus.queue("new_connection", conn("C1"));
  bus.queue("connection_established", conn("C1"));
  bus.queue("new_connection", conn("C2"));
  assert.equal(bus.pending, 3);
  assert.deepEqual(order, [], "queueing runs nothing");
  bus.drain();
  assert.deepEqual(order, ["a:new C1", "b:new C1", "est C1", "a:new C2", "b:new C2"]);
  assert.equal(bus.pending, 0);
});

test("events queued by a handler run in the same drain, after those already waiting (FIFO)", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  bus.on("new_connection", (c) => {
    order.push(`new ${c.uid}`);
    // Queued while draining: must come after connection_established C1 already in the queue.
    if (c.uid === "C1") bus.queue("connection_reused", conn("from-handler"));
  });
  bus.on("connection_established", (c) => order.push(`est ${c.uid}`));
  bus.on("connection_reused", (c) => {
    order.push(`reused ${c.uid}`);
    bus.queue("connection_established", conn("grandchild"));
  });
  bus.queue("new_connection", conn("C1"));
  bus.queue("connection_established", conn("C1"));
  bus.drain();
  assert.deepEqual(order, ["new C1", "est C1", "reused from-handler", "est grandchild"]);
  assert.equal(bus.pending, 0);
});

test("a drain started inside a handler does not run events early", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  bus.on("new_connection", () => {
    bus.queue("connection_reused", conn("x"));
    bus.drain(); // re-entrant call: ignored, the outer drain keeps the order
    order.push("new done");
  });
  bus.on("connection_reused", () => order.push("reused"));
  bus.queue("new_connection", conn("C1"));
  bus.drain();
  assert.deepEqual(order, ["new done", "reused"]);
});

test("a throwing handler is reported with the event name; the other handlers and events still run", () => {
  const { bus, errors } = quietBus();
  const order: string[] = [];
  bus.on("connection_rejected", () => order.push("before"), { priority: 1 });
  bus.on("connection_rejected", () => {
    throw new Error("boom");
  });
  bus.on("connection_rejected", () => order.push("after"), { priority: -1 });
  bus.on("connection_finished", () => order.push("next event"));
  bus.queue("connection_rejected", conn("C1"));
  bus.queue("connection_finished", conn("C1"));
  bus.drain();
  assert.deepEqual(order, ["before", "after", "next event"]);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]![0], "connection_rejected");
  assert.match(String((errors[0]![1] as Error).message), /boom/);
  // The queue is usable afterwards.
  bus.queue("connection_finished", conn("C2"));
  bus.drain();
  assert.deepEqual(order.slice(-1), ["next event"]);
  assert.equal(order.length, 4);
});

test("the default reporter writes one line naming the event to stderr", () => {
  const bus = new EventBus();
  const written: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    bus.on("zeek_done", () => {
      throw new Error("handler exploded");
    });
    bus.raiseNow("zeek_done");
  } finally {
    process.stderr.write = original;
  }
  assert.equal(written.length, 1);
  assert.match(written[0]!, /^bronze: handler for zeek_done failed: .*handler exploded/);
});

test("bro_init and bro_done register for zeek_init and zeek_done", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  bus.on("bro_init", () => order.push("bro_init"));
  bus.on("bro_done", () => order.push("bro_done"));
  assert.equal(bus.wants.zeek_init, true);
  assert.equal(bus.wants.zeek_done, true);
  bus.raiseNow("zeek_init");
  bus.raiseNow("zeek_done");
  assert.deepEqual(order, ["bro_init", "bro_done"]);
});

test("wants is false for an event without handlers, true with one, false again after the last off", () => {
  const { bus } = quietBus();
  assert.equal(bus.wants.tcp_packet, false, "no handler: false, not undefined");
  assert.equal(bus.has("tcp_packet"), false);
  const a = (): void => {};
  const b = (): void => {};
  bus.on("tcp_packet", a);
  bus.on("tcp_packet", b);
  assert.equal(bus.wants.tcp_packet, true);
  assert.equal(bus.has("tcp_packet"), true);
  bus.off("tcp_packet", a);
  assert.equal(bus.wants.tcp_packet, true, "one handler left");
  assert.equal(bus.has("tcp_packet"), true);
  bus.off("tcp_packet", b);
  assert.equal(bus.wants.tcp_packet, false);
  assert.equal(bus.has("tcp_packet"), false);
  bus.off("tcp_packet", b); // removing twice is harmless
  assert.equal(bus.wants.connection_established, false);
});

test("off removes only that handler; the others keep their order and still run", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  const h1 = (): void => void order.push("h1");
  const h2 = (): void => void order.push("h2");
  const h3 = (): void => void order.push("h3");
  bus.on("zeek_init", h1);
  bus.on("zeek_init", h2);
  bus.on("zeek_init", h3);
  bus.off("zeek_init", h2);
  bus.raiseNow("zeek_init");
  assert.deepEqual(order, ["h1", "h3"]);
});

test("an event queued with no handler is skipped silently; one registered before the drain runs", () => {
  const { bus, errors } = quietBus();
  const seen: string[] = [];
  bus.queue("connection_attempt", conn("C1"));
  bus.on("connection_attempt", (c) => seen.push(c.uid));
  bus.queue("connection_timeout", conn("C2"));
  bus.drain();
  assert.deepEqual(seen, ["C1"]);
  assert.equal(errors.length, 0);
});

test("a handler removed by an earlier handler of the same event still runs for that event (list captured at dispatch)", () => {
  const { bus } = quietBus();
  const order: string[] = [];
  const second = (): void => void order.push("second");
  bus.on("zeek_init", () => {
    order.push("first");
    bus.off("zeek_init", second);
  });
  bus.on("zeek_init", second);
  bus.raiseNow("zeek_init");
  bus.raiseNow("zeek_init");
  assert.deepEqual(order, ["first", "second", "first"]);
});
