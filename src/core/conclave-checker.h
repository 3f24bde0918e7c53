/* conclave-checker.h — the lecture's promises, checked live on the events.
 *
 * At most one leader per term (raft); no split brain among nodes that can
 * reach each other (bully, ring); log agreement (the same post at the same
 * sequence number on every server); no duplicates (a request delivered
 * once per server); no loss (an acknowledged post is never replaced);
 * progress (a group with a majority up is not left without a leader, nor
 * its clients without answers, for several election timeouts: "stalled").
 * A broken promise becomes a VIOLATION event in the store, pointing (key)
 * at the event that broke it. Plain data, fed like the matcher.
 */
#pragma once

#include "conclave-event-store.h"

G_BEGIN_DECLS

typedef struct _ConclaveChecker ConclaveChecker;

ConclaveChecker *conclave_checker_new          (ConclaveEventStore *store);
void             conclave_checker_free         (ConclaveChecker    *self);
/* Checks events [first, end); appends a VIOLATION event per problem found.
 * Returns how many. */
guint            conclave_checker_feed         (ConclaveChecker    *self,
                                                guint64             first,
                                                guint64             end);
/* Two leaders that stay leaders together longer than `grace_ns` are split
 * brain, a group without progress for long is stalled; call now and then.
 * Returns violations appended. */
guint            conclave_checker_tick         (ConclaveChecker    *self,
                                                gint64              now_ns);
/* Forgets every server, term and sequence number (a new run starts; the
 * violations already in the store stay there). */
void             conclave_checker_reset        (ConclaveChecker    *self);
void             conclave_checker_set_grace    (ConclaveChecker    *self,
                                                gint64              grace_ns);
/* The cluster's tempo: election timeouts are reported at tempo 1. */
void             conclave_checker_set_tempo    (ConclaveChecker    *self,
                                                double              tempo);
/* Violations found since the checker was made, whatever the store still
 * holds (a reset does not forget them): the verdict. */
guint            conclave_checker_get_n_violations (ConclaveChecker *self);
/* The same by kind ("two-leaders", "duplicate" …), in the order first seen. */
guint            conclave_checker_get_n_kinds  (ConclaveChecker    *self);
const char      *conclave_checker_get_kind     (ConclaveChecker    *self,
                                                guint               i,
                                                guint              *count);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveChecker, conclave_checker_free)

G_END_DECLS
