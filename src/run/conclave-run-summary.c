/* conclave-run-summary.c — what a headless run did, for people and for graders.
 *
 * The JSON summary is the run's answer to a grading script: totals and
 * counts per kind, one entry per process with the program it ran at the
 * end (an exec keeps its row), leaders in the order they began, and
 * every violation. It is written from the store and the models only;
 * never from what was printed for people.
 */
#include "config.h"

#include "conclave-run-summary.h"
#include "conclave-cluster-models.h"

#include <json-glib/json-glib.h>
#include <string.h>

ConclaveRunView
conclave_run_view_of_cluster (ConclaveCluster *cluster)
{
  return (ConclaveRunView) {
    .store = conclave_cluster_get_store (cluster),
    .matcher = conclave_cluster_get_matcher (cluster),
    .leaders = conclave_cluster_get_leaders (cluster),
    .cluster = cluster,
  };
}

ConclaveProcSummary *
conclave_run_summarize_processes (ConclaveEventStore *store)
{
  guint n = conclave_event_store_get_n_processes (store);
  ConclaveProcSummary *sum = g_new0 (ConclaveProcSummary, n);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveProcessInfo *info = NULL;
      guint32 index = 0;
      gint code = 0, signum = 0;

      if (e->proc < n && (e->type == CONCLAVE_EVENT_SOCKET || CONCLAVE_EVENT_IS_MESSAGE (e->type)))
        sum[e->proc].sockets++;
      if (e->proc < n && e->type == CONCLAVE_EVENT_SEND)
        sum[e->proc].sent++;
      else if (e->proc < n && e->type == CONCLAVE_EVENT_RECV)
        sum[e->proc].received++;
      else if (e->type == CONCLAVE_EVENT_EXITED && e->proc != 0 && e->proc < n)
        index = e->proc, code = conclave_event_exited_code (e), signum = (gint) conclave_event_exited_signal (e);
      else if (e->type == CONCLAVE_EVENT_REAP &&
               (info = conclave_event_store_find_process (store, conclave_event_reap_child (e))) != NULL)
        index = info->index, code = conclave_event_reap_code (e), signum = (gint) conclave_event_reap_signal (e);
      if (index > 0)
        {
          sum[index].ended = TRUE;
          sum[index].code = code;
          sum[index].signum = signum;
        }
    }
  return sum;
}

static ConclaveNode *
node_for_proc (const ConclaveRunView *view, guint proc)
{
  return view->cluster ? conclave_cluster_node_for_proc (view->cluster, proc) : NULL;
}

gboolean
conclave_run_process_shown (const ConclaveRunView *view, const ConclaveProcSummary *sum, guint proc)
{
  ConclaveEventStore *store = view->store;
  ConclaveProcessInfo *info = conclave_event_store_get_process (store, proc);

  if (info == NULL || (info->node == 0 && node_for_proc (view, proc) == NULL))
    return FALSE;
  if (sum[proc].sockets > 0)
    return TRUE;
  for (guint i = 1; i < conclave_event_store_get_n_processes (store); i++)
    if (sum[i].sockets > 0 && conclave_event_store_get_process (store, i)->ppid == info->pid)
      return FALSE;
  return TRUE;
}

char *
conclave_run_process_end (const ConclaveRunView *view, ConclaveProcessInfo *info, const ConclaveProcSummary *sum)
{
  ConclaveNode *node = node_for_proc (view, info->index);
  gboolean current = node && conclave_node_get_pid (node) == info->pid;

  if (current && conclave_node_get_state (node) == CONCLAVE_NODE_CRASHED)
    return g_strdup_printf ("crashed (signal %d)", conclave_node_get_exit_signal (node));
  if (current && conclave_node_get_state (node) == CONCLAVE_NODE_EXITED)
    return g_strdup_printf ("exited (%d)", conclave_node_get_exit_code (node));
  if (sum->ended && sum->signum > 0)
    return g_strdup_printf ("crashed (signal %d)", sum->signum);
  if (sum->ended)
    return g_strdup_printf ("exited (%d)", sum->code);
  if (!current && node && conclave_node_get_kind (node) != CONCLAVE_NODE_KIND_CHILD)
    return g_strdup ("replaced");
  return g_strdup (node ? conclave_node_state_to_string (conclave_node_get_state (node)) : "-");
}

