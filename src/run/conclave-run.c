/* conclave-run.c — the headless runner.
 *
 *   conclave-run chapter-2 --duration 10s --trace out.jsonl
 *   conclave-run --node s1=udp-server --node c1=udp-client:"--count 5" --duration 3s
 *   conclave-run chapter-4 --tempo 0.05 --chaos 7 --duration 60s
 *   conclave-run --node s1=exec:"python3 server.py --id 1" --leader-pattern 'leader is (?<leader>\d+)'
 *                --input c1=posts.txt --summary-json summary.json
 *   conclave-run --replay out.jsonl --summary-json summary.json
 *   conclave-run --replay out.jsonl --export run.svg   (.pdf, .png, .shiviz)
 *
 * Runs a scenario (or a list of nodes) on the same core the window uses,
 * applies a fault schedule (or seeded chaos), writes a trace, and prints a
 * summary at the end (for a server group: elections, failovers, posts).
 * --replay runs the core over a recording instead (no process) and prints
 * the same summary.
 * Exit status: 0 fine, 1 something failed to start or a node failed on its
 * own, 2 bad usage, 3 an invariant was violated. Ctrl-C stops cleanly, with
 * every process it started.
 */
#include "config.h"

#include "conclave-chaos.h"
#include "conclave-cluster.h"
#include "conclave-display-text.h"
#include "conclave-group-stats.h"
#include "conclave-replay.h"
#include "conclave-run-export.h"
#include "conclave-run-hold.h"
#include "conclave-run-summary.h"
#include "conclave-supervisor.h"

#include <glib-unix.h>
#include <locale.h>
#include <string.h>

typedef struct {
  ConclaveCluster *cluster;
  GMainLoop       *loop;
  ConclaveChaos   *chaos;
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

/* What the core tells of the faults ("3.0 s: no leader yet; …") is part of
 * the run's story: printed plainly, in line with the rest. */
static void
print_core_message (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_print ("%s\n", message);
}

static void
fault_pair_free (gpointer data)
{
  gpointer *pair = data;

  conclave_scenario_fault_free (pair[1]);
  g_free (pair);
}

/* ---- the summary --------------------------------------------------------- */

static void
print_process (ConclaveProcessInfo *info, const char *node, const char *end,
               const ConclaveProcSummary *sum, gpointer data)
{
  ConclaveEventStore *store = data;
  g_autofree char *name = conclave_display_text (node);
  g_autofree char *role = conclave_display_text (conclave_event_store_str (store, info->role) ?: "?");

  g_print ("  %-12s %8d %8d  %-14s %-18s %8" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT " %6" G_GUINT64_FORMAT "\n",
           name, info->pid, info->ppid, role, end, sum->sent, sum->received, info->errors);
}

static void
print_processes (const ConclaveRunView *view)
{
  g_print ("\nProcesses\n  %-12s %8s %8s  %-14s %-18s %8s %8s %6s\n",
           "node", "pid", "ppid", "role", "state", "sent", "received", "errors");
  conclave_run_foreach_process (view, print_process, view->store);
}

static void
print_kind_counts (const char *kind, const ConclaveKindCounts *k)
{
  const guint64 *n = k->n;
  g_autofree char *shown = conclave_display_text (kind);

  g_print ("  %-12s %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT
           " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT "\n", shown,
           conclave_kind_counts_sent (k),
           n[CONCLAVE_MESSAGE_DELIVERED], n[CONCLAVE_MESSAGE_DROPPED], n[CONCLAVE_MESSAGE_LOST],
           n[CONCLAVE_MESSAGE_UNHEARD], n[CONCLAVE_MESSAGE_NOT_READ], n[CONCLAVE_MESSAGE_IN_FLIGHT]);
}

static void
print_messages (const ConclaveRunView *view)
{
  ConclaveKindCounts total;
  g_autoptr(GHashTable) kinds = conclave_run_count_kinds (view, &total);
  g_autofree const char **names = conclave_run_sorted_kinds (kinds);

  /* unheard: nobody was bound at the destination; not read: bound, never read. */
  g_print ("\nMessages\n  %-12s %9s %9s %9s %9s %9s %9s %9s\n", "kind", "sent", "delivered", "dropped", "lost",
           "unheard", "not read", "in flight");
  for (guint i = 0; names[i] != NULL; i++)
    print_kind_counts (names[i], g_hash_table_lookup (kinds, names[i]));
  print_kind_counts ("all", &total);
}

/* Events of one type; a VIOLATION's what and text printed if asked. */
static guint
count_type (ConclaveEventStore *store, ConclaveEventType type, gboolean print)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      g_autofree char *what = NULL, *text = NULL;

      if (e->type != type)
        continue;
      n++;
      if (!print)
        continue;
      what = conclave_display_text (conclave_event_store_str (store, conclave_event_violation_what (e)) ?: "?");
      text = conclave_display_text (conclave_event_store_str (store, conclave_event_violation_text (e)));
      g_print ("  %s: %s\n", what, text);
    }
  return n;
}

