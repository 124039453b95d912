#!/bin/bash
# Makes modbus-loopback.pcap (run as root, from this folder): a Modbus/TCP server
# on 127.0.0.1:502 (modbus-loopback-server.py, Debian 12's python3-pymodbus) and
# Debian's mbpoll as the master: reads of holding registers, input registers,
# coils and discrete inputs, writes of a register, of three registers and of a
# coil, each a connection of its own, then a read beyond the registers (an
# ILLEGAL_DATA_ADDRESS exception). modbus-loopback.test.ts checks modbus.log.
# Needs: apt-get install mbpoll python3-pymodbus tcpdump
set -eu
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
/usr/bin/python3 modbus-loopback-server.py >/dev/null 2>&1 &
sleep 2
tcpdump -i lo -U -s 0 -w modbus-loopback.pcap 'tcp port 502' >/dev/null 2>&1 & dump=$!
sleep 1
mb="mbpoll -m tcp -a 1 -0 -1 -q"
$mb -t 4 -r 10 -c 4 127.0.0.1 >/dev/null || echo "read holding failed"
$mb -t 3 -r 0 -c 2 127.0.0.1 >/dev/null || echo "read input failed"
$mb -t 0 -r 5 -c 8 127.0.0.1 >/dev/null || echo "read coils failed"
$mb -t 1 -r 0 -c 3 127.0.0.1 >/dev/null || echo "read discrete failed"
$mb -t 4 -r 20 127.0.0.1 42 >/dev/null || echo "write register failed"
$mb -t 4 -r 30 127.0.0.1 1 2 3 >/dev/null || echo "write registers failed"
$mb -t 0 -r 7 127.0.0.1 1 >/dev/null || echo "write coil failed"
$mb -t 4 -r 500 -c 2 127.0.0.1 >/dev/null 2>&1 || true
sleep 1
kill $dump; wait $dump 2>/dev/null || true
