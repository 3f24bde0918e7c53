/* conclave-event-list.h — the event store as a GListModel, for the event log.
 *
 * Rows are made on demand (ConclaveEventItem) for the positions the list
 * shows; nothing is made per stored event up front. The rows are in causal
 * order, filtered or not: a message's send above its receive, each
 * process's events in its own order, else by time (conclave-causal.h).
 * Filtered (by node, category, search text), the matching indices are
 * collected by an idle scan in small time slices, so a new filter over
 * millions of events never freezes the window.
 */
#pragma once

#include "conclave-cluster.h"
#include "conclave-event-format.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_EVENT_LIST (conclave_event_list_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveEventList, conclave_event_list, CONCLAVE, EVENT_LIST, GObject)

ConclaveEventList *conclave_event_list_new          (void);
/* Lists cluster's events; the list keeps its store, not the cluster, so
 * the caller sets another (or NULL) before the cluster goes. */
void               conclave_event_list_set_cluster  (ConclaveEventList    *self,
                                                     ConclaveCluster      *cluster);
/* node: a top-level node's name or NULL for all; search: NULL or "" for none. */
void               conclave_event_list_set_filter   (ConclaveEventList    *self,
                                                     const char           *node,
                                                     ConclaveEventCategory category,
                                                     const char           *search);
/* TRUE while a filter is still being applied to older events (property "scanning"). */
gboolean           conclave_event_list_get_scanning (ConclaveEventList    *self);
/* Catches up with the store (the events view calls it once per frame). */
void               conclave_event_list_sync         (ConclaveEventList    *self);
/* The position of the event at store index `index`, G_MAXUINT if not listed. */
guint              conclave_event_list_find         (ConclaveEventList    *self,
                                                     guint64               index);
/* Test helper: whether event matches the current filter. */
gboolean           conclave_event_list_matches      (ConclaveEventList    *self,
                                                     const ConclaveEvent  *event);

G_END_DECLS
