"""held_receiver.py PORT — a program that knows nothing of step mode, for
test-trace-hold: it binds UDP PORT on 127.0.0.1, waits for a line on
stdin, tries one non-blocking receive (prints "held" if nothing came),
then prints three datagrams received blocking, and one more received
non-blocking."""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("bound", flush=True)
sys.stdin.readline()
s.setblocking(False)
try:
    s.recv(100)
    print("not held", flush=True)
except BlockingIOError:
    print("held", flush=True)
s.setblocking(True)
for _ in range(3):
    data, _ = s.recvfrom(100)
    print(data.decode(), flush=True)
s.setblocking(False)
print(s.recv(100).decode(), flush=True)
