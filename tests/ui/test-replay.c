/* test-replay.c — a recording in the window: chapter 4 runs live, its
 * leader is crashed, the class is saved and opened again. The replay has
 * the live run's events, messages and leaders; scrubbing to before the
 * crash shows the crashed leader alive and leading, after it crashed; the
 * replay runs no process and offers nothing that would start one; a cut
 * file opens up to the cut and says which line; a missing file says so.
 * Scrubbing back in a live class shows the past while the class goes on,
 * and Live returns to it; the faults shown are the moment's. Scrubbed
 * anywhere, back or on, the replay is what a replay of the file to that
 * moment is. Scrubbed, the timeline draws the moment shown where its axis
 * says that time is, and the violation banner's Show the Cause selects
 * the verdict's cause kept in the file (the verdict itself in a file
 * without causes) in the event log of the moment shown.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "conclave-cluster-view.h"
#include "conclave-inspector.h"
#include "conclave-leaders.h"
#include "conclave-matcher.h"
#include "conclave-save.h"
#include "conclave-trace-file.h"
#include "conclave-scrubber.h"
#include "conclave-session.h"
#include "conclave-timeline.h"
#include "conclave-events-view.h"
#include "ui-test-utils.h"
#include "../run/store-test-util.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

typedef struct {
  UiFixture    *f;
  ConclaveNode *old;
  guint64       term;
  ConclaveNode *leader;
} LeaderWait;

static gboolean
new_leader (gpointer data)
{
  LeaderWait *w = data;

  w->leader = ui_test_find_new_leader (cluster (w->f), w->old, w->term);
  return w->leader != NULL && conclave_node_get_n_delivered (w->leader) > 0;
}

/* What a store holds, to compare a replay with the live run. */
typedef struct {
  guint64  events;   /* but losses: the replay's matcher makes its own */
  guint64  sends;
  guint64  receives;
  guint64  messages;
  guint64  delivered;
  GString *leaders;  /* "s1@1 s2@2 " */
} Counts;

static void
count (ConclaveCluster *c, Counts *counts)
{
  ConclaveEventStore *store = conclave_cluster_get_store (c);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (c);
  g_autoptr(ConclaveLeaders) leaders = conclave_leaders_new (store);

  memset (counts, 0, sizeof *counts);
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      counts->events += e->type != CONCLAVE_EVENT_LOST;
      counts->sends += e->type == CONCLAVE_EVENT_SEND;
      counts->receives += e->type == CONCLAVE_EVENT_RECV;
    }
  counts->messages = conclave_matcher_get_n_messages (matcher);
  counts->delivered = conclave_matcher_count_state (matcher, CONCLAVE_MESSAGE_DELIVERED);
  counts->leaders = g_string_new (NULL);
  conclave_leaders_feed (leaders, conclave_event_store_get_first (store), conclave_event_store_get_end (store));
  for (guint i = 0; i < conclave_leaders_get_n_intervals (leaders); i++)
    {
      const ConclaveLeaderInterval *l = conclave_leaders_get_interval (leaders, i);
      g_string_append_printf (counts->leaders, "%s@%" G_GINT64_FORMAT " ",
                              conclave_event_store_str (store, l->node), l->term);
    }
}

static void
on_notice (ConclaveSession *session, const char *text, GPtrArray *notices)
{
  g_ptr_array_add (notices, g_strdup (text));
}

/* The moment the teacher crashed `name`, in the shown cluster's store. */
static gint64
crash_time (ConclaveCluster *c, const char *name)
{
  ConclaveEventStore *store = conclave_cluster_get_store (c);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_CRASH && g_strcmp0 (conclave_event_store_str (store, e->s[0]), name) == 0)
        return e->time_ns;
    }
  return 0;
}

/* Runs chapter 4 live until a second leader replaced the crashed first;
 * returns the crashed one's name. */
static char *
run_and_crash (UiFixture *f)
{
  LeaderWait w = { f, NULL, 0, NULL };

  ui_test_start_chapter (f->app, "chapter-4", 0.2);
  if (!ui_test_wait (new_leader, &w, 30000))
    ui_test_describe_nodes (cluster (f));
  g_assert_nonnull (w.leader);
  w.old = w.leader;
  w.term = conclave_node_get_term (w.leader);
  ui_test_activate (f->app, "crash-node", g_variant_new_string (conclave_node_get_name (w.old)));
  if (!ui_test_wait (new_leader, &w, 30000))
    ui_test_describe_nodes (cluster (f));
  g_assert_nonnull (w.leader);
  ui_test_run_for (300);
  return g_strdup (conclave_node_get_name (w.old));
}

