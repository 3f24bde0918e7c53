/* test-truth.c — what the class sees is true (issue 8, items 2–6).
 *
 * Leader bands drawn from the core's leader intervals, before and after
 * the leader crashes and scrolled back before the crash; the event log in
 * causal order and selecting a row moving the timeline to that event; the
 * logical axis in steps and real-time labels that never overlap; the
 * election menu only where a group runs, naming its election; every
 * message kind its own colour and listed in the legend. Screenshots of
 * each go to screenshots/ in the build directory.
 */
#include "config.h"

#include <string.h>

#include "conclave-charts.h"
#include "conclave-cluster-models.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"
#include "conclave-events-view.h"
#include "conclave-kind-legend.h"
#include "conclave-palette-widget.h"
#include "conclave-timeline.h"
#include "ui-test-utils.h"

static GtkWidget *find_visible (GtkWidget *widget,
                                GType      type);

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static ConclaveTimeline *
timeline (UiFixture *f)
{
  return CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
}

static void
shot (UiFixture  *f,
      const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  ui_test_run_for (300);
  texture = ui_test_screenshot (GTK_WIDGET (f->window), name);
}

/* The layout as the teacher picks it (the header's toggle, the setting). */
static void
set_real_time (UiFixture *f,
               gboolean   real_time)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.timeline-layout", "s",
                                             real_time ? "real-time" : "logical"));
  ui_test_run_for (50);
  g_assert_true (conclave_timeline_get_real_time (timeline (f)) == real_time);
}

static void
look (UiFixture  *f,
      const char *view,
      const char *name)
{
  conclave_window_show_view (f->window, view);
  shot (f, name);
}

/* Leader bands */

/* The newest interval, if it is still open and its node runs. */
static const ConclaveLeaderInterval *
open_leader (UiFixture *f)
{
  ConclaveLeaders *leaders = conclave_cluster_get_leaders (cluster (f));
  guint n = conclave_leaders_get_n_intervals (leaders);
  const ConclaveLeaderInterval *last = n ? conclave_leaders_get_interval (leaders, n - 1) : NULL;

  return last != NULL && last->end_ns == CONCLAVE_LEADER_OPEN ? last : NULL;
}

static gboolean
has_leader (gpointer data)
{
  return open_leader (data) != NULL;
}

typedef struct {
  UiFixture *f;
  gint       old_pid;
} NewLeader;

static gboolean
has_new_leader (gpointer data)
{
  NewLeader *w = data;
  const ConclaveLeaderInterval *leader = open_leader (w->f);

  return leader != NULL && leader->pid != w->old_pid;
}

static const ConclaveTimelineBand *
band_of (UiFixture *f,
         gint       pid,
         gint64     start_ns)
{
  guint n;
  const ConclaveTimelineBand *bands = conclave_timeline_get_bands (timeline (f), &n);

  for (guint i = 0; i < n; i++)
    {
      g_test_message ("band: pid %d term %" G_GINT64_FORMAT " x %.1f–%.1f", bands[i].pid,
                      bands[i].term, bands[i].x_start, bands[i].x_end);
      if (bands[i].pid == pid && bands[i].start_ns == start_ns)
        return &bands[i];
    }
  return NULL;
}

/* The band covers exactly the interval: its ends where the axis puts the
 * interval's start and end (the right edge while it still leads). */
static void
assert_band_is_interval (UiFixture                    *f,
                         const ConclaveLeaderInterval *interval)
{
  const ConclaveTimelineBand *band = band_of (f, interval->pid, interval->start_ns);
  ConclaveTimeline *t = timeline (f);

  g_assert_nonnull (band);
  g_assert_cmpfloat_with_epsilon (band->x_start, conclave_timeline_time_to_x (t, interval->start_ns), 1.0);
  if (interval->end_ns != CONCLAVE_LEADER_OPEN)
    g_assert_cmpfloat_with_epsilon (band->x_end, conclave_timeline_time_to_x (t, interval->end_ns), 1.0);
  g_assert_cmpfloat (band->x_end, >, band->x_start);
}

