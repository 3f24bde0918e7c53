/* test-detached.c — what a node detaches (fork, setsid, fork again) does
 * not outlive the node or the controller.
 *
 * A real program (detacher.py) leaves a daemon in its own session; then:
 * the node is crashed, or removed — the daemon is gone at once, reaped,
 * not even a zombie; conclave-run is SIGKILLed — its keeper kills the
 * daemon within two seconds and removes the runtime directory; and a
 * runtime directory of a controller that died without its keeper is
 * removed at the next start, while a live controller's stays.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "conclave-cluster.h"
#include "conclave-proc.h"
#include "conclave-tagged.h"
#include "sup-test-util.h"

#define DEATH_TIMEOUT_US (2 * G_USEC_PER_SEC)

typedef struct {
  char *path;
  gint  pid;
} PidFile;

static gboolean
pid_written (gpointer data)
{
  PidFile *file = data;
  g_autofree char *text = NULL;

  if (!g_file_get_contents (file->path, &text, NULL, NULL))
    return FALSE;
  file->pid = atoi (text);
  return file->pid > 0;
}

static char *
detacher (void)
{
  return g_test_build_filename (G_TEST_DIST, "core", "detacher.py", NULL);
}

/* The daemon of a node started in `cluster`, once it has detached. */
static gint
start_detacher (ConclaveCluster *cluster, const char *name, const char *dir)
{
  g_autofree char *script = detacher ();
  PidFile file = { g_build_filename (dir, name, NULL), 0 };
  const char *argv[] = { "/usr/bin/python3", script, file.path, NULL };
  g_autoptr(GError) error = NULL;
  ConclaveProcStat st;
  gint node_pid;

  g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (sup_wait_until (pid_written, &file, 10000));
  g_free (file.path);
  node_pid = conclave_node_get_pid (conclave_cluster_lookup (cluster, name));
  /* Truly detached: no process group of the node's leads to it. */
  g_assert_true (conclave_proc_stat_read (file.pid, &st));
  g_assert_cmpint (st.pgrp, !=, node_pid);
  return file.pid;
}

static void
test_crash_and_remove (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveCluster) cluster = conclave_cluster_new (&error);
  g_autofree char *dir = g_dir_make_tmp ("conclave-detached-XXXXXX", NULL);
  gint crashed, removed, other;

  g_assert_no_error (error);
  crashed = start_detacher (cluster, "d1", dir);
  removed = start_detacher (cluster, "d2", dir);
  other = start_detacher (cluster, "d3", dir);

  g_assert_true (conclave_cluster_crash (cluster, "d1"));
  g_assert_cmpint (sup_process_state (crashed), ==, 0);   /* killed and reaped */
  g_assert_true (sup_process_alive (other, 0));          /* only the crashed node's */
  g_assert_true (conclave_cluster_remove (cluster, "d2"));
  g_assert_cmpint (sup_process_state (removed), ==, 0);
  g_assert_true (sup_process_alive (other, 0));

  conclave_cluster_shutdown (cluster);
  g_clear_object (&cluster);  /* the keeper ends the rest */
  {
    g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));
    g_array_append_val (pids, other);
    g_assert_true (conclave_proc_wait_ended (pids, g_get_monotonic_time () + DEATH_TIMEOUT_US));
  }
  g_assert_false (sup_process_alive (other, 0));
  ctagged_remove_dir (dir);
}

static gboolean
dir_empty (gpointer data)
{
  g_autoptr(GDir) dir = g_dir_open (data, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) == NULL;
}

/* conclave-run, SIGKILLed with a daemon of its node running. */
static void
test_controller_killed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-detached-XXXXXX", NULL);
  g_autofree char *runtime = g_build_filename (dir, "runtime", NULL);
  g_autofree char *script = detacher ();
  g_autofree char *pidfile = g_build_filename (dir, "daemon", NULL);
  g_autofree char *spec = g_strdup_printf ("d1=exec:/usr/bin/python3 %s %s", script, pidfile);
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "--node", spec, "--duration", "60s", NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_RUNTIME_DIR", runtime, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));
  PidFile file = { pidfile, 0 };
  g_autoptr(GDir) left = NULL;
  GPid run;
  int status;

  g_assert_nonnull (argv[0]);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_assert_true (g_spawn_async (NULL, (char **) argv, env, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &run, &error));
  g_assert_no_error (error);
  g_assert_true (sup_wait_until (pid_written, &file, 15000));
  g_assert_true (sup_process_alive (file.pid, 0));

  kill (run, SIGKILL);
  g_assert_cmpint (waitpid (run, &status, 0), ==, run);
  g_array_append_val (pids, file.pid);
  g_assert_true (conclave_proc_wait_ended (pids, g_get_monotonic_time () + DEATH_TIMEOUT_US));
  /* And its private directory is gone (the keeper finishes just after). */
  g_assert_true (sup_wait_until (dir_empty, runtime, 5000));
  ctagged_remove_dir (dir);
}

