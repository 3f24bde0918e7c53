/* conclave-causal.h — the order in which events are listed: causal first, then time.
 *
 * Two processes' clocks may disagree by microseconds (and a recorded trace
 * may come from machines whose clocks disagree by more), so sorting by
 * time can list a receive above its own send. This order never does: it
 * is a topological order of happened-before (Lamport), restricted to the
 * events asked for:
 *   - each process's events keep the order the process reported them in;
 *   - every message's send (as the matcher paired it) comes before its
 *     receive, or before the drop at the receiver;
 * and among the events that may come next it takes the earliest time_ns,
 * ties by arrival (store index): stable, and equal to time order whenever
 * time order is already causal. Plain functions, no GObject, no GTK: the
 * event log lists in this order and the timeline's logical layout steps
 * through it ("causal order: a send before its receive, else by time").
 *
 *   g_autoptr(GArray) order = conclave_causal_order (store, matcher, first, end);
 *   for (guint i = 0; i < order->len; i++)
 *     show (conclave_event_store_get (store, g_array_index (order, guint64, i)));
 */
#pragma once

#include "conclave-event-store.h"
#include "conclave-matcher.h"

G_BEGIN_DECLS

/* The store indices of the events [first, end) still retained, in causal
 * order (see above). A message whose send or receive lies outside the
 * range constrains nothing. */
GArray *conclave_causal_order (ConclaveEventStore *store,
                               ConclaveMatcher    *matcher,
                               guint64             first,
                               guint64             end);

G_END_DECLS
