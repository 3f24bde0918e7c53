/* conclave-cluster-private.h — internals shared by the cluster's own files. */
#pragma once

#include <stdio.h>
#include "conclave-cluster.h"
#include "conclave-control-server.h"
#include "conclave-supervisor.h"
#include "conclave-checker.h"
#include "conclave-keeper.h"
#include "conclave-faults.h"
#include "conclave-lan.h"
#include "conclave-hold.h"
#include "conclave-trace-file.h"

G_BEGIN_DECLS

/* What the cluster knows of one connected process. */
typedef struct {
  guint32       conn;      /* 0 once closed */
  ConclaveNode *node;      /* the model of this process (a reference: children outlive their row) */
  gboolean      networked; /* it made a socket call, sent or received */
  guint32       program;   /* a quiet wrapper: the proc of the program folded into its node */
} ProcEntry;

struct _ConclaveCluster {
  GObject                parent_instance;

  ConclaveEventStore    *store;
  ConclaveControlServer *server;
  ConclaveMatcher       *matcher;
  ConclaveChecker       *checker;
  ConclaveSupervisor    *supervisor;
  ConclaveKeeper        *keeper;      /* ends what a node detaches */
  ConclaveScenario      *scenario;
  char                  *title;

  GPtrArray             *nodes;       /* top-level ConclaveNode, list model order */
  GHashTable            *by_name;     /* name → ConclaveNode (top-level) */
  GHashTable            *conn_proc;   /* conn → proc index */
  GArray                *procs;       /* ProcEntry by proc index */
  GHashTable            *dirty;       /* ConclaveNode set, flushed per batch */
  GHashTable            *crashing;    /* names we killed on purpose */
  GHashTable            *guessed;     /* children ended by a guess (gone, nothing said how) */
  GHashTable            *restarting;  /* names to start again once they exited */
  GHashTable            *removing;    /* names to forget once they exited */
  GPtrArray             *timers;      /* scenario start/fault sources */
  GHashTable            *exec_cwd;    /* name → working directory of a traced program */
  GHashTable            *addr_owner;  /* interned address → name of the top-level node that has it */
  ConclaveFaults        *faults;
  ConclaveLan           *lan;         /* NULL on loopback */
  struct _ConclaveLineParser *lan_parser; /* reads the LAN's drop lines, made at the first */
  ConclaveHold          *hold;        /* step mode: who holds, what is held */

  double                 tempo;
  guint                  base_port;
  guint                  group_port;
  gboolean               frozen;
  guint                  changed_id;
  guint                  expire_id;
  char                  *state_dir;   /* CONCLAVE_STATE_DIR of the nodes (chapter 4 logs) */
  ConclaveTraceRecorder *recorder;    /* NULL when not recording */
  GRegex                *leader_pattern; /* a program's "I lead" line; NULL: none */
  GHashTable            *folded;      /* proc index → Folded: children that never touched a socket */

  /* A replay (conclave-cluster-replay.c): no process, events from a recording. */
  gboolean               replay;
  ConclaveEventStore    *source;      /* the recording's events */
  guint64                source_next; /* the next source event to feed */
  GArray                *strings;     /* guint32 by source string id: ours (0: not looked up yet) */
  gboolean               same_strings; /* our store's strings are the source's: ids need no mapping */
  gint64                 last_expiry; /* the recorded loss moment already expired */
  GArray                *pending;     /* translated events not yet in the store */
  GArray                *shifts;      /* Shift: where our index stops being the source's + a constant */
  GArray                *moments;     /* Moment: where in our store, and when, our matcher expired */
  GArray                *source_moments; /* the source replay's moments (its losses are copies), or NULL */
  guint                  source_moment;  /* the next of them to expire at */
  GArray                *conn_own;    /* guint32 by source proc: our proc (conn_proc's, 0: not yet) */
  struct _ConclaveCheckpoints *checkpoints; /* the recording's, shared by its replays again, or NULL */
  guint64                checkpoint_every; /* events between checkpoints (conclave-cluster-checkpoint.c) */
};


