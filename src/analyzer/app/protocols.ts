/**
 * The application analyzers bronze has, as Zeek's default scripts load them:
 * every engine registers these (with -b, only those whose script is loaded
 * are active). A protocol folder adds its component here.
 */
import type { AnalyzerComponent } from "./analyzer.js";
import { DNS } from "./dns/dns.js";
import { HTTP } from "./http/http.js";
import { MYSQL } from "./mysql/mysql.js";
import { RDP } from "./rdp/rdp.js";
import { RDPEUDP } from "./rdp/rdpeudp.js";
import { RFB } from "./rfb/rfb.js";
import { SOCKS } from "./socks/socks.js";
import { SSH } from "./ssh/ssh.js";
import { DTLS, SSL } from "./ssl/index.js";
import { WEBSOCKET } from "./websocket/websocket.js";

export const DEFAULT_ANALYZERS: readonly AnalyzerComponent[] = [SSH, DNS, SSL, DTLS, HTTP, WEBSOCKET, SOCKS, MYSQL, RFB, RDP, RDPEUDP];