static void
assert_same (const Counts *live, const Counts *replay)
{
  g_test_message ("live: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " messages, leaders %s",
                  live->events, live->messages, live->leaders->str);
  g_test_message ("replay: %" G_GUINT64_FORMAT " events, %" G_GUINT64_FORMAT " messages, leaders %s",
                  replay->events, replay->messages, replay->leaders->str);
  g_assert_cmpuint (replay->events, ==, live->events);
  g_assert_cmpuint (replay->sends, ==, live->sends);
  g_assert_cmpuint (replay->receives, ==, live->receives);
  g_assert_cmpuint (replay->messages, ==, live->messages);
  g_assert_cmpuint (replay->delivered, ==, live->delivered);
  g_assert_cmpstr (replay->leaders->str, ==, live->leaders->str);
  g_assert_cmpuint (live->delivered, >, 0);
}

static ConclaveScrubber *
find_scrubber (GtkWidget *widget)
{
  if (CONCLAVE_IS_SCRUBBER (widget))
    return CONCLAVE_SCRUBBER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      ConclaveScrubber *found = find_scrubber (child);
      if (found)
        return found;
    }
  return NULL;
}

/* The scrubber's slider, shown, and a slider to assistive technologies. */
static GtkRange *
slider (UiFixture *f)
{
  ConclaveScrubber *scrubber = find_scrubber (GTK_WIDGET (f->window));
  GtkRange *range;

  g_assert_nonnull (scrubber);
  range = conclave_scrubber_get_range (scrubber);
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (range)));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (range)), ==, GTK_ACCESSIBLE_ROLE_SLIDER);
  return range;
}

/* Drags the slider to time_ns (its value: seconds since the first event). */
static void
drag_to (UiFixture *f, gint64 time_ns)
{
  gint64 start, end;

  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  gtk_range_set_value (slider (f), (time_ns - start) / 1e9);
}

static const char *
inspector_value (UiFixture *f, const char *row)
{
  return conclave_inspector_get_value (CONCLAVE_INSPECTOR (conclave_window_get_view_widget (f->window, "inspector")), row);
}

/* Scrubbing to just before the crash shows the crashed leader alive and
 * leading; to the crash's end, crashed. */
static void
assert_scrubs_over_crash (UiFixture *f, const char *crashed)
{
  gint64 crash = crash_time (cluster (f), crashed);
  ConclaveNode *node;

  g_assert_cmpint (crash, >, 0);
  drag_to (f, crash - G_TIME_SPAN_MILLISECOND * 1000);
  g_assert_cmpint (ABS (conclave_session_get_now_ns (f->session) - crash + G_TIME_SPAN_MILLISECOND * 1000), <, 1000);
  node = conclave_cluster_lookup (cluster (f), crashed);
  g_assert_nonnull (node);
  g_assert_cmpint (conclave_node_get_state (node), ==, CONCLAVE_NODE_RUNNING);
  g_assert_true (conclave_node_is_leader (node));
  /* The inspector says what it was then. */
  conclave_session_set_selected (f->session, node);
  ui_test_run_for (100);
  g_test_message ("%s before its crash: %s, %s", crashed, inspector_value (f, "state"), inspector_value (f, "group-role"));
  g_assert_cmpstr (inspector_value (f, "group-role"), ==, "leader");
  g_assert_cmpstr (inspector_value (f, "state"), ==, "Running");   /* (the tests run untranslated) */
  /* A recording runs no process: no crash, stop or pause buttons. */
  g_assert_null (inspector_value (f, "controls"));
  ui_test_look (f->window, "timeline", "replay-before-crash");

  drag_to (f, crash + 2 * G_TIME_SPAN_SECOND * 1000);
  node = conclave_cluster_lookup (cluster (f), crashed);
  g_assert_nonnull (node);
  g_assert_cmpint (conclave_node_get_state (node), ==, CONCLAVE_NODE_CRASHED);
  g_assert_false (conclave_node_is_leader (node));
  g_assert_true (conclave_session_get_selected (f->session) == node);
  ui_test_run_for (100);
  g_test_message ("%s after its crash: %s, %s", crashed, inspector_value (f, "state"), inspector_value (f, "group-role"));
  g_assert_cmpstr (inspector_value (f, "group-role"), !=, "leader");
  g_assert_cmpstr (inspector_value (f, "state"), !=, "Running");
  ui_test_look (f->window, "timeline", "replay-after-crash");
}

static guint64
shown_events (UiFixture *f)
{
  return conclave_event_store_get_end (conclave_cluster_get_store (cluster (f)));
}

