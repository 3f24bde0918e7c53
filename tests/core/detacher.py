#!/usr/bin/env python3
"""detacher.py PIDFILE -- leaves a daemon behind, the way a careless server
does: fork, setsid, fork again. The grandchild, in a session and process
group of its own and soon adopted by whoever reaps orphans, writes its pid
to PIDFILE and sleeps; the program itself sleeps on, like a node that runs.
"""
import os
import sys
import time

pidfile = sys.argv[1]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        with open(pidfile + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(pidfile + ".tmp", pidfile)
        time.sleep(300)
    os._exit(0)
time.sleep(300)
