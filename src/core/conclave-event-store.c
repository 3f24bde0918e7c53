/* conclave-event-store.c — append-only event storage.
 *
 * Events live in fixed chunks of CHUNK_SIZE records, kept in arrival order so
 * that an index, once given out, always means the same event. Each chunk
 * remembers its earliest and latest time; range queries find the first
 * chunk by binary search over the running maximum and stop at the first
 * chunk that starts after the range. Retention drops whole chunks from the
 * front. A view (conclave_event_store_share) reads another store's
 * chunks and strings up to its own end, and copies nothing while what is
 * appended to it is what that store holds. Only the main thread touches
 * the store; a store another views is never appended to again.
 */
#include "conclave-event-store.h"
#include "conclave-pages.h"

#include <string.h>

#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)

typedef struct {
  ConclaveEvent events[CHUNK_SIZE];
  gint64 min_ns;
  gint64 max_ns;
  gint64 running_max_ns;   /* max of max_ns over this and every earlier chunk */
} Chunk;

struct _ConclaveEventStore {
  GObject         parent_instance;
  ConclaveIntern *intern;
  GPtrArray      *chunks;      /* Chunk*; chunks->pdata[0] holds index first_chunk*CHUNK_SIZE */
  Chunk          *spare;       /* the last chunk retention let go, for the next (no page faults) */
  guint64         first_chunk; /* absolute number of chunks->pdata[0] */
  guint64         end;         /* one past the newest event */
  guint64         retention;
  gint64          min_ns;
  gint64          max_ns;
  GPtrArray      *processes;   /* ConclaveProcessInfo*; [0] is the controller */
  GHashTable     *by_pid;      /* pid → ConclaveProcessInfo* (the newest with that pid) */
  ConclaveEventStore *lender;  /* a view's: its strings, and while `shared` its chunks */
  gboolean        shared;      /* events are lender's (own chunks empty) */
};

/* Chunks come and go in order, a million events at a time: mapped pages,
 * never holes in the heap (see conclave-pages.h). */
static void
chunk_free (gpointer chunk)
{
  conclave_pages_free (chunk, sizeof (Chunk));
}

G_DEFINE_FINAL_TYPE (ConclaveEventStore, conclave_event_store, G_TYPE_OBJECT)

enum { APPENDED, RETIRING, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
conclave_event_store_finalize (GObject *object)
{
  ConclaveEventStore *self = CONCLAVE_EVENT_STORE (object);

  g_ptr_array_unref (self->chunks);
  g_clear_pointer (&self->spare, chunk_free);
  g_ptr_array_unref (self->processes);
  g_hash_table_unref (self->by_pid);
  conclave_intern_free (self->intern);
  g_clear_object (&self->lender);
  G_OBJECT_CLASS (conclave_event_store_parent_class)->finalize (object);
}

static void
conclave_event_store_class_init (ConclaveEventStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conclave_event_store_finalize;

  /* (first_new: guint64, n_new: guint) once per batch. */
  signals[APPENDED] = g_signal_new ("appended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT);
  /* (new_first: guint64) before retention drops the events before it. */
  signals[RETIRING] = g_signal_new ("retiring", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
conclave_event_store_init (ConclaveEventStore *self)
{
  ConclaveProcessInfo *controller;

  self->intern = conclave_intern_new ();
  self->chunks = g_ptr_array_new_with_free_func (chunk_free);
  self->processes = g_ptr_array_new_with_free_func (g_free);
  self->by_pid = g_hash_table_new (NULL, NULL);
  self->retention = 2000000;
  self->min_ns = G_MAXINT64;
  self->max_ns = 0;
  controller = g_new0 (ConclaveProcessInfo, 1);
  controller->node = conclave_intern_add (self->intern, "controller");
  g_ptr_array_add (self->processes, controller);
}

ConclaveEventStore *
conclave_event_store_new (void)
{
  return g_object_new (CONCLAVE_TYPE_EVENT_STORE, NULL);
}

/* A view's strings are its lender's (its own intern only ever holds
 * "controller", as the lender's did first). */
static ConclaveIntern *
intern_of (ConclaveEventStore *self)
{
  return self->lender != NULL ? self->lender->intern : self->intern;
}

static GPtrArray *
chunks_of (ConclaveEventStore *self)
{
  return self->shared ? self->lender->chunks : self->chunks;
}

ConclaveIntern *
conclave_event_store_get_intern (ConclaveEventStore *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (self), NULL);
  return intern_of (self);
}

const char *
conclave_event_store_str (ConclaveEventStore *self, guint32 id)
{
  return conclave_intern_lookup (intern_of (self), id);
}

void
conclave_event_store_share (ConclaveEventStore *self, ConclaveEventStore *base)
{
  g_return_if_fail (CONCLAVE_IS_EVENT_STORE (self));
  g_return_if_fail (CONCLAVE_IS_EVENT_STORE (base));
  g_return_if_fail (self->end == 0 && self->lender == NULL && base->first_chunk == 0);

  /* A view of a view reads what that one reads. */
  if (base->shared)
    base = base->lender;
  g_return_if_fail (base->lender == NULL);
  self->lender = g_object_ref (base);
  self->shared = TRUE;
}

gboolean
conclave_event_store_copy_view (ConclaveEventStore *self, ConclaveEventStore *view)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (self), FALSE);
  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (view), FALSE);

