#!/usr/bin/python3
# One server, many clients: several client processes at once.
#
# Starts --clients processes; each says hello with its own process ID and
# prints the answer, which comes from a different server process each time.
# With --rounds it does so again and again, --interval seconds apart.
import argparse
import multiprocessing
import os
import socket
import sys
import time


def send_message(server_address, server_port):
    client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        message = 'Hi from ' + str(os.getpid()) + ' at ' + server_address + ':' + str(server_port)
        client_socket.sendto(str.encode(message), (server_address, server_port))
        print('Sent to server: ', message)
        data, server = client_socket.recvfrom(1024)
        print('Received message: ', data.decode())
    finally:
        client_socket.close()


if __name__ == '__main__':
    # Several processes print to one terminal: one line, one write, so that
    # their lines never mix (line buffering, whatever Python was told)
    sys.stdout = open(sys.stdout.fileno(), 'w', buffering=1, closefd=False)
    parser = argparse.ArgumentParser(description='several UDP client processes')
    parser.add_argument('--port', type=int, default=10001, help='port of the server')
    parser.add_argument('--clients', type=int, default=3, help='how many client processes')
    parser.add_argument('--rounds', type=int, default=1, help='how many times to start them')
    parser.add_argument('--interval', type=float, default=1.0, help='seconds between rounds')
    args = parser.parse_args()

    multiprocessing.set_start_method('fork')
    server_address = '127.0.0.1'
    server_port = args.port
    for r in range(args.rounds):
        if r > 0:
            time.sleep(args.interval)
        processes = []
        for i in range(args.clients):
            p = multiprocessing.Process(target=send_message, args=(server_address, server_port))
            p.start()
            processes.append(p)
        for p in processes:
            p.join()
