#!/bin/sh
# Makes ftp-loopback.pcap: Debian's pyftpdlib server and today's curl on
# loopback (apt-get install python3-pyftpdlib curl tcpdump; run as root from
# this folder). The files are made here, so ftp-loopback.test.ts can make them
# again and check sizes and hashes:
#   hello.txt   the lines "line 1" .. "line 300"            (text/plain)
#   image.png   a PNG signature and IHDR, then bytes 0..255 x 4 (image/png)
#   upload.txt  the lines "upload 1" .. "upload 100"
# Sessions, each a new control connection to 127.0.0.1:21, user alice/secret:
#   1. RETR hello.txt over EPSV (curl's default)
#   2. RETR image.png over PASV (--disable-epsv)
#   3. STOR upload.txt over PORT (-P 127.0.0.1 --disable-eprt)
#   4. RETR hello.txt over EPRT (-P 127.0.0.1)
#   5. LIST of / over EPSV
#   6. a wrong password (530) for bob
set -e
T=$(mktemp -d)
mkdir -p $T/root
i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); done > $T/root/hello.txt
{ printf '\211PNG\r\n\032\n\000\000\000\rIHDR'; i=0; while [ $i -lt 4 ]; do j=0; while [ $j -lt 256 ]; do printf "\\$(printf %o $j)"; j=$((j+1)); done; i=$((i+1)); done; } > $T/root/image.png
i=1; while [ $i -le 100 ]; do echo "upload $i"; i=$((i+1)); done > $T/upload.txt
cat > $T/server.py <<PY
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
a = DummyAuthorizer()
a.add_user("alice", "secret", "$T/root", perm="elradfmw")
a.add_user("bob", "right", "$T/root", perm="elr")
FTPHandler.authorizer = a
FTPHandler.passive_ports = range(60000, 60010)
FTPHandler.permit_foreign_addresses = True
FTPServer(("127.0.0.1", 21), FTPHandler).serve_forever()
PY
tcpdump -i lo -U -s 0 -w ftp-loopback.pcap "tcp and host 127.0.0.1" 2>/dev/null & DUMP=$!
/usr/bin/python3 $T/server.py >/dev/null 2>&1 & SRV=$!
sleep 2
curl -s -o /dev/null ftp://alice:secret@127.0.0.1/hello.txt
curl -s -o /dev/null --disable-epsv ftp://alice:secret@127.0.0.1/image.png
curl -s -P 127.0.0.1 --disable-eprt -T $T/upload.txt ftp://alice:secret@127.0.0.1/upload.txt
curl -s -o /dev/null -P 127.0.0.1 ftp://alice:secret@127.0.0.1/hello.txt
curl -s -o /dev/null ftp://alice:secret@127.0.0.1/
curl -s -o /dev/null ftp://bob:wrong@127.0.0.1/hello.txt || true
sleep 1
kill $DUMP $SRV; wait $DUMP 2>/dev/null || true
rm -rf $T
