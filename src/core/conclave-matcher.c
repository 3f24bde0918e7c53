/* conclave-matcher.c — sends and receives paired into messages.
 *
 * Waiting sends and waiting receives are kept per key in FIFO queues, so a
 * receive that arrives before its send (different connections, different
 * batches) still pairs, and payload hashes pair first-in first-out. A send
 * that already has a receive can pair again: broadcast and duplicates make
 * a new message sharing the send. Loss is decided by a FIFO of in-flight
 * messages in send order, so expiry never scans everything.
 *
 * TCP chunks traced by the shim carry no key but their byte offset in the
 * stream: per connection (named by its two ends, as both sides report
 * them) a receive pairs with every send whose bytes it overlaps, so one
 * send read in three pieces is three messages sharing the send, and three
 * sends read at once are three messages sharing the receive.
 */
#include "conclave-matcher.h"

#include <string.h>

#define NONE G_MAXUINT64
#define MSG_CHUNK_BITS 12
#define MSG_CHUNK_SIZE (1u << MSG_CHUNK_BITS)

typedef struct {
  guint64 key;
  gint64  seen_ns;
} KeyAge;

typedef struct {
  GArray *sends;   /* guint64 message indices waiting for a receive, oldest first */
  GArray *recvs;   /* guint64 message indices (UNSENT) waiting for a send */
  guint64 last_delivered; /* message with the newest receive, for duplicate pairing */
} Waiting;

/* One traced send or receive on a stream, until the other side has passed it. */
typedef struct {
  guint64 off;
  guint64 end;
  guint64 msg;      /* its message while still unpaired (in flight / unsent), else NONE */
  guint64 event;    /* absolute event index */
  gint64  time_ns;
  guint32 proc;
  guint32 kind;
} Chunk;

typedef struct {
  GArray *sends;      /* Chunk, in arrival order (= offset order per sender) */
  GArray *recvs;
  guint64 sent_high;  /* end of the furthest chunk seen on each side */
  guint64 recv_high;
  gint64  seen_ns;    /* last activity, to forget dead connections */
} Stream;

struct _ConclaveMatcher {
  ConclaveEventStore *store;
  GPtrArray          *chunks;   /* ConclaveMessage[MSG_CHUNK_SIZE] */
  guint64             n_messages;
  GHashTable         *waiting;  /* guint64 key → Waiting* */
  GHashTable         *streams;  /* guint64 (src, dst) → Stream* */
  GArray             *in_flight; /* guint64 message index, in send order */
  GArray             *keys;      /* KeyAge: keys in the order they were first seen */
  guint               keys_head;
  guint               in_flight_head;
  gint64              loss_timeout_ns;
  guint64             counts[5];
};

static void
waiting_free (gpointer data)
{
  Waiting *w = data;

  g_array_unref (w->sends);
  g_array_unref (w->recvs);
  g_free (w);
}

static void
stream_free (gpointer data)
{
  Stream *st = data;

  g_array_unref (st->sends);
  g_array_unref (st->recvs);
  g_free (st);
}

static guint
key_hash (gconstpointer key)
{
  guint64 k = *(const guint64 *) key;
  return (guint) (k ^ (k >> 32) ^ (k >> 17));
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return *(const guint64 *) a == *(const guint64 *) b;
}

ConclaveMatcher *
conclave_matcher_new (ConclaveEventStore *store)
{
  ConclaveMatcher *self = g_new0 (ConclaveMatcher, 1);

  self->store = store;
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->waiting = g_hash_table_new_full (key_hash, key_equal, g_free, waiting_free);
  self->streams = g_hash_table_new_full (key_hash, key_equal, g_free, stream_free);
  self->in_flight = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->keys = g_array_new (FALSE, FALSE, sizeof (KeyAge));
  self->loss_timeout_ns = 2 * G_TIME_SPAN_SECOND * 1000;
  return self;
}

void
conclave_matcher_free (ConclaveMatcher *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->chunks);
  g_hash_table_unref (self->waiting);
  g_hash_table_unref (self->streams);
  g_array_unref (self->in_flight);
  g_array_unref (self->keys);
  g_free (self);
}

static ConclaveMessage *
message_at (ConclaveMatcher *self, guint64 index)
{
  ConclaveMessage *chunk = self->chunks->pdata[index >> MSG_CHUNK_BITS];
  return &chunk[index & (MSG_CHUNK_SIZE - 1)];
}

