/* conclave-node.h — one process the class can see: a server, a client, or a
 * child a server forked (a satellite).
 *
 * Identity and state with notifications, for widgets to observe. Fed by the
 * cluster; never spawns or signals anything itself (that is the supervisor's
 * job). Output lines (stdout/stderr) are kept here, bounded.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_NODE_STARTING,
  CONCLAVE_NODE_RUNNING,
  CONCLAVE_NODE_PAUSED,
  CONCLAVE_NODE_EXITED,
  CONCLAVE_NODE_CRASHED,
} ConclaveNodeState;

typedef enum {
  CONCLAVE_NODE_KIND_SERVER,
  CONCLAVE_NODE_KIND_CLIENT,
  CONCLAVE_NODE_KIND_CHILD,   /* forked by a server: a worker or per-request child */
} ConclaveNodeKind;

typedef enum {
  CONCLAVE_OUTPUT_STDOUT,
  CONCLAVE_OUTPUT_STDERR,
} ConclaveOutputStream;

/* Counters, updated by the cluster. */
typedef struct {
  guint64 sent;
  guint64 received;
  guint64 dropped;
  guint64 lost;        /* messages it sent that never arrived */
  guint64 garbage;
  guint64 errors;      /* malformed control lines */
  guint64 lines_lost;  /* control lines lost (channel full) */
  guint64 delivered;   /* posts applied (chapter 4) */
} ConclaveNodeCounters;

/* Enum GTypes, for the "state" and "kind" properties and for bindings. */
#define CONCLAVE_TYPE_NODE_STATE (conclave_node_state_get_type ())
GType conclave_node_state_get_type (void) G_GNUC_CONST;
#define CONCLAVE_TYPE_NODE_KIND (conclave_node_kind_get_type ())
GType conclave_node_kind_get_type (void) G_GNUC_CONST;

#define CONCLAVE_TYPE_NODE (conclave_node_get_type ())
G_DECLARE_FINAL_TYPE (ConclaveNode, conclave_node, CONCLAVE, NODE, GObject)

ConclaveNode      *conclave_node_new             (const char *name,
                                                  const char *role,
                                                  ConclaveNodeKind kind);
const char        *conclave_node_get_name        (ConclaveNode *self);
const char        *conclave_node_get_role        (ConclaveNode *self);
ConclaveNodeKind   conclave_node_get_kind        (ConclaveNode *self);
gboolean           conclave_node_is_server       (ConclaveNode *self);
/* argv the supervisor spawned it with (NULL for children). */
const char * const *conclave_node_get_argv       (ConclaveNode *self);
void               conclave_node_set_argv        (ConclaveNode *self, const char * const *argv);

gint               conclave_node_get_pid         (ConclaveNode *self);
void               conclave_node_set_pid         (ConclaveNode *self, gint pid);
gint               conclave_node_get_ppid        (ConclaveNode *self);
void               conclave_node_set_ppid        (ConclaveNode *self, gint ppid);
ConclaveNodeState  conclave_node_get_state       (ConclaveNode *self);
void               conclave_node_set_state       (ConclaveNode *self, ConclaveNodeState state);
/* For EXITED: the exit code; for CRASHED: the signal. */
gint               conclave_node_get_exit_code   (ConclaveNode *self);
gint               conclave_node_get_exit_signal (ConclaveNode *self);
void               conclave_node_set_exit        (ConclaveNode *self, gint code, gint signal);

/* Parent node for children, NULL for top-level nodes. */
ConclaveNode      *conclave_node_get_parent      (ConclaveNode *self);
/* GListModel of ConclaveNode: the children it forked (alive and recently ended). */
GListModel        *conclave_node_get_children    (ConclaveNode *self);
void               conclave_node_add_child       (ConclaveNode *self, ConclaveNode *child);
void               conclave_node_remove_child    (ConclaveNode *self, ConclaveNode *child);

/* Addresses it bound, listened on or connected from ("udp 127.0.0.1:10001"). */
const char * const *conclave_node_get_addresses  (ConclaveNode *self);
void               conclave_node_add_address     (ConclaveNode *self, const char *address);

const ConclaveNodeCounters *conclave_node_get_counters (ConclaveNode *self);
ConclaveNodeCounters       *conclave_node_edit_counters (ConclaveNode *self);
/* Adds what its children (and theirs) did to `sum` — a forking or pool
 * server's own counts stay near zero, its children do the work — and
 * returns how many there are. */
guint                       conclave_node_get_children_counters (ConclaveNode         *self,
                                                                 ConclaveNodeCounters *sum);

/* Group state (chapter 4); empty/0 otherwise. */
const char        *conclave_node_get_group_role  (ConclaveNode *self);   /* leader, follower, candidate */
guint64            conclave_node_get_term        (ConclaveNode *self);
const char        *conclave_node_get_leader      (ConclaveNode *self);
const char * const *conclave_node_get_view       (ConclaveNode *self);
void               conclave_node_set_group_state (ConclaveNode *self,
                                                  const char *group_role,
                                                  guint64 term,
                                                  const char *leader,
                                                  const char * const *view);
/* The election timeout its leader timer runs with, as its last state line
 * said: ms at tempo 1 (the node multiplies by the tempo); 0: none runs. */
guint              conclave_node_get_election_timeout_ms (ConclaveNode *self);
void               conclave_node_set_election_timeout_ms (ConclaveNode *self,
                                                          guint         timeout_ms);
gboolean           conclave_node_is_leader       (ConclaveNode *self);

/* Output, bounded to the last few thousand lines. Emits "output" (stream, text). */
void               conclave_node_append_output   (ConclaveNode *self,
                                                  ConclaveOutputStream stream,
                                                  const char *line);
guint              conclave_node_get_n_output    (ConclaveNode *self);
const char        *conclave_node_get_output      (ConclaveNode *self,
                                                  guint index,
                                                  ConclaveOutputStream *stream);

/* The newest posts this server delivered (chapter 4), oldest first, bounded. */
typedef struct {
  gint  seqno;
  char *client;
  char *text;
} ConclaveDeliveredPost;

void               conclave_node_add_delivered   (ConclaveNode *self,
                                                  gint          seqno,
                                                  const char   *client,
                                                  const char   *text);
guint              conclave_node_get_n_delivered (ConclaveNode *self);
const ConclaveDeliveredPost *conclave_node_get_delivered (ConclaveNode *self,
                                                  guint         index);

/* Emits "changed" once if anything changed since the last flush (the cluster
 * calls this once per batch, not per event). */
void               conclave_node_flush_changes   (ConclaveNode *self);

const char        *conclave_node_state_to_string (ConclaveNodeState state);

G_END_DECLS
