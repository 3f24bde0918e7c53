/* test-group.c — chapter 4 in the window, told by stand-in group servers
 * (fake-group-server.py) that speak the real control protocol: the leader
 * crowned with its term, a follower, each server's delivered posts in the
 * inspector, the leader strip, the inspector's drop and delay controls, a
 * partition (by action and by its dialog) and its healing as fault
 * commands, and a violation (two leaders of one term) in the banner whose
 * button selects the event that caused it. */
#include "config.h"

#include <string.h>

#include "conclave-charts.h"
#include "conclave-events-view.h"
#include "conclave-inspector.h"
#include "ui-test-utils.h"

static void
run_server (UiFixture  *f,
            const char *args)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "fake-group-server.py", NULL);
  g_autofree char *line = g_strdup_printf ("/usr/bin/python3 %s %s", script, args);

  ui_test_activate (f->app, "run-server-command", g_variant_new_string (line));
}

typedef struct {
  UiFixture  *f;
  const char *name;
  const char *role;
  guint64     term;
} GroupWait;

static gboolean
has_group_state (gpointer data)
{
  GroupWait *w = data;
  ConclaveNode *node = conclave_cluster_lookup (conclave_session_get_cluster (w->f->session), w->name);

  return node != NULL && g_strcmp0 (conclave_node_get_group_role (node), w->role) == 0 &&
         conclave_node_get_term (node) == w->term;
}

static const char *
inspector_value (UiFixture  *f,
                 const char *row)
{
  GtkWidget *inspector = conclave_window_get_view_widget (f->window, "inspector");

  return conclave_inspector_get_value (CONCLAVE_INSPECTOR (inspector), row);
}

static gboolean
three_posts_shown (gpointer data)
{
  const char *delivered = inspector_value (data, "delivered");

  return delivered != NULL && strstr (delivered, "#3 c1: post 3") != NULL;
}

/* The newest FAULT event the controller recorded for `name` (num: delay
 * in ms, lc: drop in ‰, s1: isolate list), or NULL. */
static const ConclaveEvent *
last_fault (UiFixture  *f,
            const char *name)
{
  ConclaveEventStore *store = conclave_cluster_get_store (conclave_session_get_cluster (f->session));

  for (guint64 i = conclave_event_store_get_end (store); i > conclave_event_store_get_first (store); i--)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i - 1);

      if (e->type == CONCLAVE_EVENT_FAULT && g_strcmp0 (conclave_event_store_str (store, conclave_event_node (e)), name) == 0)
        return e;
    }
  return NULL;
}

/* Its isolate list ("" for none), or NULL if it has none. */
static const char *
last_isolation (UiFixture  *f,
                const char *name)
{
  const ConclaveEvent *e = last_fault (f, name);

  if (e == NULL)
    return NULL;
  return conclave_event_fault_isolate (e)
         ? conclave_event_store_str (conclave_cluster_get_store (conclave_session_get_cluster (f->session)), conclave_event_fault_isolate (e)) : "";
}

static void
find_spins (GtkWidget *widget,
            GPtrArray *spins)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SPIN_BUTTON (child))
        g_ptr_array_add (spins, child);
      find_spins (child, spins);
    }
}

/* The inspector's fault controls (drop %, delay ms), as a teacher sets them. */
static void
set_fault_spins (UiFixture *f,
                 double     drop_percent,
                 double     delay_ms)
{
  g_autoptr(GPtrArray) spins = g_ptr_array_new ();

  find_spins (conclave_window_get_view_widget (f->window, "inspector"), spins);
  g_assert_cmpuint (spins->len, ==, 2);
  gtk_spin_button_set_value (spins->pdata[0], drop_percent);
  gtk_spin_button_set_value (spins->pdata[1], delay_ms);
}

static void
scroll_to_end (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SCROLLED_WINDOW (child))
        {
          GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child));

          ui_test_run_for (100);
          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
          return;
        }
      scroll_to_end (child);
    }
}

static AdwMessageDialog *
find_message_dialog (void)
{
  AdwMessageDialog *found = NULL;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static void
check_named (GtkWidget  *widget,
             const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_CHECK_BUTTON (child) &&
          g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (child)), name) == 0)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (child), TRUE);
      check_named (child, name);
    }
}

static void
partition_by_dialog (UiFixture  *f,
                     const char *name)
{
  AdwMessageDialog *dialog;
  g_autoptr(GdkTexture) shot = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.partition", NULL));
  ui_test_run_for (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  check_named (adw_message_dialog_get_extra_child (dialog), name);
  shot = ui_test_screenshot (GTK_WIDGET (dialog), "partition-dialog");
  adw_message_dialog_response (dialog, "partition");
  /* Let the window draw once after the dialog went (see test-programs.c). */
  g_clear_object (&shot);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "group-partitioned");
}

static gboolean
violation_shown (gpointer data)
{
  return conclave_window_get_violation (data) != NULL;
}

