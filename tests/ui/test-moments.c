/* test-moments.c — the moments that matter are visible (issue 8, items
 * 7–11, window side): the tempo named by speed and stretching the
 * messages' flight, a chapter start keeping the teacher's tempo, chapter
 * 3's numbers on its messages and a worker crashed from its menu, honest
 * node captions, an election's markers in order, presentation sizes.
 * Screenshots go to screenshots/ in the build directory.
 */
#include "config.h"

#include <math.h>

#include "conclave-cluster-view.h"
#include "conclave-cluster-view-private.h"
#include "conclave-election-story.h"
#include "conclave-inspector.h"
#include "conclave-roles.h"
#include "conclave-tempo.h"
#include "conclave-window-private.h"
#include "ui-test-utils.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static ConclaveInspector *
inspector (UiFixture *f)
{
  return CONCLAVE_INSPECTOR (conclave_window_get_view_widget (f->window, "inspector"));
}

/* The tempo is a speed: the timer scale 4 is "0.25×", four times slower. */
static void
test_tempo_words (void)
{
  g_autofree char *slow = conclave_tempo_describe (4.0);
  g_autofree char *fast = conclave_tempo_describe (0.5);
  g_autofree char *normal = conclave_tempo_describe (1.0);
  g_autofree char *odd = conclave_tempo_describe (1 / 0.3);
  g_autofree char *label = conclave_tempo_label (0.1);

  g_assert_cmpstr (slow, ==, "0.25× — four times slower");
  g_assert_cmpstr (fast, ==, "2× — twice as fast");
  g_assert_cmpstr (normal, ==, "1× — normal speed");
  g_assert_cmpstr (odd, ==, "0.3× — 3.3 times slower");
  g_assert_cmpstr (label, ==, "10×");
  g_assert_cmpfloat_with_epsilon (conclave_tempo_scale_for (0.2477), 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (conclave_tempo_speed (4.0), 0.25, 1e-9);
}

/* A slower tempo stretches the flight on the canvas by 1 / speed. */
static void
test_flight (void)
{
  gint64 at_1 = conclave_tempo_flight_ns (conclave_tempo_scale_for (1.0));
  gint64 at_quarter = conclave_tempo_flight_ns (conclave_tempo_scale_for (0.25));
  gint64 at_half = conclave_tempo_flight_ns (conclave_tempo_scale_for (0.5));
  gint64 at_2 = conclave_tempo_flight_ns (conclave_tempo_scale_for (2.0));

  g_test_message ("flight: %.0f ms at 1×, %.0f ms at 0.25×", at_1 / 1e6, at_quarter / 1e6);
  g_assert_cmpint (at_1, >=, 500 * G_TIME_SPAN_MILLISECOND * 1000);
  g_assert_cmpint (at_quarter, ==, 4 * at_1);
  g_assert_cmpint (at_half, ==, 2 * at_1);
  g_assert_cmpint (at_2 * 2, ==, at_1);
  /* An election's messages stay twice as long, at every tempo. */
  g_assert_cmpint (_conclave_cluster_view_dot_life_ns ("heartbeat", 4.0), ==, at_quarter);
  g_assert_cmpint (_conclave_cluster_view_dot_life_ns ("vote", 4.0), ==, 2 * at_quarter);
  g_assert_cmpint (_conclave_cluster_view_dot_life_ns ("vote-request", 1.0), ==, 2 * at_1);
}

static gboolean
c1_running (gpointer data)
{
  return ui_test_node_running (cluster (data), "c1");
}

/* The teacher's slow motion survives starting a chapter (the scenario's
 * own tempo 1 does not overwrite it), and the header names it by speed. */
static void
test_tempo_survives_start (UiFixture     *f,
                           gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (f->window);

  ui_test_activate (f->app, "set-tempo", g_variant_new_double (4.0));
  ui_test_activate (f->app, "start-scenario", g_variant_new_string ("chapter-1"));
  g_assert_cmpfloat (conclave_cluster_get_tempo (cluster (f)), ==, 4.0);
  g_assert_true (ui_test_wait (c1_running, f, 20000));
  ui_test_activate (f->app, "start-scenario", g_variant_new_string ("chapter-2"));
  g_assert_cmpfloat (conclave_cluster_get_tempo (cluster (f)), ==, 4.0);
  g_assert_true (gtk_widget_activate_action (window, "win.tempo-faster", NULL));
  g_assert_cmpfloat (conclave_cluster_get_tempo (cluster (f)), ==, 2.0);
  g_assert_cmpstr (gtk_label_get_label (f->window->tempo_label), ==, "0.5×");
  g_assert_cmpstr (gtk_label_get_label (f->window->tempo_speed_label), ==, "0.5× — half speed");
  ui_test_look (f->window, "timeline", "tempo-half-speed");
}

/* The running children of s1 (its pool's workers). */
static guint
running_workers (UiFixture *f,
                 GArray    *pids)
{
  ConclaveNode *s1 = conclave_cluster_lookup (cluster (f), "s1");
  GListModel *children = s1 ? conclave_node_get_children (s1) : NULL;
  guint n = 0;

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);
      gint pid = conclave_node_get_pid (child);

      if (conclave_node_get_state (child) != CONCLAVE_NODE_RUNNING)
        continue;
      n++;
      if (pids != NULL)
        g_array_append_val (pids, pid);
    }
  return n;
}