static void
test_leader_band (UiFixture     *f,
                  gconstpointer  data)
{
  ConclaveLeaderInterval old, now;
  NewLeader wait = { f, 0 };
  ConclaveTimeline *t = timeline (f);
  const ConclaveLeaderInterval *leader;
  g_autofree char *name = NULL;
  double px_per_s;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  set_real_time (f, TRUE);
  g_assert_true (ui_test_wait (has_leader, f, 30000));
  ui_test_run_for (1500);
  old = *open_leader (f);
  look (f, "timeline", "leader-band-1-before-crash");
  assert_band_is_interval (f, &old);

  name = g_strdup (conclave_event_store_str (conclave_cluster_get_store (cluster (f)), old.node));
  g_test_message ("crashing the leader %s (pid %d, term %" G_GINT64_FORMAT ")", name, old.pid, old.term);
  ui_test_activate (f->app, "crash-node", g_variant_new_string (name));
  wait.old_pid = old.pid;
  g_assert_true (ui_test_wait (has_new_leader, &wait, 30000));
  ui_test_run_for (1000);
  leader = conclave_leaders_get_interval (conclave_cluster_get_leaders (cluster (f)), 0);
  for (guint i = 0; leader->start_ns != old.start_ns || leader->pid != old.pid; i++)
    leader = conclave_leaders_get_interval (conclave_cluster_get_leaders (cluster (f)), i + 1);
  old = *leader;
  now = *open_leader (f);
  g_assert_cmpint (old.end_ns, !=, CONCLAVE_LEADER_OPEN);
  g_assert_cmpint (old.end_ns, <=, now.start_ns);
  look (f, "timeline", "leader-band-2-after-crash");
  assert_band_is_interval (f, &old);
  assert_band_is_interval (f, &now);

  /* Scrolled back to just before the crash: the old leader's row carries
   * the band, the new leader's does not. */
  px_per_s = conclave_timeline_time_to_x (t, now.start_ns) - conclave_timeline_time_to_x (t, now.start_ns - G_TIME_SPAN_SECOND * 1000 / 10);
  px_per_s *= 10;
  g_assert_cmpfloat (px_per_s, >, 0);
  conclave_timeline_scroll (t, -((g_get_monotonic_time () * 1000 - old.end_ns) / 1e9 + 0.2) * px_per_s
                                / (gtk_widget_get_width (GTK_WIDGET (t)) / 10.0));
  g_assert_false (conclave_timeline_get_following (t));
  look (f, "timeline", "leader-band-3-before-crash-scrolled");
  g_assert_nonnull (band_of (f, old.pid, old.start_ns));
  g_assert_null (band_of (f, now.pid, now.start_ns));
  conclave_timeline_follow (t);
}

/* Causal order in the log */

static gboolean
many_delivered (gpointer data)
{
  return ui_test_n_delivered (cluster (data)) >= 80;
}

/* Position of each listed store index (G_MAXUINT: not listed). */
static guint *
log_positions (UiFixture *f,
               guint64   *n_indices)
{
  GListModel *list = conclave_events_view_get_model (CONCLAVE_EVENTS_VIEW (conclave_window_get_view_widget (f->window, "events")));
  guint64 end = conclave_event_store_get_end (conclave_cluster_get_store (cluster (f)));
  guint *positions = g_new (guint, end);

  conclave_event_list_sync (CONCLAVE_EVENT_LIST (list));
  memset (positions, 0xff, end * sizeof (guint));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, end);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(ConclaveEventItem) item = g_list_model_get_item (list, i);
      guint64 index = conclave_event_item_get_index (item);

      g_assert_cmpuint (index, <, end);
      g_assert_cmpuint (positions[index], ==, G_MAXUINT);
      positions[index] = i;
    }
  *n_indices = end;
  return positions;
}

