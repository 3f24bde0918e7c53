/* conclave-intern.c — thread-safe string interning.
 *
 * Adds take a mutex; lookups are lock-free: ids index a two-level table whose
 * first level is allocated once and never moves, and strings live in a
 * GStringChunk, whose blocks never move. Never frees a string before the end.
 */
#include "conclave-intern.h"
#include "conclave-pages.h"

#include <string.h>

#define SLOT_BITS   12
#define SLOT_SIZE   (1u << SLOT_BITS)           /* ids per second-level table */
#define N_SLOTS     (1u << 16)                  /* 268 M strings at most */
#define CHUNK_BLOCK (256 * 1024)

struct _ConclaveIntern {
  GMutex        lock;
  GHashTable   *ids;            /* const char* (in arena) → id */
  const char ** volatile *slots; /* N_SLOTS pointers to SLOT_SIZE tables */
  guint         count;           /* next id; read with g_atomic */
  GStringChunk *strings;
  gsize         bytes;          /* strings, tables and a rough hash table cost */
};

ConclaveIntern *
conclave_intern_new (void)
{
  ConclaveIntern *self = g_new0 (ConclaveIntern, 1);

  g_mutex_init (&self->lock);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  /* 512 KiB of pointers, almost all NULL for good: mapped pages read as
   * zero without being written, so only the pages used cost memory (and an
   * intern made and freed costs no clearing). The second-level tables are
   * mapped too: a leak checker looks for pointers in the heap, not in
   * mapped pages, so a table there found only from here would look lost. */
  self->slots = (const char ** volatile *) conclave_pages_alloc (N_SLOTS * sizeof (const char **));
  self->strings = g_string_chunk_new (CHUNK_BLOCK);
  self->count = 1;  /* 0 is "absent" */
  return self;
}

void
conclave_intern_free (ConclaveIntern *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < N_SLOTS && self->slots[i] != NULL; i++)
    conclave_pages_free ((gpointer) self->slots[i], SLOT_SIZE * sizeof (const char *));
  conclave_pages_free ((gpointer) self->slots, N_SLOTS * sizeof (const char **));
  g_hash_table_unref (self->ids);
  g_string_chunk_free (self->strings);
  g_mutex_clear (&self->lock);
  g_free (self);
}

guint32
conclave_intern_add_len (ConclaveIntern *self, const char *str, gsize len)
{
  gpointer found;
  guint32 id;
  char *copy;
  guint slot;
  char stack[256];
  g_autofree char *heap = NULL;
  const char *key;

  if (str == NULL)
    return 0;

  /* The hash table needs a NUL-terminated key to look up. */
  if (str[len] == '\0')
    key = str;
  else if (len < sizeof stack)
    {
      memcpy (stack, str, len);
      stack[len] = '\0';
      key = stack;
    }
  else
    key = heap = g_strndup (str, len);

  g_mutex_lock (&self->lock);
  if (g_hash_table_lookup_extended (self->ids, key, NULL, &found))
    {
      g_mutex_unlock (&self->lock);
      return GPOINTER_TO_UINT (found);
    }

  id = self->count;
  slot = id >> SLOT_BITS;
  if (G_UNLIKELY (slot >= N_SLOTS))
    {
      g_mutex_unlock (&self->lock);
      g_warning ("Too many distinct strings; dropping one");
      return 0;
    }
  if (self->slots[slot] == NULL)
    {
      self->slots[slot] = conclave_pages_alloc (SLOT_SIZE * sizeof (const char *));
      self->bytes += SLOT_SIZE * sizeof (char *);
    }
  copy = g_string_chunk_insert_len (self->strings, key, (gssize) len);
  self->bytes += len + 1;
  self->slots[slot][id & (SLOT_SIZE - 1)] = copy;
  g_hash_table_insert (self->ids, copy, GUINT_TO_POINTER (id));
  self->bytes += 3 * sizeof (gpointer); /* rough cost of a hash table entry */
  g_atomic_int_set (&self->count, id + 1);
  g_mutex_unlock (&self->lock);
  return id;
}

guint32
conclave_intern_add (ConclaveIntern *self, const char *str)
{
  if (str == NULL)
    return 0;
  return conclave_intern_add_len (self, str, strlen (str));
}

const char *
conclave_intern_lookup (ConclaveIntern *self, guint32 id)
{
  if (id == 0 || id >= (guint32) g_atomic_int_get (&self->count))
    return NULL;
  return self->slots[id >> SLOT_BITS][id & (SLOT_SIZE - 1)];
}

guint
conclave_intern_count (ConclaveIntern *self)
{
  return (guint) g_atomic_int_get (&self->count) - 1;
}

gsize
conclave_intern_bytes (ConclaveIntern *self)
{
  gsize bytes;

  g_mutex_lock (&self->lock);
  bytes = self->bytes;
  g_mutex_unlock (&self->lock);
  return bytes;
}
