/* test-step.c — step mode in the window, through the application's
 * actions as a teacher's clicks (or D-Bus) reach them: hold every message,
 * save the trace, deliver the oldest, save again: the second trace has
 * exactly one more receive, and it is the message that was held first.
 * The queue panel lists what is held. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "conclave-checker.h"
#include "conclave-cluster-view-private.h"
#include "conclave-hold-panel.h"
#include "conclave-session.h"
#include "conclave-timeline-private.h"
#include "conclave-trace-file.h"
#include "ui-test-utils.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static ConclaveHold *
hold (UiFixture *f)
{
  return conclave_cluster_get_hold (cluster (f));
}

static gboolean
a_reply (gpointer data)
{
  return ui_test_n_delivered (cluster (data)) >= 1;
}

static gboolean
two_held (gpointer data)
{
  return conclave_hold_get_n_held (hold (data)) >= 2;
}

static gboolean
nothing_held (gpointer data)
{
  return conclave_hold_get_n_held (hold (data)) == 0;
}

/* Receives in the store of the given key (0: any). */
static guint
count_recvs (ConclaveEventStore *store, guint64 key)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      n += e->type == CONCLAVE_EVENT_RECV && (key == 0 || e->key == key);
    }
  return n;
}

typedef struct {
  UiFixture *f;
  guint      recvs;
} Before;

static gboolean
one_more_recv (gpointer data)
{
  Before *b = data;

  return count_recvs (conclave_cluster_get_store (cluster (b->f)), 0) > b->recvs;
}

/* Receives in a saved trace: of any key, and of `key`. */
static guint
recvs_in_file (const char *path, guint64 key, guint *of_key)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (conclave_trace_load (store, path, NULL, NULL, &error));
  g_assert_no_error (error);
  *of_key = count_recvs (store, key);
  return count_recvs (store, 0);
}

static GtkWidget *
find_list_box (GtkWidget *widget)
{
  if (GTK_IS_LIST_BOX (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_list_box (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Rows of the queue panel's list. */
static guint
panel_rows (UiFixture *f)
{
  GtkWidget *panel = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), CONCLAVE_TYPE_WINDOW,
                                                                "hold_panel"));
  GtkWidget *list = find_list_box (panel);
  guint n = 0;

  g_assert_nonnull (list);
  while (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), (int) n) != NULL)
    n++;
  return n;
}

/* The window's shortcut for a plain key, which must wait for the bubble
 * phase (an entry with the focus types the letter instead). */
static GtkShortcut *
plain_key_shortcut (GtkWidget *window, guint keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (window);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            {
              g_assert_cmpint (gtk_event_controller_get_propagation_phase (GTK_EVENT_CONTROLLER (controller)), ==,
                               GTK_PHASE_BUBBLE);
              return shortcut;  /* the controller keeps it */
            }
        }
    }
  return NULL;
}

static void
press (UiFixture *f, guint keyval)
{
  GtkShortcut *shortcut = plain_key_shortcut (GTK_WIDGET (f->window), keyval);

  g_assert_nonnull (shortcut);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (f->window), NULL));
}

typedef struct {
  UiFixture *f;
  guint64    key;
} Dropped;

static gboolean
dropped_by_hand (gpointer data)
{
  Dropped *d = data;
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (d->f));

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_DROP && (e->flags & CONCLAVE_EVENT_FLAG_BY_HAND) && e->key == d->key)
        return TRUE;
    }
  return FALSE;
}

/* A held ring in the cluster view: where it was drawn is where a click
 * finds it, and its menu drops that very message. */
static void
drop_by_its_menu (UiFixture *f)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (gtk_widget_get_template_child (GTK_WIDGET (f->window),
                                                                                   CONCLAVE_TYPE_WINDOW,
                                                                                   "cluster_view"));
  ConclaveHeldSpot spot;
  g_autoptr(GMenuModel) menu = NULL;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;
  Dropped d = { f, 0 };

  g_assert_cmpuint (view->held_spots->len, >=, 1);
  spot = g_array_index (view->held_spots, ConclaveHeldSpot, 0);
  g_assert_true (_conclave_cluster_view_held_at (view, spot.x + spot.r * 0.5, spot.y)->index == spot.index);
  g_assert_null (_conclave_cluster_view_held_at (view, spot.x + spot.r * 4, spot.y + spot.r * 4));
  menu = _conclave_cluster_view_held_menu (view, spot.index);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 4);  /* datagrams: all four */
  g_assert_true (g_menu_model_get_item_attribute (menu, 1, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "app.drop-message");
  target = g_menu_model_get_item_attribute_value (menu, 1, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_UINT64);
  g_assert_cmpuint (g_variant_get_uint64 (target), ==, spot.index);
  d.key = conclave_held_get_key (conclave_hold_lookup (hold (f), spot.index));
  ui_test_activate (f->app, "drop-message", target);
  g_assert_true (ui_test_wait (dropped_by_hand, &d, 10000));
}

