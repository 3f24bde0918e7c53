/* conclave-matcher.c — sends and receives paired into messages.
 *
 * Waiting sends and waiting receives are kept per key in FIFO queues, so a
 * receive that arrives before its send (different connections, different
 * batches) still pairs, and payload hashes pair first-in first-out. A send
 * that already has a receive can pair again: broadcast and duplicates make
 * a new message sharing the send. Loss is decided by a FIFO of in-flight
 * messages in send order, so expiry never scans everything. A key's queues
 * exist only while something waits on it; which message last delivered an
 * id (for a send that pairs again) is in conclave-matcher-delivered.c.
 *
 * Payload hashes are keyed on the two ports, not the address text: on one
 * machine "0.0.0.0", "127.0.0.1" and the program's own LAN address reach
 * the same socket. A hashed send to a broadcast or multicast address fans
 * out: each receiver pairs, in order, with the group sends it has not had
 * yet, starting with the first sent after it bound its socket.
 *
 * TCP chunks are paired by byte ranges in conclave-matcher-streams.c.
 *
 * Messages obey the store's retention: a chunk of messages all made before
 * the store's oldest event is retired (indices stay absolute, as in the
 * store; the table is conclave-matcher-messages.c, read and written by
 * copy). A queue or stream that still names a retired message reads a
 * lost message whose changes go nowhere; queues drop such entries when
 * their key is looked at again.
 */
#include "conclave-matcher-private.h"

#include <string.h>

#define NONE G_MAXUINT64

static void
waiting_free (gpointer data)
{
  Waiting *w = data;

  g_clear_pointer (&w->sends, g_array_unref);
  g_clear_pointer (&w->recvs, g_array_unref);
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
  self->messages = _conclave_matcher_messages_new (store);
  self->waiting = g_hash_table_new_full (_conclave_matcher_key_hash, _conclave_matcher_key_equal, NULL, waiting_free);
  self->delivered = _conclave_matcher_delivered_new ();
  self->streams = _conclave_matcher_streams_new ();
  self->in_flight = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->loss_timeout_ns = 2 * G_TIME_SPAN_SECOND * 1000;
  _conclave_matcher_held_init (self);
  return self;
}

void
conclave_matcher_free (ConclaveMatcher *self)
{
  if (self == NULL)
    return;
  _conclave_matcher_ports_free (self->ports);
  _conclave_matcher_messages_unref (self->messages);
  g_hash_table_unref (self->waiting);
  _conclave_matcher_delivered_free (self->delivered);
  _conclave_matcher_streams_free (self->streams);
  g_array_unref (self->in_flight);
  g_hash_table_unref (self->held);
  g_hash_table_unref (self->held_at);
  g_free (self);
}

static gboolean
is_retired (ConclaveMatcher *self, guint64 index)
{
  return _conclave_matcher_messages_is_retired (self->messages, index);
}

void
_conclave_matcher_message_get (ConclaveMatcher *self, guint64 index, ConclaveMessage *m)
{
  if (!_conclave_matcher_messages_get (self->messages, index, m))
    {
      memset (m, 0, sizeof *m);
      m->state = CONCLAVE_MESSAGE_LOST;
      m->send_index = m->recv_index = NONE;
    }
}

gboolean
_conclave_matcher_message_key (ConclaveMatcher *self, guint64 index, guint64 *key)
{
  return _conclave_matcher_messages_get_key (self->messages, index, key);
}

/* A retired index reads as LOST, as _conclave_matcher_message_get has it. */
static ConclaveMessageState
state_of (ConclaveMatcher *self, guint64 index)
{
  ConclaveMessageState state = CONCLAVE_MESSAGE_LOST;

  _conclave_matcher_messages_get_state (self->messages, index, &state);
  return state;
}

void
_conclave_matcher_message_put (ConclaveMatcher *self, guint64 index, const ConclaveMessage *m)
{
  _conclave_matcher_messages_put (self->messages, index, m);
}

