/* node-group-server.h — the group server's state, shared by its files.
 *
 * One GroupServer per process: its sockets, its log, what it knows of the
 * other servers, its role, term and leader. node-group-server.c owns the
 * life cycle, roles and state reports; node-group-view.c discovery and
 * views; node-group-replication.c
 * the log's way from leader to followers; node-group-posts.c the clients;
 * node-group-sync.c a bully/ring leader's catch-up; node-group-raft.c,
 * -bully.c and -ring.c the elections behind one small interface. Private
 * to these files: nothing else includes it.
 */
#pragma once

#include "node-group-log.h"
#include "node-group-msg.h"
#include "node-net.h"

/* Protocol times at tempo 1.0, in heartbeats (the --heartbeat-ms). */
#define GROUP_DETECT_BEATS        3.0   /* silence that means "gone" */
#define GROUP_RAFT_TIMEOUT_MIN    3.0   /* raft's randomised election timeout */
#define GROUP_RAFT_TIMEOUT_MAX    6.0
/* The furthest one message can move a server's term: a term (or any term a
 * message names) more than this above the highest we have seen is ignored,
 * so no datagram can push the group near the end of 64 bits. At one
 * election per 150 ms that is still two days of elections missed. */
#define GROUP_TERM_STEP_MAX       (G_GUINT64_CONSTANT (1) << 20)
#define GROUP_WINDOW              32    /* entries in flight per follower */

typedef enum {
  GROUP_FOLLOWER,
  GROUP_CANDIDATE,
  GROUP_LEADER,
} GroupRole;

/* Another server, as this one knows it. */
typedef struct {
  char              *name;
  guint              id;
  struct sockaddr_in addr;
  gboolean           reachable;    /* addr is known */
  gint64             heard_ns;     /* last message from it */
  gboolean           in_view;
  gboolean           suspected;    /* ring: skipped until the next view */
  /* what the leader knows of its log */
  guint64            next_index;
  guint64            match_index;
  guint64            repair_index;
  gint64             repair_ns;
  /* elections and a new leader's catch-up */
  gboolean           vote;
  gboolean           synced;
  guint64            sync_last;
  guint64            sync_term;
} GroupMember;

typedef struct _GroupServer GroupServer;

/* What differs between bully, ring and raft. */
typedef struct {
  const char *name;
  /* No leader heard for leader_timeout: start (or retry) an election. */
  void     (*leader_lost)    (GroupServer *s);
  /* An election message; FALSE if the kind is not the election's. */
  gboolean (*handle)         (GroupServer *s, GroupMember *from, const char *kind,
                              const GroupMsg *msg);
  /* Is entry `index` safe (may it be delivered and acknowledged)? */
  gboolean (*committed)      (GroupServer *s, guint64 index);
  /* This server just accepted `leader` (may start an election: bully). */
  void     (*follow)         (GroupServer *s, GroupMember *leader);
  /* Once per heartbeat while leading (may step down: raft). May be NULL. */
  void     (*leader_tick)    (GroupServer *s);
  /* Silence from the leader that starts an election, in ms at tempo 1. */
  double   (*leader_timeout) (GroupServer *s);
  /* A new leader catches up from the others before serving (bully, ring:
   * the winner is chosen by id, not by how complete its log is). */
  gboolean   needs_sync;
} GroupElection;

extern const GroupElection group_election_raft;
extern const GroupElection group_election_bully;
extern const GroupElection group_election_ring;

typedef struct {
  struct sockaddr_in addr;
  char              *client;
} GroupWaiting;

struct _GroupServer {
  char                *name;
  guint                id;
  const GroupElection *election;
  double               heartbeat_ms;   /* at tempo 1 */
  double               session_ms;

  NodeLink             link;           /* our own socket; peer set per send */
  int                  group_fd;
  struct sockaddr_in   group_local;
  struct sockaddr_in   group_dst;      /* where announcements go */

  GroupLog            *log;
  GHashTable          *members;        /* name → GroupMember*, never ourselves */
  GroupRole            role;
  char                *leader;         /* NULL: none known */
  GPtrArray           *view;           /* names, sorted, as last reported */
  char                *view_id;        /* "term.serial" of the view we hold */
  guint64              view_serial;
  char                *reported;       /* the last state line, to report changes only */

  guint                tick_timer;
  guint                leader_timer;
  gint64               leader_timer_ns; /* when the leader timer last started */
  double               timeout_ms;     /* its silence, ms at tempo 1; 0: none runs (reported) */
  char                *why;            /* why we stood as candidate (reported) */
  guint64              ticks;
  gint64               tick_ns;        /* when the last tick ran */
  GHashTable          *waiting;        /* req → GroupWaiting*: the leader acknowledges these */

  /* a bully/ring leader's catch-up (node-group-sync.c) */
  gboolean             syncing;
  gint64               sync_started_ns;
  gint64               sync_progress_ns;
  GroupMember         *sync_source;
  guint64              sync_fetch_end;  /* last index of the batch asked for */
  GPtrArray           *held;           /* posts that arrived while syncing (node-group-posts.c) */

