/* test-session.c — the session model on its own: one owner for the
 * selection and the canvas positions (both forgotten with the cluster they
 * belong to), views told once per fact, and the pace: however many batches
 * the cluster reports, views hear "changed" at most once per frame of the
 * frame clock the session follows; an ended child shown a moment, then
 * taken away by the session.
 */
#include "config.h"

#include "conclave-session.h"
#include "ui-test-utils.h"

typedef struct {
  guint clusters, selections, presentations, changes;
  ConclaveCluster *old;   /* what the last "cluster" said had ended */
  guint old_nodes;        /* how many nodes it still had then (alive) */
} Told;

static void
on_cluster (gpointer view, ConclaveCluster *old)
{
  Told *told = g_object_get_data (view, "told");

  told->clusters++;
  told->old = old;
  told->old_nodes = old != NULL ? g_list_model_get_n_items (G_LIST_MODEL (old)) : 0;
}

static void
on_selected (gpointer view, ConclaveNode *node)
{
  ((Told *) g_object_get_data (view, "told"))->selections++;
}

static void
on_presentation (gpointer view, gboolean presentation)
{
  ((Told *) g_object_get_data (view, "told"))->presentations++;
}

static void
on_changed (gpointer view)
{
  ((Told *) g_object_get_data (view, "told"))->changes++;
}

static const ConclaveSessionWatch watch = { on_cluster, on_selected, on_presentation, on_changed };

static void
test_facts (void)
{
  g_autoptr(ConclaveSession) session = conclave_session_new (NULL);
  g_autoptr(GObject) view = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(ConclaveNode) node = conclave_node_new ("s1", "udp-server", CONCLAVE_NODE_KIND_SERVER);
  ConclaveCluster *first = conclave_session_get_cluster (session);
  Told told = { 0, };
  double x, y;

  g_assert_nonnull (first);
  g_object_set_data (view, "told", &told);
  conclave_session_watch (session, view, &watch);
  /* Told what is, once, on watching. */
  g_assert_cmpuint (told.clusters, ==, 1);
  g_assert_null (told.old);
  g_assert_cmpuint (told.selections, ==, 1);
  g_assert_cmpuint (told.presentations, ==, 1);

  conclave_session_set_selected (session, node);
  conclave_session_set_selected (session, node);  /* no change, nobody told */
  conclave_session_set_presentation (session, TRUE);
  g_assert_cmpuint (told.selections, ==, 2);
  g_assert_cmpuint (told.presentations, ==, 2);

  g_assert_false (conclave_session_get_position (session, node, &x, &y));
  conclave_session_set_position (session, node, 0.25, 0.75);
  g_assert_true (conclave_session_get_position (session, node, &x, &y));
  g_assert_cmpfloat (x, ==, 0.25);
  g_assert_cmpfloat (y, ==, 0.75);

  /* A new cluster: nothing of the old picture stays. */
  g_assert_true (conclave_session_new_cluster (session));
  g_assert_true (conclave_session_get_cluster (session) != NULL);
  g_assert_cmpuint (told.clusters, ==, 2);
  /* Told which one ended, still alive then, so a view can disconnect. */
  g_assert_true (told.old == first);
  g_assert_true (told.old != conclave_session_get_cluster (session));
  g_assert_cmpuint (told.old_nodes, ==, 0);
  g_assert_null (conclave_session_get_selected (session));
  g_assert_cmpuint (told.selections, ==, 3);
  g_assert_false (conclave_session_get_position (session, node, &x, &y));
  g_assert_cmpuint (conclave_session_get_violation (session), ==, G_MAXUINT64);
  g_assert_true (conclave_session_get_presentation (session));  /* the teacher's, not the chapter's */

  /* A view gone is told nothing more. */
  g_clear_object (&view);
  conclave_session_set_presentation (session, FALSE);
  conclave_session_close (session);
  g_assert_null (conclave_session_get_cluster (session));
}

typedef struct {
  guint frames;
  guint cluster_changes;
  guint session_changes;
  guint this_frame;       /* views told since the last frame began */
  guint most_per_frame;
} Pace;

static void
count (guint *counter)
{
  (*counter)++;
}

static void
on_frame (Pace *pace)
{
  pace->frames++;
  pace->this_frame = 0;
}

static void
on_session_changed (Pace *pace)
{
  pace->session_changes++;
  pace->this_frame++;
  pace->most_per_frame = MAX (pace->most_per_frame, pace->this_frame);
}

static gboolean
enough (gpointer data)
{
  Pace *pace = data;

  return pace->cluster_changes >= 100 && pace->frames >= 30;
}