guint64
_conclave_matcher_message_new (ConclaveMatcher *self, ConclaveMessage *m)
{
  return _conclave_matcher_messages_add (self->messages, m);
}

void
_conclave_matcher_set_state (ConclaveMatcher *self, guint64 index, ConclaveMessage *m, ConclaveMessageState state,
                             gboolean is_new)
{
  if (is_retired (self, index))
    return;
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

/* Queues are in message order: the retired ones are at the front. */
static void
drop_retired (ConclaveMatcher *self, GArray **queue)
{
  guint n = 0;

  while (n < queue_len (*queue) && is_retired (self, g_array_index (*queue, guint64, n)))
    n++;
  if (n > 0)
    queue_remove (queue, 0, n);
}

/* The key's queues, without retired messages. */
static Waiting *
waiting_for (ConclaveMatcher *self, guint64 key)
{
  Waiting *w = g_hash_table_lookup (self->waiting, &key);

  if (w != NULL)
    {
      drop_retired (self, &w->sends);
      drop_retired (self, &w->recvs);
    }
  else
    {
      /* Made and freed again for nearly every message: malloc, not calloc
       * (glibc's calloc bypasses the per-thread cache free fills). */
      w = g_new (Waiting, 1);
      *w = (Waiting) { .key = key };
      g_hash_table_insert (self->waiting, &w->key, w);
    }
  return w;
}

/* Nothing waits on the key any more: it goes (what was delivered last is
 * in the delivered table). */
static gboolean
waiting_is_empty (const Waiting *w)
{
  return w->sends == NULL && w->recvs == NULL && !_conclave_matcher_has_group (w);
}

/* An id key's newest delivered message, for a later receive of it. */
static void
delivered (ConclaveMatcher *self, const ConclaveEvent *e, guint64 mi)
{
  if (!is_hashed (e))
    _conclave_matcher_delivered_set (self->delivered, self, e->key, mi, e->time_ns);
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

/* ---- datagrams ------------------------------------------------------------ */

static void
feed_send (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  ConclaveMessage m;
  guint64 mi;

  if (is_hashed (e) && _conclave_matcher_ports_is_group (self->ports, e->s[2]))
    {
      _conclave_matcher_feed_group_send (self, w, e, index);
      return;
    }

  /* Receives that came first: every one of them gets this send. */
  if (queue_len (w->recvs) > 0)
    {
      gboolean fifo = (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH) != 0;
      guint n = fifo ? 1 : w->recvs->len;

      for (guint i = 0; i < n; i++)
        {
          const ConclaveEvent *early;

          mi = queue_pop (&w->recvs);
          _conclave_matcher_message_get (self, mi, &m);
          early = conclave_event_store_get (self->store, m.recv_index);
          _conclave_matcher_fill_send (&m, e, index);
          /* A drop at the receiver (the LAN's) may come before the send. */
          _conclave_matcher_set_state (self, mi, &m, early != NULL && early->type == CONCLAVE_EVENT_DROP
                                                     ? CONCLAVE_MESSAGE_DROPPED : CONCLAVE_MESSAGE_DELIVERED, FALSE);
          _conclave_matcher_message_put (self, mi, &m);
          delivered (self, e, mi);
        }
      return;
    }

  queue_push (&w->sends, _conclave_matcher_send_in_flight (self, e, index));
}

/* A receive (or drop at the receiver) `m` whose send was already paired:
 * a broadcast's next receiver, or a duplicate. Gives m that send; FALSE
 * if there is none (hashed keys pair only with a send of their own). */
static gboolean
send_paired_before (ConclaveMatcher *self, ConclaveMessage *m, const ConclaveEvent *e)
{
  guint64 last = is_hashed (e) ? NONE : _conclave_matcher_delivered_lookup (self->delivered, self, e->key);
  ConclaveMessage sent;

  if (last == NONE)
    return FALSE;
  _conclave_matcher_message_get (self, last, &sent);
  _conclave_matcher_fill_send (m, conclave_event_store_get (self->store, sent.send_index) ?: &(ConclaveEvent) {
               .key = sent.key, .time_ns = sent.send_ns, .proc = sent.src_proc, .s = { sent.kind } },
             sent.send_index);
  if (sent.dst_proc == e->proc)
    m->flags |= CONCLAVE_MESSAGE_FLAG_DUPLICATE;
  return TRUE;
}

static void
feed_recv (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  GroupSend *g = _conclave_matcher_has_group (w) ? _conclave_matcher_next_group_send (self, w, e) : NULL;
  ConclaveMessage m;
  guint64 mi;

  if (g != NULL && queue_len (w->sends) > 0)
    _conclave_matcher_message_get (self, g_array_index (w->sends, guint64, 0), &m);
  if (g != NULL && (queue_len (w->sends) == 0 || g->send_ns <= m.send_ns))
    {
      _conclave_matcher_group_receive (self, w, g, e, index, CONCLAVE_MESSAGE_DELIVERED);
      return;
    }
  if (queue_len (w->sends) > 0)
    {
      mi = queue_pop (&w->sends);
      _conclave_matcher_message_get (self, mi, &m);
      if (_conclave_matcher_has_expired (&m))
        m.flags |= CONCLAVE_MESSAGE_FLAG_LATE;
      _conclave_matcher_fill_recv (&m, e, index);
      _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_DELIVERED, FALSE);
      _conclave_matcher_message_put (self, mi, &m);
      delivered (self, e, mi);
      return;
    }

  mi = _conclave_matcher_message_new (self, &m);
  _conclave_matcher_fill_recv (&m, e, index);
  if (send_paired_before (self, &m, e))
    {
      _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_DELIVERED, TRUE);
      _conclave_matcher_message_put (self, mi, &m);
      return;
    }
  _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_UNSENT, TRUE);
  _conclave_matcher_message_put (self, mi, &m);
  queue_push (&w->recvs, mi);
}

