/**
 * The DNS part of misc/app-event-trace: the DNS events the corpus script
 * (app-event-trace.zeek) writes, formatted as it formats them: the header as
 * its fields, answers as answer_type, query, qtype, qclass and TTL, strings
 * JSON-quoted.
 */
import { addAppEventTrace, tf, zeekJson } from "../../../scripts/misc/app-event-trace.js";
import type { DnsAnswer, DnsMsg } from "./events.js";

function dmsg(m: DnsMsg): string {
  return (
    `id=${m.id} opcode=${m.opcode} rcode=${m.rcode} QR=${tf(m.QR)} AA=${tf(m.AA)} TC=${tf(m.TC)} RD=${tf(m.RD)} RA=${tf(m.RA)} Z=${m.Z} ` +
    `num_queries=${m.num_queries} num_answers=${m.num_answers} num_auth=${m.num_auth} num_addl=${m.num_addl}`
  );
}

function dans(a: DnsAnswer): string {
  return `answer_type=${a.answer_type} query=${zeekJson(a.query)} qtype=${a.qtype} qclass=${a.qclass} TTL=${a.TTL.toFixed(6)}`;
}

addAppEventTrace((host, emit) => {
  host.on("dns_message", (c, isOrig, msg, len) => emit("dns_message", c.uid, `is_orig=${tf(isOrig)} len=${len} ${dmsg(msg)}`));
  host.on("dns_request", (c, msg, query, qtype, qclass, original) =>
    emit("dns_request", c.uid, `${dmsg(msg)} query=${zeekJson(query)} qtype=${qtype} qclass=${qclass} original_query=${zeekJson(original)}`),
  );
  host.on("dns_rejected", (c, msg, query, qtype, qclass) =>
    emit("dns_rejected", c.uid, `${dmsg(msg)} query=${zeekJson(query)} qtype=${qtype} qclass=${qclass}`),
  );
  host.on("dns_query_reply", (c, msg, query, qtype, qclass) =>
    emit("dns_query_reply", c.uid, `${dmsg(msg)} query=${zeekJson(query)} qtype=${qtype} qclass=${qclass}`),
  );
  host.on("dns_A_reply", (c, msg, ans, a) => emit("dns_A_reply", c.uid, `${dmsg(msg)} ${dans(ans)} a=${a}`));
  host.on("dns_AAAA_reply", (c, msg, ans, a) => emit("dns_AAAA_reply", c.uid, `${dmsg(msg)} ${dans(ans)} a=${a}`));
  host.on("dns_CNAME_reply", (c, msg, ans, name) => emit("dns_CNAME_reply", c.uid, `${dmsg(msg)} ${dans(ans)} name=${zeekJson(name)}`));
  host.on("dns_PTR_reply", (c, msg, ans, name) => emit("dns_PTR_reply", c.uid, `${dmsg(msg)} ${dans(ans)} name=${zeekJson(name)}`));
  host.on("dns_MX_reply", (c, msg, ans, name, preference) =>
    emit("dns_MX_reply", c.uid, `${dmsg(msg)} ${dans(ans)} name=${zeekJson(name)} preference=${preference}`),
  );
  host.on("dns_TXT_reply", (c, msg, ans, strs) => emit("dns_TXT_reply", c.uid, `${dmsg(msg)} ${dans(ans)} strs=[${strs.map(zeekJson).join(",")}]`));
  host.on("dns_end", (c, msg) => emit("dns_end", c.uid, dmsg(msg)));
});
