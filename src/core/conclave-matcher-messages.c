/* conclave-matcher-messages.c — the matcher's message table, 8 bytes a message.
 *
 * Most of a ConclaveMessage is in the events it was made from: key, send
 * time, sender and kind in its send event, receive time and receiver in its
 * receive (or drop) event. A slot keeps the two event indices (relative to
 * its chunk's first event, 27 bits each), the state, the flags and three
 * bits saying which event the kind and receiver came from and whether a
 * loss timeout stands in for the receive time; a message is decoded from
 * its events on every read. Every write checks that its slot decodes to
 * exactly the message written; one that does not (an index out of range,
 * an event retention is about to drop, a field no event holds) is kept
 * whole in a side table instead (`wide`). Before the store drops events a
 * live message still reads, that message is made wide (the store's
 * "retiring" signal), so a message reads the same for as long as it lives.
 *
 * Chunks of 4096 slots are mapped pages, retired once all their messages
 * were made before the store's oldest event (indices stay absolute). Reads
 * and writes go through get/put only: never hand out a pointer into it.
 * A replay's table may read a recording's final one (its lender, a
 * reference) chunk by chunk, copying a chunk on its first write there: the
 * lender never changes, whoever reads it.
 */
#include "conclave-matcher-private.h"
#include "conclave-pages.h"

#include <string.h>

#define NONE G_MAXUINT64
#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define REL_BITS 27
#define REL_NONE (-(1 << (REL_BITS - 1)))        /* no send event */
#define REL_MAX ((1 << (REL_BITS - 1)) - 1)
#define MAX_TIMEOUTS 256

enum { RECV_NONE, RECV_EVENT, RECV_TIMEOUT };

typedef struct {
  gint64  send : REL_BITS;   /* send_index - chunk base, or REL_NONE */
  gint64  recv : REL_BITS;   /* recv_index - chunk base, or a loss timeout's number */
  guint64 recv_kind : 2;     /* RECV_*: what `recv` is */
  guint64 state : 3;
  guint64 flags : 2;
  guint64 kind_from_recv : 1;
  guint64 dst_from_recv : 1;
  guint64 wide : 1;          /* kept whole in `wide` */
} Slot;

G_STATIC_ASSERT (sizeof (Slot) == 8);

typedef struct {
  guint64         index;
  ConclaveMessage message;
} Wide;

struct _ConclaveMatcherMessages {
  ConclaveEventStore *store;
  gulong              retiring_id;
  GPtrArray          *chunks;      /* Slot[CHUNK_SIZE], from first_chunk on */
  Slot               *spare;       /* the last chunk retired, for the next */
  GArray             *bases;       /* guint64 per chunk: the first event its first message read (NONE until written) */
  GArray             *ends;        /* guint64 per chunk: the store's end when its newest message was made */
  guint64             first_chunk;
  guint64             n;
  GArray             *wide;        /* Wide, by index: one block, no small allocations to leave holes */
  GArray             *backrefs;    /* guint64 index of compact messages reading an event before their chunk's base */
  GArray             *timeouts;    /* gint64: recv_ns - send_ns of the lost ones */
  guint               ref_count;
  ConclaveMatcherMessages *lender; /* whose chunks we read until we write them, or NULL */
};

static void
chunk_free (gpointer chunk)
{
  conclave_pages_free (chunk, CHUNK_SIZE * sizeof (Slot));
}

static void on_retiring (ConclaveEventStore *store, guint64 new_first, gpointer data);

ConclaveMatcherMessages *
_conclave_matcher_messages_new (ConclaveEventStore *store)
{
  ConclaveMatcherMessages *self = g_new0 (ConclaveMatcherMessages, 1);

  self->ref_count = 1;
  /* NULL for a checkpoint's matcher, which holds no messages. */
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->chunks = g_ptr_array_new_with_free_func (chunk_free);
  self->bases = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->ends = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->wide = g_array_new (FALSE, FALSE, sizeof (Wide));
  self->backrefs = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->timeouts = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (store != NULL)
    self->retiring_id = g_signal_connect (store, "retiring", G_CALLBACK (on_retiring), self);
  return self;
}

ConclaveMatcherMessages *
_conclave_matcher_messages_ref (ConclaveMatcherMessages *self)
{
  self->ref_count++;
  return self;
}

