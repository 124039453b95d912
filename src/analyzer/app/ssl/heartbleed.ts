/**
 * Zeek's policy/protocols/ssl/heartbleed: notices of TLS heartbeats that
 * look like Heartbleed (CVE-2014-0160) attacks or scans. In the clear: a
 * request whose payload length exceeds its record (an attack; a response
 * after it: a success), or any request before encryption (a scan). Once
 * encrypted, only the record lengths tell: a heartbeat before any
 * application data or in the connection's first minute, many requests
 * without responses (or the reverse), a request shorter than the cipher
 * suite allows, and a response longer than its request (a success). The
 * SSL analyzer stays on the established session to see them
 * (SSL::disable_analyzer_after_detection is turned off).
 */

import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import { describeInterval } from "../../../log/numbers.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { type SslInfo, sslInfoOf } from "./log.js";

/** The script's own event: an encrypted heartbeat record, handled after the records queued before it. */
export interface HeartbleedEvents {
  ssl_encrypted_heartbeat: [c: Connection, is_client: boolean, length: number];
}
declare module "../../../event/events.js" {
  interface EventMap extends HeartbleedEvents {}
}
registerEvents<HeartbleedEvents>({ ssl_encrypted_heartbeat: true });

const CONTENT_HEARTBEAT = 24;
const CONTENT_APPLICATION_DATA = 23;
const HEARTBEAT_REQUEST = 1;
const HEARTBEAT_RESPONSE = 2;

/** The shortest encrypted heartbeat request each cipher family allows (TLS 1.1 and 1.2 send an explicit IV for CBC). */
const MIN_LENGTHS_TLS11: ReadonlyArray<readonly [string, number]> = [
  ["_AES_256_GCM_SHA384$", 43],
  ["_AES_128_GCM_SHA256$", 43],
  ["_256_CBC_SHA384$", 96],
  ["_256_CBC_SHA256$", 80],
  ["_256_CBC_SHA$", 64],
  ["_128_CBC_SHA256$", 80],
  ["_128_CBC_SHA$", 64],
  ["_3DES_EDE_CBC_SHA$", 48],
  ["_SEED_CBC_SHA$", 64],
  ["_IDEA_CBC_SHA$", 48],
  ["_DES_CBC_SHA$", 48],
  ["_DES40_CBC_SHA$", 48],
  ["_RC4_128_SHA$", 39],
  ["_RC4_128_MD5$", 35],
  ["_RC4_40_MD5$", 35],
  ["_RC2_CBC_40_MD5$", 48],
];
const MIN_LENGTHS: ReadonlyArray<readonly [string, number]> = [
  ["_256_CBC_SHA$", 48],
  ["_128_CBC_SHA$", 48],
  ["_3DES_EDE_CBC_SHA$", 40],
  ["_SEED_CBC_SHA$", 48],
  ["_IDEA_CBC_SHA$", 40],
  ["_DES_CBC_SHA$", 40],
  ["_DES40_CBC_SHA$", 40],
  ["_RC4_128_SHA$", 39],
  ["_RC4_128_MD5$", 35],
  ["_RC4_40_MD5$", 35],
  ["_RC2_CBC_40_MD5$", 40],
];
const compiled = new Map<string, RegExp>();
const patternOf = (text: string): RegExp => compiled.get(text) ?? compiled.set(text, new RegExp(text)).get(text)!;

/** What the script adds to SSL::Info. */
interface HeartbeatState {
  lastOrigRequest?: number;
  lastRespRequest?: number;
  origHeartbeats: number;
  respHeartbeats: number;
  detected: boolean;
  appdataPackages: number;
}

const states = new WeakMap<SslInfo, HeartbeatState>();

function stateOf(s: SslInfo): HeartbeatState {
  let st = states.get(s);
  if (st === undefined) states.set(s, (st = { origHeartbeats: 0, respHeartbeats: 0, detected: false, appdataPackages: 0 }));
  return st;
}

