/* node-wire.c — the data plane of conclave-node.
 *
 * Hand-written, bounds-checked parser of the CNV1 header and the per-process
 * Lamport clock and message counter. Must never read past `len` or accept a
 * header with junk in it.
 */
#include "node-wire.h"

#include "conclave-protocol.h"

#include <string.h>
#include <unistd.h>

static guint32 lamport;
static guint32 next_n;

/* Reads decimal digits at *p (at most `max`), stopping at `stop`. */
static gboolean
read_number (const char **p, const char *end, char stop, guint64 max, guint64 *out)
{
  guint64 value = 0;
  const char *start = *p;

  while (*p < end && **p >= '0' && **p <= '9')
    {
      value = value * 10 + (guint64) (**p - '0');
      if (value > max)
        return FALSE;
      (*p)++;
    }
  if (*p == start || *p >= end || **p != stop)
    return FALSE;
  (*p)++;
  *out = value;
  return TRUE;
}

static gboolean
kind_char (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* The kind ends at a space (payload follows) or at the end (no payload). */
static gboolean
read_kind (const char **p, const char *end, char kind[NODE_KIND_MAX])
{
  gsize n = 0;

  while (*p < end && kind_char (**p))
    {
      if (n + 1 >= NODE_KIND_MAX)
        return FALSE;
      kind[n++] = *(*p)++;
    }
  kind[n] = '\0';
  if (n == 0 || (*p < end && **p != ' '))
    return FALSE;
  if (*p < end)
    (*p)++;
  return TRUE;
}

gboolean
node_wire_parse (const char *data, gsize len, NodeWireMsg *msg)
{
  const gsize magic_len = strlen (CONCLAVE_WIRE_MAGIC);
  const char *p = data, *end = data + len;
  guint64 pid, n, lc;

  if (len < magic_len + 1 || memcmp (data, CONCLAVE_WIRE_MAGIC, magic_len) != 0
      || data[magic_len] != ' ')
    return FALSE;
  p += magic_len + 1;
  if (!read_number (&p, end, ':', G_MAXINT32, &pid) || pid == 0
      || !read_number (&p, end, ' ', G_MAXUINT32, &n)
      || !read_number (&p, end, ' ', G_MAXUINT32, &lc)
      || !read_kind (&p, end, msg->kind))
    return FALSE;
  msg->pid = (pid_t) pid;
  msg->n = (guint32) n;
  msg->lc = (guint32) lc;
  msg->payload = p;
  msg->payload_len = (gsize) (end - p);
  return TRUE;
}

void
node_wire_stamp (NodeWireMsg *msg, const char *kind, const char *payload, gsize payload_len)
{
  msg->pid = getpid ();
  msg->n = ++next_n;
  msg->lc = ++lamport;
  g_strlcpy (msg->kind, kind, sizeof msg->kind);
  msg->payload = payload;
  msg->payload_len = payload_len;
}

GBytes *
node_wire_format (const NodeWireMsg *msg)
{
  GString *out = g_string_new (NULL);

  g_string_printf (out, "%s %ld:%u %u %s ", CONCLAVE_WIRE_MAGIC,
                   (long) msg->pid, msg->n, msg->lc, msg->kind);
  g_string_append_len (out, msg->payload, (gssize) msg->payload_len);
  return g_string_free_to_bytes (out);
}

void
node_wire_observe (guint32 lc)
{
  lamport = MAX (lamport, lc) + 1;
}

guint32
node_wire_clock (void)
{
  return lamport;
}
