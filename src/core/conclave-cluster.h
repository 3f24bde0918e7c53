/* conclave-cluster.h — everything one running class demonstration is.
 *
 * Owns the control server, the event store, the matcher, the supervisor and
 * the node models, and joins them: events in, node models and messages
 * updated, one "changed" per batch out. A GListModel of the top-level
 * ConclaveNodes (servers and clients; children hang off their parent).
 * Used by the window, conclave-run and the tests alike; no GTK here.
 */
#pragma once

#include <gio/gio.h>
#include "conclave-event-store.h"
#include "conclave-checker.h"
#include "conclave-faults.h"
#include "conclave-lan.h"
#include "conclave-hold.h"
#include "conclave-matcher.h"
#include "conclave-node.h"
#include "conclave-scenario.h"

G_BEGIN_DECLS

#define CONCLAVE_TYPE_CLUSTER (conclave_cluster_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveCluster, conclave_cluster, CONCLAVE, CLUSTER, GObject)

/* Signals:
 *   "changed" ()                        once per main-loop turn with new events (the views pace it to frames)
 *   "node-added" (ConclaveNode *)       any node, children included
 *   "node-removed" (ConclaveNode *)     a top-level node (a child leaves its parent's
 *                                       children model instead)
 *   "violation" (guint64 index)         the checker appended a VIOLATION event at index
 * Properties: tempo (double, read-write), base-port (uint, read-write),
 *   title (string, read-only: the scenario's), frozen (boolean, read-write).
 * The scenario and the number of events are read with
 * conclave_cluster_get_scenario() and the store; neither is notified.
 */

ConclaveCluster    *conclave_cluster_new            (GError **error);
ConclaveEventStore *conclave_cluster_get_store      (ConclaveCluster *self);
ConclaveMatcher    *conclave_cluster_get_matcher    (ConclaveCluster *self);
/* The invariant checker: its counts are the run's verdict. */
ConclaveChecker    *conclave_cluster_get_checker    (ConclaveCluster *self);
const char         *conclave_cluster_get_control_path (ConclaveCluster *self);
/* Where nodes keep state across a restart (CONCLAVE_STATE_DIR): private to
 * this cluster, emptied when a scenario starts, removed with the cluster. */
const char         *conclave_cluster_get_state_dir (ConclaveCluster *self);

/* Nodes */
ConclaveNode       *conclave_cluster_lookup         (ConclaveCluster *self, const char *name);
ConclaveNode       *conclave_cluster_lookup_pid     (ConclaveCluster *self, gint pid);
/* The node (top-level or child) a process-table entry belongs to. */
ConclaveNode       *conclave_cluster_node_for_proc  (ConclaveCluster *self, guint32 proc);
/* One program, one row: the PID of the process doing a node's work. A
 * wrapper that only forked its program (`sh -c 'python3 x.py; echo
 * done'`) is folded into it: the program's process belongs to the node
 * itself (conclave_cluster_node_for_proc), not to a child, and this is its
 * PID; otherwise the node's own. */
gint                conclave_cluster_get_program_pid (ConclaveCluster *self, ConclaveNode *node);
/* Next free name: "s3" for a server, "c2" for a client. */
char               *conclave_cluster_next_name      (ConclaveCluster *self, gboolean server);
/* Adds and starts a node running conclave-node `role` with args (NULL-terminated). */
ConclaveNode       *conclave_cluster_add_node       (ConclaveCluster *self,
                                                     const char *name,
                                                     const char *role,
                                                     const char * const *args,
                                                     GError **error);
/* Adds and starts an arbitrary program, traced: libconclave-trace.so is
 * preloaded (an error if it cannot be found), PYTHONUNBUFFERED=1 is set,
 * and it runs in `cwd` (NULL: ours), again on restart. argv is not run
 * through a shell; {port}, {group_port} and {examples} are expanded. */
ConclaveNode       *conclave_cluster_add_program    (ConclaveCluster *self,
                                                     const char *name,
                                                     const char * const *argv,
                                                     const char *cwd,
                                                     gboolean server,
                                                     GError **error);
