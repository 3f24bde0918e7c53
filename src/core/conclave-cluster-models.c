/* conclave-cluster-models.c — the cluster's derived models: who led when,
 * and the causal order of its events.
 *
 * Hooked onto the store's "appended" signal rather than into the cluster's
 * own digest, so the cluster's files need not know these models exist.
 * Must never feed a model an event twice or outlive the cluster.
 */
#include "conclave-cluster-models.h"

#define LEADERS_KEY "conclave-leaders-hook"

typedef struct {
  ConclaveEventStore *store;
  ConclaveLeaders    *leaders;
  gulong              handler;
  guint64             fed_end;  /* everything before it has been fed */
} LeadersHook;

static void
hook_free (gpointer data)
{
  LeadersHook *hook = data;

  g_signal_handler_disconnect (hook->store, hook->handler);
  conclave_leaders_free (hook->leaders);
  g_object_unref (hook->store);
  g_free (hook);
}

/* A handler run before ours may append (the checker's violations) and so
 * nest a later batch inside this one: feed up to the newest, once, in order. */
static void
on_appended (ConclaveEventStore *store, guint64 first, guint n, gpointer data)
{
  LeadersHook *hook = data;
  guint64 end = conclave_event_store_get_end (store);

  if (end <= hook->fed_end)
    return;
  conclave_leaders_feed (hook->leaders, hook->fed_end, end);
  hook->fed_end = end;
}

ConclaveLeaders *
conclave_cluster_get_leaders (ConclaveCluster *self)
{
  LeadersHook *hook;

  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  hook = g_object_get_data (G_OBJECT (self), LEADERS_KEY);
  if (hook != NULL)
    return hook->leaders;
  hook = g_new0 (LeadersHook, 1);
  hook->store = g_object_ref (conclave_cluster_get_store (self));
  hook->leaders = conclave_leaders_new (hook->store);
  hook->fed_end = conclave_event_store_get_end (hook->store);
  conclave_leaders_feed (hook->leaders, conclave_event_store_get_first (hook->store), hook->fed_end);
  hook->handler = g_signal_connect (hook->store, "appended", G_CALLBACK (on_appended), hook);
  g_object_set_data_full (G_OBJECT (self), LEADERS_KEY, hook, hook_free);
  return hook->leaders;
}

GArray *
conclave_cluster_causal_order (ConclaveCluster *self, guint64 first, guint64 end)
{
  g_return_val_if_fail (CONCLAVE_IS_CLUSTER (self), NULL);
  return conclave_causal_order (conclave_cluster_get_store (self),
                                conclave_cluster_get_matcher (self), first, end);
}
