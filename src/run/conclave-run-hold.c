/* conclave-run-hold.c — see the header. */
#include "conclave-run-hold.h"

static gboolean
release_oldest (gpointer data)
{
  ConclaveCluster *cluster = data;

  conclave_hold_release_next (conclave_cluster_get_hold (cluster), CONCLAVE_RELEASE_DELIVER);
  return G_SOURCE_CONTINUE;
}

void
conclave_run_hold_start (ConclaveCluster *cluster, guint every_ms)
{
  conclave_hold_set_all (conclave_cluster_get_hold (cluster), TRUE);
  if (every_ms > 0)
    g_timeout_add_full (G_PRIORITY_DEFAULT, every_ms, release_oldest,
                        g_object_ref (cluster), g_object_unref);
}

void
conclave_run_hold_print (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint held = 0, dropped = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      held += e->type == CONCLAVE_EVENT_HELD;
      dropped += e->type == CONCLAVE_EVENT_DROP && (e->flags & CONCLAVE_EVENT_FLAG_BY_HAND);
    }
  g_print ("Step mode: %u messages held, %u dropped by hand, %u still held at the end\n",
           held, dropped, conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)));
}
