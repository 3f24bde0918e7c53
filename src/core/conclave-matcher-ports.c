/* conclave-matcher-ports.c — which process had a datagram socket on which
 * port, when, and when it last read (see conclave-matcher-private.h).
 *
 * Everything here runs on one machine (the loopback network), so a port
 * names a socket, or the sockets sharing it (broadcast and multicast
 * receivers with SO_REUSEADDR): "0.0.0.0", "127.0.0.1", the program's own
 * LAN address and a v4-mapped address are the same place. Learnt only from
 * events (socket bind/connect/close, receives, a process's end), so a
 * replayed trace gives the same answers as the live run. Never keeps a
 * closed socket longer than the matcher may still ask about it.
 */
#include "conclave-matcher-private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADDR_PORT_MASK 0xFFFFu
#define ADDR_GROUP     (1u << 16)
#define ADDR_PARSED    (1u << 17)

typedef struct {
  guint32 proc;
  gint64  bound_ns;
  gint64  closed_ns;   /* G_MAXINT64 while open */
  gint64  read_ns;     /* last receive on it; G_MININT64 before the first */
} Span;

struct _ConclaveMatcherPorts {
  ConclaveEventStore *store;
  GHashTable         *addresses;  /* interned address → ADDR_* bits and port */
  GHashTable         *ports;      /* port → GArray of Span */
};

ConclaveMatcherPorts *
_conclave_matcher_ports_new (ConclaveEventStore *store)
{
  ConclaveMatcherPorts *self = g_new0 (ConclaveMatcherPorts, 1);

  self->store = store;
  self->addresses = g_hash_table_new (NULL, NULL);
  self->ports = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  return self;
}

void
_conclave_matcher_ports_free (ConclaveMatcherPorts *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->addresses);
  g_hash_table_unref (self->ports);
  g_free (self);
}

void
_conclave_matcher_ports_copy (ConclaveMatcherPorts *self, ConclaveMatcherPorts *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from->addresses);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->addresses, key, value);
  g_hash_table_iter_init (&iter, from->ports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self->ports, key, g_array_copy (value));
}

/* "a.b.c.d:port", "[v6]:port": the port, and whether the host is a group. */
static guint
parse_address (const char *text)
{
  const char *colon = text ? strrchr (text, ':') : NULL;
  guint value = ADDR_PARSED;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char *end = NULL;
  unsigned long port;

  if (colon == NULL)
    return value;
  port = strtoul (colon + 1, &end, 10);
  if (end != colon + 1 && *end == '\0' && port <= ADDR_PORT_MASK)
    value |= (guint) port;
  if (g_str_has_prefix (text, "[ff") || g_str_has_prefix (text, "[FF"))
    value |= ADDR_GROUP;
  else if (sscanf (text, "%u.%u.%u.%u:", &a, &b, &c, &d) == 4
           && ((a >= 224 && a <= 239) || d == 255))
    value |= ADDR_GROUP;
  return value;
}

static guint
address_info (ConclaveMatcherPorts *self, guint32 address)
{
  guint value = GPOINTER_TO_UINT (g_hash_table_lookup (self->addresses, GUINT_TO_POINTER (address)));

  if (value == 0)
    {
      value = parse_address (conclave_event_store_str (self->store, address));
      g_hash_table_insert (self->addresses, GUINT_TO_POINTER (address), GUINT_TO_POINTER (value));
    }
  return value;
}

guint16
_conclave_matcher_ports_port (ConclaveMatcherPorts *self, guint32 address)
{
  return address ? (guint16) (address_info (self, address) & ADDR_PORT_MASK) : 0;
}

gboolean
_conclave_matcher_ports_is_group (ConclaveMatcherPorts *self, guint32 address)
{
  return address && (address_info (self, address) & ADDR_GROUP) != 0;
}

static GArray *
spans_at (ConclaveMatcherPorts *self, guint16 port, gboolean create)
{
  GArray *spans = g_hash_table_lookup (self->ports, GUINT_TO_POINTER (port));

  if (spans == NULL && create)
    {
      spans = g_array_new (FALSE, FALSE, sizeof (Span));
      g_hash_table_insert (self->ports, GUINT_TO_POINTER (port), spans);
    }
  return spans;
}

static Span *
open_span (GArray *spans, guint32 proc)
{
  for (guint i = spans ? spans->len : 0; i > 0; i--)
    {
      Span *s = &g_array_index (spans, Span, i - 1);
      if (s->proc == proc && s->closed_ns == G_MAXINT64)
        return s;
    }
  return NULL;
}

static void
socket_event (ConclaveMatcherPorts *self, const ConclaveEvent *e)
{
  const char *op = conclave_event_store_str (self->store, e->s[0]);
  guint16 port = _conclave_matcher_ports_port (self, e->s[1]);
  GArray *spans;
  Span *open;

  if (op == NULL || port == 0 || e->proto == CONCLAVE_PROTO_TCP)
    return;
  spans = spans_at (self, port, TRUE);
  open = open_span (spans, e->proc);
  if (strcmp (op, "close") == 0 && open != NULL)
    open->closed_ns = e->time_ns;
  else if ((strcmp (op, "bind") == 0 || strcmp (op, "connect") == 0) && open == NULL)
    g_array_append_val (spans, ((Span) { e->proc, e->time_ns, G_MAXINT64, G_MININT64 }));
}

