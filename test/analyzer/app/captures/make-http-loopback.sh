#!/bin/sh
# Makes http-loopback.pcap: Debian 12's nginx and today's curl on loopback
# (apt-get install nginx-light curl tcpdump; run as root from this folder).
# The files are made here, so http-loopback.test.ts can make them again and
# check sizes and hashes:
#   hello.txt   the lines "line 1" .. "line 300"                  (text/plain)
#   index.html  a small page, padded with 40 "<p>para N</p>" lines (text/html)
#   image.png   a PNG signature and IHDR, then bytes 0..255 x 4    (image/png)
#   data.bin    bytes (i * 7) mod 256 for i < 100000
#   private/secret.txt  "the secret\n", behind basic auth alice/secret
# nginx listens on 8080 (one of HTTP's registered ports) and on 8123 (none:
# found by its signature). Each numbered step is a new connection:
#   1. GET /index.html and /image.png, one kept-alive connection
#   2. GET /hello.txt with Accept-Encoding (gzip, chunked by nginx)
#   3. GET /data.bin bytes 0-99 and, 4., bytes 1000-1999 (206 replies)
#   5. HEAD /hello.txt
#   6. GET /hello.txt If-Modified-Since a day later (304)
#   7. GET /missing (404)
#   8. GET /private/secret.txt without credentials (401), 9. as alice (200)
#  10. POST /upload multipart with image.png (nginx answers "stored")
#  11. POST /upload of hello.txt chunked, with Expect: 100-continue
#  12. POST /upload a form (name=bronze&x=1)
#  13. three pipelined GETs in one write (python3): /index.html, /hello.txt, /missing
#  14. GET /index.html on port 8123
set -e
T=$(mktemp -d)
mkdir -p $T/www/private $T/logs
i=1; while [ $i -le 300 ]; do echo "line $i"; i=$((i+1)); done > $T/www/hello.txt
{ echo "<!DOCTYPE html>"; echo "<html><head><title>bronze</title></head><body>";
  i=1; while [ $i -le 40 ]; do echo "<p>para $i</p>"; i=$((i+1)); done; echo "</body></html>"; } > $T/www/index.html
{ printf '\211PNG\r\n\032\n\000\000\000\rIHDR'; i=0; while [ $i -lt 4 ]; do j=0; while [ $j -lt 256 ]; do printf "\\$(printf %o $j)"; j=$((j+1)); done; i=$((i+1)); done; } > $T/www/image.png
python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7) % 256 for i in range(100000)))" > $T/www/data.bin
echo "the secret" > $T/www/private/secret.txt
echo "alice:$(openssl passwd -apr1 secret)" > $T/htpasswd
chmod -R a+rX $T
cat > $T/nginx.conf <<CONF
daemon off;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $T/body;
  types { text/html html; text/plain txt; image/png png; application/octet-stream bin; }
  server {
    listen 127.0.0.1:8080;
    listen 127.0.0.1:8123;
    root $T/www;
    server_tokens off;
    gzip on; gzip_types text/plain; gzip_min_length 100;
    if_modified_since before;
    location /private/ { auth_basic "bronze"; auth_basic_user_file $T/htpasswd; }
    location = /upload { client_max_body_size 1m; return 200 "stored\n"; }
  }
}
CONF
tcpdump -i lo -U -s 0 -w http-loopback.pcap "tcp and host 127.0.0.1 and (port 8080 or port 8123)" 2>/dev/null & DUMP=$!
nginx -c $T/nginx.conf & SRV=$!
sleep 2
U=http://127.0.0.1:8080
curl -s -o /dev/null -o /dev/null $U/index.html $U/image.png
curl -s -o /dev/null --compressed $U/hello.txt
curl -s -o /dev/null -r 0-99 $U/data.bin
curl -s -o /dev/null -r 1000-1999 $U/data.bin
curl -s -o /dev/null -I $U/hello.txt
curl -s -o /dev/null -z "$(date -u -R -d '+1 day')" $U/hello.txt
curl -s -o /dev/null $U/missing
curl -s -o /dev/null $U/private/secret.txt
curl -s -o /dev/null -u alice:secret $U/private/secret.txt
curl -s -o /dev/null -F "upload=@$T/www/image.png" $U/upload
curl -s -o /dev/null -H "Transfer-Encoding: chunked" -H "Expect: 100-continue" --data-binary "@$T/www/hello.txt" $U/upload
curl -s -o /dev/null -d "name=bronze&x=1" $U/upload
python3 - <<PY
import socket
s = socket.create_connection(("127.0.0.1", 8080))
req = lambda path, last=False: "GET %s HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: pipeline/1\r\n%s\r\n" % (path, "Connection: close\r\n" if last else "")
s.sendall((req("/index.html") + req("/hello.txt") + req("/missing", True)).encode())
while s.recv(65536): pass
s.close()
PY
curl -s -o /dev/null http://127.0.0.1:8123/index.html
sleep 1
kill $DUMP $SRV; wait $DUMP 2>/dev/null || true
wait $SRV 2>/dev/null || true
rm -rf $T