void
_conclave_matcher_messages_unref (ConclaveMatcherMessages *self)
{
  if (self == NULL || --self->ref_count > 0)
    return;
  if (self->store != NULL)
    {
      g_signal_handler_disconnect (self->store, self->retiring_id);
      g_object_unref (self->store);
    }
  /* The lender's chunks are its own to free. */
  for (guint c = 0; self->lender != NULL && c < MIN (self->chunks->len, self->lender->chunks->len); c++)
    if (self->chunks->pdata[c] == self->lender->chunks->pdata[c])
      self->chunks->pdata[c] = NULL;
  g_clear_pointer (&self->lender, _conclave_matcher_messages_unref);
  g_ptr_array_unref (self->chunks);
  g_clear_pointer (&self->spare, chunk_free);
  g_array_unref (self->bases);
  g_array_unref (self->ends);
  g_array_unref (self->wide);
  g_array_unref (self->backrefs);
  g_array_unref (self->timeouts);
  g_free (self);
}

guint64
_conclave_matcher_messages_get_n (ConclaveMatcherMessages *self)
{
  return self->n;
}

guint64
_conclave_matcher_messages_get_first (ConclaveMatcherMessages *self)
{
  return MIN (self->first_chunk << CHUNK_BITS, self->n);
}

gboolean
_conclave_matcher_messages_is_retired (ConclaveMatcherMessages *self, guint64 index)
{
  return (index >> CHUNK_BITS) < self->first_chunk;
}

static Slot *
slot_at (ConclaveMatcherMessages *self, guint64 index)
{
  Slot *chunk = self->chunks->pdata[(index >> CHUNK_BITS) - self->first_chunk];

  return &chunk[index & (CHUNK_SIZE - 1)];
}

/* The slot to write: a chunk still the lender's is copied first, so a
 * lender's table never changes under those who read it. */
static Slot *
slot_for_write (ConclaveMatcherMessages *self, guint64 index)
{
  guint c = (guint) ((index >> CHUNK_BITS) - self->first_chunk);

  if (self->lender != NULL && c < self->lender->chunks->len && self->chunks->pdata[c] == self->lender->chunks->pdata[c])
    {
      Slot *copy = conclave_pages_alloc (CHUNK_SIZE * sizeof (Slot));

      memcpy (copy, self->chunks->pdata[c], CHUNK_SIZE * sizeof (Slot));
      self->chunks->pdata[c] = copy;
    }
  return slot_at (self, index);
}

static guint64
base_of (ConclaveMatcherMessages *self, guint64 index)
{
  return g_array_index (self->bases, guint64, (index >> CHUNK_BITS) - self->first_chunk);
}

static guint64
send_of (const Slot *slot, guint64 base)
{
  return slot->send == REL_NONE ? NONE : base + slot->send;
}

static guint64
recv_of (const Slot *slot, guint64 base)
{
  return slot->recv_kind == RECV_EVENT ? base + slot->recv : NONE;
}

/* What `slot` says, given its send and receive events. */
static void
decode_from (ConclaveMatcherMessages *self, const Slot *slot, guint64 si, const ConclaveEvent *s,
             guint64 ri, const ConclaveEvent *r, ConclaveMessage *m)
{
  memset (m, 0, sizeof *m);
  m->send_index = si;
  m->recv_index = ri;
  m->key = s ? s->key : r ? r->key : 0;
  m->send_ns = s ? s->time_ns : r ? r->time_ns : 0;
  m->src_proc = s ? s->proc : 0;
  m->kind = slot->kind_from_recv && r ? r->s[0] : s ? s->s[0] : r ? r->s[0] : 0;
  if (r != NULL)
    m->recv_ns = r->time_ns;
  else if (slot->recv_kind == RECV_TIMEOUT)
    m->recv_ns = m->send_ns + g_array_index (self->timeouts, gint64, slot->recv);
  m->dst_proc = r && slot->dst_from_recv ? r->proc : 0;
  m->state = slot->state;
  m->flags = slot->flags;
}

/* What `slot` says, read from the events (FALSE if one is gone). */
static gboolean
decode (ConclaveMatcherMessages *self, const Slot *slot, guint64 base, ConclaveMessage *m)
{
  guint64 si = send_of (slot, base), ri = recv_of (slot, base);
  const ConclaveEvent *s = si != NONE ? conclave_event_store_get (self->store, si) : NULL;
  const ConclaveEvent *r = ri != NONE ? conclave_event_store_get (self->store, ri) : NULL;

  if ((si != NONE && s == NULL) || (ri != NONE && r == NULL))
    return FALSE;
  decode_from (self, slot, si, s, ri, r, m);
  return TRUE;
}

