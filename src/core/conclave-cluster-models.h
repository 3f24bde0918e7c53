/* conclave-cluster-models.h — the cluster's derived models: who led when,
 * and the causal order of its events.
 *
 * A thin hook so the views can ask the live cluster (the same models work
 * on any store: see conclave-leaders.h and conclave-causal.h). Nothing here
 * keeps a second copy of a fact the store or the matcher owns.
 */
#pragma once

#include "conclave-causal.h"
#include "conclave-cluster.h"
#include "conclave-leaders.h"

G_BEGIN_DECLS

/* The cluster's leader intervals, created on first use from every retained
 * event and fed with each appended batch from then on. Owned by the
 * cluster; valid while it lives. */
ConclaveLeaders *conclave_cluster_get_leaders  (ConclaveCluster *self);
/* conclave_causal_order() over the cluster's store and matcher. */
GArray          *conclave_cluster_causal_order (ConclaveCluster *self,
                                                guint64          first,
                                                guint64          end);

G_END_DECLS