gboolean            conclave_cluster_crash          (ConclaveCluster *self, const char *name);
gboolean            conclave_cluster_stop           (ConclaveCluster *self, const char *name);
gboolean            conclave_cluster_pause          (ConclaveCluster *self, const char *name);
gboolean            conclave_cluster_resume         (ConclaveCluster *self, const char *name);
gboolean            conclave_cluster_restart        (ConclaveCluster *self, const char *name, GError **error);
gboolean            conclave_cluster_remove         (ConclaveCluster *self, const char *name);
/* Freeze all: pause every running node (TRUE) or resume them. */
void                conclave_cluster_freeze_all     (ConclaveCluster *self, gboolean frozen);
gboolean            conclave_cluster_get_frozen     (ConclaveCluster *self);
/* Sends a command line to every process of a node (children included). */
gboolean            conclave_cluster_send_command   (ConclaveCluster *self,
                                                     const char *name,
                                                     const char *json_line);
/* Sends one line (a newline is added) to the node's stdin, a pipe that
 * stays open while it runs; FALSE with error if it is not running or does
 * not read (its pipe is full). */
gboolean            conclave_cluster_send_input     (ConclaveCluster *self,
                                                     const char *name,
                                                     const char *line,
                                                     GError **error);
/* Why a node that exited on its own with a failure status failed, from
 * its stderr: "Address already in use: port 10001 is held by s1 of
 * Chapter 1 …" when it could not bind, else its last stderr line; NULL if
 * it did not fail or said nothing. */
char               *conclave_cluster_explain_failure (ConclaveCluster *self,
                                                      ConclaveNode    *node);
/* A regular expression matched against every line a program node (one
 * added by conclave_cluster_add_program) prints: a match
 * makes the node named by its group `leader` (a node of that name, or the
 * one node whose command line holds it as a word, `--id 205`) the leader,
 * or the printing node when there is no such group; a group `term` gives
 * the term. NULL or "" for none. FALSE with error if it does not compile. */
gboolean            conclave_cluster_set_leader_pattern (ConclaveCluster *self,
                                                         const char *pattern,
                                                         GError **error);
const char         *conclave_cluster_get_leader_pattern (ConclaveCluster *self);
/* The one owner of drop, delay and isolation settings (see conclave-faults.h). */
ConclaveFaults     *conclave_cluster_get_faults     (ConclaveCluster *self);
/* Step mode: which nodes hold arriving messages, the queue of held ones. */
ConclaveHold       *conclave_cluster_get_hold       (ConclaveCluster *self);
/* The top-level node that bound or connected a socket on `address` (an
 * interned "127.0.0.1:10001", as a send's destination holds it) most
 * recently, or NULL. */
ConclaveNode       *conclave_cluster_lookup_address (ConclaveCluster *self, guint32 address);

/* Network: loopback (the default) or a LAN where every node is its own
 * host (conclave-lan.h); changes only while no node runs, FALSE with
 * error otherwise or where the kernel allows no LAN. */
gboolean            conclave_cluster_set_network    (ConclaveCluster *self,
                                                     ConclaveNetwork  network,
                                                     GError         **error);
ConclaveNetwork     conclave_cluster_get_network    (ConclaveCluster *self);
/* The LAN in LAN mode (addresses of the hosts), else NULL; a replay's is
 * the recorded one (conclave_cluster_set_recorded_hosts). */
ConclaveLan        *conclave_cluster_get_lan        (ConclaveCluster *self);
/* Where every node with a host is (ConclaveTraceHost, for a trace's
 * header), or NULL on loopback. */
GPtrArray          *conclave_cluster_list_hosts     (ConclaveCluster *self);
/* A replay only: the recording's LAN from its header's hosts
 * (ConclaveTraceHost; NULL or empty: loopback). */
void                conclave_cluster_set_recorded_hosts (ConclaveCluster *self,
                                                         GPtrArray       *hosts);

/* Scenarios */
gboolean            conclave_cluster_start_scenario (ConclaveCluster *self,
                                                     ConclaveScenario *scenario,
                                                     GError **error);
ConclaveScenario   *conclave_cluster_get_scenario   (ConclaveCluster *self);
/* Stops every node and forgets them; the store is kept. */
void                conclave_cluster_clear          (ConclaveCluster *self);