/* From the start: Next Crash shows the crashed node crashed; the arrows'
 * steps show one more event, then one fewer. */
static void
assert_jumps (UiFixture *f, const char *crashed)
{
  GtkWidget *scrubber = GTK_WIDGET (find_scrubber (GTK_WIDGET (f->window)));
  gint64 start, end;
  guint64 before;
  ConclaveNode *node;

  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  drag_to (f, start);
  /* At the first event: not started yet, or alive. */
  node = conclave_cluster_lookup (cluster (f), crashed);
  if (node != NULL)
    g_test_message ("%s at the start: %s", crashed, conclave_node_state_to_string (conclave_node_get_state (node)));
  g_assert_true (node == NULL || conclave_node_get_state (node) < CONCLAVE_NODE_EXITED);
  g_assert_true (gtk_widget_activate_action (scrubber, "scrub.jump", "i", CONCLAVE_MOMENT_CRASH));
  g_assert_cmpint (conclave_node_get_state (conclave_cluster_lookup (cluster (f), crashed)), ==, CONCLAVE_NODE_CRASHED);
  g_assert_cmpint (conclave_session_get_now_ns (f->session), >, crash_time (cluster (f), crashed));

  before = shown_events (f);
  g_assert_true (gtk_widget_activate_action (scrubber, "scrub.next-event", NULL));
  g_assert_cmpuint (shown_events (f), >, before);
  before = shown_events (f);
  g_assert_true (gtk_widget_activate_action (scrubber, "scrub.previous-event", NULL));
  g_assert_cmpuint (shown_events (f), <, before);
}

typedef struct {
  ConclaveSession *session;
  gint64           beyond;
} Moved;

static gboolean
moved_beyond (gpointer data)
{
  Moved *m = data;

  return conclave_session_get_now_ns (m->session) > m->beyond;
}

/* Space plays at the chosen speed from the moment shown, and pauses. */
static void
assert_plays (UiFixture *f)
{
  ConclaveScrubber *scrubber = find_scrubber (GTK_WIDGET (f->window));
  gint64 start, end, t0, wall0, paused;
  Moved m = { f->session, 0 };
  double speed;

  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  drag_to (f, start);
  conclave_scrubber_set_speed (scrubber, 0.5);
  g_assert_cmpfloat (conclave_scrubber_get_speed (scrubber), ==, 0.5);
  t0 = conclave_session_get_now_ns (f->session);
  wall0 = g_get_monotonic_time ();
  m.beyond = t0 + 200 * G_TIME_SPAN_MILLISECOND * 1000;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrub.play", NULL));
  g_assert_true (conclave_scrubber_get_playing (scrubber));
  g_assert_true (ui_test_wait (moved_beyond, &m, 5000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (scrubber), "scrub.play", NULL));
  g_assert_false (conclave_scrubber_get_playing (scrubber));
  /* At half speed: the recording moved about half as far as the clock. */
  speed = (conclave_session_get_now_ns (f->session) - t0) / 1e3 / (g_get_monotonic_time () - wall0);
  g_test_message ("played at %.2f× the wall clock", speed);
  g_assert_cmpfloat (speed, >, 0.25);
  g_assert_cmpfloat (speed, <=, 0.55);
  paused = conclave_session_get_now_ns (f->session);
  ui_test_run_for (200);
  g_assert_cmpint (conclave_session_get_now_ns (f->session), ==, paused);
}

/* The first `lines` whole lines of path and half of the next. */
static char *
cut_copy (const char *path, const char *dir, guint lines)
{
  g_autofree char *text = NULL;
  char *cut = g_build_filename (dir, "cut.jsonl", NULL);
  const char *end;
  gsize length;

  g_assert_true (g_file_get_contents (path, &text, &length, NULL));
  end = text;
  for (guint i = 0; i < lines; i++)
    end = strchr (end, '\n') + 1;
  end += (strchr (end, '\n') - end) / 2;
  g_assert_true (g_file_set_contents (cut, text, end - text, NULL));
  return cut;
}

/* A moment where the recording's events are out of time order: one at
 * it comes after one later than it (0 if none). */
static gint64
disordered_moment (ConclaveEventStore *store)
{
  gint64 latest = G_MININT64;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->time_ns < latest)
        return e->time_ns;
      latest = MAX (latest, e->time_ns);
    }
  return 0;
}

/* Scrubbed anywhere, back or on, the window shows what a replay of the
 * file to that moment is: the same events, messages in each state, and
 * every node's state, role, term, leader and counters (the window keeps
 * the recording as its first replay made it, and goes back by replaying
 * that from the checkpoint before the moment). */
