/* conclave-run-hold.h — step mode without a window: `conclave-run --hold`
 * holds every node from its first line on, and `--release-every TIME`
 * delivers the oldest held message at that pace (for tests and scripted
 * demonstrations). Only asks the cluster's hold queue; draws nothing.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

/* Holds every node; with every_ms > 0, delivers the oldest held message
 * every every_ms until the cluster is gone. */
void conclave_run_hold_start (ConclaveCluster *cluster, guint every_ms);
/* One line: how many were held, dropped by hand, still held. */
void conclave_run_hold_print (ConclaveCluster *cluster);

G_END_DECLS