static gboolean
pool_ready (gpointer data)
{
  return running_workers (data, NULL) == 4 && ui_test_n_delivered (cluster (data)) >= 30;
}

typedef struct {
  UiFixture *f;
  gint       pid;       /* a worker's */
  gint       s1_pid;
  guint      tasks;     /* s1 → that worker, delivered */
  guint      squares;   /* that worker → a client, delivered, "square N*N=M" */
} Handoff;

static gboolean
count_handoff (const ConclaveMessage *message,
               guint64                index,
               gpointer               data)
{
  Handoff *h = data;
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (h->f));
  ConclaveProcessInfo *src = conclave_event_store_get_process (store, message->src_proc);
  ConclaveProcessInfo *dst = message->dst_proc ? conclave_event_store_get_process (store, message->dst_proc) : NULL;
  g_autofree char *label = _conclave_cluster_view_message_label (store, message);
  int n = 0, n2 = 0, square = 0;

  if (message->state != CONCLAVE_MESSAGE_DELIVERED || src == NULL || dst == NULL)
    return TRUE;
  if (src->pid == h->s1_pid && dst->pid == h->pid)
    {
      /* The hand-off carries the client's number: "task 7". */
      g_assert_true (g_str_has_prefix (label, "task "));
      g_assert_cmpint (sscanf (label, "task %d", &n), ==, 1);
      g_assert_cmpint (n, >, 0);
      h->tasks++;
    }
  else if (src->pid == h->pid)
    {
      /* The worker answers the client itself, number and square on it. */
      g_assert_cmpint (sscanf (label, "square %d*%d=%d", &n, &n2, &square), ==, 3);
      g_assert_cmpint (n, ==, n2);
      g_assert_cmpint (square, ==, n * n);
      h->squares++;
    }
  return TRUE;
}

static Handoff
handoffs (UiFixture *f,
          gint       pid)
{
  Handoff h = { f, pid, conclave_node_get_pid (conclave_cluster_lookup (cluster (f), "s1")), 0, 0 };

  conclave_matcher_foreach_in_range (conclave_cluster_get_matcher (cluster (f)), 0, G_MAXINT64, count_handoff, &h);
  return h;
}

typedef struct {
  UiFixture *f;
  gint       pid;
} Worker;

static gboolean
worker_crashed_and_replaced (gpointer data)
{
  Worker *w = data;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));

  if (ui_test_pid_gone (w->pid) == FALSE || running_workers (w->f, pids) != 4)
    return FALSE;
  for (guint i = 0; i < pids->len; i++)
    if (g_array_index (pids, gint, i) == w->pid)
      return FALSE;
  return TRUE;
}

