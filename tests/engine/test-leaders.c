/* test-leaders.c — leader intervals end exactly when the node stopped leading.
 *
 * Crafted event sequences (three servers s1–s3 as processes 1–3) in the
 * order they could arrive: step-down, crash, exit, a newer raft term, a
 * re-election, bully split brain, lines that arrive out of order across
 * processes, the live cluster's hook, and a `why` that survives a trace.
 */
#include "conclave-cluster-models.h"
#include "conclave-line-parser.h"

#include <string.h>

#define S (G_GINT64_CONSTANT (1000000000))

typedef struct {
  ConclaveEventStore *store;
  ConclaveLeaders    *leaders;
  guint32             procs[4];
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  ConclaveIntern *intern;

  f->store = conclave_event_store_new ();
  intern = conclave_event_store_get_intern (f->store);
  f->leaders = conclave_leaders_new (f->store);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);
      ConclaveProcessInfo *info = conclave_event_store_add_process (f->store, 100 + (gint) i);

      info->node = conclave_intern_add (intern, name);
      f->procs[i] = info->index;
    }
}

static void
teardown (Fixture *f, gconstpointer data)
{
  conclave_leaders_free (f->leaders);
  g_object_unref (f->store);
}

static void
append (Fixture *f, ConclaveEvent *e)
{
  guint64 first = conclave_event_store_get_end (f->store);

  conclave_event_store_append (f->store, e, 1);
  conclave_leaders_feed (f->leaders, first, first + 1);
}

/* `state` of server `s` (1–3) at t seconds. */
static void
state (Fixture *f, guint s, double t, gint term, const char *role, const char *election)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  ConclaveEvent e = {
    .type = CONCLAVE_EVENT_STATE, .proc = f->procs[s], .time_ns = (gint64) (t * S), .key = (guint64) term,
    .s = { conclave_intern_add (intern, role), 0, 0, conclave_intern_add (intern, election) },
  };

  append (f, &e);
}

/* A controller event (crash, exited) naming server s; proc 0 as in a
 * trace without pids, or the node's process as the live cluster records. */
static void
controller (Fixture *f, ConclaveEventType type, guint s, double t, gboolean with_proc)
{
  g_autofree char *name = g_strdup_printf ("s%u", s);
  ConclaveEvent e = {
    .type = type, .proc = with_proc ? f->procs[s] : 0, .time_ns = (gint64) (t * S),
    .s = { conclave_intern_add (conclave_event_store_get_intern (f->store), name) },
  };

  append (f, &e);
}

static void
process_exit (Fixture *f, guint s, double t)
{
  ConclaveEvent e = { .type = CONCLAVE_EVENT_EXIT, .proc = f->procs[s], .time_ns = (gint64) (t * S) };

  append (f, &e);
}

static void
assert_interval (Fixture *f, guint i, guint s, gint term, double start, double end, ConclaveLeaderEnd why)
{
  const ConclaveLeaderInterval *iv = conclave_leaders_get_interval (f->leaders, i);

  g_assert_nonnull (iv);
  g_assert_cmpuint (iv->proc, ==, f->procs[s]);
  g_assert_cmpint (iv->pid, ==, 100 + (gint) s);
  g_assert_cmpint (iv->term, ==, term);
  g_assert_cmpint (iv->start_ns, ==, (gint64) (start * S));
  if (end < 0)
    g_assert_cmpint (iv->end_ns, ==, CONCLAVE_LEADER_OPEN);
  else
    g_assert_cmpint (iv->end_ns, ==, (gint64) (end * S));
  g_assert_cmpstr (conclave_leader_end_to_string (iv->end), ==, conclave_leader_end_to_string (why));
}

/* Raft: s1 leads term 1, is crashed at 5 s; s2 leads term 2 from 6.5 s. */
static void
test_crash_and_failover (Fixture *f, gconstpointer data)
{
  state (f, 1, 1.0, 1, "leader", "raft");
  state (f, 2, 1.1, 1, "follower", "raft");
  state (f, 1, 2.0, 1, "leader", "raft");  /* a view change: the same reign */
  g_assert_cmpuint (conclave_leaders_get_n_intervals (f->leaders), ==, 1);
  assert_interval (f, 0, 1, 1, 1.0, -1, CONCLAVE_LEADER_LEADING);
  controller (f, CONCLAVE_EVENT_CRASH, 1, 5.0, TRUE);
  state (f, 2, 6.0, 2, "candidate", "raft");
  state (f, 2, 6.5, 2, "leader", "raft");
  controller (f, CONCLAVE_EVENT_EXITED, 1, 5.01, TRUE);  /* the exit noticed a moment later */
  g_assert_cmpuint (conclave_leaders_get_n_intervals (f->leaders), ==, 2);
  assert_interval (f, 0, 1, 1, 1.0, 5.0, CONCLAVE_LEADER_CRASHED);
  assert_interval (f, 1, 2, 2, 6.5, -1, CONCLAVE_LEADER_LEADING);
  /* Scrolled back before the crash: s1 led, s2 did not. */
  g_assert_nonnull (conclave_leaders_find (f->leaders, f->procs[1], 4 * S));
  g_assert_null (conclave_leaders_find (f->leaders, f->procs[2], 4 * S));
  g_assert_null (conclave_leaders_find (f->leaders, f->procs[1], 5 * S));
  g_assert_nonnull (conclave_leaders_find (f->leaders, f->procs[2], 7 * S));
}

