/* conclave-hold.h — step mode: which nodes hold arriving messages, and the
 * queue of messages held now, oldest first (a GListModel of ConclaveHeld).
 *
 * The one owner of both. Holding a node sends it the `hold` command (and
 * sends it again to every process of the node that connects later);
 * releasing a message sends `release` to the process that holds it, which
 * reports it as `recv` (twice for a duplicate) or as a `drop` at the
 * receiver. The queue follows the events: a `held` event adds an item, the
 * receive or drop it was released as removes it, a process whose channel
 * closes takes its items with it. Owned by the cluster
 * (conclave_cluster_get_hold()); never draws.
 */
#pragma once

#include <gio/gio.h>
#include "conclave-held.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_HOLD (conclave_hold_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveHold, conclave_hold, CONCLAVE, HOLD, GObject)

typedef enum {
  CONCLAVE_RELEASE_DELIVER = 1,
  CONCLAVE_RELEASE_DROP,
  CONCLAVE_RELEASE_DUPLICATE,  /* delivered twice */
  CONCLAVE_RELEASE_LATER,      /* to the back of the queue */
} ConclaveRelease;

/* Properties: all (boolean, read-write): every node holds. */

gboolean      conclave_hold_get_all     (ConclaveHold *self);
/* FALSE also lifts the holds of single nodes: nothing stays held. */
void          conclave_hold_set_all     (ConclaveHold *self, gboolean all);
/* One top-level node holds (or not) whatever `all` says; FALSE if there
 * is no such node. */
gboolean      conclave_hold_set_node    (ConclaveHold *self, const char *name, gboolean held);
gboolean      conclave_hold_is_held     (ConclaveHold *self, const char *name);

/* The held message whose `held` event is at `index` of the store, or NULL. */
ConclaveHeld *conclave_hold_lookup      (ConclaveHold *self, guint64 index);
/* Releases it; FALSE (and nothing changes) if it is not held, its process
 * is gone, or `action` would reorder a TCP stream (LATER, or anything but
 * the oldest chunk of its stream). */
gboolean      conclave_hold_release     (ConclaveHold *self, guint64 index, ConclaveRelease action);
/* The same for the oldest held message; FALSE if none is held. */
gboolean      conclave_hold_release_next (ConclaveHold *self, ConclaveRelease action);
guint         conclave_hold_get_n_held  (ConclaveHold *self);
/* The oldest held message with this key (a message id or payload hash),
 * or NULL: how a view finds where an in-flight message waits. */
ConclaveHeld *conclave_hold_find_key    (ConclaveHold *self, guint64 key);

G_END_DECLS
