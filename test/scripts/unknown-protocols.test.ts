/**
 * policy/misc/unknown-protocols (unknown_protocols.log) and the
 * unknown_protocol event behind it (packet/unknown-protocols.ts), on frames
 * made here: an EtherType nothing decodes, a SNAP OUI, an LLC frame, an IP
 * protocol without a transport analyzer; the sampling.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Engine } from "../../src/engine.js";
import { loadBuiltinScripts } from "../../src/index.js";
import * as B from "../helpers/packets.js";
import { memorySource, type TestPacket } from "../helpers/packets.js";

const LLDP = 0x88cc;
const at = (ts: number, bytes: Uint8Array): TestPacket => ({ ts, bytes });
const lldp = (ts: number) => at(ts, B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, LLDP, [2, 7, 4, 0, 0x22, 0x2d, 0x81, 0xdb, 0x10, 0x04, 0x99, 0x98]));

async function rows(packets: TestPacket[], loads = ["misc/unknown-protocols"], logged: string[] = []): Promise<string[][]> {
  const engine = new Engine({});
  const scripts = loadBuiltinScripts(engine, { memory: true, loads, bare: true });
  for (const name of logged) scripts.logs.logField("unknown_protocols", name);
  await engine.run(memorySource(packets));
  if (!scripts.logs.written().includes("unknown_protocols")) return [];
  return scripts.logs
    .text("unknown_protocols")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").slice(1));
}

test("unknown_protocols.log: an EtherType nothing analyses, with the first ten bytes after the header and the analyzers so far; not ARP", async () => {
  const arp = at(2, B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, 0x0806, new Array<number>(28).fill(0)));
  assert.deepEqual(await rows([lldp(1), arp]), [["ETHERNET", "0x88cc", "02070400222d81db1004", "ETHERNET"]]);
});

test("unknown_protocols.log: protocol_id_num (no &log) gets its column after protocol_id once a script logs it, and its header", async () => {
  assert.deepEqual(await rows([lldp(1)], undefined, ["protocol_id_num"]), [["ETHERNET", "0x88cc", "35020", "02070400222d81db1004", "ETHERNET"]]);
  const engine = new Engine({});
  const scripts = loadBuiltinScripts(engine, { memory: true, loads: ["misc/unknown-protocols"], bare: true });
  scripts.logs.logField("unknown_protocols", "protocol_id_num");
  await engine.run(memorySource([lldp(1)]));
  const header = scripts.logs
    .text("unknown_protocols")
    .split("\n")
    .find((l) => l.startsWith("#fields"));
  assert.equal(header, "#fields\tts\tanalyzer\tprotocol_id\tprotocol_id_num\tfirst_bytes\tanalyzer_history");
});

test("unknown_protocols.log: a SNAP frame of another OUI (CDP) is SNAP's, keyed by OUI and type; a plain LLC frame is LLC's, keyed by DSAP", async () => {
  const cdp = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00, 1, 0xb4, 0xdf, 0xf0, 0, 1, 0, 6, 0x52, 0x31, 0x55];
  const stp = [0x42, 0x42, 0x03, 0, 0, 0, 0, 0, 0x80, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55];
  assert.deepEqual(
    await rows([
      at(1, B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, cdp.length, cdp)),
      at(2, B.ethernet(B.DEFAULT_DST_MAC, B.DEFAULT_SRC_MAC, stp.length, stp)),
    ]),
    [
      ["SNAP", "0xc2000", "01b4dff0000100065231", "ETHERNET,SNAP"],
      ["LLC", "0x42", "42420300000000008000", "ETHERNET,LLC"],
    ],
  );
});

test("unknown_protocols.log: each packet of an IP protocol without a transport analyzer, after the IP layer", async () => {
  const sctp = at(1, B.frame(B.ipv4({ src: "10.0.0.1", dst: "10.0.0.2", proto: 132 }, [0, 7, 0, 7, 0, 0, 0, 0, 0x37, 0x61, 0xff])));
  assert.deepEqual(await rows([sctp]), [["UNKNOWN_IP_TRANSPORT", "0x84", "00070007000000003761", "ETHERNET,IP,UNKNOWN_IP_TRANSPORT"]]);
});

test("unknown_protocol is sampled per analyzer and protocol: three, then none until an hour after the first", async () => {
  // Three of the first five; the count starts again at 3601 (an hour after the first), so two more.
  assert.equal((await rows([lldp(1), lldp(2), lldp(3), lldp(4), lldp(5), lldp(3601), lldp(3602)])).length, 5);
});

test("without the script, no unknown_protocols.log", async () => {
  assert.deepEqual(await rows([lldp(1)], []), []);
});
