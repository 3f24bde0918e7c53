/* conclave-report-events.c — one typed writer per event a process reports.
 *
 * The only place on the plain-C side that knows the fields of an event
 * line: callers pass values, never JSON. Every string is escaped here. Like
 * the channel underneath (conclave-report.c) it must never block, abort,
 * print, or leave errno changed; the fields are formatted under the
 * reporter's lock into its static buffer, so no caller's stack pays for it.
 */
#include "conclave-report.h"
#include "conclave-report-private.h"
#include "conclave-protocol.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Runs BODY with `f` (a CJsonBuf *) when someone listens, then sends EV. */
#define WRITE_EVENT(EV, T, ...)         \
  do {                                  \
    int saved_ = errno;                 \
    CJsonBuf fb_, *f = &fb_;            \
    if (_creport_begin (f))             \
      {                                 \
        __VA_ARGS__;                    \
        _creport_end ((EV), (T), f);    \
      }                                 \
    errno = saved_;                     \
  } while (0)

size_t
creport_json_string (char *buf, size_t size, const char *s, size_t len)
{
  int saved = errno;
  CJsonBuf b;

  if (size < 3)
    {
      if (size > 0)
        buf[0] = '\0';
      return 0;
    }
  cjson_init (&b, buf, size);
  cjson_string (&b, s, len, CONCLAVE_PREVIEW_MAX, CJSON_PREVIEW);
  errno = saved;
  return b.len;
}

static void
bounded_member (CJsonBuf *f, const char *key, const char *s, size_t max_in, CJsonMode mode)
{
  cjson_key (f, key);
  cjson_string (f, s, s ? strlen (s) : 0, max_in, mode);
}

static void
message_fields (CJsonBuf *f, const CReportMsg *msg)
{
  static const char digits[] = "0123456789abcdef";

  cjson_member_str (f, "proto", msg->proto ? msg->proto : "udp");
  bounded_member (f, "src", msg->src, 64, CJSON_TEXT);
  bounded_member (f, "dst", msg->dst, 64, CJSON_TEXT);
  cjson_member_u64 (f, "len", msg->len);
  bounded_member (f, "kind", msg->kind ? msg->kind : "data", 32, CJSON_TEXT);
  cjson_key (f, "preview");
  cjson_string (f, msg->payload, msg->payload ? msg->payload_len : 0,
                CONCLAVE_PREVIEW_MAX, CJSON_PREVIEW);
  if (msg->id_pid != 0)
    {
      cjson_key (f, "id");
      cjson_raw (f, "\"", 1);
      cjson_i64 (f, msg->id_pid);
      cjson_raw (f, ":", 1);
      cjson_u64 (f, msg->id_n);
      cjson_raw (f, "\"", 1);
    }
  else if (msg->has_hash)
    {
      char hex[18];
      uint64_t v = msg->hash;

      hex[0] = hex[17] = '"';
      for (int i = 16; i >= 1; i--, v >>= 4)
        hex[i] = digits[v & 15];
      cjson_key (f, "hash");
      cjson_raw (f, hex, sizeof hex);
    }
  if (msg->lc != 0)
    cjson_member_u64 (f, "lc", msg->lc);
  if (msg->off >= 0)
    cjson_member_i64 (f, "off", msg->off);
}

void
creport_send (const CReportMsg *msg)
{
  if (msg != NULL)
    WRITE_EVENT (CONCLAVE_EV_SEND, msg->t, message_fields (f, msg));
}

void
creport_recv (const CReportMsg *msg)
{
  if (msg != NULL)
    WRITE_EVENT (CONCLAVE_EV_RECV, msg->t, message_fields (f, msg));
}

void
creport_drop (const CReportMsg *msg, int at_receiver, int isolated)
{
  if (msg != NULL)
    WRITE_EVENT (CONCLAVE_EV_DROP, msg->t, {
      message_fields (f, msg);
      cjson_member_str (f, "dir", at_receiver ? CONCLAVE_DIR_RECV : CONCLAVE_DIR_SEND);
      cjson_member_str (f, "reason", isolated ? CONCLAVE_REASON_ISOLATED : CONCLAVE_REASON_FAULT);
    });
}

