/**
 * Zeek's btests of base/protocols/ssl whose scripts print event arguments
 * (test/conformance/btest-applogs-harness replays btests that compare logs
 * only), replayed through test/helpers/btest-replay: each btest's commands
 * are read from it at test time, its handlers have a TypeScript twin
 * printing as Zeek's `print` does, and every file it compares (printed
 * lines, the ssl.log and x509.log some also compare) is compared with its
 * baseline. Zeek's source and the corpus traces are the oracles: without
 * them the tests skip, saying so.
 *
 * Left out:
 * - ocsp-revoked: replayed with the other OCSP btests in test/files/file-analysis-btests.
 * - tls-1.2-late-protocol-error, tls-protocol-violation, max-history-length: they print no events (they compare logs or stderr).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { CIPHER_DESC, EC_CURVES, nameOf, versionString } from "../../../src/analyzer/app/ssl/consts.js";
import type { PskIdentity, SignatureAndHashAlgorithm } from "../../../src/analyzer/app/ssl/events.js";
import { sslInfoOf } from "../../../src/analyzer/app/ssl/log.js";
import type { Engine } from "../../../src/engine.js";
import type { Connection } from "../../../src/event/records.js";
import { distinguishedName } from "../../../src/files/x509/cert.js";
import type { X509Extension } from "../../../src/files/x509/ext-print.js";
import { x509OcspVerify } from "../../../src/files/x509/functions.js";
import { x509InfoOf } from "../../../src/files/x509/x509.js";
import { type BtestSuite, btestText, type ReplayBtest, readBtest, replayBtest, replayRun, type Twin, type ZeekRun } from "../../helpers/btest-replay.js";
import { zeekConnId, zeekDouble, zeekRecord, zeekString } from "../../helpers/zeek-print.js";
import { MOZILLA_CA_LIST, zeekRootCertificates } from "../../helpers/zeek-root-certs.js";
import { baselineLines, btestOraclesMissing, zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/ssl";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its SSL btests" };

/**
 * A twin of an SSL btest's handlers: `print a, b` as print("a", "b"), each
 * string escaped as Zeek's print does; `script` is the btest's text (tables
 * it declares).
 */
type SslTwin = (engine: Engine, print: (...values: string[]) => void, script: string) => void;

/** Zeek's `print` of a vector of counts. */
const countVec = (v: readonly number[]): string => `[${v.join(", ")}]`;

/** Zeek's `print` of an X509::Extension (short_name optional). */
const extension = (e: X509Extension): string =>
  zeekRecord([
    ["name", e.name],
    ["short_name", e.short_name],
    ["oid", e.oid],
    ["critical", e.critical],
    ["value", e.value],
  ]);

const tf = (b: boolean): string => (b ? "T" : "F");

/** `bytestring_to_hexstr`: two lowercase hex digits a byte. */
const hex = (s: string): string => Buffer.from(s, "latin1").toString("hex");

/**
 * A `const NAME: table[count] of string = { [N] = "…", … }` of a Zeek script
 * (consts.zeek's SSL tables bronze keeps no copy of, or the btest's own), as
 * a lookup with those tables' unknown-N default.
 */
