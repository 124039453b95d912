#!/bin/sh
# Makes dhcp-veth.pcap: a real DHCP exchange between Debian's dnsmasq (server)
# and ISC dhclient (client) across a veth pair joining two network namespaces
# (apt-get install dnsmasq isc-dhcp-client iproute2 tcpdump; run as root from
# this folder). What dhcp-veth.test.ts checks dhcp.log against:
#   server 192.0.2.1 on bz0 (namespace bzsrv), domain bronze.test, router
#     192.0.2.1, lease time 3600 s, a fixed address 192.0.2.55 for the client's MAC
#   client MAC 02:00:00:00:b2:01 on bz1 (namespace bzcli), host name
#     "bronze-client", FQDN "bronze-client.bronze.test", asking for 192.0.2.55
set -e
T=$(mktemp -d)
cleanup() { ip netns del bzsrv 2>/dev/null || true; ip netns del bzcli 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
cleanup; T=$(mktemp -d)
ip netns add bzsrv
ip netns add bzcli
ip link add bz0 type veth peer name bz1
ip link set bz0 netns bzsrv
ip link set bz1 netns bzcli
ip -n bzsrv addr add 192.0.2.1/24 dev bz0
ip -n bzsrv link set bz0 up
ip -n bzcli link set bz1 address 02:00:00:00:b2:01
ip -n bzcli link set bz1 up
cat > "$T/dhclient.conf" <<CONF
send host-name "bronze-client";
send fqdn.fqdn "bronze-client.bronze.test";
send dhcp-requested-address 192.0.2.55;
request subnet-mask, routers, domain-name, domain-name-servers;
CONF
ip netns exec bzsrv tcpdump -i bz0 -U -s 0 -w dhcp-veth.pcap "udp and (port 67 or port 68)" 2>/dev/null & DUMP=$!
ip netns exec bzsrv dnsmasq --no-daemon --conf-file=/dev/null --port=0 --interface=bz0 --bind-interfaces \
  --dhcp-range=192.0.2.50,192.0.2.60,255.255.255.0,1h --dhcp-host=02:00:00:00:b2:01,192.0.2.55 \
  --domain=bronze.test --dhcp-option=option:router,192.0.2.1 --dhcp-leasefile="$T/leases" \
  --pid-file="$T/dnsmasq.pid" >/dev/null 2>&1 & SRV=$!
sleep 2
# -1: one try; the script (-sf) is a no-op so nothing on the host changes.
ip netns exec bzcli dhclient -1 -v -cf "$T/dhclient.conf" -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" -sf /bin/true bz1 2>&1 | grep -E "DHCP|bound" || true
# -r stops the client; its DHCPRELEASE never leaves (with the no-op -sf bz1 has no
# address to send it from), so the capture holds DISCOVER, OFFER, REQUEST, ACK.
ip netns exec bzcli dhclient -r -v -cf "$T/dhclient.conf" -lf "$T/dhclient.leases" -pf "$T/dhclient.pid" -sf /bin/true bz1 2>&1 | grep -E "DHCP" || true
sleep 1
kill $DUMP $SRV; wait $DUMP 2>/dev/null || true
