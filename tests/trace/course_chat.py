#!/usr/bin/env python3
"""chat.py - a chat room as a course project writes it (written for
Conclave's tests, in that style; not a real student's).

The server prints every line it gets and answers "ok"; the client reads
what the user types with input(), sends each line and prints the answer.

    python3 course_chat.py server --port 37030
    python3 course_chat.py client --port 37030 --lines 2
"""
import argparse
import socket


def server(port, lines):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("", port))
    print(f"chat server on port {port}", flush=True)
    for _ in range(lines):
        data, addr = s.recvfrom(1024)
        print(f"got: {data.decode()}", flush=True)
        s.sendto(b"ok", addr)


def client(port, lines):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    for _ in range(lines):
        text = input("> ")
        s.sendto(text.encode(), ("127.0.0.1", port))
        answer, _ = s.recvfrom(1024)
        print(f"sent: {text} ({answer.decode()})", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--port", type=int, default=37030)
    parser.add_argument("--lines", type=int, default=2)
    args = parser.parse_args()
    (server if args.mode == "server" else client)(args.port, args.lines)


if __name__ == "__main__":
    main()
