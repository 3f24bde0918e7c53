/* test-run-hold.c — conclave-run --hold and --release-every: held nodes
 * receive nothing and lose nothing; released at a pace, every receive is
 * a message that was held before, one release at a time, and the run ends
 * with a summary of the same shape as one without step mode. */
#include "conclave-trace-file.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define PACE_MS 100

typedef struct {
  char *dir;
  char *summary;
  char *trace;
  char *out;
  JsonParser *parser;
} Run;

static void
run_clear (Run *run)
{
  g_unlink (run->summary);
  g_unlink (run->trace);
  g_rmdir (run->dir);
  g_free (run->dir);
  g_free (run->summary);
  g_free (run->trace);
  g_free (run->out);
  g_clear_object (&run->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static int run_scenario (Run *run, const char *id, const char *duration, const char *tempo,
                         const char * const *extra);

/* chapter-1 for 2 s at tempo 0.1 with `extra` (NULL-terminated); returns
 * conclave-run's exit status. */
static int
run_chapter_1 (Run *run, const char * const *extra)
{
  return run_scenario (run, "chapter-1", "2s", "0.1", extra);
}

static int
run_scenario (Run *run, const char *id, const char *duration, const char *tempo, const char * const *extra)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *base[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), id, "--duration", duration, "--tempo", tempo };

  run->dir = g_dir_make_tmp ("conclave-hold-XXXXXX", NULL);
  run->summary = g_build_filename (run->dir, "summary.json", NULL);
  run->trace = g_build_filename (run->dir, "trace.jsonl", NULL);
  g_assert_nonnull (base[0]);
  for (guint i = 0; i < G_N_ELEMENTS (base); i++)
    g_ptr_array_add (argv, (gpointer) base[i]);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra[i]);
  g_ptr_array_add (argv, (gpointer) "--summary-json");
  g_ptr_array_add (argv, run->summary);
  g_ptr_array_add (argv, (gpointer) "--trace");
  g_ptr_array_add (argv, run->trace);
  g_ptr_array_add (argv, NULL);
  p = g_subprocess_newv ((const char * const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &run->out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("%s%s", run->out, err);
  g_assert_true (g_subprocess_get_if_exited (p));
  return g_subprocess_get_exit_status (p);
}

static JsonObject *
summary (Run *run)
{
  g_autoptr(GError) error = NULL;

  if (run->parser != NULL)
    return json_node_get_object (json_parser_get_root (run->parser));
  run->parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (run->parser, run->summary, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (run->parser));
}

static gint64
total (JsonObject *summary, const char *what)
{
  return json_object_get_int_member (json_object_get_object_member (summary, "totals"), what);
}

/* The member names of an object, sorted and joined. */
static char *
shape (JsonObject *object)
{
  g_autoptr(GList) names = g_list_sort (json_object_get_members (object), (GCompareFunc) g_strcmp0);
  g_autoptr(GString) s = g_string_new (NULL);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (s, "%s ", (const char *) l->data);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_held_receives_nothing (void)
{
  g_auto(Run) run = { 0 };
  const char *extra[] = { "--hold", NULL };
  JsonObject *s;

  g_assert_cmpint (run_chapter_1 (&run, extra), ==, 0);
  s = summary (&run);
  g_assert_cmpint (total (s, "sent"), >, 0);
  g_assert_cmpint (total (s, "delivered"), ==, 0);
  g_assert_cmpint (total (s, "lost"), ==, 0);     /* held, not lost, however long */
  g_assert_cmpint (total (s, "in_flight"), ==, total (s, "sent"));
  g_assert_nonnull (strstr (run.out, "Step mode: "));
}

static void
test_release_every (void)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) plain = { 0 };
  const char *extra[] = { "--hold", "--release-every", "100ms", NULL };
  const char *none[] = { NULL };
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  gint64 last_recv = 0;
  guint recvs = 0;

  g_assert_cmpint (run_chapter_1 (&run, extra), ==, 0);
  g_assert_cmpint (run_chapter_1 (&plain, none), ==, 0);
  g_assert_cmpstr ((a = shape (summary (&run))), ==, (b = shape (summary (&plain))));
  g_assert_cmpstr ((c = shape (json_object_get_object_member (summary (&run), "totals"))), ==,
                   (d = shape (json_object_get_object_member (summary (&plain), "totals"))));
  g_assert_cmpint (total (summary (&run), "delivered"), >, 2);
  g_assert_cmpint (total (summary (&run), "lost"), ==, 0);

  /* every receive was held first by the same process; one release per pace */
  g_assert_true (conclave_trace_load (store, run.trace, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      gint64 *key = g_new (gint64, 1);

      *key = (gint64) (e->key ^ ((guint64) e->proc << 56));
      if (e->type == CONCLAVE_EVENT_HELD)
        {
          g_hash_table_add (held, key);
          continue;
        }
      if (e->type == CONCLAVE_EVENT_RECV)
        {
          if (!g_hash_table_contains (held, key))
            g_test_message ("not held: event %" G_GUINT64_FORMAT " proc %u key %" G_GINT64_MODIFIER "x t %" G_GINT64_FORMAT,
                            i, e->proc, e->key, e->time_ns);
          g_assert_true (g_hash_table_remove (held, key));
          if (last_recv != 0)
            g_assert_cmpint (e->time_ns - last_recv, >, PACE_MS * 1000000 / 2);
          last_recv = e->time_ns;
          recvs++;
        }
      g_free (key);
    }
  g_assert_cmpuint (recvs, ==, total (summary (&run), "delivered"));
  g_assert_cmpuint (recvs, <=, 2000 / PACE_MS + 1);
}

/* The split vote preset: once everything is held and the leader crashed,
 * both survivors stand in one term and nobody leads while it is held. */
static void
test_split_vote (void)
{
  g_auto(Run) run = { 0 };
  const char *none[] = { NULL };
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GHashTable) first_term = g_hash_table_new (NULL, NULL);  /* proc → its first candidate term */
  g_autoptr(GError) error = NULL;
  gboolean crashed = FALSE, tie = FALSE;

  g_assert_cmpint (run_scenario (&run, "chapter-4-split-vote", "2500ms", "0.2", none), ==, 0);
  g_assert_true (conclave_trace_load (store, run.trace, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      const char *role;
      gint64 term;

      crashed |= e->type == CONCLAVE_EVENT_CRASH;
      if (!crashed || e->type != CONCLAVE_EVENT_STATE)
        continue;
      role = conclave_event_store_str (store, conclave_event_state_role (e));
      g_assert_cmpstr (role, !=, "leader");  /* nobody wins while everything waits */
      term = conclave_event_state_term (e);
      if (g_strcmp0 (role, "candidate") != 0 || g_hash_table_contains (first_term, GUINT_TO_POINTER (e->proc)))
        continue;
      /* a second candidate in a term another one stood in first: a tie */
      for (GList *l = g_hash_table_get_values (first_term); l != NULL; l = g_list_delete_link (l, l))
        tie |= GPOINTER_TO_SIZE (l->data) == (gsize) term;
      g_hash_table_insert (first_term, GUINT_TO_POINTER (e->proc), GSIZE_TO_POINTER ((gsize) term));
    }
  g_assert_true (crashed);
  g_assert_cmpuint (g_hash_table_size (first_term), ==, 2);
  g_assert_true (tie);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run/hold/held-receives-nothing", test_held_receives_nothing);
  g_test_add_func ("/run/hold/release-every", test_release_every);
  g_test_add_func ("/run/hold/split-vote", test_split_vote);
  return g_test_run ();
}
