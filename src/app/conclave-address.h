/* conclave-address.h — which node owns a socket address.
 *
 * A message still in flight has no receiver yet, only a destination
 * address; the cluster view and the timeline both ask which node bound or
 * connected it. Reads the nodes' socket lists, never the store.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

/* The top-level node with a socket on `address` ("127.0.0.1:10001"), or NULL. */
ConclaveNode *conclave_address_find_node (ConclaveCluster *cluster,
                                          const char      *address);

G_END_DECLS
