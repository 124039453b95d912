#!/bin/sh
# Makes smtp-loopback.pcap: Debian's aiosmtpd (its Sink handler, plus the
# PIPELINING keyword) as the server and swaks as the
# client on loopback (apt-get install python3-aiosmtpd swaks openssl tcpdump;
# run as root from this folder). Three sessions to 127.0.0.1:25, each with the
# same fixed headers (Date, Subject, Message-Id, X-Mailer; no Received) and a
# text body; smtp-loopback.test.ts checks smtp.log, files.log and ssl.log:
#   1. EHLO one.bronze.test, MAIL FROM alice@, RCPT TO bob@ and carol@, one
#      command at a time, with a MIME attachment: notes.txt, the lines
#      "note 1" .. "note 50" (base64, text/plain)
#   2. EHLO two.bronze.test, the same message pipelined (--pipeline: MAIL,
#      both RCPTs and DATA in one segment; the server advertises PIPELINING)
#   3. EHLO three.bronze.test, STARTTLS first (a fresh self-signed RSA
#      certificate for CN=smtp.bronze.test): the rest is encrypted
set -e
T=$(mktemp -d)
i=1; while [ $i -le 50 ]; do echo "note $i"; i=$((i+1)); done > $T/notes.txt
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=smtp.bronze.test" -keyout $T/key.pem -out $T/cert.pem 2>/dev/null
cat > $T/server.py <<PY
import asyncio, ssl
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
class PipeliningSink(Sink):
    # aiosmtpd reads pipelined commands fine but does not advertise PIPELINING.
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return responses[:-1] + ["250-PIPELINING", responses[-1]]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain("$T/cert.pem", "$T/key.pem")
c = Controller(PipeliningSink(), hostname="127.0.0.1", port=25, tls_context=ctx, require_starttls=False, server_hostname="mail.bronze.test")
c.start()
import time
while True: time.sleep(60)
PY
tcpdump -i lo -U -s 0 -w smtp-loopback.pcap "tcp port 25" 2>/dev/null & DUMP=$!
/usr/bin/python3 $T/server.py >/dev/null 2>&1 & SRV=$!
sleep 2
send() {
  n=$1; shift
  swaks --server 127.0.0.1 --port 25 --from alice@bronze.test --to bob@bronze.test,carol@bronze.test \
    --header "Date: Thu, 03 Dec 2026 12:00:00 +0000" --header "Subject: bronze loopback $n" \
    --header "Message-Id: <$n@bronze.test>" --header "X-Mailer: bronze-swaks" \
    --body "Hello from session $n." "$@" > $T/swaks-$n.log 2>&1 || { cat $T/swaks-$n.log; exit 1; }
}
send one --ehlo one.bronze.test --attach-type text/plain --attach-name notes.txt --attach @$T/notes.txt
send two --ehlo two.bronze.test --pipeline --attach-type text/plain --attach-name notes.txt --attach @$T/notes.txt
send three --ehlo three.bronze.test --tls
sleep 1
kill $DUMP $SRV; wait $DUMP 2>/dev/null || true
rm -rf $T
