/* conclave-replay.h — the core run over a recording, for
 * `conclave-run --replay FILE`.
 *
 * A trace is read into a store and replayed by the core's replay cluster
 * (conclave_cluster_new_replay, the replay the window shows): its matcher
 * and leader intervals are fed as the live cluster fed them; where the
 * live matcher declared messages lost (the recorded `lost` events), the
 * replay's matcher expires at that moment and writes its own `lost`
 * events instead, so every count is the core's answer, not a copy of the
 * file's. Starts no process; never writes the file.
 */
#pragma once

#include "conclave-run-summary.h"
#include "conclave-trace-file.h"

G_BEGIN_DECLS

typedef struct _ConclaveReplay ConclaveReplay;

/* NULL with error when the file cannot be read at all; damaged lines are
 * skipped and counted (get_problems). */
ConclaveReplay        *conclave_replay_new          (const char     *path,
                                                     GError        **error);
void                   conclave_replay_free         (ConclaveReplay *self);
const ConclaveRunView *conclave_replay_get_view     (ConclaveReplay *self);
const ConclaveTraceHeader *conclave_replay_get_header (ConclaveReplay *self);
/* Lines that were not events, and the first one's "FILE:LINE: why". */
guint                  conclave_replay_get_problems (ConclaveReplay *self,
                                                     const char    **first);
/* Losses the recording declared, and how many the replay's matcher did. */
guint                  conclave_replay_get_recorded_losses (ConclaveReplay *self);
guint                  conclave_replay_get_losses   (ConclaveReplay *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveReplay, conclave_replay_free)

G_END_DECLS
