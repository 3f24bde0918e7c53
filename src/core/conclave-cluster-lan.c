/* conclave-cluster-lan.c — the cluster's network: loopback or a LAN.
 *
 * In LAN mode the cluster owns one ConclaveLan and every node it spawns
 * runs inside its own host there (conclave_lan_wrap_argv); the nodes learn
 * it from CONCLAVE_NETWORK=lan. The network only changes while no node
 * runs: a running node cannot move between hosts.
 */
#include "conclave-cluster-private.h"
#include "conclave-protocol.h"

static gboolean
any_running (ConclaveCluster *self)
{
  for (guint i = 0; i < self->nodes->len; i++)
    if (conclave_supervisor_is_running (self->supervisor, conclave_node_get_name (self->nodes->pdata[i])))
      return TRUE;
  return FALSE;
}

gboolean
conclave_cluster_set_network (ConclaveCluster *self, ConclaveNetwork network, GError **error)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);

  if (network == conclave_cluster_get_network (self))
    return TRUE;
  if (any_running (self))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   "The network can only change while no node runs");
      return FALSE;
    }
  g_clear_object (&self->lan);
  if (network == CONCLAVE_NETWORK_LAN)
    {
      dir = g_path_get_dirname (conclave_control_server_get_path (self->server));
      self->lan = conclave_lan_new (dir, error);
      if (self->lan == NULL)
        return FALSE;
    }
  conclave_supervisor_setenv (self->supervisor, CONCLAVE_ENV_NETWORK,
                              self->lan != NULL ? conclave_network_to_string (network) : NULL);
  return TRUE;
}

ConclaveNetwork
conclave_cluster_get_network (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), CONCLAVE_NETWORK_LOOPBACK);
  return self->lan != NULL ? CONCLAVE_NETWORK_LAN : CONCLAVE_NETWORK_LOOPBACK;
}

ConclaveLan *
conclave_cluster_get_lan (ConclaveCluster *self)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return self->lan;
}

GStrv
_conclave_cluster_host_argv (ConclaveCluster *self, ConclaveNode *node, GError **error)
{
  const char * const *argv = conclave_node_get_argv (node);

  if (self->lan == NULL)
    return g_strdupv ((char **) argv);
  return conclave_lan_wrap_argv (self->lan, conclave_node_get_name (node), argv, error);
}