void
conclave_run_foreach_process (const ConclaveRunView *view, ConclaveRunProcessFunc func, gpointer data)
{
  ConclaveEventStore *store = view->store;
  g_autofree ConclaveProcSummary *sum = conclave_run_summarize_processes (store);

  for (guint i = 1; i < conclave_event_store_get_n_processes (store); i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (store, i);
      ConclaveNode *node = node_for_proc (view, i);
      g_autofree char *end = NULL;
      g_autofree char *name = NULL;

      if (!conclave_run_process_shown (view, sum, i))
        continue;
      end = conclave_run_process_end (view, info, &sum[i]);
      if (node != NULL)
        name = g_strdup (conclave_node_get_name (node));
      else
        name = g_strdup (conclave_event_store_str (store, info->node) ?: "");
      func (info, name, end, &sum[i], data);
    }
}

guint64
conclave_kind_counts_sent (const ConclaveKindCounts *k)
{
  const guint64 *n = k->n;

  return n[CONCLAVE_MESSAGE_IN_FLIGHT] + n[CONCLAVE_MESSAGE_DELIVERED] + n[CONCLAVE_MESSAGE_DROPPED]
         + n[CONCLAVE_MESSAGE_LOST] + n[CONCLAVE_MESSAGE_UNHEARD] + n[CONCLAVE_MESSAGE_NOT_READ];
}

GHashTable *
conclave_run_count_kinds (const ConclaveRunView *view, ConclaveKindCounts *total)
{
  ConclaveEventStore *store = view->store;
  ConclaveMatcher *matcher = view->matcher;
  GHashTable *kinds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  memset (total, 0, sizeof *total);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      const char *kind = conclave_event_store_str (store, m->kind) ?: "data";
      ConclaveKindCounts *k = g_hash_table_lookup (kinds, kind);

      if (k == NULL)
        g_hash_table_insert (kinds, (gpointer) kind, (k = g_new0 (ConclaveKindCounts, 1)));
      k->n[m->state]++;
      total->n[m->state]++;
    }
  return kinds;
}

static gint
compare_names (gconstpointer a, gconstpointer b, gpointer data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

const char **
conclave_run_sorted_kinds (GHashTable *kinds)
{
  guint n = 0;
  const char **names = (const char **) g_hash_table_get_keys_as_array (kinds, &n);

  g_qsort_with_data (names, (gint) n, sizeof (char *), compare_names, NULL);
  return names;
}

/* ---- JSON ------------------------------------------------------------------ */

static void
add_counts (JsonBuilder *b, const ConclaveKindCounts *k)
{
  static const struct { const char *name; ConclaveMessageState state; } fields[] = {
    { "delivered", CONCLAVE_MESSAGE_DELIVERED }, { "lost", CONCLAVE_MESSAGE_LOST },
    { "unheard", CONCLAVE_MESSAGE_UNHEARD }, { "not_read", CONCLAVE_MESSAGE_NOT_READ },
    { "dropped", CONCLAVE_MESSAGE_DROPPED }, { "in_flight", CONCLAVE_MESSAGE_IN_FLIGHT },
  };

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sent");
  json_builder_add_int_value (b, (gint64) conclave_kind_counts_sent (k));
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      json_builder_set_member_name (b, fields[i].name);
      json_builder_add_int_value (b, (gint64) k->n[fields[i].state]);
    }
  json_builder_end_object (b);
}

static void
add_messages (JsonBuilder *b, const ConclaveRunView *view)
{
  ConclaveKindCounts total;
  g_autoptr(GHashTable) kinds = conclave_run_count_kinds (view, &total);
  g_autofree const char **names = conclave_run_sorted_kinds (kinds);

  json_builder_set_member_name (b, "totals");
  add_counts (b, &total);
  json_builder_set_member_name (b, "by_kind");
  json_builder_begin_object (b);
  for (guint i = 0; names[i] != NULL; i++)
    {
      json_builder_set_member_name (b, names[i]);
      add_counts (b, g_hash_table_lookup (kinds, names[i]));
    }
  json_builder_end_object (b);
}

