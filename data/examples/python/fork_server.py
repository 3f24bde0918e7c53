#!/usr/bin/python3
# One server, many clients: a process per request.
#
# For every message the server starts a multiprocessing.Process; the child
# answers the client with its own process ID and ends. The server waits for
# it (join) before it reads the next message, as in the lecture.
import argparse
import multiprocessing
import os
import socket
import sys


class Server(multiprocessing.Process):
    def __init__(self, server_socket, received_data, client_address):
        super(Server, self).__init__()
        self.server_socket = server_socket
        self.received_data = received_data
        self.client_address = client_address

    # Runs in the child process
    def run(self):
        message = 'Hi ' + self.client_address[0] + ':' + str(self.client_address[1]) \
            + '. This is server ' + str(os.getpid())
        self.server_socket.sendto(str.encode(message), self.client_address)
        print('Sent to client: ', message)


if __name__ == '__main__':
    # Several processes print to one terminal: one line, one write, so that
    # their lines never mix (line buffering, whatever Python was told)
    sys.stdout = open(sys.stdout.fileno(), 'w', buffering=1, closefd=False)
    parser = argparse.ArgumentParser(description='UDP server with a process per request')
    parser.add_argument('--port', type=int, default=10001, help='port to listen on')
    parser.add_argument('--count', type=int, default=0,
                        help='stop after this many requests (0: run until stopped)')
    args = parser.parse_args()

    # The children are forked: they share the server's socket
    multiprocessing.set_start_method('fork')
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Bind the socket to the port
    server_address = '127.0.0.1'
    server_port = args.port
    # Buffer size
    buffer_size = 1024
    print('Server up and running at {}:{}'.format(server_address, server_port))
    server_socket.bind((server_address, server_port))

    handled = 0
    while args.count == 0 or handled < args.count:
        data, address = server_socket.recvfrom(buffer_size)
        print('Received message \'{}\' at {}:{}'.format(data.decode(), address[0], address[1]))
        p = Server(server_socket, data, address)
        p.start()
        p.join()
        handled += 1
