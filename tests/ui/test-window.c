/* test-window.c — the Conclave window with real processes, under a real
 * display: the welcome page, starting a chapter through its action, what
 * the cluster view and the timeline draw, crash / pause / resume / restart
 * through the application's actions, adding nodes, freezing, the event
 * log's model and filters. */
#include "config.h"

#include <string.h>

#include "conclave-cluster-view.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"
#include "conclave-event-format.h"
#include "conclave-events-view.h"
#include "conclave-inspector.h"
#include "conclave-palette-widget.h"
#include "conclave-render.h"
#include "conclave-timeline.h"
#include "ui-test-utils.h"

typedef struct {
  ConclaveApplication *app;
  ConclaveWindow      *window;
  ConclaveSession     *session;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->window = ui_test_window_new (&f->app);
  f->session = conclave_window_get_session (f->window);
  g_assert_nonnull (conclave_session_get_cluster (f->session));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ui_test_window_free (f->app, f->window);
}

static ConclaveNode *
node (Fixture    *f,
      const char *name)
{
  return conclave_cluster_lookup (conclave_session_get_cluster (f->session), name);
}

static gboolean
node_running (Fixture    *f,
              const char *name)
{
  ConclaveNode *n = node (f, name);

  return n != NULL && conclave_node_get_state (n) == CONCLAVE_NODE_RUNNING && conclave_node_get_pid (n) > 0;
}

static guint
n_delivered (Fixture *f)
{
  guint64 counts[5] = { 0, };

  conclave_matcher_count (conclave_cluster_get_matcher (conclave_session_get_cluster (f->session)), counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED];
}

typedef struct {
  Fixture *f;
  guint    delivered;
} Chapter2;

static gboolean
chapter_2_running (gpointer data)
{
  Chapter2 *c = data;
  ConclaveNode *s1 = node (c->f, "s1");

  return node_running (c->f, "s1") && node_running (c->f, "c1") && node_running (c->f, "c2") &&
         node_running (c->f, "c3") && conclave_node_is_server (s1) &&
         n_delivered (c->f) >= c->delivered;
}

static void
test_welcome (Fixture       *f,
              gconstpointer  data)
{
  static const char * const actions[] = {
    "add-server", "add-client", "add-server-role", "add-client-role", "crash-node", "stop-node", "pause-node", "resume-node",
    "restart-node", "remove-node", "start-scenario", "set-tempo", "freeze-all",
    "presentation-mode", "show-shortcuts", "about", "quit", "preferences",
  };

  g_assert_cmpstr (conclave_window_get_page (f->window), ==, "welcome");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conclave_session_get_cluster (f->session))), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_true (g_action_group_has_action (G_ACTION_GROUP (f->app), actions[i]));
  /* Node actions wait for nodes; adding and chapters do not. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "crash-node"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "add-server"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "start-scenario"));
}

static gboolean
shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100 &&
         gtk_widget_get_height (data) > 100;
}

static void
assert_drew_server (GtkWidget  *widget,
                    const char *what,
                    guint       min_pixels)
{
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA server;
  guint n_colors, n_server;

  g_assert_true (ui_test_wait (shown, widget, 3000));
  texture = conclave_render_widget (widget, NULL);
  g_assert_nonnull (texture);
  conclave_palette_get_gdk (CONCLAVE_COLOR_SERVER, conclave_palette_is_dark (), &server);
  conclave_render_inspect (texture, &server, 6, &n_colors, &n_server);
  g_test_message ("%s: %u colours, %u server-coloured pixels", what, n_colors, n_server);
  g_assert_cmpuint (n_colors, >=, 20);
  g_assert_cmpuint (n_server, >=, min_pixels);
}

static const char *
inspector_value (Fixture    *f,
                 const char *row)
{
  return conclave_inspector_get_value (CONCLAVE_INSPECTOR (conclave_window_get_view_widget (f->window, "inspector")),
                                       row);
}

/* "0 · by children 3": the parent's own count, then its children's, which
 * must have grown past zero. */
static gboolean
children_did_work (gpointer data)
{
  const char *sent = inspector_value (data, "sent");
  const char *by = sent ? strstr (sent, " · ") : NULL;

  return by != NULL && g_ascii_strtoull (strrchr (sent, ' ') + 1, NULL, 10) > 0;
}

