/* lan-fault-bench.c — what a queued link costs on Conclave's LAN: round trips of a
 * static UDP pair (tests/lan/lan-udp.c, ping and echo on two hosts) over the
 * bridge with no fault, and with the sender's host queued (a fault that
 * drops one datagram in a billion and delays none: every datagram goes
 * through the helper both ways). Prints the median, least and most round
 * trip of each batch, alternating, RUNS times. Figures, not a test: run it
 * by hand (ninja -C _build bench/lan-fault-bench && _build/bench/lan-fault-bench).
 */
#include "conclave-cluster.h"
#include "trace-test-util.h"

#include <stdio.h>
#include <string.h>

#define RUNS 5
#define ROUND_TRIPS "2000"
#define PORT "10001"

static gboolean
has_lines (ConclaveCluster *cluster, gpointer n)
{
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s1"));
  guint lines = 0;

  for (const char *p = out; (p = strstr (p, "rtt ")) != NULL; p++)
    lines++;
  return lines >= GPOINTER_TO_UINT (n);
}

static gboolean
echo_ready (ConclaveCluster *cluster, gpointer unused)
{
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s2"));

  return strstr (out, "ready\n") != NULL;
}

/* One batch of round trips; its "rtt …" line. */
static char *
batch (ConclaveCluster *cluster, guint number)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint seen = 0;

  conclave_cluster_send_input (cluster, "s1", "go", NULL);
  trace_test_wait (cluster, has_lines, GUINT_TO_POINTER (number), 60, "a batch of round trips");
  out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s1"));
  lines = g_strsplit (out, "\n", 0);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "rtt ") && ++seen == number)
      return g_strdup (lines[i]);
  return g_strdup ("?");
}

int
main (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(GError) error = NULL;
  const char *udp = LAN_UDP;
  const char *echo[] = { udp, "echo", PORT, NULL };
  const char *ping[] = { udp, "ping", "s2", PORT, ROUND_TRIPS, NULL };
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);
  guint number = 0;

  if (!conclave_cluster_set_network (cluster, CONCLAVE_NETWORK_LAN, &error))
    {
      g_printerr ("lan-fault-bench: %s\n", error->message);
      return 0;
    }
  if (conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)) != NULL)
    {
      g_printerr ("lan-fault-bench: %s\n", conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)));
      return 0;
    }
  conclave_cluster_add_program (cluster, "s2", echo, NULL, TRUE, NULL);
  conclave_cluster_add_program (cluster, "s1", ping, NULL, TRUE, NULL);
  trace_test_wait (cluster, echo_ready, NULL, 20, "the echo");
  g_print ("UDP round trips over the bridge, " ROUND_TRIPS " a batch, in us: median least most\n");
  for (guint run = 0; run < RUNS; run++)
    {
      g_autofree char *plain = NULL, *queued = NULL;

      conclave_faults_set_drop (faults, "s1", 0);
      plain = batch (cluster, ++number);
      conclave_faults_set_drop (faults, "s1", 1e-9);
      queued = batch (cluster, ++number);
      g_print ("no fault:           %s\nqueued, no delay:   %s\n", plain, queued);
    }
  trace_test_finish (g_steal_pointer (&cluster));
  return 0;
}