static void
test_group (UiFixture     *f,
            gconstpointer  data)
{
  GroupWait leader = { f, "s1", "leader", 2 };
  GroupWait follower = { f, "s2", "follower", 2 };
  GtkWidget *charts = conclave_window_get_view_widget (f->window, "charts");
  GtkWidget *events = conclave_window_get_view_widget (f->window, "events");
  const char *minority[] = { "s1", NULL };
  const ConclaveEvent *cause;
  ConclaveEventStore *store = conclave_cluster_get_store (conclave_session_get_cluster (f->session));
  guint64 selected;

  run_server (f, "--role leader --term 2 --leader s1 --view s1,s2 --deliver 3");
  run_server (f, "--role follower --term 2 --leader s1 --view s1,s2 --deliver 3");
  if (!ui_test_wait (has_group_state, &leader, 10000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_true (has_group_state (&leader));
  g_assert_true (ui_test_wait (has_group_state, &follower, 10000));
  g_assert_true (conclave_node_is_leader (conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1")));
  g_assert_cmpstr (conclave_node_get_leader (conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s2")), ==, "s1");

  /* The leader's inspector: role, term, and its delivered posts in order. */
  conclave_session_set_selected (f->session, conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1"));
  g_assert_true (ui_test_wait (three_posts_shown, f, 5000));
  g_assert_cmpstr (inspector_value (f, "group-role"), ==, "leader");
  g_assert_cmpstr (inspector_value (f, "term"), ==, "2");
  g_test_message ("s1 delivered:\n%s", inspector_value (f, "delivered"));
  /* The leader strip has s1's term. */
  conclave_window_show_view (f->window, "charts");
  ui_test_run_for (200);
  g_assert_cmpuint (conclave_charts_get_n_terms (CONCLAVE_CHARTS (charts)), >=, 1);
  ui_test_screenshot (charts, "group-charts");
  conclave_window_show_view (f->window, "timeline");
  ui_test_screenshot (GTK_WIDGET (f->window), "group");

  /* A partition isolates both ways; healing lifts it. */
  ui_test_activate (f->app, "partition", g_variant_new_strv (minority, -1));
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "s2");
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "s1");
  /* The inspector's fault controls show it. */
  scroll_to_end (conclave_window_get_view_widget (f->window, "inspector"));
  g_assert_cmpstr (inspector_value (f, "isolated"), ==, "s2");
  ui_test_screenshot (conclave_window_get_view_widget (f->window, "inspector"), "group-faults");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.heal", NULL));
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "");
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "");
  /* The same through the dialog, as a teacher does it: check s2, partition. */
  partition_by_dialog (f, "s2");
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "s1");
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "s2");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.heal", NULL));
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "");
  /* The inspector's drop and delay controls send at once. */
  set_fault_spins (f, 30, 250);
  g_assert_cmpuint (conclave_event_fault_drop_permille (last_fault (f, "s1")), ==, 300);
  g_assert_cmpint (conclave_event_fault_delay_ms (last_fault (f, "s1")), ==, 250);
  set_fault_spins (f, 0, 0);
  g_assert_cmpuint (conclave_event_fault_drop_permille (last_fault (f, "s1")), ==, 0);
  g_assert_cmpint (conclave_event_fault_delay_ms (last_fault (f, "s1")), ==, 0);
  /* A partition without a side is refused, nothing sent. */
  ui_test_activate (f->app, "partition", g_variant_new_strv (NULL, 0));
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "");

  /* s3 claims term 2 as well: two leaders of one term. */
  run_server (f, "--role leader --term 2 --leader s3 --view s1,s2,s3");
  g_assert_true (ui_test_wait (violation_shown, f->window, 10000));
  g_test_message ("banner: %s", conclave_window_get_violation (f->window));
  g_assert_nonnull (strstr (conclave_window_get_violation (f->window), "both led term 2"));
  ui_test_screenshot (GTK_WIDGET (f->window), "group-violation");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-violation", NULL));
  ui_test_run_for (100);
  selected = conclave_events_view_get_selected_event (CONCLAVE_EVENTS_VIEW (events));
  g_assert_cmpuint (selected, !=, G_MAXUINT64);
  cause = conclave_event_store_get (store, selected);
  g_assert_nonnull (cause);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpstr (conclave_event_store_str (store, conclave_event_state_role (cause)), ==, "leader");
  g_assert_true (conclave_session_get_selected (f->session) == conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s3"));
}

/* One owner of fault settings: a scenario's isolation survives the
 * inspector's drop control. The window once kept its own copy of every
 * node's settings, so changing s1's drop there sent its stale (empty)
 * isolate list and silently lifted the partition the schedule had set. */
