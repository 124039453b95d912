import socket, threading, hashlib, struct, sys, time
SECRET = b"testing123"

def syslog():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 514))
    s.settimeout(20)
    try:
        while True: s.recvfrom(65535)
    except Exception: pass

def radius():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 1812)); s.settimeout(20)
    try:
        while True:
            d, a = s.recvfrom(4096)
            code, ident, length = d[0], d[1], struct.unpack(">H", d[2:4])[0]
            req_auth = d[4:20]
            user = b""
            i = 20
            while i + 2 <= len(d):
                t, l = d[i], d[i+1]
                if t == 1: user = d[i+2:i+l]
                if l < 2: break
                i += l
            rcode = 2 if user == b"alice" else 3
            attrs = bytes([18, 2 + 5]) + b"hello"
            ln = 20 + len(attrs)
            auth = hashlib.md5(bytes([rcode, ident]) + struct.pack(">H", ln) + req_auth + attrs + SECRET).digest()
            s.sendto(bytes([rcode, ident]) + struct.pack(">H", ln) + auth + attrs, a)
    except Exception: pass

def sip():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 5060)); s.settimeout(20)
    try:
        while True:
            d, a = s.recvfrom(65535)
            lines = d.decode("latin1").split("\r\n")
            keep = [l for l in lines if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq")]
            out = ["SIP/2.0 200 OK"] + [l + (";tag=bronze" if l.lower().startswith("to:") else "") for l in keep] + ["Content-Length: 0", "", ""]
            s.sendto("\r\n".join(out).encode("latin1"), a)
    except Exception: pass

ts = [threading.Thread(target=f) for f in (syslog, radius, sip)]
for t in ts: t.start()
for t in ts: t.join()