static void
test_chapter_2 (Fixture       *f,
                gconstpointer  data)
{
  Chapter2 c = { f, 3 };
  GtkWidget *timeline = conclave_window_get_view_widget (f->window, "timeline");
  ConclaveTimelineStats stats;

  ui_test_start_chapter (f->app, "chapter-2", 0.1);
  g_assert_true (ui_test_wait (chapter_2_running, &c, 8000));
  g_assert_cmpstr (conclave_window_get_page (f->window), ==, "cluster");
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "crash-node"));

  /* The server's rounded square is at least 40×40 pixels of server blue. */
  assert_drew_server (conclave_window_get_view_widget (f->window, "cluster"), "cluster view", 1600);
  /* Its lifeline runs across the timeline. */
  assert_drew_server (timeline, "timeline", 300);
  conclave_timeline_get_stats (CONCLAVE_TIMELINE (timeline), &stats);
  g_test_message ("timeline: %u rows, %u arrows, %u markers", stats.rows, stats.arrows, stats.markers);
  g_assert_cmpuint (stats.rows, >=, 5);   /* s1, a child lane, c1, c2, c3 */
  g_assert_cmpuint (stats.arrows + stats.binned, >=, 2);

  /* The forking server's inspector says that its children do the work. */
  conclave_session_set_selected (f->session, node (f, "s1"));
  g_assert_true (ui_test_wait (children_did_work, f, 5000));
  g_test_message ("s1 sent: %s; received: %s",
                  inspector_value (f, "sent"), inspector_value (f, "received"));
  /* A live server has its crash, stop and pause buttons. */
  g_assert_cmpstr (inspector_value (f, "controls"), ==, "shown");
}

typedef struct {
  Fixture    *f;
  const char *name;
  gint        pid;
} NodeWait;

static gboolean
node_crashed_and_gone (gpointer data)
{
  NodeWait *w = data;

  return conclave_node_get_state (node (w->f, w->name)) == CONCLAVE_NODE_CRASHED &&
         ui_test_pid_gone (w->pid);
}

static gboolean
running (gpointer data)
{
  NodeWait *w = data;

  return node_running (w->f, w->name);
}

