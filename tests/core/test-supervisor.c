/* test-supervisor.c — the supervisor against real processes: output capture,
 * exit reports, group signals (crash, stop, pause, resume), orphans, kill_all
 * and dispose. The child programs are /bin/sh scripts (tests only; the app
 * never uses a shell) and, when it is built, the real conclave-node.
 * No fixed sleeps: every wait is for a condition, with a deadline.
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conclave-node.h"
#include "conclave-supervisor.h"
#include "sup-test-util.h"

#define TIMEOUT_MS 5000

typedef struct {
  char *name;
  gint pid;
  gint code;
  gint signum;
  guint lines_before;   /* output lines seen when it was reported */
} Exit;

typedef struct {
  ConclaveSupervisor *sup;
  GPtrArray *lines;     /* "NAME STREAM TEXT", STREAM 1 = stdout, 2 = stderr */
  GPtrArray *exits;     /* Exit* */
  GPtrArray *spawned;   /* "NAME PID" */
} Fixture;

static void
exit_free (Exit *exit)
{
  g_free (exit->name);
  g_free (exit);
}

static void
on_output (ConclaveSupervisor *sup,
           const char         *name,
           gint                stream,
           const char         *line,
           Fixture            *f)
{
  g_assert_true (g_utf8_validate (line, -1, NULL));
  g_ptr_array_add (f->lines, g_strdup_printf ("%s %d %s", name,
                                              stream == CONCLAVE_OUTPUT_STDOUT ? 1 : 2, line));
}

static void
on_exited (ConclaveSupervisor *sup,
           const char         *name,
           gint                pid,
           gint                code,
           gint                signum,
           Fixture            *f)
{
  Exit *exit = g_new0 (Exit, 1);

  exit->name = g_strdup (name);
  exit->pid = pid;
  exit->code = code;
  exit->signum = signum;
  exit->lines_before = f->lines->len;
  g_ptr_array_add (f->exits, exit);
}

static void
on_spawned (ConclaveSupervisor *sup,
            const char         *name,
            gint                pid,
            Fixture            *f)
{
  g_ptr_array_add (f->spawned, g_strdup_printf ("%s %d", name, pid));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->sup = conclave_supervisor_new ("/nonexistent/control.sock");
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->exits = g_ptr_array_new_with_free_func ((GDestroyNotify) exit_free);
  f->spawned = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->sup, "output", G_CALLBACK (on_output), f);
  g_signal_connect (f->sup, "exited", G_CALLBACK (on_exited), f);
  g_signal_connect (f->sup, "spawned", G_CALLBACK (on_spawned), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->sup != NULL)
    {
      g_signal_handlers_disconnect_by_data (f->sup, f);
      g_clear_object (&f->sup);
    }
  g_ptr_array_unref (f->lines);
  g_ptr_array_unref (f->exits);
  g_ptr_array_unref (f->spawned);
}

/* --- helpers ------------------------------------------------------------- */

static gint
spawn_sh (Fixture    *f,
          const char *name,
          const char *script)
{
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;
  gint pid = conclave_supervisor_spawn (f->sup, name, argv, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (pid, >, 0);
  return pid;
}

typedef struct {
  Fixture *f;
  const char *text;
} LineWait;

static gboolean
has_line (gpointer data)
{
  LineWait *w = data;

  for (guint i = 0; i < w->f->lines->len; i++)
    if (g_str_equal (g_ptr_array_index (w->f->lines, i), w->text))
      return TRUE;
  return FALSE;
}

static void
wait_line (Fixture    *f,
           const char *text)
{
  LineWait w = { f, text };

  if (!sup_wait_until (has_line, &w, TIMEOUT_MS))
    g_error ("no output line “%s” within %d ms", text, TIMEOUT_MS);
}

static gboolean
has_prefix_line (gpointer data)
{
  LineWait *w = data;

  for (guint i = 0; i < w->f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (w->f->lines, i), w->text))
      return TRUE;
  return FALSE;
}