function constTable(text: string, name: string): (code: number) => string {
  const body = new RegExp(`const ${name}: table\\[count\\] of string = \\{([^}]*)\\}`).exec(text)?.[1];
  assert.ok(body !== undefined, `the table ${name} is in its script`);
  const rows = new Map([...body.matchAll(/\[(\d+)\] = "([^"]*)"/g)].map((m) => [Number(m[1]), m[2]!] as const));
  return (code) => rows.get(code) ?? `unknown-${code}`;
}

/** One of consts.zeek's SSL tables, read from Zeek's source. */
const sslTable = (name: string): ((code: number) => string) => constTable(zeek?.read("scripts/base/protocols/ssl/consts.zeek") ?? "", name);

/** Zeek's `print` of a vector of strings. */
const stringVec = (v: readonly string[]): string => `[${v.join(", ")}]`;

/** Zeek's `print` of a vector of records whose fields are all counts or strings (named in declaration order). */
function recordVec<R extends object>(v: readonly R[], names: readonly (keyof R & string)[]): string {
  return `[${v.map((r) => zeekRecord(names.map((n) => [n, r[n] as string | number] as const))).join(", ")}]`;
}

/** Zeek's `print` of a vector of SSL::SignatureAndHashAlgorithm. */
const sigAlgs = (v: readonly SignatureAndHashAlgorithm[]): string => recordVec(v, ["HashAlgorithm", "SignatureAlgorithm"]);

/** Zeek's `print` of a psk_identity_vec. */
const pskIdentities = (v: readonly PskIdentity[]): string => recordVec(v, ["identity", "obfuscated_ticket_age"]);

const TWINS: Readonly<Record<string, SslTwin>> = {
  certificate_request: (engine, print) => {
    engine.on("ssl_certificate_request", (_c, _isClient, types, algs, cas) => {
      print(countVec(types));
      print(sigAlgs(algs));
      for (const ca of cas) {
        print(ca);
        print(distinguishedName(Buffer.from(ca, "latin1")));
      }
      print("========");
    });
    engine.on("ssl_extension_signature_algorithm", (_c, isClient, algs) => print("extension_signature_algorithm", tf(isClient), sigAlgs(algs)));
  },
  "dtls-13": (engine, print) => {
    engine.on("ssl_client_hello", (c, v, rv) => print("CH", zeekConnId(c.id), String(v), String(rv)));
    engine.on("ssl_server_hello", (c, v, rv) => print("SH", zeekConnId(c.id), String(v), String(rv)));
    engine.on("ssl_extension_connection_id", (c, isClient, cid) => print("CID", zeekConnId(c.id), tf(isClient), cid));
    engine.on("ssl_encrypted_data", (c, isClient, rv, ct, len) => print("Encrypted", zeekConnId(c.id), tf(isClient), String(rv), String(ct), String(len)));
  },
  dpd: (engine, print) => {
    engine.on("zeek_init", () => print("Start test run"));
    engine.on("ssl_client_hello", (c, v) => print("Client hello", c.id.orig_h, c.id.resp_h, String(v)));
  },
  // Zeek 9.1 has no protocol_violation event any more (its handler never runs): the twin prints its
  // successor's, analyzer_violation_info, so that the btest's point holds: DTLS on DNS raises none.
  "dtls-no-dtls": (engine, print) => {
    engine.on("zeek_init", () => assert.ok(engine.registerForPort("ANALYZER_DTLS", 53, "udp"), "DTLS registered for 53/udp"));
    engine.on("analyzer_violation_info", (tag, info) => info.c !== undefined && print(zeekConnId(info.c.id), tag, info.reason));
  },
  "dtls-stun-dpd": (engine, print) => {
    engine.on("ssl_client_hello", (_c, v, _rv, _ts, random, sid, ciphers) => print(String(v), random, sid, countVec(ciphers)));
    engine.on("ssl_extension", (_c, isClient, code) => print(tf(isClient), String(code)));
  },
  "handshake-events": (engine, print) => {
    const ends = (c: Connection): string[] => [c.id.orig_h, c.id.resp_h];
    engine.on("ssl_established", (c) => print("Established", ...ends(c)));
    engine.on("ssl_handshake_message", (c, isClient, type, len) => print("Handshake", ...ends(c), tf(isClient), String(type), String(len)));
    engine.on("ssl_change_cipher_spec", (c, isClient) => print("CCS", ...ends(c), tf(isClient)));
    engine.on("ssl_plaintext_data", (c, isClient, rv, ct, len) =>
      print("Plaintext data", ...ends(c), tf(isClient), versionString(rv), String(ct), String(len)),
    );
    engine.on("ssl_encrypted_data", (c, isClient, rv, ct, len) =>
      print("Encrypted data", ...ends(c), tf(isClient), versionString(rv), String(ct), String(len)),
    );
  },
  "tls13-experiment": (engine, print) =>
    engine.on("ssl_extension", (_c, isClient, code, val) => {
      if (!isClient && code === 43) print(hex(val));
    }),
  "tls-extension-events": (engine, print, script) => {
    const hashName = constTable(script, "hash_algorithms");
    const sigName = constTable(script, "signature_algorithms");
    const pointFormat = sslTable("ec_point_formats");
    const ends = (c: Connection): string[] => [c.id.orig_h, c.id.resp_h];
    engine.on("ssl_extension_elliptic_curves", (c, _isClient, curves) => {
      print("Curves", ...ends(c));
      for (const curve of curves) print(nameOf(EC_CURVES, curve));
    });
    engine.on("ssl_extension_ec_point_formats", (c, isClient, formats) => {
      print("Point formats", ...ends(c), tf(isClient));
      for (const f of formats) print(pointFormat(f));
    });
    engine.on("ssl_extension_application_layer_protocol_negotiation", (c, _isClient, protocols) => print("ALPN", ...ends(c), stringVec(protocols)));
    engine.on("ssl_extension_server_name", (c, _isClient, names) => print("server_name", ...ends(c), stringVec(names)));
    engine.on("ssl_extension_signature_algorithm", (c, _isClient, algs) => {
      print("signature_algorithm", ...ends(c));
      for (const a of algs) print(hashName(a.HashAlgorithm), sigName(a.SignatureAlgorithm));
    });
    engine.on("ssl_extension_signature_algorithms_cert", (c, isClient, schemes) =>
      print("ssl_extension_signature_algorithms_cert", ...ends(c), tf(isClient), countVec(schemes)),
    );
    engine.on("ssl_extension_supported_versions", (c, _isClient, versions) => {
      print("supported_versions", ...ends(c));
      for (const v of versions) print(versionString(v));
    });
    engine.on("ssl_extension_psk_key_exchange_modes", (c, _isClient, modes) => {
      print("psk_key_exchange_modes", ...ends(c));
      for (const m of modes) print(String(m));
    });
    engine.on("ssl_extension_pre_shared_key_client_hello", (c, _isClient, identities, binders) =>
      print("pre_shared_key client hello", ...ends(c), pskIdentities(identities), stringVec(binders)),
    );
    engine.on("ssl_extension_pre_shared_key_server_hello", (c, _isClient, selected) => print("pre_shared_key server hello", ...ends(c), String(selected)));
  },
  tls13: (engine, print) => {
    engine.on("ssl_extension_key_share", (c, isClient, curves) => {
      print("key_share", zeekConnId(c.id), tf(isClient));
      for (const curve of curves) print(nameOf(EC_CURVES, curve));
    });
    engine.on("ssl_established", (c) => print("established", zeekConnId(c.id)));
    engine.on("ssl_encrypted_data", (c, isClient, rv, ct) => print("encrypted", zeekConnId(c.id), tf(isClient), versionString(rv), String(ct)));
    engine.on("ssl_client_hello", (_c, v, rv) => print("client", versionString(rv), versionString(v)));
    engine.on("ssl_server_hello", (_c, v, rv) => print("server", versionString(rv), versionString(v)));
  },
  tls13_encrypted_handshake_events: (engine, print) => {
    engine.on("ssl_encrypted_data", (c, isClient, rv, ct) => print("encrypted", zeekConnId(c.id), tf(isClient), versionString(rv), String(ct)));
    engine.on("ssl_established", () => print("Established!"));
    engine.on("ssl_probable_encrypted_handshake_message", (_c, isClient, len) => print("Probable handshake", tf(isClient), String(len)));
  },
  "tls13-encrypted-client-hello": (engine, print) => {
    const extensionName = sslTable("extensions");
    engine.on("ssl_extension", (_c, isClient, code) => print(tf(isClient), extensionName(code)));
    engine.on("ssl_extension_elliptic_curves", (c, _isClient, curves) => {
      print("Curves", c.id.orig_h, c.id.resp_h);
      for (const curve of curves) print(nameOf(EC_CURVES, curve));
    });
  },
  common_name: (engine, print) => engine.on("x509_certificate", (_f, _ref, cert) => print(cert.cn ?? "No CN")),
  comp_methods: (engine, print) => {
    engine.on("ssl_client_hello", (_c, _v, _rv, _ts, _r, _sid, _ciphers, comp) => print(countVec(comp)));
    engine.on("ssl_server_hello", (_c, _v, _rv, _ts, _r, _sid, _cipher, comp) => print(String(comp)));
  },
  dhe: (engine, print) => engine.on("ssl_dh_server_params", (_c, _p, _q, ys) => print("key length in bits", String(ys.length * 8))),
  fragment: (engine, print) => engine.on("x509_ext_subject_alternative_name", (_f, ext) => print(String(ext.dns?.length ?? 0))),
  "ocsp-empty-responderid": (engine, print) =>
    engine.on("ocsp_response_bytes", (_f, status, version, responder, producedAt, sigAlg, certs) =>
      print(status, String(version), responder, String(responder.length), zeekDouble(producedAt), sigAlg, String(certs.length)),
    ),
  "session-ticket": (engine, print) => engine.on("ssl_session_ticket_handshake", (_c, hint, ticket) => print(String(hint), ticket)),
  "tls-1.2-ciphers": (engine, print) =>
    engine.on("ssl_client_hello", (_c, _v, _rv, _ts, _r, _sid, ciphers) => {
      print(`Got ${ciphers.length} cipher suites`);
      for (const cipher of ciphers) print(nameOf(CIPHER_DESC, cipher));
    }),
  "tls-1.2-random": (engine, print) => {
    engine.on("ssl_client_hello", (_c, _v, _rv, _ts, random) => print(random));
    engine.on("ssl_server_hello", (_c, _v, _rv, _ts, random) => print(random));
  },
  "tls-1.2": (engine, print) => {
    engine.on("ssl_client_hello", (_c, v, rv) => print("client", versionString(rv), versionString(v)));
    engine.on("ssl_server_hello", (_c, v, rv) => print("server", versionString(rv), versionString(v)));
  },
  "tls-ech": (engine, print) =>
    engine.on("ssl_extension_encrypted_client_hello", (c, _isClient, kdf, aead, config, enc, payloadLength) =>
      print(
        "ssl_extension_encrypted_client_hello",
        c.id.orig_h,
        c.id.resp_h,
        String(kdf),
        String(aead),
        String(config),
        String(enc.length),
        String(payloadLength),
      ),
    ),
  x509_extensions: (engine, print) =>
    engine.on("x509_extension", (_f, ext) => {
      if (ext.short_name !== "crlDistributionPoints") print(extension(ext));
    }),
  "x509-invalid-extension": (engine, print) =>
    engine.on("x509_extension", (_f, ext) => {
      if (ext.oid !== "1.3.6.1.5.5.7.1.12") return;
      print(ext.short_name ?? "UNDEF");
      print(ext.value);
    }),
};

/** The replay's twin of an SSL twin: strings escaped as `print` does, the btest's text at hand. */
const replayTwin =
  (twin: SslTwin, script: string): Twin =>
  (engine, print) =>
    twin(engine, (...values) => print(...values.map(zeekString)), script);

for (const [name, twin] of Object.entries(TWINS)) {
  test(`Zeek's btest ssl/${name}: the printed event arguments and the files it compares`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b === null) return;
    await replayBtest(b, replayTwin(twin, btestText(b.zeek, DIR, name)));
  });
}

