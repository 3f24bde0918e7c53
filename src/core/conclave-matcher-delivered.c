/* conclave-matcher-delivered.c — message id → the message that last
 * delivered it, compactly.
 *
 * A receive of an id whose send was already paired (a broadcast's next
 * receiver, a duplicate) makes a new message sharing that send: the matcher
 * must find the last delivered message of every id seen in the last two
 * loss timeouts, at up to a million messages a second. A GHashTable of
 * per-key structs cost ~100 bytes a key; this costs 5.3 bytes a slot, at
 * most 7/8 of them used: open addressing with linear probing over buckets
 * of 12 slots in a cache line, a tag byte per slot (0 empty, else 7 bits of
 * the key's hash, so a probe rarely reads a message) and the low 32 bits of
 * the message index (the full index is the one below n_messages with those
 * bits; no generation lives 2^32 messages). The key is not stored: it is
 * the message's own key.
 *
 * Entries are never removed one by one: they go in generations. New ones
 * go to the newest; a lookup asks the newest first (a newer entry hides an
 * older one of its key); a generation goes whole once its newest entry is
 * old enough, or its messages were all retired by the store's retention.
 * Only id keys come here (payload hashes pair FIFO, never twice). Never
 * pairs anything itself.
 */
#include "conclave-matcher-private.h"
#include "conclave-pages.h"

#include <string.h>

#define NONE G_MAXUINT64
#define BUCKET_SLOTS 12
#define MIN_BUCKETS 64u

/* One cache line: a probe costs one miss. */
typedef struct {
  guint8  tags[BUCKET_SLOTS];   /* 0: empty (and so are the rest), else tag (key) */
  guint32 slots[BUCKET_SLOTS];  /* low 32 bits of a message index */
  guint32 pad;
} Bucket;

G_STATIC_ASSERT (sizeof (Bucket) == 64);

typedef struct {
  Bucket  *buckets;      /* mapped pages */
  guint    mask;         /* number of buckets - 1 (a power of two) */
  guint    n;            /* used slots */
  gint64   first_ns;     /* time of the first entry's receive */
  gint64   newest_ns;    /* time of the newest entry's receive */
  guint64  newest_index; /* the highest message index in it */
} Generation;

/* Where an entry is, or where the probe for a key ended (tags[slot] 0). */
typedef struct {
  Bucket *bucket;
  guint   slot;
} Place;

struct _ConclaveMatcherDelivered {
  GPtrArray *generations;  /* Generation*, oldest first; the last takes new entries */
};

static guint64
hash (guint64 key)
{
  return key * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
}

static guint
home (const Generation *g, guint64 h)
{
  return (guint) (h >> 32) & g->mask;
}

static guint8
tag (guint64 h)
{
  return (guint8) (h >> 24) | 1;  /* never 0 (empty); bits apart from home's */
}

/* Mapped pages, zero-filled: the tags say empty. */
static Generation *
generation_new (guint n_buckets)
{
  Generation *g = g_new0 (Generation, 1);

  g->buckets = conclave_pages_alloc (n_buckets * sizeof (Bucket));
  g->mask = n_buckets - 1;
  g->first_ns = G_MAXINT64;
  g->newest_ns = G_MININT64;
  return g;
}

static void
generation_free (gpointer data)
{
  Generation *g = data;

  conclave_pages_free (g->buckets, (g->mask + 1) * sizeof (Bucket));
  g_free (g);
}

static gboolean
is_full (const Generation *g)
{
  return (g->n + 1) * 8 > (g->mask + 1) * BUCKET_SLOTS * 7;
}

/* A table that holds n entries at most 7/8 full (buckets of 12 probe
 * short even so). */
static guint
buckets_for (guint n)
{
  guint buckets = MIN_BUCKETS;

  while (buckets * BUCKET_SLOTS / 8 * 7 < n)
    buckets *= 2;
  return buckets;
}

ConclaveMatcherDelivered *
_conclave_matcher_delivered_new (void)
{
  ConclaveMatcherDelivered *self = g_new0 (ConclaveMatcherDelivered, 1);

  self->generations = g_ptr_array_new_with_free_func (generation_free);
  g_ptr_array_add (self->generations, generation_new (MIN_BUCKETS));
  return self;
}

void
_conclave_matcher_delivered_free (ConclaveMatcherDelivered *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->generations);
  g_free (self);
}

void
_conclave_matcher_delivered_copy (ConclaveMatcherDelivered *self, ConclaveMatcherDelivered *from)
{
  g_ptr_array_set_size (self->generations, 0);
  for (guint k = 0; k < from->generations->len; k++)
    {
      const Generation *g = from->generations->pdata[k];
      Generation *copy = generation_new (g->mask + 1);
      Bucket *buckets = copy->buckets;

      *copy = *g;
      copy->buckets = buckets;
      memcpy (copy->buckets, g->buckets, (g->mask + 1) * sizeof (Bucket));
      g_ptr_array_add (self->generations, copy);
    }
}

gsize
_conclave_matcher_delivered_bytes (ConclaveMatcherDelivered *self)
{
  gsize bytes = sizeof *self;

  for (guint k = 0; k < self->generations->len; k++)
    bytes += sizeof (Generation) + (((Generation *) self->generations->pdata[k])->mask + 1) * sizeof (Bucket);
  return bytes;
}