/* The number printed on the line "NAME 1 PREFIXnumber". */
static gint
wait_number (Fixture    *f,
             const char *name,
             const char *prefix)
{
  g_autofree char *start = g_strdup_printf ("%s 1 %s", name, prefix);
  LineWait w = { f, start };

  if (!sup_wait_until (has_prefix_line, &w, TIMEOUT_MS))
    g_error ("no line starting “%s” within %d ms", start, TIMEOUT_MS);
  for (guint i = 0; i < f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->lines, i), start))
      return atoi ((char *) g_ptr_array_index (f->lines, i) + strlen (start));
  g_assert_not_reached ();
}

typedef struct {
  Fixture *f;
  const char *name;
} ExitWait;

static gboolean
has_exit (gpointer data)
{
  ExitWait *w = data;

  for (guint i = 0; i < w->f->exits->len; i++)
    if (g_str_equal (((Exit *) g_ptr_array_index (w->f->exits, i))->name, w->name))
      return TRUE;
  return FALSE;
}

static const Exit *
wait_exit (Fixture    *f,
           const char *name)
{
  ExitWait w = { f, name };

  if (!sup_wait_until (has_exit, &w, TIMEOUT_MS))
    g_error ("%s did not exit within %d ms", name, TIMEOUT_MS);
  for (guint i = f->exits->len; i > 0; i--)
    if (g_str_equal (((Exit *) g_ptr_array_index (f->exits, i - 1))->name, name))
      return g_ptr_array_index (f->exits, i - 1);
  g_assert_not_reached ();
}

typedef struct {
  gint pid;
  char state;
  gboolean want;   /* the state is (TRUE) or is no longer (FALSE) `state` */
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;

  return (sup_process_state (w->pid) == w->state) == w->want;
}

static void
wait_state (gint     pid,
            char     state,
            gboolean want)
{
  StateWait w = { pid, state, want };

  if (!sup_wait_until (state_is, &w, TIMEOUT_MS))
    g_error ("process %d: state %s '%c' within %d ms (it is '%c')",
             pid, want ? "never became" : "stayed", state, TIMEOUT_MS, sup_process_state (pid));
}

static gboolean
process_gone (gpointer data)
{
  return sup_process_state (GPOINTER_TO_INT (data)) == 0;
}

/* --- tests ---------------------------------------------------------------- */

static void
test_output_and_crash (Fixture       *f,
                       gconstpointer  data)
{
  gint pid = spawn_sh (f, "s1", "echo hi; echo err >&2; printf tail; echo ready >&2; exec sleep 100");
  g_autofree char *spawned = g_strdup_printf ("s1 %d", pid);
  ConclaveProcStat stat;
  const Exit *exit;

  g_assert_cmpstr (g_ptr_array_index (f->spawned, 0), ==, spawned);
  g_assert_true (conclave_supervisor_is_running (f->sup, "s1"));
  g_assert_cmpint (conclave_supervisor_get_pid (f->sup, "s1"), ==, pid);
  /* Its own process group, so a crash takes its children too. */
  g_assert_true (conclave_proc_stat_read (pid, &stat));
  g_assert_cmpint (stat.pgrp, ==, pid);
  g_assert_cmpint (stat.ppid, ==, getpid ());

  wait_line (f, "s1 1 hi");
  wait_line (f, "s1 2 err");
  wait_line (f, "s1 2 ready");   /* "tail" is in the pipe by now, maybe not read */
  g_assert_true (conclave_supervisor_crash (f->sup, "s1"));
  exit = wait_exit (f, "s1");
  g_assert_cmpint (exit->pid, ==, pid);
  g_assert_cmpint (exit->code, ==, -1);
  g_assert_cmpint (exit->signum, ==, SIGKILL);
  /* The unterminated last line came, and all output before the exit report. */
  g_assert_cmpuint (exit->lines_before, ==, 4);
  g_assert_cmpuint (f->lines->len, ==, 4);
  g_assert_true (g_ptr_array_find_with_equal_func (f->lines, "s1 1 tail", g_str_equal, NULL));

  g_assert_false (conclave_supervisor_is_running (f->sup, "s1"));
  g_assert_cmpint (conclave_supervisor_get_pid (f->sup, "s1"), ==, 0);
  g_assert_false (conclave_supervisor_crash (f->sup, "s1"));
}

