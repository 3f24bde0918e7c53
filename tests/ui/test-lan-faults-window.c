/* test-lan-faults-window.c — where the LAN cannot drop or delay itself
 * (CONCLAVE_LAN_FAULTS=off stands in for a kernel that refuses the queue),
 * choosing "lan" in the main menu still works and a toast says, in one
 * sentence, that drops and delays stay with each program
 * (screenshots/lan-no-faults.png). The same sentence, once, when a
 * scenario's "network": "lan" brings the LAN instead of the menu: shown as
 * the chapter starts (lan-no-faults-scenario.png), and not again when
 * the LAN is chosen once more.
 * Skipped where the kernel allows no user namespace.
 */
#include "ui-test-utils.h"

#include "conclave-session.h"

#include <string.h>

#define SENTENCE "Drops and delays stay with each program on this LAN: the network cannot apply them here"

/* A label under `widget` that says `text`. */
static gboolean
shows (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
toast_shown (gpointer data)
{
  return shows (GTK_WIDGET (data), SENTENCE);
}

static void
test_no_faults (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);

  g_setenv ("CONCLAVE_LAN_FAULTS", "off", TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "lan");
  g_unsetenv ("CONCLAVE_LAN_FAULTS");
  if (conclave_cluster_get_network (cluster) != CONCLAVE_NETWORK_LAN)
    {
      g_test_skip ("the kernel allows no user namespace here");
      return;
    }
  g_assert_nonnull (conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)));
  g_assert_true (ui_test_wait (toast_shown, f->window, 5000));
  ui_test_look (f->window, "timeline", "lan-no-faults");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LOOPBACK);
}

static gboolean
toast_gone (gpointer data)
{
  return !shows (GTK_WIDGET (data), SENTENCE);
}

static const char lan_scenario[] =
  "{\"id\": \"lan-chapter\", \"title\": \"One server on the LAN\", \"network\": \"lan\",\n"
  " \"nodes\": [{\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\"--port\", \"{port}\"]}]}\n";

static void
test_scenario (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  gboolean started;

  scenario = conclave_scenario_new_from_data (lan_scenario, strlen (lan_scenario), "lan-chapter.json", &error);
  g_assert_no_error (error);
  g_assert_false (shows (GTK_WIDGET (f->window), SENTENCE));
  g_setenv ("CONCLAVE_LAN_FAULTS", "off", TRUE);
  started = conclave_cluster_start_scenario (cluster, scenario, &error);
  g_unsetenv ("CONCLAVE_LAN_FAULTS");
  if (!started && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    {
      g_test_skip (error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  g_assert_nonnull (conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)));
  g_assert_true (ui_test_wait (toast_shown, f->window, 5000));
  ui_test_look (f->window, "timeline", "lan-no-faults-scenario");
  /* Once: gone after its time, and not back when the LAN is chosen again. */
  g_assert_true (ui_test_wait (toast_gone, f->window, 15000));
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "lan");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  g_assert_false (shows (GTK_WIDGET (f->window), SENTENCE));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/lan-faults-window/no-faults", UiFixture, NULL, ui_fixture_set_up, test_no_faults, ui_fixture_tear_down);
  g_test_add ("/lan-faults-window/scenario", UiFixture, NULL, ui_fixture_set_up, test_scenario, ui_fixture_tear_down);
  return g_test_run ();
}
