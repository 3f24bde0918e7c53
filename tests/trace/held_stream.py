"""held_stream.py PORT — a TCP server that knows nothing of step mode, for
test-trace-hold: it accepts one connection on 127.0.0.1:PORT and prints
every piece it receives (recv of at most 2 bytes) until the stream ends."""
import socket
import sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(1)
print("listening", flush=True)
conn, _ = server.accept()
while True:
    data = conn.recv(2)
    if not data:
        break
    print(data.decode(), flush=True)
print("end", flush=True)
