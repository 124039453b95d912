/**
 * FTP's part of misc/app-event-trace, formatted as app-event-trace.zeek
 * writes it.
 */
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import "./events.js";

addAppEventTrace((host, emit) => {
  host.on("ftp_request", (c, command, arg) => emit("ftp_request", c.uid, `command=${zeekJson(command)} arg=${zeekJson(arg)}`));
  host.on("ftp_reply", (c, code, msg, cont) => emit("ftp_reply", c.uid, `code=${code} msg=${zeekJson(msg)} cont_resp=${tf(cont)}`));
});
