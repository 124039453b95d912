import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine, loadBuiltinScripts } from "../../src/index.js";
import { PPP_IPV4 } from "../../src/packet/constants.js";
import { IP_PROTOCOL_NAMES } from "../../src/packet/ip-protocol-names.js";
import * as B from "../helpers/packets.js";
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

test("pppoe-session-id-logging: conn.log's pppoe_session_id, the first packet's PPPoE session; none for plain Ethernet", async () => {
  const udp = (sport: number) => B.udp4({ src: "10.0.0.1", dst: "10.0.0.2" }, { sport, dport: 53, payload: "x" });
  const packets = [
    { ts: 1, bytes: B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, B.ETH_PPPOE, B.pppoeSession(PPP_IPV4, udp(4000), { session: 3847 })) },
    { ts: 2, bytes: B.frame(udp(4001)) },
  ];
  const engine = new Engine({ loads: ["protocols/conn/pppoe-session-id-logging"] });
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["protocols/conn/pppoe-session-id-logging"] });
  await engine.run(memorySource(packets));
  scripts.close();
  const { fields, rows } = parseLogText(scripts.logs.text("conn"));
  assert.equal(fields.at(-1), "pppoe_session_id");
  const byPort = new Map(rows.map((r) => [r[fields.indexOf("id.orig_p")], r.at(-1)]));
  assert.deepEqual([byPort.get("4000"), byPort.get("4001")], ["3847", "-"]);
});
