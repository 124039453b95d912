/**
 * HTTP's part of misc/app-event-trace, formatted as app-event-trace.zeek
 * writes it (entity data as its length and MD5).
 */
import { createHash } from "node:crypto";
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import "./events.js";

addAppEventTrace((host, emit) => {
  host.on("http_request", (c, method, original, unescaped, version) =>
    emit(
      "http_request",
      c.uid,
      `method=${zeekJson(method)} original_URI=${zeekJson(original)} unescaped_URI=${zeekJson(unescaped)} version=${zeekJson(version)}`,
    ),
  );
  host.on("http_reply", (c, version, code, reason) => emit("http_reply", c.uid, `version=${zeekJson(version)} code=${code} reason=${zeekJson(reason)}`));
  host.on("http_header", (c, isOrig, original, name, value) =>
    emit("http_header", c.uid, `is_orig=${tf(isOrig)} original_name=${zeekJson(original)} name=${zeekJson(name)} value=${zeekJson(value)}`),
  );
  host.on("http_begin_entity", (c, isOrig) => emit("http_begin_entity", c.uid, `is_orig=${tf(isOrig)}`));
  host.on("http_end_entity", (c, isOrig) => emit("http_end_entity", c.uid, `is_orig=${tf(isOrig)}`));
  host.on("http_content_type", (c, isOrig, ty, subty) => emit("http_content_type", c.uid, `is_orig=${tf(isOrig)} ty=${zeekJson(ty)} subty=${zeekJson(subty)}`));
  host.on("http_entity_data", (c, isOrig, length, data) =>
    emit("http_entity_data", c.uid, `is_orig=${tf(isOrig)} length=${length} md5=${createHash("md5").update(data, "latin1").digest("hex")}`),
  );
  host.on("http_message_done", (c, isOrig, stat) =>
    emit(
      "http_message_done",
      c.uid,
      `is_orig=${tf(isOrig)} interrupted=${tf(stat.interrupted)} finish_msg=${zeekJson(stat.finish_msg)} body_length=${stat.body_length} content_gap_length=${stat.content_gap_length} header_length=${stat.header_length}`,
    ),
  );
});
