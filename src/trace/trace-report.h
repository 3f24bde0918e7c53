/* trace-report.h — the shim's events, from what a wrapper saw.
 *
 * Thin layer over conclave-report's typed writers: turns a wrapper's
 * scattered payload into a preview and a hash (or a stream offset) for
 * `send`/`recv`/`drop`, and its socket kind into a protocol name. Never
 * formats JSON itself; like the reporter it never blocks and never
 * changes errno.
 */
#pragma once

#include "trace-fd.h"

#include <stdint.h>
#include <sys/uio.h>

typedef struct {
  TraceFdKind         kind;      /* UDP: hash; TCP: offset */
  const char         *src;
  const char         *dst;
  const struct iovec *iov;       /* the payload as the program gave or got it */
  int                 iovcnt;
  size_t              len;       /* bytes that went or came (≤ the iov's total) */
  int64_t             off;       /* TCP offset, -1 if none */
  int64_t             t;         /* 0 = now */
} TraceMsg;

/* 1 if anything is listening: skip the work of building events if not. */
int  trace_report_active  (void);
void trace_report_send    (const TraceMsg *msg);
void trace_report_recv    (const TraceMsg *msg);
/* A fault ate it: at the receiver (else the sender), because of a
 * partition (else the drop probability). */
void trace_report_drop    (const TraceMsg *msg, int at_receiver, int isolated);
/* Step mode: a datagram waits in the hold queue; the teacher dropped one. */
void trace_report_held    (const TraceMsg *msg);
void trace_report_drop_held (const TraceMsg *msg);
void trace_report_socket  (const char *op, TraceFdKind kind, const char *local, const char *peer);
void trace_report_rewrite (const char *what, const char *from, const char *to);
void trace_report_fork    (long child);
void trace_report_log     (const char *level, const char *format, ...) __attribute__ ((format (printf, 2, 3)));
