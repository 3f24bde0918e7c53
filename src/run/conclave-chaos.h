/* conclave-chaos.h — random trouble for a running cluster (conclave-run --chaos).
 *
 * From a seed: crashes and restarts, pauses, partitions and lossy links,
 * one disruption after another at tempo-scaled intervals. At most a
 * minority of the servers is down at a time, so a raft group can always
 * make progress again; clients crash and come back too. Acts only through
 * the cluster's own operations, so every step is in the event log.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

typedef struct _ConclaveChaos ConclaveChaos;

ConclaveChaos *conclave_chaos_new          (ConclaveCluster *cluster, guint32 seed);
/* Undoes what is still in force (resumes, restarts, heals), stops. */
void           conclave_chaos_free         (ConclaveChaos *chaos);
guint          conclave_chaos_get_n_steps  (ConclaveChaos *chaos);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveChaos, conclave_chaos_free)

G_END_DECLS
