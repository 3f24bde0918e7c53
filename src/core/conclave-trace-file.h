/* conclave-trace-file.h — traces: every event as one JSON line.
 *
 * The control protocol's own schema with the process's node and pid added,
 * plus the controller's events (PROTOCOL.md). Written while running, read
 * back into a store for replay. A damaged line is counted and reported with
 * its line number; the rest of the file still loads.
 */
#pragma once

#include <stdio.h>
#include "conclave-event-store.h"

G_BEGIN_DECLS

/* Appends events [first, end) of the store to `out`, one line each. */
void     conclave_trace_write  (FILE               *out,
                                ConclaveEventStore *store,
                                guint64             first,
                                guint64             end,
                                GString            *scratch);

/* Records a store: every event appended from now on, written to a file as
 * it arrives, until freed. */
typedef struct _ConclaveTraceRecorder ConclaveTraceRecorder;

ConclaveTraceRecorder *conclave_trace_recorder_new  (ConclaveEventStore *store,
                                                     const char         *path,
                                                     GError            **error);
void                   conclave_trace_recorder_free (ConclaveTraceRecorder *self);

/* Loads a trace into an (empty) store. FALSE only when the file cannot be
 * read at all. `n_bad` gets the number of lines that were not events and
 * `first_problem` (if not NULL) a message naming the first one's line. */
gboolean conclave_trace_load   (ConclaveEventStore *store,
                                const char         *path,
                                guint              *n_bad,
                                char              **first_problem,
                                GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveTraceRecorder, conclave_trace_recorder_free)

G_END_DECLS
