#!/bin/sh
# Makes smb-loopback.pcap: Debian 12's Samba 4.17 and its smbclient on
# loopback (apt-get install samba smbclient tcpdump; run as root from this
# folder: it adds a system user "bronzesmb" without a home for Samba's
# password database, and removes it at the end). The files are made here, so
# smb-loopback.test.ts can make them again and check sizes and hashes:
#   hello.txt   the lines "line 1" .. "line 300", in the share
#   upload.txt  the lines "upload 1" .. "upload 100", put by the client
# Sessions, each a new connection to 127.0.0.1:445, user bronzesmb/secret (NTLMv2):
#   1. smbclient -L: the shares listed over srvsvc (DCE-RPC on a named pipe)
#   2. SMB 3.1.1 (smbclient's default) on the share "pub": get hello.txt,
#      put upload.txt, ls, mkdir sub, rm upload.txt
#   3. SMB 2.0.2 (-m SMB2_02) on "pub": get hello.txt
set -e
T=$(mktemp -d)
mkdir -p $T/share $T/state $T/cache $T/private $T/lock $T/pid
i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); done > $T/share/hello.txt
i=1; while [ $i -le 100 ]; do echo "upload $i"; i=$((i+1)); done > $T/upload.txt
cat > $T/smb.conf <<CONF
[global]
  workgroup = BRONZE
  netbios name = BRONZESRV
  server role = standalone server
  interfaces = lo
  bind interfaces only = yes
  smb ports = 445
  disable netbios = yes
  state directory = $T/state
  cache directory = $T/cache
  private dir = $T/private
  lock directory = $T/lock
  pid directory = $T/pid
  log file = $T/smbd.log
  passdb backend = tdbsam:$T/private/passdb.tdb
  server min protocol = SMB2_02
[pub]
  path = $T/share
  read only = no
  force user = root
CONF
useradd -M -s /usr/sbin/nologin bronzesmb
(echo secret; echo secret) | smbpasswd -c $T/smb.conf -s -a bronzesmb >/dev/null
chmod -R a+rwX $T/share
tcpdump -i lo -U -s 0 -w smb-loopback.pcap "tcp port 445" 2>/dev/null & DUMP=$!
# In a session of its own: smbd signals its process group as it stops.
setsid smbd -F --no-process-group -s $T/smb.conf >/dev/null 2>&1 & SRV=$!
sleep 3
smbclient -s $T/smb.conf -L //127.0.0.1 -U bronzesmb%secret >/dev/null 2>&1
cd $T && smbclient -s $T/smb.conf //127.0.0.1/pub -U bronzesmb%secret \
  -c "get hello.txt /dev/null; put upload.txt; ls; mkdir sub; rm upload.txt" >/dev/null 2>&1 && cd - >/dev/null
smbclient -s $T/smb.conf -m SMB2_02 //127.0.0.1/pub -U bronzesmb%secret -c "get hello.txt /dev/null" >/dev/null 2>&1
sleep 1
kill $DUMP $SRV; wait $DUMP 2>/dev/null || true
wait $SRV 2>/dev/null || true
# smbd's session processes run as the user: the user can go once they have.
pkill -u bronzesmb 2>/dev/null || true
sleep 1
userdel bronzesmb
rm -rf $T