static void
add_process (ConclaveProcessInfo *info, const char *node, const char *end,
             const ConclaveProcSummary *sum, gpointer data)
{
  JsonBuilder *b = data;
  ConclaveEventStore *store = g_object_get_data (G_OBJECT (b), "store");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "node");
  json_builder_add_string_value (b, node);
  json_builder_set_member_name (b, "pid");
  json_builder_add_int_value (b, info->pid);
  json_builder_set_member_name (b, "ppid");
  json_builder_add_int_value (b, info->ppid);
  json_builder_set_member_name (b, "program");
  json_builder_add_string_value (b, conclave_event_store_str (store, info->program) ?: "");
  json_builder_set_member_name (b, "end");
  json_builder_add_string_value (b, end);
  json_builder_end_object (b);
}

static void
add_processes (JsonBuilder *b, const ConclaveRunView *view)
{
  g_object_set_data (G_OBJECT (b), "store", view->store);
  json_builder_set_member_name (b, "processes");
  json_builder_begin_array (b);
  conclave_run_foreach_process (view, add_process, b);
  json_builder_end_array (b);
}

static gint
compare_start (gconstpointer a, gconstpointer b)
{
  const ConclaveLeaderInterval *x = *(const ConclaveLeaderInterval * const *) a;
  const ConclaveLeaderInterval *y = *(const ConclaveLeaderInterval * const *) b;

  return x->start_ns < y->start_ns ? -1 : x->start_ns > y->start_ns;
}

/* Why a leader interval ended, by ConclaveLeaderEnd. */
static const char * const leader_end_words[] = {
  "leading", "stepped-down", "next-term", "newer-term", "crashed", "exited",
};
G_STATIC_ASSERT (G_N_ELEMENTS (leader_end_words) == CONCLAVE_LEADER_EXITED + 1);

static void
add_leaders (JsonBuilder *b, const ConclaveRunView *view)
{
  ConclaveEventStore *store = view->store;
  ConclaveLeaders *leaders = view->leaders;
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < conclave_leaders_get_n_intervals (leaders); i++)
    g_ptr_array_add (order, (gpointer) conclave_leaders_get_interval (leaders, i));
  g_ptr_array_sort (order, compare_start);
  json_builder_set_member_name (b, "leaders");
  json_builder_begin_array (b);
  for (guint i = 0; i < order->len; i++)
    {
      const ConclaveLeaderInterval *iv = order->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "node");
      json_builder_add_string_value (b, conclave_event_store_str (store, iv->node) ?: "");
      json_builder_set_member_name (b, "t");
      json_builder_add_int_value (b, iv->start_ns);
      if (iv->term > 0)
        {
          json_builder_set_member_name (b, "term");
          json_builder_add_int_value (b, iv->term);
        }
      if (iv->end_ns != CONCLAVE_LEADER_OPEN)
        {
          json_builder_set_member_name (b, "until");
          json_builder_add_int_value (b, iv->end_ns);
        }
      json_builder_set_member_name (b, "end");
      json_builder_add_string_value (b, leader_end_words[iv->end]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_violations (JsonBuilder *b, ConclaveEventStore *store)
{
  json_builder_set_member_name (b, "violations");
  json_builder_begin_array (b);
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type != CONCLAVE_EVENT_VIOLATION)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "what");
      json_builder_add_string_value (b, conclave_event_store_str (store, conclave_event_violation_what (e)) ?: "");
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, conclave_event_store_str (store, conclave_event_violation_text (e)) ?: "");
      json_builder_set_member_name (b, "t");
      json_builder_add_int_value (b, e->time_ns);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

gboolean
conclave_run_write_summary_json (const ConclaveRunView *view, const char *path, GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_messages (b, view);
  add_processes (b, view);
  add_leaders (b, view);
  add_violations (b, view->store);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_file (generator, path, error);
}