static ConclaveTimeline *
timeline_of (UiFixture *f)
{
  return CONCLAVE_TIMELINE (gtk_widget_get_template_child (GTK_WIDGET (f->window), CONCLAVE_TYPE_WINDOW, "timeline"));
}

/* An arrow the timeline's last frame drew for a held message: its open
 * head is where the arrow ends. NULL if none. */
static const ConclaveHitArrow *
held_arrow_drawn (UiFixture *f, guint64 *held_index)
{
  ConclaveTimeline *timeline = timeline_of (f);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster (f));

  for (guint i = 0; i < timeline->painter->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *a = &g_array_index (timeline->painter->hit_arrows, ConclaveHitArrow, i);
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, a->message, &m_data);
      ConclaveHeld *held = m != NULL && m->state == CONCLAVE_MESSAGE_IN_FLIGHT
                           ? conclave_hold_find_key (hold (f), m->key) : NULL;

      if (held != NULL && hypot (a->x2 - a->x1, a->y2 - a->y1) > 20)
        {
          *held_index = conclave_held_get_index (held);
          return a;
        }
    }
  return NULL;
}

static gboolean
held_arrow_in_view (gpointer data)
{
  guint64 index;

  return held_arrow_drawn (data, &index) != NULL;
}

typedef struct {
  UiFixture *f;
  guint64    key;
} Doubled;

static gboolean
received_twice (gpointer data)
{
  Doubled *d = data;

  return count_recvs (conclave_cluster_get_store (cluster (d->f)), d->key) >= 2;
}

/* A held arrow on the timeline: a click on its open head finds that very
 * message (its tail does not), its menu offers what the ring's does, and
 * its Duplicate delivers that message twice. */
static void
duplicate_by_timeline_menu (UiFixture *f)
{
  ConclaveTimeline *timeline = timeline_of (f);
  const ConclaveHitArrow *arrow;
  ConclaveHitArrow a;
  GMenuModel *menu;
  g_autoptr(GVariant) target = NULL;
  g_autofree char *action = NULL;
  guint64 index;
  Doubled d = { f, 0 };

  g_assert_true (ui_test_wait (held_arrow_in_view, f, 10000));
  arrow = held_arrow_drawn (f, &index);
  a = *arrow;
  g_assert_cmpuint (_conclave_timeline_held_at (timeline, a.x2 + 2, a.y2 - 2), ==, index);
  g_assert_cmpuint (_conclave_timeline_held_at (timeline, a.x1, a.y1), !=, index);
  g_assert_true (_conclave_timeline_popup_held_menu (timeline, a.x2, a.y2));
  ui_test_run_for (300);
  g_assert_true (gtk_widget_get_visible (timeline->menu));
  ui_test_screenshot (timeline->menu, "step-timeline-menu");  /* a popover is its own surface */
  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (timeline->menu));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 4);  /* a datagram: all four */
  g_assert_true (g_menu_model_get_item_attribute (menu, 2, G_MENU_ATTRIBUTE_ACTION, "s", &action));
  g_assert_cmpstr (action, ==, "app.duplicate-message");
  target = g_menu_model_get_item_attribute_value (menu, 2, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_UINT64);
  g_assert_cmpuint (g_variant_get_uint64 (target), ==, index);
  d.key = conclave_held_get_key (conclave_hold_lookup (hold (f), index));
  g_assert_cmpuint (count_recvs (conclave_cluster_get_store (cluster (f)), d.key), ==, 0);
  ui_test_activate (f->app, "duplicate-message", target);
  gtk_popover_popdown (GTK_POPOVER (timeline->menu));
  g_assert_true (ui_test_wait (received_twice, &d, 10000));
  g_assert_cmpuint (count_recvs (conclave_cluster_get_store (cluster (f)), d.key), ==, 2);
}

