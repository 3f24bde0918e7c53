/* conclave-matcher-held.c — messages a receiver holds (step mode).
 *
 * A held message has arrived at its receiver's process, which keeps it in
 * its hold queue until the teacher releases it: it is still in flight, and
 * however long that takes it is never declared lost. The receive (or the
 * drop at the receiver) it is released as pairs with its send as usual;
 * this file only counts, per key and per (key, receiver), how many are
 * held, so that expiry can skip them. It never pairs anything.
 */
#include "conclave-matcher-private.h"

/* The key as held by one process (a broadcast is held per receiver). */
static guint64
key_at (guint64 key, guint32 proc)
{
  return key ^ ((guint64) proc * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
}

static void
add (GHashTable *table, guint64 key, gint delta)
{
  gpointer old = NULL;
  guint64 *stored;
  gint count;

  if (!g_hash_table_lookup_extended (table, &key, (gpointer *) &stored, &old))
    stored = NULL;
  count = GPOINTER_TO_INT (old) + delta;
  if (count <= 0)
    {
      if (stored != NULL)
        g_hash_table_remove (table, &key);
      return;
    }
  /* A new key each time: replacing frees the one stored. */
  g_hash_table_replace (table, g_memdup2 (&key, sizeof key), GINT_TO_POINTER (count));
}

void
_conclave_matcher_held_init (ConclaveMatcher *self)
{
  self->held = g_hash_table_new_full (_conclave_matcher_key_hash, _conclave_matcher_key_equal, g_free, NULL);
  self->held_at = g_hash_table_new_full (_conclave_matcher_key_hash, _conclave_matcher_key_equal, g_free, NULL);
}

void
_conclave_matcher_held_feed (ConclaveMatcher *self, const ConclaveEvent *e)
{
  guint64 at = key_at (e->key, e->proc);

  if (e->type == CONCLAVE_EVENT_HELD)
    {
      add (self->held, e->key, 1);
      add (self->held_at, at, 1);
      return;
    }
  if (g_hash_table_size (self->held) == 0 || !g_hash_table_contains (self->held_at, &at))
    return;
  if (e->type == CONCLAVE_EVENT_RECV
      || (e->type == CONCLAVE_EVENT_DROP && (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)))
    {
      add (self->held, e->key, -1);
      add (self->held_at, at, -1);
    }
}

gboolean
_conclave_matcher_key_is_held (ConclaveMatcher *self, guint64 key)
{
  return g_hash_table_size (self->held) > 0 && g_hash_table_contains (self->held, &key);
}
