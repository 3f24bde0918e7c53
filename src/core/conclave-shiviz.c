/* conclave-shiviz.c — vector clocks from the matched messages (see the
 * header).
 *
 * Clocks are dense arrays over the store's processes. A send's clock is
 * kept only until its last receive has been written (a broadcast has
 * several), so memory grows with the messages in flight, not with the run.
 * A forked child starts from its parent's clock at the fork, when the fork
 * was written first (it nearly always is: the order falls back on time).
 */
#include "config.h"

#include <string.h>

#include "conclave-causal.h"
#include "conclave-shiviz.h"

typedef struct {
  guint32 *clock;      /* the send's vector clock, n_procs + 1 entries */
  guint    pending;    /* receives still to write */
} SentClock;

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  guint               n_procs;
  guint32           **clocks;     /* per process, allocated on its first event */
  char              **hosts;      /* per process: "s1/4711" */
  GHashTable         *send_of;    /* receive (or drop) index → send index + 1 */
  GHashTable         *receivers;  /* send index → its number of receives */
  GHashTable         *first_to;   /* send index → the process of its first receive */
  GHashTable         *sent;       /* send index → SentClock* */
  GHashTable         *forked;     /* child PID → its parent's clock at the fork */
  GString            *out;
} ShiViz;

static void
sent_clock_free (gpointer data)
{
  SentClock *sent = data;

  g_free (sent->clock);
  g_free (sent);
}

/* Which receive answers which send: the matcher's pairs. A receive by the
 * sending process itself (a broadcast heard by its sender) adds nothing. */
static void
index_messages (ShiViz *self)
{
  guint64 end = conclave_matcher_get_n_messages (self->matcher);

  for (guint64 i = conclave_matcher_get_first_message (self->matcher); i < end; i++)
    {
      ConclaveMessage message_data;
      const ConclaveMessage *message = conclave_matcher_get_message (self->matcher, i, &message_data);
      gpointer count;

      if (message == NULL || message->send_index == G_MAXUINT64 || message->recv_index == G_MAXUINT64 ||
          message->dst_proc == message->src_proc)
        continue;
      g_hash_table_insert (self->send_of, GSIZE_TO_POINTER ((gsize) message->recv_index),
                           GSIZE_TO_POINTER ((gsize) message->send_index + 1));
      if (!g_hash_table_contains (self->first_to, GSIZE_TO_POINTER ((gsize) message->send_index)))
        g_hash_table_insert (self->first_to, GSIZE_TO_POINTER ((gsize) message->send_index),
                             GUINT_TO_POINTER (conclave_event_store_get (self->store, message->recv_index)->proc));
      count = g_hash_table_lookup (self->receivers, GSIZE_TO_POINTER ((gsize) message->send_index));
      g_hash_table_insert (self->receivers, GSIZE_TO_POINTER ((gsize) message->send_index),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
    }
}

gboolean
conclave_shiviz_is_written (const ConclaveEvent *event)
{
  switch (event->type)
    {
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_HELLO:
    case CONCLAVE_EVENT_FORK:
    case CONCLAVE_EVENT_EXIT:
    case CONCLAVE_EVENT_STATE:
    case CONCLAVE_EVENT_DELIVER:
    case CONCLAVE_EVENT_ACKED:
      return event->proc != 0;
    default:
      return FALSE;
    }
}

static const char *
host_of (ShiViz   *self,
         guint32   proc)
{
  if (self->hosts[proc] == NULL)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, proc);
      const char *node = info ? conclave_event_store_str (self->store, info->node) : NULL;

      self->hosts[proc] = g_strdup_printf ("%s/%d", node && *node ? node : "pid", info ? info->pid : 0);
      g_strdelimit (self->hosts[proc], " \t\n\"\\", '_');
    }
  return self->hosts[proc];
}

static const char *host_of (ShiViz *self, guint32 proc);

/* "to s2/4711" (and how many more heard it), "from s1/4710". */
static void
append_peer (ShiViz              *self,
             const ConclaveEvent *event,
             guint64              index)
{
  gpointer key = GSIZE_TO_POINTER ((gsize) index);
  gsize send;
  guint32 to;
  guint more;

  if (event->type == CONCLAVE_EVENT_SEND && (to = GPOINTER_TO_UINT (g_hash_table_lookup (self->first_to, key))) != 0)
    {
      more = GPOINTER_TO_UINT (g_hash_table_lookup (self->receivers, key)) - 1;
      g_string_append_printf (self->out, " to %s", host_of (self, to));
      if (more > 0)
        g_string_append_printf (self->out, " and %u more", more);
    }
  else if ((send = GPOINTER_TO_SIZE (g_hash_table_lookup (self->send_of, key))) != 0)
    g_string_append_printf (self->out, " from %s",
                            host_of (self, conclave_event_store_get (self->store, send - 1)->proc));
}

static void
append_description (ShiViz              *self,
                    const ConclaveEvent *event,
                    guint64              index)
{
  const char *what = NULL;
  gsize start = self->out->len;

  if (conclave_event_type_is_message (event->type))
    what = conclave_event_store_str (self->store, conclave_event_kind (event));
  else if (event->type == CONCLAVE_EVENT_STATE)
    what = conclave_event_store_str (self->store, conclave_event_state_role (event));
  g_string_append (self->out, conclave_event_type_to_string (event->type));
  if (what != NULL && *what != '\0')
    g_string_append_printf (self->out, " %s", what);
  if (conclave_event_type_is_message (event->type))
    append_peer (self, event, index);
  if (event->type == CONCLAVE_EVENT_STATE && conclave_event_state_term (event) > 0)
    g_string_append_printf (self->out, " term %" G_GINT64_FORMAT, conclave_event_state_term (event));
  /* One line: the event's own text may hold anything. */
  for (gsize i = start; i < self->out->len; i++)
    if (self->out->str[i] == '\n' || self->out->str[i] == '\r')
      self->out->str[i] = ' ';
  g_string_append_c (self->out, '\n');
}