static void
test_crash (Fixture       *f,
            gconstpointer  data)
{
  NodeWait w = { f, "s1", 0 };
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA crashed;
  guint n_crashed;
  gint64 t0;

  ui_test_start_chapter (f->app, "chapter-1", 0.1);
  g_assert_true (ui_test_wait (running, &w, 8000));
  w.pid = conclave_node_get_pid (node (f, "s1"));
  t0 = g_get_monotonic_time ();
  ui_test_activate (f->app, "crash-node", g_variant_new_string ("s1"));
  g_assert_true (ui_test_wait (node_crashed_and_gone, &w, 1000));
  g_test_message ("s1 (PID %d) crashed and gone after %.0f ms", w.pid,
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (conclave_node_get_exit_signal (node (f, "s1")), ==, SIGKILL);

  /* Greyed out in the cluster view. */
  g_assert_true (ui_test_wait (shown, conclave_window_get_view_widget (f->window, "cluster"), 3000));
  texture = conclave_render_widget (conclave_window_get_view_widget (f->window, "cluster"), NULL);
  conclave_palette_get_gdk (CONCLAVE_COLOR_CRASHED, conclave_palette_is_dark (), &crashed);
  conclave_render_inspect (texture, &crashed, 6, NULL, &n_crashed);
  g_assert_cmpuint (n_crashed, >=, 1000);
}

/* Events reported by the process `pid` at store indices [from, end). */
static guint
events_of (Fixture *f,
           gint     pid,
           guint64  from)
{
  ConclaveEventStore *store = conclave_cluster_get_store (conclave_session_get_cluster (f->session));
  ConclaveProcessInfo *process = conclave_event_store_find_process (store, pid);
  guint n = 0;

  g_assert_nonnull (process);
  for (guint64 i = from; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *event = conclave_event_store_get (store, i);

      n += event != NULL && event->proc == process->index;
    }
  return n;
}

typedef struct {
  Fixture *f;
  gint     pid;
  guint64  from;
} EventsWait;

static gboolean
has_events (gpointer data)
{
  EventsWait *w = data;

  return events_of (w->f, w->pid, w->from) >= 2;
}

static gboolean
paused (gpointer data)
{
  NodeWait *w = data;

  return conclave_node_get_state (node (w->f, w->name)) == CONCLAVE_NODE_PAUSED;
}

static void
test_pause (Fixture       *f,
            gconstpointer  data)
{
  ConclaveEventStore *store;
  NodeWait w = { f, "c1", 0 };
  EventsWait e = { f, 0, 0 };

  /* At tempo 0.05 the client says hello every 50 ms. */
  ui_test_start_chapter (f->app, "chapter-1", 0.05);
  store = conclave_cluster_get_store (conclave_session_get_cluster (f->session));
  g_assert_true (ui_test_wait (running, &w, 8000));
  e.pid = conclave_node_get_pid (node (f, "c1"));
  e.from = conclave_event_store_get_end (store);
  g_assert_true (ui_test_wait (has_events, &e, 3000));

  ui_test_activate (f->app, "pause-node", g_variant_new_string ("c1"));
  g_assert_true (ui_test_wait (paused, &w, 1000));
  /* Whatever was on its way has arrived; from now on, silence. */
  ui_test_run_for (100);
  e.from = conclave_event_store_get_end (store);
  ui_test_run_for (700);
  g_assert_cmpuint (events_of (f, e.pid, e.from), ==, 0);

  ui_test_activate (f->app, "resume-node", g_variant_new_string ("c1"));
  g_assert_true (ui_test_wait (running, &w, 1000));
  g_assert_true (ui_test_wait (has_events, &e, 3000));
}

typedef struct {
  Fixture *f;
  gint     old_pid;
} RestartWait;

static gboolean
restarted (gpointer data)
{
  RestartWait *w = data;
  ConclaveNode *s1 = node (w->f, "s1");

  return node_running (w->f, "s1") && conclave_node_get_pid (s1) != w->old_pid;
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  NodeWait w = { f, "s1", 0 };
  RestartWait r = { f, 0 };

  ui_test_start_chapter (f->app, "chapter-1", 0.1);
  g_assert_true (ui_test_wait (running, &w, 8000));
  r.old_pid = conclave_node_get_pid (node (f, "s1"));
  ui_test_activate (f->app, "restart-node", g_variant_new_string ("s1"));
  g_assert_true (ui_test_wait (restarted, &r, 5000));
  g_test_message ("s1: PID %d → %d", r.old_pid, conclave_node_get_pid (node (f, "s1")));
  g_assert_true (ui_test_pid_gone (r.old_pid));
}

static gboolean
two_nodes_running (gpointer data)
{
  Fixture *f = data;

  return node_running (f, "s1") && node_running (f, "c1") && n_delivered (f) >= 1;
}

static gboolean
on_welcome_page (gpointer data)
{
  Fixture *f = data;

  return g_str_equal (conclave_window_get_page (f->window), "welcome");
}

static void
test_add_nodes (Fixture       *f,
                gconstpointer  data)
{
  /* Without a role (as `gapplication action … add-server` sends it) and with one. */
  ui_test_activate (f->app, "add-server", NULL);
  ui_test_activate (f->app, "add-client-role", g_variant_new_string ("udp-client"));
  g_assert_true (ui_test_wait (two_nodes_running, f, 8000));
  g_assert_cmpstr (conclave_node_get_role (node (f, "s1")), ==, "udp-server");
  g_assert_cmpstr (conclave_window_get_page (f->window), ==, "cluster");
  /* The new node is selected, so the inspector shows it. */
  g_assert_true (conclave_session_get_selected (f->session) == node (f, "c1"));

  /* A wrong role or an unknown node is refused and nothing changes. */
  ui_test_activate (f->app, "add-server-role", g_variant_new_string ("udp-client"));
  ui_test_activate (f->app, "crash-node", g_variant_new_string ("nobody"));
  ui_test_run_for (200);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (conclave_session_get_cluster (f->session))), ==, 2);
  g_assert_true (node_running (f, "s1"));

  /* Removing every node brings the welcome page back. */
  ui_test_activate (f->app, "remove-node", g_variant_new_string ("c1"));
  ui_test_activate (f->app, "remove-node", g_variant_new_string ("s1"));
  g_assert_true (ui_test_wait (on_welcome_page, f, 3000));
}