static gboolean
new_worker_served (gpointer data)
{
  Worker *w = data;
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));

  running_workers (w->f, pids);
  for (guint i = 0; i < pids->len; i++)
    if (g_array_index (pids, gint, i) == w->pid)
      return handoffs (w->f, w->pid).squares > 0;
  return FALSE;
}

/* Chapter 3 is the lecture's Pool: s1 hands each request to a worker (a
 * "task" message from s1's PID to the worker's), the worker answers with
 * the number and its square on the message; a worker crashed from its
 * menu is replaced by a new one, which serves too. */
static void
test_pool (UiFixture     *f,
           gconstpointer  data)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autofree char *name = NULL;
  ConclaveNode *victim = NULL;
  GListModel *children;
  graphene_rect_t area;
  Handoff h = { 0, };
  Worker w;

  ui_test_start_chapter (f->app, "chapter-3", 0.5);
  g_assert_true (ui_test_wait (pool_ready, f, 30000));
  running_workers (f, pids);
  /* Some worker has taken tasks and answered them. */
  for (guint i = 0; i < pids->len && h.squares == 0; i++)
    h = handoffs (f, g_array_index (pids, gint, i));
  g_test_message ("worker %d: %u tasks from s1, %u squares answered", h.pid, h.tasks, h.squares);
  g_assert_cmpuint (h.tasks, >, 0);
  g_assert_cmpuint (h.squares, >, 0);
  g_assert_cmpuint (h.squares, <=, h.tasks);
  ui_test_look (f->window, "timeline", "chapter-3-pool");
  /* Only counters that apply: a pool server has no posts. */
  conclave_session_set_selected (f->session, conclave_cluster_lookup (cluster (f), "s1"));
  g_assert_nonnull (conclave_inspector_get_value (inspector (f), "sent"));
  g_assert_null (conclave_inspector_get_value (inspector (f), "posts"));
  g_assert_null (conclave_inspector_get_value (inspector (f), "garbage"));

  /* Crash that worker from its right-click menu's action. */
  children = conclave_node_get_children (conclave_cluster_lookup (cluster (f), "s1"));
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      if (conclave_node_get_pid (child) == h.pid)
        victim = child;
    }
  g_assert_nonnull (victim);
  g_assert_true (conclave_cluster_view_get_node_area (view, victim, &area));
  name = g_strdup (conclave_node_get_name (victim));
  ui_test_activate (f->app, "crash-node", g_variant_new_string (name));
  w.f = f;
  w.pid = h.pid;
  g_assert_true (ui_test_wait (worker_crashed_and_replaced, &w, 20000));
  g_assert_cmpint (conclave_node_get_state (victim), ==, CONCLAVE_NODE_CRASHED);
  ui_test_look (f->window, "timeline", "chapter-3-worker-crashed");
  /* The replacement works: some new worker answers a client. */
  g_array_set_size (pids, 0);
  running_workers (f, pids);
  for (guint i = 0; i < pids->len; i++)
    {
      w.pid = g_array_index (pids, gint, i);
      if (ui_test_wait (new_worker_served, &w, 3000))
        break;
      w.pid = 0;
    }
  g_assert_cmpint (w.pid, !=, 0);
}

static ConclaveNode *
leader (UiFixture *f)
{
  GListModel *nodes = G_LIST_MODEL (cluster (f));

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      if (conclave_node_is_leader (node) && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING)
        return node;
    }
  return NULL;
}

static gboolean
group_led (gpointer data)
{
  return leader (data) != NULL;
}

static int
side (UiFixture  *f,
      const char *name)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));

  return _conclave_cluster_view_side_of (view, conclave_cluster_lookup (cluster (f), name));
}