  if (!view->shared || (self->lender != NULL && (!self->shared || self->lender != view->lender)) ||
      (self->lender == NULL && self->end != 0))
    return FALSE;
  if (self->lender == NULL)
    conclave_event_store_share (self, view->lender);
  self->end = view->end;
  self->min_ns = view->min_ns;
  self->max_ns = view->max_ns;
  g_ptr_array_set_size (self->processes, 0);
  g_hash_table_remove_all (self->by_pid);
  /* In order: by_pid keeps the newest of a pid, as adding did. */
  for (guint i = 0; i < view->processes->len; i++)
    {
      ConclaveProcessInfo *info = g_memdup2 (view->processes->pdata[i], sizeof (ConclaveProcessInfo));

      g_ptr_array_add (self->processes, info);
      if (info->pid > 0 && i > 0)
        g_hash_table_insert (self->by_pid, GINT_TO_POINTER (info->pid), info);
    }
  return TRUE;
}

static void
apply_retention (ConclaveEventStore *self)
{
  guint64 keep_chunks = MAX (self->retention / CHUNK_SIZE, 2);

  /* Who reads the events about to go keeps what it needs of them first. */
  if (self->chunks->len > keep_chunks)
    g_signal_emit (self, signals[RETIRING], 0, (guint64) (self->first_chunk + self->chunks->len - keep_chunks) * CHUNK_SIZE);
  /* The newest chunk is partly filled: never drop it. */
  while (self->chunks->len > keep_chunks)
    {
      Chunk *old = g_ptr_array_steal_index (self->chunks, 0);

      if (self->spare == NULL)
        self->spare = old;
      else
        chunk_free (old);
      self->first_chunk++;
    }
  if (self->chunks->len > 0)
    self->min_ns = ((Chunk *) self->chunks->pdata[0])->min_ns;
}

static Chunk *
chunk_for_append (ConclaveEventStore *self)
{
  Chunk *chunk;
  gint64 prev_running = 0;

  if (self->end < (self->first_chunk + self->chunks->len) * CHUNK_SIZE)
    return self->chunks->pdata[self->chunks->len - 1];
  if (self->chunks->len > 0)
    prev_running = ((Chunk *) self->chunks->pdata[self->chunks->len - 1])->running_max_ns;
  chunk = self->spare != NULL ? g_steal_pointer (&self->spare) : conclave_pages_alloc (sizeof (Chunk));
  chunk->min_ns = G_MAXINT64;
  chunk->max_ns = 0;
  chunk->running_max_ns = prev_running;
  g_ptr_array_add (self->chunks, chunk);
  return chunk;
}

static void
put (ConclaveEventStore *self, const ConclaveEvent *e)
{
  Chunk *chunk = chunk_for_append (self);

  chunk->events[self->end & (CHUNK_SIZE - 1)] = *e;
  chunk->min_ns = MIN (chunk->min_ns, e->time_ns);
  chunk->max_ns = MAX (chunk->max_ns, e->time_ns);
  chunk->running_max_ns = MAX (chunk->running_max_ns, e->time_ns);
}

static const ConclaveEvent *
event_at (GPtrArray *chunks, guint64 first_chunk, guint64 index)
{
  return &((Chunk *) chunks->pdata[(index >> CHUNK_BITS) - first_chunk])->events[index & (CHUNK_SIZE - 1)];
}

/* The lender's event at our end is e (no padding in a ConclaveEvent). */
static gboolean
lent_is (ConclaveEventStore *self, const ConclaveEvent *e)
{
  return self->end < self->lender->end &&
         memcmp (event_at (self->lender->chunks, 0, self->end), e, sizeof *e) == 0;
}

/* What we said we held, copied: from here on, our own events. */
static void
own_copy (ConclaveEventStore *self)
{
  guint64 end = self->end;

  self->shared = FALSE;
  for (self->end = 0; self->end < end; self->end++)
    put (self, event_at (self->lender->chunks, 0, self->end));
}

