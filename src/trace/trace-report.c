/* trace-report.c — formats the shim's events for conclave-report.
 *
 * The payload may be scattered (sendmsg, recvmsg): the preview takes the
 * first bytes across the pieces, the hash runs over all of them. TCP
 * chunks carry their stream offset instead of a hash, since the receiver
 * cuts the stream where it likes. Never blocks, never changes errno.
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

static void
report (const char *ev, const TraceMsg *msg, int with_hash, const char *extra)
{
  char preview[CONCLAVE_PREVIEW_MAX];
  CReportMsg m = { 0 };

  m.proto = msg->kind == TRACE_FD_TCP ? "tcp" : "udp";
  m.src = msg->src;
  m.dst = msg->dst;
  m.len = msg->len;
  m.payload = preview;
  m.payload_len = gather (msg, preview, sizeof preview);
  m.has_hash = with_hash;
  m.hash = with_hash ? hash_payload (msg) : 0;
  m.off = msg->off;
  m.t = msg->t;
  creport_message (ev, &m, extra);
}

void
trace_report_message (const char *ev, const TraceMsg *msg)
{
  report (ev, msg, msg->off < 0, NULL);
}

void
trace_report_drop (const TraceMsg *msg, const char *dir, const char *reason)
{
  char extra[64];
  TraceMsg dropped = *msg;

  /* A dropped chunk never enters the stream: it has no offset, and is
   * known by its hash like a datagram. */
  dropped.off = -1;
  snprintf (extra, sizeof extra, "\"dir\":\"%s\",\"reason\":\"%s\"", dir, reason);
  report ("drop", &dropped, 1, extra);
}

void
trace_report_socket (const char *op, TraceFdKind kind, const char *local, const char *peer)
{
  char fields[256];

  if (peer != NULL && *peer != '\0')
    snprintf (fields, sizeof fields, "\"op\":\"%s\",\"proto\":\"%s\",\"local\":\"%s\",\"peer\":\"%s\"",
              op, kind == TRACE_FD_TCP ? "tcp" : "udp", local ? local : "", peer);
  else
    snprintf (fields, sizeof fields, "\"op\":\"%s\",\"proto\":\"%s\",\"local\":\"%s\"",
              op, kind == TRACE_FD_TCP ? "tcp" : "udp", local ? local : "");
  creport_event ("socket", fields);
}

void
trace_report_rewrite (const char *what, const char *from, const char *to)
{
  char fields[256];

  snprintf (fields, sizeof fields, "\"what\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"", what, from, to);
  creport_event ("rewrite", fields);
}

void
trace_report_fork (long child)
{
  char fields[48];

  snprintf (fields, sizeof fields, "\"child\":%ld", child);
  creport_event ("fork", fields);
}

void
trace_report_log (const char *level, const char *format, ...)
{
  char text[512], quoted[1200], fields[1300];
  va_list ap;
  int saved = errno;

  va_start (ap, format);
  vsnprintf (text, sizeof text, format, ap);
  va_end (ap);
  creport_json_string (quoted, sizeof quoted, text, strlen (text));
  snprintf (fields, sizeof fields, "\"text\":%s,\"level\":\"%s\"", quoted, level);
  creport_event ("log", fields);
  errno = saved;
}
