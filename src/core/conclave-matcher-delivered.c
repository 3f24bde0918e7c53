/* conclave-matcher-delivered.c — message id → the message that last
 * delivered it, compactly.
 *
 * A receive of an id whose send was already paired (a broadcast's next
 * receiver, a duplicate) makes a new message sharing that send: the matcher
 * must find the last delivered message of every id seen in the last two
 * loss timeouts, at up to a million messages a second. A GHashTable of
 * per-key structs cost ~100 bytes a key; this table costs 4 bytes a slot
 * (plus a bit), at most 3/4 full: open addressing with linear probing over
 * the low 32 bits of message indices (the full index is the one below
 * n_messages with those bits; the table never holds one 2^32 messages old,
 * see sweep). The key is not stored: it is the message's own key, read
 * from the matcher's message table.
 *
 * Entries whose message the store's retention retired cannot be compared
 * (their key is gone): lookups step over them, and a sweep (one probe
 * cluster at a time, survivors put back in order) removes them with the
 * old ones. Only id keys come here (payload hashes pair FIFO, never twice).
 * Never pairs anything itself.
 */
#include "conclave-matcher-private.h"
#include "conclave-pages.h"

#include <string.h>

#define NONE G_MAXUINT64
#define MIN_SLOTS 1024u

struct _ConclaveMatcherDelivered {
  guint32 *slots;   /* low 32 bits of a message index; mapped pages */
  guint32 *used;    /* one bit per slot, after the slots in the same pages */
  guint    mask;    /* number of slots - 1 (a power of two) */
  guint    n;       /* used slots */
};

static gboolean
is_used (const ConclaveMatcherDelivered *self, guint i)
{
  return (self->used[i >> 5] >> (i & 31)) & 1;
}

static void
set_used (ConclaveMatcherDelivered *self, guint i, gboolean used)
{
  if (used)
    self->used[i >> 5] |= 1u << (i & 31);
  else
    self->used[i >> 5] &= ~(1u << (i & 31));
}

static guint
home (const ConclaveMatcherDelivered *self, guint64 key)
{
  return (guint) ((key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32) & self->mask;
}

static gsize
pages_size (guint n_slots)
{
  return (gsize) n_slots * sizeof (guint32) + (n_slots + 31) / 32 * sizeof (guint32);
}

/* Grown and shrunk a few megabytes at a time: mapped pages, zero-filled. */
static void
alloc_slots (ConclaveMatcherDelivered *self, guint n_slots)
{
  self->slots = conclave_pages_alloc (pages_size (n_slots));
  self->used = self->slots + n_slots;
  self->mask = n_slots - 1;
  self->n = 0;
}

static void
free_slots (ConclaveMatcherDelivered *self)
{
  conclave_pages_free (self->slots, pages_size (self->mask + 1));
}

ConclaveMatcherDelivered *
_conclave_matcher_delivered_new (void)
{
  ConclaveMatcherDelivered *self = g_new0 (ConclaveMatcherDelivered, 1);

  alloc_slots (self, MIN_SLOTS);
  return self;
}

void
_conclave_matcher_delivered_free (ConclaveMatcherDelivered *self)
{
  if (self == NULL)
    return;
  free_slots (self);
  g_free (self);
}

/* The message index whose low 32 bits slot i holds. */
static guint64
index_at (const ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint i)
{
  guint64 end = conclave_matcher_get_n_messages (matcher);
  guint64 full = (end & ~(guint64) G_MAXUINT32) | self->slots[i];

  return full >= end ? full - ((guint64) G_MAXUINT32 + 1) : full;
}

/* The live message slot i names, or NULL when the retention retired it. */
static const ConclaveMessage *
message_at (const ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint i, guint64 *index)
{
  *index = index_at (self, matcher, i);
  return conclave_matcher_get_message (matcher, *index);
}

guint64
_conclave_matcher_delivered_lookup (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint64 key)
{
  for (guint i = home (self, key); is_used (self, i); i = (i + 1) & self->mask)
    {
      guint64 index;
      const ConclaveMessage *m = message_at (self, matcher, i, &index);

      if (m != NULL && m->key == key)
        return index;
    }
  return NONE;
}

/* Puts index in the first free slot from its key's home on (no check for
 * an entry of the same key: the caller knows there is none). */
static void
put (ConclaveMatcherDelivered *self, guint64 key, guint64 index)
{
  guint i = home (self, key);

  while (is_used (self, i))
    i = (i + 1) & self->mask;
  self->slots[i] = (guint32) index;
  set_used (self, i, TRUE);
  self->n++;
}

/* A table of n_slots with every live entry of the old one. */
static void
rehash (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint n_slots)
{
  ConclaveMatcherDelivered old = *self;

  alloc_slots (self, n_slots);
  for (guint i = 0; i <= old.mask; i++)
    {
      guint64 index;
      const ConclaveMessage *m = is_used (&old, i) ? message_at (&old, matcher, i, &index) : NULL;

      if (m != NULL)
        put (self, m->key, index);
    }
  free_slots (&old);
}

void
_conclave_matcher_delivered_set (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint64 key, guint64 index)
{
  guint i;

  for (i = home (self, key); is_used (self, i); i = (i + 1) & self->mask)
    {
      guint64 old;
      const ConclaveMessage *m = message_at (self, matcher, i, &old);

      if (m != NULL && m->key == key)
        {
          self->slots[i] = (guint32) index;
          return;
        }
    }
  if ((self->n + 1) * 4 > (self->mask + 1) * 3)
    {
      rehash (self, matcher, (self->mask + 1) * 2);
      put (self, key, index);
      return;
    }
  self->slots[i] = (guint32) index;
  set_used (self, i, TRUE);
  self->n++;
}

/* One probe cluster [start, start + len): its entries that stay are put
 * back in their order, which lands each at or before where it was. */
static void
sweep_cluster (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint start, guint len,
               ConclaveMatcherKeepFunc keep, gpointer user_data, GArray *stay)
{
  g_array_set_size (stay, 0);
  for (guint k = 0; k < len; k++)
    {
      guint i = (start + k) & self->mask;
      guint64 index;
      const ConclaveMessage *m = message_at (self, matcher, i, &index);

      if (m != NULL && keep (m, user_data))
        g_array_append_val (stay, index);
      set_used (self, i, FALSE);
      self->n--;
    }
  for (guint k = 0; k < stay->len; k++)
    {
      guint64 index = g_array_index (stay, guint64, k);
      put (self, conclave_matcher_get_message (matcher, index)->key, index);
    }
}

void
_conclave_matcher_delivered_sweep (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher,
                                   ConclaveMatcherKeepFunc keep, gpointer user_data)
{
  g_autoptr(GArray) stay = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint n_slots = self->mask + 1, start = 0, k = 0;

  if (self->n == 0)
    return;
  /* Start after a free slot, so no cluster wraps past the start. */
  while (is_used (self, start))
    start = (start + 1) & self->mask;
  while (k < n_slots)
    {
      guint len = 0;

      while (k < n_slots && !is_used (self, (start + k) & self->mask))
        k++;
      while (k + len < n_slots && is_used (self, (start + k + len) & self->mask))
        len++;
      if (len > 0)
        sweep_cluster (self, matcher, start + k, len, keep, user_data, stay);
      k += len;
    }
  if (n_slots > MIN_SLOTS && self->n * 8 < n_slots)
    {
      guint want = MIN_SLOTS;

      while (want < self->n * 2)
        want *= 2;
      rehash (self, matcher, want);
    }
}

guint
_conclave_matcher_delivered_size (ConclaveMatcherDelivered *self)
{
  return self->n;
}
