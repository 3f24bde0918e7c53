/* conclave-matcher-snapshot.c — see the header.
 *
 * Part of the matcher: reads and writes its fields, never pairs anything.
 * The open messages are those the matcher's tables name (waiting sends
 * and receives, group sends, stream chunks, the in-flight queue): every
 * write to an existing message goes through one of them.
 */
#include "conclave-matcher-private.h"
#include "conclave-matcher-snapshot.h"

#include <string.h>

typedef struct {
  guint64         index;
  ConclaveMessage m;
} Saved;

struct _ConclaveMatcherSnapshot {
  ConclaveMatcher *state;   /* every field but the table (no messages) */
  guint64          n_messages;
  GArray          *saved;   /* Saved, by index: open messages as they were */
};

/* ---- copying the state ------------------------------------------------------ */

static GArray *
copy_array (GArray *a)
{
  return a != NULL ? g_array_copy (a) : NULL;
}

static void
copy_waiting (ConclaveMatcher *self, ConclaveMatcher *from)
{
  GHashTableIter iter;
  Waiting *w;

  g_hash_table_iter_init (&iter, from->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    {
      Waiting *copy = g_new (Waiting, 1);

      *copy = (Waiting) { w->key, copy_array (w->sends), copy_array (w->recvs), copy_array (w->group),
                          copy_array (w->cursors) };
      g_hash_table_insert (self->waiting, &copy->key, copy);
    }
}

static void
copy_counts (GHashTable *self, GHashTable *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (self, g_memdup2 (key, sizeof (guint64)), value);
}

/* Everything but the message chunks, into a matcher fed nothing. */
static void
copy_state (ConclaveMatcher *self, ConclaveMatcher *from)
{
  g_assert (g_hash_table_size (self->waiting) == 0);

  _conclave_matcher_ports_copy (self->ports, from->ports);
  self->knows_sockets = from->knows_sockets;
  self->trimmed_ns = from->trimmed_ns;
  copy_waiting (self, from);
  _conclave_matcher_delivered_copy (self->delivered, from->delivered);
  self->swept_ns = from->swept_ns;
  _conclave_matcher_streams_copy (self->streams, from->streams);
  /* Only what is still queued: the answered head is gone anyway. */
  g_array_append_vals (self->in_flight, &g_array_index (from->in_flight, guint64, from->in_flight_head),
                       from->in_flight->len - from->in_flight_head);
  self->in_flight_head = 0;
  self->loss_timeout_ns = from->loss_timeout_ns;
  memcpy (self->counts, from->counts, sizeof self->counts);
  copy_counts (self->held, from->held);
  copy_counts (self->held_at, from->held_at);
}

/* ---- the open messages ---------------------------------------------------------- */

static void
save (guint64 index, gpointer data)
{
  GArray *saved = data;

  g_array_append_val (saved, ((Saved) { index }));
}

static void
save_queue (GArray *saved, GArray *queue)
{
  for (guint i = 0; queue != NULL && i < queue->len; i++)
    save (g_array_index (queue, guint64, i), saved);
}

static int
by_index (gconstpointer a, gconstpointer b)
{
  guint64 x = ((const Saved *) a)->index, y = ((const Saved *) b)->index;

  return (x > y) - (x < y);
}

static GArray *
save_open (ConclaveMatcher *self)
{
  GArray *saved = g_array_new (FALSE, FALSE, sizeof (Saved));
  GHashTableIter iter;
  Waiting *w;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->waiting);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &w))
    {
      save_queue (saved, w->sends);
      save_queue (saved, w->recvs);
      for (guint i = 0; w->group != NULL && i < w->group->len; i++)
        save (g_array_index (w->group, GroupSend, i).msg, saved);
    }
  _conclave_matcher_streams_foreach_open (self->streams, save, saved);
  for (guint i = self->in_flight_head; i < self->in_flight->len; i++)
    save (g_array_index (self->in_flight, guint64, i), saved);
  g_array_sort (saved, by_index);
  for (guint i = 0; i < saved->len; i++)
    {
      Saved *s = &g_array_index (saved, Saved, i);

      if (s->index >= conclave_matcher_get_n_messages (self) || (n > 0 && g_array_index (saved, Saved, n - 1).index == s->index))
        continue;
      memset (&s->m, 0, sizeof s->m);
      _conclave_matcher_message_get (self, s->index, &s->m);
      g_array_index (saved, Saved, n++) = *s;
    }
  g_array_set_size (saved, n);
  return saved;
}

