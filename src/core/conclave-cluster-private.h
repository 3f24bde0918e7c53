/* conclave-cluster-private.h — internals shared by the cluster's own files. */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

void _conclave_cluster_queue_changed (ConclaveCluster *self);
/* Appends one controller event (spawn, crash, …) about `node` to the store. */
void _conclave_cluster_record        (ConclaveCluster   *self,
                                      ConclaveEventType  type,
                                      ConclaveNode      *node,
                                      gint32             num,
                                      guint32            lc,
                                      const char        *text);

G_END_DECLS
