/* test-screenshots.c — pictures of what the class sees, saved under the
 * build directory (tests/ui/screenshots/): the welcome page, every
 * built-in chapter running, the events and charts views, and presentation
 * mode; step mode's preset cards, held messages and their panel, also in
 * German (run with LANGUAGE=de, see meson.build). Each picture must show
 * something (not a blank window); a person still has to look at them. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "conclave-palette-widget.h"
#include "conclave-render.h"
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
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ui_test_window_free (f->app, f->window);
}

static void
save (Fixture    *f,
      const char *name)
{
  g_autoptr(GdkTexture) texture = ui_test_screenshot (GTK_WIDGET (f->window), name);
  guint n_colors;

  conclave_render_inspect (texture, &(GdkRGBA) { 0, 0, 0, 1 }, 0, &n_colors, NULL);
  g_test_message ("%s: %d×%d, %u colours", name, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture), n_colors);
  g_assert_cmpuint (n_colors, >=, 40);
}

typedef struct {
  Fixture          *f;
  ConclaveScenario *scenario;
  guint             delivered;
} Running;

/* Every node of the scenario is running and messages have gone round. */
static gboolean
scenario_running (gpointer data)
{
  Running *r = data;
  guint64 counts[5] = { 0, };

  for (guint i = 0; i < r->scenario->nodes->len; i++)
    {
      const ConclaveScenarioNode *sn = g_ptr_array_index (r->scenario->nodes, i);
      ConclaveNode *node = conclave_cluster_lookup (conclave_session_get_cluster (r->f->session), sn->name);

      if (node == NULL || conclave_node_get_state (node) != CONCLAVE_NODE_RUNNING)
        return FALSE;
    }
  conclave_matcher_count (conclave_cluster_get_matcher (conclave_session_get_cluster (r->f->session)), counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED] >= r->delivered;
}

static void
run_chapter (Fixture    *f,
             const char *id,
             guint       delivered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup (id, &error);
  Running r = { f, scenario, delivered };

  g_assert_no_error (error);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "start-scenario", g_variant_new_string (id));
  /* At the classroom tempo, as the class sees it; a generous bound, since
   * CI runs two suites at once on two cores. */
  g_assert_true (ui_test_wait (scenario_running, &r, 30000));
  conclave_session_set_selected (f->session, conclave_cluster_lookup (conclave_session_get_cluster (f->session), "s1"));
}

static void
test_welcome (Fixture       *f,
              gconstpointer  data)
{
  save (f, "welcome");
}

static void
test_chapter (Fixture       *f,
              gconstpointer  data)
{
  const char *id = data;

  run_chapter (f, id, 4);
  save (f, id);
}

static void
test_views (Fixture       *f,
            gconstpointer  data)
{
  run_chapter (f, "chapter-3", 12);
  conclave_window_show_view (f->window, "events");
  ui_test_run_for (1000);
  save (f, "chapter-3-events");
  conclave_window_show_view (f->window, "charts");
  save (f, "chapter-3-charts");
  conclave_window_show_view (f->window, "timeline");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "set-tempo", g_variant_new_double (0.2));
  ui_test_run_for (1500);
  save (f, "chapter-3-fast");
}

/* Half of what c1 sends is dropped by a fault: falling dots, red crosses. */
static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  run_chapter (f, "chapter-2", 2);
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (conclave_session_get_cluster (f->session)), "c1", 0.5));
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (conclave_session_get_cluster (f->session)), "c2", 0.5));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "set-tempo", g_variant_new_double (0.3));
  ui_test_run_for (3000);
  save (f, "faults");
}

static gboolean
some_unheard (gpointer data)
{
  Fixture *f = data;

  return conclave_matcher_count_state (conclave_cluster_get_matcher (conclave_session_get_cluster (f->session)), CONCLAVE_MESSAGE_UNHEARD) >= 6;
}

/* A program logging to a syslog port nobody reads: its lines are unheard,
 * drawn in a quiet grey, never in the alarm red of a lost message. */
