#!/usr/bin/python3
# Asynchronous multiprocessing server: a pool of workers squares numbers.
#
# The server reads requests and hands each to a multiprocessing.Pool with
# apply_async; a worker computes the square and answers the client itself,
# so the reply comes from the worker's process ID. The socket is created
# before the pool, so every (forked) worker shares it.
import argparse
import multiprocessing
import os
import socket
import sys

server_socket = None


def square(x):
    return x * x


# Runs in a worker process
def send_square(number, client_address):
    message = '{} squared is {}, from worker {}'.format(number, square(number), os.getpid())
    server_socket.sendto(str.encode(message), client_address)
    print('Sent to client: ', message)


if __name__ == '__main__':
    # Several processes print to one terminal: one line, one write, so that
    # their lines never mix (line buffering, whatever Python was told)
    sys.stdout = open(sys.stdout.fileno(), 'w', buffering=1, closefd=False)
    parser = argparse.ArgumentParser(description='UDP square server with a process pool')
    parser.add_argument('--port', type=int, default=10001, help='port to listen on')
    parser.add_argument('--workers', type=int, default=4, help='how many worker processes')
    parser.add_argument('--count', type=int, default=0,
                        help='stop after this many requests (0: run until stopped)')
    args = parser.parse_args()

    multiprocessing.set_start_method('fork')
    server_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server_address = '127.0.0.1'
    server_port = args.port
    # Buffer size
    buffer_size = 1024
    server_socket.bind((server_address, server_port))
    # How many worker processes should be spawned
    number_processes = args.workers
    # Initialise the pool (after the socket: the workers inherit it)
    pool = multiprocessing.Pool(number_processes)
    print('Server up and running at {}:{}'.format(server_address, server_port))

    handled = 0
    while args.count == 0 or handled < args.count:
        data, address = server_socket.recvfrom(buffer_size)
        print('Received message \'{}\' at {}:{}'.format(data.decode(), address[0], address[1]))
        try:
            number = int(data.decode())
        except ValueError:
            print('Not a number, ignored: ', data.decode())
            continue
        pool.apply_async(send_square, args=(number, address))
        handled += 1
    pool.close()
    pool.join()
