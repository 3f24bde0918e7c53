#!/usr/bin/python3
# One server, one client over TCP: socket, connect, send, recv, close.
import argparse
import socket
import time

parser = argparse.ArgumentParser(description='TCP hello client')
parser.add_argument('--port', type=int, default=10001, help='port of the server')
parser.add_argument('--count', type=int, default=1, help='how many times to say hello')
parser.add_argument('--interval', type=float, default=1.0, help='seconds between two hellos')
args = parser.parse_args()

server_address = '127.0.0.1'
server_port = args.port
buffer_size = 1024
message = 'Hi server!'
reply = 'Hi client! Nice to connect with you!'

client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    client_socket.connect((server_address, server_port))
    print('Connected to server at {}:{}'.format(server_address, server_port))
    for i in range(args.count):
        if i > 0:
            time.sleep(args.interval)
        client_socket.sendall(message.encode())
        print('Sent to server: ', message)
        # A stream has no message boundaries: read until the whole reply is in
        data = b''
        while len(data) < len(reply):
            chunk = client_socket.recv(buffer_size)
            if not chunk:
                break
            data += chunk
        print('Received message from server: ', data.decode())
finally:
    client_socket.close()
    print('Socket closed')
