/* conclave-matcher-snapshot.h — a matcher's state at a moment, kept to be
 * restored many times (a replay's checkpoint, conclave-cluster-checkpoint.c).
 *
 * Everything but the message table is copied. The table is the
 * recording's final one, shared: a message nothing in the matcher points
 * to any more (no queue, stream, group send or in-flight entry) never
 * changes again, so at a checkpoint the table's prefix is the final
 * table's, but for the messages still open then, whose state the snapshot
 * saves (and only where it differs from their final one). A restored
 * matcher reads the final table's chunks and copies each only when it
 * writes to it (the saved messages' first, conclave-matcher-messages.c).
 */
#pragma once

#include "conclave-matcher.h"

G_BEGIN_DECLS

typedef struct _ConclaveMatcherSnapshot ConclaveMatcherSnapshot;
/* The matcher's message table (conclave-matcher-messages.c), declared here
 * once: the checkpoint code holds the final one and lets go of it. */
typedef struct _ConclaveMatcherMessages ConclaveMatcherMessages;

ConclaveMatcherSnapshot *_conclave_matcher_snapshot_new     (ConclaveMatcher         *self);
void                     _conclave_matcher_snapshot_free    (ConclaveMatcherSnapshot *snapshot);
/* Once the table is final: forgets saved messages that end as they were. */
void                     _conclave_matcher_snapshot_prune   (ConclaveMatcherSnapshot *snapshot,
                                                             ConclaveMatcherMessages *table);
/* A fresh matcher (nothing fed) becomes the snapshot's, reading `table`. */
void                     _conclave_matcher_snapshot_restore (ConclaveMatcherSnapshot *snapshot,
                                                             ConclaveMatcher         *fresh,
                                                             ConclaveMatcherMessages *table);
/* Bytes the snapshot holds (for the benchmark). */
gsize                    _conclave_matcher_snapshot_bytes   (ConclaveMatcherSnapshot *snapshot);
/* The matcher's message table, shared (a reference): the final table the
 * snapshots restore from. */
ConclaveMatcherMessages *_conclave_matcher_steal_table      (ConclaveMatcher         *self);
/* Lets go of a table (one steal_table gave, or the matcher's own). */
void                     _conclave_matcher_messages_unref   (ConclaveMatcherMessages *table);
/* When self's table reads the same messages as `table`, self reads
 * `table`'s instead (one copy of a recording's messages). */
void                     _conclave_matcher_borrow_table     (ConclaveMatcher         *self,
                                                             ConclaveMatcherMessages *table);

G_END_DECLS
