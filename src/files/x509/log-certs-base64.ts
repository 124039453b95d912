/**
 * Zeek's policy/protocols/ssl/log-certs-base64: x509.log gets a `cert`
 * column, each certificate's DER bytes in base64, whole (the script lifts
 * X509::default_max_field_string_bytes: x509.ts opens the stream without a
 * string bound when it is loaded). Zeek sets it at x509_certificate from the certificate handle;
 * the row's handle is that same certificate, so it is encoded at the write.
 */
import { fields } from "../../log/schema.js";
import type { RecordExtension } from "../../scripts/record-extensions.js";
import type { X509Info } from "./x509.js";

export const LOG_CERTS_BASE64: RecordExtension<X509Info> = {
  script: "policy/protocols/ssl/log-certs-base64",
  fields: fields(["cert", "string"]),
  values: (info) => [Buffer.from(info.handle.der).toString("base64")],
};
