/* conclave-causal-cone.h — an event's causal past or future (happened-before).
 *
 * Lamport's relation over the store, the same one conclave-causal.c sorts
 * by: each process's events in the order it reported them, and every
 * message's send (as the matcher paired it) before its receive or its drop
 * at the receiver. The past of e is e and every event from which a chain
 * of those edges leads to e; the future is e and every event a chain leads
 * to from e. An event on another process that no chain connects to e is
 * concurrent with it and in neither.
 *
 * Both are closed along a process's own order (the past holds a prefix of
 * each process's events, the future a suffix), so a cone is kept as one
 * boundary per process and a membership test costs an array read. It is a
 * snapshot of the store and the matcher when it was made: events that
 * arrive later on a process whose suffix is in a future are in it too (they
 * come after), but a message received later is not followed; make a new
 * cone to see it. Plain data, no GObject, no GTK; reads the store and the
 * matcher, writes neither.
 *
 *   g_autoptr(ConclaveCausalCone) past = conclave_causal_cone_new (store, matcher, index,
 *                                                                  CONCLAVE_CAUSAL_PAST);
 *   if (conclave_causal_cone_contains (past, other)) …  // other happened before index
 */
#pragma once

#include "conclave-event-store.h"
#include "conclave-matcher.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_CAUSAL_PAST,     /* what happened before (its causes) */
  CONCLAVE_CAUSAL_FUTURE,   /* what happened after (its effects) */
} ConclaveCausalDirection;

typedef struct _ConclaveCausalCone ConclaveCausalCone;

/* NULL when origin is not retained in the store. Costs one pass over the
 * retained events and messages. */
ConclaveCausalCone     *conclave_causal_cone_new          (ConclaveEventStore      *store,
                                                           ConclaveMatcher         *matcher,
                                                           guint64                  origin,
                                                           ConclaveCausalDirection  direction);
void                    conclave_causal_cone_free         (ConclaveCausalCone      *self);
guint64                 conclave_causal_cone_get_origin   (const ConclaveCausalCone *self);
ConclaveCausalDirection conclave_causal_cone_get_direction (const ConclaveCausalCone *self);
/* Events in the cone when it was made, the origin included. */
guint64                 conclave_causal_cone_get_size     (const ConclaveCausalCone *self);

/* Whether the event at store index `index` (of process `proc`) is in the
 * cone; the first form reads the store for the process. */
gboolean                conclave_causal_cone_contains     (const ConclaveCausalCone *self,
                                                           guint64                   index);
gboolean                conclave_causal_cone_contains_in  (const ConclaveCausalCone *self,
                                                           guint32                   proc,
                                                           guint64                   index);
/* A message is in a past when its receive (or drop at the receiver) is:
 * it arrived before, so it could cause something there; one sent before
 * but received concurrently, or never, caused nothing there. It is in a
 * future when its send is. */
gboolean                conclave_causal_cone_contains_message (const ConclaveCausalCone *self,
                                                               const ConclaveMessage    *message);
/* The store indices in the cone, ascending (for tests and exports). */
GArray                 *conclave_causal_cone_to_array     (const ConclaveCausalCone *self);

/* The message an event belongs to: the one it receives (a receive, a drop
 * at the receiver), else the first one it sends (a broadcast has one per
 * receiver); G_MAXUINT64 when it belongs to none. */
guint64                 conclave_causal_message_of_event  (ConclaveMatcher         *matcher,
                                                           guint64                  index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveCausalCone, conclave_causal_cone_free)

G_END_DECLS
