/* orphan-controller.c — test helper: a controller for test-orphans to kill.
 *
 * Usage: orphan-controller FORKER
 * Spawns 10 nodes through the supervisor: real conclave-node servers and
 * clients (a pool server, a fork server, a UDP pair) when that program is
 * built, and orphan-forker processes (children and grandchildren) for the
 * rest. Once they are set up it prints every node ("node NAME PID") and every
 * process below itself ("pid PID START_TIME", found by walking the ppid links
 * in /proc), then "done", and waits to be killed. test-orphans then SIGKILLs
 * it and checks that none of those processes survives.
 */
#include <stdio.h>
#include <unistd.h>

#include "conclave-supervisor.h"
#include "sup-test-util.h"

#define N_NODES 10
#define POOL_WORKERS 3
#define SETUP_TIMEOUT_MS 8000

typedef struct {
  guint forkers;
  guint forkers_ready;
  gint pool_pid;
} Setup;

static void
on_output (ConclaveSupervisor *sup,
           const char         *name,
           gint                stream,
           const char         *line,
           Setup              *setup)
{
  if (g_str_has_prefix (name, "f") && g_str_has_prefix (line, "ready "))
    setup->forkers_ready++;
}

static guint
count_children (gint pid)
{
  g_autoptr(GArray) procs = conclave_proc_list ();
  guint n = 0;

  for (guint i = 0; i < procs->len; i++)
    n += g_array_index (procs, ConclaveProcStat, i).ppid == pid;
  return n;
}

static gboolean
set_up (gpointer data)
{
  Setup *setup = data;

  return setup->forkers_ready == setup->forkers &&
         (setup->pool_pid == 0 || count_children (setup->pool_pid) >= POOL_WORKERS);
}

static gint
spawn (ConclaveSupervisor *sup,
       const char         *name,
       const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  gint pid = conclave_supervisor_spawn (sup, name, argv, NULL, &error);

  if (pid == 0)
    g_error ("spawning %s: %s", name, error->message);
  printf ("node %s %d\n", name, pid);
  return pid;
}

/* The real node program's servers and clients: 4 nodes. */
static void
spawn_real_nodes (ConclaveSupervisor *sup,
                  const char         *program,
                  Setup              *setup)
{
  g_autofree char *p1 = g_strdup_printf ("%u", sup_free_udp_port ());
  g_autofree char *p2 = g_strdup_printf ("%u", sup_free_udp_port ());
  g_autofree char *p3 = g_strdup_printf ("%u", sup_free_udp_port ());
  g_autofree char *workers = g_strdup_printf ("%d", POOL_WORKERS);
  const char *pool[] = { program, "pool-server", "--port", p1, "--workers", workers, NULL };
  const char *forking[] = { program, "fork-server", "--port", p2, NULL };
  const char *server[] = { program, "udp-server", "--port", p3, NULL };
  const char *client[] = { program, "udp-client", "--port", p2, "--count", "0", NULL };

  setup->pool_pid = spawn (sup, "s1", pool);
  spawn (sup, "s2", forking);
  spawn (sup, "s3", server);
  spawn (sup, "c1", client);   /* talks to the fork server, which forks for it */
}

static void
print_descendants (void)
{
  g_autoptr(GArray) procs = conclave_proc_list ();
  g_autoptr(GHashTable) ours = g_hash_table_new (NULL, NULL);
  gboolean grew = TRUE;

  g_hash_table_add (ours, GINT_TO_POINTER (getpid ()));
  /* Parents may come after their children in /proc: repeat until stable. */
  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < procs->len; i++)
        {
          ConclaveProcStat *st = &g_array_index (procs, ConclaveProcStat, i);

          if (g_hash_table_contains (ours, GINT_TO_POINTER (st->ppid)) &&
              g_hash_table_add (ours, GINT_TO_POINTER (st->pid)))
            {
              printf ("pid %d %" G_GUINT64_FORMAT "\n", st->pid, st->start_time);
              grew = TRUE;
            }
        }
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(ConclaveSupervisor) sup = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *node_program = conclave_find_program ("conclave-node");
  gboolean real = g_file_test (node_program, G_FILE_TEST_IS_EXECUTABLE);
  Setup setup = { 0 };

  if (argc != 2)
    {
      fprintf (stderr, "usage: orphan-controller FORKER\n");
      return 2;
    }

  sup = conclave_supervisor_new ("/nonexistent/control.sock");
  g_signal_connect (sup, "output", G_CALLBACK (on_output), &setup);
  if (real)
    spawn_real_nodes (sup, node_program, &setup);
  for (guint i = real ? 4 : 0; i < N_NODES; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", ++setup.forkers);
      const char *forker[] = { argv[1], "2", "1", NULL };

      spawn (sup, name, forker);
    }

  if (!sup_wait_until (set_up, &setup, SETUP_TIMEOUT_MS))
    fprintf (stderr, "orphan-controller: not all set up (%u of %u forkers ready)\n",
             setup.forkers_ready, setup.forkers);
  print_descendants ();
  printf ("done\n");
  fflush (stdout);

  g_main_loop_run (loop);
  return 0;
}
