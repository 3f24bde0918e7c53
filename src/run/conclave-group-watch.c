/* conclave-group-watch.c — questions about a live server group. */
#include "config.h"

#include "conclave-group-watch.h"

static gboolean
running_server (ConclaveNode *node)
{
  return conclave_node_is_server (node) && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING;
}

GPtrArray *
conclave_group_running_servers (ConclaveCluster *cluster)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (running_server (node))
        g_ptr_array_add (names, g_strdup (conclave_node_get_name (node)));
    }
  return names;
}

guint
conclave_group_n_leaders (ConclaveCluster *cluster)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      n += running_server (node) && conclave_node_is_leader (node);
    }
  return n;
}

static gboolean
follows (ConclaveNode *node, ConclaveNode *leader)
{
  const char * const *view = conclave_node_get_view (leader);

  return conclave_node_get_term (node) == conclave_node_get_term (leader)
         && g_strcmp0 (conclave_node_get_leader (node), conclave_node_get_name (leader)) == 0
         && view != NULL && g_strv_contains (view, conclave_node_get_name (node));
}

ConclaveNode *
conclave_group_settled (ConclaveCluster *cluster)
{
  g_autoptr(GPtrArray) servers = conclave_group_running_servers (cluster);
  ConclaveNode *leader = NULL;

  if (conclave_group_n_leaders (cluster) != 1)
    return NULL;
  for (guint i = 0; i < servers->len; i++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, servers->pdata[i]);
      if (conclave_node_is_leader (node))
        leader = node;
    }
  for (guint i = 0; i < servers->len; i++)
    if (!follows (conclave_cluster_lookup (cluster, servers->pdata[i]), leader))
      return NULL;
  return leader;
}

gboolean
conclave_group_settled_with (ConclaveCluster *cluster, guint n)
{
  ConclaveNode *leader = conclave_group_settled (cluster);

  return leader != NULL && g_strv_length ((char **) conclave_node_get_view (leader)) == n;
}