/* A replay's "In all": the recorded violations by what, in order of first sight. */
static void
print_recorded_kinds (ConclaveEventStore *store)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      gpointer what = GUINT_TO_POINTER (e->type == CONCLAVE_EVENT_VIOLATION ? conclave_event_violation_what (e) : 0);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, what));

      if (e->type != CONCLAVE_EVENT_VIOLATION)
        continue;
      if (count == 0)
        g_array_append_val (order, ((guint32) { GPOINTER_TO_UINT (what) }));
      g_hash_table_insert (counts, what, GUINT_TO_POINTER (count + 1));
    }
  for (guint i = 0; i < order->len; i++)
    {
      guint32 what = g_array_index (order, guint32, i);
      g_print ("%s %s: %u", i == 0 ? "  In all:" : ",", conclave_event_store_str (store, what) ?: "?",
               GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (what))));
    }
  if (order->len > 0)
    g_print ("\n");
}

/* The violations the store still holds, then the checker's own count of
 * all of them: that count is the verdict, retention cannot drop it. A
 * replay (checker NULL) has the recorded ones only. */
static guint
print_violations (ConclaveEventStore *store, ConclaveChecker *checker)
{
  guint listed = count_type (store, CONCLAVE_EVENT_VIOLATION, TRUE);
  guint total = checker ? conclave_checker_get_n_violations (checker) : listed;

  if (total == 0)
    g_print ("  none\n");
  if (total > listed)
    g_print ("  %u more, older than the events kept\n", total - listed);
  if (checker == NULL)
    {
      print_recorded_kinds (store);
      return total;
    }
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

/* ---- parse / run / report ------------------------------------------------ */

/* What the command line asked for. */
typedef struct {
  char             *duration_text;
  char             *trace;
  GStrv             node_specs;
  GStrv             fault_specs;
  char             *chaos_seed;
  char             *leader_pattern;
  GStrv             inputs;
  char             *summary_json;
  char             *replay;
  char             *network;
  char             *export;
  double            tempo;
  gboolean          list;
  gboolean          hold;
  char             *release_every_text;
  guint             release_every_ms;
  guint             duration_ms;
  guint64           seed;
  guint64           retention;
  ConclaveScenario *scenario;
  GPtrArray        *nodes;    /* NodeSpec */
  GPtrArray        *faults;   /* ConclaveScenarioFault */
} Options;

static void
options_clear (Options *o)
{
  g_free (o->duration_text);
  g_free (o->trace);
  g_free (o->network);
  g_strfreev (o->node_specs);
  g_strfreev (o->fault_specs);
  g_free (o->chaos_seed);
  g_free (o->leader_pattern);
  g_strfreev (o->inputs);
  g_free (o->summary_json);
  g_free (o->replay);
  g_free (o->export);
  g_free (o->release_every_text);
  g_clear_pointer (&o->scenario, conclave_scenario_unref);
  g_clear_pointer (&o->nodes, g_ptr_array_unref);
  g_clear_pointer (&o->faults, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->chaos, conclave_chaos_free);
  if (run->cluster != NULL)
    conclave_cluster_shutdown (run->cluster);
  g_clear_object (&run->cluster);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Exit status 2 with a message. */
static int
usage_error (const char *message)
{
  g_printerr ("conclave-run: %s\n", message);
  return 2;
}

static void
print_builtin (void)
{
  g_auto(GStrv) ids = conclave_scenario_list_builtin ();

  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(ConclaveScenario) s = conclave_scenario_lookup (ids[i], NULL);
      g_print ("%-16s %s\n", ids[i], s ? s->title : "");
    }
}

/* The nodes, faults and scenario the options name; 2 if one is wrong. */
static int
parse_specs (Options *o, const char *scenario_arg)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; o->node_specs && o->node_specs[i]; i++)
    {
      NodeSpec *spec = node_spec_parse (o->node_specs[i], &error);
      if (spec == NULL)
        return usage_error (error->message);
      g_ptr_array_add (o->nodes, spec);
    }
  for (guint i = 0; o->fault_specs && o->fault_specs[i]; i++)
    {
      ConclaveScenarioFault *fault = conclave_scenario_fault_parse (o->fault_specs[i], &error);
      g_autofree char *message = NULL;

      if (fault == NULL)
        return usage_error ((message = g_strdup_printf ("--fault %s: %s", o->fault_specs[i], error->message)));
      g_ptr_array_add (o->faults, fault);
    }
  if (scenario_arg == NULL)
    return -1;
  if (g_file_test (scenario_arg, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (scenario_arg);
      o->scenario = conclave_scenario_new_from_file (file, &error);
    }
  else
    o->scenario = conclave_scenario_lookup (scenario_arg, &error);
  return o->scenario ? -1 : usage_error (error->message);
}

