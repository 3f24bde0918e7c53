/* conclave-bench-failover.c — how long a server group is without a leader.
 *
 *   conclave-bench failover [--rounds N] [--classroom-rounds M] [--election E|all]
 *
 * Runs the chapter 4 scenario (3 servers, 2 clients posting) on a real
 * cluster and crashes the leader N times at the fast tempo 0.05 (heartbeat
 * 50 ms, raft election timeout 150–300 ms), then M times at the classroom
 * tempo 1.0, restarting the crashed server and waiting for the group to
 * settle between rounds. Prints the median and p95 from the crash (the
 * SIGKILL) to a new leader's report and to the next acknowledged post,
 * from the processes' own timestamps.
 */
#include "config.h"

#include "conclave-bench-failover.h"
#include "conclave-group-stats.h"
#include "conclave-group-watch.h"

#include <stdio.h>
#include <string.h>

typedef gboolean (*Condition) (ConclaveCluster *cluster, gpointer data);

/* Runs the main context until cond holds; FALSE after `seconds`. */
static gboolean
wait_until (ConclaveCluster *cluster, Condition cond, gpointer data, double seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static guint
count_acked (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    n += conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_ACKED;
  return n;
}

static gboolean
all_three (ConclaveCluster *cluster, gpointer data)
{
  return conclave_group_settled_with (cluster, 3);
}

static gboolean
acked_beyond (ConclaveCluster *cluster, gpointer data)
{
  return count_acked (cluster) > GPOINTER_TO_UINT (data);
}

static gboolean
new_leader (ConclaveCluster *cluster, gpointer old)
{
  ConclaveNode *leader = conclave_group_settled (cluster);

  return leader != NULL && g_strcmp0 (conclave_node_get_name (leader), old) != 0;
}

/* One crash of the leader; FALSE if the group did not recover in time. */
static gboolean
round_once (ConclaveCluster *cluster, double beat_s)
{
  g_autofree char *old = NULL;

  if (!wait_until (cluster, all_three, NULL, 60 * beat_s + 5)
      || !wait_until (cluster, acked_beyond, GUINT_TO_POINTER (count_acked (cluster)), 20 * beat_s + 5))
    return FALSE;
  old = g_strdup (conclave_node_get_name (conclave_group_settled (cluster)));
  conclave_cluster_crash (cluster, old);
  if (!wait_until (cluster, new_leader, old, 60 * beat_s + 5)
      || !wait_until (cluster, acked_beyond, GUINT_TO_POINTER (count_acked (cluster)), 60 * beat_s + 5))
    return FALSE;
  return conclave_cluster_restart (cluster, old, NULL);
}

static void
print_figures (const char *what, GArray *failovers, gboolean to_ack)
{
  g_autofree double *ms = g_new0 (double, failovers->len + 1);
  guint n = 0;

  for (guint i = 0; i < failovers->len; i++)
    {
      ConclaveFailover *f = &g_array_index (failovers, ConclaveFailover, i);
      gint64 end = to_ack ? f->ack_ns : f->leader_ns;
      if (end > 0)
        ms[n++] = (double) (end - f->crash_ns) / 1e6;
    }
  printf ("  crash -> %-25s median %6.0f ms   p95 %6.0f ms   (%u of %u)\n", what,
          conclave_quantile (ms, n, 0.5), conclave_quantile (ms, n, 0.95), n, failovers->len);
}

static gboolean
bench (const char *election, double tempo, guint rounds)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = g_str_equal (election, "raft") ? g_strdup ("chapter-4")
                                                        : g_strdup_printf ("chapter-4-%s", election);
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup (id, &error);
  g_autoptr(ConclaveCluster) cluster = NULL;
  g_autoptr(ConclaveGroupStats) stats = NULL;
  guint done = 0;

  if (scenario == NULL || (cluster = conclave_cluster_new (&error)) == NULL)
    {
      fprintf (stderr, "conclave-bench: %s\n", error->message);
      return FALSE;
    }
  scenario->tempo = tempo;
  conclave_cluster_start_scenario (cluster, scenario, NULL);
  printf ("failover, %s election, tempo %.2f (heartbeat %.0f ms), %u leader crashes\n",
          election, tempo, 1000 * tempo, rounds);
  while (done < rounds && round_once (cluster, tempo))
    done++;
  stats = conclave_group_stats_new (conclave_cluster_get_store (cluster), 0);
  if (stats != NULL)
    {
      print_figures ("new leader elected", stats->failovers, FALSE);
      print_figures ("first acknowledged post", stats->failovers, TRUE);
    }
  if (done < rounds)
    printf ("  the group did not recover after crash %u: stopped\n", done + 1);
  conclave_cluster_shutdown (cluster);
  return done == rounds;
}

int
conclave_bench_failover (int argc, char **argv)
{
  int rounds = 30, classroom_rounds = 5;
  g_autofree char *election = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— crash the leader of a server group, again and again");
  GOptionEntry entries[] = {
    { "rounds", 'n', 0, G_OPTION_ARG_INT, &rounds, "Leader crashes at tempo 0.05 (default 30)", "N" },
    { "classroom-rounds", 'c', 0, G_OPTION_ARG_INT, &classroom_rounds,
      "Leader crashes at tempo 1.0 (default 5; 0 skips)", "M" },
    { "election", 'e', 0, G_OPTION_ARG_STRING, &election, "raft (default), bully, ring or all", "E" },
    { NULL }
  };
  const char *all[] = { "raft", "bully", "ring" };
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rounds < 1 || classroom_rounds < 0)
    {
      fprintf (stderr, "conclave-bench failover: %s\n", error ? error->message : "bad number of rounds");
      return 2;
    }
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      if (election != NULL && strcmp (election, "all") != 0 && strcmp (election, all[i]) != 0)
        continue;
      if (election == NULL && i > 0)
        break;
      ok &= bench (all[i], 0.05, (guint) rounds);
      if (classroom_rounds > 0)
        ok &= bench (all[i], 1.0, (guint) classroom_rounds);
    }
  return ok ? 0 : 1;
}
