/* cluster-test-wait.h — the cluster tests' one way to await a condition:
 * run the main loop until it holds, or fail after a time, saying what was
 * awaited. */
#pragma once

#include "conclave-cluster.h"

typedef gboolean (*Condition) (ConclaveCluster *cluster, gpointer data);

static inline void
wait_for (ConclaveCluster *cluster, Condition cond, gpointer data, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The same for a condition of the cluster alone. */
typedef gboolean (*ClusterCondition) (ConclaveCluster *cluster);

static inline gboolean
cluster_condition_holds (ConclaveCluster *cluster, gpointer data)
{
  ClusterCondition cond = (ClusterCondition) data;

  return cond (cluster);
}

static inline void
wait_until (ConclaveCluster *cluster, ClusterCondition cond, double seconds, const char *what)
{
  wait_for (cluster, cluster_condition_holds, (gpointer) cond, seconds, what);
}
