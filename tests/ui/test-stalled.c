/* test-stalled.c — a stalled group in the window: a real raft group of
 * three servers and a client, every server then cut off from everything
 * by a drop of 1; the banner says the group is stalled and why (no leader,
 * or no post acknowledged, with a majority up), while a healthy group's
 * banner stayed hidden. */
#include "config.h"

#include <string.h>

#include "ui-test-utils.h"

static gboolean
has_leader (gpointer data)
{
  UiFixture *f = data;
  ConclaveCluster *cluster = conclave_session_get_cluster (f->session);

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);
      ConclaveNode *node = conclave_cluster_lookup (cluster, name);

      if (node != NULL && conclave_node_is_leader (node) && conclave_node_get_n_delivered (node) > 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
stalled_shown (gpointer data)
{
  const char *banner = conclave_window_get_violation (data);

  return banner != NULL && strstr (banner, "servers are up") != NULL;
}

static void
test_stalled (UiFixture     *f,
              gconstpointer  data)
{
  ConclaveFaults *faults;
  const char *banner;

  ui_test_activate (f->app, "set-tempo", g_variant_new_double (0.05));
  for (guint i = 0; i < 3; i++)
    ui_test_activate (f->app, "add-server-role", g_variant_new_string ("group-server"));
  ui_test_activate (f->app, "add-client-role", g_variant_new_string ("group-client"));
  if (!ui_test_wait (has_leader, f, 20000))
    ui_test_describe_nodes (conclave_session_get_cluster (f->session));
  g_assert_null (conclave_window_get_violation (f->window));

  faults = conclave_cluster_get_faults (conclave_session_get_cluster (f->session));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);
      g_assert_true (conclave_faults_set_drop (faults, name, 1.0));
    }
  g_assert_true (ui_test_wait (stalled_shown, f->window, 15000));
  banner = conclave_window_get_violation (f->window);
  g_test_message ("banner: %s", banner);
  g_assert_true (g_str_has_prefix (banner, "Violation: no leader for ")
                 || g_str_has_prefix (banner, "Violation: no post acknowledged for "));
  g_assert_nonnull (strstr (banner, " while 3 of 3 servers are up"));
  ui_test_screenshot (GTK_WIDGET (f->window), "group-stalled");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/stalled/banner", UiFixture, NULL, ui_fixture_set_up, test_stalled, ui_fixture_tear_down);
  return g_test_run ();
}
