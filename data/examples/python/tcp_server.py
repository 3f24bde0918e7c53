#!/usr/bin/python3
# One server, one client over TCP: socket, bind, listen, accept, recv, send.
#
# Accepts one connection at a time, answers every message on it, and goes
# back to accept when the client closes.
import argparse
import socket

parser = argparse.ArgumentParser(description='TCP hello server')
parser.add_argument('--port', type=int, default=10001, help='port to listen on')
parser.add_argument('--count', type=int, default=0,
                    help='stop after this many connections (0: run until stopped)')
args = parser.parse_args()

server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server_address = '127.0.0.1'
server_port = args.port
server_socket.bind((server_address, server_port))
server_socket.listen()
buffer_size = 1024
message = 'Hi client! Nice to connect with you!'
print('Server up and running at {}:{}'.format(server_address, server_port))

connections = 0
while args.count == 0 or connections < args.count:
    print('\nWaiting for a connection...\n')
    connection, address = server_socket.accept()
    connections += 1
    print('Connection from client: ', address)
    with connection:
        while True:
            data = connection.recv(buffer_size)
            if not data:
                break
            print('Message: ', data.decode())
            connection.sendall(str.encode(message))
            print('Replied to client: ', message)
    print('Connection closed')

server_socket.close()