static gboolean
check_pattern (const char *pattern, char **message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, &error);

  if (regex == NULL)
    *message = g_strdup_printf ("--leader-pattern: %s", error->message);
  return regex != NULL;
}

/* -1 to go on, else the exit status (0 after --list, 2 for bad usage). */
static int
parse (Options *o, int *argc, char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *message = NULL;
  GOptionEntry entries[] = {
    { "duration", 'd', 0, G_OPTION_ARG_STRING, &o->duration_text, "How long to run: 10s, 500ms, 2m (default 10s)", "TIME" },
    { "trace", 't', 0, G_OPTION_ARG_FILENAME, &o->trace, "Write every event to FILE as JSON Lines", "FILE" },
    { "node", 'n', 0, G_OPTION_ARG_STRING_ARRAY, &o->node_specs, "Start a node: NAME=ROLE[:ARGS] or NAME=exec:COMMAND", "SPEC" },
    { "fault", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &o->fault_specs, "Schedule a fault: 5s:crash:s1, 8s:isolate:s2, 12s:heal", "SPEC" },
    { "tempo", 0, 0, G_OPTION_ARG_DOUBLE, &o->tempo, "Scale every protocol timer (1 = classroom, 0.05 = fast)", "FACTOR" },
    { "retention", 0, 0, G_OPTION_ARG_INT64, &o->retention, "Keep at most this many events in memory (default 2000000)", "EVENTS" },
    { "chaos", 0, 0, G_OPTION_ARG_STRING, &o->chaos_seed, "Random crashes, restarts, pauses and partitions from this seed", "SEED" },
    { "leader-pattern", 0, 0, G_OPTION_ARG_STRING, &o->leader_pattern,
      "A line a program prints when it leads; a group (?<leader>…) names the leader", "REGEX" },
    { "input", 'i', 0, G_OPTION_ARG_STRING_ARRAY, &o->inputs, "Feed FILE's lines to NAME's stdin", "NAME=FILE" },
    { "summary-json", 0, 0, G_OPTION_ARG_FILENAME, &o->summary_json, "Write the summary to FILE as JSON", "FILE" },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &o->replay, "Run the core over a recorded trace (no processes) and summarise it", "FILE" },
    { "network", 0, 0, G_OPTION_ARG_STRING, &o->network,
      "loopback (default), or lan: every node its own host on a bridge, 10.77.0.0/24", "NETWORK" },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &o->export, "Write the whole run's timeline to FILE.svg, .pdf or .png, or a ShiViz log to FILE.shiviz", "FILE" },
    { "hold", 0, 0, G_OPTION_ARG_NONE, &o->hold, "Step mode: every node holds each message that arrives", NULL },
    { "release-every", 0, 0, G_OPTION_ARG_STRING, &o->release_every_text,
      "With --hold: deliver the oldest held message every TIME (500ms, 1s)", "TIME" },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &o->list, "List the built-in scenarios", NULL },
    { NULL }
  };

  o->duration_ms = 10000;
  o->nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) node_spec_free);
  o->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) conclave_scenario_fault_free);
  context = g_option_context_new ("[SCENARIO] — run a Conclave scenario without a window");
  g_option_context_set_summary (context, "SCENARIO is a built-in id (chapter-1 …) or a scenario file.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (error->message);
  if (o->list)
    {
      print_builtin ();
      return 0;
    }
  if (o->duration_text && !parse_duration (o->duration_text, &o->duration_ms))
    return usage_error ((message = g_strdup_printf ("--duration %s: expected a time like 10s, 500ms or 2m",
                                                    o->duration_text)));
  if (o->release_every_text && (!o->hold || !parse_duration (o->release_every_text, &o->release_every_ms)
                                || o->release_every_ms == 0))
    return usage_error ((message = g_strdup_printf ("--release-every %s: expected --hold and a time like 500ms or 1s",
                                                    o->release_every_text)));
  if (o->chaos_seed && !g_ascii_string_to_unsigned (o->chaos_seed, 10, 0, G_MAXUINT32, &o->seed, NULL))
    return usage_error ((message = g_strdup_printf ("--chaos %s: expected a number from 0 to %u",
                                                    o->chaos_seed, G_MAXUINT32)));
  if (o->leader_pattern && !check_pattern (o->leader_pattern, &message))
    return usage_error (message);
  if (o->network && !conclave_network_from_string (o->network, &(ConclaveNetwork) { 0 }))
    return usage_error ((message = g_strdup_printf ("--network %s: expected loopback or lan", o->network)));
  for (guint i = 0; o->inputs && o->inputs[i]; i++)
    if (strchr (o->inputs[i], '=') == NULL || o->inputs[i][0] == '=')
      return usage_error ((message = g_strdup_printf ("--input %s: expected NAME=FILE", o->inputs[i])));
  if (o->export && !conclave_run_export_known (o->export))
    return usage_error ((message = g_strdup_printf ("--export %s: expected a name ending in .svg, .pdf, .png or .shiviz",
                                                    o->export)));
  if (o->replay && (*argc > 1 || o->node_specs || o->fault_specs || o->chaos_seed || o->inputs || o->trace))
    return usage_error ("--replay runs a recording: no scenario, --node, --fault, --chaos, --input or --trace");
  if (o->replay)
    return -1;
  if (*argc > 2 || (*argc < 2 && o->node_specs == NULL))
    return usage_error ("name one scenario or give --node (see --help)");
  return parse_specs (o, *argc == 2 ? (*argv)[1] : NULL);
}