static void
feed_drop (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  ConclaveMessage m;
  guint64 mi;

  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    {
      GroupSend *g = _conclave_matcher_has_group (w) ? _conclave_matcher_next_group_send (self, w, e) : NULL;

      /* Eaten at the receiver: the send is reported, pair it as dropped. */
      if (g != NULL)
        {
          _conclave_matcher_group_receive (self, w, g, e, index, CONCLAVE_MESSAGE_DROPPED);
          return;
        }
      if (queue_len (w->sends) == 0 && (e->flags & CONCLAVE_EVENT_FLAG_BY_HAND))
        return;
      if (queue_len (w->sends) == 0)
        {
          /* A copy of a broadcast another receiver already had; else eaten
           * on the way and told before the sender told its send (the LAN
           * reports apart from the processes): wait for it. */
          mi = _conclave_matcher_message_new (self, &m);
          _conclave_matcher_fill_recv (&m, e, index);
          if (send_paired_before (self, &m, e))
            {
              m.flags &= ~CONCLAVE_MESSAGE_FLAG_DUPLICATE;
              _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_DROPPED, TRUE);
              _conclave_matcher_message_put (self, mi, &m);
              return;
            }
          _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_UNSENT, TRUE);
          _conclave_matcher_message_put (self, mi, &m);
          queue_push (&w->recvs, mi);
          return;
        }
      mi = queue_pop (&w->sends);
      _conclave_matcher_message_get (self, mi, &m);
    }
  else
    {
      /* Eaten before it left: the sender reports the drop instead of a send. */
      mi = _conclave_matcher_message_new (self, &m);
      _conclave_matcher_fill_send (&m, e, index);
      _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
    }
  m.recv_index = index;
  m.recv_ns = e->time_ns;
  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    m.dst_proc = e->proc;
  _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_DROPPED, FALSE);
  _conclave_matcher_message_put (self, mi, &m);
  if (e->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
    delivered (self, e, mi);
}

