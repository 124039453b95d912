/**
 * SMTP's part of misc/app-event-trace, formatted as app-event-trace.zeek
 * writes smtp_request and smtp_reply.
 */
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import "./events.js";

addAppEventTrace((host, emit) => {
  host.on("smtp_request", (c, isOrig, command, arg) => emit("smtp_request", c.uid, `is_orig=${tf(isOrig)} command=${zeekJson(command)} arg=${zeekJson(arg)}`));
  host.on("smtp_reply", (c, isOrig, code, cmd, msg, contResp) =>
    emit("smtp_reply", c.uid, `is_orig=${tf(isOrig)} code=${code} cmd=${zeekJson(cmd)} msg=${zeekJson(msg)} cont_resp=${tf(contResp)}`),
  );
});
