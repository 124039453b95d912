/**
 * Zeek's btests of base/protocols/krb whose scripts print event arguments,
 * replayed through test/helpers/btest-replay: their commands read
 * from Zeek's source, their handlers twinned, every file they compare as
 * Zeek's baseline. Zeek's source and the corpus traces are the oracles:
 * without them the tests skip, saying so.
 *
 * smb2_krb decrypts the ticket of an AP-REQ inside SMB's GSSAPI with the
 * keytab the btest copies into its folder (KRB::keytab); smb2_krb_nokeytab
 * has none. Their scripts register SMB for 445/tcp and 139/tcp in zeek_init,
 * as the twins do; smb2_krb_nokeytab's also registers SMB as a file protocol
 * with stub file-handle functions, only so that Zeek does not warn of
 * missing ones: bronze's SMB file handles need no script, and its .stderr is
 * compared (empty, as Zeek's).
 *
 * Left out:
 * - error-preauth-padata, krb-service-name, smb_gssapi, tgs: logs only,
 *   replayed by test/conformance/btest-applogs.
 */
import { test } from "node:test";
import type { KrbTicket } from "../../../src/analyzer/app/krb/events.js";
import { type BtestSuite, readBtest, replayBtest, type Twin } from "../../helpers/btest-replay.js";
import { zeekString } from "../../helpers/zeek-print.js";
import { zeekFields } from "../../helpers/zeek-print-extra.js";
import { zeekSource } from "../../signatures/btest-harness.js";

const SUITE: BtestSuite = { zeek: zeekSource(), dir: "testing/btest/scripts/base/protocols/krb", what: "its KRB btests" };

const tf = (b: boolean): string => (b ? "T" : "F");

/** Zeek's print of a KRB::Ticket (its optional fields unset as <uninitialized>). */
const ticket = (t: KrbTicket): string => zeekFields(t, ["pvno", "realm", "service_name", "cipher", "ciphertext", "authenticationinfo"]);

const BTESTS: ReadonlyArray<{ name: string; what: string; twin: Twin }> = [
  {
    name: "kinit",
    what: "an AP request's ticket and options, with kerberos.log",
    twin: (engine, print) =>
      engine.on("krb_ap_request", (_c, t, opts) => {
        print("KRB_AP_REQUEST");
        print(ticket(t));
        print(zeekFields(opts, ["use_session_key", "mutual_required"]));
      }),
  },
  {
    name: "enc_part",
    what: "AS responses' encrypted parts",
    twin: (engine, print) =>
      engine.on("krb_as_response", (c, rep) => {
        print("as_response", c.uid);
        print(zeekFields(rep.enc_part, ["kvno", "cipher", "ciphertext"]));
      }),
  },
  {
    name: "pa_data",
    what: "AS requests' pre-authentication data",
    twin: (engine, print) =>
      engine.on("krb_as_request", (c, msg) => {
        // `|msg$pa_data|` of an unset field is a runtime error that ends the handler: it prints nothing then.
        if ((msg.pa_data?.length ?? 0) === 0) return;
        print("as_request with pa_adata", c.uid);
        for (const pa of msg.pa_data ?? []) print(zeekFields(pa, ["data_type", "val"]));
      }),
  },
  {
    name: "ap-req-in-kdc-padata",
    what: "an AP request inside a TGS request's padata, to handlers of the new and the old prototype",
    twin: (engine, print) => {
      // `ticket?$realm ? ticket$realm : "<no realm>"`: a ticket's realm is a required field of its ASN.1, always set in bronze's record.
      engine.on("krb_ap_request", (c, t, _opts, inKdcPadata) =>
        print("krb_ap_request", c.uid, `${c.id.resp_p}/${c.id.transport}`, tf(inKdcPadata), zeekString(t.realm)),
      );
      engine.on("krb_ap_request", (c) => print("krb_ap_request (old prototype)", c.uid));
    },
  },
  {
    name: "smb2_krb",
    what: "the client of an SMB2 session's Kerberos ticket, decrypted with a keytab",
    twin: (engine, print) => {
      engine.on("zeek_init", () => {
        for (const port of [445, 139]) engine.registerForPort("ANALYZER_SMB", port);
      });
      engine.on("krb_ap_request", (_c, t) => print(t.authenticationinfo ?? "<uninitialized>"));
    },
  },
  {
    name: "smb2_krb_nokeytab",
    what: "no keytab: the ticket's authenticationinfo unset, nothing on standard error",
    twin: (engine, print) => {
      engine.on("zeek_init", () => {
        for (const port of [445, 139]) engine.registerForPort("ANALYZER_SMB", port);
      });
      engine.on("krb_ap_request", (_c, t) => print(tf(t.authenticationinfo !== undefined)));
    },
  },
];

for (const { name, what, twin } of BTESTS) {
  test(`Zeek's btest krb/${name}: ${what}, as Zeek's baseline`, async (t) => {
    const b = readBtest(t, SUITE, name);
    if (b !== null) await replayBtest(b, twin);
  });
}
