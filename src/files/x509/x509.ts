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
import { fields, type LogField, type LogValue } from "../../log/schema.js";
import type { AnalyzerScriptHost, ScriptHost } from "../../scripts/host.js";
import { addAppEventTrace, zeekJson } from "../../scripts/misc/app-event-trace.js";
import type { ProtocolScript } from "../../scripts/protocols.js";
import { extendedFields, loadedExtensions, type RecordExtension, writeExtended } from "../../scripts/record-extensions.js";
import { sha256SoFar } from "../analyzers.js";
import type { FaFile } from "../file.js";
import { fileWeird, onFileManager } from "../manager.js";
import { type CertExtension, type ParsedCertificate, parseCertificate, type X509BasicConstraints, type X509CertRecord, type X509San } from "./cert.js";
import { certificateCacheOf, loadCertificateEventCache } from "./certificate-event-cache.js";
import type { X509Extension } from "./ext-print.js";
import { LOG_CERTS_BASE64 } from "./log-certs-base64.js";
import { LOG_HOSTCERTS_ONLY } from "./log-hostcerts-only.js";
import { loadOcspLog } from "./ocsp.js";
import { raiseSct } from "./sct.js";
import { WholeFileAnalyzer } from "./whole-file.js";

/** Zeek's opaque of x509: the certificate's DER bytes (and their SHA-256, when the analyzer computed it). */
export interface X509Handle {
  readonly der: Uint8Array;
  /** Hex SHA-256 of `der` (X509::hash_function's result, computed once). */
  readonly sha256?: string;
}

export interface X509Events {
  x509_certificate: [f: FaFile, cert_ref: X509Handle, cert: X509CertRecord];
  x509_extension: [f: FaFile, ext: X509Extension];
  x509_ext_basic_constraints: [f: FaFile, ext: X509BasicConstraints];
  x509_ext_subject_alternative_name: [f: FaFile, ext: X509San];
}
declare module "../../event/events.js" {
  interface EventMap extends X509Events {}
}
registerEvents<X509Events>({ x509_certificate: true, x509_extension: true, x509_ext_basic_constraints: true, x509_ext_subject_alternative_name: true });

/** The MIME types certificates are handed in with (and the one PKIX files sniff as). */
export const X509_MIME_TYPES: ReadonlySet<string> = new Set(["application/x-x509-user-cert", "application/x-x509-ca-cert", "application/pkix-cert"]);

/** A certificate bigger than this is not kept (TLS certificates are far smaller). */
const MAX_CERT_BYTES = 1 << 20;

/**
 * Parses by DER, remembered by SHA-256: the same certificate (busy servers
 * send theirs on every connection) is parsed once. Parsing is a pure
 * function of the bytes, so this changes nothing anyone sees; it is separate
 * from Zeek's script-level certificate cache below, which only takes a
 * certificate after X509::caching_required_encounters sightings.
 */
const parseMemo = new Map<string, ParsedCertificate | null>();
const PARSE_MEMO_MAX = 4096;

function parseRemembered(der: Uint8Array, sha256: string): ParsedCertificate | null {
  let parsed = parseMemo.get(sha256);
  if (parsed === undefined) {
    parsed = parseCertificate(der);
    if (parseMemo.size >= PARSE_MEMO_MAX) parseMemo.delete(parseMemo.keys().next().value!);
    parseMemo.set(sha256, parsed);
  }
  return parsed;
}

/** Each file gets records of its own, as each parse makes new ones in Zeek. */
function copyExtension(e: CertExtension): CertExtension {
  switch (e.kind) {
    case "basic_constraints":
      return { kind: e.kind, value: { ...e.value } };
    case "san":
      return { kind: e.kind, value: copySan(e.value) };
    case "sct":
      return e;
    case "extension":
      return { kind: e.kind, value: { ...e.value } };
  }
}
function copySan(s: X509San): X509San {
  const out: X509San = { other_fields: s.other_fields };
  if (s.dns !== undefined) out.dns = [...s.dns];
  if (s.uri !== undefined) out.uri = [...s.uri];
  if (s.email !== undefined) out.email = [...s.email];
  if (s.ip !== undefined) out.ip = [...s.ip];
  return out;
}

/** The base handler of X509::x509_certificate_cache_replay: the cached certificate's events, raised for file `f`. */
function replayCached(f: FaFile, e: X509Info): void {
  const bus = f.manager.bus;
  if (bus.wants.x509_certificate) bus.queue("x509_certificate", f, e.handle, e.certificate);
  raiseExtensions(f, e.extensions_cache);
}

/** Raises the events of one certificate's extensions, in order. */
function raiseExtensions(f: FaFile, exts: readonly CertExtension[]): void {
  const bus = f.manager.bus;
  for (const e of exts) {
    if (e.kind === "extension") {
      if (bus.wants.x509_extension) bus.queue("x509_extension", f, e.value);
    } else if (e.kind === "basic_constraints") {
      if (bus.wants.x509_ext_basic_constraints) bus.queue("x509_ext_basic_constraints", f, e.value);
    } else if (e.kind === "san") {
      if (bus.wants.x509_ext_subject_alternative_name) bus.queue("x509_ext_subject_alternative_name", f, e.value);
    } else raiseSct(f, e.value);
  }
}