static guint64
message_new (ConclaveMatcher *self, ConclaveMessage **out)
{
  guint64 index = self->n_messages++;
  ConclaveMessage *m;

  if ((index >> MSG_CHUNK_BITS) >= self->chunks->len)
    g_ptr_array_add (self->chunks, g_new (ConclaveMessage, MSG_CHUNK_SIZE));
  m = message_at (self, index);
  memset (m, 0, sizeof *m);
  m->send_index = NONE;
  m->recv_index = NONE;
  *out = m;
  return index;
}

static void
set_state (ConclaveMatcher *self, ConclaveMessage *m, ConclaveMessageState state, gboolean is_new)
{
  if (!is_new)
    self->counts[m->state]--;
  m->state = state;
  self->counts[state]++;
}

/* Hashes pair only between the same two addresses; ids are unique already. */
static guint64
effective_key (const ConclaveEvent *e)
{
  guint64 key = e->key;

  if (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH)
    key ^= ((guint64) e->s[1] * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) ^
           ((guint64) e->s[2] * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) ^ 1;
  return key;
}

static Waiting *
waiting_for (ConclaveMatcher *self, guint64 key, gint64 now_ns)
{
  Waiting *w = g_hash_table_lookup (self->waiting, &key);

  if (w == NULL)
    {
      w = g_new0 (Waiting, 1);
      w->sends = g_array_new (FALSE, FALSE, sizeof (guint64));
      w->recvs = g_array_new (FALSE, FALSE, sizeof (guint64));
      w->last_delivered = NONE;
      g_hash_table_insert (self->waiting, g_memdup2 (&key, sizeof key), w);
      g_array_append_val (self->keys, ((KeyAge) { key, now_ns }));
    }
  return w;
}

static guint64
queue_pop (GArray *queue)
{
  guint64 v = g_array_index (queue, guint64, 0);
  g_array_remove_index (queue, 0);
  return v;
}

static void
fill_send (ConclaveMessage *m, const ConclaveEvent *e, guint64 index)
{
  m->key = e->key;
  m->send_index = index;
  m->send_ns = e->time_ns;
  m->src_proc = e->proc;
  m->kind = e->s[0];
}

static void
fill_recv (ConclaveMessage *m, const ConclaveEvent *e, guint64 index)
{
  m->key = e->key;
  m->recv_index = index;
  m->recv_ns = e->time_ns;
  m->dst_proc = e->proc;
  if (m->kind == 0)
    m->kind = e->s[0];
  /* Until its send is known, order it by its receive. */
  if (m->send_index == NONE)
    m->send_ns = e->time_ns;
}

static void
feed_send (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (e), e->time_ns);
  ConclaveMessage *m;
  guint64 mi;

  /* Receives that came first: every one of them gets this send. */
  if (w->recvs->len > 0)
    {
      gboolean fifo = (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH) != 0;
      guint n = fifo ? 1 : w->recvs->len;

      for (guint i = 0; i < n; i++)
        {
          mi = queue_pop (w->recvs);
          m = message_at (self, mi);
          fill_send (m, e, index);
          set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
          w->last_delivered = mi;
        }
      return;
    }

  mi = message_new (self, &m);
  fill_send (m, e, index);
  set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
  g_array_append_val (w->sends, mi);
  g_array_append_val (self->in_flight, mi);
}

static void
feed_recv (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (e), e->time_ns);
  ConclaveMessage *m, *sent;
  guint64 mi;

  if (w->sends->len > 0)
    {
      mi = queue_pop (w->sends);
      m = message_at (self, mi);
      if (m->state == CONCLAVE_MESSAGE_LOST)
        m->flags |= CONCLAVE_MESSAGE_FLAG_LATE;
      fill_recv (m, e, index);
      set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
      w->last_delivered = mi;
      return;
    }

  mi = message_new (self, &m);
  fill_recv (m, e, index);
  if (w->last_delivered != NONE && !(e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH))
    {
      /* Its send was already paired: a broadcast's next receiver, or a duplicate. */
      sent = message_at (self, w->last_delivered);
      fill_send (m, conclave_event_store_get (self->store, sent->send_index) ?: &(ConclaveEvent) {
                   .key = sent->key, .time_ns = sent->send_ns, .proc = sent->src_proc, .s = { sent->kind } },
                 sent->send_index);
      if (sent->dst_proc == e->proc)
        m->flags |= CONCLAVE_MESSAGE_FLAG_DUPLICATE;
      set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, TRUE);
      return;
    }
  set_state (self, m, CONCLAVE_MESSAGE_UNSENT, TRUE);
  g_array_append_val (w->recvs, mi);
}

