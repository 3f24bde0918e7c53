/* node-main.c — conclave-node: the lecture's servers and clients, one binary.
 *
 * Picks the subcommand (role), and owns the start and the end of every
 * process's life: connect the reporter, report `exit`, drain. It must never
 * exit with a reason the controller was not told (except on bad arguments,
 * which are refused before anything connects).
 */
#include "config.h"

#include "conclave-report.h"
#include "node-control.h"
#include "node-loop.h"
#include "node-report.h"
#include "node-roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  const char *summary;
  int (*main) (int argc, char **argv);
} Role;

static const Role roles[] = {
  { "udp-server", "chapter 1: answer every UDP hello", node_udp_server_main },
  { "udp-client", "chapter 1: send UDP hellos and wait for the replies", node_udp_client_main },
  { "tcp-server", "chapter 1: the same over TCP (bind, listen, accept)", node_tcp_server_main },
  { "tcp-client", "chapter 1: the same over TCP (connect, send, recv)", node_tcp_client_main },
  { "fork-server", "chapter 2: fork a process per request; it replies with its PID", node_fork_server_main },
  { "pool-server", "chapter 3: N pre-forked workers square numbers", node_pool_server_main },
  { "square-client", "chapter 3: send numbers, several in flight, check the squares", node_square_client_main },
};

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: conclave-node ROLE [OPTION…]\n\n"
           "The lecture's servers and clients as real processes on 127.0.0.1.\n"
           "With CONCLAVE_CONTROL set they report every message to Conclave.\n\n"
           "Roles:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    fprintf (out, "  %-14s %s\n", roles[i].name, roles[i].summary);
  fprintf (out,
           "\nEvery role takes --port (default %d); “conclave-node ROLE --help” tells the rest.\n"
           "Environment: CONCLAVE_CONTROL, CONCLAVE_NODE, CONCLAVE_TEMPO (time scale, default 1.0).\n",
           NODE_DEFAULT_PORT);
}

void
node_start (const char *role)
{
  g_autoptr(GError) error = NULL;

  if (!node_control_init (&error))
    {
      fprintf (stderr, "conclave-node %s: %s\n", role, error->message);
      exit (2);
    }
  node_loop_init ();
  creport_init (role, "conclave-node");
}

int
node_finish (int code)
{
  node_report_exit (code);
  node_loop_drain (500);
  fflush (stdout);
  return code;
}

char *
node_printable (const char *data, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (data, (gssize) len);

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7F)
      *p = '.';
  return g_steal_pointer (&valid);
}

int
main (int argc, char **argv)
{
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc < 2)
    {
      usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("conclave-node %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    if (strcmp (argv[1], roles[i].name) == 0)
      return roles[i].main (argc - 1, argv + 1);
  fprintf (stderr, "conclave-node: unknown role “%s”\n\n", argv[1]);
  usage (stderr);
  return 2;
}
