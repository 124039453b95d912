#!/bin/sh
# Makes tls-loopback.pcap: today's OpenSSL s_server and curl on loopback (run as root,
# from this folder). Four sessions, each a new connection on its own port:
#   4431 RSA certificate,   TLS 1.2, SNI "rsa.bronze.test",   ALPN offered (h2, http/1.1)
#   4432 RSA certificate,   TLS 1.3, SNI "rsa.bronze.test",   no ALPN
#   4433 ECDSA certificate, TLS 1.2, no SNI (an IP literal),  ALPN offered
#   4434 ECDSA certificate, TLS 1.3, SNI "ecdsa.bronze.test", ALPN offered
# The server answers ALPN with http/1.1. tls-loopback.test.ts checks bronze's
# ssl.log and x509.log against these choices and against the certificates.
set -e
T=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=rsa.bronze.test/O=bronze" \
  -addext "subjectAltName=DNS:rsa.bronze.test" -keyout $T/rsa.key -out rsa.pem 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=ecdsa.bronze.test/O=bronze" \
  -addext "subjectAltName=DNS:ecdsa.bronze.test" -keyout $T/ec.key -out ecdsa.pem 2>/dev/null
tcpdump -i lo -U -w tls-loopback.pcap "tcp portrange 4431-4434" 2>/dev/null & DUMP=$!
sleep 1
serve() { openssl s_server -quiet -accept 127.0.0.1:$1 -cert $2 -key $3 -alpn http/1.1 -naccept 1 -www >/dev/null 2>&1 & }
serve 4431 rsa.pem $T/rsa.key; serve 4432 rsa.pem $T/rsa.key; serve 4433 ecdsa.pem $T/ec.key; serve 4434 ecdsa.pem $T/ec.key
sleep 1
curl -sk --tlsv1.2 --tls-max 1.2 --resolve rsa.bronze.test:4431:127.0.0.1 https://rsa.bronze.test:4431/ >/dev/null
curl -sk --tlsv1.3 --no-alpn --resolve rsa.bronze.test:4432:127.0.0.1 https://rsa.bronze.test:4432/ >/dev/null
curl -sk --tlsv1.2 --tls-max 1.2 https://127.0.0.1:4433/ >/dev/null
curl -sk --tlsv1.3 --resolve ecdsa.bronze.test:4434:127.0.0.1 https://ecdsa.bronze.test:4434/ >/dev/null
sleep 1
kill $DUMP; wait $DUMP 2>/dev/null || true
rm -rf $T