/* A leader that steps down (lost its majority), a process that exits on
 * its own, and a re-election of the same node in a later term. */
static void
test_step_down_exit_and_next_term (Fixture *f, gconstpointer data)
{
  state (f, 1, 1.0, 1, "leader", "raft");
  state (f, 1, 3.0, 1, "follower", "raft");
  state (f, 1, 4.0, 3, "leader", "raft");
  state (f, 1, 6.0, 4, "leader", "raft");
  process_exit (f, 1, 8.0);
  state (f, 2, 7.0, 4, "follower", "raft");
  g_assert_cmpuint (conclave_leaders_get_n_intervals (f->leaders), ==, 3);
  assert_interval (f, 0, 1, 1, 1.0, 3.0, CONCLAVE_LEADER_STEPPED_DOWN);
  assert_interval (f, 1, 1, 3, 4.0, 6.0, CONCLAVE_LEADER_NEXT_TERM);
  assert_interval (f, 2, 1, 4, 6.0, 8.0, CONCLAVE_LEADER_EXITED);
}

/* Raft: a cut-off s1 still believes it leads term 1 when s2 wins term 2;
 * s1 stopped being the leader then, and its later step-down, stamped
 * before s2's win but arriving after it, moves the end earlier still. */
static void
test_newer_term_elsewhere (Fixture *f, gconstpointer data)
{
  state (f, 1, 1.0, 1, "leader", "raft");
  state (f, 2, 4.0, 2, "leader", "raft");
  assert_interval (f, 0, 1, 1, 1.0, 4.0, CONCLAVE_LEADER_NEWER_TERM);
  state (f, 3, 3.9, 2, "leader", "raft");  /* a stale line from s3 of the same term: not newer */
  state (f, 1, 3.5, 2, "follower", "raft");
  assert_interval (f, 0, 1, 1, 1.0, 3.5, CONCLAVE_LEADER_STEPPED_DOWN);
  /* A later line cannot lengthen it. */
  state (f, 1, 9.0, 2, "follower", "raft");
  assert_interval (f, 0, 1, 1, 1.0, 3.5, CONCLAVE_LEADER_STEPPED_DOWN);
  assert_interval (f, 1, 2, 2, 4.0, -1, CONCLAVE_LEADER_LEADING);
}

/* Bully across a partition: two leaders at once are both shown, terms or
 * not, until one steps down. */
static void
test_bully_split_brain (Fixture *f, gconstpointer data)
{
  state (f, 3, 1.0, 1, "leader", "bully");
  state (f, 2, 5.0, 2, "leader", "bully");
  g_assert_cmpint (conclave_leaders_get_interval (f->leaders, 0)->end_ns, ==, CONCLAVE_LEADER_OPEN);
  state (f, 2, 9.0, 2, "follower", "bully");
  assert_interval (f, 0, 3, 1, 1.0, -1, CONCLAVE_LEADER_LEADING);
  assert_interval (f, 1, 2, 2, 5.0, 9.0, CONCLAVE_LEADER_STEPPED_DOWN);
}

/* The crash is recorded before the last lines of the crashed leader come
 * in (they were in the socket): its interval still ends at the crash; a
 * crash in a trace without pids finds the node by name. */
static void
test_lines_after_the_crash (Fixture *f, gconstpointer data)
{
  controller (f, CONCLAVE_EVENT_CRASH, 1, 5.0, FALSE);
  state (f, 1, 4.9, 1, "leader", "ring");
  assert_interval (f, 0, 1, 1, 4.9, 5.0, CONCLAVE_LEADER_CRASHED);
  g_assert_null (conclave_leaders_find (f->leaders, f->procs[1], 5 * S));
  state (f, 2, 6.0, 2, "leader", "ring");
  controller (f, CONCLAVE_EVENT_CRASH, 2, 8.0, FALSE);
  assert_interval (f, 1, 2, 2, 6.0, 8.0, CONCLAVE_LEADER_CRASHED);
}

static gboolean
count_interval (const ConclaveLeaderInterval *iv, gpointer data)
{
  (*(guint *) data)++;
  return TRUE;
}

