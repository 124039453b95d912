/**
 * The SSL part of misc/app-event-trace: the SSL events the corpus script
 * app-event-trace.zeek writes, formatted as it does (session ids by length,
 * cipher and compression lists as [n,m], names JSON-quoted).
 */
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import "./events.js";

const counts = (v: readonly number[]): string => `[${v.join(",")}]`;
const strs = (v: readonly string[]): string => `[${v.map(zeekJson).join(",")}]`;

addAppEventTrace((host, emit) => {
  host.on("ssl_client_hello", (c, version, recordVersion, _ts, _random, sessionId, ciphers, comps) =>
    emit(
      "ssl_client_hello",
      c.uid,
      `version=${version} record_version=${recordVersion} session_id_len=${sessionId.length} ciphers=${counts(ciphers)} comp_methods=${counts(comps)}`,
    ),
  );
  host.on("ssl_server_hello", (c, version, recordVersion, _ts, _random, sessionId, cipher, comp) =>
    emit(
      "ssl_server_hello",
      c.uid,
      `version=${version} record_version=${recordVersion} session_id_len=${sessionId.length} cipher=${cipher} comp_method=${comp}`,
    ),
  );
  host.on("ssl_extension_server_name", (c, isClient, names) => emit("ssl_extension_server_name", c.uid, `is_client=${tf(isClient)} names=${strs(names)}`));
  host.on("ssl_extension_application_layer_protocol_negotiation", (c, isClient, protocols) =>
    emit("ssl_extension_application_layer_protocol_negotiation", c.uid, `is_client=${tf(isClient)} protocols=${strs(protocols)}`),
  );
  host.on("ssl_handshake_message", (c, isClient, msgType, length) =>
    emit("ssl_handshake_message", c.uid, `is_client=${tf(isClient)} msg_type=${msgType} length=${length}`),
  );
  host.on("ssl_change_cipher_spec", (c, isClient) => emit("ssl_change_cipher_spec", c.uid, `is_client=${tf(isClient)}`));
  host.on("ssl_alert", (c, isClient, level, desc) => emit("ssl_alert", c.uid, `is_client=${tf(isClient)} level=${level} desc=${desc}`));
  host.on("ssl_established", (c) => emit("ssl_established", c.uid, ""));
});
