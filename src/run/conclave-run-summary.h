/* conclave-run-summary.h — what a headless run did, for people and for graders.
 *
 * Counts per process (sent, received, how it ended) and per message kind
 * (sent, delivered, lost, unheard, not read, dropped, in flight), read
 * from the store and the matcher after the run; and the same, with the
 * leaders in time order and the violations, as one JSON document
 * (`conclave-run --summary-json`). Reads the cluster; never changes it.
 */
#pragma once

#include "conclave-cluster.h"
#include "conclave-leaders.h"

G_BEGIN_DECLS

/* What a summary is read from: a cluster's store and models, the live
 * one's or a replay's (see conclave-replay.h), which has its node models
 * too: both summaries are read alike. */
typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  ConclaveLeaders    *leaders;
  ConclaveCluster    *cluster;
} ConclaveRunView;

/* The view of a cluster, live or replay. */
ConclaveRunView      conclave_run_view_of_cluster    (ConclaveCluster *cluster);

typedef struct {
  guint64 n[CONCLAVE_MESSAGE_N_STATES];
} ConclaveKindCounts;

typedef struct {
  guint64  sent;
  guint64  received;
  guint64  sockets;   /* socket operations, sends and receives */
  gint     code;
  gint     signum;
  gboolean ended;
} ConclaveProcSummary;

/* One per process of the store (index = proc), freed with g_free. */
ConclaveProcSummary *conclave_run_summarize_processes (ConclaveEventStore *store);
/* One program, one row: FALSE for a process that never touched a socket
 * and has no row (folded into its parent: a wrapper's helper), and for a
 * wrapper that never touched a socket while a child of its did. */
gboolean             conclave_run_process_shown      (const ConclaveRunView     *view,
                                                      const ConclaveProcSummary *sum,
                                                      guint                      proc);
/* "exited (0)", "crashed (signal 9)", "running", "replaced" … */
char                *conclave_run_process_end        (const ConclaveRunView     *view,
                                                      ConclaveProcessInfo       *info,
                                                      const ConclaveProcSummary *sum);
/* Calls func for each process shown (see conclave_run_process_shown), in
 * the store's order, with its node's name and how it ended. */
typedef void (*ConclaveRunProcessFunc) (ConclaveProcessInfo       *info,
                                        const char                *node,
                                        const char                *end,
                                        const ConclaveProcSummary *sum,
                                        gpointer                   data);
void                 conclave_run_foreach_process    (const ConclaveRunView *view,
                                                      ConclaveRunProcessFunc func,
                                                      gpointer               data);
/* Message kind (const char *, interned) → ConclaveKindCounts*; `total` gets all. */
GHashTable          *conclave_run_count_kinds        (const ConclaveRunView *view,
                                                      ConclaveKindCounts    *total);
guint64              conclave_kind_counts_sent       (const ConclaveKindCounts *k);
/* The kinds of conclave_run_count_kinds in alphabetical order (a live
 * run and its replay list them alike), NULL-terminated; g_free it. */
const char         **conclave_run_sorted_kinds       (GHashTable            *kinds);
/* Writes the JSON summary; FALSE with error if the file cannot be written. */
gboolean             conclave_run_write_summary_json (const ConclaveRunView *view,
                                                      const char      *path,
                                                      GError         **error);

G_END_DECLS
