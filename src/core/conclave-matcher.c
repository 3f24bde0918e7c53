/* conclave-matcher.c — sends and receives paired into messages.
 *
 * Waiting sends and waiting receives are kept per key in FIFO queues, so a
 * receive that arrives before its send (different connections, different
 * batches) still pairs, and payload hashes pair first-in first-out. A send
 * that already has a receive can pair again: broadcast and duplicates make
 * a new message sharing the send. Loss is decided by a FIFO of in-flight
 * messages in send order, so expiry never scans everything.
 *
 * Payload hashes are keyed on the two ports, not the address text: on one
 * machine "0.0.0.0", "127.0.0.1" and the program's own LAN address reach
 * the same socket. A hashed send to a broadcast or multicast address fans
 * out: each receiver pairs, in order, with the group sends it has not had
 * yet, starting with the first sent after it bound its socket.
 *
 * TCP chunks are paired by byte ranges in conclave-matcher-streams.c.
 */
#include "conclave-matcher-private.h"

#include <string.h>

#define NONE G_MAXUINT64
#define MSG_CHUNK_BITS 12
#define MSG_CHUNK_SIZE (1u << MSG_CHUNK_BITS)

typedef struct {
  guint64 key;
  gint64  seen_ns;
} KeyAge;

/* A hashed send to a broadcast or multicast address. */
typedef struct {
  guint64 msg;      /* its first message: the one the first receiver fills */
  gint64  send_ns;
} GroupSend;

/* The newest group send a receiving process paired with. */
typedef struct {
  guint32 proc;
  gint64  last_ns;
} Cursor;

typedef struct {
  GArray *sends;   /* guint64 message indices waiting for a receive, oldest first */
  GArray *recvs;   /* guint64 message indices (UNSENT) waiting for a send */
  guint64 last_delivered; /* message with the newest receive, for duplicate pairing */
  GArray *group;   /* GroupSend, oldest first (NULL until the first) */
  GArray *cursors; /* Cursor per receiving process (NULL with group) */
} Waiting;

struct _ConclaveMatcher {
  ConclaveEventStore *store;
  ConclaveMatcherPorts *ports;
  gboolean            knows_sockets; /* a socket was reported: unheard can be told */
  gint64              trimmed_ns;
  GPtrArray          *chunks;   /* ConclaveMessage[MSG_CHUNK_SIZE] */
  guint64             n_messages;
  GHashTable         *waiting;  /* guint64 key → Waiting* */
  ConclaveMatcherStreams *streams;
  GArray             *in_flight; /* guint64 message index, in send order */
  GArray             *keys;      /* KeyAge: keys in the order they were first seen */
  guint               keys_head;
  guint               in_flight_head;
  gint64              loss_timeout_ns;
  guint64             counts[CONCLAVE_MESSAGE_N_STATES];
};

static void
waiting_free (gpointer data)
{
  Waiting *w = data;

  g_array_unref (w->sends);
  g_array_unref (w->recvs);
  g_clear_pointer (&w->group, g_array_unref);
  g_clear_pointer (&w->cursors, g_array_unref);
  g_free (w);
}

guint
_conclave_matcher_key_hash (gconstpointer key)
{
  guint64 k = *(const guint64 *) key;
  return (guint) (k ^ (k >> 32) ^ (k >> 17));
}

gboolean
_conclave_matcher_key_equal (gconstpointer a, gconstpointer b)
{
  return *(const guint64 *) a == *(const guint64 *) b;
}

ConclaveMatcher *
conclave_matcher_new (ConclaveEventStore *store)
{
  ConclaveMatcher *self = g_new0 (ConclaveMatcher, 1);

  self->store = store;
  self->ports = _conclave_matcher_ports_new (store);
  self->chunks = g_ptr_array_new_with_free_func (g_free);
  self->waiting = g_hash_table_new_full (_conclave_matcher_key_hash, _conclave_matcher_key_equal, g_free, waiting_free);
  self->streams = _conclave_matcher_streams_new ();
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
  _conclave_matcher_ports_free (self->ports);
  g_ptr_array_unref (self->chunks);
  g_hash_table_unref (self->waiting);
  _conclave_matcher_streams_free (self->streams);
  g_array_unref (self->in_flight);
  g_array_unref (self->keys);
  g_free (self);
}

