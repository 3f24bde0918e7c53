/* conclave-causal-cone.c — an event's causal past or future (see the header).
 *
 * The retained events are grouped by process (a counting sort keeps each
 * process's own order); the matcher's pairs become edges receive → send
 * (past) or send → receive (future). A worklist then grows one boundary
 * per process: reaching an event of a process takes in its whole prefix
 * (past) or suffix (future), and each event taken in is scanned once for
 * its message edges, so the whole costs one pass over events and messages.
 * Must never follow an edge outside the retained window, and never write
 * the store or the matcher.
 */
#include "conclave-causal-cone.h"

#define NONE G_MAXUINT64

struct _ConclaveCausalCone
{
  ConclaveEventStore      *store;
  guint64                  origin;
  ConclaveCausalDirection  direction;
  guint64                 *bound;     /* per process: past, the newest index in it; future, the oldest */
  guint                    n_procs;
  guint64                  size;
};

typedef struct {
  guint from, to;                     /* local indices (store index − first) */
} Edge;

/* The window, grouped by process. */
typedef struct {
  ConclaveEventStore *store;
  guint64             first;
  guint               n;
  guint               n_procs;
  guint32            *proc_of;        /* local index → process */
  guint              *pos;            /* local index → its position among its process's events */
  guint              *proc_start;     /* n_procs + 1 offsets into by_proc */
  guint              *by_proc;        /* local indices, grouped by process, each in store order */
  Edge               *edges;          /* sorted by from */
  guint              *edge_start;     /* n + 1 offsets into edges */
  guint               n_edges;
  guint              *reach;          /* per process: past, prefix length taken; future, first position taken */
} Window;

static void
group_by_process (Window *w)
{
  g_autofree guint *fill = NULL;

  w->proc_of = g_new (guint32, w->n);
  w->pos = g_new (guint, w->n);
  w->proc_start = g_new0 (guint, w->n_procs + 1);
  w->by_proc = g_new (guint, w->n);
  for (guint i = 0; i < w->n; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (w->store, w->first + i);

      w->proc_of[i] = MIN (e->proc, w->n_procs - 1);
      w->proc_start[w->proc_of[i] + 1]++;
    }
  for (guint p = 0; p < w->n_procs; p++)
    w->proc_start[p + 1] += w->proc_start[p];
  fill = g_memdup2 (w->proc_start, w->n_procs * sizeof (guint));
  for (guint i = 0; i < w->n; i++)
    {
      guint p = w->proc_of[i];

      w->pos[i] = fill[p] - w->proc_start[p];
      w->by_proc[fill[p]++] = i;
    }
}

static gboolean
in_window (const Window *w, guint64 index)
{
  return index != NONE && index >= w->first && index - w->first < w->n;
}

/* Edges in the cone's direction, as a CSR table (counting sort on from). */
static void
collect_edges (Window *w, ConclaveMatcher *matcher, ConclaveCausalDirection direction)
{
  guint64 end = conclave_matcher_get_n_messages (matcher);
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autofree guint *fill = NULL;

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < end; i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      Edge edge;

      if (m == NULL || m->send_index == m->recv_index || !in_window (w, m->send_index) || !in_window (w, m->recv_index))
        continue;
      edge.from = (guint) ((direction == CONCLAVE_CAUSAL_PAST ? m->recv_index : m->send_index) - w->first);
      edge.to = (guint) ((direction == CONCLAVE_CAUSAL_PAST ? m->send_index : m->recv_index) - w->first);
      g_array_append_val (pairs, edge);
    }
  w->n_edges = pairs->len;
  w->edge_start = g_new0 (guint, w->n + 1);
  w->edges = g_new (Edge, MAX (pairs->len, 1));
  for (guint i = 0; i < pairs->len; i++)
    w->edge_start[g_array_index (pairs, Edge, i).from + 1]++;
  for (guint i = 0; i < w->n; i++)
    w->edge_start[i + 1] += w->edge_start[i];
  fill = g_memdup2 (w->edge_start, w->n * sizeof (guint));
  for (guint i = 0; i < pairs->len; i++)
    {
      const Edge *edge = &g_array_index (pairs, Edge, i);

      w->edges[fill[edge->from]++] = *edge;
    }
}

/* Takes event `local` (and its process's prefix or suffix) into the cone,
 * then whatever its newly taken events' edges reach. */
static void
take (Window *w, ConclaveCausalDirection direction, guint local)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));

  g_array_append_val (stack, local);
  while (stack->len > 0)
    {
      guint i = g_array_index (stack, guint, stack->len - 1), p, from, to;

      g_array_set_size (stack, stack->len - 1);
      p = w->proc_of[i];
      if (direction == CONCLAVE_CAUSAL_PAST ? w->pos[i] < w->reach[p] : w->pos[i] >= w->reach[p])
        continue;
      from = direction == CONCLAVE_CAUSAL_PAST ? w->reach[p] : w->pos[i];
      to = direction == CONCLAVE_CAUSAL_PAST ? w->pos[i] + 1 : w->reach[p];
      w->reach[p] = direction == CONCLAVE_CAUSAL_PAST ? to : from;
      for (guint k = from; k < to; k++)
        {
          guint e = w->by_proc[w->proc_start[p] + k];

          for (guint j = w->edge_start[e]; j < w->edge_start[e + 1]; j++)
            g_array_append_val (stack, w->edges[j].to);
        }
    }
}