/* The message index whose low 32 bits a slot holds. */
static guint64
index_of (guint32 low, ConclaveMatcher *matcher)
{
  guint64 end = conclave_matcher_get_n_messages (matcher);
  guint64 full = (end & ~(guint64) G_MAXUINT32) | low;

  return full >= end ? full - ((guint64) G_MAXUINT32 + 1) : full;
}

static guint64
index_at (Place p, ConclaveMatcher *matcher)
{
  return index_of (p.bucket->slots[p.slot], matcher);
}

/* Entries fill a bucket in order and are never removed: the first empty
 * slot on a key's way ends its probe. */
static Place
find (const Generation *g, ConclaveMatcher *matcher, guint64 key, guint64 h)
{
  guint8 t = tag (h);

  for (guint b = home (g, h);; b = (b + 1) & g->mask)
    {
      Bucket *bucket = &g->buckets[b];

      for (guint i = 0; i < BUCKET_SLOTS; i++)
        {
          guint64 k;

          if (bucket->tags[i] == 0)
            return (Place) { bucket, i };
          if (bucket->tags[i] != t)
            continue;
          if (_conclave_matcher_message_key (matcher, index_of (bucket->slots[i], matcher), &k) && k == key)
            return (Place) { bucket, i };
        }
    }
}

guint64
_conclave_matcher_delivered_lookup (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint64 key)
{
  guint64 h = hash (key);

  for (guint k = self->generations->len; k-- > 0;)
    {
      Place p = find (self->generations->pdata[k], matcher, key, h);

      if (p.bucket->tags[p.slot] != 0)
        return index_at (p, matcher);
    }
  return NONE;
}

static void
put (Generation *g, guint64 h, Place p, guint64 index, gint64 time_ns)
{
  if (p.bucket->tags[p.slot] == 0)
    g->n++;
  p.bucket->tags[p.slot] = tag (h);
  p.bucket->slots[p.slot] = (guint32) index;
  g->first_ns = MIN (g->first_ns, time_ns);
  g->newest_ns = MAX (g->newest_ns, time_ns);
  g->newest_index = MAX (g->newest_index, index);
}

/* Calls func for every live entry of g. */
static void
foreach_entry (const Generation *g, ConclaveMatcher *matcher,
               void (*func) (const ConclaveMessage *m, guint64 index, gpointer data), gpointer data)
{
  for (guint b = 0; b <= g->mask; b++)
    for (guint i = 0; i < BUCKET_SLOTS && g->buckets[b].tags[i] != 0; i++)
      {
        guint64 index = index_of (g->buckets[b].slots[i], matcher);
        ConclaveMessage m;

        if (conclave_matcher_get_message (matcher, index, &m) != NULL)
          func (&m, index, data);
      }
}

void
_conclave_matcher_delivered_set (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, guint64 key,
                                 guint64 index, gint64 time_ns)
{
  Generation *g = self->generations->pdata[self->generations->len - 1];
  guint64 h = hash (key);
  Place p = find (g, matcher, key, h);

  /* Full: a new generation twice the size (rehashing would read the key
   * of every entry, a cache miss each). */
  if (p.bucket->tags[p.slot] == 0 && is_full (g))
    {
      g = generation_new ((g->mask + 1) * 2);
      g_ptr_array_add (self->generations, g);
      p = find (g, matcher, key, h);
    }
  put (g, h, p, index, time_ns);
}

typedef struct {
  ConclaveMatcherDelivered *self;
  ConclaveMatcher          *matcher;
  ConclaveMatcherKeepFunc   keep;
  gpointer                  user_data;
  gint64                    time_ns;
} Keep;

/* A going generation's entry keep() wants, and no newer one hides, stays
 * in the newest. */
static void
keep_entry (const ConclaveMessage *m, guint64 index, gpointer data)
{
  Keep *k = data;

  if (k->keep (m, k->user_data) && _conclave_matcher_delivered_lookup (k->self, k->matcher, m->key) == NONE)
    _conclave_matcher_delivered_set (k->self, k->matcher, m->key, index, k->time_ns);
}

void
_conclave_matcher_delivered_age (ConclaveMatcherDelivered *self, ConclaveMatcher *matcher, gint64 now_ns,
                                 gint64 generation_ns, gint64 before_ns,
                                 ConclaveMatcherKeepFunc keep, gpointer user_data)
{
  Generation *newest = self->generations->pdata[self->generations->len - 1];

  /* Sized for as many as the last one took: it seldom fills (a full one
   * is followed at once by one twice its size). */
  if (newest->n > 0 && now_ns - newest->first_ns >= generation_ns)
    g_ptr_array_add (self->generations, generation_new (buckets_for (newest->n)));
  while (self->generations->len > 1)
    {
      Generation *oldest = self->generations->pdata[0];

      if (oldest->newest_ns >= before_ns && oldest->newest_index >= conclave_matcher_get_first_message (matcher)
          && oldest->newest_index < conclave_matcher_get_n_messages (matcher))
        break;
      g_ptr_array_steal_index (self->generations, 0);
      if (keep != NULL)
        foreach_entry (oldest, matcher, keep_entry, &(Keep) { self, matcher, keep, user_data, oldest->newest_ns });
      generation_free (oldest);
    }
}

guint
_conclave_matcher_delivered_size (ConclaveMatcherDelivered *self)
{
  guint n = 0;

  for (guint k = 0; k < self->generations->len; k++)
    n += ((Generation *) self->generations->pdata[k])->n;
  return n;
}
