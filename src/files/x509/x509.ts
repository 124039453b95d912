/**
 * The X509 file analyzer and Zeek's base/files/x509 script. Certificates reach
 * the files framework from the protocols that carry them (TLS/DTLS handshakes,
 * SSLv2) with their MIME type given (application/x-x509-user-cert for the
 * peer's own, application/x-x509-ca-cert for the rest of the chain); files of
 * those types get X509, MD5, SHA1 and SHA256 (Files::register_for_mime_type).
 * X509 keeps the bytes and parses them when the file ends: x509_certificate,
 * then x509_ext_basic_constraints / x509_ext_subject_alternative_name, or the
 * weird x509_cert_parse_error. The script keeps X509::Info on the file
 * (`f.scripts.get("x509")`, which ssl.log reads) and writes x509.log when the
 * file's state is removed, once per (fingerprint, host_cert, client_cert)
 * within relog_known_certificates_after (1 day). Such files stay out of
 * files.log (X509::log_x509_in_files_log = F).
 */
import { createHash } from "node:crypto";
import { registerEvents } from "../../event/events.js";
import type { LogManager } from "../../log/manager.js";
import { fields, type LogField } from "../../log/schema.js";
import type { AnalyzerScriptHost, ScriptHost } from "../../scripts/host.js";
import { addAppEventTrace, zeekJson } from "../../scripts/misc/app-event-trace.js";
import type { ProtocolScript } from "../../scripts/protocols.js";
import type { FaFile, FileAnalyzer } from "../file.js";
import { onFileManager } from "../manager.js";
import { parseCertificate, type X509BasicConstraints, type X509CertRecord, type X509San } from "./cert.js";

/** Zeek's opaque of x509: the certificate's DER bytes. */
export interface X509Handle {
  readonly der: Uint8Array;
}

export interface X509Events {
  x509_certificate: [f: FaFile, cert_ref: X509Handle, cert: X509CertRecord];
  x509_ext_basic_constraints: [f: FaFile, ext: X509BasicConstraints];
  x509_ext_subject_alternative_name: [f: FaFile, ext: X509San];
}
declare module "../../event/events.js" {
  interface EventMap extends X509Events {}
}
registerEvents<X509Events>({ x509_certificate: true, x509_ext_basic_constraints: true, x509_ext_subject_alternative_name: true });

/** The MIME types certificates are handed in with (and the one PKIX files sniff as). */
export const X509_MIME_TYPES: ReadonlySet<string> = new Set(["application/x-x509-user-cert", "application/x-x509-ca-cert", "application/pkix-cert"]);

/** A certificate bigger than this is not kept (TLS certificates are far smaller). */
const MAX_CERT_BYTES = 1 << 20;

class X509Analyzer implements FileAnalyzer {
  readonly name = "X509";
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly f: FaFile) {}
  deliverStream(data: Uint8Array): boolean {
    if (this.size + data.length > MAX_CERT_BYTES) return false;
    this.chunks.push(data.slice());
    this.size += data.length;
    return true;
  }
  undelivered(): boolean {
    return false;
  }
  endOfFile(): void {
    const der = Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    const bus = this.f.manager.bus;
    const parsed = parseCertificate(der);
    if (parsed === null) {
      if (bus.wants.weird) bus.queue("weird", { ts: this.f.manager.clock.now, name: "x509_cert_parse_error", addl: this.f.id, source: "" });
      return;
    }
    if (bus.wants.x509_certificate) bus.queue("x509_certificate", this.f, { der }, parsed.certificate);
    if (parsed.basic_constraints !== undefined && bus.wants.x509_ext_basic_constraints)
      bus.queue("x509_ext_basic_constraints", this.f, parsed.basic_constraints);
    if (parsed.san !== undefined && bus.wants.x509_ext_subject_alternative_name) bus.queue("x509_ext_subject_alternative_name", this.f, parsed.san);
    for (const name of parsed.weirds) {
      if (bus.wants.weird) bus.queue("weird", { ts: this.f.manager.clock.now, name, addl: this.f.id, source: "" });
    }
  }
}

onFileManager((m) => m.registerAnalyzer("X509", (f) => new X509Analyzer(f)));

/** X509::Info. */
export interface X509Info {
  ts: number;
  fingerprint: string;
  certificate: X509CertRecord;
  handle: X509Handle;
  san?: X509San;
  basic_constraints?: X509BasicConstraints;
  host_cert: boolean;
  client_cert: boolean;
}

/** The X509::Info a file's certificate got, if it parsed. */
export function x509InfoOf(f: FaFile): X509Info | undefined {
  return f.scripts.get("x509") as X509Info | undefined;
}

