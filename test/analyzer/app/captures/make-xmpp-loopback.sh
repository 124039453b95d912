#!/bin/bash
# Makes xmpp-loopback.pcap (run as root, from this folder): Debian 12's Prosody
# on 127.0.0.1:5222 (STARTTLS required, a self-signed certificate for
# bronze.test) and a scripted client (xmpp-loopback-client.py) that opens a
# stream, asks for STARTTLS, shakes hands with TLS (Python's ssl, OpenSSL 3)
# and opens a stream over it. xmpp-loopback.test.ts checks conn.log and ssl.log.
# Needs: apt-get install prosody tcpdump
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -f "prosody --config $dir" || true; sleep 0.5; rm -rf "$dir"' EXIT
chmod 755 $dir
mkdir -p $dir/data $dir/certs
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=bronze.test" -keyout $dir/certs/bronze.test.key -out $dir/certs/bronze.test.crt 2>/dev/null
chown -R prosody $dir/data $dir/certs
cat > $dir/prosody.cfg.lua <<CONF
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
certificates = "$dir/certs"
daemonize = false
interfaces = { "127.0.0.1" }
c2s_ports = { 5222 }
s2s_ports = { }
c2s_require_encryption = true
log = { info = "$dir/prosody.log" }
modules_enabled = { "tls", "saslauth", "disco" }
VirtualHost "bronze.test"
  ssl = { key = "$dir/certs/bronze.test.key", certificate = "$dir/certs/bronze.test.crt" }
CONF
chown prosody $dir/prosody.cfg.lua
su -s /bin/sh prosody -c "prosody --config $dir/prosody.cfg.lua" >/dev/null 2>&1 &
sleep 2
tcpdump -i lo -U -s 0 -w xmpp-loopback.pcap 'tcp port 5222' >/dev/null 2>&1 & dump=$!
sleep 1
python3 xmpp-loopback-client.py
sleep 1
kill $dump; wait $dump 2>/dev/null || true