static void
test_unheard (Fixture       *f,
              gconstpointer  data)
{
  const char *argv[] = { "/usr/bin/python3", "-c",
                         "import socket, time\n"
                         "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                         "while True:\n"
                         "    s.sendto(b'<14>app: still here', ('127.0.0.1', {port}))\n"
                         "    time.sleep(0.1)\n", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GdkRGBA red;
  guint n_colors, n_red;

  g_assert_nonnull (conclave_cluster_add_program (conclave_session_get_cluster (f->session), "logger", argv, NULL, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (ui_test_wait (some_unheard, f, 30000));
  conclave_window_show_view (f->window, "timeline");
  ui_test_run_for (800);
  texture = ui_test_screenshot (GTK_WIDGET (f->window), "unheard");
  conclave_palette_get_gdk (CONCLAVE_COLOR_FAILED, conclave_palette_is_dark (), &red);
  conclave_render_inspect (texture, &red, 8, &n_colors, &n_red);
  g_test_message ("unheard: %u colours, %u pixels of alarm red", n_colors, n_red);
  g_assert_cmpuint (n_colors, >=, 40);
  g_assert_cmpuint (n_red, ==, 0);
  g_assert_cmpuint (conclave_matcher_count_state (conclave_cluster_get_matcher (conclave_session_get_cluster (f->session)), CONCLAVE_MESSAGE_LOST), ==, 0);
}

static void
test_presentation (Fixture       *f,
                   gconstpointer  data)
{
  run_chapter (f, "chapter-2", 4);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "presentation-mode", NULL);
  g_assert_true (conclave_session_get_presentation (f->session));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->window), "presentation"));
  /* Full screen needs a window manager to grant it; Xvfb has none, and the
   * window is already as large as the screen. */
  ui_test_run_for (800);
  save (f, "presentation");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "presentation-mode", NULL);
  g_assert_false (conclave_session_get_presentation (f->session));
}

/* "NAME" or, in another language, "NAME-LANG". */
static char *
named (const char *name)
{
  const char *language = g_getenv ("LANGUAGE");

  return language != NULL && *language != '\0' ? g_strdup_printf ("%s-%s", name, language) : g_strdup (name);
}

static void
save_named (Fixture *f, const char *name)
{
  g_autofree char *full = named (name);

  save (f, full);
}

static GtkWidget *
find_scrolled (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_scrolled (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static ConclaveHold *
hold_of (Fixture *f)
{
  return conclave_cluster_get_hold (conclave_session_get_cluster (f->session));
}

static gboolean
several_held (gpointer data)
{
  return conclave_hold_get_n_held (hold_of (data)) >= 4;
}

/* The queue panel open over the window: the panel alone (a popover is its
 * own surface) and the window under it. */
static void
save_queue (Fixture *f, const char *name)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (f->window), CONCLAVE_TYPE_WINDOW,
                                                                          "hold_queue_button"));
  g_autofree char *panel = g_strconcat (name, "-panel", NULL);
  g_autofree char *full = named (panel);

  gtk_menu_button_popup (button);
  ui_test_run_for (500);
  g_object_unref (ui_test_screenshot (GTK_WIDGET (gtk_menu_button_get_popover (button)), full));
  save_named (f, name);
  gtk_menu_button_popdown (button);
}

/* Step mode as the class sees it: the presets' cards at the end of the
 * welcome page, a split vote's held messages in the cluster view, the
 * timeline and the queue panel, then in presentation mode. */
static void
test_step_mode (Fixture       *f,
                gconstpointer  data)
{
  GtkWidget *welcome = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->window), CONCLAVE_TYPE_WINDOW,
                                                                  "welcome_page"));
  GtkAdjustment *scroll = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (find_scrolled (welcome)));

  gtk_adjustment_set_value (scroll, gtk_adjustment_get_upper (scroll) - gtk_adjustment_get_page_size (scroll));
  ui_test_run_for (300);
  save_named (f, "welcome-step-presets");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "start-scenario", g_variant_new_string ("chapter-4-split-vote"));
  g_assert_true (ui_test_wait (several_held, f, 30000));
  conclave_window_show_view (f->window, "timeline");
  save_queue (f, "step-split-vote");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "presentation-mode", NULL);
  ui_test_run_for (800);
  save_queue (f, "step-split-vote-presentation");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "presentation-mode", NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) ids = NULL;

  ui_test_init (&argc, &argv);
  /* the build's translations, for a run in another language */
  bindtextdomain (GETTEXT_PACKAGE, BUILD_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_add ("/screenshots/step-mode", Fixture, NULL, fixture_set_up, test_step_mode, fixture_tear_down);
  ids = conclave_scenario_list_builtin ();
  g_test_add ("/screenshots/welcome", Fixture, NULL, fixture_set_up, test_welcome, fixture_tear_down);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat ("/screenshots/", ids[i], NULL);

      g_test_add (path, Fixture, ids[i], fixture_set_up, test_chapter, fixture_tear_down);
    }
  g_test_add ("/screenshots/views", Fixture, NULL, fixture_set_up, test_views, fixture_tear_down);
  g_test_add ("/screenshots/faults", Fixture, NULL, fixture_set_up, test_faults, fixture_tear_down);
  g_test_add ("/screenshots/unheard", Fixture, NULL, fixture_set_up, test_unheard, fixture_tear_down);
  g_test_add ("/screenshots/presentation", Fixture, NULL, fixture_set_up, test_presentation, fixture_tear_down);
  return g_test_run ();
}