static void
test_stale_isolation (UiFixture     *f,
                      gconstpointer  data)
{
  GroupWait leader = { f, "s1", "leader", 2 };
  GroupWait follower = { f, "s2", "follower", 2 };
  g_autoptr(ConclaveScenarioFault) isolate = conclave_scenario_fault_parse ("0s:isolate:s1", NULL);

  run_server (f, "--role leader --term 2 --leader s1 --view s1,s2");
  run_server (f, "--role follower --term 2 --leader s1 --view s1,s2");
  g_assert_true (ui_test_wait (has_group_state, &leader, 10000));
  g_assert_true (ui_test_wait (has_group_state, &follower, 10000));
  conclave_cluster_apply_fault (conclave_session_get_cluster (f->session), isolate);
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "s2");
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "s1");

  conclave_session_set_selected (f->session, conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1"));
  scroll_to_end (conclave_window_get_view_widget (f->window, "inspector"));
  set_fault_spins (f, 30, 0);
  g_assert_cmpuint (conclave_event_fault_drop_permille (last_fault (f, "s1")), ==, 300);
  g_assert_cmpstr (last_isolation (f, "s1"), ==, "s2");
  g_assert_cmpstr (last_isolation (f, "s2"), ==, "s1");
  g_assert_cmpstr (inspector_value (f, "isolated"), ==, "s2");
}

/* Whether the node program has chapter 4's roles yet. */
static gboolean
has_group_server (void)
{
  const char *program = g_getenv ("CONCLAVE_NODE_PROGRAM");
  const char *argv[] = { program, "group-server", "--help", NULL };
  int status = -1;

  if (program == NULL ||
      !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

typedef struct {
  UiFixture    *f;
  ConclaveNode *old;     /* a leader that does not count */
  guint64       term;    /* the new leader's term must be above this */
  ConclaveNode *leader;
} LeaderWait;

static gboolean
new_leader (gpointer data)
{
  LeaderWait *w = data;

  w->leader = ui_test_find_new_leader (conclave_session_get_cluster (w->f->session), w->old, w->term);
  return w->leader != NULL;
}

static gboolean
leader_delivered (gpointer data)
{
  LeaderWait *w = data;

  return conclave_node_get_n_delivered (w->leader) > 0;
}

/* The real group servers, when the node program has them, with the
 * election chosen in the header's menu: a leader is crowned, posts are
 * delivered, the leader crashed by its action, and a new leader in a
 * later term takes over. */
static void
test_real_group (UiFixture     *f,
                 gconstpointer  data)
{
  const char *election = data;
  LeaderWait w = { f, NULL, 0, NULL };
  g_autofree char *shot = g_strdup_printf ("group-%s", election);
  g_autofree char *failover_shot = g_strdup_printf ("group-%s-failover", election);
  gint64 t0;

  if (!has_group_server ())
    {
      g_test_skip ("the node program has no group-server role yet");
      return;
    }
  /* The header's election menu decides what new group servers run. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.election", "s", election));
  ui_test_activate (f->app, "set-tempo", g_variant_new_double (0.2));
  for (guint i = 0; i < 3; i++)
    ui_test_activate (f->app, "add-server-role", g_variant_new_string ("group-server"));
  ui_test_activate (f->app, "add-client-role", g_variant_new_string ("group-client"));
  if (!ui_test_wait (new_leader, &w, 20000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_nonnull (w.leader);
  g_assert_true (ui_test_wait (leader_delivered, &w, 20000));
  g_test_message ("%s leads term %" G_GUINT64_FORMAT ", %u posts delivered", conclave_node_get_name (w.leader),
                  conclave_node_get_term (w.leader), conclave_node_get_n_delivered (w.leader));
  conclave_session_set_selected (f->session, w.leader);
  g_assert_true (g_strv_contains (conclave_node_get_argv (w.leader), election));
  ui_test_screenshot (GTK_WIDGET (f->window), shot);

  w.old = w.leader;
  w.term = conclave_node_get_term (w.leader);
  t0 = g_get_monotonic_time ();
  ui_test_activate (f->app, "crash-node", g_variant_new_string (conclave_node_get_name (w.old)));
  if (!ui_test_wait (new_leader, &w, 20000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_nonnull (w.leader);
  g_test_message ("after crashing %s: %s leads term %" G_GUINT64_FORMAT ", %.1f s later", conclave_node_get_name (w.old),
                  conclave_node_get_name (w.leader), conclave_node_get_term (w.leader),
                  (g_get_monotonic_time () - t0) / 1e6);
  conclave_session_set_selected (f->session, w.leader);
  ui_test_screenshot (GTK_WIDGET (f->window), failover_shot);
  g_assert_null (conclave_window_get_violation (f->window));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/group/story", UiFixture, NULL, ui_fixture_set_up, test_group, ui_fixture_tear_down);
  g_test_add ("/group/stale-isolation", UiFixture, NULL, ui_fixture_set_up, test_stale_isolation,
              ui_fixture_tear_down);
  g_test_add ("/group/real/raft", UiFixture, "raft", ui_fixture_set_up, test_real_group, ui_fixture_tear_down);
  g_test_add ("/group/real/bully", UiFixture, "bully", ui_fixture_set_up, test_real_group, ui_fixture_tear_down);
  g_test_add ("/group/real/ring", UiFixture, "ring", ui_fixture_set_up, test_real_group, ui_fixture_tear_down);
  return g_test_run ();
}