/* A partition shows two sides: s1 on one, everyone else on the other; the leader keeps its crown (drawn over the tints). */
static void
test_partition (UiFixture     *f,
                gconstpointer  data)
{
  const char *minority[] = { "s1", NULL };

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (group_led, f, 30000));
  g_assert_true (ui_test_wait (c1_running, f, 30000));
  g_assert_cmpint (side (f, "s1"), ==, -1);
  ui_test_activate (f->app, "partition", g_variant_new_strv (minority, -1));
  ui_test_run_for (400);
  g_assert_cmpint (side (f, "s1"), >=, 0);
  g_assert_cmpint (side (f, "s2"), >=, 0);
  g_assert_cmpint (side (f, "s2"), !=, side (f, "s1"));
  g_assert_cmpint (side (f, "s2"), ==, side (f, "s3"));
  g_assert_cmpint (side (f, "c1"), ==, side (f, "s2"));
  g_assert_nonnull (leader (f));
  ui_test_look (f->window, "timeline", "partition-sides");
  ui_test_activate (f->app, "heal", NULL);
  ui_test_run_for (200);
  g_assert_cmpint (side (f, "s1"), ==, -1);
}

typedef struct {
  UiFixture *f;
  char      *old;
} Failover;

static gboolean
new_leader (gpointer data)
{
  Failover *fo = data;
  ConclaveNode *node = leader (fo->f);

  return node != NULL && g_strcmp0 (conclave_node_get_name (node), fo->old) != 0;
}

/* The story's entries from `from` on, as "kind:node:term" words. */
static GString *
story_words (UiFixture *f,
             guint      from)
{
  static const char * const kinds[] = { "crashed", "timeout", "candidate", "elected" };
  ConclaveElectionStory *story = conclave_session_get_story (f->session);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  GString *words = g_string_new (NULL);

  for (guint i = from; i < conclave_election_story_get_n_entries (story); i++)
    {
      const ConclaveStoryEntry *e = conclave_election_story_get_entry (story, i);
      g_autofree char *text = conclave_election_story_describe (story, e);

      g_string_append_printf (words, "%s%s:%s:%u", words->len ? " " : "", kinds[e->kind],
                              conclave_event_store_str (store, e->node), e->term);
      g_test_message ("marker %u: %s", i, text);
      if (e->kind == CONCLAVE_STORY_CANDIDATE)
        g_assert_cmpuint (e->why, !=, 0);
    }
  return words;
}

static ConclaveClusterView *
cluster_view (UiFixture *f)
{
  return CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
}

static gboolean
followers_heard (gpointer data)
{
  UiFixture *f = data;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);
      ConclaveNode *node = conclave_cluster_lookup (cluster (f), name);

      if (node == NULL || (!conclave_node_is_leader (node) &&
                           _conclave_cluster_view_timer_left (cluster_view (f), node, g_get_monotonic_time () * 1000) <= 0))
        return FALSE;
    }
  return TRUE;
}

/* While the leader lives, every follower's timer is refilled by its
 * heartbeats and never runs out. */
static void
assert_timers_running (UiFixture *f)
{
  const char *names[] = { "s1", "s2", "s3" };

  g_assert_true (ui_test_wait (followers_heard, f, 10000));
  for (guint round = 0; round < 10; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          ConclaveNode *node = conclave_cluster_lookup (cluster (f), names[i]);
          double left = _conclave_cluster_view_timer_left (cluster_view (f), node, g_get_monotonic_time () * 1000);

          if (conclave_node_is_leader (node))
            g_assert_cmpfloat (left, ==, -1);
          else
            g_assert_cmpfloat (left, >, 0);
        }
      ui_test_run_for (50);
    }
}

typedef struct {
  ConclaveCluster *cluster;
  ConclaveNode    *to, *from;
  gint64           after_ns;
  gboolean         found;
} LateBeat;

