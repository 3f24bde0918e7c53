/* trace-test-util.h — what the trace tests share: waiting on a condition
 * with a deadline, running a program without the shim, reading a node's
 * output, and looking at the messages the core paired. */
#pragma once

#include "conclave-cluster.h"

typedef gboolean (*TraceTestCondition) (ConclaveCluster *cluster, gpointer data);

/* Iterates the main loop until cond holds; fails the test after `seconds`. */
void        trace_test_wait       (ConclaveCluster *cluster, TraceTestCondition cond,
                                   gpointer data, double seconds, const char *what);
/* Waits until `name` has stopped running (exited or crashed). */
void        trace_test_wait_ended (ConclaveCluster *cluster, const char *name, double seconds);
/* Waits until `name` reported an address (it has bound its socket). */
void        trace_test_wait_bound (ConclaveCluster *cluster, const char *name, double seconds);

/* A cluster on four free ports chosen at random. */
/* Waits until at least `delivered` messages arrived and no receive waits
 * for its send (and, if `all`, nothing is in flight either). */
void        trace_test_wait_paired (ConclaveCluster *cluster, guint64 delivered, gboolean all, double seconds);

ConclaveCluster *trace_test_cluster (void);
/* The first of four free ports in a row. */
guint       trace_test_free_port  (void);
void        trace_test_finish     (ConclaveCluster *cluster);

/* "/…/build/data/examples/python/NAME" */
char       *trace_test_example    (const char *name);
/* argv with {port} replaced: for runs without the cluster. */
GStrv       trace_test_argv       (const char * const *argv, guint port);

/* A program run without the shim (no LD_PRELOAD, no CONCLAVE_*), stdout piped. */
GSubprocess *trace_test_spawn_plain (const char * const *argv, GError **error);
/* Its stdout once it ended (fails the test after `seconds`). */
char        *trace_test_finish_plain (GSubprocess *process, double seconds);
/* 1 once something listens on 127.0.0.1:port (UDP or TCP). */
gboolean    trace_test_port_taken (guint port, int type);

/* The node's stdout as one string, a line per line. */
char       *trace_test_node_stdout (ConclaveNode *node);
/* Lines without digits (PIDs, ports, numbers become '#'), sorted, empty
 * ones left out: what must not change whether the shim is there or not. */
char       *trace_test_normalise  (const char *text);

/* Process-table facts. */
gint        trace_test_pid        (ConclaveCluster *cluster, guint32 proc);
gint        trace_test_ppid       (ConclaveCluster *cluster, guint32 proc);
/* The preview its send (else its receive) reported. */
const char *trace_test_preview    (ConclaveCluster *cluster, const ConclaveMessage *m);
/* Messages by state: counts[ConclaveMessageState]. */
void        trace_test_count      (ConclaveCluster *cluster, guint64 counts[5]);
/* Events of a type whose s[0] is `what` (NULL: any), from processes of `node`
 * (NULL: any). */
guint       trace_test_count_events (ConclaveCluster *cluster, ConclaveEventType type,
                                     const char *what, ConclaveNode *node);

/* A file beside the trace tests in the source tree ("…/tests/trace/NAME"). */
char       *trace_test_source     (const char *name);
/* Runs conclave-run with `args` in a new network namespace holding only lo
 * (and, if `lan`, a LAN interface: tests/trace/netns-run.sh). Its stdout in
 * *out. FALSE, with the test skipped and the reason said, where no
 * namespace can be made; otherwise conclave-run must have succeeded. */
gboolean    trace_test_run_in_netns (gboolean lan, const char * const *args, char **out);