void
conclave_event_store_append (ConclaveEventStore  *self,
                             const ConclaveEvent *events,
                             guint                n)
{
  guint64 first_new;

  g_return_if_fail (CONCLAVE_IS_EVENT_STORE (self));
  if (n == 0)
    return;

  first_new = self->end;
  for (guint i = 0; i < n; i++)
    {
      if (self->shared && !lent_is (self, &events[i]))
        own_copy (self);
      if (!self->shared)
        put (self, &events[i]);
      self->min_ns = MIN (self->min_ns, events[i].time_ns);
      self->max_ns = MAX (self->max_ns, events[i].time_ns);
      self->end++;
    }
  apply_retention (self);
  g_signal_emit (self, signals[APPENDED], 0, first_new, n);
}

guint64
conclave_event_store_get_first (ConclaveEventStore *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (self), 0);
  return self->first_chunk * CHUNK_SIZE;
}

guint64
conclave_event_store_get_end (ConclaveEventStore *self)
{
  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (self), 0);
  return self->end;
}

const ConclaveEvent *
conclave_event_store_get (ConclaveEventStore *self, guint64 index)
{
  guint64 chunk = index >> CHUNK_BITS;

  if (index >= self->end || chunk < self->first_chunk)
    return NULL;
  return event_at (chunks_of (self), self->first_chunk, index);
}

void
conclave_event_store_foreach_in_range (ConclaveEventStore *self,
                                       gint64              from_ns,
                                       gint64              to_ns,
                                       ConclaveEventFunc   func,
                                       gpointer            user_data)
{
  guint lo = 0, hi;
  GPtrArray *chunks;

  g_return_if_fail (CONCLAVE_IS_EVENT_STORE (self));
  g_return_if_fail (func != NULL);
  chunks = chunks_of (self);

  /* First chunk whose running maximum reaches from_ns. */
  hi = chunks->len;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;
      if (((Chunk *) chunks->pdata[mid])->running_max_ns < from_ns)
        lo = mid + 1;
      else
        hi = mid;
    }

  for (guint c = lo; c < chunks->len; c++)
    {
      Chunk *chunk = chunks->pdata[c];
      guint64 base = (self->first_chunk + c) * CHUNK_SIZE;
      guint64 n;

      /* A view ends inside its lender's chunks. */
      if (base >= self->end)
        break;
      n = MIN ((guint64) CHUNK_SIZE, self->end - base);
      if (chunk->min_ns >= to_ns)
        break;
      if (chunk->max_ns < from_ns)
        continue;
      for (guint64 i = 0; i < n; i++)
        {
          const ConclaveEvent *e = &chunk->events[i];
          if (e->time_ns >= from_ns && e->time_ns < to_ns && !func (e, base + i, user_data))
            return;
        }
    }
}

gint64
conclave_event_store_get_min_time (ConclaveEventStore *self)
{
  return self->end > 0 ? self->min_ns : 0;
}

gint64
conclave_event_store_get_max_time (ConclaveEventStore *self)
{
  return self->max_ns;
}

void
conclave_event_store_set_retention (ConclaveEventStore *self, guint64 max_events)
{
  g_return_if_fail (CONCLAVE_IS_EVENT_STORE (self));
  self->retention = MAX (max_events, (guint64) CHUNK_SIZE);
  apply_retention (self);
}

guint64
conclave_event_store_get_retention (ConclaveEventStore *self)
{
  return self->retention;
}

gsize
conclave_event_store_get_memory (ConclaveEventStore *self)
{
  /* A view's events and strings are its lender's. */
  return self->chunks->len * sizeof (Chunk) +
         self->chunks->len * sizeof (gpointer) +
         self->processes->len * (sizeof (ConclaveProcessInfo) + sizeof (gpointer)) +
         (self->lender != NULL ? 0 : conclave_intern_bytes (self->intern));
}

ConclaveProcessInfo *
conclave_event_store_add_process (ConclaveEventStore *self, gint pid)
{
  ConclaveProcessInfo *info = g_new0 (ConclaveProcessInfo, 1);

  info->index = self->processes->len;
  info->pid = pid;
  g_ptr_array_add (self->processes, info);
  if (pid > 0)
    g_hash_table_insert (self->by_pid, GINT_TO_POINTER (pid), info);
  return info;
}

ConclaveProcessInfo *
conclave_event_store_get_process (ConclaveEventStore *self, guint32 index)
{
  if (index >= self->processes->len)
    return NULL;
  return self->processes->pdata[index];
}

ConclaveProcessInfo *
conclave_event_store_find_process (ConclaveEventStore *self, gint pid)
{
  return g_hash_table_lookup (self->by_pid, GINT_TO_POINTER (pid));
}

guint
conclave_event_store_get_n_processes (ConclaveEventStore *self)
{
  return self->processes->len;
}
