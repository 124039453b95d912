/**
 * Zeek's policy/protocols/ssl/decryption: TLS 1.2 sessions whose secrets
 * are known are decrypted, and what they carry is analysed (an HTTP session
 * inside gives http.log rows; its service joins "ssl" in conn.log).
 *
 * The secrets come from SSL::keylog_file (or, when that is empty, the file
 * named by the environment variable ZEEK_TLS_KEYLOG_FILE, as Zeek's
 * default), read before the trace. Its format is Zeek's input framework's
 * (`#fields client_random secret`, tab-separated, bytes escaped `\xHH`):
 * the 28 random bytes after the client hello's gmt_unix_time, and the
 * session's 48-byte master secret. bronze also reads an NSS key log (the
 * SSLKEYLOGFILE browsers and curl write): its `CLIENT_RANDOM <hex> <hex>`
 * lines give the same two values (its TLS 1.3 lines are ignored).
 *
 * As Zeek's script: the SSL analyzer stays on established sessions
 * (SSL::disable_analyzer_after_detection is turned off), and the secret is
 * handed to the connection's SSL analyzer (set_secret) at the client hello
 * and again at each ChangeCipherSpec.
 */
import { readFileSync } from "node:fs";
import type { Connection } from "../../../event/records.js";
import type { PolicyScript } from "../../../scripts/policy-scripts.js";
import { SslAnalyzer } from "./ssl.js";

/** A key log's secrets by client random (the 28 bytes after gmt_unix_time, as a byte string). */
export type TlsSecrets = Map<string, Uint8Array>;

/** Zeek's input framework's unescaping of a field: `\xHH` is a byte, every other character stays. */
function unescapeField(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

const NSS_LINE = /^CLIENT_RANDOM\s+([0-9a-fA-F]{64})\s+([0-9a-fA-F]+)\s*$/;

/**
 * The secrets of a key log: Zeek's input format (a `#fields` line naming
 * client_random and secret) or NSS's (CLIENT_RANDOM lines). Lines that are
 * neither are skipped.
 */
export function parseKeylog(text: string): TlsSecrets {
  const secrets: TlsSecrets = new Map();
  let randomColumn = -1;
  let secretColumn = -1;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    const nss = NSS_LINE.exec(line);
    if (nss !== null) {
      if (nss[2]!.length % 2 !== 0) continue;
      const random = Buffer.from(nss[1]!, "hex");
      secrets.set(random.subarray(4).toString("latin1"), new Uint8Array(Buffer.from(nss[2]!, "hex")));
      continue;
    }
    if (line.startsWith("#")) {
      if (line.startsWith("#fields\t")) {
        const names = line.split("\t").slice(1);
        randomColumn = names.indexOf("client_random");
        secretColumn = names.indexOf("secret");
      }
      continue;
    }
    if (randomColumn < 0 || secretColumn < 0) continue;
    const cells = line.split("\t");
    const random = cells[randomColumn];
    const secret = cells[secretColumn];
    if (random === undefined || secret === undefined || random === "-" || secret === "-") continue;
    const key = random === "(empty)" ? "" : unescapeField(random);
    const value = secret === "(empty)" ? "" : unescapeField(secret);
    secrets.set(key, new Uint8Array(Buffer.from(value, "latin1")));
  }
  return secrets;
}

/** The key log file the settings (or the environment) name, "" for none. */
export function keylogFile(setting: string): string {
  return setting !== "" ? setting : (process.env.ZEEK_TLS_KEYLOG_FILE ?? "");
}

export const DECRYPTION_SCRIPT: PolicyScript = {
  script: "policy/protocols/ssl/decryption",
  what: "TLS 1.2 sessions decrypted with the secrets of SSL::keylog_file (AES-GCM and ChaCha20-Poly1305 suites), their plaintext analysed",
  load(host, { reporter }) {
    host.settings["SSL::disable_analyzer_after_detection"] = false;
    const file = keylogFile(host.settings["SSL::keylog_file"]);
    let secrets: TlsSecrets = new Map();
    if (file !== "") {
      try {
        secrets = parseKeylog(readFileSync(file, "latin1"));
      } catch (error) {
        reporter.warning(`tls-keylog-file/Input::READER_ASCII: Init: cannot open ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
    }
    if (secrets.size === 0) return;
    const randoms = new WeakMap<Connection, string>();
    const setSecret = (c: Connection, random: string): void => {
      const secret = secrets.get(random);
      if (secret === undefined) return;
      const ssl = host.connectionAnalyzer?.(c, "SSL");
      if (ssl instanceof SslAnalyzer) ssl.setSecret(secret);
    };
    host.on("ssl_client_hello", (c, _version, _recordVersion, _ts, clientRandom) => {
      randoms.set(c, clientRandom);
      setSecret(c, clientRandom);
    });
    host.on("ssl_change_cipher_spec", (c) => {
      const random = randoms.get(c);
      if (random !== undefined) setSecret(c, random);
    });
  },
};