ConclaveMessage *
_conclave_matcher_message_at (ConclaveMatcher *self, guint64 index)
{
  ConclaveMessage *chunk = self->chunks->pdata[index >> MSG_CHUNK_BITS];
  return &chunk[index & (MSG_CHUNK_SIZE - 1)];
}

guint64
_conclave_matcher_message_new (ConclaveMatcher *self, ConclaveMessage **out)
{
  guint64 index = self->n_messages++;
  ConclaveMessage *m;

  if ((index >> MSG_CHUNK_BITS) >= self->chunks->len)
    g_ptr_array_add (self->chunks, g_new (ConclaveMessage, MSG_CHUNK_SIZE));
  m = _conclave_matcher_message_at (self, index);
  memset (m, 0, sizeof *m);
  m->send_index = NONE;
  m->recv_index = NONE;
  *out = m;
  return index;
}

void
_conclave_matcher_set_state (ConclaveMatcher *self, ConclaveMessage *m, ConclaveMessageState state, gboolean is_new)
{
  if (!is_new)
    self->counts[m->state]--;
  m->state = state;
  self->counts[state]++;
}

/* Hashes pair only between the same two ports; ids are unique already. */
static guint64
effective_key (ConclaveMatcher *self, const ConclaveEvent *e)
{
  guint64 key = e->key;

  if (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH)
    key ^= ((guint64) (_conclave_matcher_ports_port (self->ports, e->s[1]) + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) ^
           ((guint64) (_conclave_matcher_ports_port (self->ports, e->s[2]) + 1) * G_GUINT64_CONSTANT (0xC2B2AE3D27D4EB4F)) ^ 1;
  return key;
}

static gboolean
is_hashed (const ConclaveEvent *e)
{
  return (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH) != 0;
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

void
_conclave_matcher_fill_send (ConclaveMessage *m, const ConclaveEvent *e, guint64 index)
{
  m->key = e->key;
  m->send_index = index;
  m->send_ns = e->time_ns;
  m->src_proc = e->proc;
  m->kind = e->s[0];
}

void
_conclave_matcher_fill_recv (ConclaveMessage *m, const ConclaveEvent *e, guint64 index)
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

/* ---- broadcast and multicast: one send, every receiver ------------------- */

static gboolean
has_expired (const ConclaveMessage *m)
{
  return m->state == CONCLAVE_MESSAGE_LOST || m->state == CONCLAVE_MESSAGE_UNHEARD
         || m->state == CONCLAVE_MESSAGE_NOT_READ;
}

static gboolean
has_group (const Waiting *w)
{
  return w->group != NULL && w->group->len > 0;
}

static Cursor *
cursor_for (Waiting *w, guint32 proc)
{
  for (guint i = 0; i < w->cursors->len; i++)
    if (g_array_index (w->cursors, Cursor, i).proc == proc)
      return &g_array_index (w->cursors, Cursor, i);
  return NULL;
}

static void
cursor_set (Waiting *w, guint32 proc, gint64 send_ns)
{
  Cursor *c = cursor_for (w, proc);

  if (c == NULL)
    g_array_append_val (w->cursors, ((Cursor) { proc, send_ns }));
  else
    c->last_ns = MAX (c->last_ns, send_ns);
}

/* The oldest group send this receive can be: sent before it, after the
 * receiver's previous one (or after its socket was bound), not yet had. */
static GroupSend *
next_group_send (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e)
{
  Cursor *c = cursor_for (w, e->proc);
  gint64 after = e->time_ns - self->loss_timeout_ns;

  if (c != NULL)
    after = c->last_ns;
  else
    {
      gint64 bound = _conclave_matcher_ports_bound_at (self->ports, e->proc,
                                                       _conclave_matcher_ports_port (self->ports, e->s[2]));
      if (bound != G_MININT64)
        after = bound - 1;
    }
  for (guint i = 0; i < w->group->len; i++)
    {
      GroupSend *g = &g_array_index (w->group, GroupSend, i);

      if (g->send_ns > e->time_ns)
        break;
      if (g->send_ns > after)
        return g;
    }
  return NULL;
}

static void
copy_send (ConclaveMessage *m, const ConclaveMessage *from)
{
  m->key = from->key;
  m->send_index = from->send_index;
  m->send_ns = from->send_ns;
  m->src_proc = from->src_proc;
  m->kind = from->kind;
}

/* A receive (or a drop at the receiver: state DROPPED) of a group send. */
static void
group_receive (ConclaveMatcher *self, Waiting *w, const GroupSend *g, const ConclaveEvent *e,
               guint64 index, ConclaveMessageState state)
{
  ConclaveMessage *first = _conclave_matcher_message_at (self, g->msg), *m = first;
  gboolean is_new = FALSE;

  if (first->state == CONCLAVE_MESSAGE_DELIVERED || first->state == CONCLAVE_MESSAGE_DROPPED)
    {
      _conclave_matcher_message_new (self, &m);  /* chunks never move: `first` stays valid */
      copy_send (m, first);
      is_new = TRUE;
    }
  else if (has_expired (first))
    m->flags |= CONCLAVE_MESSAGE_FLAG_LATE;
  _conclave_matcher_fill_recv (m, e, index);
  _conclave_matcher_set_state (self, m, state, is_new);
  cursor_set (w, e->proc, g->send_ns);
}

/* Receives that came before their group send: the oldest waiting one of
 * each receiving process gets it. Returns the first such message, or NONE. */
static guint64
group_take_waiting (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint64 first = NONE;

  for (guint i = 0; i < w->recvs->len;)
    {
      guint64 ri = g_array_index (w->recvs, guint64, i);
      ConclaveMessage *r = _conclave_matcher_message_at (self, ri);
      gboolean seen = FALSE;

      for (guint j = 0; j < procs->len && !seen; j++)
        seen = g_array_index (procs, guint32, j) == r->dst_proc;
      if (seen || r->recv_ns < e->time_ns)
        {
          i++;
          continue;
        }
      g_array_remove_index (w->recvs, i);
      g_array_append_val (procs, r->dst_proc);
      _conclave_matcher_fill_send (r, e, index);
      _conclave_matcher_set_state (self, r, CONCLAVE_MESSAGE_DELIVERED, FALSE);
      cursor_set (w, r->dst_proc, e->time_ns);
      if (first == NONE)
        first = ri;
    }
  return first;
}

static void
feed_group_send (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  GroupSend g;

  if (w->group == NULL)
    {
      w->group = g_array_new (FALSE, FALSE, sizeof (GroupSend));
      w->cursors = g_array_new (FALSE, FALSE, sizeof (Cursor));
    }
  g = (GroupSend) { group_take_waiting (self, w, e, index), e->time_ns };
  if (g.msg == NONE)
    {
      ConclaveMessage *m;

      g.msg = _conclave_matcher_message_new (self, &m);
      _conclave_matcher_fill_send (m, e, index);
      _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
      g_array_append_val (self->in_flight, g.msg);
    }
  g_array_append_val (w->group, g);
}

/* Group sends older than `before_ns` can pair with nothing more. Returns
 * how many are left. */
static guint
group_trim (Waiting *w, gint64 before_ns)
{
  guint n = 0;

  if (w->group == NULL)
    return 0;
  while (n < w->group->len && g_array_index (w->group, GroupSend, n).send_ns < before_ns)
    n++;
  g_array_remove_range (w->group, 0, n);
  if (w->group->len == 0)
    g_array_set_size (w->cursors, 0);
  return w->group->len;
}

/* ---- datagrams ------------------------------------------------------------ */

static void
feed_send (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (self, e), e->time_ns);
  ConclaveMessage *m;
  guint64 mi;

  if (is_hashed (e) && _conclave_matcher_ports_is_group (self->ports, e->s[2]))
    {
      feed_group_send (self, w, e, index);
      return;
    }

  /* Receives that came first: every one of them gets this send. */
  if (w->recvs->len > 0)
    {
      gboolean fifo = (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH) != 0;
      guint n = fifo ? 1 : w->recvs->len;

      for (guint i = 0; i < n; i++)
        {
          mi = queue_pop (w->recvs);
          m = _conclave_matcher_message_at (self, mi);
          _conclave_matcher_fill_send (m, e, index);
          _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
          w->last_delivered = mi;
        }
      return;
    }

  mi = _conclave_matcher_message_new (self, &m);
  _conclave_matcher_fill_send (m, e, index);
  _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
  g_array_append_val (w->sends, mi);
  g_array_append_val (self->in_flight, mi);
}

static void
feed_recv (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (self, e), e->time_ns);
  GroupSend *g = has_group (w) ? next_group_send (self, w, e) : NULL;
  ConclaveMessage *m, *sent;
  guint64 mi;

  if (g != NULL && (w->sends->len == 0 || g->send_ns <= _conclave_matcher_message_at (self, g_array_index (w->sends, guint64, 0))->send_ns))
    {
      group_receive (self, w, g, e, index, CONCLAVE_MESSAGE_DELIVERED);
      return;
    }
  if (w->sends->len > 0)
    {
      mi = queue_pop (w->sends);
      m = _conclave_matcher_message_at (self, mi);
      if (has_expired (m))
        m->flags |= CONCLAVE_MESSAGE_FLAG_LATE;
      _conclave_matcher_fill_recv (m, e, index);
      _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
      w->last_delivered = mi;
      return;
    }

  mi = _conclave_matcher_message_new (self, &m);
  _conclave_matcher_fill_recv (m, e, index);
  if (w->last_delivered != NONE && !(e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH))
    {
      /* Its send was already paired: a broadcast's next receiver, or a duplicate. */
      sent = _conclave_matcher_message_at (self, w->last_delivered);
      _conclave_matcher_fill_send (m, conclave_event_store_get (self->store, sent->send_index) ?: &(ConclaveEvent) {
                   .key = sent->key, .time_ns = sent->send_ns, .proc = sent->src_proc, .s = { sent->kind } },
                 sent->send_index);
      if (sent->dst_proc == e->proc)
        m->flags |= CONCLAVE_MESSAGE_FLAG_DUPLICATE;
      _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_DELIVERED, TRUE);
      return;
    }
  _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_UNSENT, TRUE);
  g_array_append_val (w->recvs, mi);
}

