#!/bin/sh
# Makes tls-decryption.pcap and tls-decryption.keys: today's OpenSSL s_server
# (-www) and curl on loopback (run as root, from this folder), curl writing its
# secrets to an NSS key log (SSLKEYLOGFILE). Five TLS 1.2 sessions, each a new
# connection on its own port, with one cipher suite each:
#   4441 ECDHE-RSA-CHACHA20-POLY1305   4442 ECDHE-RSA-AES128-GCM-SHA256
#   4443 ECDHE-RSA-AES256-GCM-SHA384   4444 AES128-GCM-SHA256 (RSA key exchange)
#   4445 ECDHE-RSA-AES128-SHA (CBC: bronze does not decrypt it)
# Each GETs /<suite>; ssl-decryption.test.ts checks http.log against that.
set -e
T=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=dec.bronze.test/O=bronze" \
  -addext "subjectAltName=DNS:dec.bronze.test" -keyout $T/rsa.key -out $T/rsa.pem 2>/dev/null
rm -f tls-decryption.keys
tcpdump -i lo -U -w tls-decryption.pcap "tcp portrange 4441-4445" 2>/dev/null & DUMP=$!
sleep 1
port=4441
for suite in ECDHE-RSA-CHACHA20-POLY1305 ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384 AES128-GCM-SHA256 ECDHE-RSA-AES128-SHA; do
  openssl s_server -quiet -accept 127.0.0.1:$port -cert $T/rsa.pem -key $T/rsa.key -naccept 1 -www >/dev/null 2>&1 &
  sleep 0.5
  SSLKEYLOGFILE=$PWD/tls-decryption.keys curl -sk --tlsv1.2 --tls-max 1.2 --ciphers $suite \
    --resolve dec.bronze.test:$port:127.0.0.1 https://dec.bronze.test:$port/$suite >/dev/null
  port=$((port + 1))
done
sleep 1
kill $DUMP; wait $DUMP 2>/dev/null || true
rm -rf $T
