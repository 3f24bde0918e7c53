/* node-wire.c — the data plane of conclave-node.
 *
 * Hand-written, bounds-checked parser of the CNV1 header and the per-process
 * Lamport clock and message counter. Must never read past `len` or accept a
 * header with junk in it, or (with a key) a message whose MAC does not
 * check out.
 */
#include "node-wire.h"

#include "conclave-protocol.h"

#include <string.h>
#include <unistd.h>

static guint32 lamport;
static guint32 next_n;
static char   *wire_key;  /* NULL: plain messages */

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

/* Everything after the magic (and after the MAC when there is one). */
static gboolean
parse_header (const char *p, const char *end, NodeWireMsg *msg)
{
  guint64 pid, n, lc;

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

/* The truncated HMAC of data[0..len) in hex, NUL-terminated. */
static void
compute_mac (const char *data, gsize len, char hex[NODE_WIRE_MAC_HEX + 1])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) wire_key, strlen (wire_key));
  const char *full;

  g_hmac_update (hmac, (const guchar *) data, (gssize) len);
  full = g_hmac_get_string (hmac);
  memcpy (hex, full, NODE_WIRE_MAC_HEX);
  hex[NODE_WIRE_MAC_HEX] = '\0';
}

/* Constant time, so a forger learns nothing from how fast we say no. */
static gboolean
same_mac (const char *a, const char *b)
{
  guint diff = 0;

  for (gsize i = 0; i < NODE_WIRE_MAC_HEX; i++)
    diff |= (guint) (a[i] ^ b[i]);
  return diff == 0;
}

/* "#<mac> " at p, and the MAC is right for the rest. */
static gboolean
check_mac (const char **p, const char *end)
{
  char expect[NODE_WIRE_MAC_HEX + 1];
  const char *rest = *p + 1 + NODE_WIRE_MAC_HEX + 1;

  if (end - *p < 1 + NODE_WIRE_MAC_HEX + 1 || **p != '#' || rest[-1] != ' ')
    return FALSE;
  compute_mac (rest, (gsize) (end - rest), expect);
  if (!same_mac (*p + 1, expect))
    return FALSE;
  *p = rest;
  return TRUE;
}

gboolean
node_wire_parse (const char *data, gsize len, NodeWireMsg *msg)
{
  const gsize magic_len = strlen (CONCLAVE_WIRE_MAGIC);
  const char *p = data, *end = data + len;

  if (len < magic_len + 1 || memcmp (data, CONCLAVE_WIRE_MAGIC, magic_len) != 0
      || data[magic_len] != ' ')
    return FALSE;
  p += magic_len + 1;
  if (wire_key != NULL && !check_mac (&p, end))
    return FALSE;
  return parse_header (p, end, msg);
}

void
node_wire_set_key (const char *key)
{
  g_free (wire_key);
  wire_key = g_strdup (key);
}

const char *
node_wire_group_key (void)
{
  const char *env = g_getenv (CONCLAVE_ENV_GROUP_KEY);

  return env != NULL && *env != '\0' ? env : NODE_WIRE_DEFAULT_KEY;
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
  g_autofree char *body = g_strdup_printf ("%ld:%u %u %s ", (long) msg->pid, msg->n, msg->lc, msg->kind);
  GString *signed_part = g_string_new (body);
  char mac[NODE_WIRE_MAC_HEX + 1];

  g_string_append_len (signed_part, msg->payload, (gssize) msg->payload_len);
  g_string_append (out, CONCLAVE_WIRE_MAGIC " ");
  if (wire_key != NULL)
    {
      compute_mac (signed_part->str, signed_part->len, mac);
      g_string_append_printf (out, "#%s ", mac);
    }
  g_string_append_len (out, signed_part->str, (gssize) signed_part->len);
  g_string_free (signed_part, TRUE);
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