/* ---- snapshots ---------------------------------------------------------------------- */

ConclaveMatcherSnapshot *
_conclave_matcher_snapshot_new (ConclaveMatcher *self)
{
  ConclaveMatcherSnapshot *snapshot = g_new0 (ConclaveMatcherSnapshot, 1);

  g_return_val_if_fail (self != NULL && conclave_matcher_get_first_message (self) == 0, NULL);

  snapshot->state = conclave_matcher_new (NULL);
  copy_state (snapshot->state, self);
  snapshot->n_messages = conclave_matcher_get_n_messages (self);
  snapshot->saved = save_open (self);
  return snapshot;
}

void
_conclave_matcher_snapshot_free (ConclaveMatcherSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  conclave_matcher_free (snapshot->state);
  g_array_unref (snapshot->saved);
  g_free (snapshot);
}

void
_conclave_matcher_snapshot_prune (ConclaveMatcherSnapshot *snapshot, ConclaveMatcherMessages *table)
{
  guint n = 0;

  for (guint i = 0; i < snapshot->saved->len; i++)
    {
      const Saved *s = &g_array_index (snapshot->saved, Saved, i);
      ConclaveMessage final = { 0 };

      if (!_conclave_matcher_messages_get (table, s->index, &final) || memcmp (&s->m, &final, sizeof s->m) != 0)
        g_array_index (snapshot->saved, Saved, n++) = *s;
    }
  g_array_set_size (snapshot->saved, n);
}

gsize
_conclave_matcher_snapshot_bytes (ConclaveMatcherSnapshot *snapshot)
{
  ConclaveMatcher *state = snapshot->state;

  return sizeof *snapshot + sizeof *state + snapshot->saved->len * sizeof (Saved) +
         state->in_flight->len * sizeof (guint64) +
         g_hash_table_size (state->waiting) * (sizeof (Waiting) + 64) +
         _conclave_matcher_delivered_bytes (state->delivered) + 4096;   /* the empty tables' heads */
}

void
_conclave_matcher_snapshot_restore (ConclaveMatcherSnapshot *snapshot, ConclaveMatcher *fresh, ConclaveMatcherMessages *table)
{
  g_return_if_fail (conclave_matcher_get_n_messages (fresh) == 0);
  g_return_if_fail (snapshot->n_messages <= _conclave_matcher_messages_get_n (table));

  copy_state (fresh, snapshot->state);
  _conclave_matcher_messages_unref (fresh->messages);
  fresh->messages = _conclave_matcher_messages_lend (table, fresh->store, snapshot->n_messages);
  for (guint i = 0; i < snapshot->saved->len; i++)
    _conclave_matcher_messages_put (fresh->messages, g_array_index (snapshot->saved, Saved, i).index,
                                    &g_array_index (snapshot->saved, Saved, i).m);
}

/* ---- the shared table ------------------------------------------------------------ */

ConclaveMatcherMessages *
_conclave_matcher_steal_table (ConclaveMatcher *self)
{
  g_return_val_if_fail (conclave_matcher_get_first_message (self) == 0, NULL);

  return _conclave_matcher_messages_ref (self->messages);
}

void
_conclave_matcher_borrow_table (ConclaveMatcher *self, ConclaveMatcherMessages *table)
{
  g_return_if_fail (conclave_matcher_get_first_message (self) == 0);

  if (self->messages == table || !_conclave_matcher_messages_equal (self->messages, table))
    return;
  _conclave_matcher_messages_unref (self->messages);
  self->messages = _conclave_matcher_messages_lend (table, self->store, _conclave_matcher_messages_get_n (table));
}