static void
test_environment (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conclave-sup-XXXXXX", &error);
  g_autofree char *real_dir = realpath (dir, NULL);
  g_autofree char *expected = g_strdup_printf ("c7 1 /nonexistent/control.sock|c7|0.5|%s|", real_dir);
  const char *argv[] = { "/bin/sh", "-c",
                         "echo \"$CONCLAVE_CONTROL|$CONCLAVE_NODE|$CONCLAVE_TEMPO|$(pwd -P)|$GONE\"",
                         NULL };
  const Exit *exit;

  g_assert_no_error (error);
  conclave_supervisor_setenv (f->sup, "CONCLAVE_TEMPO", "0.5");
  conclave_supervisor_setenv (f->sup, "GONE", "set");
  conclave_supervisor_setenv (f->sup, "GONE", NULL);   /* forget our own setting */
  g_assert_cmpint (conclave_supervisor_spawn (f->sup, "c7", argv, dir, &error), >, 0);
  g_assert_no_error (error);

  exit = wait_exit (f, "c7");
  g_assert_cmpint (exit->code, ==, 0);
  g_assert_cmpint (exit->signum, ==, 0);
  g_assert_cmpuint (f->lines->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->lines, 0), ==, expected);
  g_rmdir (dir);
}

static void
test_exit_code (Fixture       *f,
                gconstpointer  data)
{
  const Exit *exit;
  g_autoptr(GError) error = NULL;

  /* stdin is a pipe of ours that stays open: the node waits for a line
   * (never on our terminal) and gets exactly what was written. */
  spawn_sh (f, "c1", "read line; echo \"stdin:$line\"; read second; echo \"then:$second\"; exit 3");
  g_assert_true (conclave_supervisor_write_input (f->sup, "c1", "hello there\n", &error));
  g_assert_no_error (error);
  g_assert_true (conclave_supervisor_write_input (f->sup, "c1", "second\n", &error));
  exit = wait_exit (f, "c1");
  g_assert_cmpint (exit->code, ==, 3);
  g_assert_cmpint (exit->signum, ==, 0);
  g_assert_cmpstr (g_ptr_array_index (f->lines, 0), ==, "c1 1 stdin:hello there");
  g_assert_cmpstr (g_ptr_array_index (f->lines, 1), ==, "c1 1 then:second");
  g_assert_false (conclave_supervisor_write_input (f->sup, "c1", "late\n", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_odd_output (Fixture       *f,
                 gconstpointer  data)
{
  gsize long_total = 0;
  guint long_pieces = 0;

  spawn_sh (f, "c1", "printf 'caf\\351 \\377ok\\n'; head -c 40000 /dev/zero | tr '\\0' a; echo; echo end");
  wait_exit (f, "c1");

  /* Invalid UTF-8 is repaired, not dropped; "ok" survives. */
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->lines, 0), "c1 1 caf"));
  g_assert_true (g_str_has_suffix (g_ptr_array_index (f->lines, 0), "ok"));
  /* A huge line arrives in bounded pieces, nothing lost. */
  for (guint i = 1; i + 1 < f->lines->len; i++)
    {
      const char *text = (const char *) g_ptr_array_index (f->lines, i) + strlen ("c1 1 ");

      g_assert_cmpuint (strlen (text), <=, 16384);
      g_assert_cmpuint (strspn (text, "a"), ==, strlen (text));
      long_total += strlen (text);
      long_pieces++;
    }
  g_assert_cmpuint (long_total, ==, 40000);
  g_assert_cmpuint (long_pieces, >=, 3);
  g_assert_cmpstr (g_ptr_array_index (f->lines, f->lines->len - 1), ==, "c1 1 end");
}

