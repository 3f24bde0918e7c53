/* test-lan-faults-window.c — where the LAN cannot drop or delay itself
 * (CONCLAVE_LAN_FAULTS=off stands in for a kernel that refuses the queue),
 * choosing "lan" in the main menu still works and a toast says, in one
 * sentence, that drops and delays stay with each program
 * (screenshots/lan-no-faults.png). Skipped where the kernel allows no user
 * namespace.
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

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/lan-faults-window/no-faults", UiFixture, NULL, ui_fixture_set_up, test_no_faults, ui_fixture_tear_down);
  return g_test_run ();
}
