#!/bin/bash
# Makes dns-loopback.pcap (run as root, from this folder): Debian 12's dnsmasq on
# 127.0.0.1:53 answering for bronze.test from its command line (A, AAAA, MX with
# its host's address as additional data, TXT, CNAME, SRV; NXDOMAIN for names it
# does not know) and dig asking for each, then once over TCP.
# dns-loopback.test.ts checks dns.log against the answers dig got.
# Needs: apt-get install dnsmasq-base bind9-dnsutils tcpdump
set -eu
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --listen-address=127.0.0.1 --port=53 --bind-interfaces \
  --address=/www.bronze.test/192.0.2.10 --address=/www.bronze.test/2001:db8::10 \
  --host-record=mail.bronze.test,192.0.2.25 --mx-host=bronze.test,mail.bronze.test,10 \
  --txt-record=bronze.test,"v=spf1 -all" --cname=web.bronze.test,www.bronze.test \
  --srv-host=_xmpp-client._tcp.bronze.test,xmpp.bronze.test,5222,0,5 \
  --local-ttl=300 --auth-ttl=300 --local=/bronze.test/ >/dev/null 2>&1 &
sleep 1
tcpdump -i lo -U -s 0 -w dns-loopback.pcap 'port 53' >/dev/null 2>&1 & dump=$!
sleep 1
d="dig @127.0.0.1 +tries=1 +time=2"
$d www.bronze.test A >/dev/null
$d www.bronze.test AAAA >/dev/null
$d bronze.test MX >/dev/null
$d bronze.test TXT >/dev/null
$d web.bronze.test A >/dev/null
$d _xmpp-client._tcp.bronze.test SRV >/dev/null
$d nothing.bronze.test A >/dev/null
$d +tcp www.bronze.test A >/dev/null
sleep 1
kill $dump; wait $dump 2>/dev/null || true
