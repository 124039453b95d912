#!/bin/sh
# Makes tls-sessions-loopback.pcap: today's OpenSSL 3 s_server and s_client on
# loopback (run as root, from this folder), for what tls-loopback.pcap leaves
# out: client certificates, resumed sessions, a refused handshake. A CA
# (tls-ca.pem) signs the server's certificate (tls-server.pem, CN
# server.bronze.test) and the client's (tls-client.pem, CN client.bronze.test).
# Each numbered step is a new connection:
#   4441  TLS 1.2, the server asks for a client certificate and gets it; the
#         server sends its chain (leaf, then the CA)
#   4442  TLS 1.2, a full handshake saving the session (2.), then (3.) a
#         second connection resuming it (with OpenSSL's session ticket: the
#         server echoes the session id the client sent beside it)
#   4443  TLS 1.2, the server requires a client certificate and the client
#         has none: the server's alert ends the handshake
#   4444  TLS 1.3, a full handshake saving the ticket (5.), then (6.) a
#         second connection resuming with it (a pre-shared key)
set -e
T=$(mktemp -d)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Bronze Test CA/O=bronze" \
  -keyout $T/ca.key -out tls-ca.pem 2>/dev/null
leaf() {
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1/O=bronze" -keyout $T/$2.key -out $T/$2.csr 2>/dev/null
  printf "subjectAltName=DNS:%s\n" "$1" > $T/$2.ext
  openssl x509 -req -in $T/$2.csr -CA tls-ca.pem -CAkey $T/ca.key -CAcreateserial -days 3650 -extfile $T/$2.ext -out tls-$2.pem 2>/dev/null
}
leaf server.bronze.test server
leaf client.bronze.test client
tcpdump -i lo -U -s 0 -w tls-sessions-loopback.pcap "tcp portrange 4441-4444" 2>/dev/null & DUMP=$!
sleep 1
serve() {
  port=$1; shift
  openssl s_server -quiet -accept 127.0.0.1:$port -cert tls-server.pem -key $T/server.key -cert_chain tls-ca.pem \
    -CAfile tls-ca.pem "$@" -www >/dev/null 2>&1 &
}
serve 4441 -tls1_2 -naccept 1 -verify 1
serve 4442 -tls1_2 -naccept 2
serve 4443 -tls1_2 -naccept 1 -Verify 1
serve 4444 -tls1_3 -naccept 2
sleep 1
get() { port=$1; shift; printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -quiet -connect 127.0.0.1:$port -servername server.bronze.test -CAfile tls-ca.pem "$@" >/dev/null 2>&1 || true; }
get 4441 -cert tls-client.pem -key $T/client.key
get 4442 -sess_out $T/s12
get 4442 -sess_in $T/s12
get 4443
get 4444 -sess_out $T/s13
get 4444 -sess_in $T/s13
sleep 1
kill $DUMP; wait $DUMP 2>/dev/null || true
rm -rf $T tls-ca.srl