static void
assert_seeks_are_replays (UiFixture *f, const char *path)
{
  g_autoptr(ConclaveEventStore) file = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;
  gint64 start, end;
  guint n_bad = 0;

  g_assert_true (conclave_trace_load (file, path, &n_bad, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  /* Going back restores the checkpoint before (one every 53 events here). */
  g_assert_cmpuint (conclave_cluster_replay_count_checkpoints (cluster (f), NULL), ==,
                    (conclave_event_store_get_end (conclave_cluster_get_replay_source (cluster (f))) - 1) / 53);
  g_assert_cmpuint (conclave_cluster_replay_count_checkpoints (cluster (f), NULL), >, 1);
  /* First back from the end to where events came out of order: the same
   * moment whichever way the scrubber came. */
  conclave_session_seek (f->session, end);
  for (guint round = 0; round < 13; round++)
    {
      gint64 t = round == 0 && disordered_moment (file) != 0 ? disordered_moment (file)
                 : start + (gint64) (g_test_rand_double () * (double) (end - start));
      g_autoptr(ConclaveCluster) truth = conclave_cluster_new_replay (file, NULL, &error);
      ConclaveMatcher *a = conclave_cluster_get_matcher (truth), *b;

      g_assert_no_error (error);
      conclave_session_seek (f->session, t);
      conclave_cluster_replay_to (truth, store_index_after (file, t));
      b = conclave_cluster_get_matcher (cluster (f));
      g_test_message ("%s%.3f s: %" G_GUINT64_FORMAT " events shown, %" G_GUINT64_FORMAT " in the file's replay",
                      round == 0 ? "out of order at " : "at ", (t - start) / 1e9, shown_events (f), conclave_event_store_get_end (conclave_cluster_get_store (truth)));
      g_assert_cmpuint (shown_events (f), ==, conclave_event_store_get_end (conclave_cluster_get_store (truth)));
      for (guint s = 0; s < CONCLAVE_MESSAGE_N_STATES; s++)
        g_assert_cmpuint (conclave_matcher_count_state (b, s), ==, conclave_matcher_count_state (a, s));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (cluster (f))), ==, g_list_model_get_n_items (G_LIST_MODEL (truth)));
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (truth)); i++)
        {
          g_autoptr(ConclaveNode) x = g_list_model_get_item (G_LIST_MODEL (truth), i);
          ConclaveNode *y = conclave_cluster_lookup (cluster (f), conclave_node_get_name (x));

          g_assert_nonnull (y);
          g_assert_cmpint (conclave_node_get_state (y), ==, conclave_node_get_state (x));
          g_assert_cmpstr (conclave_node_get_group_role (y), ==, conclave_node_get_group_role (x));
          g_assert_cmpuint (conclave_node_get_term (y), ==, conclave_node_get_term (x));
          g_assert_cmpstr (conclave_node_get_leader (y), ==, conclave_node_get_leader (x));
          g_assert_cmpmem (conclave_node_get_counters (y), sizeof (ConclaveNodeCounters),
                           conclave_node_get_counters (x), sizeof (ConclaveNodeCounters));
        }
    }
}

