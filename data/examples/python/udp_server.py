#!/usr/bin/python3
# One server, one client: the UDP hello server of the lecture.
#
# Waits for a message, prints it, and answers every client with a greeting.
# Run it, then udp_client.py, each in its own terminal (or both in Conclave:
# "Run a program…").
import argparse
import socket

parser = argparse.ArgumentParser(description='UDP hello server')
parser.add_argument('--port', type=int, default=10001, help='port to listen on')
parser.add_argument('--count', type=int, default=0,
                    help='stop after this many messages (0: run until stopped)')
args = parser.parse_args()

# Create a UDP socket
server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# Bind the socket to the port
server_address = '127.0.0.1'
server_port = args.port
server_socket.bind((server_address, server_port))
# Buffer size
buffer_size = 1024
message = 'Hi client! Nice to connect with you!'
print('Server up and running at {}:{}'.format(server_address, server_port))

received = 0
while args.count == 0 or received < args.count:
    print('\nWaiting to receive message...\n')
    data, address = server_socket.recvfrom(buffer_size)
    received += 1
    print('Received message from client: ', address)
    print('Message: ', data.decode())
    if data:
        server_socket.sendto(str.encode(message), address)
        print('Replied to client: ', message)

server_socket.close()
