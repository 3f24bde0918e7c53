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
    seen = set()
    while len(seen) < lines:
        data, addr = s.recvfrom(1024)
        if data not in seen:        # a retry is answered, not printed again
            seen.add(data)
            print(f"got: {data.decode()}", flush=True)
        s.sendto(b"ok", addr)


def send_until_answered(s, text, port, tries=20):
    """UDP may find nobody yet (the server starts too): try again."""
    for _ in range(tries):
        s.sendto(text.encode(), ("127.0.0.1", port))
        try:
            return s.recvfrom(1024)[0].decode()
        except (socket.timeout, ConnectionRefusedError):
            continue
    raise SystemExit(f"no answer to {text!r}")


def client(port, lines):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    for _ in range(lines):
        text = input("> ")
        answer = send_until_answered(s, text, port)
        print(f"sent: {text} ({answer})", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("--port", type=int, default=37030)
    parser.add_argument("--lines", type=int, default=2)
    args = parser.parse_args()
    (server if args.mode == "server" else client)(args.port, args.lines)


if __name__ == "__main__":
    main()
