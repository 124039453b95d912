/**
 * conn.log's conn_state, derived from the final endpoint states, sizes and
 * history exactly as Zeek's base/protocols/conn does (behaviour doc §7.2, §5.1).
 */
import { type Connection, TcpState, UdpState } from "../event/records.js";

/** "Scan-like" RST: an initial SYN, no originator H/A/F/G/I/Q, then a RST. */
const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/;

function tcpInactive(state: number): boolean {
  return state === TcpState.INACTIVE || state === TcpState.PARTIAL;
}

/** conn_state of a TCP connection (first matching rule of the table wins). */
export function tcpConnState(os: number, rs: number, origSize: number, respSize: number, history: string): string {
  const oInactive = tcpInactive(os);
  const rInactive = tcpInactive(rs);
  if (rs === TcpState.RESET) {
    if (os === TcpState.SYN_SENT || os === TcpState.SYN_ACK_SENT || (os === TcpState.RESET && origSize === 0 && respSize === 0)) return "REJ";
    return oInactive ? "RSTRH" : "RSTR";
  }
  if (os === TcpState.RESET) {
    if (rInactive) return RSTOS0_HISTORY.test(history) ? "RSTOS0" : "OTH";
    return "RSTO";
  }
  if (rs === TcpState.CLOSED && os === TcpState.CLOSED) return "SF";
  if (os === TcpState.CLOSED) return rInactive ? "SH" : "S2";
  if (rs === TcpState.CLOSED) return oInactive ? "SHR" : "S3";
  if (os === TcpState.SYN_SENT && rs === TcpState.INACTIVE) return "S0";
  if (os === TcpState.ESTABLISHED && rs === TcpState.ESTABLISHED) return "S1";
  return "OTH";
}

/** conn_state of a UDP flow: which sides sent a valid datagram. */
export function udpConnState(os: number, rs: number): string {
  const o = os === UdpState.ACTIVE;
  const r = rs === UdpState.ACTIVE;
  if (o && r) return "SF";
  if (o) return "S0";
  if (r) return "SHR";
  return "OTH";
}

/** conn_state of any connection; ICMP and other IP protocols are always OTH. */
export function connState(c: Connection): string {
  switch (c.id.transport) {
    case "tcp":
      return tcpConnState(c.orig.state, c.resp.state, c.orig.size, c.resp.size, c.history);
    case "udp":
      return udpConnState(c.orig.state, c.resp.state);
    default:
      return "OTH";
  }
}