/* The boundaries as store indices, and the size. */
static void
keep_bounds (ConclaveCausalCone *self, const Window *w)
{
  self->n_procs = w->n_procs;
  self->bound = g_new (guint64, MAX (w->n_procs, 1));
  for (guint p = 0; p < w->n_procs; p++)
    {
      guint len = w->proc_start[p + 1] - w->proc_start[p];
      gboolean past = self->direction == CONCLAVE_CAUSAL_PAST;
      guint taken = past ? w->reach[p] : len - w->reach[p];

      self->size += taken;
      if (taken == 0)
        self->bound[p] = NONE;
      else
        self->bound[p] = w->first + w->by_proc[w->proc_start[p] + (past ? w->reach[p] - 1 : w->reach[p])];
    }
}

static void
window_clear (Window *w)
{
  g_free (w->proc_of);
  g_free (w->pos);
  g_free (w->proc_start);
  g_free (w->by_proc);
  g_free (w->edges);
  g_free (w->edge_start);
  g_free (w->reach);
}

ConclaveCausalCone *
conclave_causal_cone_new (ConclaveEventStore      *store,
                          ConclaveMatcher         *matcher,
                          guint64                  origin,
                          ConclaveCausalDirection  direction)
{
  ConclaveCausalCone *self;
  Window w = { store };

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store) && matcher != NULL, NULL);
  if (conclave_event_store_get (store, origin) == NULL)
    return NULL;
  w.first = conclave_event_store_get_first (store);
  w.n = (guint) (conclave_event_store_get_end (store) - w.first);
  w.n_procs = MAX (conclave_event_store_get_n_processes (store), 1);
  group_by_process (&w);
  collect_edges (&w, matcher, direction);
  w.reach = g_new (guint, w.n_procs);
  for (guint p = 0; p < w.n_procs; p++)
    w.reach[p] = direction == CONCLAVE_CAUSAL_PAST ? 0 : w.proc_start[p + 1] - w.proc_start[p];
  take (&w, direction, (guint) (origin - w.first));

  self = g_new0 (ConclaveCausalCone, 1);
  self->store = g_object_ref (store);
  self->origin = origin;
  self->direction = direction;
  keep_bounds (self, &w);
  window_clear (&w);
  return self;
}

void
conclave_causal_cone_free (ConclaveCausalCone *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->store);
  g_free (self->bound);
  g_free (self);
}

guint64
conclave_causal_cone_get_origin (const ConclaveCausalCone *self)
{
  g_return_val_if_fail (self != NULL, NONE);
  return self->origin;
}

ConclaveCausalDirection
conclave_causal_cone_get_direction (const ConclaveCausalCone *self)
{
  g_return_val_if_fail (self != NULL, CONCLAVE_CAUSAL_PAST);
  return self->direction;
}

guint64
conclave_causal_cone_get_size (const ConclaveCausalCone *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->size;
}

gboolean
conclave_causal_cone_contains_in (const ConclaveCausalCone *self,
                                  guint32                   proc,
                                  guint64                   index)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* A process that connected after the cone was made took no part in it. */
  if (proc >= self->n_procs || self->bound[proc] == NONE)
    return FALSE;
  return self->direction == CONCLAVE_CAUSAL_PAST ? index <= self->bound[proc] : index >= self->bound[proc];
}

gboolean
conclave_causal_cone_contains (const ConclaveCausalCone *self,
                               guint64                   index)
{
  const ConclaveEvent *e;

  g_return_val_if_fail (self != NULL, FALSE);

  e = conclave_event_store_get (self->store, index);
  return e != NULL && conclave_causal_cone_contains_in (self, e->proc, index);
}

gboolean
conclave_causal_cone_contains_message (const ConclaveCausalCone *self,
                                       const ConclaveMessage    *message)
{
  g_return_val_if_fail (self != NULL && message != NULL, FALSE);

  if (self->direction == CONCLAVE_CAUSAL_PAST)
    return message->recv_index != NONE && conclave_causal_cone_contains (self, message->recv_index);
  return message->send_index != NONE && conclave_causal_cone_contains (self, message->send_index);
}

GArray *
conclave_causal_cone_to_array (const ConclaveCausalCone *self)
{
  GArray *indices;
  guint64 end;

  g_return_val_if_fail (self != NULL, NULL);

  indices = g_array_sized_new (FALSE, FALSE, sizeof (guint64), (guint) self->size);
  end = conclave_event_store_get_end (self->store);
  for (guint64 i = conclave_event_store_get_first (self->store); i < end; i++)
    if (conclave_causal_cone_contains (self, i))
      g_array_append_val (indices, i);
  return indices;
}

guint64
conclave_causal_message_of_event (ConclaveMatcher *matcher,
                                  guint64          index)
{
  guint64 end, sent = NONE;

  g_return_val_if_fail (matcher != NULL, NONE);

  end = conclave_matcher_get_n_messages (matcher);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < end; i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      if (m == NULL)
        continue;
      if (m->recv_index == index && m->send_index != index)
        return i;
      if (m->send_index == index && sent == NONE)
        sent = i;
    }
  return sent;
}