static void
test_round_trip (UiFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-replay-XXXXXX", NULL);
  g_autofree char *gz = g_build_filename (dir, "class.jsonl.gz", NULL);
  g_autofree char *plain = g_build_filename (dir, "class.jsonl", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such.jsonl", NULL);
  g_autofree char *crashed = run_and_crash (f);
  g_autofree char *cut = NULL;
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func (g_free);
  ConclaveCluster *live = cluster (f);
  Counts at_save, replayed;
  gint64 start, end;

  ui_test_activate (f->app, "save-trace", g_variant_new_string (gz));
  count (live, &at_save);
  ui_test_activate (f->app, "save-trace", g_variant_new_string (plain));

  ui_test_activate (f->app, "open-trace", g_variant_new_string (gz));
  g_assert_true (conclave_session_is_replay (f->session));
  g_assert_true (cluster (f) != live);
  g_assert_true (conclave_cluster_is_replay (cluster (f)));
  g_assert_null (conclave_session_get_replay_problem (f->session));
  ui_test_run_for (300);
  count (cluster (f), &replayed);
  assert_same (&at_save, &replayed);
  g_string_free (at_save.leaders, TRUE);
  g_string_free (replayed.leaders, TRUE);

  /* It shows the end of the recording; nothing can be added or crashed. */
  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  g_assert_cmpint (conclave_session_get_now_ns (f->session), ==, end);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "add-server"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "crash-node"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "start-scenario"));
  g_assert_false (conclave_save_is_unsaved (f->session));
  g_assert_cmpfloat (gtk_range_get_value (slider (f)), ==, (end - start) / 1e9);
  ui_test_look (f->window, "timeline", "replay-opened");
  assert_scrubs_over_crash (f, crashed);
  assert_jumps (f, crashed);
  assert_plays (f);
  assert_seeks_are_replays (f, gz);

  /* Cut mid-line: opens up to the cut, and says which line. */
  g_signal_connect (f->session, "notice", G_CALLBACK (on_notice), notices);
  cut = cut_copy (plain, dir, 101);
  ui_test_activate (f->app, "open-trace", g_variant_new_string (cut));
  g_assert_true (conclave_session_is_replay (f->session));
  g_assert_nonnull (conclave_session_get_replay_problem (f->session));
  g_test_message ("%s", conclave_session_get_replay_problem (f->session));
  g_assert_nonnull (strstr (conclave_session_get_replay_problem (f->session), "cut.jsonl, line 102: "));
  /* The header and 100 events came before the cut (the replay's own
   * losses may stand in for recorded ones). */
  g_assert_cmpuint (conclave_event_store_get_end (conclave_cluster_get_store (cluster (f))), >=, 80);
  g_assert_cmpuint (conclave_event_store_get_end (conclave_cluster_get_store (cluster (f))), <=, 100);
  g_assert_cmpuint (notices->len, ==, 1);
  ui_test_look (f->window, "events", "replay-damaged");

  /* Missing: a notice that says so; the recording stays. */
  ui_test_activate (f->app, "open-trace", g_variant_new_string (missing));
  g_assert_cmpuint (notices->len, ==, 2);
  g_test_message ("%s", (char *) notices->pdata[1]);
  g_assert_nonnull (strstr (notices->pdata[1], "no-such.jsonl"));
  g_assert_true (conclave_session_is_replay (f->session));

  /* Not a recording at all: a notice, and the recording stays. */
  {
    g_autofree char *junk = g_build_filename (dir, "junk.jsonl", NULL);

    g_assert_true (g_file_set_contents (junk, "\x89PNG\r\n\x1a\nnot a trace\n", -1, NULL));
    ui_test_activate (f->app, "open-trace", g_variant_new_string (junk));
    g_assert_cmpuint (notices->len, ==, 3);
    g_test_message ("%s", (char *) notices->pdata[2]);
    g_assert_nonnull (strstr (notices->pdata[2], "junk.jsonl, line 1: "));
    g_assert_true (conclave_session_is_replay (f->session));
    g_assert_cmpuint (shown_events (f), >, 0);
    g_unlink (junk);
  }
  g_signal_handlers_disconnect_by_func (f->session, on_notice, notices);

  /* `conclave FILE` (GApplication's open) shows it too. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (gz);
    g_autofree char *title = NULL;

    /* (The test's application is registered without HANDLES_OPEN.) */
    G_APPLICATION_GET_CLASS (f->app)->open (G_APPLICATION (f->app), &file, 1, "");
    g_object_get (cluster (f), "title", &title, NULL);
    g_assert_cmpstr (title, ==, "class.jsonl.gz");
    g_assert_null (conclave_session_get_replay_problem (f->session));
  }

  /* Dropped onto the window (its drop target, as a drag would end). */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
    g_autoptr(GFile) file = g_file_new_for_path (plain);
    g_auto(GValue) value = G_VALUE_INIT;
    g_autofree char *title = NULL;
    gboolean dropped = FALSE;

    g_value_init (&value, G_TYPE_FILE);
    g_value_set_object (&value, file);
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);
        if (GTK_IS_DROP_TARGET (controller))
          g_signal_emit_by_name (controller, "drop", &value, 10.0, 10.0, &dropped);
      }
    g_assert_true (dropped);
    g_object_get (cluster (f), "title", &title, NULL);
    g_assert_cmpstr (title, ==, "class.jsonl");
    g_assert_true (conclave_session_is_replay (f->session));
  }

  /* New Class: live again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-class", NULL));
  g_assert_false (conclave_session_is_replay (f->session));
  g_assert_false (conclave_cluster_is_replay (cluster (f)));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "add-server"));

  g_unlink (gz);
  g_unlink (plain);
  g_unlink (cut);
  g_rmdir (dir);
}

static gboolean
some_events (gpointer data)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (data));

  return conclave_event_store_get_end (store) > 200;
}

static guint64
n_events (ConclaveCluster *c)
{
  return conclave_event_store_get_end (conclave_cluster_get_store (c));
}

typedef struct {
  ConclaveCluster *c;
  guint64          above;
} Grows;

static gboolean
grows (gpointer data)
{
  Grows *g = data;

  return n_events (g->c) > g->above;
}

static void
assert_placed (UiFixture *f, ConclaveCluster *c)
{
  ConclaveNode *s1 = conclave_cluster_lookup (c, "s1");
  double x = 0, y = 0;

  g_assert_nonnull (s1);
  g_assert_true (conclave_session_get_position (f->session, s1, &x, &y));
  g_assert_cmpfloat (x, ==, 0.125);
  g_assert_cmpfloat (y, ==, 0.75);
  g_assert_true (conclave_session_get_selected (f->session) == s1);
}

/* Scrubbing back in a live class shows the past; the class goes on
 * meanwhile, and Live shows it again. */