/** A zeek run of one corpus trace under -b, printing to `stdout`, the btest's loads and twin in effect: for the btests whose runs load their own script files. */
function bareRun(trace: string, stdout: string): ZeekRun {
  return { bare: true, ignoreChecksums: false, trace, settings: [], loads: [], stdout, append: false, stderr: ".stderr", pipe: null, input: true };
}

/** A btest whose runs load its own script files (@TEST-START-FILE), which the replay cannot read: its loads, replayed run by run. */
const ownFilesBtest = (name: string, loads: string[]): ReplayBtest => ({
  zeek: zeek!,
  baseline: `scripts.base.protocols.ssl.${name}`,
  steps: [],
  loads,
  settings: [],
  options: new Map(),
});

/** The twins of psk's two script files (each loads base/protocols/ssl). */
const PSK_FILES: Readonly<Record<string, SslTwin>> = {
  "psk_client.zeek": (engine, print) =>
    engine.on("ssl_extension_pre_shared_key_client_hello", (_c, _isClient, identities) => print("pre_shared_key client hello", pskIdentities(identities))),
  "psk_server.zeek": (engine, print) =>
    engine.on("ssl_extension_pre_shared_key_server_hello", (_c, _isClient, selected) => print("pre_shared_key server hello", String(selected))),
};