/* A receive (or a drop at the receiver) shows its socket is being read. A
 * forked child reads its parent's socket: then every socket on the port. */
static void
read_event (ConclaveMatcherPorts *self, const ConclaveEvent *e)
{
  GArray *spans = spans_at (self, _conclave_matcher_ports_port (self, e->s[2]), FALSE);
  Span *own = open_span (spans, e->proc);

  if (own != NULL)
    {
      own->read_ns = MAX (own->read_ns, e->time_ns);
      return;
    }
  for (guint i = 0; spans && i < spans->len; i++)
    {
      Span *s = &g_array_index (spans, Span, i);
      if (s->closed_ns == G_MAXINT64)
        s->read_ns = MAX (s->read_ns, e->time_ns);
    }
}

static void
process_ended (ConclaveMatcherPorts *self, guint32 proc, gint64 time_ns)
{
  GHashTableIter iter;
  GArray *spans;

  g_hash_table_iter_init (&iter, self->ports);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &spans))
    for (guint i = 0; i < spans->len; i++)
      {
        Span *s = &g_array_index (spans, Span, i);
        if (s->proc == proc && s->closed_ns == G_MAXINT64)
          s->closed_ns = time_ns;
      }
}

static void
pid_ended (ConclaveMatcherPorts *self, gint pid, gint64 time_ns)
{
  ConclaveProcessInfo *info = pid > 0 ? conclave_event_store_find_process (self->store, pid) : NULL;

  if (info != NULL)
    process_ended (self, info->index, time_ns);
}

void
_conclave_matcher_ports_feed (ConclaveMatcherPorts *self, const ConclaveEvent *e)
{
  switch (e->type)
    {
    case CONCLAVE_EVENT_SOCKET: socket_event (self, e); break;
    case CONCLAVE_EVENT_RECV:
      if (e->proto != CONCLAVE_PROTO_TCP)
        read_event (self, e);
      break;
    case CONCLAVE_EVENT_DROP:
      if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
        read_event (self, e);
      break;
    case CONCLAVE_EVENT_EXIT: process_ended (self, e->proc, e->time_ns); break;
    case CONCLAVE_EVENT_EXITED: pid_ended (self, (gint) e->len, e->time_ns); break;
    case CONCLAVE_EVENT_REAP: pid_ended (self, e->num, e->time_ns); break;
    default: break;
    }
}

gint64
_conclave_matcher_ports_bound_at (ConclaveMatcherPorts *self, guint32 proc, guint16 port)
{
  Span *s = open_span (spans_at (self, port, FALSE), proc);

  return s ? s->bound_ns : G_MININT64;
}

ConclaveMessageState
_conclave_matcher_ports_fate (ConclaveMatcherPorts *self, guint16 port, gint64 send_ns)
{
  GArray *spans = port ? spans_at (self, port, FALSE) : NULL;
  gboolean bound = FALSE;

  for (guint i = 0; spans && i < spans->len; i++)
    {
      const Span *s = &g_array_index (spans, Span, i);

      if (s->bound_ns > send_ns || s->closed_ns <= send_ns)
        continue;
      bound = TRUE;
      if (s->read_ns > send_ns)
        return CONCLAVE_MESSAGE_LOST;
    }
  return bound ? CONCLAVE_MESSAGE_NOT_READ : CONCLAVE_MESSAGE_UNHEARD;
}

void
_conclave_matcher_ports_trim (ConclaveMatcherPorts *self, gint64 before_ns)
{
  GHashTableIter iter;
  GArray *spans;

  g_hash_table_iter_init (&iter, self->ports);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &spans))
    {
      for (guint i = spans->len; i > 0; i--)
        if (g_array_index (spans, Span, i - 1).closed_ns < before_ns)
          g_array_remove_index (spans, i - 1);
      if (spans->len == 0)
        g_hash_table_iter_remove (&iter);
    }
}

/* Every process with a socket open on `address`'s port (each once): whom a
 * broadcast or multicast datagram sent there now reaches. NULL for an
 * address that is no group. */
GArray *
conclave_matcher_list_listeners (ConclaveMatcher *self, guint32 address)
{
  GArray *procs;
  guint16 port;
  GArray *spans;

  g_return_val_if_fail (self != NULL, NULL);

  if (!_conclave_matcher_ports_is_group (self->ports, address))
    return NULL;
  procs = g_array_new (FALSE, FALSE, sizeof (guint32));
  port = _conclave_matcher_ports_port (self->ports, address);
  spans = port ? spans_at (self->ports, port, FALSE) : NULL;
  for (guint i = 0; spans != NULL && i < spans->len; i++)
    {
      const Span *s = &g_array_index (spans, Span, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < procs->len && !seen; j++)
        seen = g_array_index (procs, guint32, j) == s->proc;
      if (s->closed_ns == G_MAXINT64 && !seen)
        g_array_append_val (procs, s->proc);
    }
  return procs;
}
