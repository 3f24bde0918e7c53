#!/usr/bin/python3
# Asynchronous client of the square server.
#
# Sends --count numbers at once, then collects the answers as they come:
# several requests are in flight together, and the answers may come back in
# any order, each from the worker that computed it.
import argparse
import socket
import time

parser = argparse.ArgumentParser(description='UDP square client')
parser.add_argument('--port', type=int, default=10001, help='port of the server')
parser.add_argument('--count', type=int, default=4, help='how many numbers to send')
parser.add_argument('--first', type=int, default=1, help='the first number')
parser.add_argument('--rounds', type=int, default=1, help='how many rounds of numbers')
parser.add_argument('--interval', type=float, default=1.0, help='seconds between rounds')
args = parser.parse_args()

client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_address = '127.0.0.1'
server_port = args.port

try:
    for r in range(args.rounds):
        if r > 0:
            time.sleep(args.interval)
        numbers = range(args.first, args.first + args.count)
        for number in numbers:
            client_socket.sendto(str(number).encode(), (server_address, server_port))
            print('Sent to server: ', number)
        for number in numbers:
            data, server = client_socket.recvfrom(1024)
            print('Received message: ', data.decode())
finally:
    client_socket.close()
    print('Socket closed')