static void
feed_drop (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (e), e->time_ns);
  ConclaveMessage *m;
  guint64 mi;

  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    {
      /* Eaten at the receiver: the send is reported, pair it as dropped. */
      if (w->sends->len == 0)
        return;
      mi = queue_pop (w->sends);
      m = message_at (self, mi);
    }
  else
    {
      /* Eaten before it left: the sender reports the drop instead of a send. */
      mi = message_new (self, &m);
      fill_send (m, e, index);
      set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
    }
  m->recv_index = index;
  m->recv_ns = e->time_ns;
  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    m->dst_proc = e->proc;
  set_state (self, m, CONCLAVE_MESSAGE_DROPPED, FALSE);
}


/* ---- TCP streams: byte ranges -------------------------------------------- */

static Stream *
stream_for (ConclaveMatcher *self, const ConclaveEvent *e)
{
  guint64 key = ((guint64) e->s[1] << 32) | e->s[2];
  Stream *st = g_hash_table_lookup (self->streams, &key);

  if (st == NULL)
    {
      st = g_new0 (Stream, 1);
      st->sends = g_array_new (FALSE, FALSE, sizeof (Chunk));
      st->recvs = g_array_new (FALSE, FALSE, sizeof (Chunk));
      g_hash_table_insert (self->streams, g_memdup2 (&key, sizeof key), st);
    }
  st->seen_ns = MAX (st->seen_ns, e->time_ns);
  return st;
}

static Chunk
chunk_of (const ConclaveEvent *e, guint64 index)
{
  /* The offset travels in `num` (32 bits): streams are compared modulo 4 GiB. */
  guint64 off = (guint32) e->num;

  return (Chunk) { off, off + e->len, NONE, index, e->time_ns, e->proc, e->s[0] };
}

static ConclaveEvent
chunk_event (const Chunk *c)
{
  return (ConclaveEvent) { .time_ns = c->time_ns, .proc = c->proc, .s = { c->kind } };
}

static gboolean
overlaps (const Chunk *a, const Chunk *b)
{
  /* An empty chunk overlaps nothing: it carries no bytes. */
  return a->off < b->end && b->off < a->end;
}

/* A message for a send and a receive that were each paired before. */
static void
pair_again (ConclaveMatcher *self, const Chunk *send, const Chunk *recv)
{
  ConclaveEvent se = chunk_event (send), re = chunk_event (recv);
  ConclaveMessage *m;

  message_new (self, &m);
  fill_send (m, &se, send->event);
  fill_recv (m, &re, recv->event);
  set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, TRUE);
}

/* Chunks the other side has gone past can pair with nothing more. */
static void
stream_trim (ConclaveMatcher *self, Stream *st, const ConclaveEvent *e)
{
  guint n = 0;

  while (n < st->sends->len && g_array_index (st->sends, Chunk, n).end <= st->recv_high)
    n++;
  g_array_remove_range (st->sends, 0, n);
  for (n = 0; n < st->recvs->len && g_array_index (st->recvs, Chunk, n).end <= st->sent_high;)
    n++;
  g_array_remove_range (st->recvs, 0, n);
  if (st->sends->len == 0 && st->recvs->len == 0)
    {
      guint64 key = ((guint64) e->s[1] << 32) | e->s[2];
      g_hash_table_remove (self->streams, &key);
    }
}