export const HEARTBLEED_SCRIPT: PolicyScript = {
  script: "policy/protocols/ssl/heartbleed",
  what: "notices of Heartbleed attacks and scans",
  load(host, { notices }) {
    // The script's redef: the analyzer stays after the handshake.
    host.settings["SSL::disable_analyzer_after_detection"] = false;
    const notice = (note: string, c: Connection, msg: string, identifier: string, n?: number): void => {
      notices.notice({ note: `Heartbleed::${note}`, msg, conn: c, identifier, ...(n === undefined ? {} : { n }) });
    };

    host.on("ssl_heartbeat", (c, isClient, length, type, payloadLength) => {
      const s = sslInfoOf(host, c) as SslInfo | undefined;
      if (s === undefined) return;
      const st = stateOf(s);
      if (type === HEARTBEAT_REQUEST) {
        const room = length < 3 + 16 ? length : length - 3 - 16;
        if (payloadLength > room) {
          st.detected = true;
          notice(
            "SSL_Heartbeat_Attack",
            c,
            `An TLS heartbleed attack was detected! Record length ${length}. Payload length ${payloadLength}`,
            `${c.uid}${length}${payloadLength}`,
          );
        } else if (isClient) {
          const msg = `Heartbeat request before encryption. Probable Scan without exploit attempt. Message length: ${length}. Payload length: ${payloadLength}`;
          notice("SSL_Heartbeat_Attack", c, msg, `${c.uid}${length}`, length);
        }
      }
      if (type === HEARTBEAT_RESPONSE && st.detected) {
        const msg = `An TLS heartbleed attack detected before was probably exploited. Message length: ${length}. Payload length: ${payloadLength}`;
        notice("SSL_Heartbeat_Attack_Success", c, msg, c.uid);
      }
    });

    host.on("ssl_encrypted_data", (c, isClient, _recordVersion, contentType, length) => {
      const s = sslInfoOf(host, c) as SslInfo | undefined;
      if (s === undefined) return;
      if (contentType === CONTENT_HEARTBEAT) host.raise("ssl_encrypted_heartbeat", c, isClient, length);
      else if (contentType === CONTENT_APPLICATION_DATA && length > 0) stateOf(s).appdataPackages++;
    });

    host.on("ssl_encrypted_heartbeat", (c, isClient, length) => {
      const s = sslInfoOf(host, c) as SslInfo | undefined;
      if (s === undefined) return;
      const st = stateOf(s);
      if (isClient) st.origHeartbeats++;
      else st.respHeartbeats++;
      const duration = host.clock.now - c.start_time;
      const early = `${c.uid}early`;
      if (st.appdataPackages === 0) {
        notice(
          "SSL_Heartbeat_Attack",
          c,
          `Heartbeat before ciphertext. Probable attack or scan. Length: ${length}, is_client: ${isClient ? 1 : 0}`,
          early,
          length,
        );
      } else if (duration < 60) {
        const msg = `Heartbeat within first minute. Possible attack or scan. Length: ${length}, is_client: ${isClient ? 1 : 0}, time: ${describeInterval(duration)}`;
        notice("SSL_Heartbeat_Attack", c, msg, early, length);
      }
      const thousands = Math.floor(st.respHeartbeats / 1000);
      if (st.origHeartbeats > st.respHeartbeats + 3) {
        const msg = `More than 3 heartbeat requests without replies from server. Possible attack. Client count: ${st.origHeartbeats}, server count: ${st.respHeartbeats}`;
        notice("SSL_Heartbeat_Many_Requests", c, msg, `${c.uid}${thousands}`, st.origHeartbeats - st.respHeartbeats);
      }
      if (st.respHeartbeats > st.origHeartbeats + 3) {
        const msg = `Server sending more heartbeat responses than requests seen. Possible attack. Client count: ${st.origHeartbeats}, server count: ${st.respHeartbeats}`;
        notice("SSL_Heartbeat_Many_Requests", c, msg, `${c.uid}${thousands}`, st.respHeartbeats - st.origHeartbeats);
      }
      // Zeek's handler stops at an unset cipher or version (a heartbeat before the ServerHello).
      const cipher = s.cipher;
      if (cipher === undefined) return;
      const weak = `${c.uid}-weak-${length}`;
      if (isClient && length < 19) {
        const msg = `Heartbeat message smaller than minimum required length. Probable attack or scan. Message length: ${length}. Cipher: ${cipher}. Time: ${duration.toFixed(6)}`;
        notice("SSL_Heartbeat_Odd_Length", c, msg, weak, length);
      }
      if (s.version === undefined) return;
      const table = s.version === "TLSv11" || s.version === "TLSv12" ? MIN_LENGTHS_TLS11 : MIN_LENGTHS;
      const rule = table.find(([pattern]) => patternOf(pattern).test(cipher));
      if (rule !== undefined && length < rule[1]) {
        const msg = `Heartbeat message smaller than minimum required length. Probable attack. Message length: ${length}. Required length: ${rule[1]}. Cipher: ${cipher}. Cipher match: /^?(${rule[0]})$?/`;
        notice("SSL_Heartbeat_Odd_Length", c, msg, weak, length);
      }
      trackRequestSizes(st, isClient, length, (request) => {
        const msg = `An encrypted TLS heartbleed attack was probably detected! First packet client record length ${request}, first packet server record length ${length}. Time: ${duration.toFixed(6)}`;
        notice("SSL_Heartbeat_Attack_Success", c, msg, c.uid);
      });
    });
  },
};

/** Pairs each side's heartbeat with the other's: a response longer than the client's request leaked memory (`leaked` hears of it). */
function trackRequestSizes(st: HeartbeatState, isClient: boolean, length: number, leaked: (request: number) => void): void {
  if (isClient) {
    // After a server-originated heartbeat, the client's is its response.
    if (st.lastRespRequest !== undefined) st.lastRespRequest = undefined;
    else st.lastOrigRequest = length;
    return;
  }
  if (st.lastOrigRequest !== undefined && st.lastOrigRequest < length) leaked(st.lastOrigRequest);
  else if (st.lastOrigRequest === undefined) st.lastRespRequest = length;
  st.lastOrigRequest = undefined;
}