static gboolean
all_paused (gpointer data)
{
  Fixture *f = data;

  return conclave_node_get_state (node (f, "s1")) == CONCLAVE_NODE_PAUSED &&
         conclave_node_get_state (node (f, "c1")) == CONCLAVE_NODE_PAUSED;
}

static gboolean
all_running (gpointer data)
{
  Fixture *f = data;

  return node_running (f, "s1") && node_running (f, "c1");
}

static void
test_freeze_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GVariant) state = NULL;

  ui_test_start_chapter (f->app, "chapter-1", 0.1);
  g_assert_true (ui_test_wait (all_running, f, 8000));
  ui_test_activate (f->app, "freeze-all", NULL);
  g_assert_true (ui_test_wait (all_paused, f, 1000));
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "freeze-all");
  g_assert_true (g_variant_get_boolean (state));
  ui_test_activate (f->app, "freeze-all", NULL);
  g_assert_true (ui_test_wait (all_running, f, 1000));
}

static gboolean
scanned (gpointer data)
{
  return !conclave_event_list_get_scanning (data);
}

static void
test_event_log (Fixture       *f,
                gconstpointer  data)
{
  ConclaveEventStore *store;
  GtkWidget *log = conclave_window_get_view_widget (f->window, "events");
  ConclaveEventList *list = CONCLAVE_EVENT_LIST (conclave_events_view_get_model (CONCLAVE_EVENTS_VIEW (log)));
  Chapter2 c = { f, 6 };
  guint n, matching = 0;

  ui_test_start_chapter (f->app, "chapter-2", 0.1);
  store = conclave_cluster_get_store (conclave_session_get_cluster (f->session));
  conclave_window_show_view (f->window, "events");
  g_assert_true (ui_test_wait (chapter_2_running, &c, 8000));
  /* Unfiltered: one row per retained event (once caught up: the session
   * tells the log at most once a frame). */
  conclave_event_list_sync (list);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==,
                    conclave_event_store_get_end (store) - conclave_event_store_get_first (store));

  conclave_event_list_set_filter (list, "c1", CONCLAVE_EVENT_CATEGORY_MESSAGES, "hello");
  g_assert_true (ui_test_wait (scanned, list, 5000));
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveEventItem) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      const ConclaveEvent *event = conclave_event_item_get_event (item);

      g_assert_cmpstr (conclave_event_format_node (store, event, NULL), ==, "c1");
      g_assert_true (conclave_event_in_category (event, CONCLAVE_EVENT_CATEGORY_MESSAGES));
      matching++;
    }
  g_test_message ("%u of %" G_GUINT64_FORMAT " events are c1's hello messages", matching,
                  conclave_event_store_get_end (store));
  conclave_event_list_set_filter (list, NULL, CONCLAVE_EVENT_CATEGORY_ALL, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, matching);
}

static void
test_tempo (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GVariant) state = NULL;

  ui_test_activate (f->app, "set-tempo", g_variant_new_double (0.5));
  g_assert_cmpfloat_with_epsilon (conclave_cluster_get_tempo (conclave_session_get_cluster (f->session)), 0.5, 1e-9);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "set-tempo");
  g_assert_cmpfloat_with_epsilon (g_variant_get_double (state), 0.5, 1e-9);
  /* Out of range is clamped, nonsense refused. */
  ui_test_activate (f->app, "set-tempo", g_variant_new_double (100));
  g_assert_cmpfloat_with_epsilon (conclave_cluster_get_tempo (conclave_session_get_cluster (f->session)), 5.0, 1e-9);
  ui_test_activate (f->app, "set-tempo", g_variant_new_double (-1));
  g_assert_cmpfloat_with_epsilon (conclave_cluster_get_tempo (conclave_session_get_cluster (f->session)), 5.0, 1e-9);
}

