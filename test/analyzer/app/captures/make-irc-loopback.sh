#!/bin/bash
# Makes irc-loopback.pcap (run as root, from this folder): Debian 12's ngircd on
# 127.0.0.1:6667 and two scripted clients (irc-loopback-clients.py): alice and bob
# register and join #bronze, alice says hello, bob offers alice notes.txt (100
# bytes) by DCC SEND and sends it when she connects to his port.
# irc-loopback.test.ts checks irc.log, conn.log and files.log against that.
# Needs: apt-get install ngircd tcpdump
set -eu
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; sleep 0.5; rm -rf "$dir"' EXIT
cat > $dir/ngircd.conf <<CONF
[Global]
  Name = irc.bronze.test
  Info = bronze test server
  Listen = 127.0.0.1
  Ports = 6667
  PidFile = $dir/ngircd.pid
  ServerUID = nobody
  ServerGID = nogroup
[Options]
  PAM = no
  DNS = no
  Ident = no
[Limits]
  MaxConnectionsIP = 0
CONF
ngircd -n -f $dir/ngircd.conf >/dev/null 2>&1 &
sleep 1
tcpdump -i lo -U -s 0 -w irc-loopback.pcap 'tcp' >/dev/null 2>&1 & dump=$!
sleep 1
python3 irc-loopback-clients.py >/dev/null
sleep 1
kill $dump; wait $dump 2>/dev/null || true