static void
test_hold_deliver_next (UiFixture *f, gconstpointer data)
{
  g_autofree char *dir = g_dir_make_tmp ("conclave-step-XXXXXX", NULL);
  g_autofree char *first = g_build_filename (dir, "held.jsonl", NULL);
  g_autofree char *second = g_build_filename (dir, "released.jsonl", NULL);
  g_autoptr(GVariant) state = NULL;
  g_autoptr(ConclaveHeld) oldest = NULL;
  guint recvs_first, recvs_second, of_key_first, of_key_second;
  GtkMenuButton *queue_button;
  Before before = { f, 0 };

  ui_test_start_chapter (f->app, "chapter-1", 0.5);
  g_assert_true (ui_test_wait (a_reply, f, 30000));

  ui_test_activate (f->app, "hold-messages", NULL);
  state = g_action_group_get_action_state (G_ACTION_GROUP (f->app), "hold-messages");
  g_assert_true (g_variant_get_boolean (state));
  g_assert_true (conclave_hold_get_all (hold (f)));
  g_assert_true (ui_test_wait (two_held, f, 30000));
  g_assert_cmpuint (panel_rows (f), ==, conclave_hold_get_n_held (hold (f)));
  queue_button = GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f->window), CONCLAVE_TYPE_WINDOW,
                                                                 "hold_queue_button"));
  gtk_menu_button_popup (queue_button);
  ui_test_run_for (300);
  ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (queue_button)), "step-queue");
  gtk_menu_button_popdown (queue_button);

  ui_test_look (f->window, "timeline", "step-timeline");
  oldest = g_list_model_get_item (G_LIST_MODEL (hold (f)), 0);
  ui_test_activate (f->app, "save-trace", g_variant_new_string (first));
  before.recvs = count_recvs (conclave_cluster_get_store (cluster (f)), 0);
  ui_test_activate (f->app, "deliver-next", NULL);
  g_assert_true (ui_test_wait (one_more_recv, &before, 10000));
  ui_test_activate (f->app, "save-trace", g_variant_new_string (second));

  recvs_first = recvs_in_file (first, conclave_held_get_key (oldest), &of_key_first);
  recvs_second = recvs_in_file (second, conclave_held_get_key (oldest), &of_key_second);
  g_assert_cmpuint (recvs_second, ==, recvs_first + 1);
  g_assert_cmpuint (of_key_first, ==, 0);
  g_assert_cmpuint (of_key_second, ==, 1);
  g_assert_null (conclave_hold_lookup (hold (f), conclave_held_get_index (oldest)));

  ui_test_look (f->window, "timeline", "step-before-drop");
  drop_by_its_menu (f);
  duplicate_by_timeline_menu (f);

  /* N delivers the oldest too */
  before.recvs = count_recvs (conclave_cluster_get_store (cluster (f)), 0);
  press (f, GDK_KEY_n);
  g_assert_true (ui_test_wait (one_more_recv, &before, 10000));

  /* H lifts the hold: whatever is still held is delivered */
  press (f, GDK_KEY_h);
  g_assert_false (conclave_hold_get_all (hold (f)));
  g_assert_true (ui_test_wait (nothing_held, f, 10000));
  g_unlink (first);
  g_unlink (second);
  g_rmdir (dir);
}

/* Running servers in `role`; *term their term if they share one, else 0. */
static guint
servers_in_role (UiFixture *f, const char *role, guint64 *term)
{
  GListModel *nodes = G_LIST_MODEL (cluster (f));
  guint n = 0;

  *term = 0;
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      if (conclave_node_get_state (node) != CONCLAVE_NODE_RUNNING
          || g_strcmp0 (conclave_node_get_group_role (node), role) != 0)
        continue;
      *term = n == 0 || *term == conclave_node_get_term (node) ? conclave_node_get_term (node) : G_MAXUINT64;
      n++;
    }
  if (*term == G_MAXUINT64)
    *term = 0;
  return n;
}

static gboolean
tied (gpointer data)
{
  guint64 term;

  return servers_in_role (data, "candidate", &term) == 2 && term > 0;
}

/* Both candidates hold a vote request (the other's). */
static gboolean
requests_held (gpointer data)
{
  GListModel *queue = G_LIST_MODEL (hold (data));
  const char *first = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);

      if (!g_str_equal (conclave_held_get_kind (held), "vote-request"))
        continue;
      if (first != NULL && !g_str_equal (first, conclave_held_get_node (held)))
        return TRUE;
      first = conclave_held_get_node (held);
    }
  return FALSE;
}

static gboolean
one_leader (gpointer data)
{
  guint64 term;

  return servers_in_role (data, "leader", &term) == 1;
}

/* The split vote preset by hand: the leader crashed with everything held,
 * both survivors stand in one term; delivering their vote requests gets
 * each a refusal and nobody leads; H lets the timeouts break the tie. */
static void
test_split_vote (UiFixture *f, gconstpointer data)
{
  GListModel *queue;
  guint delivered = 0;
  guint64 term;

  ui_test_start_chapter (f->app, "chapter-4-split-vote", 1.0);
  g_assert_true (ui_test_wait (tied, f, 30000));
  g_assert_true (conclave_hold_get_all (hold (f)));
  g_assert_true (ui_test_wait (requests_held, f, 10000));
  queue = G_LIST_MODEL (hold (f));
  for (guint i = g_list_model_get_n_items (queue); i-- > 0;)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);

      if (g_str_equal (conclave_held_get_kind (held), "vote-request"))
        {
          ui_test_activate (f->app, "deliver-message", g_variant_new_uint64 (conclave_held_get_index (held)));
          delivered++;
        }
    }
  g_assert_cmpuint (delivered, >=, 2);
  ui_test_run_for (300);
  g_assert_cmpuint (servers_in_role (f, "leader", &term), ==, 0);
  ui_test_look (f->window, "timeline", "step-split-vote");
  press (f, GDK_KEY_h);
  g_assert_true (ui_test_wait (one_leader, f, 30000));
}