export const X509_FIELDS: readonly LogField[] = fields(
  ["ts", "time"],
  ["fingerprint", "string"],
  ["certificate.version", "count"],
  ["certificate.serial", "string"],
  ["certificate.subject", "string"],
  ["certificate.issuer", "string"],
  ["certificate.not_valid_before", "time"],
  ["certificate.not_valid_after", "time"],
  ["certificate.key_alg", "string"],
  ["certificate.sig_alg", "string"],
  ["certificate.key_type", "string"],
  ["certificate.key_length", "count"],
  ["certificate.exponent", "string"],
  ["certificate.curve", "string"],
  ["san.dns", "vector[string]"],
  ["san.uri", "vector[string]"],
  ["san.email", "vector[string]"],
  ["san.ip", "vector[addr]"],
  ["basic_constraints.ca", "bool"],
  ["basic_constraints.path_len", "count"],
  ["host_cert", "bool"],
  ["client_cert", "bool"],
);

/** X509::default_max_field_container_elements and default_max_total_container_elements: the log stream cuts longer lists. */
const MAX_CONTAINER_ELEMENTS = 500;
const MAX_TOTAL_CONTAINER_ELEMENTS = 1500;

/** The row's lists, each cut to the stream's bounds, in column order. */
function boundedLists(lists: ReadonlyArray<string[] | undefined>): Array<string[] | undefined> {
  let left = MAX_TOTAL_CONTAINER_ELEMENTS;
  return lists.map((l) => {
    if (l === undefined) return undefined;
    const out = l.length > MAX_CONTAINER_ELEMENTS || l.length > left ? l.slice(0, Math.min(MAX_CONTAINER_ELEMENTS, left)) : l;
    left -= out.length;
    return out;
  });
}

/** X509::relog_known_certificates_after. */
const RELOG_AFTER = 86400;
/** X509::known_log_certs_maximum_size. */
const KNOWN_MAX = 1_000_000;

export function loadX509Script(host: AnalyzerScriptHost, logs: LogManager): void {
  const log = logs.open({ path: "x509", fields: X509_FIELDS });
  const known = new Map<string, number>();

  host.on(
    "file_sniff",
    (f, meta) => {
      if (meta.mime_type === undefined || !X509_MIME_TYPES.has(meta.mime_type)) return;
      f.addAnalyzer("X509");
      f.addAnalyzer("MD5");
      f.addAnalyzer("SHA1");
      f.addAnalyzer("SHA256");
    },
    { priority: 5 },
  );

  host.on(
    "x509_certificate",
    (f, ref, cert) => {
      const info: X509Info = {
        ts: f.info?.ts ?? f.last_active,
        fingerprint: createHash("sha256").update(ref.der).digest("hex"),
        certificate: cert,
        handle: ref,
        host_cert: f.info?.mime_type === "application/x-x509-user-cert",
        client_cert: f.is_orig === true,
      };
      f.scripts.set("x509", info);
    },
    { priority: 5 },
  );
  host.on(
    "x509_ext_basic_constraints",
    (f, ext) => {
      const info = x509InfoOf(f);
      if (info !== undefined) info.basic_constraints = ext;
    },
    { priority: 5 },
  );
  host.on(
    "x509_ext_subject_alternative_name",
    (f, ext) => {
      const info = x509InfoOf(f);
      if (info !== undefined) info.san = ext;
    },
    { priority: 5 },
  );

  host.on(
    "file_state_remove",
    (f) => {
      const info = x509InfoOf(f);
      if (info === undefined) return;
      const key = `${info.fingerprint}|${info.host_cert}|${info.client_cert}`;
      const now = host.clock.now;
      const seen = known.get(key);
      if (seen !== undefined && now - seen < RELOG_AFTER) return;
      if (known.size < KNOWN_MAX || seen !== undefined) known.set(key, now);
      const c = info.certificate;
      const san = info.san;
      const bc = info.basic_constraints;
      const [dns, uri, email, ip] = boundedLists([san?.dns, san?.uri, san?.email, san?.ip]);
      log.write([
        info.ts,
        info.fingerprint,
        c.version,
        c.serial,
        c.subject,
        c.issuer,
        c.not_valid_before,
        c.not_valid_after,
        c.key_alg,
        c.sig_alg,
        c.key_type,
        c.key_length,
        c.exponent,
        c.curve,
        dns,
        uri,
        email,
        ip,
        bc?.ca,
        bc?.path_len,
        info.host_cert,
        info.client_cert,
      ]);
    },
    { priority: 5 },
  );
}

export const X509_SCRIPT: ProtocolScript = {
  script: "base/files/x509",
  load: (host, logs) => loadX509Script(host, logs),
};

addAppEventTrace((host: ScriptHost, emit) => {
  host.on("x509_certificate", (f, _ref, cert) =>
    emit(
      "x509_certificate",
      f.id,
      `version=${cert.version} serial=${zeekJson(cert.serial)} subject=${zeekJson(cert.subject)} issuer=${zeekJson(cert.issuer)} ` +
        `not_valid_before=${cert.not_valid_before.toFixed(6)} not_valid_after=${cert.not_valid_after.toFixed(6)} ` +
        `key_alg=${zeekJson(cert.key_alg)} sig_alg=${zeekJson(cert.sig_alg)} key_type=${cert.key_type === undefined ? "-" : zeekJson(cert.key_type)} ` +
        `key_length=${cert.key_length ?? "-"}`,
    ),
  );
});