static void
feed_datagram (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  Waiting *w = waiting_for (self, effective_key (self, e));

  if (e->type == CONCLAVE_EVENT_SEND)
    feed_send (self, w, e, index);
  else if (e->type == CONCLAVE_EVENT_RECV)
    feed_recv (self, w, e, index);
  else
    feed_drop (self, w, e, index);
  if (waiting_is_empty (w))
    g_hash_table_remove (self->waiting, &w->key);
}

guint
conclave_matcher_feed (ConclaveMatcher *self, guint64 first, guint64 end)
{
  guint changed = 0;

  g_return_val_if_fail (self != NULL, 0);

  _conclave_matcher_messages_retire (self->messages, conclave_event_store_get_first (self->store));
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
      _conclave_matcher_held_feed (self, e);
      if (e->type == CONCLAVE_EVENT_SEND || e->type == CONCLAVE_EVENT_RECV || e->type == CONCLAVE_EVENT_DROP)
        {
          feed_datagram (self, e, i);
          changed++;
        }
    }
  return changed;
}

typedef struct {
  ConclaveMatcher *self;
  gint64           before_ns;  /* group sends before it can pair with nothing more */
} Sweep;

/* A delivered id goes twice the loss timeout after its receive (a late
 * broadcast receiver or duplicate still finds it until then), but a held
 * one stays: its other receivers pair with it on release. */
static gboolean
keep_held (const ConclaveMessage *m, gpointer data)
{
  return _conclave_matcher_key_is_held (data, m->key);
}

/* A key's queues go when only retired messages are left in them, its
 * group sends twice the loss timeout after they were sent; a held key's
 * stay (a held broadcast's other receivers pair with it on release). */
static gboolean
forget_waiting (gpointer key, gpointer value, gpointer data)
{
  Sweep *sweep = data;
  Waiting *w = value;

  if (_conclave_matcher_key_is_held (sweep->self, w->key))
    return FALSE;
  drop_retired (sweep->self, &w->sends);
  drop_retired (sweep->self, &w->recvs);
  return _conclave_matcher_group_trim (w, sweep->before_ns) == 0 && w->sends == NULL && w->recvs == NULL;
}

/* What nothing can pair with any more goes: delivered ids twice the loss
 * timeout after their receive (give or take half a timeout, the length of
 * a generation), waiting keys when a sweep, at most every half timeout,
 * finds them done. */