typedef struct {
  UiFixture    *f;
  ConclaveNode *old;      /* the paused leader */
  guint64       term;     /* its term when paused */
  guint64       newer;    /* the new leader's term */
  char         *leader;   /* the new leader's name */
} Stale;

static gboolean
leader_paused (gpointer data)
{
  Stale *st = data;
  GListModel *nodes = G_LIST_MODEL (cluster (st->f));

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      if (conclave_node_get_state (node) == CONCLAVE_NODE_PAUSED)
        {
          st->old = node;  /* the cluster keeps it */
          st->term = conclave_node_get_term (node);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
newer_leader (gpointer data)
{
  Stale *st = data;
  GListModel *nodes = G_LIST_MODEL (cluster (st->f));

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);

      if (node != st->old && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING
          && g_strcmp0 (conclave_node_get_group_role (node), "leader") == 0 && conclave_node_get_term (node) > st->term)
        {
          st->newer = conclave_node_get_term (node);
          g_free (st->leader);
          st->leader = g_strdup (conclave_node_get_name (node));
          return TRUE;
        }
    }
  return FALSE;
}

/* The new leader's heartbeat, held by the old one: its id, else G_MAXUINT64. */
static guint64
held_heartbeat (Stale *st)
{
  GListModel *queue = G_LIST_MODEL (hold (st->f));

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);
      ConclaveNode *src = conclave_cluster_lookup_address (cluster (st->f), conclave_held_get_src_address (held));

      if (g_str_equal (conclave_held_get_node (held), conclave_node_get_name (st->old))
          && g_str_equal (conclave_held_get_kind (held), "heartbeat")
          && src != NULL && g_str_equal (conclave_node_get_name (src), st->leader))
        return conclave_held_get_index (held);
    }
  return G_MAXUINT64;
}

static gboolean
heartbeat_held (gpointer data)
{
  return held_heartbeat (data) != G_MAXUINT64;
}

static gboolean
stepped_down (gpointer data)
{
  Stale *st = data;

  return g_strcmp0 (conclave_node_get_group_role (st->old), "follower") == 0
         && conclave_node_get_term (st->old) >= st->newer;
}

/* The stale leader preset by hand: resumed, the old leader still leads
 * its old term; the new leader's heartbeat it held, delivered from the
 * queue, makes it follow the newer term; no term ever had two leaders. */
static void
test_stale_leader (UiFixture *f, gconstpointer data)
{
  Stale st = { f, NULL, 0, 0, NULL };

  ui_test_start_chapter (f->app, "chapter-4-stale-leader", 1.0);  /* the class's tempo: 3 s to deliver */
  conclave_window_show_view (f->window, "timeline");
  g_assert_true (ui_test_wait (leader_paused, &st, 30000));
  g_assert_cmpstr (conclave_node_get_group_role (st.old), ==, "leader");
  g_assert_true (conclave_hold_is_held (hold (f), conclave_node_get_name (st.old)));
  g_assert_true (ui_test_wait (newer_leader, &st, 30000));

  ui_test_activate (f->app, "resume-node", g_variant_new_string (conclave_node_get_name (st.old)));
  g_assert_true (ui_test_wait (heartbeat_held, &st, 10000));
  g_assert_cmpstr (conclave_node_get_group_role (st.old), ==, "leader");  /* stale */
  g_assert_cmpuint (conclave_node_get_term (st.old), ==, st.term);
  g_object_unref (ui_test_screenshot (GTK_WIDGET (f->window), "step-stale-leader"));

  ui_test_activate (f->app, "deliver-message", g_variant_new_uint64 (held_heartbeat (&st)));
  g_assert_true (ui_test_wait (stepped_down, &st, 10000));
  ui_test_look (f->window, "timeline", "step-stale-leader-stepped-down");
  g_assert_cmpuint (conclave_checker_get_n_violations (conclave_cluster_get_checker (cluster (f))), ==, 0);
  g_free (st.leader);
}

int
main (int argc, char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/step/hold-deliver-next", UiFixture, NULL, ui_fixture_set_up, test_hold_deliver_next,
              ui_fixture_tear_down);
  g_test_add ("/step/split-vote", UiFixture, NULL, ui_fixture_set_up, test_split_vote, ui_fixture_tear_down);
  g_test_add ("/step/stale-leader", UiFixture, NULL, ui_fixture_set_up, test_stale_leader, ui_fixture_tear_down);
  return g_test_run ();
}