static void
test_pause_resume (Fixture       *f,
                   gconstpointer  data)
{
  gint pid = spawn_sh (f, "s1", "sleep 100 & echo child=$!; wait");
  gint child = wait_number (f, "s1", "child=");

  g_assert_true (conclave_supervisor_pause (f->sup, "s1"));
  wait_state (pid, 'T', TRUE);
  wait_state (child, 'T', TRUE);   /* the whole group stops */

  g_assert_true (conclave_supervisor_resume (f->sup, "s1"));
  wait_state (pid, 'T', FALSE);
  wait_state (child, 'T', FALSE);
  g_assert_true (conclave_supervisor_is_running (f->sup, "s1"));

  g_assert_true (conclave_supervisor_crash (f->sup, "s1"));
  g_assert_cmpint (wait_exit (f, "s1")->signum, ==, SIGKILL);
}

static void
test_stop (Fixture       *f,
           gconstpointer  data)
{
  const Exit *exit;

  spawn_sh (f, "s1", "exec sleep 100");
  g_assert_true (conclave_supervisor_stop (f->sup, "s1"));
  exit = wait_exit (f, "s1");
  g_assert_cmpint (exit->code, ==, -1);
  g_assert_cmpint (exit->signum, ==, SIGTERM);
}

static void
test_crash_takes_group (Fixture       *f,
                        gconstpointer  data)
{
  gint child;

  spawn_sh (f, "s1", "sleep 100 & echo child=$!; wait");
  child = wait_number (f, "s1", "child=");
  g_assert_true (sup_process_alive (child, 0));

  g_assert_true (conclave_supervisor_crash (f->sup, "s1"));
  g_assert_cmpint (wait_exit (f, "s1")->signum, ==, SIGKILL);
  /* Dead, and reaped: its parent died with it, so it came to us (the
   * subreaper) and the supervisor collected it. Not even a zombie is left. */
  g_assert_true (sup_wait_until (process_gone, GINT_TO_POINTER (child), TIMEOUT_MS));
}

/* For a process re-parented to us that the supervisor does not know. */
static gboolean
process_gone_reaping (gpointer data)
{
  waitpid (GPOINTER_TO_INT (data), NULL, WNOHANG);
  return process_gone (data);
}

static gboolean
adopted (gpointer data)
{
  ConclaveProcStat stat;

  return conclave_proc_stat_read (GPOINTER_TO_INT (data), &stat) && stat.ppid == getpid ();
}

static void
test_orphan_and_kill_all (Fixture       *f,
                          gconstpointer  data)
{
  gint orphan;

  /* The subshell starts sleep and exits: sleep is an orphan. */
  spawn_sh (f, "s1", "(sleep 100 & echo orphan=$!); exec sleep 100");
  spawn_sh (f, "c1", "exec sleep 100");
  orphan = wait_number (f, "s1", "orphan=");
  g_assert_true (sup_wait_until (adopted, GINT_TO_POINTER (orphan), TIMEOUT_MS));

  conclave_supervisor_kill_all (f->sup);
  /* Synchronous: when it returns, everything is reported and gone. */
  g_assert_cmpuint (f->exits->len, ==, 2);
  g_assert_cmpint (((Exit *) g_ptr_array_index (f->exits, 0))->signum, ==, SIGKILL);
  g_assert_cmpint (((Exit *) g_ptr_array_index (f->exits, 1))->signum, ==, SIGKILL);
  g_assert_false (conclave_supervisor_is_running (f->sup, "s1"));
  g_assert_false (conclave_supervisor_is_running (f->sup, "c1"));
  g_assert_false (sup_process_alive (orphan, 0));
}