static void
forget_old_keys (ConclaveMatcher *self, gint64 now_ns)
{
  Sweep sweep = { self, now_ns - 2 * self->loss_timeout_ns };

  _conclave_matcher_delivered_age (self->delivered, self, now_ns, self->loss_timeout_ns / 2, sweep.before_ns,
                                   g_hash_table_size (self->held) > 0 ? keep_held : NULL, self);
  if (now_ns - self->swept_ns < self->loss_timeout_ns / 2)
    return;
  self->swept_ns = now_ns;
  g_hash_table_foreach_remove (self->waiting, forget_waiting, &sweep);
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

/* What an expiry forgets besides the messages it declares lost. */
static void
forget_old (ConclaveMatcher *self, gint64 now_ns)
{
  forget_old_keys (self, now_ns);
  _conclave_matcher_streams_forget (self->streams, now_ns, self->loss_timeout_ns);
  if (now_ns - self->trimmed_ns >= self->loss_timeout_ns)
    {
      _conclave_matcher_ports_trim (self->ports, now_ns - 4 * self->loss_timeout_ns);
      self->trimmed_ns = now_ns;
    }
}

void
conclave_matcher_tidy (ConclaveMatcher *self, gint64 now_ns)
{
  g_return_if_fail (self != NULL);

  /* The answered ones leave the head of the in-flight queue; the first
   * one still in flight stays, however old: a loss is the recording's. */
  while (self->in_flight_head < self->in_flight->len
         && state_of (self, g_array_index (self->in_flight, guint64, self->in_flight_head)) != CONCLAVE_MESSAGE_IN_FLIGHT)
    self->in_flight_head++;
  compact_in_flight (self);
  forget_old (self, now_ns);
}

guint
conclave_matcher_expire (ConclaveMatcher *self, gint64 now_ns)
{
  GArray *lost = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  while (self->in_flight_head < self->in_flight->len)
    {
      guint64 mi = g_array_index (self->in_flight, guint64, self->in_flight_head);
      ConclaveMessage message, *m = &message;
      const ConclaveEvent *send;
      ConclaveEvent event = { 0 };
      ConclaveMessageState fate;

      if (state_of (self, mi) != CONCLAVE_MESSAGE_IN_FLIGHT)
        {
          self->in_flight_head++;
          continue;
        }
      _conclave_matcher_message_get (self, mi, m);
      if (now_ns - m->send_ns < self->loss_timeout_ns)
        break;
      self->in_flight_head++;
      if (_conclave_matcher_key_is_held (self, m->key))
        {
          /* Held by the receiver: still in flight, looked at again later. */
          g_array_append_val (held, mi);
          continue;
        }
      send = conclave_event_store_get (self->store, m->send_index);
      fate = fate_of (self, m, send);
      _conclave_matcher_set_state (self, mi, m, fate, FALSE);
      m->recv_ns = m->send_ns + self->loss_timeout_ns;
      _conclave_matcher_message_put (self, mi, m);
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
  g_array_append_vals (self->in_flight, held->data, held->len);

  forget_old (self, now_ns);
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
_conclave_matcher_send_in_flight (ConclaveMatcher *self, const ConclaveEvent *e, guint64 index)
{
  ConclaveMessage m;
  guint64 mi = _conclave_matcher_message_new (self, &m);

  _conclave_matcher_fill_send (&m, e, index);
  _conclave_matcher_set_state (self, mi, &m, CONCLAVE_MESSAGE_IN_FLIGHT, TRUE);
  _conclave_matcher_message_put (self, mi, &m);
  g_array_append_val (self->in_flight, mi);
  return mi;
}

guint64
conclave_matcher_get_n_messages (ConclaveMatcher *self)
{
  return _conclave_matcher_messages_get_n (self->messages);
}

guint64
conclave_matcher_get_first_message (ConclaveMatcher *self)
{
  return _conclave_matcher_messages_get_first (self->messages);
}

const ConclaveMessage *
conclave_matcher_get_message (ConclaveMatcher *self, guint64 index, ConclaveMessage *message)
{
  g_return_val_if_fail (self != NULL && message != NULL, NULL);

  return _conclave_matcher_messages_get (self->messages, index, message) ? message : NULL;
}

void
conclave_matcher_foreach_in_range (ConclaveMatcher    *self,
                                   gint64              from_ns,
                                   gint64              to_ns,
                                   ConclaveMessageFunc func,
                                   gpointer            user_data)
{
  guint64 lo = conclave_matcher_get_first_message (self), hi = conclave_matcher_get_n_messages (self);
  ConclaveMessage m;

  /* Messages are created in arrival order of their first event, which is
   * close to send order; search on send time, then scan while it could
   * still matter (a message can be in flight for up to the loss timeout). */
  while (lo < hi)
    {
      guint64 mid = (lo + hi) / 2;

      _conclave_matcher_message_get (self, mid, &m);
      if (m.send_ns < from_ns - self->loss_timeout_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (guint64 i = lo, n = conclave_matcher_get_n_messages (self); i < n; i++)
    {
      gint64 end;

      _conclave_matcher_message_get (self, i, &m);
      end = m.recv_ns ? m.recv_ns : G_MAXINT64;
      if (m.send_ns >= to_ns && m.send_ns != 0)
        break;
      if (end >= from_ns && !func (&m, i, user_data))
        return;
    }
}

gsize
conclave_matcher_get_memory (ConclaveMatcher *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return _conclave_matcher_messages_get_memory (self->messages);
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