size_t
creport_format_drop (char *buf, size_t size, const CReportMsg *msg, int at_receiver, int isolated)
{
  char fields[CONCLAVE_PREVIEW_MAX * 6 + 512];
  CJsonBuf f;
  int n;

  cjson_init (&f, fields, sizeof fields);
  message_fields (&f, msg);
  cjson_member_str (&f, "dir", at_receiver ? CONCLAVE_DIR_RECV : CONCLAVE_DIR_SEND);
  cjson_member_str (&f, "reason", isolated ? CONCLAVE_REASON_ISOLATED : CONCLAVE_REASON_FAULT);
  if (f.full)
    return 0;
  n = snprintf (buf, size, "{\"ev\":\"%s\",\"seq\":0,\"t\":%lld,%s}", CONCLAVE_EV_DROP,
                (long long) msg->t, fields);
  return n > 0 && (size_t) n < size ? (size_t) n : 0;
}

void
creport_held (const CReportMsg *msg)
{
  if (msg != NULL)
    WRITE_EVENT (CONCLAVE_EV_HELD, msg->t, message_fields (f, msg));
}

void
creport_drop_held (const CReportMsg *msg)
{
  if (msg != NULL)
    WRITE_EVENT (CONCLAVE_EV_DROP, msg->t, {
      message_fields (f, msg);
      cjson_member_str (f, "dir", CONCLAVE_DIR_RECV);
      cjson_member_str (f, "reason", CONCLAVE_REASON_HELD);
    });
}

void
creport_socket (const char *op, const char *proto, const char *local, const char *peer)
{
  WRITE_EVENT (CONCLAVE_EV_SOCKET, 0, {
    cjson_member_str (f, "op", op);
    cjson_member_str (f, "proto", proto);
    cjson_member_str (f, "local", local);
    if (peer != NULL && *peer != '\0')
      cjson_member_str (f, "peer", peer);
  });
}

void
creport_fork (long child)
{
  WRITE_EVENT (CONCLAVE_EV_FORK, 0, cjson_member_i64 (f, "child", child));
}

void
creport_reap (long child, int status)
{
  WRITE_EVENT (CONCLAVE_EV_REAP, 0, {
    cjson_member_i64 (f, "child", child);
    if (WIFSIGNALED (status))
      cjson_member_i64 (f, "signal", WTERMSIG (status));
    else
      cjson_member_i64 (f, "code", WEXITSTATUS (status));
  });
}

void
creport_exit (int code)
{
  WRITE_EVENT (CONCLAVE_EV_EXIT, 0, cjson_member_i64 (f, "code", code));
}

void
creport_state (const CReportState *s)
{
  if (s != NULL)
    WRITE_EVENT (CONCLAVE_EV_STATE, 0, {
      cjson_member_str (f, "role", s->role);
      cjson_member_u64 (f, "term", s->term);
      cjson_member_str (f, "election", s->election);
      if (s->leader != NULL)
        cjson_member_str (f, "leader", s->leader);
      cjson_member_strv (f, "view", s->view, s->n_view);
      if (s->why != NULL)
        cjson_member_str (f, "why", s->why);
      if (s->timeout_ms > 0)
        cjson_member_u64 (f, "timeout_ms", (uint64_t) (s->timeout_ms + 0.5));
    });
}

void
creport_deliver (uint64_t seqno, const char *req, const char *client, const char *text)
{
  WRITE_EVENT (CONCLAVE_EV_DELIVER, 0, {
    cjson_member_u64 (f, "seqno", seqno);
    cjson_member_str (f, "req", req);
    cjson_member_str (f, "client", client);
    cjson_member_str (f, "text", text);
  });
}

void
creport_acked (const char *req, uint64_t seqno)
{
  WRITE_EVENT (CONCLAVE_EV_ACKED, 0, {
    cjson_member_str (f, "req", req);
    cjson_member_u64 (f, "seqno", seqno);
  });
}

void
creport_garbage (uint64_t count, const char *from)
{
  WRITE_EVENT (CONCLAVE_EV_GARBAGE, 0, {
    cjson_member_u64 (f, "count", count);
    if (from != NULL)
      cjson_member_str (f, "from", from);
  });
}

void
creport_rewrite (const char *what, const char *from, const char *to)
{
  WRITE_EVENT (CONCLAVE_EV_REWRITE, 0, {
    cjson_member_str (f, "what", what);
    cjson_member_str (f, "from", from);
    cjson_member_str (f, "to", to);
  });
}

void
creport_log (const char *level, const char *text)
{
  WRITE_EVENT (CONCLAVE_EV_LOG, 0, {
    cjson_member_str (f, "text", text);
    cjson_member_str (f, "level", level ? level : CONCLAVE_LEVEL_INFO);
  });
}

void
creport_logf (const char *level, const char *format, ...)
{
  char text[1024];
  int saved = errno;
  va_list ap;

  va_start (ap, format);
  vsnprintf (text, sizeof text, format, ap);
  va_end (ap);
  creport_log (level, text);
  errno = saved;
}