class X509Analyzer extends WholeFileAnalyzer {
  readonly name = "X509";
  constructor(private readonly f: FaFile) {
    super(MAX_CERT_BYTES);
  }
  protected fileEnded(der: Uint8Array): void {
    const f = this.f;
    const sha256 = sha256SoFar(f, der.length) ?? createHash("sha256").update(der).digest("hex");
    // Zeek's X509::EndOfFile: a certificate in the script's cache is not parsed; the hook replays its events.
    const cache = certificateCacheOf(f.manager);
    if (cache !== undefined) {
      const entry = cache.lookup(sha256);
      if (entry !== undefined) {
        cache.hit(f, entry, sha256);
        return;
      }
    }
    const bus = f.manager.bus;
    const weird = (name: string): void => fileWeird(bus, f.manager.clock.now, f, name);
    const parsed = parseRemembered(der, sha256);
    if (parsed === null) {
      weird("x509_cert_parse_error");
      return;
    }
    for (const name of parsed.earlyWeirds) weird(name);
    if (bus.wants.x509_certificate) bus.queue("x509_certificate", f, { der, sha256 }, { ...parsed.certificate });
    raiseExtensions(f, parsed.extensions.map(copyExtension));
    for (const name of parsed.weirds) weird(name);
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
  /** The extension events in the order they came (X509::Info's extensions_cache), for the cache's replay. */
  extensions_cache: CertExtension[];
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

/** The policy scripts that add x509.log columns or keep rows out of it. */
function x509LogExtensions(): readonly RecordExtension<X509Info>[] {
  // Made when a run starts, not at import: the extensions' modules import this one.
  return [LOG_CERTS_BASE64, LOG_HOSTCERTS_ONLY];
}
/** X509::known_log_certs_maximum_size. */
const KNOWN_MAX = 1_000_000;

export function loadX509Script(host: AnalyzerScriptHost, logs: LogManager, loads: readonly string[] = []): void {
  const extensions = loadedExtensions(x509LogExtensions(), loads);
  const limits = {
    // log-certs-base64 redefs the string bound to 0: a certificate's base64 is not cut.
    maxFieldStringBytes: extensions.includes(LOG_CERTS_BASE64) ? 0 : host.settings["X509::default_max_field_string_bytes"],
    maxFieldContainerElements: host.settings["X509::default_max_field_container_elements"],
    maxTotalContainerElements: host.settings["X509::default_max_total_container_elements"],
  };
  const log = logs.open({ path: "x509", fields: extendedFields(X509_FIELDS, extensions), limits });
  const known = new Map<string, number>();
  const now = (): number => host.clock.now;
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
        fingerprint: ref.sha256 ?? createHash("sha256").update(ref.der).digest("hex"),
        certificate: cert,
        handle: ref,
        host_cert: f.info?.mime_type === "application/x-x509-user-cert",
        client_cert: f.is_orig === true,
        extensions_cache: [],
      };
      f.scripts.set("x509", info);
    },
    { priority: 5 },
  );
  host.on(
    "x509_extension",
    (f, ext) => {
      x509InfoOf(f)?.extensions_cache.push({ kind: "extension", value: ext });
    },
    { priority: 5 },
  );
  host.on(
    "x509_ext_basic_constraints",
    (f, ext) => {
      const info = x509InfoOf(f);
      if (info === undefined) return;
      info.basic_constraints = ext;
      info.extensions_cache.push({ kind: "basic_constraints", value: ext });
    },
    { priority: 5 },
  );
  host.on(
    "x509_ext_subject_alternative_name",
    (f, ext) => {
      const info = x509InfoOf(f);
      if (info === undefined) return;
      info.san = ext;
      info.extensions_cache.push({ kind: "san", value: ext });
    },
    { priority: 5 },
  );
  host.on(
    "x509_ocsp_ext_signed_certificate_timestamp",
    (f, version, logid, timestamp, hash_alg, sig_alg, signature) => {
      x509InfoOf(f)?.extensions_cache.push({ kind: "sct", value: { version, logid, timestamp, hash_alg, sig_alg, signature } });
    },
    { priority: 5 },
  );

  host.on(
    "file_state_remove",
    (f) => {
      const info = x509InfoOf(f);
      if (info === undefined) return;
      const key = `${info.fingerprint}|${info.host_cert}|${info.client_cert}`;
      // X509::relog_known_certificates_after (an option: read at each certificate); 0: no deduplication index, every certificate is logged.
      const relogAfter = host.settings["X509::relog_known_certificates_after"];
      const seen = relogAfter === 0 ? undefined : known.get(key);
      if (seen === undefined || now() - seen >= relogAfter) {
        if (relogAfter !== 0 && (known.size < KNOWN_MAX || seen !== undefined)) known.set(key, now());
        const c = info.certificate;
        const san = info.san;
        const bc = info.basic_constraints;
        const row: LogValue[] = [
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
          san?.dns,
          san?.uri,
          san?.email,
          san?.ip,
          bc?.ca,
          bc?.path_len,
          info.host_cert,
          info.client_cert,
        ];
        writeExtended(host, row, info, extensions, (r) => log.write(r));
      }
    },
    { priority: 5 },
  );
  loadCertificateEventCache(host, replayCached, x509InfoOf);

  loadOcspLog(host, logs);
  for (const e of extensions) e.load?.(host, logs);
}

export const X509_SCRIPT: ProtocolScript = {
  script: "base/files/x509",
  load: (host, logs, loads) => loadX509Script(host, logs, loads),
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