static void
test_held_pipes (Fixture       *f,
                 gconstpointer  data)
{
  const Exit *exit;
  gint holder;

  /* The holder leaves the group (setsid) and keeps the node's stdout open:
   * the exit is still reported, after a short grace for the output. */
  spawn_sh (f, "s1", "setsid sleep 100 & echo holder=$!; exit 4");
  holder = wait_number (f, "s1", "holder=");
  exit = wait_exit (f, "s1");
  g_assert_cmpint (exit->code, ==, 4);
  g_assert_false (conclave_supervisor_is_running (f->sup, "s1"));

  /* Out of our group, so ours to clean up here. */
  g_assert_cmpint (kill (holder, SIGKILL), ==, 0);
  g_assert_true (sup_wait_until (process_gone_reaping, GINT_TO_POINTER (holder), TIMEOUT_MS));
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  const char *missing[] = { "/nonexistent/conclave-node", "udp-server", NULL };
  g_autoptr(GError) error = NULL;
  gint pid;

  pid = spawn_sh (f, "s1", "exec sleep 100");
  g_assert_cmpint (conclave_supervisor_spawn (f->sup, "s1", missing, NULL, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "s1"));
  g_clear_error (&error);
  g_assert_cmpint (conclave_supervisor_get_pid (f->sup, "s1"), ==, pid);

  g_assert_cmpint (conclave_supervisor_spawn (f->sup, "s2", missing, NULL, &error), ==, 0);
  g_assert_nonnull (error);
  g_assert_false (conclave_supervisor_is_running (f->sup, "s2"));
  g_assert_cmpuint (f->spawned->len, ==, 1);

  g_assert_false (conclave_supervisor_crash (f->sup, "nobody"));
  g_assert_false (conclave_supervisor_pause (f->sup, "nobody"));
  g_assert_cmpint (conclave_supervisor_get_pid (f->sup, "nobody"), ==, 0);
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  gint first = spawn_sh (f, "s1", "exec sleep 100");
  gint second;

  g_assert_true (conclave_supervisor_crash (f->sup, "s1"));
  wait_exit (f, "s1");
  second = spawn_sh (f, "s1", "echo again; exec sleep 100");
  g_assert_cmpint (second, !=, first);
  wait_line (f, "s1 1 again");
  g_assert_cmpint (conclave_supervisor_get_pid (f->sup, "s1"), ==, second);
}

static void
test_dispose_kills (Fixture       *f,
                    gconstpointer  data)
{
  gint pid = spawn_sh (f, "s1", "echo up; exec sleep 100");
  ConclaveProcStat stat;

  wait_line (f, "s1 1 up");
  g_assert_true (conclave_proc_stat_read (pid, &stat));

  g_signal_handlers_disconnect_by_data (f->sup, f);
  g_clear_object (&f->sup);
  g_assert_false (sup_process_alive (pid, stat.start_time));
}

