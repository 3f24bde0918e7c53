/* conclave-address.c — address → node (see the header). A node's sockets
 * read "udp 127.0.0.1:10001 (bind)": protocol, address, operation. */
#include "conclave-address.h"

#include <string.h>

static gboolean
socket_has_address (const char *socket,
                    const char *address)
{
  const char *start = strchr (socket, ' ');
  gsize len = strlen (address);

  start = start ? start + 1 : socket;
  return strncmp (start, address, len) == 0 && (start[len] == '\0' || start[len] == ' ');
}

ConclaveNode *
conclave_address_find_node (ConclaveCluster *cluster,
                            const char      *address)
{
  GListModel *nodes = G_LIST_MODEL (cluster);
  guint n = g_list_model_get_n_items (nodes);

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (cluster), NULL);

  if (address == NULL || *address == '\0')
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (nodes, i);
      const char * const *sockets = conclave_node_get_addresses (node);

      for (guint j = 0; sockets != NULL && sockets[j] != NULL; j++)
        if (socket_has_address (sockets[j], address))
          return node;   /* the cluster keeps it alive */
    }
  return NULL;
}
