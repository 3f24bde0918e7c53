/* conclave-window-network.c — win.network: loopback or the LAN.
 *
 * The main menu's choice between all nodes on this machine's loopback and
 * every node its own host on Conclave's LAN (core/conclave-lan.h). The
 * cluster owns the setting; this only asks it and says why it refused
 * (nodes still running, or a kernel that allows no user namespace). A
 * recording (or the past) shows the network it ran on and cannot change
 * it. Where the LAN cannot drop or delay, it says so once per window,
 * whichever way the LAN came (this menu, a scenario's "network": "lan",
 * a chapter that kept it): the reason is the machine's. It never keeps a
 * copy of the setting.
 */
#include "conclave-window-private.h"

#include <glib/gi18n.h>

static void
on_network_change_state (GSimpleAction *action,
                         GVariant      *value,
                         gpointer       user_data)
{
  ConclaveWindow *self = user_data;
  ConclaveCluster *cluster = window_cluster (self);
  g_autoptr(GError) error = NULL;
  ConclaveNetwork network;

  /* A recording's network (or the past's) was: it cannot change. */
  if (cluster == NULL || conclave_cluster_is_replay (cluster) ||
      !conclave_network_from_string (g_variant_get_string (value, NULL), &network))
    return;
  if (!conclave_cluster_set_network (cluster, network, &error))
    conclave_window_toast (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY)
                                 ? _("Stop every node first: a running node cannot move to another network")
                                 : error->message);
  _conclave_window_update_network (self);
}

GAction *
_conclave_window_network_action_new (ConclaveWindow *self)
{
  GSimpleAction *action = g_simple_action_new_stateful ("network", G_VARIANT_TYPE_STRING,
                                                        g_variant_new_string ("loopback"));

  g_signal_connect_object (action, "change-state", G_CALLBACK (on_network_change_state), self, 0);
  return G_ACTION (action);
}

void
_conclave_window_update_network (ConclaveWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "network");
  ConclaveCluster *cluster = window_cluster (self);
  ConclaveNetwork network = cluster != NULL ? conclave_cluster_get_network (cluster) : CONCLAVE_NETWORK_LOOPBACK;

  if (cluster != NULL && !conclave_cluster_is_replay (cluster) && network == CONCLAVE_NETWORK_LAN &&
      conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)) != NULL && !self->told_lan_faults)
    {
      self->told_lan_faults = TRUE;
      conclave_window_toast (self, _("Drops and delays stay with each program on this LAN: the network cannot apply them here"));
    }
  if (action != NULL)
    {
      g_simple_action_set_state (G_SIMPLE_ACTION (action),
                                 g_variant_new_string (conclave_network_to_string (network)));
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), cluster != NULL && !conclave_cluster_is_replay (cluster));
    }
}
