import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { IP_PROTOCOL_NAMES } from "../../src/packet/ip-protocol-names.js";
import { memorySource } from "../helpers/packets.js";
import { parseLogText } from "../helpers/tsv.js";
import { CLIENT, handshake, SERVER, tcpTrace, udpPacket } from "../session/harness.js";

test("ip-proto-name-logging: conn.log's ip_proto_name, IP::protocol_names of the connection's protocol", async () => {
  const run = async (loads: string[]) => {
    const engine = new Engine();
    const scripts = loadBuiltinScripts(engine, { memory: true, loads });
    await engine.run(memorySource([...tcpTrace(handshake(0)), udpPacket(5, CLIENT, 5000, SERVER, 5001, "x")]));
    scripts.close();
    return parseLogText(scripts.logs.text("conn"));
  };
  const { fields, rows } = await run(["policy/protocols/conn/ip-proto-name-logging"]);
  assert.equal(fields.at(-1), "ip_proto_name");
  assert.deepEqual(rows.map((r) => r.at(-1)).sort(), ["tcp", "udp"]);
  assert.ok(!(await run([])).fields.includes("ip_proto_name"));
  // IANA's keywords as Zeek's table has them.
  assert.equal(IP_PROTOCOL_NAMES.get(99), "private-encryption");
  assert.equal(IP_PROTOCOL_NAMES.get(132), "sctp");
});
