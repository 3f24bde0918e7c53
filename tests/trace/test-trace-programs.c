/* test-trace-programs.c — course projects run unmodified by conclave-run,
 * graded from --summary-json, in a network namespace with only lo.
 *
 * Three peers of course_peer.py (one started plainly, one through
 * `sh -c 'exec python3 …'`, one through a shell that forks it and waits)
 * elect the highest id and print "leader is N"; a chat client
 * (course_chat.py) reads what it sends with input(), fed by --input, and a
 * chat server prints what it got. Checked: the leaders come from the
 * pattern (N mapped to the peer whose command line holds `--id N`), p3
 * the one that kept leading; one process per program, named by what it ran at the
 * end; the chat lines went through stdin, the socket and back, and every
 * line printed is an `output` event in the trace; the summary's counts add
 * up, kind by kind, with ≥ 95 % of the heard sends delivered. Then `--fault crash:leader`
 * crashes the leader the pattern named.
 */
#include "conclave-matcher.h"
#include "conclave-trace-file.h"
#include "trace-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define PYTHON "/usr/bin/python3"
#define ROUNDS 20
#define PORT 37120

typedef struct {
  char       *dir;
  char       *trace;
  char       *summary_path;
  char       *stdout_text;
  JsonParser *parser;
  JsonObject *summary;
} Run;

static char *
peer_command (guint id, guint rounds)
{
  g_autofree char *script = trace_test_source ("course_peer.py");

  return g_strdup_printf (PYTHON " %s --id %u --port %u --mport %u --rounds %u --interval 0.1 --linger 1.5",
                          script, id, PORT, PORT + 1, rounds);
}

static void
run_clear (Run *run)
{
  g_clear_object (&run->parser);
  g_clear_pointer (&run->stdout_text, g_free);
  if (run->trace)
    g_unlink (run->trace);
  if (run->summary_path)
    g_unlink (run->summary_path);
  g_clear_pointer (&run->trace, g_free);
  g_clear_pointer (&run->summary_path, g_free);
  if (run->dir)
    {
      g_autofree char *posts = g_build_filename (run->dir, "posts.txt", NULL);
      g_unlink (posts);
      g_rmdir (run->dir);
    }
  g_clear_pointer (&run->dir, g_free);
}

/* FALSE (and the test skipped) where no namespace can be made. With
 * `crash`, the peers run longer and the leader is crashed after 2 s. */
static gboolean
run_programs (Run *run, gboolean crash)
{
  guint rounds = crash ? 3 * ROUNDS : ROUNDS;
  g_autofree char *chat = trace_test_source ("course_chat.py");
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *server = NULL, *client = NULL;
  g_autofree char *peer1 = peer_command (1, rounds), *peer2 = peer_command (2, rounds);
  g_autofree char *peer3 = peer_command (3, rounds);
  g_autofree char *posts = NULL, *input = NULL;
  g_autoptr(GError) error = NULL;

  run->dir = g_dir_make_tmp ("trace-programs-XXXXXX", NULL);
  run->trace = g_build_filename (run->dir, "trace.jsonl", NULL);
  run->summary_path = g_build_filename (run->dir, "summary.json", NULL);
  posts = g_build_filename (run->dir, "posts.txt", NULL);
  g_assert_true (g_file_set_contents (posts, "hello from c1\nsecond line\n", -1, NULL));
  input = g_strconcat ("c1=", posts, NULL);
  p1 = g_strdup_printf ("p1=exec:%s", peer1);
  p2 = g_strdup_printf ("p2=exec:/bin/sh -c '%s; true'", peer2);     /* forks it and waits */
  p3 = g_strdup_printf ("p3=exec:/bin/sh -c 'exec %s'", peer3);      /* becomes it */
  server = g_strdup_printf ("chat=exec:" PYTHON " %s server --port %u --lines 2", chat, PORT + 10);
  client = g_strdup_printf ("c1=exec:" PYTHON " %s client --port %u --lines 2", chat, PORT + 10);
  {
    const char *args[] = { "-t", run->trace, "--summary-json", run->summary_path,
                           "--leader-pattern", "leader is (?<leader>\\d+)", "--input", input,
                           "--node", server, "--node", p1, "--node", p2, "--node", p3, "--node", client,
                           "-d", crash ? "4s" : "7s", crash ? "--fault" : NULL, "2s:crash:leader", NULL };

    if (!trace_test_run_in_netns (FALSE, args, &run->stdout_text))
      return FALSE;
  }
  run->parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (run->parser, run->summary_path, &error));
  g_assert_no_error (error);
  run->summary = json_node_get_object (json_parser_get_root (run->parser));
  return TRUE;
}

