/* conclave-run.c — the headless runner.
 *
 *   conclave-run chapter-2 --duration 10s --trace out.jsonl
 *   conclave-run --node s1=udp-server --node c1=udp-client:"--count 5" --duration 3s
 *   conclave-run chapter-4 --tempo 0.05 --chaos 7 --duration 60s
 *
 * Runs a scenario (or a list of nodes) on the same core the window uses,
 * applies a fault schedule (or seeded chaos), writes a trace, and prints a
 * summary at the end (for a server group: elections, failovers, posts).
 * Exit status: 0 fine, 1 something failed to start or a node failed on its
 * own, 2 bad usage, 3 an invariant was violated. Ctrl-C stops cleanly, with
 * every process it started.
 */
#include "config.h"

#include "conclave-chaos.h"
#include "conclave-cluster.h"
#include "conclave-group-stats.h"
#include "conclave-supervisor.h"

#include <glib-unix.h>
#include <locale.h>
#include <string.h>

typedef struct {
  ConclaveCluster *cluster;
  GMainLoop       *loop;
  gboolean         interrupted;
  gboolean         start_failed;
} Run;

static gboolean
parse_duration (const char *text, guint *ms)
{
  char *end = NULL;
  double v;

  if (text == NULL)
    return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == text || v < 0)
    return FALSE;
  if (*end == '\0' || strcmp (end, "s") == 0)
    v *= 1000;
  else if (strcmp (end, "ms") == 0)
    ;
  else if (strcmp (end, "m") == 0 || strcmp (end, "min") == 0)
    v *= 60000;
  else
    return FALSE;
  if (v > G_MAXUINT)
    return FALSE;
  *ms = (guint) v;
  return TRUE;
}

/* One --node: NAME=ROLE[:ARGS] or NAME=exec:COMMAND, ARGS split like a
 * shell would split them (no shell runs). */
typedef struct {
  char  *name;
  char  *role;
  GStrv  args;
} NodeSpec;

static void
node_spec_free (NodeSpec *spec)
{
  g_free (spec->name);
  g_free (spec->role);
  g_strfreev (spec->args);
  g_free (spec);
}

static NodeSpec *
node_spec_parse (const char *text, GError **error)
{
  const char *eq = strchr (text, '=');
  const char *colon;
  NodeSpec *spec;

  if (eq == NULL || eq == text || eq[1] == '\0' || eq[1] == ':')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--node %s: expected NAME=ROLE[:ARGS]", text);
      return NULL;
    }
  spec = g_new0 (NodeSpec, 1);
  spec->name = g_strndup (text, (gsize) (eq - text));
  colon = strchr (eq + 1, ':');
  spec->role = colon ? g_strndup (eq + 1, (gsize) (colon - eq - 1)) : g_strdup (eq + 1);
  if (colon && colon[1] != '\0' && !g_shell_parse_argv (colon + 1, NULL, &spec->args, error))
    {
      g_prefix_error (error, "--node %s: ", text);
      node_spec_free (spec);
      return NULL;
    }
  if (strcmp (spec->role, "exec") == 0 && spec->args == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--node %s: exec needs a command", text);
      node_spec_free (spec);
      return NULL;
    }
  return spec;
}

static gboolean
node_spec_start (Run *run, const NodeSpec *spec, GError **error)
{
  if (strcmp (spec->role, "exec") == 0)
    return conclave_cluster_add_program (run->cluster, spec->name, (const char * const *) spec->args, NULL,
                                         spec->name[0] == 's', error) != NULL;
  return conclave_cluster_add_node (run->cluster, spec->name, spec->role,
                                    (const char * const *) spec->args, error) != NULL;
}