static guint
n_dropped (Fixture *f)
{
  guint64 counts[5] = { 0, };

  conclave_matcher_count (conclave_cluster_get_matcher (conclave_session_get_cluster (f->session)), counts);
  return counts[CONCLAVE_MESSAGE_DROPPED];
}

static gboolean
some_dropped (gpointer data)
{
  return n_dropped (data) >= 3;
}

static gboolean
output_shown (gpointer data)
{
  Fixture *f = data;
  GtkWidget *inspector = conclave_window_get_view_widget (f->window, "inspector");
  const char *output = conclave_inspector_get_value (CONCLAVE_INSPECTOR (inspector), "output");

  return output != NULL && strlen (output) > 10;
}

/* A fault that drops everything c1 sends: the timeline marks the dropped
 * messages (red), the inspector counts them, and shows c1's own output. */
static void
test_dropped (Fixture       *f,
              gconstpointer  data)
{
  NodeWait w = { f, "c1", 0 };
  GtkWidget *timeline = conclave_window_get_view_widget (f->window, "timeline");
  GtkWidget *inspector = conclave_window_get_view_widget (f->window, "inspector");
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA failed;
  guint n_failed;

  ui_test_start_chapter (f->app, "chapter-1", 0.05);
  g_assert_true (ui_test_wait (running, &w, 8000));
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (conclave_session_get_cluster (f->session)), "c1", 1.0));
  g_assert_true (ui_test_wait (some_dropped, f, 5000));
  conclave_session_set_selected (f->session, node (f, "c1"));
  g_assert_cmpuint (g_ascii_strtoull (conclave_inspector_get_value (CONCLAVE_INSPECTOR (inspector), "dropped"),
                                      NULL, 10), >=, 1);
  g_assert_true (ui_test_wait (output_shown, f, 5000));

  g_assert_true (ui_test_wait (shown, timeline, 3000));
  texture = conclave_render_widget (timeline, NULL);
  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, conclave_palette_is_dark (), &failed);
  conclave_render_inspect (texture, &failed, 20, NULL, &n_failed);
  g_test_message ("%u dropped, %u red pixels on the timeline", n_dropped (f), n_failed);
  g_assert_cmpuint (n_failed, >=, 30);
}

/* Scrolling back stops following the present; following again resumes. */
static void
test_timeline_scroll (Fixture       *f,
                      gconstpointer  data)
{
  ConclaveTimeline *timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  Chapter2 c = { f, 6 };
  ConclaveTimelineStats stats;

  ui_test_start_chapter (f->app, "chapter-2", 0.1);
  g_assert_true (ui_test_wait (chapter_2_running, &c, 8000));
  g_assert_true (conclave_timeline_get_following (timeline));
  g_assert_nonnull (conclave_render_widget (GTK_WIDGET (timeline), NULL));
  conclave_timeline_scroll (timeline, -4);
  g_assert_false (conclave_timeline_get_following (timeline));
  conclave_timeline_zoom (timeline, 1.5);
  g_assert_nonnull (conclave_render_widget (GTK_WIDGET (timeline), NULL));
  conclave_timeline_get_stats (timeline, &stats);
  g_assert_cmpuint (stats.markers, >, 0);
  conclave_timeline_follow (timeline);
  g_assert_true (conclave_timeline_get_following (timeline));
  /* Real time: the same, by tenths of the width. */
  conclave_timeline_set_real_time (timeline, TRUE);
  conclave_timeline_scroll (timeline, -3);
  g_assert_false (conclave_timeline_get_following (timeline));
  conclave_timeline_scroll (timeline, 30);
  g_assert_true (conclave_timeline_get_following (timeline));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/window/welcome", test_welcome);
  ADD ("/window/tempo", test_tempo);
  ADD ("/window/chapter-2", test_chapter_2);
  ADD ("/window/crash", test_crash);
  ADD ("/window/pause", test_pause);
  ADD ("/window/restart", test_restart);
  ADD ("/window/add-nodes", test_add_nodes);
  ADD ("/window/freeze-all", test_freeze_all);
  ADD ("/window/event-log", test_event_log);
  ADD ("/window/dropped", test_dropped);
  ADD ("/window/timeline-scroll", test_timeline_scroll);
#undef ADD
  return g_test_run ();
}
