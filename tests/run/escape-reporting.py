#!/usr/bin/python3
"""escape-reporting.py — a server whose reports carry terminal escape codes.

For test-run's escape test: on its own control connection (as any program
may) it reports a role, a message kind and a request id that hold ESC
sequences (clear screen, set the window title, red text), delivers that
request twice (a violation whose text names the request), then waits to
be stopped. conclave-run's summary must show the codes, not obey them.
"""
import json
import os
import socket
import time

ESC = "\x1b"


def lines(pid, ppid, node):
    """The reports, in order: (event, fields)."""
    red = "c1:" + ESC + "[31mred"
    yield "hello", dict(v=1, pid=pid, ppid=ppid, node=node, role="srv" + ESC + "[2J",
                        program="escape-reporting")
    yield "log", dict(text="before " + ESC + "]0;pwned\x07 after")
    yield "send", dict(proto="udp", src="127.0.0.1:1", dst="127.0.0.1:2", len=1,
                       kind="k" + ESC + "[31m", id="7:1")
    yield "deliver", dict(seqno=1, req=red, client="c1", text="once")
    yield "deliver", dict(seqno=2, req=red, client="c1", text="twice")


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.environ["CONCLAVE_CONTROL"])
    text = ""
    for seq, (ev, fields) in enumerate(lines(os.getpid(), os.getppid(), os.environ["CONCLAVE_NODE"])):
        text += json.dumps({"ev": ev, "seq": seq, "t": time.monotonic_ns(), **fields}) + "\n"
    sock.sendall(text.encode())
    print("reported", flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    main()
