/* trace-bench.c — what the trace shim costs: UDP round trips of a C pair
 * and of a Python pair, without the shim, with it but nobody listening, and
 * with it reporting to a real ConclaveCluster; printed as µs per round trip
 * and µs per traced call (a round trip is four: send and receive on each
 * side). Figures, not a test: run it by hand (ninja -C _build bench/trace-bench).
 */
#include "conclave-cluster.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define RUNS 5

static const char python_pair[] =
  "import os, socket, sys, time\n"
  "n = int(sys.argv[1])\n"
  "a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(('127.0.0.1', 0))\n"
  "b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(('127.0.0.1', 0))\n"
  "to = b.getsockname()\n"
  "pid = os.fork()\n"
  "if pid == 0:\n"
  "    while True:\n"
  "        d, addr = b.recvfrom(64)\n"
  "        if d == b'stop':\n"
  "            os._exit(0)\n"
  "        b.sendto(d, addr)\n"
  "t = time.perf_counter()\n"
  "for i in range(n):\n"
  "    a.sendto(b'ping %d' % i, to)\n"
  "    a.recv(64)\n"
  "e = time.perf_counter() - t\n"
  "a.sendto(b'stop', to)\n"
  "os.waitpid(pid, 0)\n"
  "print('round trip: %.2f us' % (e / n * 1e6), file=sys.stderr)\n";

/* "round trip: 12.34 us" somewhere in text → 12.34 */
static double
parse_round_trip (const char *text)
{
  const char *p = text ? strstr (text, "round trip: ") : NULL;

  if (p == NULL)
    g_error ("no round trip figure in: %s", text ? text : "(nothing)");
  return g_ascii_strtod (p + strlen ("round trip: "), NULL);
}

/* CPU seconds (user + system) of every child we have reaped so far: the
 * traced program's own cost, whatever the controller and the scheduler do. */
static double
children_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static double last_cpu;   /* CPU seconds of the last run's program */

static double
run_plain (const char * const *argv, const char *preload)
{
  double cpu0 = children_cpu ();
  double figure;
  g_auto(GStrv) env = g_environ_unsetenv (g_get_environ (), "CONCLAVE_CONTROL");
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status;

  env = preload ? g_environ_setenv (env, "LD_PRELOAD", preload, TRUE) : g_environ_unsetenv (env, "LD_PRELOAD");
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[0], error->message);
  figure = parse_round_trip (err);
  last_cpu = children_cpu () - cpu0;
  return figure;
}

static gboolean
ended (ConclaveNode *node)
{
  return conclave_node_get_state (node) >= CONCLAVE_NODE_EXITED;
}

static double
run_traced (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);
  ConclaveNode *node;
  double figure = 0;
  double cpu0 = children_cpu ();

  if (cluster == NULL)
    g_error ("%s", error->message);
  node = conclave_cluster_add_program (cluster, "c1", argv, NULL, FALSE, &error);
  if (node == NULL)
    g_error ("%s", error->message);
  while (!ended (node))
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < conclave_node_get_n_output (node); i++)
    {
      const char *line = conclave_node_get_output (node, i, NULL);
      if (strstr (line, "round trip: ") != NULL)
        figure = parse_round_trip (line);
    }
  if (figure == 0)
    g_error ("%s gave no figure", argv[0]);
  /* Say whether the controller kept up: a lossy run would flatter the shim. */
  g_print ("    (%" G_GUINT64_FORMAT " events reached the controller for %d calls)\n",
           conclave_event_store_get_end (conclave_cluster_get_store (cluster)),
           4 * atoi (argv[g_strv_length ((char **) argv) - 1]));
  last_cpu = children_cpu () - cpu0;
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
  return figure;
}

/* The three ways interleaved, RUNS times, best of each: the machine's load
 * drifts, and the best run is the least disturbed by it. */
static void
bench_pair (const char *title, const char * const *argv, guint calls)
{
  g_autofree char *shim = conclave_find_trace_library ();
  double plain = G_MAXDOUBLE, idle = G_MAXDOUBLE, traced = G_MAXDOUBLE;
  double plain_cpu = G_MAXDOUBLE, traced_cpu = G_MAXDOUBLE;

  for (int i = 0; i < RUNS; i++)
    {
      plain = MIN (plain, run_plain (argv, NULL));
      plain_cpu = MIN (plain_cpu, last_cpu);
      idle = MIN (idle, run_plain (argv, shim));
      traced = MIN (traced, run_traced (argv));
      traced_cpu = MIN (traced_cpu, last_cpu);
    }
  g_print ("%s\n", title);
  g_print ("  without the shim:             %8.2f us per round trip\n", plain);
  g_print ("  shim, nobody listening:       %8.2f us per round trip  (%+.2f us per call)\n",
           idle, (idle - plain) / 4);
  g_print ("  shim, reporting to a cluster: %8.2f us per round trip  (%+.2f us per traced call)\n",
           traced, (traced - plain) / 4);
  g_print ("  CPU of the traced program:    %8.2f us per call plain, %.2f traced  (%+.2f us per traced call)\n",
           plain_cpu * 1e6 / calls, traced_cpu * 1e6 / calls, (traced_cpu - plain_cpu) * 1e6 / calls);
}

int
main (int argc, char *argv[])
{
  const char *exercise = g_getenv ("CONCLAVE_TRACE_EXERCISE");
  const char *c_rounds = argc > 1 ? argv[1] : "20000";
  const char *py_rounds = argc > 2 ? argv[2] : "10000";

  if (exercise == NULL)
    exercise = TRACE_EXERCISE;
  {
    const char *c_pair[] = { exercise, "pingpong", c_rounds, NULL };
    const char *c_self[] = { exercise, "selfping", c_rounds, NULL };
    const char *py_pair[] = { "/usr/bin/python3", "-c", python_pair, py_rounds, NULL };

    g_print ("UDP round trips on loopback, best of %d runs (a round trip = 4 traced calls)\n", RUNS);
    bench_pair ("C, one thread sending to itself (trace-exercise selfping: the shim's own cost)",
                c_self, 4 * (guint) atoi (c_rounds));
    bench_pair ("C pair (trace-exercise pingpong)", c_pair, 4 * (guint) atoi (c_rounds));
    bench_pair ("Python pair", py_pair, 4 * (guint) atoi (py_rounds));
  }
  return 0;
}