static void
append_clock (ShiViz   *self,
              guint32   proc)
{
  const guint32 *clock = self->clocks[proc];
  gboolean first = TRUE;

  g_string_append_printf (self->out, "%s {", host_of (self, proc));
  for (guint32 other = 1; other <= self->n_procs; other++)
    {
      if (clock[other] == 0)
        continue;
      g_string_append_printf (self->out, "%s\"%s\":%u", first ? "" : ", ", host_of (self, other), clock[other]);
      first = FALSE;
    }
  g_string_append (self->out, "}\n");
}

/* A receive merges its send's clock, entry by entry. */
static void
merge_send (ShiViz   *self,
            guint32  *clock,
            guint64   index)
{
  gsize send = GPOINTER_TO_SIZE (g_hash_table_lookup (self->send_of, GSIZE_TO_POINTER ((gsize) index)));
  SentClock *sent;

  if (send == 0)
    return;
  sent = g_hash_table_lookup (self->sent, GSIZE_TO_POINTER (send - 1));
  if (sent == NULL)
    return;   /* its send was not retained */
  for (guint32 i = 1; i <= self->n_procs; i++)
    clock[i] = MAX (clock[i], sent->clock[i]);
  if (--sent->pending == 0)
    g_hash_table_remove (self->sent, GSIZE_TO_POINTER (send - 1));
}

static void
keep_send (ShiViz        *self,
           const guint32 *clock,
           guint64        index)
{
  guint receivers = GPOINTER_TO_UINT (g_hash_table_lookup (self->receivers, GSIZE_TO_POINTER ((gsize) index)));
  SentClock *sent;

  if (receivers == 0)
    return;
  sent = g_new (SentClock, 1);
  sent->clock = g_memdup2 (clock, (self->n_procs + 1) * sizeof (guint32));
  sent->pending = receivers;
  g_hash_table_insert (self->sent, GSIZE_TO_POINTER ((gsize) index), sent);
}

/* A child's first event: it happened after its parent's fork. */
static guint32 *
new_clock (ShiViz   *self,
           guint32   proc)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (self->store, proc);
  guint32 *parent = info ? g_hash_table_lookup (self->forked, GINT_TO_POINTER (info->pid)) : NULL;

  return parent ? g_memdup2 (parent, (self->n_procs + 1) * sizeof (guint32)) : g_new0 (guint32, self->n_procs + 1);
}

static void
write_event (ShiViz              *self,
             const ConclaveEvent *event,
             guint64              index)
{
  guint32 *clock;

  if (event->proc > self->n_procs)
    return;
  if (self->clocks[event->proc] == NULL)
    self->clocks[event->proc] = new_clock (self, event->proc);
  clock = self->clocks[event->proc];
  merge_send (self, clock, index);
  clock[event->proc]++;
  if (event->type == CONCLAVE_EVENT_SEND)
    keep_send (self, clock, index);
  if (event->type == CONCLAVE_EVENT_FORK)
    g_hash_table_insert (self->forked, GINT_TO_POINTER (conclave_event_fork_child (event)),
                         g_memdup2 (clock, (self->n_procs + 1) * sizeof (guint32)));
  append_description (self, event, index);
  append_clock (self, event->proc);
}

static void
shiviz_clear (ShiViz *self)
{
  for (guint i = 0; i <= self->n_procs; i++)
    {
      g_free (self->clocks[i]);
      g_free (self->hosts[i]);
    }
  g_free (self->clocks);
  g_free (self->hosts);
  g_hash_table_unref (self->send_of);
  g_hash_table_unref (self->receivers);
  g_hash_table_unref (self->first_to);
  g_hash_table_unref (self->sent);
  g_hash_table_unref (self->forked);
  g_string_free (self->out, TRUE);
}

gboolean
conclave_shiviz_write (ConclaveEventStore *store,
                       ConclaveMatcher    *matcher,
                       const char         *path,
                       GError            **error)
{
  ShiViz self = { store, matcher, conclave_event_store_get_n_processes (store), };
  g_autoptr(GArray) order = NULL;
  gboolean ok;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store), FALSE);
  g_return_val_if_fail (matcher != NULL && path != NULL, FALSE);

  self.clocks = g_new0 (guint32 *, self.n_procs + 1);
  self.hosts = g_new0 (char *, self.n_procs + 1);
  self.send_of = g_hash_table_new (NULL, NULL);
  self.receivers = g_hash_table_new (NULL, NULL);
  self.first_to = g_hash_table_new (NULL, NULL);
  self.sent = g_hash_table_new_full (NULL, NULL, NULL, sent_clock_free);
  self.forked = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self.out = g_string_new ("# ShiViz parser RE: " CONCLAVE_SHIVIZ_REGEX "\n"
                           "# Written by Conclave " PACKAGE_VERSION ": paste this file as the log and the line above "
                           "(after \"RE: \") as the parser regular expression.\n");
  index_messages (&self);
  order = conclave_causal_order (store, matcher, conclave_event_store_get_first (store),
                                 conclave_event_store_get_end (store));
  for (guint i = 0; i < order->len; i++)
    {
      guint64 index = g_array_index (order, guint64, i);
      const ConclaveEvent *event = conclave_event_store_get (store, index);

      if (event != NULL && conclave_shiviz_is_written (event))
        write_event (&self, event, index);
    }
  ok = g_file_set_contents (path, self.out->str, self.out->len, error);
  shiviz_clear (&self);
  return ok;
}
