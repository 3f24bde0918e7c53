/* store-test-util.h — what the replay tests ask of an event store by brute
 * force, to check the core's own answer against. */
#pragma once

#include "conclave-event-store.h"

/* The first index after time_ns: a moment shows the events before it. */
static inline guint64
store_index_after (ConclaveEventStore *store, gint64 time_ns)
{
  guint64 i = conclave_event_store_get_first (store);

  while (i < conclave_event_store_get_end (store) && conclave_event_store_get (store, i)->time_ns <= time_ns)
    i++;
  return i;
}