double              conclave_cluster_get_tempo      (ConclaveCluster *self);
void                conclave_cluster_set_tempo      (ConclaveCluster *self, double tempo);
guint               conclave_cluster_get_base_port  (ConclaveCluster *self);
void                conclave_cluster_set_base_port  (ConclaveCluster *self, guint port);

/* Applies one fault now (as a scenario's schedule would). One naming the
 * leader while there is none waits for the first leader elected (until the
 * cluster is cleared); both moments are told with g_message(). */
void                conclave_cluster_apply_fault    (ConclaveCluster *self,
                                                     const ConclaveScenarioFault *fault);

/* Trace recording: every event from now on, as JSON Lines. */
gboolean            conclave_cluster_start_trace    (ConclaveCluster *self, const char *path, GError **error);
void                conclave_cluster_stop_trace     (ConclaveCluster *self);

/* Where the trace shim is: $CONCLAVE_TRACE_LIBRARY, the build tree, PKGLIBDIR. */
char               *conclave_find_trace_library     (void);
/* Where the lecture's Python examples are: $CONCLAVE_EXAMPLES_DIR, the build
 * tree, PKGDATADIR/examples/python. */
char               *conclave_find_examples_dir      (void);

/* Replay (conclave-cluster-replay.c): a cluster that runs no process and
 * shows a recording, the events of `source` (a loaded trace, or a live
 * cluster's store) fed through the path a live line takes, so its nodes,
 * messages and store are the recording's up to the last event fed.
 * Commands to nodes fail (there are none running). title: what the
 * window calls it (the file's name). */
ConclaveCluster    *conclave_cluster_new_replay     (ConclaveEventStore *source,
                                                     const char         *title,
                                                     GError            **error);
gboolean            conclave_cluster_is_replay      (ConclaveCluster *self);
ConclaveEventStore *conclave_cluster_get_replay_source (ConclaveCluster *self);
/* Feeds the source's events up to `end` (an absolute source index, not
 * included; never back: a replay goes forward only); returns how many. */
guint64             conclave_cluster_replay_to      (ConclaveCluster *self,
                                                     guint64          end);
/* The next source index to feed: everything before it was. */
guint64             conclave_cluster_get_replay_position (ConclaveCluster *self);
/* Where the source's event at source_index went in the replay's store
 * (G_MAXUINT64: not fed yet); a recorded verdict's cause is told so. */
guint64             conclave_cluster_replay_own_index (ConclaveCluster *self,
                                                       guint64          source_index);

/* Once fed to the end: its own store becomes its source (the recording
 * loaded into it can go), with the moments its matcher expired at, so a
 * fresh replay of it (conclave_cluster_new_replay_again) makes the same
 * events at the same indices, its own losses included. Replays it again
 * once, to keep checkpoints on the way (see
 * conclave_cluster_replay_set_checkpoint_every). */
void                conclave_cluster_replay_rebase  (ConclaveCluster *self);
/* A fresh replay of what `replay` replays (same source, same moments of
 * loss, same title, same checkpoints), at the start: its first
 * conclave_cluster_replay_to starts from the checkpoint before. */
ConclaveCluster    *conclave_cluster_new_replay_again (ConclaveCluster *replay,
                                                       GError         **error);
/* Events between a rebased replay's checkpoints (before the rebase; 0:
 * none). */
void                conclave_cluster_replay_set_checkpoint_every (ConclaveCluster *self,
                                                                  guint64          events);
/* How many checkpoints its recording has, and the bytes they hold
 * beyond the shared message table (for tests and the benchmark). */
guint               conclave_cluster_replay_count_checkpoints (ConclaveCluster *self,
                                                               gsize           *bytes);
/* Whether showing source index `end` takes a fresh replay again rather
 * than feeding this one on: it is before this one's position, or a
 * checkpoint well ahead of it is on the way. What the scrubber does. */
gboolean            conclave_cluster_replay_needs_again (ConclaveCluster *self,
                                                         guint64          end);

/* Kills every process and waits until they ended (at most 2 s, running no
 * main loop: no other source runs meanwhile); "exited" is handled before it
 * returns. Dispose does it too. */
void                conclave_cluster_shutdown       (ConclaveCluster *self);

G_END_DECLS