static void
schedule_faults (Run *run, GPtrArray *faults)
{
  for (guint i = 0; i < faults->len; i++)
    {
      ConclaveScenarioFault *fault = faults->pdata[i];
      gpointer *pair = g_new (gpointer, 2);

      pair[0] = run->cluster;
      pair[1] = fault;
      g_timeout_add_full (G_PRIORITY_DEFAULT, fault->at_ms, run_fault, pair, fault_pair_free);
    }
  g_ptr_array_set_free_func (faults, NULL);  /* the timeouts own them now */
}

/* Each --input NAME=FILE: the file's lines, written to the node's stdin
 * pipe now (the program reads them when it calls input()). */
static void
feed_inputs (Run *run, Options *o)
{
  for (guint i = 0; o->inputs && o->inputs[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (o->inputs[i], "=", 2);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      if (!g_file_get_contents (pair[1], &text, NULL, &error) ||
          (*text != '\0' && !conclave_cluster_send_input (run->cluster, pair[0], text, &error)))
        {
          g_printerr ("conclave-run: --input %s: %s\n", o->inputs[i], error->message);
          run->start_failed = TRUE;
        }
    }
}

static void
start_nodes (Run *run, Options *o)
{
  g_autoptr(GError) error = NULL;

  if (o->scenario && o->tempo > 0)
    o->scenario->tempo = o->tempo;  /* its start times follow the tempo too */
  if (o->scenario && !conclave_cluster_start_scenario (run->cluster, o->scenario, &error))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      run->start_failed = TRUE;
    }
  if (o->scenario && o->tempo > 0)
    conclave_cluster_set_tempo (run->cluster, o->tempo);
  for (guint i = 0; !run->start_failed && i < o->nodes->len; i++)
    if (!node_spec_start (run, o->nodes->pdata[i], &error))
      {
        g_printerr ("conclave-run: %s\n", error->message);
        run->start_failed = TRUE;
      }
  /* Checked in parse(): it compiles. The command line wins over the scenario. */
  if (o->leader_pattern)
    conclave_cluster_set_leader_pattern (run->cluster, o->leader_pattern, NULL);
  if (!run->start_failed)
    feed_inputs (run, o);
}

