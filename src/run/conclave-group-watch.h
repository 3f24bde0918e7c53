/* conclave-group-watch.h — questions about a live server group.
 *
 * Which servers run, how many say they lead, and whether the group has
 * settled (one leader that every running server follows in its term, with
 * all of them in its view). Read from the node models; for the failover
 * benchmark and the tests. Never changes the cluster.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

/* Names of the running servers. */
GPtrArray    *conclave_group_running_servers (ConclaveCluster *cluster);
/* Running servers that say they lead. */
guint         conclave_group_n_leaders       (ConclaveCluster *cluster);
/* The leader if the group has settled, else NULL. */
ConclaveNode *conclave_group_settled         (ConclaveCluster *cluster);
/* Settled, with exactly n servers in the leader's view. */
gboolean      conclave_group_settled_with    (ConclaveCluster *cluster, guint n);

G_END_DECLS
