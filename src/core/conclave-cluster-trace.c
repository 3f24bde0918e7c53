/* conclave-cluster-trace.c — the trace file a cluster writes as it runs
 * (conclave-run --trace): a recorder on the cluster's store.
 *
 * Part of ConclaveCluster. Only one recorder at a time; never writes
 * anything but the file it was given.
 */
#include "config.h"

#include "conclave-cluster-private.h"

gboolean
conclave_cluster_start_trace (ConclaveCluster *self, const char *path, GError **error)
{
  ConclaveTraceRecorder *recorder;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if ((recorder = conclave_trace_recorder_new (self->store, path, error)) == NULL)
    return FALSE;
  conclave_cluster_stop_trace (self);
  self->recorder = recorder;
  return TRUE;
}

void
conclave_cluster_stop_trace (ConclaveCluster *self)
{
  g_return_if_fail (CONCLAVE_IS_CLUSTER (self));
  g_clear_pointer (&self->recorder, conclave_trace_recorder_free);
}