static void
test_live_scrub (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *live;
  ConclaveCluster *past;
  gint64 start, end;
  guint64 shown;
  Grows g;

  ui_test_start_chapter (f->app, "chapter-1", 0.2);
  g_assert_true (ui_test_wait (some_events, f, 30000));
  live = cluster (f);
  g_assert_true (conclave_session_is_following (f->session));
  g_assert_true (conclave_session_get_time_range (f->session, &start, &end));
  /* Where the teacher put s1, and that it is selected, stay. */
  conclave_session_set_position (f->session, conclave_cluster_lookup (live, "s1"), 0.125, 0.75);
  conclave_session_set_selected (f->session, conclave_cluster_lookup (live, "s1"));
  drag_to (f, start + (end - start) / 2);
  g_assert_false (conclave_session_is_following (f->session));
  past = cluster (f);
  assert_placed (f, past);
  g_assert_true (past != live);
  g_assert_true (conclave_cluster_is_replay (past));
  shown = n_events (past);
  g_assert_cmpuint (shown, >, 0);
  g_assert_cmpuint (shown, <, n_events (live));
  for (guint64 i = 0; i < shown; i++)
    g_assert_cmpint (conclave_event_store_get (conclave_cluster_get_store (past), i)->time_ns, <=,
                     start + (end - start) / 2);
  /* The processes go on; the past stays where it is. */
  g = (Grows) { live, n_events (live) };
  g_assert_true (ui_test_wait (grows, &g, 10000));
  g_assert_cmpuint (n_events (past), ==, shown);
  g_assert_true (ui_test_node_running (live, "s1"));
  ui_test_look (f->window, "timeline", "replay-live-past");

  /* Saving while the past is shown keeps the whole live class. */
  {
    g_autofree char *dir = g_dir_make_tmp ("conclave-replay-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "live.jsonl", NULL);
    g_autoptr(ConclaveEventStore) saved = conclave_event_store_new ();
    guint64 live_events = n_events (live);

    ui_test_activate (f->app, "save-trace", g_variant_new_string (path));
    g_assert_true (conclave_trace_load (saved, path, NULL, NULL, NULL));
    g_assert_cmpuint (conclave_event_store_get_end (saved), >=, live_events);
    g_unlink (path);
    g_rmdir (dir);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (find_scrubber (GTK_WIDGET (f->window))), "scrub.live", NULL));
  g_assert_true (conclave_session_is_following (f->session));
  g_assert_true (cluster (f) == live);
  assert_placed (f, live);

  /* Scrubbed back, a new class starts live and clean. */
  drag_to (f, start + (end - start) / 2);
  g_assert_false (conclave_session_is_following (f->session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-class", NULL));
  g_assert_true (conclave_session_is_following (f->session));
  g_assert_false (conclave_cluster_is_replay (cluster (f)));
  g_assert_cmpuint (n_events (cluster (f)), ==, 0);   /* (the old class had hundreds) */
}

/* When the first FAULT was recorded in c's store; 0: none. */
static gint64
fault_time (ConclaveCluster *c)
{
  ConclaveEventStore *store = conclave_cluster_get_store (c);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    if (conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_FAULT)
      return conclave_event_store_get (store, i)->time_ns;
  return 0;
}

static gboolean
partitioned (ConclaveCluster *c)
{
  return conclave_faults_is_partitioned (conclave_cluster_get_faults (c));
}

/* Scrubbed back, the cluster view shows the partition of the moment: none
 * before the teacher cut s1 off, s1 cut off after (the live class's
 * faults are the present's); and the lines of who talked to whom. */
static void
test_faults_scrubbed (UiFixture *f, gconstpointer data)
{
  const char *minority[] = { "s1", NULL };
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  ConclaveCluster *live;
  guint links;
  gint64 cut;
  Grows g;

  ui_test_start_chapter (f->app, "chapter-1", 0.2);
  g_assert_true (ui_test_wait (some_events, f, 30000));
  live = cluster (f);
  ui_test_activate (f->app, "partition", g_variant_new_strv (minority, -1));
  g_assert_true (partitioned (live));
  cut = fault_time (live);
  g_assert_cmpint (cut, >, 0);
  g = (Grows) { live, n_events (live) + 20 };
  g_assert_true (ui_test_wait (grows, &g, 10000));

  links = conclave_cluster_view_get_n_links (view);
  g_assert_cmpuint (links, >=, 1);
  drag_to (f, cut - 100 * G_TIME_SPAN_MILLISECOND * 1000);
  g_assert_true (cluster (f) != live);
  g_assert_false (partitioned (cluster (f)));
  /* Who had talked to whom by then, as live drew it. */
  ui_test_run_for (100);
  g_assert_cmpuint (conclave_cluster_view_get_n_links (view), ==, links);
  ui_test_look (f->window, "timeline", "replay-before-partition");
  drag_to (f, cut + 100 * G_TIME_SPAN_MILLISECOND * 1000);
  g_assert_true (partitioned (cluster (f)));
  g_assert_cmpstr (conclave_faults_get_isolated (conclave_cluster_get_faults (cluster (f)), "s1")[0], ==, "c1");
  ui_test_look (f->window, "timeline", "replay-partition-past");
  g_assert_true (partitioned (live));
}

#define SEC (G_GINT64_CONSTANT (1000000000))

/* Ten seconds of s1 and s2 talking, a verdict at 6 s whose cause is the
 * send just before it. */
static char *
write_class_with_verdict (const char *dir)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  ConclaveIntern *intern = conclave_event_store_get_intern (store);
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  guint32 kind = conclave_intern_add (intern, "heartbeat"), program = conclave_intern_add (intern, "/usr/bin/conclave-node,group-server");
  guint32 procs[2], names[2], addrs[2];
  ConclaveTraceHeader header = { .format = 1, .tempo = 1 };
  char *path = g_build_filename (dir, "verdict.jsonl", NULL);
  g_autoptr(GError) error = NULL;

  for (guint n = 0; n < 2; n++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", n + 1);
      g_autofree char *addr = g_strdup_printf ("127.0.0.1:%u", 7001 + n);
      ConclaveProcessInfo *info = conclave_event_store_add_process (store, 5000 + n);

      names[n] = info->node = conclave_intern_add (intern, name);
      info->role = conclave_intern_add (intern, "group-server");
      procs[n] = info->index;
      addrs[n] = conclave_intern_add (intern, addr);
      g_array_append_val (events, ((ConclaveEvent) { .type = CONCLAVE_EVENT_SPAWN, .time_ns = SEC + n, .s = { names[n], 0, program }, .len = 5000 + n }));
      g_array_append_val (events, ((ConclaveEvent) { .type = CONCLAVE_EVENT_HELLO, .time_ns = SEC + 10 + n, .proc = procs[n],
                                                      .s = { info->role, names[n] }, .len = 5000 + n, .num = 1 }));
    }
  for (guint i = 0; i < 20; i++)
    {
      gint64 t = 2 * SEC + i * SEC / 2;
      ConclaveEvent send = { .type = CONCLAVE_EVENT_SEND, .time_ns = t, .proc = procs[i % 2], .proto = CONCLAVE_PROTO_UDP,
                             .key = ((guint64) (5000 + i % 2) << 32) | (i + 1), .s = { kind, addrs[i % 2], addrs[1 - i % 2] } };
      ConclaveEvent recv = send;

      recv.type = CONCLAVE_EVENT_RECV;
      recv.proc = procs[1 - i % 2];
      recv.time_ns = t + SEC / 10;
      g_array_append_val (events, send);
      g_array_append_val (events, recv);
      /* Its cause: the send at 6 s, two events before it. */
      if (i == 8)
        g_array_append_val (events, ((ConclaveEvent) { .type = CONCLAVE_EVENT_VIOLATION, .time_ns = 6 * SEC + 1,
                                                        .key = events->len - 2,
                                                        .s = { conclave_intern_add (intern, "split-brain"), 0, 0,
                                                               conclave_intern_add (intern, "two leaders at once") } }));
    }
  conclave_event_store_append (store, (ConclaveEvent *) events->data, events->len);
  g_assert_true (conclave_trace_save (store, path, &header, &error));
  g_assert_no_error (error);
  return path;
}

/* At 8 s, past the verdict: what Show the Cause selects in the event log. */
static const ConclaveEvent *
show_the_cause (UiFixture *f)
{
  ConclaveEventsView *log = CONCLAVE_EVENTS_VIEW (conclave_window_get_view_widget (f->window, "events"));
  const ConclaveEvent *selected;

  conclave_session_seek (f->session, 8 * SEC);
  g_assert_cmpuint (conclave_session_get_violation (f->session), !=, G_MAXUINT64);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-violation", NULL));
  ui_test_run_for (200);
  selected = conclave_event_store_get (conclave_cluster_get_store (cluster (f)), conclave_events_view_get_selected_event (log));
  g_assert_nonnull (selected);
  return selected;
}

/* A copy of the file as it was written before causes were kept. */
static char *
without_cause (const char *path, const char *dir)
{
  g_autofree char *text = NULL;
  g_autoptr(GRegex) cause = g_regex_new (",\"cause\":[0-9]+", 0, 0, NULL);
  g_autofree char *old_text = NULL;
  char *old = g_build_filename (dir, "old.jsonl", NULL);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"cause\":2}"));
  old_text = g_regex_replace_literal (cause, text, -1, 0, "", 0, NULL);
  g_assert_true (g_file_set_contents (old, old_text, -1, NULL));
  return old;
}

