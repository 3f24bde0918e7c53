/* test-run-replay.c — `conclave-run --replay` of a chapter's trace prints
 * the summary the live run printed, to the character, for chapters 1 to 4
 * with a crash in each: the crashed node and the children it took with it
 * crashed (not "running"), the losses told apart as live (unheard, not
 * read), the leader the crash ended "crashed" and the one leading at the
 * end "leading" (not "exited" by the runner's kills at its shutdown), the
 * same number of events; and with a restart and a pause, the crashed
 * process "crashed" (not "replaced"), its successor running, the paused
 * server paused; with the lecture's Python scripts, whose forked children
 * end without a word, those "exited (0)" as live saw them go, not
 * "running". The JSON summaries are the same file. One meson test
 * per case: they run in parallel.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "summary-test-util.h"

typedef struct {
  const char *name;
  const char *scenario;
  const char *args[12];  /* duration, tempo and the faults */
} Chapter;

static const Chapter chapters[] = {
  { "chapter-1", "chapter-1", { "--duration", "3s", "--tempo", "0.5", "--fault", "1500ms:crash:s1", NULL } },
  { "chapter-2", "chapter-2", { "--duration", "3s", "--tempo", "0.5", "--fault", "1500ms:crash:s1", NULL } },
  { "chapter-3", "chapter-3", { "--duration", "4s", "--tempo", "0.25", "--fault", "2500ms:crash:s1", NULL } },
  { "chapter-4", "chapter-4", { "--duration", "7s", "--tempo", "0.2", "--fault", "3s:crash:leader", NULL } },
  /* The lecture's Python scripts through the trace library: their
   * children say no "exit"; the pool server's are crashed with it. */
  { "programs", "lecture-scripts", { "--duration", "5s", "--fault", "3s:crash:s3", NULL } },
  /* The crashed client started again, the server paused. */
  { "restart", "chapter-1", { "--duration", "3s", "--tempo", "0.5", "--fault", "1s:crash:c1",
                              "--fault", "1800ms:restart:c1", "--fault", "2500ms:pause:s1", NULL } },
};

static void G_GNUC_NULL_TERMINATED
add (GPtrArray *argv, const char *first, ...)
{
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
}

/* conclave-run with these arguments: its standard output; its exit
 * status in *status (0, or 3 with violations). */
static char *
run (GPtrArray *argv, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (p));
  *status = g_subprocess_get_exit_status (p);
  g_assert_true (*status == 0 || *status == 3);
  return out;
}

/* From the process table on: what a live run and a replay print alike
 * (their first lines say which it was). */
static const char *
summary_of (const char *out)
{
  const char *start = strstr (out, "\nProcesses\n");

  g_assert_nonnull (start);
  return start;
}

/* The live summary shows the crash: the node (chapter 4: the leader), and
 * for a forking server every child alive then, crashed; in chapter 4 the
 * crashed leader's term ended "crashed", and a later leader leads. */
/* How the row of `node` (the n-th of that name) ended. */
static const char *
end_of (JsonArray *procs, const char *node, guint n)
{
  for (guint i = 0; i < json_array_get_length (procs); i++)
    {
      JsonObject *p = json_array_get_object_element (procs, i);

      if (g_str_equal (json_object_get_string_member (p, "node"), node) && n-- == 0)
        return json_object_get_string_member (p, "end");
    }
  return NULL;
}

static void
check_crash_shown (const Chapter *c, JsonObject *summary)
{
  JsonArray *procs = json_object_get_array_member (summary, "processes");
  JsonArray *leaders = json_object_get_array_member (summary, "leaders");
  guint crashed = 0, children_crashed = 0, n = json_array_get_length (leaders);

  for (guint i = 0; i < json_array_get_length (procs); i++)
    {
      JsonObject *p = json_array_get_object_element (procs, i);
      const char *node = json_object_get_string_member (p, "node");
      gboolean was_crashed = g_str_has_prefix (json_object_get_string_member (p, "end"), "crashed (signal 9)");

      g_test_message ("%s: %s", node, json_object_get_string_member (p, "end"));
      crashed += was_crashed && strchr (node, '/') == NULL;
      children_crashed += was_crashed && strchr (node, '/') != NULL;
    }
  g_assert_cmpuint (crashed, ==, 1);
  if (g_str_equal (c->name, "programs"))
    {
      guint forked_ended = 0;

      for (guint i = 0; i < json_array_get_length (procs); i++)
        {
          JsonObject *p = json_array_get_object_element (procs, i);

          forked_ended += g_str_has_prefix (json_object_get_string_member (p, "node"), "s2/") &&
                          g_str_equal (json_object_get_string_member (p, "end"), "exited (0)");
        }
      g_assert_cmpuint (forked_ended, >=, 2);
    }
  if (g_str_equal (c->name, "restart"))
    {
      g_assert_cmpstr (end_of (procs, "c1", 0), ==, "crashed (signal 9)");
      g_assert_cmpstr (end_of (procs, "c1", 1), ==, "running");
      g_assert_cmpstr (end_of (procs, "s1", 0), ==, "paused");
    }
  if (g_str_equal (c->scenario, "chapter-2") || g_str_equal (c->scenario, "chapter-3") ||
      g_str_equal (c->name, "programs"))
    g_assert_cmpuint (children_crashed, >=, 1);
  if (!g_str_equal (c->scenario, "chapter-4"))
    return;
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (leaders, 0), "end"), ==, "crashed");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (leaders, n - 1), "end"), ==, "leading");
}

static void
test_replay_chapter (gconstpointer data)
{
  const Chapter *c = data;
  g_autofree char *dir = g_dir_make_tmp ("conclave-replay-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "live.jsonl", NULL);
  g_autofree char *live_json = g_build_filename (dir, "live.json", NULL);
  g_autofree char *replay_json = g_build_filename (dir, "replay.json", NULL);
  g_autoptr(GPtrArray) live_argv = g_ptr_array_new ();
  g_autoptr(GPtrArray) replay_argv = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *live = NULL, *replay = NULL, *a = NULL, *b = NULL;
  int live_status, replay_status;

  add (live_argv, g_getenv ("CONCLAVE_RUN_PROGRAM"), c->scenario, NULL);
  for (guint i = 0; c->args[i] != NULL; i++)
    g_ptr_array_add (live_argv, (gpointer) c->args[i]);
  add (live_argv, "--trace", trace, "--summary-json", live_json, NULL);
  live = run (live_argv, &live_status);
  add (replay_argv, g_getenv ("CONCLAVE_RUN_PROGRAM"), "--replay", trace, "--summary-json", replay_json, NULL);
  replay = run (replay_argv, &replay_status);

  g_test_message ("live:%s", summary_of (live));
  g_assert_cmpstr (summary_of (replay), ==, summary_of (live));
  g_assert_cmpint (replay_status, ==, live_status);
  g_assert_true (g_file_get_contents (live_json, &a, NULL, NULL));
  g_assert_true (g_file_get_contents (replay_json, &b, NULL, NULL));
  g_assert_cmpstr (b, ==, a);
  check_crash_shown (c, summary_load (parser, live_json));

  g_unlink (trace);
  g_unlink (live_json);
  g_unlink (replay_json);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("CONCLAVE_RUN_PROGRAM"));
  for (guint i = 0; i < G_N_ELEMENTS (chapters); i++)
    {
      g_autofree char *path = g_strdup_printf ("/run-replay/%s", chapters[i].name);
      g_test_add_data_func (path, &chapters[i], test_replay_chapter);
    }
  return g_test_run ();
}
