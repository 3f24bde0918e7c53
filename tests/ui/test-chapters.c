/* test-chapters.c — a new chapter starts a clean picture (issue 8, item 1).
 *
 * Runs chapter 4 (a raft group), then chapter 2 (fork per request), then
 * chapter 4 again, in one window, and checks after each switch what the
 * class would see: the timeline has no row of an earlier chapter's
 * processes, the charts no term of an earlier run, the event log and the
 * event count start again, the time axis counts from the new chapter's
 * first event, and the earlier processes are gone from the system.
 * Screenshots of each step go to screenshots/ in the build directory.
 */
#include "config.h"

#include "conclave-charts.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"
#include "conclave-events-view.h"
#include "conclave-timeline.h"
#include "ui-test-utils.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

/* Every PID the chapter's store has seen, children included. */
static GArray *
pids_of_chapter (UiFixture *f)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (gint));

  for (guint i = 0; i <= conclave_event_store_get_n_processes (store); i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_get_process (store, i);

      if (info != NULL && info->pid > 0)
        g_array_append_val (pids, info->pid);
    }
  return pids;
}

static gboolean
contains_pid (GArray *pids,
              gint    pid)
{
  for (guint i = 0; i < pids->len; i++)
    if (g_array_index (pids, gint, i) == pid)
      return TRUE;
  return FALSE;
}

static gboolean
all_gone (gpointer data)
{
  GArray *pids = data;

  for (guint i = 0; i < pids->len; i++)
    if (!ui_test_pid_gone (g_array_index (pids, gint, i)))
      return FALSE;
  return TRUE;
}

static ConclaveCharts *
charts (UiFixture *f)
{
  return CONCLAVE_CHARTS (conclave_window_get_view_widget (f->window, "charts"));
}

static gboolean
group_led (gpointer data)
{
  UiFixture *f = data;

  return conclave_charts_get_n_terms (charts (f)) > 0 && ui_test_n_delivered (cluster (f)) >= 6;
}

static gboolean
forked_and_answered (gpointer data)
{
  UiFixture *f = data;
  ConclaveNode *s1 = conclave_cluster_lookup (cluster (f), "s1");

  return s1 != NULL && g_list_model_get_n_items (conclave_node_get_children (s1)) > 0 &&
         ui_test_n_delivered (cluster (f)) >= 6;
}

/* The event log lists this chapter's events only, all of them. */
static void
assert_log_is_this_chapter (UiFixture *f)
{
  GtkWidget *log = conclave_window_get_view_widget (f->window, "events");
  GListModel *list = conclave_events_view_get_model (CONCLAVE_EVENTS_VIEW (log));
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  guint n;

  conclave_event_list_sync (CONCLAVE_EVENT_LIST (list));
  n = g_list_model_get_n_items (list);
  g_assert_cmpuint (conclave_event_store_get_first (store), ==, 0);
  g_assert_cmpuint (n, ==, conclave_event_store_get_end (store));
  /* In causal order, not arrival order: every event once. */
  g_autofree gboolean *listed = g_new0 (gboolean, n + 1);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveEventItem) item = g_list_model_get_item (list, i);
      guint64 index = conclave_event_item_get_index (item);

      g_assert_true (conclave_event_item_get_store (item) == store);
      g_assert_cmpuint (index, <, n);
      g_assert_false (listed[index]);
      listed[index] = TRUE;
    }
}

/* The axis counts from this chapter's first event. */
static void
assert_axis_from_zero (UiFixture *f)
{
  ConclaveTimeline *timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));

  g_assert_cmpint (conclave_timeline_get_origin (timeline), ==, conclave_event_store_get_min_time (store));
}

/* No row of an earlier chapter's processes, and every lifeline a node of
 * this one. */
static void
assert_rows_are_this_chapter (UiFixture *f,
                              GArray    *earlier)
{
  ConclaveTimeline *timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  g_auto(GStrv) rows = conclave_timeline_list_rows (timeline);

  g_assert_cmpuint (g_strv_length (rows), >, 0);
  for (guint i = 0; rows[i] != NULL; i++)
    {
      const char *slash = strchr (rows[i], '/');
      g_autofree char *name = g_strndup (rows[i], slash ? (gsize) (slash - rows[i]) : strlen (rows[i]));

      g_test_message ("timeline row %u: %s", i, rows[i]);
      g_assert_nonnull (conclave_cluster_lookup (cluster (f), name));
      if (slash != NULL)
        g_assert_false (contains_pid (earlier, atoi (slash + 1)));
    }
}

/* Every term on the leader strip is this run's: led by one of its servers,
 * begun after its first event, in order. */
