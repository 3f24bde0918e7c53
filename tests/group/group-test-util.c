/* group-test-util.c — driving a chapter 4 cluster in tests. */
#include "group-test-util.h"

#include "conclave-group-watch.h"

#include <string.h>

ConclaveCluster *
group_test_new_cluster (void)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);

  g_assert_no_error (error);
  conclave_cluster_set_tempo (cluster, GROUP_TEST_TEMPO);
  return cluster;
}

ConclaveCluster *
group_test_start (const char *scenario_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup (scenario_id, &error);
  ConclaveCluster *cluster;

  g_assert_no_error (error);
  /* The scenario's own tempo, so its start times scale too. */
  scenario->tempo = GROUP_TEST_TEMPO;
  cluster = group_test_new_cluster ();
  conclave_cluster_start_scenario (cluster, scenario, &error);
  g_assert_no_error (error);
  return cluster;
}

void
group_test_finish (ConclaveCluster *cluster)
{
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

void
group_test_dump (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      const char * const *view = conclave_node_get_view (node);
      g_autofree char *members = view ? g_strjoinv (" ", (char **) view) : g_strdup ("");
      guint n = conclave_node_get_n_output (node);

      g_printerr ("%s (%s): %s term %" G_GUINT64_FORMAT " leader %s view [%s]\n", conclave_node_get_name (node),
                  conclave_node_state_to_string (conclave_node_get_state (node)),
                  conclave_node_get_group_role (node), conclave_node_get_term (node),
                  conclave_node_get_leader (node), members);
      for (guint k = n > 60 ? n - 60 : 0; k < n; k++)
        g_printerr ("    %s\n", conclave_node_get_output (node, k, NULL));
    }
}

double
group_test_wait (ConclaveCluster *cluster, GroupCondition cond, gpointer data, double seconds,
                 const char *what)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        group_test_dump (cluster);
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
  return (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_SECOND;
}

GPtrArray *
group_test_servers (ConclaveCluster *cluster)
{
  return conclave_group_running_servers (cluster);
}

guint
group_test_n_leaders (ConclaveCluster *cluster)
{
  return conclave_group_n_leaders (cluster);
}

ConclaveNode *
group_test_settled (ConclaveCluster *cluster)
{
  return conclave_group_settled (cluster);
}

gboolean
group_test_is_settled (ConclaveCluster *cluster, gpointer unused)
{
  return group_test_settled (cluster) != NULL;
}

const char *
group_test_wait_settled (ConclaveCluster *cluster, double seconds)
{
  group_test_wait (cluster, group_test_is_settled, NULL, seconds, "one leader that every server follows");
  return conclave_node_get_name (group_test_settled (cluster));
}

static gboolean
all_settled (ConclaveCluster *cluster, gpointer n)
{
  return conclave_group_settled_with (cluster, GPOINTER_TO_UINT (n));
}

const char *
group_test_wait_all_settled (ConclaveCluster *cluster, guint n, double seconds)
{
  group_test_wait (cluster, all_settled, GUINT_TO_POINTER (n), seconds, "a leader that all servers follow");
  return conclave_node_get_name (group_test_settled (cluster));
}

guint32
group_test_proc (ConclaveCluster *cluster, const char *name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveProcessInfo *info;

  if (node == NULL || conclave_node_get_pid (node) <= 0)
    return 0;
  info = conclave_event_store_find_process (store, conclave_node_get_pid (node));
  return info ? info->index : 0;
}

GPtrArray *
group_test_delivered (ConclaveCluster *cluster, const char *name, guint *twice)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint32 proc = group_test_proc (cluster, name);
  GPtrArray *log = g_ptr_array_new ();

  for (guint64 i = conclave_event_store_get_first (store); proc && i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      gint32 seqno;

      if (e->type != CONCLAVE_EVENT_DELIVER || e->proc != proc || (seqno = conclave_event_deliver_seqno (e)) < 1)
        continue;
      if ((guint) seqno > log->len)
        g_ptr_array_set_size (log, (guint) seqno);
      if (log->pdata[seqno - 1] != NULL && twice != NULL)
        (*twice)++;
      log->pdata[seqno - 1] = (gpointer) conclave_event_store_str (store, conclave_event_deliver_request (e));
    }
  return log;
}

GHashTable *
group_test_acked (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  GHashTable *acked = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveNode *node = conclave_cluster_node_for_proc (cluster, e->proc);
      ConclaveProcessInfo *info = conclave_event_store_get_process (store, e->proc);

      /* Only the clients' current processes: a scenario started again
       * has a new log, and the old acknowledgements are not in it. */
      if (e->type == CONCLAVE_EVENT_ACKED && node != NULL && info != NULL
          && conclave_node_get_pid (node) == info->pid)
        g_hash_table_insert (acked, (gpointer) conclave_event_store_str (store, conclave_event_acked_request (e)),
                             GINT_TO_POINTER (conclave_event_acked_seqno (e)));
    }
  return acked;
}

