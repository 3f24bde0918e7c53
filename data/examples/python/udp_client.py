#!/usr/bin/python3
# One server, one client: the UDP hello client of the lecture.
#
# Says hello to the server and prints its answer. With --count it says
# hello several times, --interval seconds apart; with --timeout it says
# hello again when no answer came in time.
import argparse
import socket
import time

parser = argparse.ArgumentParser(description='UDP hello client')
parser.add_argument('--port', type=int, default=10001, help='port of the server')
parser.add_argument('--count', type=int, default=1, help='how many times to say hello')
parser.add_argument('--interval', type=float, default=1.0, help='seconds between two hellos')
parser.add_argument('--timeout', type=float, default=0,
                    help='seconds to wait for an answer before saying hello again (0: wait for ever)')
args = parser.parse_args()

# Create a UDP socket
client_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server_address = '127.0.0.1'
server_port = args.port
# Buffer size
buffer_size = 4096
message = 'Hi server!'
# UDP may lose a message (or the server may not be up yet): then ask again
if args.timeout > 0:
    client_socket.settimeout(args.timeout)

try:
    for i in range(args.count):
        if i > 0:
            time.sleep(args.interval)
        while True:
            # Send data
            client_socket.sendto(message.encode(), (server_address, server_port))
            print('Sent to server: ', message)
            # Receive response
            print('Waiting for response...')
            try:
                data, server = client_socket.recvfrom(buffer_size)
                break
            except socket.timeout:
                print('No response, saying hello again')
        print('Received message from server: ', data.decode())
finally:
    client_socket.close()
    print('Socket closed')
