/**
 * The SSL/TLS/DTLS protocol folder: the SSL (TCP, and STARTTLS child) and
 * DTLS (UDP) analyzers, their events, ssl.log and their app-event trace.
 */
import "./events.js";
import "./trace.js";

export { DTLS } from "./dtls.js";
export { SSL_LOG_SCRIPT } from "./log.js";
export { SSL } from "./ssl.js";
