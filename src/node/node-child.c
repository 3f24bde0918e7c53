/* node-child.c — real fork()ed children of a server.
 *
 * Keeps the set of live children so shutdown can end them and reaping
 * knows whose status it collected. The child side closes the race between
 * fork() and PR_SET_PDEATHSIG by checking getppid() right after.
 */
#include "node-child.h"

#include "conclave-report.h"
#include "node-hold.h"
#include "node-loop.h"
#include "node-report.h"
#include "node-roles.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static GHashTable *children;  /* pid → NULL */
static NodeReapedFunc reaped_func;

static void
collected (pid_t pid, int status)
{
  g_hash_table_remove (children, GINT_TO_POINTER (pid));
  node_report_reap (pid, status);
  if (reaped_func != NULL)
    reaped_func (pid, status);
}

static void
reap (void)
{
  pid_t pid;
  int status;

  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    collected (pid, status);
}

static void
ensure_table (void)
{
  if (children == NULL)
    children = g_hash_table_new (NULL, NULL);
  node_loop_set_child_func (reap);
}

void
node_child_set_reaped_func (NodeReapedFunc func)
{
  ensure_table ();
  reaped_func = func;
}

static G_NORETURN void
run_child (pid_t parent, NodeChildMain child_main, gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)  /* the parent died before prctl took effect */
    _exit (1);
  g_hash_table_remove_all (children);
  reaped_func = NULL;
  creport_after_fork ();
  node_loop_after_fork ();
  node_hold_after_fork ();
  exit (node_finish (child_main (data)));
}

pid_t
node_child_spawn (NodeChildMain child_main, gpointer data)
{
  pid_t parent = getpid ();
  pid_t pid;

  ensure_table ();
  fflush (NULL);  /* or the child would print the parent's buffered lines again */
  pid = fork ();
  if (pid == 0)
    run_child (parent, child_main, data);
  if (pid < 0)
    {
      fprintf (stderr, "fork: %s\n", g_strerror (errno));
      node_report_log ("warning", "fork failed: %s", g_strerror (errno));
      return -1;
    }
  g_hash_table_add (children, GINT_TO_POINTER (pid));
  node_report_fork (pid);
  return pid;
}

static void
signal_all (int signo)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, children);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    kill (GPOINTER_TO_INT (key), signo);
}

void
node_child_stop_all (int grace_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) grace_ms * 1000;
  pid_t pid;
  int status;

  if (children == NULL)
    return;
  reaped_func = NULL;  /* shutting down: nobody restarts anything */
  signal_all (SIGTERM);
  signal_all (SIGCONT);  /* a paused child must wake to hear SIGTERM */
  reap ();
  while (g_hash_table_size (children) > 0)
    {
      gint64 left_ms = (deadline - g_get_monotonic_time ()) / 1000;

      if (left_ms <= 0)
        break;
      node_loop_wait_child ((int) left_ms);
      reap ();
    }
  if (g_hash_table_size (children) == 0)
    return;
  signal_all (SIGKILL);
  while (g_hash_table_size (children) > 0 && (pid = waitpid (-1, &status, 0)) > 0)
    collected (pid, status);
}

guint
node_child_count (void)
{
  return children ? g_hash_table_size (children) : 0;
}
