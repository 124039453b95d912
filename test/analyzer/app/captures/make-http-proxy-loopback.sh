#!/bin/sh
# Makes http-proxy-loopback.pcap: Debian 12's nginx as a WebSocket reverse
# proxy, tinyproxy as a forward proxy, python3-websockets and today's curl
# and OpenSSL on loopback (apt-get install nginx-light tinyproxy
# python3-websockets curl tcpdump; run as root from this folder).
#   nginx 127.0.0.1:8080 -> the websockets echo server on 127.0.0.1:8765 (/chat)
#   tinyproxy 127.0.0.1:8888 (CONNECT allowed to 4443 only)
#   openssl s_server 127.0.0.1:4443 (-www), rsa.pem from make-tls-loopback.sh's kind
# Steps, each a new client connection:
#   1. a WebSocket client through nginx offering the subprotocols chat.v1 and
#      chat.v2 (the server picks chat.v1) and no compression: a text "hello",
#      a binary frame of bytes 0..9, a ping, then a close
#   2. the same with permessage-deflate (the library's default): a text "hello again"
#   3. curl through tinyproxy to http://127.0.0.1:8080/index.html
#   4. curl through tinyproxy to https://127.0.0.1:4443/ (CONNECT, then TLS 1.3)
set -e
T=$(mktemp -d)
mkdir -p $T/www
echo "<html><body>proxied page for bronze tests</body></html>" > $T/www/index.html
chmod -R a+rX $T
cat > $T/nginx.conf <<CONF
daemon off;
pid $T/nginx.pid;
error_log $T/error.log;
events {}
http {
  access_log off;
  server {
    listen 127.0.0.1:8080;
    root $T/www;
    server_tokens off;
    location /chat {
      proxy_pass http://127.0.0.1:8765;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection "upgrade";
    }
  }
}
CONF
cat > $T/tinyproxy.conf <<CONF
Port 8888
Listen 127.0.0.1
Timeout 30
Allow 127.0.0.1
ConnectPort 4443
LogLevel Critical
PidFile "$T/tinyproxy.pid"
CONF
cat > $T/ws-server.py <<PY
import asyncio, websockets
async def echo(ws, path):
    async for message in ws:
        await ws.send(message)
async def main():
    async with websockets.serve(echo, "127.0.0.1", 8765, subprotocols=["chat.v1"]):
        await asyncio.Future()
asyncio.run(main())
PY
cat > $T/ws-client.py <<PY
import asyncio, sys, websockets
async def main(compress):
    async with websockets.connect("ws://127.0.0.1:8080/chat", subprotocols=["chat.v1", "chat.v2"],
                                  compression="deflate" if compress else None) as ws:
        if compress:
            await ws.send("hello again"); await ws.recv()
        else:
            await ws.send("hello"); await ws.recv()
            await ws.send(bytes(range(10))); await ws.recv()
            await (await ws.ping(b"bronze"))
asyncio.run(main(sys.argv[1] == "deflate"))
PY
openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=proxied.bronze.test" -keyout $T/key.pem -out $T/cert.pem 2>/dev/null
tcpdump -i lo -U -s 0 -w http-proxy-loopback.pcap "tcp and host 127.0.0.1 and (port 8080 or port 8765 or port 8888 or port 4443)" 2>/dev/null & DUMP=$!
nginx -c $T/nginx.conf & NGINX=$!
tinyproxy -d -c $T/tinyproxy.conf >/dev/null 2>&1 & PROXY=$!
/usr/bin/python3 $T/ws-server.py & WS=$!
openssl s_server -quiet -accept 127.0.0.1:4443 -cert $T/cert.pem -key $T/key.pem -naccept 1 -www >/dev/null 2>&1 & TLS=$!
sleep 2
/usr/bin/python3 $T/ws-client.py plain
/usr/bin/python3 $T/ws-client.py deflate
curl -s -o /dev/null -x http://127.0.0.1:8888 http://127.0.0.1:8080/index.html
curl -s -o /dev/null -k --tlsv1.3 -x http://127.0.0.1:8888 https://127.0.0.1:4443/
sleep 1
kill $DUMP $NGINX $PROXY $WS $TLS 2>/dev/null || true
wait $DUMP 2>/dev/null || true
rm -rf $T