static gboolean
find_late_beat (const ConclaveMessage *message,
                guint64                index,
                gpointer               data)
{
  LateBeat *beat = data;
  const char *kind = conclave_event_store_str (conclave_cluster_get_store (beat->cluster), message->kind);

  beat->found |= message->state == CONCLAVE_MESSAGE_DELIVERED && message->recv_ns > beat->after_ns &&
                 (g_strcmp0 (kind, "heartbeat") == 0 || g_strcmp0 (kind, "append") == 0) &&
                 conclave_cluster_node_for_proc (beat->cluster, message->dst_proc) == beat->to &&
                 conclave_cluster_node_for_proc (beat->cluster, message->src_proc) == beat->from;
  return !beat->found;
}

/* A follower's timer may fill again after the crash only for a heartbeat
 * or append the crashed leader did send it, received after what the timer
 * knew so far: its line came in late (a loaded machine). */
static gboolean
heard_late_from (UiFixture    *f,
                 ConclaveNode *follower,
                 ConclaveNode *crashed,
                 gint64        after_ns)
{
  LateBeat beat = { cluster (f), follower, crashed, after_ns, FALSE };

  conclave_matcher_foreach_in_range (conclave_cluster_get_matcher (cluster (f)), after_ns + 1,
                                     g_get_monotonic_time () * 1000 + 1, find_late_beat, &beat);
  return beat.found;
}

/* After the crash every follower's timer only runs down until the first
 * of them stands (then a vote or the new leader's heartbeat may restart
 * the others' timers), but for a heartbeat of the crashed leader whose
 * line came in late; the one that stands runs down to (nearly) empty. */
static void
assert_timers_run_out (UiFixture  *f,
                       const char *crashed)
{
  ConclaveNode *followers[2] = { NULL, NULL };
  ConclaveNode *leader_node = conclave_cluster_lookup (cluster (f), crashed);
  double last[2] = { 2, 2 }, lowest = 2;
  gint64 heard[2] = { 0, 0 };
  guint samples = 0, n = 0;
  guint64 term = 0;
  gboolean shot = FALSE, stood = FALSE;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);

      if (g_strcmp0 (name, crashed) != 0 && n < 2)
        followers[n++] = conclave_cluster_lookup (cluster (f), name);
    }
  g_assert_cmpuint (n, ==, 2);
  term = MAX (conclave_node_get_term (followers[0]), conclave_node_get_term (followers[1]));
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; !stood && g_get_monotonic_time () < end;)
    {
      gint64 now = g_get_monotonic_time () * 1000;

      for (guint i = 0; i < 2; i++)
        stood |= conclave_node_get_term (followers[i]) > term ||
                 _conclave_cluster_view_timer_left (cluster_view (f), followers[i], now) < 0;
      for (guint i = 0; i < 2 && !stood; i++)
        {
          double left = _conclave_cluster_view_timer_left (cluster_view (f), followers[i], now);
          gint64 out = _conclave_cluster_view_timer_runs_out_ns (cluster_view (f), followers[i], now);
          gint64 timeout = (gint64) (conclave_node_get_election_timeout_ms (followers[i]) *
                                     conclave_cluster_get_tempo (cluster (f)) * 1e6);

          if (left > last[i] + 1e-9)
            g_assert_true (heard_late_from (f, followers[i], leader_node, heard[i]));
          last[i] = left;
          heard[i] = out - timeout;
          lowest = MIN (lowest, left);
          samples++;
          if (!shot && left < 0.6)
            {
              g_autoptr(GdkTexture) texture = ui_test_screenshot (GTK_WIDGET (f->window), "election-timers-running");
              shot = TRUE;
            }
        }
      ui_test_run_for (10);
    }
  g_test_message ("timers: %u samples, down to %.2f before a follower stood", samples, lowest);
  g_assert_true (stood);
  g_assert_cmpuint (samples, >=, 3);
  g_assert_cmpfloat (lowest, <, 0.5);
}