static gboolean
widget_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static gboolean
widget_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (widget));
}

static void
test_causal_log (UiFixture     *f,
                 gconstpointer  data)
{
  ConclaveMatcher *matcher;
  ConclaveEventStore *store;
  g_autofree guint *positions = NULL;
  guint64 n_indices, checked = 0, inverted_by_time = 0;
  GtkWidget *log = conclave_window_get_view_widget (f->window, "events");
  ConclaveTimeline *t = timeline (f);
  guint64 target = G_MAXUINT64;
  double x;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (many_delivered, f, 30000));
  /* Frozen, so the log and the store hold still while they are compared. */
  ui_test_activate (f->app, "freeze-all", NULL);
  ui_test_run_for (300);
  look (f, "events", "causal-1-log");
  matcher = conclave_cluster_get_matcher (cluster (f));
  store = conclave_cluster_get_store (cluster (f));
  positions = log_positions (f, &n_indices);
  for (guint64 m = 0; m < conclave_matcher_get_n_messages (matcher); m++)
    {
      ConclaveMessage message_data;
      const ConclaveMessage *message = conclave_matcher_get_message (matcher, m, &message_data);

      if (message == NULL || message->send_index >= n_indices || message->recv_index >= n_indices)
        continue;
      g_assert_cmpuint (positions[message->send_index], <, positions[message->recv_index]);
      checked++;
      if (conclave_event_store_get (store, message->recv_index)->time_ns <
          conclave_event_store_get (store, message->send_index)->time_ns)
        inverted_by_time++;
      if (target == G_MAXUINT64 && message->send_index > n_indices / 4)
        target = message->recv_index;
    }
  g_test_message ("%" G_GUINT64_FORMAT " messages: every send above its receive "
                  "(%" G_GUINT64_FORMAT " receives stamped before their send)", checked, inverted_by_time);
  g_assert_cmpuint (checked, >=, 80);

  /* Selecting an early row moves the timeline back to it, highlighted. */
  set_real_time (f, TRUE);
  g_assert_true (conclave_timeline_get_following (t));
  g_assert_cmpuint (target, !=, G_MAXUINT64);
  g_assert_true (conclave_events_view_select_event (CONCLAVE_EVENTS_VIEW (log), target));
  g_assert_cmpuint (conclave_session_get_focused_event (f->session), ==, target);
  g_assert_false (conclave_timeline_get_following (t));
  /* Activating the row (double-click) shows the timeline. */
  conclave_window_show_view (f->window, "events");
  g_assert_true (ui_test_wait (widget_unmapped, t, 5000));
  g_signal_emit_by_name (find_visible (log, GTK_TYPE_COLUMN_VIEW), "activate",
                         conclave_event_list_find (CONCLAVE_EVENT_LIST (conclave_events_view_get_model (CONCLAVE_EVENTS_VIEW (log))),
                                                   target));
  g_assert_true (ui_test_wait (widget_mapped, t, 5000));
  look (f, "timeline", "causal-2-timeline-focus");
  g_assert_true (conclave_timeline_get_focus_x (t, &x));
  g_assert_cmpfloat_with_epsilon (x, conclave_timeline_time_to_x (t, conclave_event_store_get (store, target)->time_ns), 1.0);
  set_real_time (f, FALSE);
  look (f, "timeline", "causal-3-logical-focus");
  g_assert_true (conclave_timeline_get_focus_x (t, &x));
  /* In the logical layout every arrow runs forward, send to receive. */
  g_assert_cmpuint (conclave_timeline_count_backward_arrows (t), ==, 0);
  conclave_timeline_follow (t);
  look (f, "timeline", "causal-4-logical-present");
  g_assert_cmpuint (conclave_timeline_count_backward_arrows (t), ==, 0);
  ui_test_activate (f->app, "freeze-all", NULL);
}

static gboolean
has_events_few (gpointer data)
{
  return ui_test_n_delivered (cluster (data)) >= 2;
}

