#!/usr/bin/env python3
"""peer.py - one member of a group, as a distributed-systems course project
writes it (written for Conclave's tests, in that style; not a real student's).

Finds the other members by broadcast AND by multicast, learns "its own IP"
the usual way (connect a UDP socket to a public address, read getsockname;
nothing is sent), elects the highest id as leader, pings the leader by
unicast at the address the leader announced, and logs every round to a
syslog port where nobody listens. Prints its leader whenever it changes.

    python3 course_peer.py --id 2 --port 37020 --mport 37021 --rounds 20
"""
import argparse
import logging
import logging.handlers
import select
import socket
import struct
import time

MCAST_GROUP = "239.255.42.99"


def my_ip():
    """The address other machines would reach us at."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("8.8.8.8", 80))          # UDP: nothing is sent
        return s.getsockname()[0]
    except OSError:
        try:
            return socket.gethostbyname(socket.gethostname())
        except OSError:
            return "127.0.0.1"
    finally:
        s.close()


def subnet_broadcast(ip):
    """x.y.z.255: what most projects assume is their LAN's broadcast."""
    return ".".join(ip.split(".")[:3] + ["255"])


def broadcast_socket(port, on_broadcast_address):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    # Some projects bind the listening socket to the broadcast address itself.
    s.bind(("<broadcast>" if on_broadcast_address else "", port))
    return s


def multicast_socket(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    mreq = struct.pack("4sl", socket.inet_aton(MCAST_GROUP), socket.INADDR_ANY)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    return s


class Peer:
    def __init__(self, args):
        self.id = args.id
        self.args = args
        self.ip = my_ip()
        self.bcast = broadcast_socket(args.port, args.bind_broadcast)
        self.mcast = multicast_socket(args.mport)
        self.uni = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.uni.bind(("0.0.0.0", 0))
        self.uport = self.uni.getsockname()[1]
        self.peers = {self.id: (self.ip, self.uport)}
        self.leader = None
        self.pongs = 0
        self.log = logging.getLogger("peer")
        self.log.setLevel(logging.INFO)
        self.log.addHandler(logging.handlers.SysLogHandler(address=("localhost", args.syslog_port)))
        print(f"peer {self.id}: my IP is {self.ip}, unicast port {self.uport}", flush=True)

    def hello(self):
        return f"HELLO {self.id} {self.ip} {self.uport}".encode()

    def announce(self, round_no):
        # Alternate between the two broadcast addresses course code uses.
        to = "<broadcast>" if round_no % 2 == 0 else subnet_broadcast(self.ip)
        self.bcast.sendto(self.hello(), (to, self.args.port))
        self.mcast.sendto(self.hello(), (MCAST_GROUP, self.args.mport))

    def elect(self):
        leader = max(self.peers)
        if leader != self.leader:
            self.leader = leader
            print(f"peer {self.id}: leader is {leader}", flush=True)

    def on_datagram(self, sock, data, addr):
        words = data.decode(errors="replace").split()
        if words and words[0] == "HELLO" and len(words) == 4:
            self.peers[int(words[1])] = (words[2], int(words[3]))
            self.elect()
        elif words and words[0] == "PING":
            sock.sendto(f"PONG {self.id} {words[1]}".encode(), addr)
        elif words and words[0] == "PONG":
            self.pongs += 1

    def ping_leader(self, round_no):
        if self.leader is not None and self.leader != self.id:
            self.uni.sendto(f"PING {self.id}-{round_no}".encode(), self.peers[self.leader])

    def serve(self, seconds):
        end = time.monotonic() + seconds
        socks = [self.bcast, self.mcast, self.uni]
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select(socks, [], [], left)
            for s in ready:
                data, addr = s.recvfrom(2048)
                self.on_datagram(s, data, addr)

    def run(self):
        for round_no in range(self.args.rounds):
            self.announce(round_no)
            self.ping_leader(round_no)
            self.log.info("peer %d round %d leader %s", self.id, round_no, self.leader)
            self.serve(self.args.interval)
        # Keep answering while the others finish their rounds.
        self.serve(self.args.linger)
        print(f"peer {self.id}: final leader is {self.leader}, {len(self.peers)} members,"
              f" {self.pongs} pongs", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--id", type=int, required=True)
    p.add_argument("--port", type=int, default=37020)
    p.add_argument("--mport", type=int, default=37021)
    p.add_argument("--syslog-port", type=int, default=514)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--interval", type=float, default=0.1)
    p.add_argument("--linger", type=float, default=1.0)
    p.add_argument("--bind-broadcast", action="store_true")
    Peer(p.parse_args()).run()


if __name__ == "__main__":
    main()
