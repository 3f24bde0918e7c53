/* trace-report.c — the shim's events, handed to conclave-report's writers.
 *
 * The payload may be scattered (sendmsg, recvmsg): the preview takes the
 * first bytes across the pieces, the hash runs over all of them. TCP
 * chunks carry their stream offset instead of a hash, since the receiver
 * cuts the stream where it likes. Never formats JSON, never blocks, never
 * changes errno.
 */
#include "trace-report.h"

#include "conclave-protocol.h"
#include "conclave-report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
trace_report_active (void)
{
  return creport_active ();
}

/* The first `want` bytes of the payload, gathered into buf. */
static size_t
gather (const TraceMsg *msg, char *buf, size_t want)
{
  size_t have = 0;

  if (want > msg->len)
    want = msg->len;
  for (int i = 0; i < msg->iovcnt && have < want; i++)
    {
      size_t n = msg->iov[i].iov_len < want - have ? msg->iov[i].iov_len : want - have;
      memcpy (buf + have, msg->iov[i].iov_base, n);
      have += n;
    }
  return have;
}

static uint64_t
hash_payload (const TraceMsg *msg)
{
  uint64_t h = CREPORT_HASH_INIT;
  size_t left = msg->len;

  for (int i = 0; i < msg->iovcnt && left > 0; i++)
    {
      size_t n = msg->iov[i].iov_len < left ? msg->iov[i].iov_len : left;
      h = creport_hash_update (h, msg->iov[i].iov_base, n);
      left -= n;
    }
  return h;
}

/* The reporter's message from the wrapper's; preview must hold
 * CONCLAVE_PREVIEW_MAX bytes. */
static void
to_report (const TraceMsg *msg, int with_hash, char *preview, CReportMsg *m)
{
  memset (m, 0, sizeof *m);
  m->proto = msg->kind == TRACE_FD_TCP ? "tcp" : "udp";
  m->src = msg->src;
  m->dst = msg->dst;
  m->len = msg->len;
  m->payload = preview;
  m->payload_len = gather (msg, preview, CONCLAVE_PREVIEW_MAX);
  m->has_hash = with_hash;
  m->hash = with_hash ? hash_payload (msg) : 0;
  m->off = msg->off;
  m->t = msg->t;
}

void
trace_report_send (const TraceMsg *msg)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m;

  to_report (msg, msg->off < 0, preview, &m);
  creport_send (&m);
}

void
trace_report_recv (const TraceMsg *msg)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m;

  to_report (msg, msg->off < 0, preview, &m);
  creport_recv (&m);
}

void
trace_report_drop (const TraceMsg *msg, int at_receiver, int isolated)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m;

  /* A dropped chunk never enters the stream: it has no offset, and is
   * known by its hash like a datagram. */
  to_report (msg, 1, preview, &m);
  m.off = -1;
  creport_drop (&m, at_receiver, isolated);
}

void
trace_report_held (const TraceMsg *msg)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m;

  /* as a receive: a datagram by its hash, a TCP chunk by its offset */
  to_report (msg, msg->off < 0, preview, &m);
  creport_held (&m);
}

void
trace_report_drop_held (const TraceMsg *msg)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m;

  to_report (msg, 1, preview, &m);
  creport_drop_held (&m);
}

void
trace_report_socket (const char *op, TraceFdKind kind, const char *local, const char *peer)
{
  creport_socket (op, kind == TRACE_FD_TCP ? "tcp" : "udp", local ? local : "", peer);
}

void
trace_report_rewrite (const char *what, const char *from, const char *to)
{
  creport_rewrite (what, from, to);
}

void
trace_report_fork (long child)
{
  creport_fork (child);
}

void
trace_report_log (const char *level, const char *format, ...)
{
  char text[512];
  va_list ap;
  int saved = errno;

  va_start (ap, format);
  vsnprintf (text, sizeof text, format, ap);
  va_end (ap);
  creport_log (level, text);
  errno = saved;
}
