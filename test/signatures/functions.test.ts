/**
 * `eval NAME` conditions (Engine.signatureCondition) and custom events
 * (`event NAME ["msg"]`, Engine.onSignatureEvent), on packets built here:
 * when and with what an eval function is called, its place among the other
 * conditions, and the errors for names nobody registered.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { SignatureError } from "../../src/signatures/index.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";
import { CLIENT, SERVER, udpPacket } from "../session/harness.js";
import { conversation } from "./conversation.js";

const PACKETS: TestPacket[] = [udpPacket(1, CLIENT, 5555, SERVER, 53, "query"), udpPacket(2, SERVER, 53, CLIENT, 5555, "reply")];

/** Runs `setup` (registrations), the signatures, the packets; what the handlers pushed. */
async function run(sigs: string, setup: (engine: Engine, out: string[]) => void, packets = PACKETS): Promise<string[]> {
  const engine = new Engine({ bare: true });
  const out: string[] = [];
  engine.loadSignatures(sigs);
  // After loadSignatures, as the CLI's policy scripts come after -s: names are looked up when the run starts.
  setup(engine, out);
  engine.on("signature_match", (s, msg, data) => void out.push(`match ${s.sig_id} ${msg} |${data}|`));
  await engine.run(memorySource(packets));
  return out;
}

test("an eval function is called with the state and the data the patterns matched in; only true lets the signature fire", async () => {
  const sigs = 'signature e { payload /qu/ eval check event "m" }';
  const calls = (answer: boolean) =>
    run(sigs, (engine, out) =>
      engine.signatureCondition("check", (s, data) => {
        out.push(`check ${s.sig_id} ${s.is_orig} ${s.payload_size} |${data}|`);
        return answer;
      }),
    );
  assert.deepEqual(await calls(true), ["check e true 5 |query|", "match e m |query|"]);
  // Not fired: tried once more at the connection's end (Zeek's FinishEndpoint), without data, the datagram's size forgotten.
  assert.deepEqual(await calls(false), ["check e true 5 |query|", "check e true -1 ||"]);
});

test("conditions run in the file's order: an eval after a failing condition is not called, one before it is", async () => {
  const setup = (engine: Engine, out: string[]) =>
    engine.signatureCondition("f", (s) => {
      out.push(`f ${s.is_orig}`);
      return true;
    });
  // Both sides' data matches /./; udp-state originator fails on the responder's.
  assert.deepEqual(await run('signature a { payload /./ udp-state originator eval f event "a" }', setup), ["f true", "match a a |query|"]);
  // The responder's: at its datagram, and at the end.
  assert.deepEqual(await run('signature b { payload /./ eval f udp-state originator event "b" }', setup), [
    "f true",
    "match b b |query|",
    "f false",
    "f false",
  ]);
});

test("an eval function that throws, or returns something else than true, holds as false (a throw is reported)", async () => {
  const engine = new Engine({ bare: true });
  const reported: string[] = [];
  engine.bus.reportError = (event) => void reported.push(event);
  engine.loadSignatures('signature t { payload /./ eval boom event "t" }\nsignature u { payload /./ eval odd event "u" }');
  engine.signatureCondition("boom", () => {
    throw new Error("no");
  });
  engine.signatureCondition("odd", () => "yes" as unknown as boolean);
  const out: string[] = [];
  engine.on("signature_match", (s) => void out.push(s.sig_id));
  await engine.run(memorySource(PACKETS));
  assert.deepEqual(out, []);
  // Each side's datagram, then each side at the end.
  assert.deepEqual(reported, ["eval boom", "eval boom", "eval boom", "eval boom"]);
});

test("an eval that said false is asked again at each new match of another signature's pattern on its side, and at the end", async () => {
  const sigs = 'signature a { payload /a/ eval f event "a" }\nsignature b { payload /.*b/ event "b" }';
  const out = await run(
    sigs,
    (engine, o) =>
      engine.signatureCondition("f", (_s, data) => {
        o.push(`f |${data}|`);
        return false;
      }),
    conversation(["a", "xb", "yy"]),
  );
  assert.deepEqual(out, ["f |a|", "f |xb|", "match b b |xb|", "f ||"]);
});

test("a pure signature's eval is given no data", async () => {
  const out = await run('signature p { dst-port == 53 eval f event "p" }', (engine, o) =>
    engine.signatureCondition("f", (_s, data) => {
      o.push(`f |${data}|`);
      return true;
    }),
  );
  assert.deepEqual(out, ["f ||", "match p p ||"]);
});

