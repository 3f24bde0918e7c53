/* trace-hold.h — step mode inside an unmodified program.
 *
 * While the controller holds the node, a receive on a datagram socket reads
 * what the kernel has into the shim's queue (each reported as `held`) and
 * waits (a non-blocking call fails with EAGAIN) until the controller
 * releases a datagram for that socket: then it returns that one, reported
 * as `recv`, as if it had just arrived. Released datagrams of one socket
 * come in the order they were released. Losing the controller, or lifting
 * the hold, releases everything held in queue order: nothing is kept
 * forever. A signal ends the wait with EINTR, as it would end the real
 * call. On a TCP stream each read from the kernel is one held chunk, with
 * its stream offset; chunks are released only in order and only
 * delivered (the controller sees to it), possibly over several receives,
 * and the stream's end waits behind them.
 */
#pragma once

#include "conclave-command.h"
#include "trace-confine.h"

#include <stddef.h>
#include <sys/socket.h>

/* One datagram handed to the program (data is the caller's to free). */
typedef struct {
  unsigned char *data;
  size_t         len;
  TraceSockaddr  from;
  socklen_t      from_len;
  int            end;       /* a stream's end: the receive returns 0 (error 0) or -1 */
  int            error;
} TraceHeld;

/* Holds from the start if CONCLAVE_HOLD is "1" (at the library's start). */
void trace_hold_init       (void);
/* 1 if a receive on socket fd must go through the queue. */
int  trace_hold_wanted     (int fd);
/* Waits for a released datagram for fd (see above): 1 with *out filled
 * (reported as received; MSG_PEEK leaves it queued), 0 if fd is not held
 * (any more) and nothing is queued for it (take the ordinary path), -1
 * with errno set (EAGAIN, EINTR). `nonblock`: the call must not wait.
 * `stream`: fd is TCP, and at most `want` bytes are taken. */
int  trace_hold_receive    (int fd, int stream, size_t want, int nonblock, int peek, TraceHeld *out);
/* A `hold` or `release` command (under the command lock). */
void trace_hold_apply      (const CCommand *cmd);
/* The controller is gone: release everything, hold nothing more. */
void trace_hold_lift       (void);
/* fd is being closed: what it held goes (reported as dropped). */
void trace_hold_forget_fd  (int fd);
/* In a forked child: the queue is the parent's (the hold stays as set). */
void trace_hold_after_fork (void);