/* Lines that arrive in bursts: four processes did things at the same
 * times, but each one's lines reached the controller as a block after the
 * others' (a loaded machine reads the channels in turns). Picking an early
 * event in the logical layout still shows it: steps are counted in time
 * order, as the layout places them, not in the order lines came in. */
static void
test_logical_focus_bursts (UiFixture     *f,
                           gconstpointer  data)
{
  const guint per_process = 150;
  ConclaveEventStore *store;
  ConclaveIntern *intern;
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (ConclaveEvent));
  gint64 base = g_get_monotonic_time () * 1000 - 5 * G_TIME_SPAN_SECOND * 1000;
  guint32 proc[4];
  guint64 target;
  double x;

  /* A real chapter for the window's cluster page, held still (frozen)
   * while the bursts are added to its store. */
  ui_test_start_chapter (f->app, "chapter-1", 1.0);
  g_assert_true (ui_test_wait (has_events_few, f, 30000));
  ui_test_activate (f->app, "freeze-all", NULL);
  ui_test_run_for (100);
  store = conclave_cluster_get_store (cluster (f));
  intern = conclave_event_store_get_intern (store);
  for (guint p = 0; p < G_N_ELEMENTS (proc); p++)
    {
      ConclaveProcessInfo *info = conclave_event_store_add_process (store, 3000001 + (gint) p);

      /* On the chapter's two rows (a row is a node of the cluster). */
      info->node = conclave_intern_add (intern, p % 2 ? "c1" : "s1");
      info->connected = TRUE;
      info->first_ns = base;
      proc[p] = info->index;
    }
  for (guint p = 0; p < G_N_ELEMENTS (proc); p++)
    for (guint k = 0; k < per_process; k++)
      {
        ConclaveEvent e = { 0 };

        e.type = CONCLAVE_EVENT_SOCKET;
        e.proc = proc[p];
        e.seq = k;
        e.time_ns = base + (gint64) k * 5000000 + p * 1000;
        e.s[0] = conclave_intern_add (intern, "bind");
        g_array_append_val (events, e);
      }
  conclave_event_store_append (store, (ConclaveEvent *) events->data, events->len);
  g_assert_cmpint (conclave_event_store_get (store, conclave_event_store_get_end (store) - events->len + 20)->time_ns,
                   ==, base + 20 * 5000000);
  /* The first process's 21st step: the other three did the same at once,
   * but their lines are far later in the store. */
  target = conclave_event_store_get_end (store) - events->len + 20;
  conclave_window_show_view (f->window, "timeline");
  set_real_time (f, FALSE);
  conclave_session_set_focused_event (f->session, target);
  look (f, "timeline", "logical-focus-bursts");
  g_assert_false (conclave_timeline_get_following (timeline (f)));
  g_assert_true (conclave_timeline_get_focus_x (timeline (f), &x));
  set_real_time (f, TRUE);
  ui_test_activate (f->app, "freeze-all", NULL);
}

/* The axis */

static gboolean
has_events (gpointer data)
{
  UiFixture *f = data;

  return ui_test_n_delivered (cluster (f)) >= 30;
}

/* Labels never overlap; logical ones are event numbers, real-time ones
 * seconds with their unit. */
static void
assert_axis (UiFixture *f,
             gboolean   real_time)
{
  guint n;
  const ConclaveTimelineLabel *labels = conclave_timeline_get_axis_labels (timeline (f), &n);

  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    {
      g_test_message ("axis label %s at %.1f+%.1f", labels[i].text, labels[i].x, labels[i].width);
      if (real_time)
        g_assert_true (g_str_has_suffix (labels[i].text, " s"));
      else
        {
          g_assert_true (labels[i].text[0] == '#');
          g_assert_null (strchr (labels[i].text, 's'));
          if (i > 0)
            g_assert_cmpint (atoi (labels[i - 1].text + 1), <, atoi (labels[i].text + 1));
        }
      if (i > 0)
        g_assert_cmpfloat (labels[i - 1].x + labels[i - 1].width, <, labels[i].x);
    }
}

