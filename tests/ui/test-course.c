/* test-course.c — a course project in the window, as a teacher runs it.
 *
 * Two peers of course_peer.py started with "Run a Program…" from the
 * folder the teacher chose, with a leader pattern: the crown goes to the
 * peer the programs name (`leader is 2` → the one run with `--id 2`), not
 * to the first that printed itself leader. Then a chat server and client
 * (course_chat.py) by the actions, relative to that same folder: the
 * client waits in input() until the inspector's input line sends it a
 * line, which goes out, arrives at the server and is answered.
 */
#include "config.h"

#include <string.h>

#include "conclave-cluster-view-private.h"
#include "conclave-inspector.h"
#include "conclave-run-dialog.h"
#include "ui-test-utils.h"

#define PEER "/usr/bin/python3 course_peer.py --port {port} --mport {port2} --rounds 600 --interval 0.1 --id "
#define PATTERN "leader is (?<leader>\\d+)"

static void
run_peer (UiFixture *f, const char *folder, const char *id, gboolean pattern)
{
  ConclaveRunDialog *dialog = CONCLAVE_RUN_DIALOG (ui_test_open_run_dialog (f->app));
  g_autofree char *command = g_strconcat (PEER, id, NULL);

  if (folder != NULL)
    conclave_run_dialog_set_folder (dialog, folder);
  if (pattern)
    conclave_run_dialog_set_leader_pattern (dialog, PATTERN);
  conclave_run_dialog_set_command (dialog, command);
  conclave_run_dialog_set_server (dialog, TRUE);
  if (!conclave_run_dialog_run (dialog))
    g_error ("the dialog refused: %s", conclave_run_dialog_get_error (dialog));
}

static ConclaveNode *
node (UiFixture *f, const char *name)
{
  return conclave_cluster_lookup (conclave_session_get_cluster (f->session), name);
}

/* s2 leads, and s1, which named itself first, follows it. */
static gboolean
s2_crowned (gpointer data)
{
  UiFixture *f = data;

  return node (f, "s1") && node (f, "s2") && conclave_node_is_leader (node (f, "s2")) &&
         !conclave_node_is_leader (node (f, "s1")) &&
         g_strcmp0 (conclave_node_get_leader (node (f, "s1")), "s2") == 0;
}

static gboolean
some_unheard (gpointer data)
{
  UiFixture *f = data;
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (conclave_session_get_cluster (f->session));

  return conclave_matcher_count_state (matcher, CONCLAVE_MESSAGE_UNHEARD) >= 4;
}

