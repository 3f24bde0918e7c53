#!/usr/bin/python3
# fake-group-server.py — a stand-in for chapter 4's group server in the UI
# tests: it says, on the control channel and in the protocol's own words,
# that it holds a role in a term and delivered some posts, then waits to be
# stopped. It never elects anything: the test decides who claims what, so
# that the window can be checked against a known story (including two
# leaders of one term, which the checker must flag). It runs under the
# trace library, which has its own connection for the process; this second
# one carries only what the library cannot know.
import argparse
import json
import os
import socket
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument('--role', required=True, choices=['leader', 'follower', 'candidate'])
parser.add_argument('--term', type=int, required=True)
parser.add_argument('--leader', default='')
parser.add_argument('--view', default='')
parser.add_argument('--deliver', type=int, default=0)
args = parser.parse_args()

path = os.environ.get('CONCLAVE_CONTROL')
name = os.environ.get('CONCLAVE_NODE', 'fake')
if not path:
    sys.exit('CONCLAVE_CONTROL is not set')

channel = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
channel.connect(path)


seq = 0


def report(ev, **fields):
    global seq
    fields.update(ev=ev, seq=seq, t=time.monotonic_ns())
    seq += 1
    channel.sendall((json.dumps(fields) + '\n').encode())


report('hello', v=1, pid=os.getpid(), ppid=os.getppid(), node=name, role='group-server',
       program=' '.join(sys.argv))
view = [v for v in args.view.split(',') if v]
if args.role == 'leader':
    report('state', role='candidate', term=args.term, view=view, election='raft')
state = dict(role=args.role, term=args.term, view=view, election='raft')
if args.leader:
    state['leader'] = args.leader
report('state', **state)
for seqno in range(1, args.deliver + 1):
    report('deliver', seqno=seqno, req='c1:%d' % seqno, client='c1', text='post %d' % seqno)
print('%s: %s in term %d, %d posts delivered' % (name, args.role, args.term, args.deliver), flush=True)
# Until stopped: the controller's commands arrive here and are ignored.
while channel.recv(4096):
    pass
