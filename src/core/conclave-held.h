/* conclave-held.h — one message a receiver holds (step mode): an item of
 * the hold queue (ConclaveHold), as the queue panel lists it.
 *
 * Immutable: what the `held` event said, the receiving node and the
 * message's id as the release command names it. Never sends anything.
 */
#pragma once

#include <glib-object.h>
#include "conclave-event-store.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_HELD (conclave_held_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveHeld, conclave_held, CONCLAVE, HELD, GObject)

/* `e` is the HELD event at `index` of `store`; `node` the receiver's name. */
ConclaveHeld *conclave_held_new            (ConclaveEventStore  *store,
                                            const ConclaveEvent *e,
                                            guint64              index,
                                            const char          *node);
/* The held event's index in the store: the id the release calls take. */
guint64       conclave_held_get_index      (ConclaveHeld *self);
guint32       conclave_held_get_proc       (ConclaveHeld *self);
/* The sender's address, interned (for conclave_cluster_lookup_address). */
guint32       conclave_held_get_src_address (ConclaveHeld *self);
guint64       conclave_held_get_key        (ConclaveHeld *self);
gboolean      conclave_held_get_key_is_hash (ConclaveHeld *self);
gint64        conclave_held_get_time_ns    (ConclaveHeld *self);
/* The receiving node. */
const char   *conclave_held_get_node       (ConclaveHeld *self);
const char   *conclave_held_get_kind       (ConclaveHeld *self);
const char   *conclave_held_get_src        (ConclaveHeld *self);
const char   *conclave_held_get_dst        (ConclaveHeld *self);
const char   *conclave_held_get_preview    (ConclaveHeld *self);
/* A trace shim's TCP chunk (no id, no hash): its stream offset; else -1. */
gint64        conclave_held_get_offset     (ConclaveHeld *self);
/* "PID:N" (conclave-node's id), the payload hash in 16 hex digits, or a
 * chunk's "+OFFSET". */
const char   *conclave_held_get_message_id (ConclaveHeld *self);
/* A message on a TCP stream: released only in order, never reordered;
 * a shim's chunk (offset >= 0) is only ever delivered. */
gboolean      conclave_held_is_stream      (ConclaveHeld *self);

G_END_DECLS