/* A fake controller directory in runtime: name, owner file text (NULL:
 * none). */
static char *
make_runtime_dir (const char *runtime, const char *name, const char *owner)
{
  g_autofree char *path = g_build_filename (runtime, name, NULL);
  g_autofree char *state = g_build_filename (path, "state", NULL);
  g_autofree char *log = g_build_filename (state, "s1.log", NULL);
  g_autofree char *file = g_build_filename (path, "controller", NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (state, 0700), ==, 0);
  g_assert_true (g_file_set_contents (log, "1 c1:1 hi\n", -1, NULL));
  if (owner != NULL)
    g_assert_true (g_file_set_contents (file, owner, -1, NULL));
  return g_steal_pointer (&path);
}

/* An old directory without an owner file (an older Conclave's), its
 * socket file left behind by a dead one. */
static char *
make_old_dir (const char *runtime, const char *name)
{
  char *path = make_runtime_dir (runtime, name, NULL);
  g_autofree char *socket_path = g_build_filename (path, "control.sock", NULL);
  struct utimbuf two_minutes_ago = { time (NULL) - 120, time (NULL) - 120 };

  g_assert_true (g_file_set_contents (socket_path, "", 0, NULL));
  g_assert_cmpint (utime (path, &two_minutes_ago), ==, 0);
  return path;
}

/* At start, a dead controller's directory goes, with the process it left
 * (tagged with its socket); a live controller's stays, and so do those
 * that cannot be judged: without an owner file (an older Conclave's, or
 * one starting now), or from another pid namespace (a sandbox). */
static void
test_stale_directories (void)
{
  g_autofree char *runtime = g_dir_make_tmp ("conclave-runtime-XXXXXX", NULL);
  g_autofree char *me = NULL;
  g_autofree char *ns = g_file_read_link ("/proc/self/ns/pid", NULL);
  g_autofree char *dead_owner = g_strdup_printf ("1 0 %s\n", ns);
  g_autofree char *other_owner = g_strdup_printf ("1 0 pid:[1]\n");
  g_autofree char *dead = make_runtime_dir (runtime, "conclave-dead01", dead_owner);
  g_autofree char *elsewhere = make_runtime_dir (runtime, "conclave-other1", other_owner);
  g_autofree char *alive = NULL;
  g_autofree char *young = make_runtime_dir (runtime, "conclave-young1", NULL);
  g_autofree char *old = make_old_dir (runtime, "conclave-old001");
  g_autofree char *tag = g_strdup_printf ("CONCLAVE_CONTROL=%s/control.sock", dead);
  const char *leftover_argv[] = { "/bin/sleep", "300", NULL };
  const char *run_argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "chapter-1", "--duration", "300ms", NULL };
  g_auto(GStrv) leftover_env = g_environ_setenv (g_get_environ (), "CONCLAVE_CONTROL", strchr (tag, '=') + 1, TRUE);
  g_auto(GStrv) run_env = g_environ_setenv (g_get_environ (), "XDG_RUNTIME_DIR", runtime, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));
  ConclaveProcStat st;
  GPid leftover;
  int status;

  g_assert_true (conclave_proc_stat_read (getpid (), &st));
  me = g_strdup_printf ("%d %" G_GUINT64_FORMAT " %s\n", st.pid, st.start_time, ns);
  alive = make_runtime_dir (runtime, "conclave-alive1", me);
  g_assert_true (g_spawn_async (NULL, (char **) leftover_argv, leftover_env, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &leftover, &error));
  g_assert_no_error (error);
  g_assert_nonnull (run_argv[0]);
  g_assert_true (g_spawn_sync (NULL, (char **) run_argv, run_env, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (alive, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (young, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (old, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (elsewhere, G_FILE_TEST_IS_DIR));
  ctagged_remove_dir (old);
  ctagged_remove_dir (elsewhere);
  g_assert_cmpint (waitpid (leftover, &status, 0), ==, leftover);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  ctagged_remove_dir (alive);
  ctagged_remove_dir (young);
  g_rmdir (runtime);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/detached/crash-and-remove", test_crash_and_remove);
  g_test_add_func ("/detached/controller-killed", test_controller_killed);
  g_test_add_func ("/detached/stale-directories", test_stale_directories);
  return g_test_run ();
}
