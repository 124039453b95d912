"""A scripted XMPP client: opens a stream to the server on 127.0.0.1:5222,
asks for STARTTLS, and once the server proceeds, shakes hands with TLS and
opens a new stream over it."""
import socket, ssl

HEADER = b"<?xml version='1.0'?><stream:stream to='bronze.test' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"

def read_until(s, token):
    buf = b""
    s.settimeout(5)
    while token not in buf:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf

s = socket.create_connection(("127.0.0.1", 5222))
s.sendall(HEADER)
read_until(s, b"</stream:features>")
s.sendall(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
read_until(s, b"proceed")
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
t = ctx.wrap_socket(s, server_hostname="bronze.test")
t.sendall(HEADER)
read_until(t, b"</stream:features>")
t.sendall(b"</stream:stream>")
try:
    read_until(t, b"</stream:stream>")
except Exception:
    pass
t.close()