/* On the LAN, where each node is: "LAN 10.77.0.0/24: s1 10.77.0.2, …"
 * (ConclaveTraceHost; NULL: loopback, nothing said). */
static void
print_hosts (GPtrArray *hosts)
{
  g_autoptr(GString) line = g_string_new ("LAN 10.77.0.0/24 (bridge " CONCLAVE_LAN_BRIDGE_ADDRESS "):");

  if (hosts == NULL)
    return;
  for (guint i = 0; i < hosts->len; i++)
    {
      const ConclaveTraceHost *h = hosts->pdata[i];
      g_autofree char *node = conclave_display_text (h->node);
      g_autofree char *address = conclave_display_text (h->address);

      g_string_append_printf (line, "%s %s %s", i ? "," : "", node, address);
    }
  g_print ("%s\n", line->str);
}

static void
print_cluster_hosts (ConclaveCluster *cluster)
{
  g_autoptr(GPtrArray) hosts = conclave_cluster_list_hosts (cluster);

  print_hosts (hosts);
}

/* -1 once it ran (or failed to start a node), else the exit status 1. */
static int
run_cluster (Run *run, Options *o)
{
  g_autoptr(GError) error = NULL;
  ConclaveNetwork network = CONCLAVE_NETWORK_LOOPBACK;

  if (o->network)
    conclave_network_from_string (o->network, &network);
  /* Before the network: the LAN may say how it applies faults. */
  g_log_set_handler ("Conclave", G_LOG_LEVEL_MESSAGE, print_core_message, NULL);
  if ((run->cluster = conclave_cluster_new (&error)) == NULL ||
      !conclave_cluster_set_network (run->cluster, network, &error) ||
      (o->trace && !conclave_cluster_start_trace (run->cluster, o->trace, &error)))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      return 1;
    }
  if (o->retention > 0)
    conclave_event_store_set_retention (conclave_cluster_get_store (run->cluster), o->retention);
  run->loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, run);
  g_unix_signal_add (SIGTERM, on_signal, run);
  if (o->tempo > 0)
    conclave_cluster_set_tempo (run->cluster, o->tempo);
  schedule_faults (run, o->faults);
  if (o->hold)
    conclave_run_hold_start (run->cluster, o->release_every_ms);
  g_print ("Control channel: %s\n", conclave_cluster_get_control_path (run->cluster));
  start_nodes (run, o);
  if (!run->start_failed)
    {
      g_print ("Running %s for %.1f s (tempo %.2f, ports %u–%u)…\n",
               o->scenario ? o->scenario->id : "nodes", o->duration_ms / 1000.0,
               conclave_cluster_get_tempo (run->cluster), conclave_cluster_get_base_port (run->cluster),
               conclave_cluster_get_base_port (run->cluster) + 1);
      print_cluster_hosts (run->cluster);
      g_timeout_add (o->duration_ms, on_timeout, run);
      if (o->chaos_seed)
        run->chaos = conclave_chaos_new (run->cluster, (guint32) o->seed);
      g_main_loop_run (run->loop);
    }
  if (run->interrupted)
    g_print ("Interrupted; stopping every process.\n");
  /* Let the last lines arrive, then report the nodes as they were. */
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  return -1;
}