static gboolean
keep_ticking (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* A client at a very fast tempo: the cluster reports batches far more
 * often than frames come; the views hear one "changed" per frame at most. */
static void
test_pace (void)
{
  g_autoptr(ConclaveSession) session = conclave_session_new (NULL);
  ConclaveCluster *cluster = conclave_session_get_cluster (session);
  const char *server_args[] = { "--port", "{port}", NULL };
  const char *client_args[] = { "--port", "{port}", "--count", "0", NULL };
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GdkFrameClock *clock;
  Pace pace = { 0, };

  gtk_widget_realize (window);
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  conclave_session_set_frame_clock (session, clock);
  /* After the session's own handler: it tells the views in the update phase. */
  g_signal_connect_swapped (clock, "update", G_CALLBACK (on_frame), &pace);
  g_signal_connect_swapped (cluster, "changed", G_CALLBACK (count), &pace.cluster_changes);
  g_signal_connect_swapped (session, "changed", G_CALLBACK (on_session_changed), &pace);
  conclave_cluster_set_base_port (cluster, 20000 + 2 * g_random_int_range (0, 10000));
  conclave_cluster_set_tempo (cluster, 0.02);
  g_assert_nonnull (conclave_cluster_add_node (cluster, "s1", "udp-server", server_args, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("c%u", i + 1);

      g_assert_nonnull (conclave_cluster_add_node (cluster, name, "udp-client", client_args, &error));
      g_assert_no_error (error);
    }
  /* The frame clock ticks while anything asks for frames. */
  gtk_widget_add_tick_callback (window, keep_ticking, NULL, NULL);
  g_assert_true (ui_test_wait (enough, &pace, 20000));
  g_test_message ("%u frames, %u batches from the cluster, %u changes told to views",
                  pace.frames, pace.cluster_changes, pace.session_changes);
  g_assert_cmpuint (pace.session_changes, >, 0);
  g_assert_cmpuint (pace.most_per_frame, ==, 1);
  g_assert_cmpuint (pace.session_changes, <=, pace.frames);
  g_signal_handlers_disconnect_by_data (clock, &pace);
  conclave_session_set_frame_clock (session, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  conclave_session_close (session);
}

typedef struct {
  ConclaveNode *child;     /* the first child seen to end */
  gint64        ended_us;
  gint64        gone_us;
} Ended;

static void
on_child_state (ConclaveNode *child,
                GParamSpec   *pspec,
                Ended        *ended)
{
  if (ended->child == NULL && conclave_node_get_state (child) >= CONCLAVE_NODE_EXITED)
    {
      ended->child = g_object_ref (child);
      ended->ended_us = g_get_monotonic_time ();
    }
}

static void
on_node_added (ConclaveCluster *cluster,
               ConclaveNode    *node,
               Ended           *ended)
{
  if (conclave_node_get_kind (node) == CONCLAVE_NODE_KIND_CHILD)
    g_signal_connect (node, "notify::state", G_CALLBACK (on_child_state), ended);
}

static gboolean
child_gone (gpointer data)
{
  Ended *ended = data;

  if (ended->child == NULL || conclave_node_get_parent (ended->child) != NULL)
    return FALSE;
  ended->gone_us = g_get_monotonic_time ();
  return TRUE;
}

/* An ended child stays on the canvas a moment (3 s × the tempo, at tempo
 * 0.1: 300 ms), then the session takes it away; the core alone keeps it. */
static void
test_ended_children (void)
{
  g_autoptr(ConclaveSession) session = conclave_session_new (NULL);
  ConclaveCluster *cluster = conclave_session_get_cluster (session);
  const char *server_args[] = { "--port", "{port}", NULL };
  const char *client_args[] = { "--port", "{port}", "--count", "0", NULL };
  g_autoptr(GError) error = NULL;
  Ended ended = { NULL, 0, 0 };
  double shown_ms;

  g_signal_connect (cluster, "node-added", G_CALLBACK (on_node_added), &ended);
  conclave_cluster_set_base_port (cluster, 20000 + 2 * g_random_int_range (0, 10000));
  conclave_cluster_set_tempo (cluster, 0.1);
  g_assert_nonnull (conclave_cluster_add_node (cluster, "s1", "fork-server", server_args, &error));
  g_assert_no_error (error);
  g_assert_nonnull (conclave_cluster_add_node (cluster, "c1", "udp-client", client_args, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (child_gone, &ended, 20000));
  shown_ms = (ended.gone_us - ended.ended_us) / 1000.0;
  g_test_message ("child %d shown %.0f ms after it ended", conclave_node_get_pid (ended.child), shown_ms);
  g_assert_cmpfloat (shown_ms, >=, 250);
  g_assert_cmpfloat (shown_ms, <=, 2000);
  g_clear_object (&ended.child);
  conclave_session_close (session);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/session/facts", test_facts);
  g_test_add_func ("/session/pace", test_pace);
  g_test_add_func ("/session/ended-children", test_ended_children);
  return g_test_run ();
}