/**
 * ssl/psk runs one trace with its client script, its server script, then
 * both (each event's handler alone must see it): each run's script files
 * are read from the command line, and each output compared with its baseline.
 */
test("Zeek's btest ssl/psk: the pre_shared_key events, each with its handler alone and together", async (t) => {
  if (zeek === null) {
    btestOraclesMissing(t, zeek, "its SSL btests", []);
    return;
  }
  const text = zeek.read(`${DIR}/psk.zeek`);
  const runs = [...text.matchAll(/@TEST-EXEC:\s*zeek -b -r \$TRACES\/(\S+)((?:\s+\S+\.zeek)+)\s*>\s*(\S+)$/gm)];
  assert.equal(runs.length, 3, "psk: three zeek runs");
  // Both script files load the same scripts: the runs load what the files do.
  const loads = [...new Set([...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!))];
  for (const [, trace, scriptFiles, output] of runs) {
    if (btestOraclesMissing(t, zeek, "its SSL btests", [trace!])) return;
    const twins = scriptFiles!.trim().split(/\s+/);
    const written = await replayRun(ownFilesBtest("psk", loads), bareRun(trace!, output!), (engine, print) => {
      for (const f of twins) {
        const twin = PSK_FILES[f];
        assert.ok(twin !== undefined, `psk: a twin of ${f}`);
        replayTwin(twin, text)(engine, print, trace!, new Map());
      }
    });
    const out = (written.get(output!) ?? "").split("\n").filter((l) => l !== "");
    assert.deepEqual(out, baselineLines(zeek, `scripts.base.protocols.ssl.psk/${output}`), `psk: ${output}`);
  }
});