/* What a live run and a replay print alike; the number of violations. */
static guint
print_summary (const ConclaveRunView *view, ConclaveChecker *checker)
{
  ConclaveEventStore *store = view->store;
  g_autoptr(ConclaveGroupStats) group = NULL;
  guint errors;

  print_processes (view);
  print_messages (view);
  if ((group = conclave_group_stats_new (store, 0)) != NULL)
    conclave_group_stats_print (group, store);
  errors = count_type (store, CONCLAVE_EVENT_ERROR, FALSE);
  g_print ("\nEvents %" G_GUINT64_FORMAT ", malformed control lines %u\n",
           conclave_event_store_get_end (store), errors);
  g_print ("Violations:\n");
  return print_violations (store, checker);
}

/* The summary; returns the exit status. */
static int
report (Run *run, Options *o)
{
  ConclaveRunView view = conclave_run_view_of_cluster (run->cluster);
  g_autoptr(GError) error = NULL;
  guint violations;

  /* The trace ends where the summary looks: the kills at shutdown are
   * not the class's, and a replay of the trace prints this summary. */
  conclave_cluster_stop_trace (run->cluster);
  if (run->chaos)
    g_print ("Chaos (seed %" G_GUINT64_FORMAT "): %u disruptions\n", o->seed, conclave_chaos_get_n_steps (run->chaos));
  g_clear_pointer (&run->chaos, conclave_chaos_free);
  if (o->hold)
    conclave_run_hold_print (run->cluster);
  /* Again: nodes started late have their hosts now. */
  print_cluster_hosts (run->cluster);
  violations = print_summary (&view, conclave_cluster_get_checker (run->cluster));
  if (any_node_failed (run->cluster))
    run->start_failed = TRUE;
  if ((o->summary_json && !conclave_run_write_summary_json (&view, o->summary_json, &error)) ||
      (o->export && !conclave_run_export (&view, o->export, &error)))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      run->start_failed = TRUE;
    }
  if (violations > 0)
    return 3;
  return run->start_failed ? 1 : 0;
}

/* --replay: the core over a recording, the same summary; 1 if the file
 * cannot be read or the summary written, 3 with violations. */
static int
replay (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveReplay) replay = conclave_replay_new (o->replay, &error);
  const ConclaveTraceHeader *header;
  const char *problem = NULL;
  guint bad, violations;

  if (replay == NULL)
    {
      g_printerr ("conclave-run: %s\n", error->message);
      return 1;
    }
  header = conclave_replay_get_header (replay);
  g_print ("Replaying %s", o->replay);
  if (header->scenario)
    {
      /* A file's words reach the terminal escaped, as the summary's do. */
      g_autofree char *scenario = conclave_display_text (header->scenario);
      g_autofree char *election = conclave_display_text (header->election ?: "");
      g_autofree char *version = conclave_display_text (header->version ?: "?");

      g_print (" (%s, tempo %.2f%s%s, Conclave %s)", scenario, header->tempo,
               header->election ? ", election " : "", election, version);
    }
  g_print ("…\n");
  print_hosts (header->hosts);
  if ((bad = conclave_replay_get_problems (replay, &problem)) > 0)
    g_printerr ("conclave-run: %u damaged lines skipped, the first: %s\n", bad, problem);
  if (conclave_replay_get_losses (replay) != conclave_replay_get_recorded_losses (replay))
    g_printerr ("conclave-run: the recording declared %u messages lost, the replay %u\n",
                conclave_replay_get_recorded_losses (replay), conclave_replay_get_losses (replay));
  violations = print_summary (conclave_replay_get_view (replay), NULL);
  if ((o->summary_json &&
       !conclave_run_write_summary_json (conclave_replay_get_view (replay), o->summary_json, &error)) ||
      (o->export && !conclave_run_export (conclave_replay_get_view (replay), o->export, &error)))
    {
      g_printerr ("conclave-run: %s\n", error->message);
      return 1;
    }
  return violations > 0 ? 3 : 0;
}

int
main (int argc, char *argv[])
{
  g_auto(Options) options = { 0 };
  g_auto(Run) run = { 0 };
  int status;

  setlocale (LC_ALL, "");
  if ((status = parse (&options, &argc, &argv)) >= 0)
    return status;
  if (options.replay)
    return replay (&options);
  if ((status = run_cluster (&run, &options)) >= 0)
    return status;
  return report (&run, &options);
}
