#!/bin/sh
# Makes udp-misc-loopback.pcap: real Debian clients on loopback (apt-get install
# sntp chrony freeradius-utils sipsak; logger is in bsdutils), answered by
# chronyd (NTP) and by udp-misc-responders.py (a syslog sink, a RADIUS server
# that accepts "alice" with the secret testing123, a SIP UAS that answers 200).
# Run as root from this directory.
set -e
dir=$(mktemp -d)
cat > "$dir/chrony.conf" <<CONF
port 123
allow 127.0.0.1
local stratum 8
cmdport 0
driftfile $dir/drift
pidfile $dir/chronyd.pid
CONF
tcpdump -i lo -U -s 0 -w udp-misc-loopback.pcap 'udp and (port 514 or port 123 or port 1812 or port 5060)' & dump=$!
python3 udp-misc-responders.py & resp=$!
chronyd -f "$dir/chrony.conf" -x -d & chrony=$!
sleep 2
logger --rfc3164 -n 127.0.0.1 -P 514 -d -p local3.warning -t bronze "hello from bronze's loopback test"
logger --rfc3164 -n 127.0.0.1 -P 514 -d -p auth.info -t sshd "Accepted publickey for alice"
sntp 127.0.0.1
printf 'User-Name = "alice"\nUser-Password = "secret"\nCalling-Station-Id = "00-14-22-E9-54-5E"\n' | radclient -r 1 127.0.0.1:1812 auth testing123
printf 'User-Name = "mallory"\nUser-Password = "guess"\n' | radclient -r 1 127.0.0.1:1812 auth testing123 || true
sipsak -s sip:bob@127.0.0.1
sleep 1
kill $dump $chrony $resp
rm -rf "$dir"