/* conclave_cluster_new, with a keeper only when it runs processes. */
ConclaveCluster *_conclave_cluster_new (gboolean runs_processes, GError **error);
void _conclave_cluster_queue_changed (ConclaveCluster *self);
/* One event of a process (proc set) into the models, not yet the store. */
void _conclave_cluster_take          (ConclaveCluster *self, const ConclaveEvent *e);
/* Messages in flight too long at now_ns become lost. */
void _conclave_cluster_expire        (ConclaveCluster *self, gint64 now_ns);
/* A top-level node's process ended: state, leadership, children. */
void _conclave_cluster_node_ended    (ConclaveCluster *self, ConclaveNode *node, gint code, gint signum);
/* conclave-cluster-replay.c: the replay's fields, freed. */
void _conclave_cluster_replay_clear  (ConclaveCluster *self);
/* Feeds events [first, end of store) to the matcher and the checker. */
void _conclave_cluster_digest        (ConclaveCluster *self, guint64 first);
/* Appends one controller event (spawn, crash, …) about `node` to the store. */
void _conclave_cluster_record        (ConclaveCluster   *self,
                                      ConclaveEventType  type,
                                      ConclaveNode      *node,
                                      gint32             num,
                                      guint32            lc,
                                      const char        *text);

void     _conclave_cluster_mark_dirty     (ConclaveCluster *self, ConclaveNode *node);
void     _conclave_cluster_add_top_level  (ConclaveCluster *self, ConclaveNode *node);
void     _conclave_cluster_remove_now     (ConclaveCluster *self, ConclaveNode *node);
gboolean _conclave_cluster_spawn_node     (ConclaveCluster *self, ConclaveNode *node, GError **error);
/* TRUE when the LAN applies `name`'s drop and delay to its datagrams on
 * its host's link (conclave-cluster-lan.c). */
gboolean _conclave_cluster_network_faults (ConclaveCluster *self, const char *name);
/* The node's argv, run inside its host in LAN mode (conclave-cluster-lan.c). */
GStrv    _conclave_cluster_host_argv      (ConclaveCluster *self, ConclaveNode *node, GError **error);
/* conclave-cluster-lan.c: a node left the cluster (self->nodes): its
 * host goes unless another node still lives there. */
void     _conclave_cluster_lan_forget     (ConclaveCluster *self, const char *name);
gboolean _conclave_cluster_signal_node    (ConclaveCluster *self, const char *name, ConclaveEventType type);
void     _conclave_cluster_cancel_timers  (ConclaveCluster *self);
void     _conclave_cluster_set_title      (ConclaveCluster *self, const char *title);
/* Deletes what the nodes kept in the state directory (a new scenario
 * starts from empty logs). */
void     _conclave_cluster_wipe_state     (ConclaveCluster *self);
/* The addresses ("127.0.0.1:10001", interned) that the top-level nodes
 * called `names` have bound or connected from. */
GPtrArray *_conclave_cluster_addresses_of (ConclaveCluster *self, const char * const *names);

/* conclave-cluster-checkpoint.c: a rebased replay's checkpoints, made by
 * replaying it again to its end; shared by every replay again of it. */
typedef struct _ConclaveCheckpoints ConclaveCheckpoints;
void                 _conclave_cluster_checkpoints_make   (ConclaveCluster *self);
ConclaveCheckpoints *_conclave_checkpoints_ref            (ConclaveCheckpoints *checkpoints);
void                 _conclave_checkpoints_unref          (ConclaveCheckpoints *checkpoints);
guint64              _conclave_checkpoints_get_at         (ConclaveCheckpoints *checkpoints, guint i);
/* The newest checkpoint at or before source index `end`, or G_MAXUINT64. */
guint64              _conclave_checkpoints_at_or_before   (ConclaveCheckpoints *checkpoints, guint64 end);
/* A fresh replay again (nothing fed) becomes what it was at the newest
 * checkpoint at or before `end`. FALSE if there is none. */
