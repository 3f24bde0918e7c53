/* trace-report.h — the shim's events, in the control protocol's words.
 *
 * Thin layer over conclave-report: builds `send`/`recv`/`drop`, `socket`,
 * `rewrite`, `fork` and `log` events from what a wrapper saw. Like the
 * reporter it never blocks and never changes errno.
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
void trace_report_message (const char *ev, const TraceMsg *msg);
/* A drop: dir "send"/"recv", reason "fault"/"isolated". */
void trace_report_drop    (const TraceMsg *msg, const char *dir, const char *reason);
void trace_report_socket  (const char *op, TraceFdKind kind, const char *local, const char *peer);
void trace_report_rewrite (const char *what, const char *from, const char *to);
void trace_report_fork    (long child);
void trace_report_log     (const char *level, const char *format, ...) __attribute__ ((format (printf, 2, 3)));
