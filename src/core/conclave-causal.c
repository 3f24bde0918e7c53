/* conclave-causal.c — the order in which events are listed: causal first, then time.
 *
 * Kahn's topological sort over a window of the store: edges are each
 * process's own order and the matcher's send→receive pairs, and the ready
 * event with the smallest (time, index) goes next. Must never lose or
 * repeat an event: should the edges ever form a cycle (they cannot, from
 * honest reports), the earliest blocked event is released and the order
 * stays complete. Reads the store and the matcher, writes neither.
 */
#include "conclave-causal.h"

#define NONE G_MAXUINT

typedef struct {
  guint from, to;
} Edge;

typedef struct {
  ConclaveEventStore *store;
  guint64             first;
  guint               n;
  gint64             *times;
  guint              *indegree;
  guint              *next_in_proc;  /* program-order successor, NONE if last */
  GArray             *edges;         /* message edges, sorted by from */
  guint              *edge_start;    /* n + 1 offsets into edges */
  gboolean           *done;
} Graph;

static gint
by_time_then_index (gconstpointer a, gconstpointer b, gpointer data)
{
  const Graph *g = data;
  guint x = GPOINTER_TO_UINT (a) - 1, y = GPOINTER_TO_UINT (b) - 1;

  if (g->times[x] != g->times[y])
    return g->times[x] < g->times[y] ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

static gint
edge_cmp (gconstpointer a, gconstpointer b)
{
  const Edge *x = a, *y = b;

  return x->from < y->from ? -1 : x->from > y->from ? 1 : 0;
}

static void
add_program_order (Graph *g)
{
  g_autoptr(GHashTable) last = g_hash_table_new (NULL, NULL);  /* proc+1 → local index+1 */

  for (guint i = 0; i < g->n; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (g->store, g->first + i);
      gpointer prev = g_hash_table_lookup (last, GUINT_TO_POINTER (e->proc + 1));

      g->times[i] = e->time_ns;
      g->next_in_proc[i] = NONE;
      if (prev != NULL)
        {
          g->next_in_proc[GPOINTER_TO_UINT (prev) - 1] = i;
          g->indegree[i]++;
        }
      g_hash_table_insert (last, GUINT_TO_POINTER (e->proc + 1), GUINT_TO_POINTER (i + 1));
    }
}

static gboolean
add_message (const ConclaveMessage *m, guint64 index, gpointer data)
{
  Graph *g = data;
  guint64 end = g->first + g->n;
  Edge edge;

  if (m->send_index == G_MAXUINT64 || m->recv_index == G_MAXUINT64 || m->send_index == m->recv_index
      || m->send_index < g->first || m->send_index >= end
      || m->recv_index < g->first || m->recv_index >= end)
    return TRUE;
  edge.from = (guint) (m->send_index - g->first);
  edge.to = (guint) (m->recv_index - g->first);
  g_array_append_val (g->edges, edge);
  g->indegree[edge.to]++;
  return TRUE;
}

static void
add_messages (Graph *g, ConclaveMatcher *matcher)
{
  gint64 lo = G_MAXINT64, hi = G_MININT64;

  for (guint i = 0; i < g->n; i++)
    {
      lo = MIN (lo, g->times[i]);
      hi = MAX (hi, g->times[i]);
    }
  if (g->n > 0)
    conclave_matcher_foreach_in_range (matcher, lo, hi == G_MAXINT64 ? hi : hi + 1, add_message, g);
  g_array_sort (g->edges, edge_cmp);
  g->edge_start = g_new0 (guint, g->n + 1);
  for (guint i = 0; i < g->edges->len; i++)
    g->edge_start[g_array_index (g->edges, Edge, i).from + 1]++;
  for (guint i = 0; i < g->n; i++)
    g->edge_start[i + 1] += g->edge_start[i];
}

static void
release (Graph *g, GSequence *ready, guint to)
{
  if (g->done[to])  /* released early to break a cycle */
    return;
  if (--g->indegree[to] == 0)
    g_sequence_insert_sorted (ready, GUINT_TO_POINTER (to + 1), by_time_then_index, g);
}

/* Only if the edges formed a cycle: the earliest event not yet listed. */
static guint
earliest_blocked (Graph *g)
{
  guint best = NONE;

  for (guint i = 0; i < g->n; i++)
    if (!g->done[i] && (best == NONE || g->times[i] < g->times[best]))
      best = i;
  return best;
}

static void
emit (Graph *g, GArray *order, GSequence *ready, guint i)
{
  guint64 index = g->first + i;

  g->done[i] = TRUE;
  g_array_append_val (order, index);
  if (g->next_in_proc[i] != NONE)
    release (g, ready, g->next_in_proc[i]);
  for (guint k = g->edge_start[i]; k < g->edge_start[i + 1]; k++)
    release (g, ready, g_array_index (g->edges, Edge, k).to);
}

static void
sort (Graph *g, GArray *order)
{
  g_autoptr(GSequence) ready = g_sequence_new (NULL);

  for (guint i = 0; i < g->n; i++)
    if (g->indegree[i] == 0)
      g_sequence_insert_sorted (ready, GUINT_TO_POINTER (i + 1), by_time_then_index, g);
  while (order->len < g->n)
    {
      GSequenceIter *head = g_sequence_get_begin_iter (ready);
      guint i;

      if (g_sequence_iter_is_end (head))
        {
          i = earliest_blocked (g);
          g->indegree[i] = 0;
        }
      else
        {
          i = GPOINTER_TO_UINT (g_sequence_get (head)) - 1;
          g_sequence_remove (head);
        }
      emit (g, order, ready, i);
    }
}

GArray *
conclave_causal_order (ConclaveEventStore *store,
                       ConclaveMatcher    *matcher,
                       guint64             first,
                       guint64             end)
{
  Graph g = { store };
  GArray *order;

  g_return_val_if_fail (CONCLAVE_IS_EVENT_STORE (store) && matcher != NULL, NULL);
  g.first = MAX (first, conclave_event_store_get_first (store));
  end = MIN (end, conclave_event_store_get_end (store));
  g.n = end > g.first ? (guint) (end - g.first) : 0;
  order = g_array_sized_new (FALSE, FALSE, sizeof (guint64), g.n);
  g.times = g_new0 (gint64, g.n);
  g.indegree = g_new0 (guint, g.n);
  g.next_in_proc = g_new0 (guint, g.n);
  g.done = g_new0 (gboolean, g.n);
  g.edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  add_program_order (&g);
  add_messages (&g, matcher);
  sort (&g, order);
  g_free (g.times);
  g_free (g.indegree);
  g_free (g.next_in_proc);
  g_free (g.done);
  g_free (g.edge_start);
  g_array_unref (g.edges);
  return order;
}
