/* ui-test-utils.c — see the header. */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "conclave-render.h"
#include "ui-test-utils.h"

static gboolean
has_flag (int    argc,
          char **argv,
          const char *flag)
{
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], flag))
      return TRUE;
  return FALSE;
}

void
ui_test_init (int    *argc,
              char ***argv)
{
  gboolean tap = has_flag (*argc, *argv, "--tap");

  if (!gtk_init_check ())
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        {
          g_print ("1..1\nnot ok 1 - no display under CI: the UI tests did not run\n");
          exit (1);
        }
      if (tap)
        {
          g_print ("1..0 # SKIP no display (DISPLAY unset or gtk_init_check failed)\n");
          exit (0);
        }
      g_printerr ("SKIP: no display (DISPLAY unset or gtk_init_check failed)\n");
      exit (77);
    }
  g_test_init (argc, argv, NULL);
  adw_init ();
}

static gboolean
window_ready (gpointer data)
{
  GtkWidget *window = data;

  return gtk_widget_get_mapped (window) && gtk_widget_get_width (window) >= 1000;
}

/* One application per test program (it owns an object path on the bus);
 * a fresh window, with a fresh cluster, per test. */
ConclaveWindow *
ui_test_window_new (ConclaveApplication **app)
{
  static ConclaveApplication *shared;
  g_autoptr(GError) error = NULL;
  ConclaveWindow *window;

  if (shared == NULL)
    {
      shared = conclave_application_new (G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (shared), NULL, &error);
      g_assert_no_error (error);
    }
  *app = shared;
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (shared)));
  /* Tests run side by side: each cluster on its own pair of ports, not the
   * lecture's 10001 that every fresh cluster would take. */
  conclave_session_set_base_port (conclave_application_get_session (shared),
                                  20000 + 2 * g_random_int_range (0, 10000));
  window = CONCLAVE_WINDOW (conclave_application_get_window (shared));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ui_test_wait (window_ready, window, 10000));
  return window;
}

void
ui_test_window_free (ConclaveApplication *app,
                     ConclaveWindow      *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  ui_test_run_for (50);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
ui_test_wait (UiCondition cond,
              gpointer    data,
              guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  /* Conditions on the clock need the loop to wake up now and then. */
  guint tick = g_timeout_add (10, wake_up, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
ui_test_run_for (guint ms)
{
  ui_test_wait (never, NULL, ms);
}

void
ui_test_activate (ConclaveApplication *app,
                  const char          *action,
                  GVariant            *parameter)
{
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), action));
  g_action_group_activate_action (G_ACTION_GROUP (app), action, parameter);
}

/* No stack under `widget` is in the middle of a transition. */
static gboolean
transitions_done (gpointer widget)
{
  if (widget == NULL)
    return TRUE;
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (widget))
    return FALSE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!transitions_done (child))
      return FALSE;
  return TRUE;
}

GdkTexture *
ui_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GdkTexture *texture;

  /* Let pending layout and drawing happen first, and page changes end
   * (a picture taken mid-crossfade shows two pages at once). */
  ui_test_run_for (30);
  g_assert_true (ui_test_wait (transitions_done, gtk_widget_get_root (widget), 3000));
  texture = conclave_render_widget (widget, NULL);
  g_assert_nonnull (texture);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
  return texture;
}

gboolean
ui_test_pid_gone (gint pid)
{
  return pid > 0 && kill (pid, 0) == -1 && errno == ESRCH;
}

void
ui_test_start_chapter (ConclaveApplication *app,
                       const char          *chapter,
                       double               tempo)
{
  ui_test_activate (app, "start-scenario", g_variant_new_string (chapter));
  ui_test_activate (app, "set-tempo", g_variant_new_double (tempo));
}

void
ui_fixture_set_up (UiFixture     *f,
                   gconstpointer  data)
{
  f->window = ui_test_window_new (&f->app);
  f->session = conclave_window_get_session (f->window);
  g_assert_nonnull (conclave_session_get_cluster (f->session));
}

void
ui_fixture_tear_down (UiFixture     *f,
                      gconstpointer  data)
{
  ui_test_window_free (f->app, f->window);
}

gboolean
ui_test_node_running (ConclaveCluster *cluster,
                      const char      *name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);

  return node != NULL && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING &&
         conclave_node_get_pid (node) > 0;
}

guint64
ui_test_n_delivered (ConclaveCluster *cluster)
{
  guint64 counts[5] = { 0, };

  conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED];
}

void
ui_test_describe_nodes (ConclaveCluster *cluster)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (cluster));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      guint lines = conclave_node_get_n_output (node);
      g_autofree char *argv = g_strjoinv (" ", (char **) conclave_node_get_argv (node));

      g_test_message ("%s (%s) PID %d %s: %s", conclave_node_get_name (node),
                      conclave_node_get_role (node), conclave_node_get_pid (node),
                      conclave_node_state_to_string (conclave_node_get_state (node)), argv);
      for (guint j = lines > 5 ? lines - 5 : 0; j < lines; j++)
        g_test_message ("  | %s", conclave_node_get_output (node, j, NULL));
    }
}

void
ui_test_look (ConclaveWindow *window,
              const char     *view,
              const char     *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  conclave_window_show_view (window, view);
  ui_test_run_for (300);
  texture = ui_test_screenshot (GTK_WIDGET (window), name);
}

static gboolean
run_dialog_found (gpointer data)
{
  GtkWindow **found = data;
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_str_equal (G_OBJECT_TYPE_NAME (l->data), "ConclaveRunDialog") && gtk_widget_get_visible (l->data))
      *found = l->data;
  g_list_free (toplevels);
  return *found != NULL;
}

GtkWindow *
ui_test_open_run_dialog (ConclaveApplication *app)
{
  GtkWindow *found = NULL;

  ui_test_activate (app, "run-program", NULL);
  g_assert_true (ui_test_wait (run_dialog_found, &found, 5000));
  return found;
}

ConclaveNode *
ui_test_find_new_leader (ConclaveCluster *cluster,
                         ConclaveNode    *old,
                         guint64          term)
{
  const char *names[] = { "s1", "s2", "s3" };
  ConclaveNode *leader = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, names[i]);

      if (node != NULL && node != old && conclave_node_is_leader (node) &&
          conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING && conclave_node_get_term (node) > term)
        leader = node;
    }
  return leader;
}