static gboolean
on_signal (gpointer data)
{
  Run *run = data;

  run->interrupted = TRUE;
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  g_main_loop_quit (((Run *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
run_fault (gpointer data)
{
  gpointer *pair = data;

  conclave_cluster_apply_fault (pair[0], pair[1]);
  return G_SOURCE_REMOVE;
}

static void
fault_pair_free (gpointer data)
{
  gpointer *pair = data;

  conclave_scenario_fault_free (pair[1]);
  g_free (pair);
}

/* ---- the summary --------------------------------------------------------- */

typedef struct {
  guint64 n[5];
} KindCounts;

static const char *
node_state (ConclaveNode *node)
{
  return node ? conclave_node_state_to_string (conclave_node_get_state (node)) : "-";
}

/* What each process did and how it ended, from the events: a restarted
 * node's earlier process keeps its own row, counts and end. */
typedef struct {
  guint64 sent;
  guint64 received;
  gint    code;
  gint    signum;
  gboolean ended;
} ProcSummary;

static ProcSummary *
summarize_processes (ConclaveEventStore *store)
{
  guint n = conclave_event_store_get_n_processes (store);
  ProcSummary *sum = g_new0 (ProcSummary, n);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveProcessInfo *info = NULL;
      gint pid = 0, code = 0, signum = 0;

      if (e->proc < n && e->type == CONCLAVE_EVENT_SEND)
        sum[e->proc].sent++;
      else if (e->proc < n && e->type == CONCLAVE_EVENT_RECV)
        sum[e->proc].received++;
      else if (e->type == CONCLAVE_EVENT_EXITED)
        pid = (gint) e->len, code = e->num, signum = (gint) e->lc;
      else if (e->type == CONCLAVE_EVENT_REAP)
        pid = e->num, code = (gint) e->len, signum = (gint) e->lc;
      if (pid > 0 && (info = conclave_event_store_find_process (store, pid)) != NULL)
        {
          sum[info->index].ended = TRUE;
          sum[info->index].code = code;
          sum[info->index].signum = signum;
        }
    }
  return sum;
}

static char *
process_state (ConclaveCluster *cluster, ConclaveProcessInfo *info, const ProcSummary *sum)
{
  ConclaveNode *node = conclave_cluster_node_for_proc (cluster, info->index);
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
  return g_strdup (node_state (node));
}

static void
print_processes (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autofree ProcSummary *sum = summarize_processes (store);

  g_print ("\nProcesses\n  %-12s %8s %8s  %-14s %-18s %8s %8s %6s\n",
           "node", "pid", "ppid", "role", "state", "sent", "received", "errors");
  for (guint i = 1; i < conclave_event_store_get_n_processes (store); i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (store, i);
      ConclaveNode *node = conclave_cluster_node_for_proc (cluster, i);
      g_autofree char *state = process_state (cluster, info, &sum[i]);

      g_print ("  %-12s %8d %8d  %-14s %-18s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT "\n",
               node ? conclave_node_get_name (node) : conclave_event_store_str (store, info->node),
               info->pid, info->ppid,
               conclave_event_store_str (store, info->role) ?: "?",
               state, sum[i].sent, sum[i].received, info->errors);
    }
}

static void
print_messages (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  g_autoptr(GHashTable) kinds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  GHashTableIter iter;
  gpointer key, value;
  guint64 total[5] = { 0 };

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);
      const char *kind = conclave_event_store_str (store, m->kind) ?: "data";
      KindCounts *k = g_hash_table_lookup (kinds, kind);

      if (k == NULL)
        g_hash_table_insert (kinds, (gpointer) kind, (k = g_new0 (KindCounts, 1)));
      k->n[m->state]++;
      total[m->state]++;
    }
  g_print ("\nMessages\n  %-12s %9s %9s %9s %9s %9s\n", "kind", "sent", "delivered", "dropped", "lost", "in flight");
  g_hash_table_iter_init (&iter, kinds);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KindCounts *k = value;
      g_print ("  %-12s %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n",
               (char *) key, k->n[0] + k->n[1] + k->n[2] + k->n[3], k->n[1], k->n[2], k->n[3], k->n[0]);
    }
  g_print ("  %-12s %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n",
           "all", total[0] + total[1] + total[2] + total[3], total[1], total[2], total[3], total[0]);
}

static guint
count_type (ConclaveEventStore *store, ConclaveEventType type, gboolean print)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type != type)
        continue;
      n++;
      if (print)
        g_print ("  %s: %s\n", conclave_event_store_str (store, e->s[0]) ?: "?",
                 conclave_event_store_str (store, e->s[3]) ?: "");
    }
  return n;
}

/* The violations the store still holds, then the checker's own count of
 * all of them: that count is the verdict, retention cannot drop it. */
