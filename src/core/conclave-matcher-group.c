/* conclave-matcher-group.c — broadcast and multicast: one send, every receiver.
 *
 * A hashed send to a broadcast or multicast address fans out: each receiver
 * pairs, in order, with the group sends it has not had yet, starting with
 * the first sent after it bound its socket. Part of the matcher (see
 * conclave-matcher.c); never touches another key's queues.
 */
#include "conclave-matcher-private.h"

#define NONE G_MAXUINT64

/* ---- broadcast and multicast: one send, every receiver ------------------- */

gboolean
_conclave_matcher_has_expired (const ConclaveMessage *m)
{
  return m->state == CONCLAVE_MESSAGE_LOST || m->state == CONCLAVE_MESSAGE_UNHEARD
         || m->state == CONCLAVE_MESSAGE_NOT_READ;
}

gboolean
_conclave_matcher_has_group (const Waiting *w)
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
GroupSend *
_conclave_matcher_next_group_send (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e)
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
void
_conclave_matcher_group_receive (ConclaveMatcher *self, Waiting *w, const GroupSend *g, const ConclaveEvent *e,
               guint64 index, ConclaveMessageState state)
{
  ConclaveMessage first, m;
  guint64 mi = g->msg;
  gboolean is_new = FALSE;

  _conclave_matcher_message_get (self, g->msg, &first);
  m = first;
  if (first.state == CONCLAVE_MESSAGE_DELIVERED || first.state == CONCLAVE_MESSAGE_DROPPED)
    {
      mi = _conclave_matcher_message_new (self, &m);
      copy_send (&m, &first);
      is_new = TRUE;
    }
  else if (_conclave_matcher_has_expired (&first))
    m.flags |= CONCLAVE_MESSAGE_FLAG_LATE;
  _conclave_matcher_fill_recv (&m, e, index);
  _conclave_matcher_set_state (self, mi, &m, state, is_new);
  _conclave_matcher_message_put (self, mi, &m);
  cursor_set (w, e->proc, g->send_ns);
}

/* Receives that came before their group send: the oldest waiting one of
 * each receiving process gets it. Returns the first such message, or NONE. */
static guint64
group_take_waiting (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  g_autoptr(GArray) procs = NULL;
  guint64 first = NONE;

  if (queue_len (w->recvs) == 0)  /* the usual case: no receive came first */
    return NONE;
  procs = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < queue_len (w->recvs);)
    {
      guint64 ri = g_array_index (w->recvs, guint64, i);
      ConclaveMessage message, *r = &message;
      const ConclaveEvent *early;
      gboolean seen = FALSE;

      _conclave_matcher_message_get (self, ri, r);
      for (guint j = 0; j < procs->len && !seen; j++)
        seen = g_array_index (procs, guint32, j) == r->dst_proc;
      if (seen || r->recv_ns < e->time_ns)
        {
          i++;
          continue;
        }
      queue_remove (&w->recvs, i, 1);
      g_array_append_val (procs, r->dst_proc);
      early = conclave_event_store_get (self->store, r->recv_index);
      _conclave_matcher_fill_send (r, e, index);
      /* A copy the LAN dropped may be told before its send. */
      _conclave_matcher_set_state (self, ri, r, early != NULL && early->type == CONCLAVE_EVENT_DROP
                                                ? CONCLAVE_MESSAGE_DROPPED : CONCLAVE_MESSAGE_DELIVERED, FALSE);
      _conclave_matcher_message_put (self, ri, r);
      cursor_set (w, r->dst_proc, e->time_ns);
      if (first == NONE)
        first = ri;
    }
  return first;
}

void
_conclave_matcher_feed_group_send (ConclaveMatcher *self, Waiting *w, const ConclaveEvent *e, guint64 index)
{
  GroupSend g;

  if (w->group == NULL)
    {
      w->group = g_array_new (FALSE, FALSE, sizeof (GroupSend));
      w->cursors = g_array_new (FALSE, FALSE, sizeof (Cursor));
    }
  g = (GroupSend) { group_take_waiting (self, w, e, index), e->time_ns };
  if (g.msg == NONE)
    g.msg = _conclave_matcher_send_in_flight (self, e, index);
  g_array_append_val (w->group, g);
}

/* Group sends older than `before_ns` can pair with nothing more. Returns
 * how many are left. */
guint
_conclave_matcher_group_trim (Waiting *w, gint64 before_ns)
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