static void
feed_stream_send (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Stream *st = stream_for (self, e);
  Chunk chunk = chunk_of (e, index);
  gboolean paired = FALSE;

  for (guint i = 0; i < st->recvs->len; i++)
    {
      Chunk *r = &g_array_index (st->recvs, Chunk, i);

      if (!overlaps (&chunk, r))
        continue;
      paired = TRUE;
      if (r->msg != NONE)
        {
          /* The receive was waiting for its send. */
          fill_send (message_at (self, r->msg), e, index);
          set_state (self, message_at (self, r->msg), CONCLAVE_MESSAGE_DELIVERED, FALSE);
          r->msg = NONE;
        }
      else
        pair_again (self, &chunk, r);
    }
  if (!paired)
    {
      ConclaveMessage *m;

      chunk.msg = message_new (self, &m);
      fill_send (m, e, index);
      set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
      g_array_append_val (self->in_flight, chunk.msg);
    }
  g_array_append_val (st->sends, chunk);
  st->sent_high = MAX (st->sent_high, chunk.end);
  stream_trim (self, st, e);
}

static void
feed_stream_recv (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Stream *st = stream_for (self, e);
  Chunk chunk = chunk_of (e, index);
  gboolean paired = FALSE;

  for (guint i = 0; i < st->sends->len; i++)
    {
      Chunk *s = &g_array_index (st->sends, Chunk, i);

      if (!overlaps (&chunk, s))
        continue;
      paired = TRUE;
      if (s->msg != NONE)
        {
          /* The send's own message: in flight (or declared lost) until now. */
          ConclaveMessage *m = message_at (self, s->msg);

          if (m->state == CONCLAVE_MESSAGE_LOST)
            m->flags |= CONCLAVE_MESSAGE_FLAG_LATE;
          fill_recv (m, e, index);
          set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
          s->msg = NONE;
        }
      else
        pair_again (self, s, &chunk);
    }
  if (!paired)
    {
      ConclaveMessage *m;

      chunk.msg = message_new (self, &m);
      fill_recv (m, e, index);
      set_state (self, m, CONCLAVE_MESSAGE_UNSENT, TRUE);
    }
  g_array_append_val (st->recvs, chunk);
  st->recv_high = MAX (st->recv_high, chunk.end);
  stream_trim (self, st, e);
}

static gboolean
is_stream_chunk (const ConclaveEvent *e)
{
  return (e->type == CONCLAVE_EVENT_SEND || e->type == CONCLAVE_EVENT_RECV)
         && (e->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET) && e->key == 0;
}

guint
conclave_matcher_feed (ConclaveMatcher *self, guint64 first, guint64 end)
{
  guint changed = 0;

  g_return_val_if_fail (self != NULL, 0);

  first = MAX (first, conclave_event_store_get_first (self->store));
  for (guint64 i = first; i < end; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (self->store, i);

      if (e != NULL && is_stream_chunk (e))
        {
          if (e->type == CONCLAVE_EVENT_SEND)
            feed_stream_send (self, e, i);
          else
            feed_stream_recv (self, e, i);
          changed++;
          continue;
        }
      if (e == NULL || e->key == 0)
        continue;
      switch (e->type)
        {
        case CONCLAVE_EVENT_SEND: feed_send (self, e, i); changed++; break;
        case CONCLAVE_EVENT_RECV: feed_recv (self, e, i); changed++; break;
        case CONCLAVE_EVENT_DROP: feed_drop (self, e, i); changed++; break;
        default: break;
        }
    }
  return changed;
}

/* A key's queues are kept for twice the loss timeout after it was first
 * seen, so a late broadcast receiver still finds its send; then forgotten,
 * unless something is still waiting. */
static void
forget_old_keys (ConclaveMatcher *self, gint64 now_ns)
{
  while (self->keys_head < self->keys->len)
    {
      KeyAge age = g_array_index (self->keys, KeyAge, self->keys_head);
      Waiting *w;

      if (now_ns - age.seen_ns < 2 * self->loss_timeout_ns)
        break;
      self->keys_head++;
      w = g_hash_table_lookup (self->waiting, &age.key);
      if (w == NULL)
        continue;
      if (w->sends->len == 0 && w->recvs->len == 0)
        g_hash_table_remove (self->waiting, &age.key);
      else
        g_array_append_val (self->keys, ((KeyAge) { age.key, now_ns }));
    }
  if (self->keys_head > 4096 && self->keys_head * 2 > self->keys->len)
    {
      g_array_remove_range (self->keys, 0, self->keys_head);
      self->keys_head = 0;
    }
}

static gboolean
stream_waiting (Stream *st)
{
  for (guint i = 0; i < st->sends->len; i++)
    if (g_array_index (st->sends, Chunk, i).msg != NONE)
      return TRUE;
  for (guint i = 0; i < st->recvs->len; i++)
    if (g_array_index (st->recvs, Chunk, i).msg != NONE)
      return TRUE;
  return FALSE;
}

