/* conclave-trace-file.h — traces: every event as one JSON line.
 *
 * The control protocol's own schema with the process's node and pid added,
 * plus the controller's events (PROTOCOL.md). Written while running, read
 * back into a store for replay. A damaged line is counted and reported with
 * its line number; the rest of the file still loads. A saved trace starts
 * with a header line (scenario, tempo, election, Conclave's version, and
 * on a LAN the network and where each node ran) and
 * is gzip-compressed when its name ends in `.gz`; readers take both, and
 * traces without a header.
 */
#pragma once

#include <stdio.h>
#include <gio/gio.h>
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

/* Where a node ran on Conclave's LAN. */
typedef struct {
  char *node;
  char *host;         /* its host's name (the node's own unless shared) */
  char *address;      /* "10.77.0.2" */
} ConclaveTraceHost;

ConclaveTraceHost *conclave_trace_host_new  (const char *node, const char *host, const char *address);
void               conclave_trace_host_free (gpointer host);

/* What a saved trace says about itself (its first line). Any field may be
 * NULL / 0 (a trace written while running has no header; a member that is
 * not UTF-8 text, or a tempo that is not a number above 0 and at most
 * CONCLAVE_MAX_TEMPO, is left out). */
typedef struct {
  guint      format;     /* 1; 0: the trace had no header */
  char      *scenario;   /* scenario id, "chapter-2" */
  double     tempo;
  char      *election;   /* the group's: "raft", "bully", "ring" */
  char      *version;    /* Conclave's, PACKAGE_VERSION when writing */
  char      *network;    /* "lan"; NULL: loopback */
  GPtrArray *hosts;      /* of ConclaveTraceHost, on a LAN; NULL: none */
} ConclaveTraceHeader;

void     conclave_trace_header_clear   (ConclaveTraceHeader *header);
/* A deep copy of src into dst (which holds nothing). */
void     conclave_trace_header_copy    (ConclaveTraceHeader *dst, const ConclaveTraceHeader *src);
/* The header as one JSON line, without its newline. */
char    *conclave_trace_header_to_line (const ConclaveTraceHeader *header);

/* Writes the header and every retained event of the store to path,
 * gzip-compressed when it ends in ".gz"; the file appears only once it is
 * complete (a failed save leaves what was there). */
gboolean conclave_trace_save   (ConclaveEventStore        *store,
                                const char                *path,
                                const ConclaveTraceHeader *header,
                                GError                   **error);

/* The same into a stream, plain (the caller closes it, compressing or
 * not): what conclave_trace_save() writes to its file. */
gboolean conclave_trace_save_to_stream (ConclaveEventStore        *store,
                                        GOutputStream             *out,
                                        const ConclaveTraceHeader *header,
                                        GError                   **error);

/* Reads a trace one event at a time (for a replay that acts between
 * events): each event has its `proc` in the store's process table, which
 * the reader fills; appending the events to the store is the caller's.
 * finish() folds quiet children as conclave_trace_load does and says how
 * many lines were not events. */
typedef struct _ConclaveTraceReader ConclaveTraceReader;

ConclaveTraceReader *conclave_trace_reader_new    (ConclaveEventStore  *store,
                                                   const char          *path,
                                                   GError             **error);
/* The same from a stream (gzip-compressed or not) that `name` stands for
 * in messages; conclave_trace_reader_new() reads its file through this. */
ConclaveTraceReader *conclave_trace_reader_new_for_stream (ConclaveEventStore  *store,
                                                           GInputStream        *stream,
                                                           const char          *name,
                                                           GError             **error);
/* FALSE at the end of the file. */
gboolean             conclave_trace_reader_next   (ConclaveTraceReader *self,
                                                   ConclaveEvent       *event);
/* Valid once the first event was read (format 0: no header). */
const ConclaveTraceHeader *conclave_trace_reader_get_header (ConclaveTraceReader *self);
void                 conclave_trace_reader_finish (ConclaveTraceReader *self,
                                                   guint               *n_bad,
                                                   char               **first_problem);
void                 conclave_trace_reader_free   (ConclaveTraceReader *self);

/* Loads a trace into an (empty) store. FALSE only when the file cannot be
 * read at all. `n_bad` gets the number of lines that were not events and
 * `first_problem` (if not NULL) a message naming the first one's line. */
gboolean conclave_trace_load   (ConclaveEventStore *store,
                                const char         *path,
                                guint              *n_bad,
                                char              **first_problem,
                                GError            **error);
/* The same, and its header into `header` (cleared first; format 0 if it
 * had none). */
gboolean conclave_trace_load_with_header (ConclaveEventStore  *store,
                                          const char          *path,
                                          ConclaveTraceHeader *header,
                                          guint               *n_bad,
                                          char               **first_problem,
                                          GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveTraceRecorder, conclave_trace_recorder_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveTraceReader, conclave_trace_reader_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConclaveTraceHeader, conclave_trace_header_clear)

G_END_DECLS