guint
group_test_count (ConclaveCluster *cluster, ConclaveEventType type)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    n += conclave_event_store_get (store, i)->type == type;
  return n;
}

guint
group_test_violations (ConclaveCluster *cluster, const char *what)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type != CONCLAVE_EVENT_VIOLATION)
        continue;
      g_test_message ("violation %s: %s", conclave_event_store_str (store, conclave_event_violation_what (e)),
                      conclave_event_store_str (store, conclave_event_violation_text (e)));
      n += what == NULL || g_strcmp0 (conclave_event_store_str (store, conclave_event_violation_what (e)), what) == 0;
    }
  return n;
}

static gboolean
acked_at_least (ConclaveCluster *cluster, gpointer data)
{
  return group_test_count (cluster, CONCLAVE_EVENT_ACKED) >= GPOINTER_TO_UINT (data);
}

void
group_test_check_posts_kept (ConclaveCluster *cluster, double seconds)
{
  group_test_wait_acks (cluster, 3, seconds);
  conclave_cluster_pause (cluster, "c1");
  conclave_cluster_pause (cluster, "c2");
  group_test_wait (cluster, group_test_logs_agree, NULL, seconds, "every server to hold every acknowledged post");
  g_assert_cmpuint (group_test_violations (cluster, "lost-post"), ==, 0);
  g_assert_cmpuint (group_test_violations (cluster, "log-disagreement"), ==, 0);
  g_assert_cmpuint (group_test_violations (cluster, "duplicate"), ==, 0);
}

void
group_test_check_logs (ConclaveCluster *cluster)
{
  group_test_check_posts_kept (cluster, 10);
  g_assert_cmpuint (group_test_violations (cluster, NULL), ==, 0);
}

void
group_test_partition (ConclaveCluster *cluster, const char * const *a, const char * const *b)
{
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);

  for (guint i = 0; a[i]; i++)
    for (guint j = 0; b[j]; j++)
      {
        conclave_faults_set_isolated_from (faults, a[i], b[j], TRUE);
        conclave_faults_set_isolated_from (faults, b[j], a[i], TRUE);
      }
}

guint
group_test_count_after (ConclaveCluster *cluster, guint32 proc, ConclaveEventType type, gint64 since_ns)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      n += e->type == type && e->proc == proc && e->time_ns > since_ns;
    }
  return n;
}

void
group_test_wait_acks (ConclaveCluster *cluster, guint n, double seconds)
{
  guint target = group_test_count (cluster, CONCLAVE_EVENT_ACKED) + n;

  group_test_wait (cluster, acked_at_least, GUINT_TO_POINTER (target), seconds, "acknowledged posts");
}

/* Every acknowledged post at its sequence number, no hole, none twice. */
static gboolean
log_complete (GPtrArray *log, GHashTable *acked, guint max_seq)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer req, seq;

  if (log->len < max_seq)
    return FALSE;
  for (guint i = 0; i < log->len; i++)
    if (log->pdata[i] == NULL || !g_hash_table_add (seen, log->pdata[i]))
      return FALSE;
  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, &req, &seq))
    if (g_strcmp0 (log->pdata[GPOINTER_TO_INT (seq) - 1], req) != 0)
      return FALSE;
  return TRUE;
}

gboolean
group_test_logs_agree (ConclaveCluster *cluster, gpointer unused)
{
  g_autoptr(GPtrArray) servers = group_test_servers (cluster);
  g_autoptr(GHashTable) acked = group_test_acked (cluster);
  g_autoptr(GPtrArray) first = NULL;
  GHashTableIter iter;
  gpointer seq;
  guint max_seq = 0;

  g_hash_table_iter_init (&iter, acked);
  while (g_hash_table_iter_next (&iter, NULL, &seq))
    max_seq = MAX (max_seq, (guint) GPOINTER_TO_INT (seq));
  for (guint i = 0; i < servers->len; i++)
    {
      g_autoptr(GPtrArray) log = group_test_delivered (cluster, servers->pdata[i], NULL);

      if (!log_complete (log, acked, max_seq))
        return FALSE;
      for (guint k = 0; first != NULL && k < MIN (first->len, log->len); k++)
        if (g_strcmp0 (first->pdata[k], log->pdata[k]) != 0)
          return FALSE;
      if (first == NULL)
        first = g_steal_pointer (&log);
    }
  return servers->len > 0;
}