static void
test_axis (UiFixture     *f,
           gconstpointer  data)
{
  ConclaveTimeline *t = timeline (f);

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (has_events, f, 30000));
  set_real_time (f, FALSE);
  look (f, "timeline", "axis-1-logical");
  assert_axis (f, FALSE);
  conclave_timeline_zoom (t, 0.2);
  look (f, "timeline", "axis-2-logical-zoomed-out");
  assert_axis (f, FALSE);

  set_real_time (f, TRUE);
  look (f, "timeline", "axis-3-real-time");
  assert_axis (f, TRUE);
  /* Zoomed far in, labels need many decimals: still apart, still in s. */
  conclave_timeline_zoom (t, 1000);
  look (f, "timeline", "axis-4-real-time-zoomed-in");
  assert_axis (f, TRUE);

  conclave_session_set_presentation (f->session, TRUE);
  look (f, "timeline", "axis-5-real-time-presentation");
  assert_axis (f, TRUE);
  set_real_time (f, FALSE);
  look (f, "timeline", "axis-6-logical-presentation");
  assert_axis (f, FALSE);
  conclave_session_set_presentation (f->session, FALSE);
}

/* Colours */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The kinds sent so far, by name (from the store: the truth). */
static GStrv
kinds_sent (UiFixture *f)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      const char *kind;

      if (e == NULL || e->type != CONCLAVE_EVENT_SEND)
        continue;
      kind = conclave_event_store_str (store, conclave_event_kind (e));
      if (kind != NULL && *kind != '\0' && g_hash_table_add (seen, (gpointer) kind))
        g_ptr_array_add (names, (gpointer) kind);
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strdupv ((char **) names->pdata);
}

static gboolean
many_kinds (gpointer data)
{
  g_auto(GStrv) kinds = kinds_sent (data);

  return g_strv_length (kinds) >= 8 && ui_test_n_delivered (cluster (data)) >= 40;
}

static void
assert_legend (UiFixture          *f,
               const char         *which,
               const char * const *kinds)
{
  GtkWidget *legend = conclave_window_get_view_widget (f->window, which);
  g_auto(GStrv) listed = conclave_kind_legend_list_kinds (CONCLAVE_KIND_LEGEND (legend));
  g_autofree char *a = g_strjoinv (" ", (char **) kinds);
  g_autofree char *b = g_strjoinv (" ", listed);

  g_test_message ("%s: %s", which, b);
  g_assert_true (gtk_widget_is_visible (legend));
  g_assert_cmpstr (a, ==, b);
}

static void
test_colours (UiFixture     *f,
              gconstpointer  data)
{
  g_auto(GStrv) kinds = NULL;
  g_auto(GStrv) charted = NULL;
  guint n;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (many_kinds, f, 30000));
  look (f, "timeline", "colours-1-timeline");
  kinds = kinds_sent (f);
  n = g_strv_length (kinds);
  assert_legend (f, "cluster-legend", (const char * const *) kinds);
  assert_legend (f, "timeline-legend", (const char * const *) kinds);
  charted = conclave_charts_list_kinds (CONCLAVE_CHARTS (conclave_window_get_view_widget (f->window, "charts")));
  for (guint i = 0; i < n; i++)
    g_assert_true (g_strv_contains ((const char * const *) charted, kinds[i]));
  /* Each kind its own colour, on a light and on a dark background. */
  for (int dark = 0; dark <= 1; dark++)
    for (guint i = 0; i < n; i++)
      for (guint j = i + 1; j < n; j++)
        {
          ConclaveRgba a, b;

          conclave_palette_kind (kinds[i], dark, &a);
          conclave_palette_kind (kinds[j], dark, &b);
          if (memcmp (&a, &b, sizeof a) == 0)
            g_error ("%s and %s share a colour", kinds[i], kinds[j]);
        }
  look (f, "charts", "colours-2-charts");
  conclave_session_set_presentation (f->session, TRUE);
  look (f, "timeline", "colours-3-presentation");
  conclave_session_set_presentation (f->session, FALSE);
}