/* A quiet connection is forgotten once nothing on it waits for a partner
 * (a late receive still finds its lost send), or after a long silence. */
static void
forget_old_streams (ConclaveMatcher *self, gint64 now_ns)
{
  GHashTableIter iter;
  Stream *st;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &st))
    {
      gint64 quiet = now_ns - st->seen_ns;

      if ((quiet >= 2 * self->loss_timeout_ns && !stream_waiting (st))
          || quiet >= 20 * self->loss_timeout_ns)
        g_hash_table_iter_remove (&iter);
    }
}

static void
compact_in_flight (ConclaveMatcher *self)
{
  if (self->in_flight_head > 4096 && self->in_flight_head * 2 > self->in_flight->len)
    {
      g_array_remove_range (self->in_flight, 0, self->in_flight_head);
      self->in_flight_head = 0;
    }
}

guint
conclave_matcher_expire (ConclaveMatcher *self, gint64 now_ns)
{
  GArray *lost = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  while (self->in_flight_head < self->in_flight->len)
    {
      guint64 mi = g_array_index (self->in_flight, guint64, self->in_flight_head);
      ConclaveMessage *m = message_at (self, mi);
      const ConclaveEvent *send;
      ConclaveEvent event = { 0 };

      if (m->state == CONCLAVE_MESSAGE_IN_FLIGHT && now_ns - m->send_ns < self->loss_timeout_ns)
        break;
      self->in_flight_head++;
      if (m->state != CONCLAVE_MESSAGE_IN_FLIGHT)
        continue;
      set_state (self, m, CONCLAVE_MESSAGE_LOST, FALSE);
      m->recv_ns = m->send_ns + self->loss_timeout_ns;
      event.type = CONCLAVE_EVENT_LOST;
      event.time_ns = now_ns;
      event.key = m->key;
      event.proc = m->src_proc;
      event.s[0] = m->kind;
      if ((send = conclave_event_store_get (self->store, m->send_index)) != NULL)
        {
          memcpy (event.s, send->s, sizeof event.s);
          event.proto = send->proto;
          event.flags = send->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH;
        }
      g_array_append_val (lost, event);
    }
  compact_in_flight (self);

  forget_old_keys (self, now_ns);
  forget_old_streams (self, now_ns);
  n = lost->len;
  /* The matcher is fed only sends, receives and drops: LOST events pass by. */
  conclave_event_store_append (self->store, (ConclaveEvent *) (gpointer) lost->data, n);
  g_array_unref (lost);
  return n;
}

void
conclave_matcher_set_loss_timeout (ConclaveMatcher *self, gint64 timeout_ns)
{
  g_return_if_fail (self != NULL);
  self->loss_timeout_ns = MAX (timeout_ns, 1);
}

guint64
conclave_matcher_get_n_messages (ConclaveMatcher *self)
{
  return self->n_messages;
}

const ConclaveMessage *
conclave_matcher_get_message (ConclaveMatcher *self, guint64 index)
{
  if (index >= self->n_messages)
    return NULL;
  return message_at (self, index);
}

void
conclave_matcher_foreach_in_range (ConclaveMatcher    *self,
                                   gint64              from_ns,
                                   gint64              to_ns,
                                   ConclaveMessageFunc func,
                                   gpointer            user_data)
{
  guint64 lo = 0, hi = self->n_messages;

  /* Messages are created in arrival order of their first event, which is
   * close to send order; search on send time, then scan while it could
   * still matter (a message can be in flight for up to the loss timeout). */
  while (lo < hi)
    {
      guint64 mid = (lo + hi) / 2;
      if (message_at (self, mid)->send_ns < from_ns - self->loss_timeout_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint64 i = lo; i < self->n_messages; i++)
    {
      const ConclaveMessage *m = message_at (self, i);
      gint64 end = m->recv_ns ? m->recv_ns : G_MAXINT64;

      if (m->send_ns >= to_ns && m->send_ns != 0)
        break;
      if (end >= from_ns && !func (m, i, user_data))
        return;
    }
}

void
conclave_matcher_count (ConclaveMatcher *self, guint64 counts[5])
{
  memcpy (counts, self->counts, sizeof self->counts);
}