static void
assert_terms_are_this_run (UiFixture *f)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  guint n = conclave_charts_get_n_terms (charts (f));
  guint last_term = 0;
  gint64 last_start = 0;

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      guint term;
      gint64 start_ns;
      const char *leader = conclave_charts_get_term (charts (f), i, &term, &start_ns);
      ConclaveNode *node = conclave_cluster_lookup (cluster (f), leader);

      g_test_message ("term %u led by %s from %" G_GINT64_FORMAT, term, leader, start_ns);
      g_assert_nonnull (node);
      g_assert_true (conclave_node_is_server (node));
      g_assert_cmpint (start_ns, >=, conclave_event_store_get_min_time (store));
      g_assert_cmpint (start_ns, >=, last_start);
      g_assert_cmpuint (term, >=, last_term);
      last_term = term;
      last_start = start_ns;
    }
}

static void
look (UiFixture  *f,
      const char *view,
      const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  conclave_window_show_view (f->window, view);
  ui_test_run_for (400);
  texture = ui_test_screenshot (GTK_WIDGET (f->window), name);
}

static void
test_new_chapter (UiFixture     *f,
                  gconstpointer  data)
{
  g_autoptr(GArray) pids4 = NULL;
  g_autoptr(GArray) pids2 = NULL;
  ConclaveCluster *first;
  guint64 events4, events2;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (group_led, f, 30000));
  pids4 = pids_of_chapter (f);
  events4 = conclave_event_store_get_end (conclave_cluster_get_store (cluster (f)));
  first = cluster (f);
  look (f, "charts", "chapter-switch-1-raft");

  /* Chapter 2: nothing of the group is left in the picture. */
  ui_test_start_chapter (f->app, "chapter-2", 0.1);
  g_assert_true (cluster (f) != first);
  g_assert_cmpuint (conclave_charts_get_n_terms (charts (f)), ==, 0);
  g_assert_true (ui_test_wait (all_gone, pids4, 5000));
  g_assert_true (ui_test_wait (forked_and_answered, f, 20000));
  look (f, "timeline", "chapter-switch-2-fork");
  assert_rows_are_this_chapter (f, pids4);
  assert_axis_from_zero (f);
  assert_log_is_this_chapter (f);
  g_assert_cmpuint (conclave_charts_get_n_terms (charts (f)), ==, 0);
  pids2 = pids_of_chapter (f);
  events2 = conclave_event_store_get_end (conclave_cluster_get_store (cluster (f)));
  g_test_message ("chapter 4: %" G_GUINT64_FORMAT " events, %u processes; chapter 2: %"
                  G_GUINT64_FORMAT " events, %u processes", events4, pids4->len, events2, pids2->len);

  /* Chapter 4 again: no child lane of chapter 2's server, terms anew. */
  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_cmpuint (conclave_charts_get_n_terms (charts (f)), ==, 0);
  g_assert_true (ui_test_wait (all_gone, pids2, 5000));
  g_assert_true (ui_test_wait (group_led, f, 30000));
  look (f, "timeline", "chapter-switch-3-raft-timeline");
  assert_rows_are_this_chapter (f, pids2);
  assert_rows_are_this_chapter (f, pids4);
  assert_axis_from_zero (f);
  assert_log_is_this_chapter (f);
  look (f, "charts", "chapter-switch-3-raft-charts");
  assert_terms_are_this_run (f);
  look (f, "events", "chapter-switch-3-raft-events");
}

/* New Class goes back to the welcome page with nothing of the old class. */
static void
test_new_class (UiFixture     *f,
                gconstpointer  data)
{
  g_autoptr(GArray) pids = NULL;

  ui_test_start_chapter (f->app, "chapter-2", 0.1);
  g_assert_true (ui_test_wait (forked_and_answered, f, 20000));
  pids = pids_of_chapter (f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-class", NULL));
  g_assert_true (ui_test_wait (all_gone, pids, 5000));
  g_assert_cmpstr (conclave_window_get_page (f->window), ==, "welcome");
  g_assert_cmpuint (conclave_event_store_get_end (conclave_cluster_get_store (cluster (f))), ==, 0);
  g_assert_null (conclave_session_get_selected (f->session));
  assert_log_is_this_chapter (f);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/chapters/new-chapter", UiFixture, NULL, ui_fixture_set_up, test_new_chapter, ui_fixture_tear_down);
  g_test_add ("/chapters/new-class", UiFixture, NULL, ui_fixture_set_up, test_new_class, ui_fixture_tear_down);
  return g_test_run ();
}