static void
feed_drop (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (self, e), e->time_ns);
  ConclaveMessage *m;
  guint64 mi;

  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    {
      GroupSend *g = has_group (w) ? next_group_send (self, w, e) : NULL;

      /* Eaten at the receiver: the send is reported, pair it as dropped. */
      if (g != NULL)
        {
          group_receive (self, w, g, e, index, CONCLAVE_MESSAGE_DROPPED);
          return;
        }
      if (w->sends->len == 0)
        return;
      mi = queue_pop (w->sends);
      m = _conclave_matcher_message_at (self, mi);
    }
  else
    {
      /* Eaten before it left: the sender reports the drop instead of a send. */
      mi = _conclave_matcher_message_new (self, &m);
      _conclave_matcher_fill_send (m, e, index);
      _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
    }
  m->recv_index = index;
  m->recv_ns = e->time_ns;
  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    m->dst_proc = e->proc;
  _conclave_matcher_set_state (self, m, CONCLAVE_MESSAGE_DROPPED, FALSE);
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

      /* Until a socket is reported, nothing can be bound: reads need no note. */
      if (e != NULL && e->type != CONCLAVE_EVENT_SEND && (self->knows_sockets || e->type == CONCLAVE_EVENT_SOCKET))
        {
          self->knows_sockets = TRUE;
          _conclave_matcher_ports_feed (self->ports, e);
        }
      if (e != NULL && _conclave_matcher_streams_is_chunk (e))
        {
          _conclave_matcher_streams_feed (self->streams, self, e, i);
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
      if (group_trim (w, now_ns - 2 * self->loss_timeout_ns) == 0 && w->sends->len == 0 && w->recvs->len == 0)
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

static void
compact_in_flight (ConclaveMatcher *self)
{
  if (self->in_flight_head > 4096 && self->in_flight_head * 2 > self->in_flight->len)
    {
      g_array_remove_range (self->in_flight, 0, self->in_flight_head);
      self->in_flight_head = 0;
    }
}

/* Why a datagram never arrived. Told only once sockets are reported (a
 * trace of an older version, or a test's bare sends, says nothing about
 * who was listening) and never for a stream (a connection has a reader). */
static ConclaveMessageState
fate_of (ConclaveMatcher *self, const ConclaveMessage *m, const ConclaveEvent *send)
{
  if (!self->knows_sockets || send == NULL || send->proto == CONCLAVE_PROTO_TCP
      || (send->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET))
    return CONCLAVE_MESSAGE_LOST;
  return _conclave_matcher_ports_fate (self->ports, _conclave_matcher_ports_port (self->ports, send->s[2]),
                                       m->send_ns);
}

static guint8
fate_flags (ConclaveMessageState fate)
{
  return fate == CONCLAVE_MESSAGE_UNHEARD ? CONCLAVE_EVENT_FLAG_UNHEARD
         : fate == CONCLAVE_MESSAGE_NOT_READ ? CONCLAVE_EVENT_FLAG_NOT_READ : 0;
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
      ConclaveMessage *m = _conclave_matcher_message_at (self, mi);
      const ConclaveEvent *send;
      ConclaveEvent event = { 0 };
      ConclaveMessageState fate;

      if (m->state == CONCLAVE_MESSAGE_IN_FLIGHT && now_ns - m->send_ns < self->loss_timeout_ns)
        break;
      self->in_flight_head++;
      if (m->state != CONCLAVE_MESSAGE_IN_FLIGHT)
        continue;
      send = conclave_event_store_get (self->store, m->send_index);
      fate = fate_of (self, m, send);
      _conclave_matcher_set_state (self, m, fate, FALSE);
      m->recv_ns = m->send_ns + self->loss_timeout_ns;
      event.type = CONCLAVE_EVENT_LOST;
      event.time_ns = now_ns;
      event.key = m->key;
      event.proc = m->src_proc;
      event.s[0] = m->kind;
      event.flags = fate_flags (fate);
      if (send != NULL)
        {
          memcpy (event.s, send->s, sizeof event.s);
          event.proto = send->proto;
          event.flags |= send->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH;
        }
      g_array_append_val (lost, event);
    }
  compact_in_flight (self);

  forget_old_keys (self, now_ns);
  _conclave_matcher_streams_forget (self->streams, now_ns, self->loss_timeout_ns);
  if (now_ns - self->trimmed_ns >= self->loss_timeout_ns)
    {
      _conclave_matcher_ports_trim (self->ports, now_ns - 4 * self->loss_timeout_ns);
      self->trimmed_ns = now_ns;
    }
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

void
_conclave_matcher_track_in_flight (ConclaveMatcher *self, guint64 index)
{
  g_array_append_val (self->in_flight, index);
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
  return _conclave_matcher_message_at (self, index);
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
      if (_conclave_matcher_message_at (self, mid)->send_ns < from_ns - self->loss_timeout_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint64 i = lo; i < self->n_messages; i++)
    {
      const ConclaveMessage *m = _conclave_matcher_message_at (self, i);
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
  memcpy (counts, self->counts, 5 * sizeof self->counts[0]);
}

guint64
conclave_matcher_count_state (ConclaveMatcher *self, ConclaveMessageState state)
{
  g_return_val_if_fail (self != NULL && state < CONCLAVE_MESSAGE_N_STATES, 0);
  return self->counts[state];
}