static gboolean
rel_of (guint64 index, guint64 base, gint64 *rel)
{
  gint64 d;

  if (index == NONE)
    {
      *rel = REL_NONE;
      return TRUE;
    }
  d = (gint64) (index - base);
  *rel = d;
  return d > REL_NONE && d <= REL_MAX;
}

/* The number a loss timeout goes by; FALSE past MAX_TIMEOUTS. */
static gboolean
timeout_of (ConclaveMatcherMessages *self, gint64 timeout, gint64 *number)
{
  guint i;

  for (i = 0; i < self->timeouts->len; i++)
    if (g_array_index (self->timeouts, gint64, i) == timeout)
      break;
  if (i == self->timeouts->len)
    {
      if (i >= MAX_TIMEOUTS)
        return FALSE;
      g_array_append_val (self->timeouts, timeout);
    }
  *number = i;
  return TRUE;
}

/* A slot for m, checked: FALSE if none decodes to exactly m. */
static gboolean
encode (ConclaveMatcherMessages *self, const ConclaveMessage *m, guint64 base, Slot *slot)
{
  gint64 send, recv = 0;
  guint kind = RECV_NONE;
  const ConclaveEvent *s = NULL, *r = NULL;
  ConclaveMessage back;

  if (!rel_of (m->send_index, base, &send))
    return FALSE;
  if (m->recv_index != NONE)
    {
      if (!rel_of (m->recv_index, base, &recv))
        return FALSE;
      kind = RECV_EVENT;
    }
  else if (m->recv_ns != 0)
    {
      if (!timeout_of (self, m->recv_ns - m->send_ns, &recv))
        return FALSE;
      kind = RECV_TIMEOUT;
    }
  if (m->flags > 3 || m->state > 7)
    return FALSE;
  *slot = (Slot) { .send = send, .recv = recv, .recv_kind = kind, .state = m->state, .flags = m->flags,
                   .dst_from_recv = m->dst_proc != 0 };
  if ((m->send_index != NONE && (s = conclave_event_store_get (self->store, m->send_index)) == NULL)
      || (m->recv_index != NONE && (r = conclave_event_store_get (self->store, m->recv_index)) == NULL))
    return FALSE;
  /* The kind is the send's, unless it had none and the receive one. */
  slot->kind_from_recv = s != NULL && r != NULL && s->s[0] != m->kind;
  decode_from (self, slot, m->send_index, s, m->recv_index, r, &back);
  return memcmp (&back, m, sizeof back) == 0;
}

static gboolean
reads_before (const Slot *slot, guint64 base, guint64 first)
{
  guint64 si = send_of (slot, base), ri = recv_of (slot, base);

  return (si != NONE && si < first) || (ri != NONE && ri < first);
}

/* Where index is in `wide`, or would go. Mostly made in index order. */
static guint
wide_find (ConclaveMatcherMessages *self, guint64 index)
{
  guint lo = 0, hi = self->wide->len;

  if (hi > 0 && g_array_index (self->wide, Wide, hi - 1).index < index)
    return hi;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (self->wide, Wide, mid).index < index)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gboolean
wide_has (ConclaveMatcherMessages *self, guint i, guint64 index)
{
  return i < self->wide->len && g_array_index (self->wide, Wide, i).index == index;
}

static void
make_wide (ConclaveMatcherMessages *self, guint64 index, Slot *slot, const ConclaveMessage *m)
{
  guint i = wide_find (self, index);
  Wide w = { index, *m };

  if (wide_has (self, i, index))
    g_array_index (self->wide, Wide, i) = w;
  else
    g_array_insert_val (self->wide, i, w);
  *slot = (Slot) { .wide = TRUE, .send = REL_NONE, .recv = REL_NONE };
}

gboolean
_conclave_matcher_messages_get (ConclaveMatcherMessages *self, guint64 index, ConclaveMessage *m)
{
  const Slot *slot;

  if (index >= self->n || _conclave_matcher_messages_is_retired (self, index))
    return FALSE;
  slot = slot_at (self, index);
  if (slot->wide)
    {
      guint i = wide_find (self, index);

      g_assert (wide_has (self, i, index));
      *m = g_array_index (self->wide, Wide, i).message;
      return TRUE;
    }
  if (!decode (self, slot, base_of (self, index), m))
    g_error ("message %" G_GUINT64_FORMAT " reads an event retention dropped", index);
  return TRUE;
}

