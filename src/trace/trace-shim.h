/* trace-shim.h — what the wrappers of libconclave-trace.so share.
 *
 * The wrappers (trace-socket.c for set-up calls, trace-io.c for data) are
 * the library's only exported symbols. Each one first asks trace_enter():
 * a call made while this thread is already inside the shim (from a signal
 * handler, or from a library function the shim itself uses) goes straight
 * to the C library, untraced, so the shim never recurses or deadlocks.
 */
#pragma once

#include "trace-fd.h"
#include "trace-real.h"

#define TRACE_EXPORT __attribute__ ((visibility ("default")))

/* 0 if this thread is already inside the shim: pass the call on. */
int  trace_enter (void);
void trace_leave (void);

/* The fortified receives of _FORTIFY_SOURCE builds (no public prototype). */
ssize_t __recv_chk     (int fd, void *buf, size_t len, size_t buflen, int flags);
ssize_t __recvfrom_chk (int fd, void *buf, size_t len, size_t buflen, int flags,
                        struct sockaddr *from, socklen_t *fromlen);
