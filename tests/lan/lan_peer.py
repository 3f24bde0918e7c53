#!/usr/bin/env python3
"""lan_peer.py - a student-style group member for a LAN (written for
Conclave's tests, in the style of a course project).

Binds 0.0.0.0:PORT with no SO_REUSEADDR (every member is its own machine),
joins a multicast group on the default interface, learns its own IP the
usual way (UDP connect to 8.8.8.8, getsockname) and a peer's by name, and
prints them. On the line "go" on stdin it sends one hello to
255.255.255.255, one to its subnet's x.y.z.255 and one to the group. It
prints every datagram it gets and exits once it has EXPECT of them.

    python3 lan_peer.py --port 10001 --peer s2 --expect 3
"""
import argparse
import select
import socket
import struct
import sys
import time

GROUP = "239.255.42.99"


def my_ip():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect(("8.8.8.8", 80))
    ip = s.getsockname()[0]
    s.close()
    return ip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=10001)
    parser.add_argument("--peer", required=True)
    parser.add_argument("--expect", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=20)
    args = parser.parse_args()

    ip = my_ip()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("0.0.0.0", args.port))
    mreq = struct.pack("4sl", socket.inet_aton(GROUP), socket.INADDR_ANY)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    name = socket.gethostname()
    print(f"me {name} ip {ip} peer {args.peer} at {socket.gethostbyname(args.peer)}", flush=True)
    print("ready", flush=True)

    got = 0
    end = time.monotonic() + args.timeout
    while got < args.expect and (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([s, sys.stdin], [], [], left)
        if sys.stdin in ready and sys.stdin.readline().strip() == "go":
            subnet = ".".join(ip.split(".")[:3] + ["255"])
            for kind, to in (("B255", "255.255.255.255"), ("BSUB", subnet), ("MCAST", GROUP)):
                s.sendto(f"{kind} from {name}".encode(), (to, args.port))
        if s in ready:
            data, addr = s.recvfrom(2048)
            print(f"got {data.decode()} via {addr[0]}", flush=True)
            got += 1
    return 0 if got >= args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
