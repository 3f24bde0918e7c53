/* lan-bench.c — what `--network lan` costs against loopback, side by side:
 * the time from asking for 10 nodes to all 10 running and saying so (each
 * on a host of its own: a namespace, a veth, an address), and the UDP
 * round trip of a C pair without the trace shim, over the bridge (two
 * hosts) and over loopback. Best and median of RUNS, the two networks
 * interleaved (the machine's load drifts). Figures, not a test: run it by
 * hand (ninja -C _build bench/lan-bench && _build/bench/lan-bench).
 *
 * It is also its own pair: `lan-bench echo PORT` answers every datagram,
 * `lan-bench ping HOST PORT N` sends N and prints "round trip: X us".
 */
#include "conclave-cluster.h"

#include <arpa/inet.h>
#include <locale.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define RUNS   5
#define NODES  10
#define ROUNDS 20000
#define PORT   "10009"

/* ---- the pair ---------------------------------------------------------- */

static int
echo_main (const char *port)
{
  struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons ((guint16) atoi (port)) };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  char buf[64];

  if (fd < 0 || bind (fd, (struct sockaddr *) &at, sizeof at) < 0)
    return perror ("echo"), 1;
  printf ("ready\n");
  fflush (stdout);
  for (;;)
    {
      struct sockaddr_in from;
      socklen_t len = sizeof from;
      ssize_t n = recvfrom (fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);

      if (n > 0)
        sendto (fd, buf, (size_t) n, 0, (struct sockaddr *) &from, len);
    }
}

static int
ping_main (const char *host, const char *port, int rounds)
{
  struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM }, *to = NULL;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);
  char buf[64] = "ping";
  gint64 start;

  if (fd < 0 || getaddrinfo (host, port, &hints, &to) != 0 || connect (fd, to->ai_addr, to->ai_addrlen) < 0)
    return fprintf (stderr, "ping: cannot reach %s:%s\n", host, port), 1;
  freeaddrinfo (to);
  /* The first one may wait for ARP: not counted. */
  send (fd, buf, 4, 0);
  recv (fd, buf, sizeof buf, 0);
  start = g_get_monotonic_time ();
  for (int i = 0; i < rounds; i++)
    {
      send (fd, buf, 4, 0);
      recv (fd, buf, sizeof buf, 0);
    }
  printf ("round trip: %.2f us\n", (double) (g_get_monotonic_time () - start) / rounds);
  return 0;
}

/* ---- driving a cluster ------------------------------------------------- */

static ConclaveCluster *
new_cluster (ConclaveNetwork network)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);

  if (cluster == NULL || !conclave_cluster_set_network (cluster, network, &error))
    g_error ("%s", error->message);
  return cluster;
}

static void
finish (ConclaveCluster *cluster)
{
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

/* The node has printed a line starting with `prefix`: that line, or NULL. */
static const char *
said (ConclaveCluster *cluster, const char *name, const char *prefix)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);

  for (guint i = 0; node != NULL && i < conclave_node_get_n_output (node); i++)
    if (g_str_has_prefix (conclave_node_get_output (node, i, NULL), prefix))
      return conclave_node_get_output (node, i, NULL);
  return NULL;
}

static void
wait_said (ConclaveCluster *cluster, const char *name, const char *prefix)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (said (cluster, name, prefix) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s never said “%s”", name, prefix);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
add (ConclaveCluster *cluster, const char *name, const char * const *argv)
{
  g_autoptr(GError) error = NULL;

  if (conclave_cluster_add_program (cluster, name, argv, NULL, TRUE, &error) == NULL)
    g_error ("%s", error->message);
}

/* Milliseconds from asking for NODES nodes to all of them saying "up". */
static double
startup_ms (ConclaveNetwork network)
{
  ConclaveCluster *cluster = new_cluster (network);
  const char *argv[] = { "/bin/sh", "-c", "echo up; exec sleep 60", NULL };
  gint64 start = g_get_monotonic_time ();
  double ms;

  for (int i = 0; i < NODES; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%d", i + 1);
      add (cluster, name, argv);
    }
  for (int i = 0; i < NODES; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%d", i + 1);
      wait_said (cluster, name, "up");
    }
  ms = (double) (g_get_monotonic_time () - start) / 1000;
  finish (cluster);
  return ms;
}

/* µs per UDP round trip between two nodes, without the shim: over the
 * bridge between two hosts, or over loopback. */
static double
round_trip_us (ConclaveNetwork network, const char *self)
{
  ConclaveCluster *cluster = new_cluster (network);
  g_autofree char *rounds = g_strdup_printf ("%d", ROUNDS);
  const char *echo[] = { "/usr/bin/env", "-u", "LD_PRELOAD", self, "echo", PORT, NULL };
  const char *ping[] = { "/usr/bin/env", "-u", "LD_PRELOAD", self, "ping",
                         network == CONCLAVE_NETWORK_LAN ? "s1" : "127.0.0.1", PORT, rounds, NULL };
  double us;

  add (cluster, "s1", echo);
  wait_said (cluster, "s1", "ready");
  add (cluster, "c1", ping);
  wait_said (cluster, "c1", "round trip: ");
  us = g_ascii_strtod (said (cluster, "c1", "round trip: ") + strlen ("round trip: "), NULL);
  finish (cluster);
  return us;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
report (const char *what, const char *unit, double lan[RUNS], double loopback[RUNS])
{
  qsort (lan, RUNS, sizeof *lan, compare_doubles);
  qsort (loopback, RUNS, sizeof *loopback, compare_doubles);
  g_print ("%s\n  lan:      best %7.1f %s, median %7.1f %s\n  loopback: best %7.1f %s, median %7.1f %s\n",
           what, lan[0], unit, lan[RUNS / 2], unit, loopback[0], unit, loopback[RUNS / 2], unit);
}

int
main (int argc, char *argv[])
{
  double lan[RUNS], loopback[RUNS];
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  setlocale (LC_ALL, "");
  if (argc == 3 && g_str_equal (argv[1], "echo"))
    return echo_main (argv[2]);
  if (argc == 5 && g_str_equal (argv[1], "ping"))
    return ping_main (argv[2], argv[3], atoi (argv[4]));
  for (int i = 0; i < RUNS; i++)
    {
      lan[i] = startup_ms (CONCLAVE_NETWORK_LAN);
      loopback[i] = startup_ms (CONCLAVE_NETWORK_LOOPBACK);
    }
  report ("10 nodes from asking to all running (ms)", "ms", lan, loopback);
  for (int i = 0; i < RUNS; i++)
    {
      lan[i] = round_trip_us (CONCLAVE_NETWORK_LAN, self);
      loopback[i] = round_trip_us (CONCLAVE_NETWORK_LOOPBACK, self);
    }
  report ("UDP round trip of a C pair without the shim (µs), " G_STRINGIFY (ROUNDS) " rounds", "µs", lan, loopback);
  return 0;
}
