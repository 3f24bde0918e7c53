/* conclave-matcher-streams.c — TCP chunks paired by byte ranges.
 *
 * TCP chunks traced by the shim carry no key but their byte offset in the
 * stream: per connection (named by its two ends, as both sides report
 * them) a receive pairs with every send whose bytes it overlaps, so one
 * send read in three pieces is three messages sharing the send, and three
 * sends read at once are three messages sharing the receive. Keeps only
 * chunks the other side has not passed yet; never scans the message table.
 */
#include "conclave-matcher-private.h"

#define NONE G_MAXUINT64

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


struct _ConclaveMatcherStreams {
  GHashTable *table;  /* guint64 (src, dst) → Stream* */
};

static void
stream_free (gpointer data)
{
  Stream *st = data;

  g_array_unref (st->sends);
  g_array_unref (st->recvs);
  g_free (st);
}


ConclaveMatcherStreams *
_conclave_matcher_streams_new (void)
{
  ConclaveMatcherStreams *self = g_new0 (ConclaveMatcherStreams, 1);

  self->table = g_hash_table_new_full (_conclave_matcher_key_hash, _conclave_matcher_key_equal, g_free, stream_free);
  return self;
}

void
_conclave_matcher_streams_free (ConclaveMatcherStreams *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->table);
  g_free (self);
}

void
_conclave_matcher_streams_copy (ConclaveMatcherStreams *self, ConclaveMatcherStreams *from)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from->table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Stream *st = g_memdup2 (value, sizeof (Stream));

      st->sends = g_array_copy (st->sends);
      st->recvs = g_array_copy (st->recvs);
      g_hash_table_insert (self->table, g_memdup2 (key, sizeof (guint64)), st);
    }
}

/* Calls func for every message a stream's chunk still waits with. */
void
_conclave_matcher_streams_foreach_open (ConclaveMatcherStreams *self, void (*func) (guint64 msg, gpointer data),
                                        gpointer data)
{
  GHashTableIter iter;
  Stream *st;

  g_hash_table_iter_init (&iter, self->table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &st))
    for (guint side = 0; side < 2; side++)
      {
        GArray *chunks = side == 0 ? st->sends : st->recvs;

        for (guint i = 0; i < chunks->len; i++)
          if (g_array_index (chunks, Chunk, i).msg != NONE)
            func (g_array_index (chunks, Chunk, i).msg, data);
      }
}

static Stream *
stream_for (ConclaveMatcherStreams *self, const ConclaveEvent *e)
{
  guint64 key = ((guint64) e->s[1] << 32) | e->s[2];
  Stream *st = g_hash_table_lookup (self->table, &key);

  if (st == NULL)
    {
      st = g_new0 (Stream, 1);
      st->sends = g_array_new (FALSE, FALSE, sizeof (Chunk));
      st->recvs = g_array_new (FALSE, FALSE, sizeof (Chunk));
      g_hash_table_insert (self->table, g_memdup2 (&key, sizeof key), st);
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
pair_again (ConclaveMatcher *matcher, const Chunk *send, const Chunk *recv)
{
  ConclaveEvent se = chunk_event (send), re = chunk_event (recv);
  ConclaveMessage m;
  guint64 mi = _conclave_matcher_message_new (matcher, &m);

  _conclave_matcher_fill_send (&m, &se, send->event);
  _conclave_matcher_fill_recv (&m, &re, recv->event);
  _conclave_matcher_set_state (matcher, mi, &m, CONCLAVE_MESSAGE_DELIVERED, TRUE);
  _conclave_matcher_message_put (matcher, mi, &m);
}

/* Chunks the other side has gone past can pair with nothing more. */
static void
stream_trim (ConclaveMatcherStreams *self, Stream *st, const ConclaveEvent *e)
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
      g_hash_table_remove (self->table, &key);
    }
}

static void
feed_send (ConclaveMatcherStreams *self, ConclaveMatcher *matcher, const ConclaveEvent *e, guint64 index)
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
          ConclaveMessage m;

          _conclave_matcher_message_get (matcher, r->msg, &m);
          _conclave_matcher_fill_send (&m, e, index);
          _conclave_matcher_set_state (matcher, r->msg, &m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
          _conclave_matcher_message_put (matcher, r->msg, &m);
          r->msg = NONE;
        }
      else
        pair_again (matcher, &chunk, r);
    }
  if (!paired)
    chunk.msg = _conclave_matcher_send_in_flight (matcher, e, index);
  g_array_append_val (st->sends, chunk);
  st->sent_high = MAX (st->sent_high, chunk.end);
  stream_trim (self, st, e);
}

static void
feed_recv (ConclaveMatcherStreams *self, ConclaveMatcher *matcher, const ConclaveEvent *e, guint64 index)
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
          ConclaveMessage m;

          _conclave_matcher_message_get (matcher, s->msg, &m);
          if (m.state == CONCLAVE_MESSAGE_LOST)
            m.flags |= CONCLAVE_MESSAGE_FLAG_LATE;
          _conclave_matcher_fill_recv (&m, e, index);
          _conclave_matcher_set_state (matcher, s->msg, &m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
          _conclave_matcher_message_put (matcher, s->msg, &m);
          s->msg = NONE;
        }
      else
        pair_again (matcher, s, &chunk);
    }
  if (!paired)
    {
      ConclaveMessage m;

      chunk.msg = _conclave_matcher_message_new (matcher, &m);
      _conclave_matcher_fill_recv (&m, e, index);
      _conclave_matcher_set_state (matcher, chunk.msg, &m, CONCLAVE_MESSAGE_UNSENT, TRUE);
      _conclave_matcher_message_put (matcher, chunk.msg, &m);
    }
  g_array_append_val (st->recvs, chunk);
  st->recv_high = MAX (st->recv_high, chunk.end);
  stream_trim (self, st, e);
}

gboolean
_conclave_matcher_streams_is_chunk (const ConclaveEvent *e)
{
  return (e->type == CONCLAVE_EVENT_SEND || e->type == CONCLAVE_EVENT_RECV)
         && (e->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET) && e->key == 0;
}

void
_conclave_matcher_streams_feed (ConclaveMatcherStreams *self, ConclaveMatcher *matcher,
                                const ConclaveEvent *e, guint64 index)
{
  if (e->type == CONCLAVE_EVENT_SEND)
    feed_send (self, matcher, e, index);
  else
    feed_recv (self, matcher, e, index);
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
void
_conclave_matcher_streams_forget (ConclaveMatcherStreams *self, gint64 now_ns, gint64 loss_timeout_ns)
{
  GHashTableIter iter;
  Stream *st;

  g_hash_table_iter_init (&iter, self->table);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &st))
    {
      gint64 quiet = now_ns - st->seen_ns;

      if ((quiet >= 2 * loss_timeout_ns && !stream_waiting (st))
          || quiet >= 20 * loss_timeout_ns)
        g_hash_table_iter_remove (&iter);
    }
}