/** The columns keyexchange's script adds to SSL::Info, as it fills them from the handshake's events (Zeek's script in the btest). */
const KEYEXCHANGE_COLUMNS = [
  "client_record_version",
  "client_random",
  "client_cipher_suites",
  "server_record_version",
  "server_random",
  "server_dh_p",
  "server_dh_q",
  "server_dh_Ys",
  "server_ecdh_point",
  "server_signature_sig_alg",
  "server_signature_hash_alg",
  "server_signature",
  "server_cert_sha1",
  "client_rsa_pms",
  "client_dh_Yc",
  "client_ecdh_point",
] as const;
type KeyExchange = Partial<Record<(typeof KEYEXCHANGE_COLUMNS)[number], string>>;

/** The twin of keyexchange's handlers: each connection's added columns, by uid (a log's text: "(empty)" for an empty string). */
function keyExchangeTwin(engine: Engine, rows: Map<string, KeyExchange>): void {
  const row = (c: Connection): KeyExchange => rows.get(c.uid) ?? rows.set(c.uid, {}).get(c.uid)!;
  const hexText = (s: string): string => (s === "" ? "(empty)" : hex(s));
  // cert_chain[0]$sha1: the sha1 of the first certificate file the server sent.
  const firstCertSha1 = new Map<string, string>();
  engine.on("file_hash", (f, kind, hash) => {
    if (kind !== "sha1" || !(f.source === "SSL" || f.source === "DTLS") || f.is_orig !== false) return;
    for (const uid of f.conns.keys()) if (!firstCertSha1.has(uid)) firstCertSha1.set(uid, hash);
  });
  engine.on("ssl_established", (c) => {
    const sha1 = firstCertSha1.get(c.uid);
    if (sha1 !== undefined) row(c).server_cert_sha1 = sha1;
  });
  engine.on("ssl_client_hello", (c, _v, rv, _ts, random, _sid, ciphers) => {
    Object.assign(row(c), { client_random: hexText(random), client_record_version: versionString(rv) });
    row(c).client_cipher_suites = ciphers.map((x) => nameOf(CIPHER_DESC, x)).join(",") || "(empty)";
  });
  engine.on("ssl_server_hello", (c, _v, rv, _ts, random) =>
    Object.assign(row(c), { server_random: hexText(random), server_record_version: versionString(rv) }),
  );
  engine.on("ssl_dh_server_params", (c, p, q, ys) => Object.assign(row(c), { server_dh_p: hexText(p), server_dh_q: hexText(q), server_dh_Ys: hexText(ys) }));
  engine.on("ssl_ecdh_server_params", (c, _curve, point) => void (row(c).server_ecdh_point = hexText(point)));
  engine.on("ssl_server_signature", (c, alg, signature) =>
    Object.assign(row(c), {
      server_signature_sig_alg: String(alg.SignatureAlgorithm),
      server_signature_hash_alg: String(alg.HashAlgorithm),
      server_signature: hexText(signature),
    }),
  );
  engine.on("ssl_rsa_client_pms", (c, pms) => void (row(c).client_rsa_pms = hexText(pms)));
  engine.on("ssl_dh_client_params", (c, yc) => void (row(c).client_dh_Yc = hexText(yc)));
  engine.on("ssl_ecdh_client_params", (c, point) => void (row(c).client_ecdh_point = hexText(point)));
}