static gboolean
has_line (ConclaveNode *n, const char *text)
{
  for (guint i = 0; n != NULL && i < conclave_node_get_n_output (n); i++)
    if (strstr (conclave_node_get_output (n, i, NULL), text) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
client_waits (gpointer data)
{
  UiFixture *f = data;

  return ui_test_node_running (conclave_session_get_cluster (f->session), "c1") &&
         ui_test_node_running (conclave_session_get_cluster (f->session), "s3") &&
         has_line (node (f, "s3"), "chat server on port");
}

static gboolean
line_went_through (gpointer data)
{
  UiFixture *f = data;

  return has_line (node (f, "s3"), "got: hello class") && has_line (node (f, "c1"), "sent: hello class (ok)") &&
         conclave_node_get_state (node (f, "c1")) == CONCLAVE_NODE_EXITED;
}

/* Inside by more than half a pixel (graphene counts the edge as inside). */
static gboolean
well_inside (const graphene_rect_t *rect, double x, double y)
{
  graphene_rect_t inner;

  graphene_rect_inset_r (rect, 0.5, 0.5, &inner);
  return rect->size.width > 0 && graphene_rect_contains_point (&inner, &GRAPHENE_POINT_INIT (x, y));
}

static gboolean
on_a_caption (ConclaveClusterView *view, double x, double y)
{
  for (guint i = 0; i < view->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (view->spots, ConclaveSpot, i);

      if (well_inside (&spot->caption, x, y) || well_inside (&spot->crown, x, y))
        return TRUE;
    }
  return FALSE;
}

/* s1 over s2, the leader crowned: the line between them and the dots on it
 * run from under s1's PID and role to the top of s2's crown, never across
 * the text (course-leader.png). */
static void
assert_links_clear (UiFixture *f)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  const ConclaveSpot *s1 = NULL, *s2 = NULL;
  graphene_point_t from, to;

  for (guint i = 0; i < view->spots->len; i++)
    {
      const ConclaveSpot *spot = &g_array_index (view->spots, ConclaveSpot, i);

      if (spot->node == node (f, "s1"))
        s1 = spot;
      else if (spot->node == node (f, "s2"))
        s2 = spot;
    }
  g_assert_true (s1 != NULL && s2 != NULL);
  g_assert_cmpfloat (s1->caption.size.width, >, 2 * s1->r);  /* "PID …" is wider than the node */
  g_assert_cmpfloat (s2->crown.size.height, >, 0);
  from = _conclave_cluster_view_edge_towards (s1, &GRAPHENE_POINT_INIT (s2->x, s2->y));
  to = _conclave_cluster_view_edge_towards (s2, &GRAPHENE_POINT_INIT (s1->x, s1->y));
  g_test_message ("s1 (%.0f, %.0f) caption to %.0f, s2 (%.0f, %.0f) crown from %.0f; line %.0f..%.0f",
                  s1->x, s1->y, s1->caption.origin.y + s1->caption.size.height, s2->x, s2->y,
                  s2->crown.origin.y, from.y, to.y);
  for (int k = 0; k <= 50; k++)
    g_assert_false (on_a_caption (view, from.x + (to.x - from.x) * k / 50, from.y + (to.y - from.y) * k / 50));
  for (guint i = 0; i < view->dot_hits->len; i++)
    {
      const ConclaveDotHit *dot = &g_array_index (view->dot_hits, ConclaveDotHit, i);

      g_assert_false (on_a_caption (view, dot->x, dot->y));
    }
}

static void
test_leader_and_input (UiFixture     *f,
                       gconstpointer  data)
{
  g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "..", "trace", NULL);
  g_autoptr(GdkTexture) shot = NULL;
  GtkWidget *inspector, *entry;

  /* The folder chosen for the first program holds for the next ones, and
   * so does the pattern (the dialog offers the cluster's). */
  run_peer (f, folder, "1", TRUE);
  g_assert_cmpstr (conclave_session_get_working_folder (f->session), ==, folder);
  run_peer (f, NULL, "2", FALSE);
  if (!ui_test_wait (s2_crowned, f, 20000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_true (s2_crowned (f));
  g_assert_cmpstr (conclave_cluster_get_leader_pattern (conclave_session_get_cluster (f->session)), ==, PATTERN);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "course-leader");
  assert_links_clear (f);
  /* The peers log to a syslog port nobody reads: one switch hides those. */
  g_assert_true (ui_test_wait (some_unheard, f, 10000));
  g_clear_object (&shot);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "course-unheard-shown");
  g_assert_true (conclave_session_get_show_unheard (f->session));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-unheard", NULL));
  g_assert_false (conclave_session_get_show_unheard (f->session));
  ui_test_run_for (300);
  g_clear_object (&shot);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "course-unheard-hidden");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-unheard", NULL));
  g_assert_true (conclave_session_get_show_unheard (f->session));

  ui_test_activate (f->app, "run-server-command",
                    g_variant_new_string ("/usr/bin/python3 course_chat.py server --port {port3} --lines 1"));
  ui_test_activate (f->app, "run-command",
                    g_variant_new_string ("/usr/bin/python3 course_chat.py client --port {port3} --lines 1"));
  if (!ui_test_wait (client_waits, f, 15000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_true (client_waits (f));
  /* The newest program is selected: the input line is c1's. */
  g_assert_true (conclave_session_get_selected (f->session) == node (f, "c1"));
  g_assert_false (has_line (node (f, "s3"), "got:"));
  inspector = conclave_window_get_view_widget (f->window, "inspector");
  entry = conclave_inspector_get_input_entry (CONCLAVE_INSPECTOR (inspector));
  gtk_editable_set_text (GTK_EDITABLE (entry), "hello class");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (ui_test_wait (line_went_through, f, 10000));
  g_assert_cmpint (conclave_node_get_exit_code (node (f, "c1")), ==, 0);
  g_clear_object (&shot);
  shot = ui_test_screenshot (GTK_WIDGET (f->window), "course-input");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/course/leader-and-input", UiFixture, NULL, ui_fixture_set_up, test_leader_and_input,
              ui_fixture_tear_down);
  return g_test_run ();
}