/* The state alone, from the slot: no event read. */
gboolean
_conclave_matcher_messages_get_state (ConclaveMatcherMessages *self, guint64 index, ConclaveMessageState *state)
{
  const Slot *slot;

  if (index >= self->n || _conclave_matcher_messages_is_retired (self, index))
    return FALSE;
  slot = slot_at (self, index);
  if (slot->wide)
    {
      ConclaveMessage m;

      _conclave_matcher_messages_get (self, index, &m);
      *state = m.state;
    }
  else
    *state = slot->state;
  return TRUE;
}

/* The key alone: one event read (the delivered table's probe). */
gboolean
_conclave_matcher_messages_get_key (ConclaveMatcherMessages *self, guint64 index, guint64 *key)
{
  const Slot *slot;
  const ConclaveEvent *e;
  guint64 first;

  if (index >= self->n || _conclave_matcher_messages_is_retired (self, index))
    return FALSE;
  slot = slot_at (self, index);
  first = send_of (slot, base_of (self, index));
  if (first == NONE)
    first = recv_of (slot, base_of (self, index));
  if (slot->wide || first == NONE || (e = conclave_event_store_get (self->store, first)) == NULL)
    {
      ConclaveMessage m;

      _conclave_matcher_messages_get (self, index, &m);
      *key = m.key;
    }
  else
    *key = e->key;
  return TRUE;
}

void
_conclave_matcher_messages_put (ConclaveMatcherMessages *self, guint64 index, const ConclaveMessage *m)
{
  guint64 base;
  Slot *slot, compact;
  ConclaveMessage clean = *m;

  g_assert (index < self->n);
  if (_conclave_matcher_messages_is_retired (self, index))
    return;
  clean.pad = 0;
  slot = slot_for_write (self, index);
  base = base_of (self, index);
  if (base == NONE)
    {
      /* Events are fed after they were stored: the first one written is
       * the chunk's base, not the store's end. */
      base = MIN (clean.send_index, clean.recv_index);
      if (base == NONE)
        base = conclave_event_store_get_end (self->store);
      g_array_index (self->bases, guint64, (index >> CHUNK_BITS) - self->first_chunk) = base;
    }
  if (!encode (self, &clean, base, &compact))
    {
      make_wide (self, index, slot, &clean);
      return;
    }
  if (slot->wide)
    g_array_remove_index (self->wide, wide_find (self, index));
  *slot = compact;
  if (reads_before (&compact, base, base)
      && (self->backrefs->len == 0 || g_array_index (self->backrefs, guint64, self->backrefs->len - 1) != index))
    g_array_append_val (self->backrefs, index);
}

/* Bytes the live messages hold: slots, and the whole ones. */
gsize
_conclave_matcher_messages_get_memory (ConclaveMatcherMessages *self)
{
  return self->chunks->len * CHUNK_SIZE * sizeof (Slot)
         + self->wide->len * sizeof (Wide)
         + self->backrefs->len * sizeof (guint64);
}

/* A new message, neither sent nor received: m is filled with it. */
guint64
_conclave_matcher_messages_add (ConclaveMatcherMessages *self, ConclaveMessage *m)
{
  guint64 index = self->n++;
  guint64 end = conclave_event_store_get_end (self->store);

  if ((index >> CHUNK_BITS) - self->first_chunk >= self->chunks->len)
    {
      g_ptr_array_add (self->chunks, self->spare != NULL ? g_steal_pointer (&self->spare)
                                                          : conclave_pages_alloc (CHUNK_SIZE * sizeof (Slot)));
      g_array_append_val (self->bases, (guint64) { NONE });
      g_array_append_val (self->ends, end);
    }
  g_array_index (self->ends, guint64, self->ends->len - 1) = end;
  memset (m, 0, sizeof *m);
  m->send_index = NONE;
  m->recv_index = NONE;
  *slot_for_write (self, index) = (Slot) { .send = REL_NONE, .recv = REL_NONE };
  return index;
}

static void
forget_wide_before (ConclaveMatcherMessages *self, guint64 first)
{
  guint n = 0;

  g_array_remove_range (self->wide, 0, wide_find (self, first));
  /* Mostly in index order, not always (an older message written again). */
  for (guint i = 0; i < self->backrefs->len; i++)
    if (g_array_index (self->backrefs, guint64, i) >= first)
      g_array_index (self->backrefs, guint64, n++) = g_array_index (self->backrefs, guint64, i);
  g_array_set_size (self->backrefs, n);
}

/* Chunks whose messages were all made before first_event go; the newest
 * chunk stays. */
