/* test-lan-window.c — the main menu's network switch (win.network).
 *
 * Choosing "lan" puts the window's cluster on Conclave's LAN; three programs
 * then run on hosts of their own, and the cluster view shows each with
 * its address beside its role and a cable to the switch
 * (screenshots/lan-window.png); isolating s2 cuts its cable
 * (lan-window-cut.png) and moves its host off the switch. While they
 * run, choosing loopback is refused and the menu still says "lan"; once
 * they are gone it is taken. Skipped where the kernel allows no user
 * namespace (the toast says why).
 */
#include "ui-test-utils.h"

#include "conclave-session.h"

#include <string.h>

#define PYTHON "/usr/bin/python3"

static const char *
network_state (ConclaveWindow *window)
{
  static char state[16];
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), "network");
  g_autoptr(GVariant) value = NULL;

  g_assert_nonnull (action);
  value = g_action_get_state (action);
  g_strlcpy (state, g_variant_get_string (value, NULL), sizeof state);
  return state;
}

/* Each bound and said who it is. */
static gboolean
peers_ready (gpointer data)
{
  ConclaveCluster *cluster = data;

  for (const char * const *name = (const char * const []) { "s1", "s2", "c1", NULL }; *name; name++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, *name);
      guint n = node ? conclave_node_get_n_output (node) : 0;

      if (!ui_test_node_running (cluster, *name) || n < 2)
        return FALSE;
    }
  return TRUE;
}

static void
start_peer (ConclaveCluster *cluster, const char *name, const char *peer, gboolean server)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "..", "lan", "lan_peer.py", NULL);
  const char *argv[] = { PYTHON, script, "--peer", peer, "--timeout", "60", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, server, &error));
  g_assert_no_error (error);
}

static void
test_switch (UiFixture *f, gconstpointer data)
{
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);

  g_assert_cmpstr (network_state (f->window), ==, "loopback");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "lan");
  if (conclave_cluster_get_network (cluster) != CONCLAVE_NETWORK_LAN)
    {
      g_assert_cmpstr (network_state (f->window), ==, "loopback");
      g_test_skip ("the kernel allows no user namespace here");
      return;
    }
  g_assert_cmpstr (network_state (f->window), ==, "lan");

  start_peer (cluster, "s1", "s2", TRUE);
  start_peer (cluster, "s2", "s1", TRUE);
  start_peer (cluster, "c1", "s1", FALSE);
  if (!ui_test_wait (peers_ready, cluster, 20000))
    ui_test_describe_nodes (cluster);
  g_assert_true (peers_ready (cluster));
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "s1"), ==, "10.77.0.2");
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "s2"), ==, "10.77.0.3");
  g_assert_cmpstr (conclave_lan_get_address (conclave_cluster_get_lan (cluster), "c1"), ==, "10.77.0.4");

  /* Refused while they run: nobody moves between networks. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  g_assert_cmpstr (network_state (f->window), ==, "lan");
  ui_test_look (f->window, "timeline", "lan-window");
  g_assert_true (conclave_faults_isolate (conclave_cluster_get_faults (cluster), "s2"));
  g_assert_cmpuint (conclave_lan_get_segment (conclave_cluster_get_lan (cluster), "s2"), !=, 0);
  ui_test_look (f->window, "timeline", "lan-window-cut");
  conclave_faults_heal (conclave_cluster_get_faults (cluster));

  conclave_cluster_clear (cluster);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.network", "s", "loopback");
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LOOPBACK);
  g_assert_cmpstr (network_state (f->window), ==, "loopback");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/lan-window/switch", UiFixture, NULL, ui_fixture_set_up, test_switch, ui_fixture_tear_down);
  return g_test_run ();
}