static void
test_cursor_and_cause (UiFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-replay-XXXXXX", NULL);
  g_autofree char *path = write_class_with_verdict (dir);
  ConclaveTimeline *timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  g_autofree char *old = NULL;
  const ConclaveEvent *shown;
  double x;

  ui_test_activate (f->app, "open-trace", g_variant_new_string (path));
  g_assert_true (conclave_session_is_replay (f->session));
  conclave_timeline_set_real_time (timeline, TRUE);
  conclave_session_seek (f->session, 7 * SEC);
  ui_test_look (f->window, "timeline", "replay-cursor");
  /* The line is where the axis puts 7 s. */
  x = conclave_timeline_get_cursor_x (timeline);
  g_test_message ("cursor at %.1f px", x);
  g_assert_cmpfloat (x, >, 0);
  g_assert_cmpfloat (fabs (x - round (conclave_timeline_time_to_x (timeline, 7 * SEC))), <, 1);
  conclave_session_seek (f->session, 4 * SEC);
  ui_test_look (f->window, "timeline", "replay-cursor-back");
  g_assert_cmpfloat (fabs (conclave_timeline_get_cursor_x (timeline) - round (conclave_timeline_time_to_x (timeline, 4 * SEC))), <, 1);
  /* 4 s: no verdict yet, nothing to show. */
  g_assert_cmpuint (conclave_session_get_violation (f->session), ==, G_MAXUINT64);

  /* Past it: Show the Cause selects the verdict's cause, as live did, in
   * the log of the moment shown. */
  shown = show_the_cause (f);
  g_assert_cmpint (shown->type, ==, CONCLAVE_EVENT_SEND);
  g_assert_cmpint (shown->time_ns, ==, 6 * SEC);
  ui_test_look (f->window, "events", "replay-show-cause");

  /* A file written before causes were kept: the verdict itself. */
  old = without_cause (path, dir);
  ui_test_activate (f->app, "open-trace", g_variant_new_string (old));
  g_assert_true (conclave_session_is_replay (f->session));
  shown = show_the_cause (f);
  g_assert_cmpint (shown->type, ==, CONCLAVE_EVENT_VIOLATION);
  g_assert_cmpint (shown->time_ns, ==, 6 * SEC + 1);
  g_unlink (path);
  g_unlink (old);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* Scrubbed back, the window restores checkpoints (every 53 events of
   * these small classes, not 50,000). */
  g_setenv ("CONCLAVE_REPLAY_CHECKPOINT_EVERY", "53", TRUE);
  ui_test_init (&argc, &argv);
  g_test_add ("/replay/round-trip", UiFixture, NULL, ui_fixture_set_up, test_round_trip, ui_fixture_tear_down);
  g_test_add ("/replay/live-scrub", UiFixture, NULL, ui_fixture_set_up, test_live_scrub, ui_fixture_tear_down);
  g_test_add ("/replay/faults-scrubbed", UiFixture, NULL, ui_fixture_set_up, test_faults_scrubbed, ui_fixture_tear_down);
  g_test_add ("/replay/cursor-and-cause", UiFixture, NULL, ui_fixture_set_up, test_cursor_and_cause, ui_fixture_tear_down);
  return g_test_run ();
}