gboolean             _conclave_cluster_checkpoint_restore (ConclaveCluster *self, guint64 end);

/* conclave-cluster-programs.c */
void          _conclave_cluster_on_output  (ConclaveCluster *self, ConclaveNode *node,
                                            ConclaveOutputStream stream, const char *line);
ConclaveNode *_conclave_cluster_node_called (ConclaveCluster *self, const char *name);

/* conclave-cluster-ports.c */
guint    _conclave_cluster_choose_base_port (void);
/* `first` and the three after it can be bound on loopback. */
gboolean _conclave_cluster_ports_free       (guint first);

/* conclave-cluster-state.c */
void     _conclave_cluster_make_state_dir   (ConclaveCluster *self);
void     _conclave_cluster_remove_state_dir (ConclaveCluster *self);

/* conclave-cluster-procs.c */
void     _conclave_cluster_proc_entry_clear (gpointer entry);
void     _conclave_cluster_folded_free      (gpointer folded);
gpointer      _conclave_cluster_folded_copy     (gpointer folded, ConclaveNode *ancestor);
ConclaveNode *_conclave_cluster_folded_ancestor (gpointer folded);
/* GHRFunc: is this folded process folded into `node` (user_data)? */
gboolean _conclave_cluster_folded_into      (gpointer proc, gpointer folded, gpointer node);
guint32  _conclave_cluster_proc_of_node     (ConclaveCluster *self, ConclaveNode *node);
/* conn_proc's mark for a connection whose hello was refused. */
#define CONN_REFUSED G_MAXUINT32
/* FALSE (and e turned into an ERROR, the connection refused) when a hello
 * claims a node whose process tree the peer is not part of. */
gboolean _conclave_cluster_hello_belongs (ConclaveCluster *self, ConclaveEvent *e, guint32 conn);
void     _conclave_cluster_handle_hello     (ConclaveCluster *self, ConclaveEvent *e, guint32 conn);
/* The process made a socket call, sent or received: if it was folded, it
 * gets its own child node now, and the children it forks from now on
 * are shown (a pool's idle workers), not folded. */
void     _conclave_cluster_networked        (ConclaveCluster *self, guint32 proc);
void     _conclave_cluster_on_closed        (ConclaveControlServer *server, guint conn, ConclaveCluster *self);
/* A child ended: kept visible a moment so the class sees it go. */
void     _conclave_cluster_child_ended      (ConclaveCluster *self, ConclaveNode *child, gint code, gint signum);
void     _conclave_cluster_child_gone       (ConclaveCluster *self, ConclaveNode *child);
void     _conclave_cluster_child_gone_as    (ConclaveCluster *self, ConclaveNode *child, gint code, gint signum);
void     _conclave_cluster_note_address     (ConclaveCluster *self, ConclaveNode *node, const ConclaveEvent *e);

void     _conclave_cluster_node_added       (ConclaveCluster *self, ConclaveNode *node);
char    *_conclave_cluster_tempo_command    (double tempo);

/* conclave-hold.c: made once the control server exists. */
ConclaveHold   *_conclave_hold_new      (ConclaveCluster *cluster);
/* Events [first, end) of the store: hellos, held messages, their ends. */
void            _conclave_hold_feed     (ConclaveHold *self, guint64 first, guint64 end);

/* A fresh hold or fault table takes `from`'s contents (a replay's
 * checkpoint keeps one of each; `cluster` NULL there). */
void            _conclave_hold_copy     (ConclaveHold *self, ConclaveHold *from);
void            _conclave_faults_copy   (ConclaveFaults *self, ConclaveFaults *from);

ConclaveFaults *_conclave_faults_new    (ConclaveCluster *cluster);
void            _conclave_faults_forget (ConclaveFaults *self, const char *name);
void            _conclave_faults_node_started (ConclaveFaults *self, const char *name);
void            _conclave_faults_restore (ConclaveFaults *self, const char *name, double drop, guint delay_ms,
                                          const char *isolated);

G_END_DECLS