static void
test_range_and_reset (Fixture *f, gconstpointer data)
{
  guint n = 0;

  state (f, 1, 1.0, 1, "leader", "raft");
  controller (f, CONCLAVE_EVENT_CRASH, 1, 2.0, TRUE);
  state (f, 2, 3.0, 2, "leader", "raft");
  conclave_leaders_foreach_in_range (f->leaders, 2 * S, 3 * S, count_interval, &n);
  g_assert_cmpuint (n, ==, 0);  /* [1,2) and [3,∞) both miss [2,3) */
  conclave_leaders_foreach_in_range (f->leaders, 0, 10 * S, count_interval, &n);
  g_assert_cmpuint (n, ==, 2);
  conclave_leaders_reset (f->leaders);
  g_assert_cmpuint (conclave_leaders_get_n_intervals (f->leaders), ==, 0);
  state (f, 3, 4.0, 1, "leader", "raft");  /* a new chapter's term 1 */
  assert_interval (f, 0, 3, 1, 4.0, -1, CONCLAVE_LEADER_LEADING);
}

/* The live cluster's hook feeds every appended event once, in order. */
static void
test_cluster_hook (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveCluster) cluster = conclave_cluster_new (&error);
  ConclaveEventStore *store;
  ConclaveProcessInfo *info;
  ConclaveLeaders *leaders;
  ConclaveEvent e = { .type = CONCLAVE_EVENT_STATE, .time_ns = S, .key = 1 };

  g_assert_no_error (error);
  store = conclave_cluster_get_store (cluster);
  info = conclave_event_store_add_process (store, 4242);
  e.proc = info->index;
  e.s[0] = conclave_intern_add (conclave_event_store_get_intern (store), "leader");
  conclave_event_store_append (store, &e, 1);
  leaders = conclave_cluster_get_leaders (cluster);  /* created late: catches up */
  g_assert_true (leaders == conclave_cluster_get_leaders (cluster));
  g_assert_cmpuint (conclave_leaders_get_n_intervals (leaders), ==, 1);
  e.type = CONCLAVE_EVENT_EXIT;
  e.time_ns = 2 * S;
  conclave_event_store_append (store, &e, 1);
  g_assert_cmpuint (conclave_leaders_get_n_intervals (leaders), ==, 1);
  g_assert_cmpint (conclave_leaders_get_interval (leaders, 0)->end_ns, ==, 2 * S);
  g_assert_cmpint (conclave_leaders_get_interval (leaders, 0)->pid, ==, 4242);
  conclave_cluster_shutdown (cluster);
}

/* A candidate's `why` is parsed into the record and written back. */
static void
test_why_round_trip (void)
{
  g_autoptr(ConclaveIntern) intern = conclave_intern_new ();
  g_autoptr(ConclaveLineParser) parser = conclave_line_parser_new (intern);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *line = "{\"ev\":\"state\",\"seq\":3,\"t\":5,\"role\":\"candidate\",\"election\":\"raft\","
                     "\"term\":2,\"why\":\"no heartbeat from s2 for 1.2 s\"}";
  ConclaveEvent e;

  g_assert_cmpint (conclave_line_parser_parse (parser, line, strlen (line), &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpstr (conclave_intern_lookup (intern, conclave_event_state_why (&e)), ==,
                   "no heartbeat from s2 for 1.2 s");
  conclave_event_to_json_line (&e, intern, NULL, 0, out);
  g_assert_cmpstr (out->str, ==, line);
  /* Without one: no "why" written. */
  line = "{\"ev\":\"state\",\"seq\":4,\"t\":6,\"role\":\"leader\",\"election\":\"raft\",\"term\":2}";
  g_assert_cmpint (conclave_line_parser_parse (parser, line, strlen (line), &e, NULL), ==, CONCLAVE_PARSE_OK);
  g_assert_cmpuint (conclave_event_state_why (&e), ==, 0);
  g_string_truncate (out, 0);
  conclave_event_to_json_line (&e, intern, NULL, 0, out);
  g_assert_cmpstr (out->str, ==, line);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/leaders/crash-and-failover", test_crash_and_failover);
  ADD ("/leaders/step-down-exit-next-term", test_step_down_exit_and_next_term);
  ADD ("/leaders/newer-term-elsewhere", test_newer_term_elsewhere);
  ADD ("/leaders/bully-split-brain", test_bully_split_brain);
  ADD ("/leaders/lines-after-the-crash", test_lines_after_the_crash);
  ADD ("/leaders/range-and-reset", test_range_and_reset);
  g_test_add_func ("/leaders/cluster-hook", test_cluster_hook);
  g_test_add_func ("/leaders/why-round-trip", test_why_round_trip);
  return g_test_run ();
}