static guint
print_violations (ConclaveCluster *cluster)
{
  ConclaveChecker *checker = conclave_cluster_get_checker (cluster);
  guint total = conclave_checker_get_n_violations (checker);
  guint listed = count_type (conclave_cluster_get_store (cluster), CONCLAVE_EVENT_VIOLATION, TRUE);

  if (total == 0)
    g_print ("  none\n");
  if (total > listed)
    g_print ("  %u more, older than the events kept\n", total - listed);
  for (guint i = 0; total > 0 && i < conclave_checker_get_n_kinds (checker); i++)
    {
      guint count;
      const char *what = conclave_checker_get_kind (checker, i, &count);
      g_print ("%s %s: %u", i == 0 ? "  In all:" : ",", what, count);
    }
  if (total > 0)
    g_print ("\n");
  return total;
}

/* A node that ended on its own with a failure status, not because we said so. */
static gboolean
any_node_failed (ConclaveCluster *cluster)
{
  gboolean failed = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (conclave_node_get_state (node) == CONCLAVE_NODE_EXITED && conclave_node_get_exit_code (node) != 0)
        {
          g_printerr ("conclave-run: %s exited with status %d\n", conclave_node_get_name (node),
                      conclave_node_get_exit_code (node));
          failed = TRUE;
        }
    }
  return failed;
}

