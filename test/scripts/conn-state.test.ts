import assert from "node:assert/strict";
import { test } from "node:test";
import { TcpState as T, UdpState as U } from "../../src/event/records.js";
import { connState, tcpConnState, udpConnState } from "../../src/scripts/conn-state.js";
import { connection, endpoint } from "./connections.js";

test("TCP conn_state follows Zeek's table, first match wins", () => {
  const cases: Array<[number, number, number, number, string, string]> = [
    [T.SYN_SENT, T.RESET, 0, 0, "Sr", "REJ"],
    [T.SYN_ACK_SENT, T.RESET, 0, 0, "Hr", "REJ"],
    [T.RESET, T.RESET, 0, 0, "SRr", "REJ"],
    [T.RESET, T.RESET, 5, 0, "ShADRr", "RSTR"],
    [T.PARTIAL, T.RESET, 0, 0, "Dr", "RSTRH"],
    [T.INACTIVE, T.RESET, 0, 0, "r", "RSTRH"],
    [T.ESTABLISHED, T.RESET, 3, 4, "ShADdr", "RSTR"],
    [T.RESET, T.INACTIVE, 0, 0, "SR", "RSTOS0"],
    [T.RESET, T.INACTIVE, 0, 0, "^SdR", "RSTOS0"],
    [T.RESET, T.INACTIVE, 0, 0, "SAR", "OTH"],
    [T.RESET, T.PARTIAL, 0, 0, "DR", "OTH"],
    [T.RESET, T.ESTABLISHED, 0, 0, "ShADR", "RSTO"],
    [T.CLOSED, T.CLOSED, 1, 1, "ShADFf", "SF"],
    [T.CLOSED, T.INACTIVE, 0, 0, "SF", "SH"],
    [T.CLOSED, T.ESTABLISHED, 0, 0, "ShAF", "S2"],
    [T.PARTIAL, T.CLOSED, 0, 0, "Df", "SHR"],
    [T.ESTABLISHED, T.CLOSED, 0, 0, "ShAf", "S3"],
    [T.SYN_SENT, T.INACTIVE, 0, 0, "S", "S0"],
    [T.ESTABLISHED, T.ESTABLISHED, 0, 0, "ShAD", "S1"],
    [T.SYN_ACK_SENT, T.INACTIVE, 0, 0, "H", "OTH"],
    [T.PARTIAL, T.PARTIAL, 0, 0, "Dd", "OTH"],
    [T.INACTIVE, T.INACTIVE, 0, 0, "C", "OTH"],
  ];
  for (const [os, rs, osz, rsz, hist, want] of cases) assert.equal(tcpConnState(os, rs, osz, rsz, hist), want, `${os}/${rs} ${hist}`);
});

test("RSTOS0 history must match the whole string, case-sensitively", () => {
  assert.equal(tcpConnState(T.RESET, T.INACTIVE, 0, 0, "SaR"), "RSTOS0", "lower-case a is the responder's");
  assert.equal(tcpConnState(T.RESET, T.INACTIVE, 0, 0, "^^SR"), "OTH");
  assert.equal(tcpConnState(T.RESET, T.INACTIVE, 0, 0, "RS"), "OTH");
});

test("UDP conn_state from the endpoint activity", () => {
  assert.equal(udpConnState(U.ACTIVE, U.ACTIVE), "SF");
  assert.equal(udpConnState(U.ACTIVE, U.INACTIVE), "S0");
  assert.equal(udpConnState(U.INACTIVE, U.ACTIVE), "SHR");
  assert.equal(udpConnState(U.INACTIVE, U.INACTIVE), "OTH");
});

test("ICMP and unknown transports are always OTH; dispatch by transport", () => {
  const active = endpoint({ state: 1 });
  assert.equal(connState(connection({ id: { transport: "icmp", proto: 1 }, orig: active, resp: active })), "OTH");
  assert.equal(connState(connection({ id: { transport: "unknown_transport", proto: 132 }, orig: active })), "OTH");
  assert.equal(connState(connection({ id: { transport: "udp", proto: 17 }, orig: active })), "S0");
  assert.equal(connState(connection({ orig: endpoint({ state: T.SYN_SENT }) })), "S0");
});
