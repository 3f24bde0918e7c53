/* conclave-matcher-snapshot.c — see the header.
 *
 * Part of the matcher: reads and writes its fields, never pairs anything.
 * The open messages are those the matcher's tables name (waiting sends
 * and receives, group sends, stream chunks, the in-flight queue): every
 * write to an existing message goes through one of them.
 */
#include "conclave-matcher-private.h"
#include "conclave-matcher-snapshot.h"
#include "conclave-pages.h"

#include <string.h>

#define CHUNK_BYTES (MSG_CHUNK_SIZE * sizeof (ConclaveMessage))

typedef struct {
  guint64         index;
  ConclaveMessage m;
} Saved;

struct _ConclaveMatcherSnapshot {
  ConclaveMatcher *state;   /* every field but the table (no chunks) */
  GArray          *saved;   /* Saved, by index: open messages as they were */
};

static void
table_chunk_free (gpointer chunk)
{
  conclave_pages_free (chunk, CHUNK_BYTES);
}

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
  g_assert (self->n_messages == 0 && g_hash_table_size (self->waiting) == 0);

  _conclave_matcher_ports_copy (self->ports, from->ports);
  self->knows_sockets = from->knows_sockets;
  self->trimmed_ns = from->trimmed_ns;
  g_array_append_vals (self->chunk_ends, from->chunk_ends->data, from->chunk_ends->len);
  self->first_chunk = from->first_chunk;
  self->n_messages = from->n_messages;
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

      if (s->index >= self->n_messages || (n > 0 && g_array_index (saved, Saved, n - 1).index == s->index))
        continue;
      s->m = *_conclave_matcher_message_at (self, s->index);
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

  g_return_val_if_fail (self != NULL && self->first_chunk == 0, NULL);

  snapshot->state = conclave_matcher_new (NULL);
  copy_state (snapshot->state, self);
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

static ConclaveMessage *
table_message (GPtrArray *table, guint64 index)
{
  return &((ConclaveMessage *) table->pdata[index >> MSG_CHUNK_BITS])[index & (MSG_CHUNK_SIZE - 1)];
}

void
_conclave_matcher_snapshot_prune (ConclaveMatcherSnapshot *snapshot, GPtrArray *table)
{
  guint n = 0;

  for (guint i = 0; i < snapshot->saved->len; i++)
    {
      const Saved *s = &g_array_index (snapshot->saved, Saved, i);

      if (memcmp (&s->m, table_message (table, s->index), sizeof s->m) != 0)
        g_array_index (snapshot->saved, Saved, n++) = *s;
    }
  g_array_set_size (snapshot->saved, n);
}

gsize
_conclave_matcher_snapshot_bytes (ConclaveMatcherSnapshot *snapshot)
{
  ConclaveMatcher *state = snapshot->state;

  return sizeof *snapshot + sizeof *state + snapshot->saved->len * sizeof (Saved) +
         state->in_flight->len * sizeof (guint64) + state->chunk_ends->len * sizeof (guint64) +
         g_hash_table_size (state->waiting) * (sizeof (Waiting) + 64) +
         _conclave_matcher_delivered_bytes (state->delivered) + 4096;   /* the empty tables' heads */
}

/* Chunk c of a restored table: the final one's where nothing of it
 * differs at the checkpoint, else a copy with the saved messages in. */
static gpointer
restored_chunk (ConclaveMatcherSnapshot *snapshot, GPtrArray *table, guint64 c, guint *next_saved)
{
  GArray *saved = snapshot->saved;
  guint64 n = snapshot->state->n_messages;
  gboolean partial = (c + 1) * MSG_CHUNK_SIZE > n;
  ConclaveMessage *chunk;

  if (!partial && (*next_saved >= saved->len || g_array_index (saved, Saved, *next_saved).index >> MSG_CHUNK_BITS != c))
    return table->pdata[c];
  chunk = conclave_pages_alloc (CHUNK_BYTES);
  memcpy (chunk, table->pdata[c], partial ? (n - c * MSG_CHUNK_SIZE) * sizeof (ConclaveMessage) : CHUNK_BYTES);
  for (; *next_saved < saved->len && g_array_index (saved, Saved, *next_saved).index >> MSG_CHUNK_BITS == c; (*next_saved)++)
    chunk[g_array_index (saved, Saved, *next_saved).index & (MSG_CHUNK_SIZE - 1)] = g_array_index (saved, Saved, *next_saved).m;
  return chunk;
}

void
_conclave_matcher_snapshot_restore (ConclaveMatcherSnapshot *snapshot, ConclaveMatcher *fresh, GPtrArray *table)
{
  guint64 n_chunks = (snapshot->state->n_messages + MSG_CHUNK_SIZE - 1) >> MSG_CHUNK_BITS;
  guint next_saved = 0;

  g_return_if_fail (fresh->n_messages == 0 && fresh->chunks->len == 0 && fresh->lent == NULL);
  g_return_if_fail (n_chunks <= table->len);

  copy_state (fresh, snapshot->state);
  fresh->lent = g_ptr_array_ref (table);
  for (guint64 c = 0; c < n_chunks; c++)
    g_ptr_array_add (fresh->chunks, restored_chunk (snapshot, table, c, &next_saved));
}

/* ---- the shared table ------------------------------------------------------------ */

GPtrArray *
_conclave_matcher_steal_table (ConclaveMatcher *self)
{
  GPtrArray *table = g_ptr_array_new_full (self->chunks->len, table_chunk_free);

  g_return_val_if_fail (self->first_chunk == 0 && self->lent == NULL, NULL);

  for (guint i = 0; i < self->chunks->len; i++)
    g_ptr_array_add (table, g_steal_pointer (&self->chunks->pdata[i]));
  g_ptr_array_set_size (self->chunks, 0);
  return table;
}

void
_conclave_matcher_borrow_table (ConclaveMatcher *self, GPtrArray *table)
{
  guint64 full = self->n_messages >> MSG_CHUNK_BITS;

  g_return_if_fail (self->first_chunk == 0 && self->lent == NULL);

  self->lent = g_ptr_array_ref (table);
  /* The partial newest chunk stays ours: it may still be written. */
  for (guint i = 0; i < MIN (full, MIN (self->chunks->len, table->len)); i++)
    if (self->chunks->pdata[i] != table->pdata[i] && memcmp (self->chunks->pdata[i], table->pdata[i], CHUNK_BYTES) == 0)
      {
        table_chunk_free (self->chunks->pdata[i]);
        self->chunks->pdata[i] = table->pdata[i];
      }
}

void
_conclave_matcher_snapshot_unlend (ConclaveMatcher *self)
{
  if (self->lent == NULL)
    return;
  for (guint i = 0; i < MIN (self->chunks->len, self->lent->len); i++)
    if (self->chunks->pdata[i] == self->lent->pdata[i])
      self->chunks->pdata[i] = NULL;
  g_clear_pointer (&self->lent, g_ptr_array_unref);
}