static gint64
count (JsonObject *counts, const char *name)
{
  g_assert_true (json_object_has_member (counts, name));
  return json_object_get_int_member (counts, name);
}

/* Every field, and the parts add up to what was sent. */
static void
check_counts (JsonObject *counts)
{
  gint64 sent = count (counts, "sent");

  g_assert_cmpint (sent, ==, count (counts, "delivered") + count (counts, "lost") + count (counts, "unheard")
                   + count (counts, "not_read") + count (counts, "dropped") + count (counts, "in_flight"));
}

static void
check_messages (Run *run)
{
  JsonObject *totals = json_object_get_object_member (run->summary, "totals");
  JsonObject *by_kind = json_object_get_object_member (run->summary, "by_kind");
  g_autoptr(GList) kinds = json_object_get_members (by_kind);
  gint64 sent = 0, unheard;

  check_counts (totals);
  for (GList *l = kinds; l; l = l->next)
    {
      check_counts (json_object_get_object_member (by_kind, l->data));
      sent += count (json_object_get_object_member (by_kind, l->data), "sent");
    }
  g_assert_cmpint (sent, ==, count (totals, "sent"));
  /* Each peer logs every round to a syslog port nobody reads; a chat line
   * tried before the server bound its port is unheard too (it retries). */
  unheard = count (totals, "unheard");
  g_assert_cmpint (unheard, >=, 3 * ROUNDS);
  g_assert_cmpint (unheard, <=, 3 * ROUNDS + 2 * 20);
  g_assert_cmpint (100 * count (totals, "delivered"), >=, 95 * (count (totals, "sent") - unheard));
  g_test_message ("sent %" G_GINT64_FORMAT ", delivered %" G_GINT64_FORMAT ", lost %" G_GINT64_FORMAT
                  ", unheard %" G_GINT64_FORMAT, count (totals, "sent"), count (totals, "delivered"),
                  count (totals, "lost"), unheard);
}

/* One process per program, named by what it ran at the end. */
static void
check_processes (Run *run)
{
  JsonArray *processes = json_object_get_array_member (run->summary, "processes");
  const char *nodes[] = { "chat", "p1", "p2", "p3", "c1" };
  guint seen[G_N_ELEMENTS (nodes)] = { 0 };

  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);
      const char *node = json_object_get_string_member (p, "node");
      const char *program = json_object_get_string_member (p, "program");

      g_test_message ("process %s %s: %s", node, json_object_get_string_member (p, "end"), program);
      g_assert_true (json_object_has_member (p, "pid") && json_object_has_member (p, "ppid"));
      g_assert_true (g_str_has_prefix (program, PYTHON " "));
      for (guint n = 0; n < G_N_ELEMENTS (nodes); n++)
        if (strcmp (node, nodes[n]) == 0 || (g_str_has_prefix (node, nodes[n]) && node[strlen (nodes[n])] == '/'))
          seen[n]++;
    }
  g_assert_cmpuint (json_array_get_length (processes), ==, G_N_ELEMENTS (nodes));
  for (guint n = 0; n < G_N_ELEMENTS (nodes); n++)
    g_assert_cmpuint (seen[n], ==, 1);
}

