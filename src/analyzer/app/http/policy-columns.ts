/**
 * The policy scripts that add http.log columns from the request and reply
 * headers: policy/protocols/http/header-names (client_header_names,
 * server_header_names: the names as they came, per HTTP::log_client_header_names
 * and HTTP::log_server_header_names), var-extraction-uri (uri_vars: the keys
 * of the original URI's query) and var-extraction-cookies (cookie_vars: the
 * Cookie header's keys).
 */
import { bytesToLogText } from "../../../log/escape.js";
import { fields, type LogValue } from "../../../log/schema.js";
import type { RecordExtension } from "../../../scripts/record-extensions.js";
import { type HttpInfo, httpInfoOf } from "./script.js";

/** HTTP::extract_keys: the keys of `data`'s key=value parts (a part without "=" is a key). */
export function extractKeys(data: string, splitter: RegExp): string[] {
  return data.split(splitter).map((part) => part.split("=", 1)[0]!);
}

const text = (names: readonly string[] | undefined): LogValue => names?.map(bytesToLogText);

const HEADER_NAMES: RecordExtension<HttpInfo> = {
  script: "policy/protocols/http/header-names",
  fields: fields(["client_header_names", "vector[string]"], ["server_header_names", "vector[string]"]),
  values: (i) => [text(i.client_header_names), text(i.server_header_names)],
  load(host) {
    host.on(
      "http_header",
      (c, isOrig, _original, name) => {
        const info = httpInfoOf(c);
        if (info === undefined) return;
        if (isOrig && host.settings["HTTP::log_client_header_names"]) (info.client_header_names ??= []).push(name);
        else if (!isOrig && host.settings["HTTP::log_server_header_names"]) (info.server_header_names ??= []).push(name);
      },
      { priority: 3 },
    );
  },
};

const URI_VARS: RecordExtension<HttpInfo> = {
  script: "policy/protocols/http/var-extraction-uri",
  fields: fields(["uri_vars", "vector[string]"]),
  values: (i) => [text(i.uri_vars)],
  load(host) {
    host.on(
      "http_request",
      (c, _method, original) => {
        const query = original.indexOf("?");
        const info = httpInfoOf(c);
        if (query >= 0 && info !== undefined) info.uri_vars = extractKeys(original.slice(query + 1), /&/);
      },
      { priority: 2 },
    );
  },
};

const COOKIE_VARS: RecordExtension<HttpInfo> = {
  script: "policy/protocols/http/var-extraction-cookies",
  fields: fields(["cookie_vars", "vector[string]"]),
  values: (i) => [text(i.cookie_vars)],
  load(host) {
    host.on(
      "http_header",
      (c, isOrig, _original, name, value) => {
        const info = httpInfoOf(c);
        if (isOrig && name === "COOKIE" && info !== undefined) info.cookie_vars = extractKeys(value, /;[ \t]*/);
      },
      { priority: 2 },
    );
  },
};

export const HTTP_POLICY_COLUMNS: readonly RecordExtension<HttpInfo>[] = [HEADER_NAMES, URI_VARS, COOKIE_VARS];
