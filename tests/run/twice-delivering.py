#!/usr/bin/python3
"""twice-delivering.py — a server that delivers one request twice, then talks.

For test-run's verdict test: it reports on its own control connection (as
any program may) a `deliver` of request c1:1 at sequence numbers 1 and 2 (a
duplicate: a violation at once), then N `log` lines, which push that
violation out of a small event retention, then waits to be stopped.
Usage: twice-delivering.py N
"""
import json
import os
import socket
import sys
import time


def main():
    n = int(sys.argv[1])
    control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    control.connect(os.environ["CONCLAVE_CONTROL"])
    seq = 0

    def report(ev, **fields):
        nonlocal seq
        line = {"ev": ev, "seq": seq, "t": time.monotonic_ns(), **fields}
        control.sendall((json.dumps(line) + "\n").encode())
        seq += 1

    report("hello", v=1, pid=os.getpid(), ppid=os.getppid(),
           node=os.environ["CONCLAVE_NODE"], role="group-server", program="twice-delivering")
    report("deliver", seqno=1, req="c1:1", client="c1", text="once")
    report("deliver", seqno=2, req="c1:1", client="c1", text="twice")
    for i in range(n):
        report("log", text="line %d" % i)
    print("reported", n + 3, "lines", flush=True)
    time.sleep(3600)


if __name__ == "__main__":
    main()
