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
#include "conclave-tempo.h"
#include "conclave-window-private.h"
#include "ui-test-utils.h"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static void
look (UiFixture  *f,
      const char *view,
      const char *name)
{
  g_autoptr(GdkTexture) texture = NULL;

  conclave_window_show_view (f->window, view);
  ui_test_run_for (300);
  texture = ui_test_screenshot (GTK_WIDGET (f->window), name);
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
  look (f, "timeline", "tempo-half-speed");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/moments/tempo-words", test_tempo_words);
  g_test_add_func ("/moments/flight", test_flight);
  g_test_add ("/moments/tempo-survives-start", UiFixture, NULL, ui_fixture_set_up, test_tempo_survives_start, ui_fixture_tear_down);
  return g_test_run ();
}
