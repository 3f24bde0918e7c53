/* conclave-event-item.h — one row of the event log, made only when the list
 * shows it.
 *
 * A copy of one event record and its absolute index, with the store it came
 * from for its strings. Created lazily by ConclaveEventList for the rows on
 * screen; never created for every stored event.
 */
#pragma once

#include "conclave-cluster.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_EVENT_ITEM (conclave_event_item_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveEventItem, conclave_event_item, CONCLAVE, EVENT_ITEM, GObject)

/* event may be NULL (dropped by retention since the row was counted). */
ConclaveEventItem   *conclave_event_item_new       (ConclaveEventStore  *store,
                                                    guint64              index,
                                                    const ConclaveEvent *event);
guint64              conclave_event_item_get_index (ConclaveEventItem *self);
const ConclaveEvent *conclave_event_item_get_event (ConclaveEventItem *self);
ConclaveEventStore  *conclave_event_item_get_store (ConclaveEventItem *self);
/* How many rows exist right now (tests check that rows are made lazily). */
guint                conclave_event_item_get_n_alive (void);

G_END_DECLS
