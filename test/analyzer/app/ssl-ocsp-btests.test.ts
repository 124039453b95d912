/**
 * Zeek's btest base/protocols/ssl/ocsp-stapling, replayed through
 * test/helpers/btest-replay beside ssl-btests.test.ts (whose own reader
 * does not take its zeek line's OpenSSL environment): its commands read from
 * Zeek's source, its ssl_stapled_ocsp handler twinned, its printed lines
 * compared with Zeek's baseline. The roots its x509_ocsp_verify is given are
 * SSL::root_certs as its run had them: Zeek's mozilla-ca-list.zeek and the
 * root its script's redef adds, both read from Zeek's source. Zeek's source
 * and the corpus trace are the oracles: without them the test skips, saying
 * so.
 */
import { test } from "node:test";
import { sslInfoOf } from "../../../src/analyzer/app/ssl/log.js";
import { x509OcspVerify } from "../../../src/files/x509/functions.js";
import { x509InfoOf } from "../../../src/files/x509/x509.js";
import { type BtestSuite, btestText, readBtest, replayBtest } from "../../helpers/btest-replay.js";
import { zeekRecord } from "../../helpers/zeek-print.js";
import { MOZILLA_CA_LIST, zeekRootCertificates } from "../../helpers/zeek-root-certs.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const zeek = zeekSource();
const DIR = "testing/btest/scripts/base/protocols/ssl";
const SUITE: BtestSuite = { zeek, dir: DIR, what: "its SSL OCSP stapling btest" };

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