void
_conclave_matcher_messages_retire (ConclaveMatcherMessages *self, guint64 first_event)
{
  guint n = 0;

  /* A borrowed table is a whole recording's: nothing retires. */
  while (self->lender == NULL && n + 1 < self->chunks->len && g_array_index (self->ends, guint64, n) <= first_event)
    n++;
  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    {
      Slot *old = g_ptr_array_steal_index (self->chunks, 0);

      if (self->spare == NULL)
        self->spare = old;
      else
        chunk_free (old);
    }
  g_array_remove_range (self->bases, 0, n);
  g_array_remove_range (self->ends, 0, n);
  self->first_chunk += n;
  forget_wide_before (self, self->first_chunk << CHUNK_BITS);
}

/* A compact message that reads an event before new_first is kept whole
 * while its events are still there. */
static void
widen_if_reading (ConclaveMatcherMessages *self, guint64 index, guint64 new_first)
{
  Slot *slot = slot_at (self, index);
  guint64 base = base_of (self, index);
  ConclaveMessage m;

  if (slot->wide || !reads_before (slot, base, new_first))
    return;
  if (decode (self, slot, base, &m))
    make_wide (self, index, slot_for_write (self, index), &m);
}

static void
on_retiring (ConclaveEventStore *store, guint64 new_first, gpointer data)
{
  ConclaveMatcherMessages *self = data;
  guint n = 0;

  _conclave_matcher_messages_retire (self, new_first);
  /* A chunk's base is the oldest event its messages read but the
   * backrefs': only chunks that begin before the cut are looked through. */
  for (guint c = 0; c < self->chunks->len; c++)
    {
      guint64 from = (self->first_chunk + c) << CHUNK_BITS, to = MIN (from + CHUNK_SIZE, self->n);

      if (g_array_index (self->bases, guint64, c) >= new_first)
        continue;
      for (guint64 i = from; i < to; i++)
        widen_if_reading (self, i, new_first);
    }
  for (guint i = 0; i < self->backrefs->len; i++)
    {
      guint64 index = g_array_index (self->backrefs, guint64, i);

      if (_conclave_matcher_messages_is_retired (self, index))
        continue;
      widen_if_reading (self, index, new_first);
      if (slot_at (self, index)->wide)
        continue;
      g_array_index (self->backrefs, guint64, n++) = index;
    }
  g_array_set_size (self->backrefs, n);
}

/* ---- a recording's final table, lent to its replays --------------------------------- */

/* A table of from's first n messages as from has them, over store (which
 * holds the same events at the same indices): it reads from's chunks and
 * copies each only when it writes to it. */
ConclaveMatcherMessages *
_conclave_matcher_messages_lend (ConclaveMatcherMessages *from, ConclaveEventStore *store, guint64 n)
{
  ConclaveMatcherMessages *self = _conclave_matcher_messages_new (store);
  guint n_chunks = (guint) ((n + CHUNK_SIZE - 1) >> CHUNK_BITS);
  guint i;

  g_return_val_if_fail (from->first_chunk == 0 && n <= from->n, self);

  self->lender = _conclave_matcher_messages_ref (from);
  for (guint c = 0; c < n_chunks; c++)
    g_ptr_array_add (self->chunks, from->chunks->pdata[c]);
  g_array_append_vals (self->bases, from->bases->data, n_chunks);
  g_array_append_vals (self->ends, from->ends->data, n_chunks);
  g_array_append_vals (self->wide, from->wide->data, wide_find (from, n));
  for (i = 0; i < from->backrefs->len; i++)
    if (g_array_index (from->backrefs, guint64, i) < n)
      g_array_append_val (self->backrefs, g_array_index (from->backrefs, guint64, i));
  g_array_append_vals (self->timeouts, from->timeouts->data, from->timeouts->len);
  self->n = n;
  return self;
}

/* Whether both read the same messages. */
gboolean
_conclave_matcher_messages_equal (ConclaveMatcherMessages *a, ConclaveMatcherMessages *b)
{
  if (a->n != b->n || a->first_chunk != b->first_chunk)
    return FALSE;
  for (guint64 i = a->first_chunk << CHUNK_BITS; i < a->n; i++)
    {
      ConclaveMessage ma = { 0 }, mb = { 0 };

      if (!_conclave_matcher_messages_get (a, i, &ma) || !_conclave_matcher_messages_get (b, i, &mb)
          || memcmp (&ma, &mb, sizeof ma) != 0)
        return FALSE;
    }
  return TRUE;
}