test("an eval naming a function nobody registered: a SignatureError at its line when the run starts", async () => {
  const engine = new Engine({ bare: true });
  engine.loadSignatures({ text: "signature x {\n  payload /./\n  eval nobody\n}\n", file: "mine.sig" });
  await assert.rejects(
    engine.run(memorySource(PACKETS)),
    (err: unknown) => err instanceof SignatureError && err.file === "mine.sig" && err.line === 3 && /unknown identifier \(nobody\)/.test(err.message),
  );
  assert.throws(() => engine.signatureCondition("twice", () => true).signatureCondition("twice", () => true), /registered already/);
});

test("custom events: the message form gets (state, msg, data, end), the other (state, data, end), queued with signature_match in the signatures' order", async () => {
  const sigs = `
    signature with { payload /que/ event my_msg "hello" }
    signature plain { payload /q/ event "plain" }
    signature without { payload /qu/ event my_data }`;
  const out = await run(sigs, (engine, o) => {
    engine.onSignatureEvent("my_msg", "message", (s, msg, data, end) => void o.push(`my_msg ${s.sig_id} ${msg} |${data}| ${end}`));
    engine.onSignatureEvent("my_data", "no-message", (s, data, end) => void o.push(`my_data ${s.sig_id} |${data}| ${end}`));
  });
  assert.deepEqual(out, ["my_msg with hello |query| 3", "match plain plain |query|", "my_data without |query| 2"]);
});

test("custom events nobody handles, or handled in the other form: a SignatureError naming the event", async () => {
  const failure = async (sig: string, setup: (engine: Engine) => void) => {
    const engine = new Engine({ bare: true });
    engine.loadSignatures({ text: sig, file: "ev.sig" });
    setup(engine);
    try {
      await engine.run(memorySource(PACKETS));
    } catch (err) {
      return err instanceof SignatureError ? err.message : String(err);
    }
    return "no error";
  };
  assert.equal(await failure("signature a {\n  event nope\n}", () => {}), "Error in signature (ev.sig:3): identifier is not an event (nope)");
  const withMessage = await failure('signature a {\n  event ev "m"\n}', (e) => e.onSignatureEvent("ev", "no-message", () => {}));
  assert.match(withMessage, /^Error in signature \(ev\.sig:3\): wrong event parameters for 'ev' \(the action has a message/);
  const without = await failure("signature a {\n  event ev\n}", (e) => e.onSignatureEvent("ev", "message", () => {}));
  assert.match(without, /wrong event parameters for 'ev' \(the action has no message/);
  assert.throws(() => new Engine().onSignatureEvent("x", "message", () => {}).onSignatureEvent("x", "no-message", () => {}), /message form already/);
});

test("script constants as values: numbers for ip-proto and ports, addresses and prefixes for src-ip and dst-ip", async () => {
  const sigs = `
    signature proto { ip-proto == udp_number event "proto" }
    signature port { dst-port == 80, dns_ports event "port" }
    signature net { src-ip == my_nets event "net" }
    signature other-net { src-ip == other_nets event "other" }`;
  const out = await run(sigs, (engine) => {
    engine.signatureConstant("udp_number", 17).signatureConstant("dns_ports", [53, 5353]);
    engine.signatureConstant("my_nets", ["192.168.0.0/16", CLIENT]).signatureConstant("other_nets", "2001:db8::/32");
  });
  // Each once per connection; other_nets holds no address of the trace.
  assert.deepEqual(out.sort(), ["match net net ||", "match port port ||", "match proto proto ||"]);
});

test("a script constant nobody registered, or of the wrong type: a SignatureError at the identifier's line", async () => {
  const failure = async (text: string, setup: (engine: Engine) => void) => {
    const engine = new Engine({ bare: true });
    engine.loadSignatures({ text, file: "c.sig" });
    setup(engine);
    return engine.run(memorySource(PACKETS)).then(
      () => "no error",
      (err: unknown) => (err instanceof SignatureError ? err.message : String(err)),
    );
  };
  const sig = 'signature c {\n  ip-proto == udp\n  dst-ip == nets\n  event "c"\n}\n';
  assert.match(await failure(sig, () => {}), /^Error in signature \(c\.sig:3\): unknown script-level identifier \(nets\)/);
  assert.match(await failure(sig, (e) => e.signatureConstant("nets", 10)), /^Error in signature \(c\.sig:3\): Wrong type of identifier \(nets\)/);
  const port = 'signature p {\n  dst-port == ports\n  event "p"\n}\n';
  assert.match(
    await failure(port, (e) => e.signatureConstant("ports", "10.0.0.1")),
    /^Error in signature \(c\.sig:2\): Identifier must refer to integer \(ports\)/,
  );
});