/* Leaders from the pattern, in time order, the last the highest id. */
static void
check_leaders (Run *run)
{
  JsonArray *leaders = json_object_get_array_member (run->summary, "leaders");
  guint n = json_array_get_length (leaders);
  gint64 last_t = 0;
  const char *kept = NULL;

  g_assert_cmpuint (n, >=, 1);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *l = json_array_get_object_element (leaders, i);
      const char *node = json_object_get_string_member (l, "node");

      g_assert_true (g_strv_contains ((const char * const[]) { "p1", "p2", "p3", NULL }, node));
      g_assert_cmpint (json_object_get_int_member (l, "t"), >=, last_t);
      last_t = json_object_get_int_member (l, "t");
      /* A peer that knew only itself led until it heard of a higher id. */
      if (strcmp (json_object_get_string_member (l, "end"), "stepped-down") != 0)
        {
          g_assert_null (kept);
          kept = node;
        }
    }
  /* The one that kept leading to its end: the highest id. */
  g_assert_cmpstr (kept, ==, "p3");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run->summary, "violations")), ==, 0);
}

/* The lines fed to c1's stdin went out, arrived and were answered; what
 * the programs printed is in the trace as output events. */
static void
check_output (Run *run)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;
  const char *want[][2] = { { "c1", "sent: hello from c1 (ok)" }, { "c1", "sent: second line (ok)" },
                            { "chat", "got: hello from c1" }, { "chat", "got: second line" },
                            { "p1", "peer 1: final leader is 3, 3 members" } };
  gboolean found[G_N_ELEMENTS (want)] = { FALSE };

  g_assert_true (conclave_trace_load (store, run->trace, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      const char *node, *text;

      if (e->type != CONCLAVE_EVENT_OUTPUT)
        continue;
      node = conclave_event_store_str (store, conclave_event_node (e));
      text = conclave_event_store_str (store, conclave_event_output_text (e));
      g_assert_cmpstr (conclave_event_store_str (store, conclave_event_output_stream (e)), ==, "stdout");
      g_assert_cmpint (conclave_event_output_pid (e), >, 0);
      for (guint w = 0; w < G_N_ELEMENTS (want); w++)
        found[w] |= strcmp (node, want[w][0]) == 0 && strstr (text, want[w][1]) != NULL;  /* after input()'s prompt */
    }
  for (guint w = 0; w < G_N_ELEMENTS (want); w++)
    if (!found[w])
      g_error ("no output event from %s: “%s”", want[w][0], want[w][1]);
}

/* --fault 2s:crash:leader crashes the leader the pattern named: p3, which
 * the others go on naming (the course peers never forget a member). */
static void
test_crash_leader (void)
{
  Run run = { 0 };
  JsonArray *processes, *leaders;
  gboolean crashed = FALSE;

  if (!run_programs (&run, TRUE))
    {
      run_clear (&run);
      return;
    }
  processes = json_object_get_array_member (run.summary, "processes");
  for (guint i = 0; i < json_array_get_length (processes); i++)
    {
      JsonObject *p = json_array_get_object_element (processes, i);
      const char *end = json_object_get_string_member (p, "end");

      g_assert_cmpint (g_str_has_prefix (end, "crashed"), ==,
                       strcmp (json_object_get_string_member (p, "node"), "p3") == 0);
    }
  leaders = json_object_get_array_member (run.summary, "leaders");
  for (guint i = 0; i < json_array_get_length (leaders); i++)
    {
      JsonObject *l = json_array_get_object_element (leaders, i);

      if (strcmp (json_object_get_string_member (l, "end"), "crashed") == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (l, "node"), ==, "p3");
          crashed = TRUE;
        }
    }
  g_assert_true (crashed);
  run_clear (&run);
}

static void
test_programs (void)
{
  Run run = { 0 };

  if (!run_programs (&run, FALSE))
    {
      run_clear (&run);
      return;
    }
  check_messages (&run);
  check_processes (&run);
  check_leaders (&run);
  check_output (&run);
  run_clear (&run);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/programs/graded", test_programs);
  g_test_add_func ("/trace/programs/crash-leader", test_crash_leader);
  return g_test_run ();
}
