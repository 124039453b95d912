"""Two scripted IRC clients against a real server (ngircd on 127.0.0.1:6667):
alice and bob register and join #bronze, alice says hello, bob offers alice a
file by DCC SEND and sends it when she connects to his port."""
import socket, threading, time

HOST, PORT = "127.0.0.1", 6667
FILE = b"bronze irc dcc test file\n" * 4

def connect(nick):
    s = socket.create_connection((HOST, PORT))
    s.sendall(f"NICK {nick}\r\nUSER {nick} 0 * :{nick.title()} Tester\r\n".encode())
    buf = b""
    while b" 001 " not in buf:
        buf += s.recv(4096)
    return s

def drain(s, until, timeout=5):
    s.settimeout(timeout)
    buf = b""
    while until not in buf:
        buf += s.recv(4096)
    return buf

alice = connect("alice")
bob = connect("bob")
alice.sendall(b"JOIN #bronze\r\n"); drain(alice, b"366")
bob.sendall(b"JOIN #bronze\r\n"); drain(bob, b"366")
alice.sendall(b"PRIVMSG #bronze :hello from alice\r\n")
drain(bob, b"hello from alice")

listener = socket.socket()
listener.bind((HOST, 0)); listener.listen(1)
port = listener.getsockname()[1]
def serve():
    c, _ = listener.accept()
    c.sendall(FILE)
    c.recv(16)
    c.close()
t = threading.Thread(target=serve); t.start()
ip = int.from_bytes(socket.inet_aton(HOST), "big")
bob.sendall(f"PRIVMSG alice :\x01DCC SEND notes.txt {ip} {port} {len(FILE)}\x01\r\n".encode())
offer = drain(alice, b"DCC SEND")
d = socket.create_connection((HOST, port))
got = b""
d.settimeout(5)
while len(got) < len(FILE):
    got += d.recv(4096)
d.sendall(len(got).to_bytes(4, "big"))
time.sleep(0.2)
d.close(); t.join()
for s in (alice, bob):
    s.sendall(b"QUIT :bye\r\n")
    try: drain(s, b"ERROR", 2)
    except Exception: pass
    s.close()
print("transferred", len(got))