/* An election can be followed: after the leader is crashed, the
 * timeline's markers say, in this order, that it crashed, that a
 * follower's heartbeat timer ran out, that it stood for a newer term and
 * who was elected. */
static void
test_election_markers (UiFixture     *f,
                       gconstpointer  data)
{
  ConclaveElectionStory *story;
  g_autoptr(GString) words = NULL;
  g_autofree char *expect_start = NULL;
  ConclaveNode *old;
  guint term, from, timeout_term = 0, elected_term = 0;
  const ConclaveStoryEntry *e;
  Failover fo = { f, NULL };
  char timeout_node[16] = "", candidate_node[16] = "";
  guint stage = 0;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (group_led, f, 30000));
  old = leader (f);
  term = conclave_node_get_term (old);
  fo.old = g_strdup (conclave_node_get_name (old));
  story = conclave_session_get_story (f->session);
  g_assert_nonnull (story);
  from = conclave_election_story_get_n_entries (story);
  /* The first election, at the start, is in the story too. */
  g_assert_cmpuint (from, >=, 2);
  assert_timers_running (f);
  ui_test_activate (f->app, "crash-node", g_variant_new_string (fo.old));
  assert_timers_run_out (f, fo.old);
  g_assert_true (ui_test_wait (new_leader, &fo, 30000));
  ui_test_run_for (300);
  words = story_words (f, from);
  g_test_message ("after the crash: %s", words->str);
  expect_start = g_strdup_printf ("crashed:%s:0 ", fo.old);
  g_assert_true (g_str_has_prefix (words->str, expect_start));
  /* In order: crashed, timeout at X, X candidate of a newer term, then
   * some server elected in a term at least that new. */
  for (guint i = from; i < conclave_election_story_get_n_entries (story); i++)
    {
      e = conclave_election_story_get_entry (story, i);
      if (stage == 0 && e->kind == CONCLAVE_STORY_CRASHED)
        stage = 1;
      else if (stage == 1 && e->kind == CONCLAVE_STORY_TIMEOUT)
        {
          g_strlcpy (timeout_node, conclave_event_store_str (conclave_cluster_get_store (cluster (f)), e->node), sizeof timeout_node);
          timeout_term = e->term;
          stage = 2;
        }
      else if (stage == 2 && e->kind == CONCLAVE_STORY_CANDIDATE)
        {
          g_strlcpy (candidate_node, conclave_event_store_str (conclave_cluster_get_store (cluster (f)), e->node), sizeof candidate_node);
          g_assert_cmpuint (e->term, ==, timeout_term);
          stage = 3;
        }
      else if (stage == 3 && e->kind == CONCLAVE_STORY_ELECTED)
        {
          elected_term = e->term;
          stage = 4;
        }
      else
        g_assert_true (stage >= 3 || e->kind != CONCLAVE_STORY_ELECTED);
    }
  g_assert_cmpuint (stage, ==, 4);
  g_assert_cmpstr (timeout_node, ==, candidate_node);
  g_assert_cmpstr (timeout_node, !=, fo.old);
  g_assert_cmpuint (timeout_term, >, term);
  g_assert_cmpuint (elected_term, >=, timeout_term);
  /* A group server counts the posts it delivered. */
  conclave_session_set_selected (f->session, leader (f));
  g_assert_nonnull (conclave_inspector_get_value (inspector (f), "posts"));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.timeline-layout", "s", "real-time");
  ui_test_look (f->window, "timeline", "election-markers");
  g_free (fo.old);
}

/* The pixel size of the font a layout draws with. */
static double
font_px (PangoLayout *layout,
         const char  *text)
{
  PangoLayoutLine *line;
  PangoGlyphItem *run;
  g_autoptr(PangoFontDescription) description = NULL;

  pango_layout_set_text (layout, text, -1);
  line = pango_layout_get_line_readonly (layout, 0);
  g_assert_nonnull (line);
  g_assert_nonnull (line->runs);
  run = line->runs->data;
  description = pango_font_describe_with_absolute_size (run->item->analysis.font);
  return (double) pango_font_description_get_size (description) / PANGO_SCALE;
}