  gpointer             algo;           /* the election's own state */
  GDestroyNotify       algo_free;
};

/* ---- node-group-server.c ---- */
double       group_beats_ms        (GroupServer *s, double beats);
GString     *group_payload         (GroupServer *s);
void         group_send            (GroupServer *s, GroupMember *m, const char *kind, GString *payload);
void         group_send_to_addr    (GroupServer *s, const struct sockaddr_in *addr, const char *node,
                                    const char *kind, GString *payload);
GroupMember *group_find_member (GroupServer *s, const char *name);
GroupMember *group_learn           (GroupServer *s, const char *name, guint id,
                                    const struct sockaddr_in *addr);
guint        group_config_size     (GroupServer *s);
guint        group_majority        (GroupServer *s);
void         group_report_state    (GroupServer *s);
/* A higher term seen: adopt it, forget the vote, step down. */
void         group_adopt_term      (GroupServer *s, guint64 term);
/* An answer from a later term: adopt it (stepping down) and return TRUE. */
gboolean     group_answer_is_newer (GroupServer *s, GroupMember *m, const GroupMsg *msg);
void         group_become_follower (GroupServer *s, GroupMember *leader);
/* `why`: the reason in words, reported with the state ("no heartbeat
 * from s2 for 1.2 s"). */
void         group_become_candidate (GroupServer *s, const char *why);
/* Why the leader timer ran out: "no heartbeat from s2 for 3.1 s", "no
 * leader heard for …", or a candidate's "term 3 undecided after …". */
char        *group_timeout_why     (GroupServer *s);
/* Leader of the current term (the caller has set the term). */
void         group_become_leader   (GroupServer *s);
/* Decides whether a leader message of `term` from m is to be followed;
 * if so, follows it and restarts the leader timer. */
gboolean     group_accept_leader   (GroupServer *s, GroupMember *m, guint64 term);
void         group_restart_leader_timer (GroupServer *s);
guint64      group_max_term_seen   (GroupServer *s);

/* ---- node-group-view.c ---- */
/* To the group port (to == NULL) or, as an answer, to one member. */
void         group_announce        (GroupServer *s, GroupMember *to);
void         group_on_announce     (GroupServer *s, GroupMember *m, const GroupMsg *msg);
void         group_on_view         (GroupServer *s, GroupMember *from, const GroupMsg *msg);
/* The leader: the view is the servers heard from lately; tell them if it changed. */
void         group_maintain_view   (GroupServer *s);
void         group_view_changed    (GroupServer *s);
void         group_send_view       (GroupServer *s, GroupMember *m);
/* Members in the leader's view, in id order, without suspected ones (the ring). */
GPtrArray   *group_ring_members    (GroupServer *s);

/* ---- node-group-replication.c ---- */
void         group_replicate       (GroupServer *s, GroupMember *m);
void         group_replicate_all   (GroupServer *s, gboolean probe_absent);
/* Bully and ring: every member in the view holds entry `index`. */
gboolean     group_all_live_have   (GroupServer *s, guint64 index);
/* A majority of all the servers (group_majority), us included, hold it. */
gboolean     group_majority_have   (GroupServer *s, guint64 index);
gboolean     group_all_live_and_majority_have (GroupServer *s, guint64 index);
/* New entries to every member in the view, then count what is safe. */
void         group_push_entries    (GroupServer *s);
void         group_on_append       (GroupServer *s, GroupMember *m, const char *kind, const GroupMsg *msg);
/* An entry as `append` and `catch-up` carry it (idx, seq, req, epochs, text). */
void         group_send_entry      (GroupServer *s, GroupMember *m, const char *kind, guint64 index);
gboolean     group_valid_entry     (const GroupMsg *msg);
/* Stores the entry of msg at index (replacing a conflicting one). */
gboolean     group_store_entry     (GroupServer *s, guint64 index, const GroupMsg *msg);
void         group_on_append_ack   (GroupServer *s, GroupMember *m, const GroupMsg *msg);
void         group_advance_commit  (GroupServer *s);
void         group_commit_to       (GroupServer *s, guint64 index);
/* The leader's opening entry of its term, then replication. */
void         group_start_serving   (GroupServer *s);

/* ---- node-group-posts.c ---- */
void         group_on_post         (GroupServer *s, const NodeLink *link, const GroupMsg *msg);
void         group_on_discover     (GroupServer *s, const NodeLink *link, const GroupMsg *msg);
void         group_acknowledge     (GroupServer *s, const GroupEntry *entry);
void         group_forget_waiting  (GroupServer *s);
void         group_release_held    (GroupServer *s);
void         group_waiting_free    (gpointer data);
void         group_held_free       (gpointer data);

/* ---- node-group-sync.c ---- */
void         group_begin_sync      (GroupServer *s);
void         group_sync_tick       (GroupServer *s);
gboolean     group_sync_handle     (GroupServer *s, GroupMember *m, const char *kind, const GroupMsg *msg);