static gboolean
note_ran (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Shutting down runs no other source: a handler cannot run in the middle
 * of a dispose (it once spun the main loop for up to 2 s). */
static void
test_kill_all_runs_nothing_else (Fixture       *f,
                                 gconstpointer  data)
{
  gint pid = spawn_sh (f, "s1", "echo up; exec sleep 100");
  gboolean ran = FALSE;
  guint idle;
  ConclaveProcStat stat;

  wait_line (f, "s1 1 up");
  g_assert_true (conclave_proc_stat_read (pid, &stat));
  idle = g_idle_add (note_ran, &ran);
  conclave_supervisor_kill_all (f->sup);
  g_assert_false (ran);
  g_assert_cmpuint (f->exits->len, ==, 1);
  g_assert_cmpint (((Exit *) g_ptr_array_index (f->exits, 0))->signum, ==, SIGKILL);
  g_assert_false (sup_process_alive (pid, stat.start_time));

  spawn_sh (f, "s2", "exec sleep 100");
  g_signal_handlers_disconnect_by_data (f->sup, f);
  g_clear_object (&f->sup);
  g_assert_false (ran);
  g_source_remove (idle);
}

static void
test_find_program (void)
{
  g_autofree char *from_env = NULL;
  g_autofree char *run = NULL;
  g_autofree char *fallback = NULL;
  const char *saved = g_getenv ("CONCLAVE_NODE_PROGRAM");
  g_autofree char *keep = g_strdup (saved);

  g_setenv ("CONCLAVE_NODE_PROGRAM", "/opt/x/conclave-node", TRUE);
  from_env = conclave_find_program ("conclave-node");
  g_assert_cmpstr (from_env, ==, "/opt/x/conclave-node");

  g_setenv ("CONCLAVE_RUN_PROGRAM", "/opt/x/run", TRUE);
  run = conclave_find_program ("conclave-run");
  g_assert_cmpstr (run, ==, "/opt/x/run");
  g_unsetenv ("CONCLAVE_RUN_PROGRAM");

  g_unsetenv ("CONCLAVE_NODE_PROGRAM");
  fallback = conclave_find_program ("conclave-node");
  g_assert_true (g_path_is_absolute (fallback));
  g_assert_true (g_str_has_suffix (fallback, "/conclave-node"));

  if (keep != NULL)
    g_setenv ("CONCLAVE_NODE_PROGRAM", keep, TRUE);
}

static gboolean
both_spoke (gpointer data)
{
  Fixture *f = data;
  gboolean server = FALSE, client = FALSE;

  for (guint i = 0; i < f->lines->len; i++)
    {
      server |= g_str_has_prefix (g_ptr_array_index (f->lines, i), "s1 ");
      client |= g_str_has_prefix (g_ptr_array_index (f->lines, i), "c1 ");
    }
  return server && client;
}

static void
test_real_node (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *program = conclave_find_program ("conclave-node");
  g_autofree char *port = g_strdup_printf ("%u", sup_free_udp_port ());
  const char *server[] = { program, "udp-server", "--port", port, NULL };
  const char *client[] = { program, "udp-client", "--port", port, "--count", "0", NULL };
  g_autoptr(GError) error = NULL;

  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip_printf ("%s is not built yet", program);
      return;
    }

  g_assert_cmpint (conclave_supervisor_spawn (f->sup, "s1", server, NULL, &error), >, 0);
  g_assert_cmpint (conclave_supervisor_spawn (f->sup, "c1", client, NULL, &error), >, 0);
  g_assert_no_error (error);
  if (!sup_wait_until (both_spoke, f, TIMEOUT_MS))
    g_error ("conclave-node server and client printed nothing within %d ms", TIMEOUT_MS);

  g_assert_true (conclave_supervisor_crash (f->sup, "s1"));
  g_assert_cmpint (wait_exit (f, "s1")->signum, ==, SIGKILL);
  g_assert_true (conclave_supervisor_stop (f->sup, "c1"));
  g_assert_cmpint (wait_exit (f, "c1")->pid, >, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it changes the environment, which is only safe before threads. */
  g_test_add_func ("/supervisor/find-program", test_find_program);
#define ADD(path, func) \
  g_test_add ("/supervisor/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("output-and-crash", test_output_and_crash);
  ADD ("environment", test_environment);
  ADD ("exit-code", test_exit_code);
  ADD ("odd-output", test_odd_output);
  ADD ("pause-resume", test_pause_resume);
  ADD ("stop", test_stop);
  ADD ("crash-takes-group", test_crash_takes_group);
  ADD ("orphan-and-kill-all", test_orphan_and_kill_all);
  ADD ("held-pipes", test_held_pipes);
  ADD ("errors", test_errors);
  ADD ("restart", test_restart);
  ADD ("dispose-kills", test_dispose_kills);
  ADD ("kill-all-runs-nothing-else", test_kill_all_runs_nothing_else);
  ADD ("real-node", test_real_node);
#undef ADD

  return g_test_run ();
}
