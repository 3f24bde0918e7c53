/* test-orphans.c — nothing the controller started outlives it, even when it
 * is killed with SIGKILL and cannot clean up.
 *
 * Runs orphan-controller (which spawns 10 nodes with children and
 * grandchildren through the supervisor and lists every process below
 * itself), SIGKILLs it, and checks within 2 s, by polling /proc, that none
 * of the listed processes is left.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conclave-supervisor.h"
#include "sup-test-util.h"

#define LISTING_TIMEOUT_MS 20000
#define DEATH_TIMEOUT_MS 2000

typedef struct {
  gint pid;
  guint64 start_time;
} Proc;

typedef struct {
  GDataInputStream *out;
  GPtrArray *lines;
  gboolean done;
  gboolean eof;
} Listing;

static void read_next (Listing *listing);

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      data)
{
  Listing *listing = data;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object),
                                                          result, NULL, NULL);

  if (line == NULL)
    {
      listing->eof = TRUE;
      return;
    }
  if (g_str_equal (line, "done"))
    listing->done = TRUE;
  g_ptr_array_add (listing->lines, line);
  if (!listing->done)
    read_next (listing);
}

static void
read_next (Listing *listing)
{
  g_data_input_stream_read_line_async (listing->out, G_PRIORITY_DEFAULT, NULL, on_line, listing);
}

static gboolean
listing_finished (gpointer data)
{
  Listing *listing = data;

  return listing->done || listing->eof;
}

/* If this test dies, the controller must not wait forever. */
static void
die_with_test (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
helper_path (const char *name)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self);

  return g_build_filename (dir, name, NULL);
}

/* Reaps what was re-parented to us (we are a subreaper too), then looks. */
static guint
count_alive (GArray *procs)
{
  guint alive = 0;

  for (guint i = 0; i < procs->len; i++)
    {
      const Proc *proc = &g_array_index (procs, Proc, i);

      waitpid (proc->pid, NULL, WNOHANG);
      alive += sup_process_alive (proc->pid, proc->start_time);
    }
  return alive;
}

static gboolean
all_dead (gpointer data)
{
  return count_alive (data) == 0;
}

static void
parse_listing (GPtrArray *lines,
               GArray    *procs,
               GArray    *nodes)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      Proc proc = { 0 };
      char name[32];

      if (sscanf (line, "pid %d %" G_GUINT64_FORMAT, &proc.pid, &proc.start_time) == 2)
        g_array_append_val (procs, proc);
      else if (sscanf (line, "node %31s %d", name, &proc.pid) == 2)
        g_array_append_val (nodes, proc.pid);
    }
}

static void
check_listing (GArray *procs,
               GArray *nodes)
{
  g_autoptr(GHashTable) listed = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (nodes->len, ==, 10);
  /* 10 nodes; the forkers have 2 children and 2 grandchildren each. */
  g_assert_cmpuint (procs->len, >=, 10 + 4 * 6);
  for (guint i = 0; i < procs->len; i++)
    {
      const Proc *proc = &g_array_index (procs, Proc, i);

      g_assert_true (sup_process_alive (proc->pid, proc->start_time));
      g_hash_table_add (listed, GINT_TO_POINTER (proc->pid));
    }
  for (guint i = 0; i < nodes->len; i++)
    {
      gint pid = g_array_index (nodes, gint, i);
      ConclaveProcStat stat;

      g_assert_true (g_hash_table_contains (listed, GINT_TO_POINTER (pid)));
      g_assert_true (conclave_proc_stat_read (pid, &stat));
      g_assert_cmpint (stat.pgrp, ==, pid);   /* each node its own group */
    }
}

static void
report_survivors (GArray *procs)
{
  for (guint i = 0; i < procs->len; i++)
    {
      const Proc *proc = &g_array_index (procs, Proc, i);

      if (sup_process_alive (proc->pid, proc->start_time))
        g_test_message ("survivor: pid %d, state %c", proc->pid, sup_process_state (proc->pid));
    }
}

static void
test_sigkill_leaves_nothing (void)
{
  g_autofree char *controller = helper_path ("orphan-controller");
  g_autofree char *forker = helper_path ("orphan-forker");
  const char *argv[] = { controller, forker, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GArray) procs = g_array_new (FALSE, FALSE, sizeof (Proc));
  g_autoptr(GArray) nodes = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  Listing listing = { NULL, lines, FALSE, FALSE };
  gint64 killed_at;

  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  listing.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  read_next (&listing);
  g_assert_true (sup_wait_until (listing_finished, &listing, LISTING_TIMEOUT_MS));
  g_assert_true (listing.done);

  parse_listing (lines, procs, nodes);
  g_test_message ("controller listed %u processes under %u nodes", procs->len, nodes->len);
  check_listing (procs, nodes);

  g_assert_cmpint (kill (atoi (g_subprocess_get_identifier (process)), SIGKILL), ==, 0);
  killed_at = g_get_monotonic_time ();
  if (!sup_wait_until (all_dead, procs, DEATH_TIMEOUT_MS))
    {
      report_survivors (procs);
      g_error ("%u of %u processes outlived their controller by %d ms",
               count_alive (procs), procs->len, DEATH_TIMEOUT_MS);
    }
  g_test_message ("all gone %" G_GINT64_FORMAT " ms after the SIGKILL",
                  (g_get_monotonic_time () - killed_at) / 1000);

  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (process));
  g_assert_cmpint (g_subprocess_get_term_sig (process), ==, SIGKILL);
  g_object_unref (listing.out);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Orphans of the killed controller come to us, so we can reap them and
   * "gone" means gone, whatever init does with zombies here. */
  prctl (PR_SET_CHILD_SUBREAPER, 1);

  g_test_add_func ("/orphans/sigkill-leaves-nothing", test_sigkill_leaves_nothing);

  return g_test_run ();
}