int
main (int argc, char *argv[])
{
  g_autofree char *duration_text = NULL;
  g_autofree char *trace = NULL;
  g_auto(GStrv) node_specs = NULL;
  g_auto(GStrv) fault_specs = NULL;
  g_autofree char *chaos_seed = NULL;
  g_autoptr(ConclaveChaos) chaos = NULL;
  g_autoptr(ConclaveGroupStats) group = NULL;
  guint64 seed = 0;
  double tempo = 0;
  gboolean list = FALSE;
  guint duration_ms = 10000;
  guint64 retention = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  ConclaveEventStore *store;
  guint violations, errors;
  Run run = { 0 };
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_spec_free);
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &duration_text, "How long to run: 10s, 500ms, 2m (default 10s)", "TIME" },
    { "trace", 't', 0, G_OPTION_ARG_FILENAME, &trace, "Write every event to FILE as JSON Lines", "FILE" },
    { "node", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &node_specs, "Start a node: NAME=ROLE[:ARGS] or NAME=exec:COMMAND", "SPEC" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &fault_specs, "Schedule a fault: 5s:crash:s1, 8s:isolate:s2, 12s:heal", "SPEC" },
    { "tempo", 0, 0, G_OPTION_ARG_DOUBLE, &tempo, "Scale every protocol timer (1 = classroom, 0.05 = fast)", "FACTOR" },
    { "retention", 0, 0, G_OPTION_ARG_INT64, &retention, "Keep at most this many events in memory (default 2000000)", "EVENTS" },
    { "chaos", 0, 0, G_OPTION_ARG_STRING, &chaos_seed, "Random crashes, restarts, pauses and partitions from this seed", "SEED" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &list, "List the built-in scenarios", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("[SCENARIO] — run a Conclave scenario without a window");
  g_option_context_set_summary (context, "SCENARIO is a built-in id (chapter-1 …) or a scenario file.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      return 2;
    }
  if (list)
    {
      g_auto(GStrv) ids = conclave_scenario_list_builtin ();
      for (guint i = 0; ids[i]; i++)
        {
          g_autoptr(ConclaveScenario) s = conclave_scenario_lookup (ids[i], NULL);
          g_print ("%-16s %s\n", ids[i], s ? s->title : "");
        }
      return 0;
    }
  if (duration_text && !parse_duration (duration_text, &duration_ms))
    {
      g_printerr ("conclave-run: --duration %s: expected a time like 10s, 500ms or 2m\n", duration_text);
      return 2;
    }
  if (chaos_seed && !g_ascii_string_to_unsigned (chaos_seed, 10, 0, G_MAXUINT32, &seed, NULL))
    {
      g_printerr ("conclave-run: --chaos %s: expected a number from 0 to %u\n", chaos_seed, G_MAXUINT32);
      return 2;
    }
  if (argc > 2 || (argc < 2 && node_specs == NULL))
    {
      g_printerr ("conclave-run: name one scenario or give --node (see --help)\n");
      return 2;
    }
  for (guint i = 0; node_specs && node_specs[i]; i++)
    {
      NodeSpec *spec = node_spec_parse (node_specs[i], &error);
      if (spec == NULL)
        {
          g_printerr ("conclave-run: %s\n", error->message);
          return 2;
        }
      g_ptr_array_add (nodes, spec);
    }
  if (argc == 2)
    {
      scenario = g_file_test (argv[1], G_FILE_TEST_EXISTS)
                   ? conclave_scenario_new_from_file (g_file_new_for_commandline_arg (argv[1]), &error)
                   : conclave_scenario_lookup (argv[1], &error);
      if (scenario == NULL)
        {
          g_printerr ("conclave-run: %s\n", error->message);
          return 2;
        }
    }

  run.cluster = conclave_cluster_new (&error);
  if (run.cluster == NULL)
    {
      g_printerr ("conclave-run: %s\n", error->message);
      return 1;
    }
  if (retention > 0)
    conclave_event_store_set_retention (conclave_cluster_get_store (run.cluster), retention);
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  g_unix_signal_add (SIGINT, on_signal, &run);
  g_unix_signal_add (SIGTERM, on_signal, &run);
  if (trace && !conclave_cluster_start_trace (run.cluster, trace, &error))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      g_object_unref (run.cluster);
      return 1;
    }
  if (tempo > 0)
    conclave_cluster_set_tempo (run.cluster, tempo);

  for (guint i = 0; fault_specs && fault_specs[i]; i++)
    {
      ConclaveScenarioFault *fault = conclave_scenario_fault_parse (fault_specs[i], &error);
      gpointer *pair;

      if (fault == NULL)
        {
          g_printerr ("conclave-run: --fault %s: %s\n", fault_specs[i], error->message);
          g_object_unref (run.cluster);
          return 2;
        }
      pair = g_new (gpointer, 2);
      pair[0] = run.cluster;
      pair[1] = fault;
      g_timeout_add_full (G_PRIORITY_DEFAULT, fault->at_ms, run_fault, pair, fault_pair_free);
    }

  g_print ("Control channel: %s\n", conclave_cluster_get_control_path (run.cluster));
  if (scenario && tempo > 0)
    scenario->tempo = tempo;  /* its start times follow the tempo too */
  if (scenario && !conclave_cluster_start_scenario (run.cluster, scenario, &error))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      run.start_failed = TRUE;
    }
  if (scenario && tempo > 0)
    conclave_cluster_set_tempo (run.cluster, tempo);
  for (guint i = 0; !run.start_failed && i < nodes->len; i++)
    if (!node_spec_start (&run, nodes->pdata[i], &error))
      {
        g_printerr ("conclave-run: %s\n", error->message);
        run.start_failed = TRUE;
      }
  if (!run.start_failed)
    {
      g_print ("Running %s for %.1f s (tempo %.2f, ports %u–%u)…\n",
               scenario ? scenario->id : "nodes", duration_ms / 1000.0,
               conclave_cluster_get_tempo (run.cluster), conclave_cluster_get_base_port (run.cluster),
               conclave_cluster_get_base_port (run.cluster) + 1);
      g_timeout_add (duration_ms, on_timeout, &run);
      if (chaos_seed)
        chaos = conclave_chaos_new (run.cluster, (guint32) seed);
      g_main_loop_run (loop);
    }
  if (run.interrupted)
    g_print ("Interrupted; stopping every process.\n");

  /* Let the last lines arrive, then report the nodes as they were. */
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;

  if (chaos)
    g_print ("Chaos (seed %" G_GUINT64_FORMAT "): %u disruptions\n", seed, conclave_chaos_get_n_steps (chaos));
  g_clear_pointer (&chaos, conclave_chaos_free);
  store = conclave_cluster_get_store (run.cluster);
  print_processes (run.cluster);
  print_messages (run.cluster);
  if ((group = conclave_group_stats_new (store, 0)) != NULL)
    conclave_group_stats_print (group, store);
  errors = count_type (store, CONCLAVE_EVENT_ERROR, FALSE);
  g_print ("\nEvents %" G_GUINT64_FORMAT ", malformed control lines %u\n",
           conclave_event_store_get_end (store), errors);
  g_print ("Violations:\n");
  violations = print_violations (run.cluster);
  if (any_node_failed (run.cluster))
    run.start_failed = TRUE;
  conclave_cluster_shutdown (run.cluster);

  g_object_unref (run.cluster);
  if (violations > 0)
    return 3;
  return run.start_failed ? 1 : 0;
}