static gboolean
drawn (UiFixture    *f,
       ConclaveNode *node)
{
  graphene_rect_t area;

  return conclave_cluster_view_get_node_area (cluster_view (f), node, &area);
}

static gboolean
some_child_ended (gpointer data)
{
  UiFixture *f = data;
  ConclaveNode *s1 = conclave_cluster_lookup (cluster (f), "s1");
  GListModel *children = s1 ? conclave_node_get_children (s1) : NULL;

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED &&
          drawn (f, child))
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  UiFixture    *f;
  ConclaveNode *child;
} Going;

/* An ended child of s1 that is still drawn and has just begun to fade
 * (one that ended long ago may be all but gone on a loaded machine). */
static gboolean
child_fading (gpointer data)
{
  Going *g = data;
  ConclaveNode *s1 = conclave_cluster_lookup (cluster (g->f), "s1");
  GListModel *children = s1 ? conclave_node_get_children (s1) : NULL;
  gint64 now = g_get_monotonic_time () * 1000;

  for (guint i = 0; children != NULL && i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);

      if (conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED && drawn (g->f, child) &&
          _conclave_cluster_view_fade (cluster_view (g->f), child, now) > 0.5)
        {
          g->child = g_object_ref (child);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
child_gone (gpointer data)
{
  Going *g = data;

  return !drawn (g->f, g->child);
}

/* No satellite covers its parent's body or the lines under it, or
 * another satellite. */
static void
assert_satellites_clear (UiFixture *f)
{
  ConclaveClusterView *view = cluster_view (f);
  guint n_children = 0;

  for (guint i = 0; i < view->spots->len; i++)
    {
      const ConclaveSpot *child = &g_array_index (view->spots, ConclaveSpot, i);
      const ConclaveSpot *parent;
      graphene_rect_t body, caption, satellite;
      int pid_w, role_w;
      g_autofree char *role = NULL;

      if (child->kind != CONCLAVE_SPOT_CHILD)
        continue;
      parent = _conclave_cluster_view_spot_for_node (view, conclave_node_get_parent (child->node));
      g_assert_nonnull (parent);
      g_autofree char *pid = g_strdup_printf ("PID %d", conclave_node_get_pid (parent->node));

      pango_layout_set_text (view->layout, pid, -1);
      pango_layout_get_pixel_size (view->layout, &pid_w, NULL);
      role = conclave_role_describe_node (parent->node);
      pango_layout_set_text (view->small_layout, role, -1);
      pango_layout_get_pixel_size (view->small_layout, &role_w, NULL);
      graphene_rect_init (&body, parent->x - parent->r, parent->y - parent->r, 2 * parent->r, 2 * parent->r);
      graphene_rect_init (&caption, parent->x - MAX (pid_w, role_w) / 2.0, parent->y + parent->r,
                          MAX (pid_w, role_w), 2.2 * view->line_height);
      graphene_rect_init (&satellite, child->x - child->r, child->y - child->r, 2 * child->r, 2 * child->r);
      g_assert_false (graphene_rect_intersection (&satellite, &body, NULL));
      g_assert_false (graphene_rect_intersection (&satellite, &caption, NULL));
      /* Nor each other. */
      for (guint j = 0; j < i; j++)
        {
          const ConclaveSpot *other = &g_array_index (view->spots, ConclaveSpot, j);

          if (other->kind == CONCLAVE_SPOT_CHILD)
            g_assert_cmpfloat (hypot (other->x - child->x, other->y - child->y), >=, other->r + child->r);
        }
      n_children++;
    }
  g_test_message ("%u satellites clear of their parents' names and captions", n_children);
}

/* Presentation mode at 1920×1080: names and PIDs at least 28 px, message
 * labels 22 px, dots 16 px across, lines 3 px; the inspector only while a
 * node is selected; satellites clear of their parent's caption; an ended
 * child fades and goes. */
static void
test_presentation_sizes (UiFixture     *f,
                         gconstpointer  data)
{
  ConclaveClusterView *view = cluster_view (f);
  GtkWidget *inspector = conclave_window_get_view_widget (f->window, "inspector");
  ConclaveNode *s1;
  Going going = { f, NULL };
  double name_px, pid_px, label_px, fade1, fade2;
  gint64 now;

  /* Xvfb's screen is smaller, and without a window manager nothing stops
   * a larger window. */
  gtk_widget_set_size_request (GTK_WIDGET (f->window), 1920, 1080);
  ui_test_start_chapter (f->app, "chapter-2", 0.5);
  ui_test_activate (f->app, "presentation-mode", NULL);
  g_assert_true (ui_test_wait (some_child_ended, f, 30000));
  conclave_session_set_selected (f->session, NULL);
  ui_test_run_for (300);
  g_assert_false (gtk_widget_get_visible (inspector));
  name_px = font_px (view->bold_layout, "s1");
  pid_px = font_px (view->layout, "PID 4711");
  label_px = font_px (view->small_layout, "reply 4711");
  g_test_message ("presentation: window %d×%d, names %.1f px, PIDs %.1f px, labels %.1f px, dots %.1f px, lines %.1f px",
                  gtk_widget_get_width (GTK_WIDGET (f->window)), gtk_widget_get_height (GTK_WIDGET (f->window)),
                  name_px, pid_px, label_px, 2 * _conclave_cluster_view_dot_radius (view),
                  _conclave_cluster_view_line_width (view));
  g_assert_cmpfloat (name_px, >=, 28);
  g_assert_cmpfloat (pid_px, >=, 28);
  g_assert_cmpfloat (label_px, >=, 22);
  g_assert_cmpfloat (2 * _conclave_cluster_view_dot_radius (view), >=, 16);
  g_assert_cmpfloat (_conclave_cluster_view_line_width (view), >=, 3);
  assert_satellites_clear (f);
  ui_test_look (f->window, "timeline", "presentation-1920");

  /* An ended child fades, then goes. */
  s1 = conclave_cluster_lookup (cluster (f), "s1");
  g_assert_true (ui_test_wait (child_fading, &going, 30000));
  now = g_get_monotonic_time () * 1000;
  fade1 = _conclave_cluster_view_fade (view, going.child, now);
  fade2 = _conclave_cluster_view_fade (view, going.child, now + conclave_session_get_child_linger_ns (f->session) / 2);
  g_assert_cmpfloat (fade1, <=, 1);
  g_assert_cmpfloat (fade2, <, fade1);
  g_assert_true (ui_test_wait (child_gone, &going, 10000));
  g_object_unref (going.child);

  conclave_session_set_selected (f->session, s1);
  g_assert_true (gtk_widget_get_visible (inspector));
  ui_test_activate (f->app, "presentation-mode", NULL);
  conclave_session_set_selected (f->session, NULL);
  g_assert_true (gtk_widget_get_visible (inspector));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/moments/tempo-words", test_tempo_words);
  g_test_add_func ("/moments/flight", test_flight);
  g_test_add ("/moments/tempo-survives-start", UiFixture, NULL, ui_fixture_set_up, test_tempo_survives_start, ui_fixture_tear_down);
  g_test_add ("/moments/pool", UiFixture, NULL, ui_fixture_set_up, test_pool, ui_fixture_tear_down);
  g_test_add ("/moments/partition", UiFixture, NULL, ui_fixture_set_up, test_partition, ui_fixture_tear_down);
  g_test_add ("/moments/election-markers", UiFixture, NULL, ui_fixture_set_up, test_election_markers, ui_fixture_tear_down);
  g_test_add ("/moments/presentation-sizes", UiFixture, NULL, ui_fixture_set_up, test_presentation_sizes, ui_fixture_tear_down);
  return g_test_run ();
}