/* Controls in context */

/* The header's election menu: the menu button whose label names an election. */
static GtkWidget *
find_election_menu (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_MENU_BUTTON (child) && GTK_IS_LABEL (gtk_menu_button_get_child (GTK_MENU_BUTTON (child))))
        {
          const char *text = gtk_label_get_label (GTK_LABEL (gtk_menu_button_get_child (GTK_MENU_BUTTON (child))));

          if (g_str_equal (text, "Raft") || g_str_equal (text, "Bully") || g_str_equal (text, "Ring"))
            return child;
        }
      if ((found = find_election_menu (child)) != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_visible (GtkWidget *widget,
              GType      type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (!gtk_widget_get_visible (child))
        continue;
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = find_visible (child, type)) != NULL)
        return found;
    }
  return NULL;
}

static gboolean
group_servers_run (gpointer data)
{
  UiFixture *f = data;

  return ui_test_node_running (cluster (f), "s1") && ui_test_node_running (cluster (f), "s3");
}

static gboolean
s1_runs (gpointer data)
{
  return ui_test_node_running (cluster (data), "s1");
}

static void
test_election_menu (UiFixture     *f,
                    gconstpointer  data)
{
  GtkWidget *menu = find_election_menu (GTK_WIDGET (f->window));
  GtkWidget *label, *scrolled;
  GtkAdjustment *adjustment;

  /* The welcome page: no group, no menu; the card shows the choice. */
  g_assert_nonnull (menu);
  label = gtk_menu_button_get_child (GTK_MENU_BUTTON (menu));
  g_assert_false (gtk_widget_is_visible (menu));
  scrolled = find_visible (GTK_WIDGET (f->window), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scrolled);
  ui_test_run_for (200);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  shot (f, "election-1-welcome-card");

  ui_test_start_chapter (f->app, "chapter-4-bully", 0.25);
  g_assert_true (ui_test_wait (group_servers_run, f, 20000));
  ui_test_run_for (200);
  g_assert_true (gtk_widget_is_visible (menu));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Bully");
  shot (f, "election-2-bully");

  ui_test_start_chapter (f->app, "chapter-2", 0.25);
  g_assert_true (ui_test_wait (s1_runs, f, 20000));
  ui_test_run_for (200);
  g_assert_false (gtk_widget_is_visible (menu));

  /* The menu's choice while chapter 4 runs restarts it with that election. */
  ui_test_start_chapter (f->app, "chapter-4-ring", 0.25);
  g_assert_true (ui_test_wait (group_servers_run, f, 20000));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Ring");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.election", "s", "raft"));
  g_assert_true (ui_test_wait (group_servers_run, f, 20000));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Raft");
  g_assert_false (g_strv_contains (conclave_node_get_argv (conclave_cluster_lookup (cluster (f), "s1")), "ring"));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/truth/leader-band", UiFixture, NULL, ui_fixture_set_up, test_leader_band, ui_fixture_tear_down);
  g_test_add ("/truth/election-menu", UiFixture, NULL, ui_fixture_set_up, test_election_menu, ui_fixture_tear_down);
  g_test_add ("/truth/axis", UiFixture, NULL, ui_fixture_set_up, test_axis, ui_fixture_tear_down);
  g_test_add ("/truth/colours", UiFixture, NULL, ui_fixture_set_up, test_colours, ui_fixture_tear_down);
  g_test_add ("/truth/logical-focus-bursts", UiFixture, NULL, ui_fixture_set_up, test_logical_focus_bursts,
              ui_fixture_tear_down);
  g_test_add ("/truth/causal-log", UiFixture, NULL, ui_fixture_set_up, test_causal_log, ui_fixture_tear_down);
  return g_test_run ();
}