/**
 * ssl/keyexchange compares an ssl.log its script extends with the key
 * exchange's values: each run's ssl.log rows (bronze's base columns), with
 * the twin's columns appended, against the baseline's rows; and the
 * baseline's #fields are bronze's with the added columns.
 */
test("Zeek's btest ssl/keyexchange: the key exchange events' values, as the columns its script adds to ssl.log", async (t) => {
  if (zeek === null) {
    btestOraclesMissing(t, zeek, "its SSL btests", []);
    return;
  }
  const text = zeek.read(`${DIR}/keyexchange.test`);
  const traces = [...text.matchAll(/@TEST-EXEC:\s*zeek -b -r \$TRACES\/(\S+) %INPUT$/gm)].map((m) => m[1]!);
  assert.equal(traces.length, 6, "keyexchange: six zeek runs");
  if (btestOraclesMissing(t, zeek, "its SSL btests", traces)) return;
  const loads = [...text.matchAll(/^@load\s+(\S+)/gm)].map((l) => l[1]!);
  const got: string[] = [];
  let fields = "";
  for (const trace of traces) {
    const rows = new Map<string, KeyExchange>();
    const files = await replayRun(ownFilesBtest("keyexchange", loads), bareRun(trace, ".stdout"), (engine) => keyExchangeTwin(engine, rows));
    for (const line of (files.get("ssl.log") ?? "").split("\n")) {
      if (line.startsWith("#fields\t")) fields = [line, ...KEYEXCHANGE_COLUMNS].join("\t");
      if (line === "" || line.startsWith("#")) continue;
      const added = rows.get(line.split("\t")[1]!) ?? {};
      got.push([line.replace(/^\d+\.\d+\t/, "XXXXXXXXXX.XXXXXX\t"), ...KEYEXCHANGE_COLUMNS.map((k) => added[k] ?? "-")].join("\t"));
    }
  }
  const want = baselineLines(zeek, "scripts.base.protocols.ssl.keyexchange/ssl-all.log");
  assert.equal(
    fields,
    want.find((l) => l.startsWith("#fields\t")),
  );
  assert.deepEqual(
    got,
    want.filter((l) => !l.startsWith("#")),
  );
});

/**
 * ocsp-stapling: x509_ocsp_verify of the stapled response against
 * SSL::root_certs as its run had them: Zeek's mozilla-ca-list.zeek and the
 * root its script's redef adds, both read from Zeek's source.
 */
test("Zeek's btest ssl/ocsp-stapling: the stapled response's length and x509_ocsp_verify's result on the server's chain", async (t) => {
  const b = readBtest(t, SUITE, "ocsp-stapling");
  if (b === null || zeek === null) return;
  // SSL::root_certs: the default list, then the entry the script's `redef SSL::root_certs += {…}` adds.
  const redef = /^redef SSL::root_certs \+= \{([\s\S]*?)^\};/m.exec(btestText(zeek, DIR, "ocsp-stapling"))?.[1] ?? "";
  const roots = [...zeekRootCertificates(zeek.read(MOZILLA_CA_LIST)), ...zeekRootCertificates(redef)];
  await replayBtest(b, (engine, print) =>
    engine.on("ssl_stapled_ocsp", (c, isClient, response) => {
      const chain = (sslInfoOf(engine, c)?.certChain ?? []).flatMap((f) => {
        const x = x509InfoOf(f);
        return x === undefined ? [] : [x.handle.der];
      });
      print(isClient ? "T" : "F", String(response.length));
      // x509_ocsp_verify's verify_time defaults to network time.
      const r = x509OcspVerify(chain, Buffer.from(response, "latin1"), roots, engine.clock.now);
      print(
        zeekRecord([
          ["result", r.result],
          ["result_string", r.result_string],
          // x509_ocsp_verify sets no chain: a chain here would print otherwise than the baseline.
          ["chain_certs", r.chain_certs === undefined ? undefined : `${r.chain_certs.length} certificates`],
        ]),
      );
    }),
  );
});
