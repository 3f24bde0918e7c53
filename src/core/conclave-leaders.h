/* conclave-leaders.h — who led when: leader intervals from the event store.
 *
 * Fed every appended event (in arrival order), it keeps one interval per
 * stretch a process led: from its `state` event with role `leader` to the
 * moment it stopped leading, which is the earliest of
 *   - its own `state` with another role (step-down),
 *   - its own `state` as leader of a later term (the next interval begins),
 *   - a `leader` state of a later raft term elsewhere (raft only: bully and
 *     ring may have two leaders across a partition, and both are shown),
 *   - a `crash` of its node, its own `exit`, or the controller's `exited`.
 * Lines arrive per process in order but not across processes, so an end is
 * pulled back when an earlier, truer one arrives later (a step-down stamped
 * before the newer term's leader event). Plain data, no GObject, no GTK:
 * the timeline's leader band and the charts' leader strip read it.
 *
 *   g_autoptr(ConclaveLeaders) leaders = conclave_leaders_new (store);
 *   conclave_leaders_feed (leaders, first, end);     // per appended batch
 *   conclave_leaders_foreach_in_range (leaders, from_ns, to_ns, draw_band, data);
 *
 * (conclave_cluster_get_leaders() gives the live cluster's, fed for you.)
 */
#pragma once

#include "conclave-event-store.h"

G_BEGIN_DECLS

/* end_ns of an interval that has not ended. */
#define CONCLAVE_LEADER_OPEN G_MAXINT64

typedef enum {
  CONCLAVE_LEADER_LEADING = 0,   /* still open */
  CONCLAVE_LEADER_STEPPED_DOWN,  /* its own state: follower or candidate */
  CONCLAVE_LEADER_NEXT_TERM,     /* it leads on in a later term (a new interval) */
  CONCLAVE_LEADER_NEWER_TERM,    /* another node leads a later raft term */
  CONCLAVE_LEADER_CRASHED,       /* the controller crashed its node */
  CONCLAVE_LEADER_EXITED,        /* the process ended (exit, stop, exited) */
} ConclaveLeaderEnd;

typedef struct {
  guint32 proc;        /* the store's process index */
  gint    pid;
  guint32 node;        /* interned node name (0 if unknown) */
  guint32 election;    /* interned election name ("raft", "bully", "ring"), 0 if none */
  gint64  term;
  gint64  start_ns;
  gint64  end_ns;      /* CONCLAVE_LEADER_OPEN while leading */
  guint64 start_index; /* the state event that made it leader */
  ConclaveLeaderEnd end;
} ConclaveLeaderInterval;

typedef struct _ConclaveLeaders ConclaveLeaders;

ConclaveLeaders *conclave_leaders_new    (ConclaveEventStore *store);
void             conclave_leaders_free   (ConclaveLeaders    *self);
/* Feed events [first, end) of the store, in order. Returns how many
 * intervals began or changed. */
guint            conclave_leaders_feed   (ConclaveLeaders    *self,
                                          guint64             first,
                                          guint64             end);
/* Forgets every interval (a new chapter starts a clean picture); events
 * fed from now on start afresh. */
void             conclave_leaders_reset  (ConclaveLeaders    *self);

/* Intervals in the order they began. */
guint            conclave_leaders_get_n_intervals (ConclaveLeaders *self);
const ConclaveLeaderInterval *conclave_leaders_get_interval (ConclaveLeaders *self,
                                                             guint            i);
/* The interval of `proc` that covers time t_ns, or NULL: "did it lead then?" */
const ConclaveLeaderInterval *conclave_leaders_find (ConclaveLeaders *self,
                                                     guint32          proc,
                                                     gint64           t_ns);
/* Every interval overlapping [from_ns, to_ns), in the order they began;
 * stops early when func returns FALSE. */
typedef gboolean (*ConclaveLeaderFunc) (const ConclaveLeaderInterval *interval, gpointer user_data);
void             conclave_leaders_foreach_in_range (ConclaveLeaders   *self,
                                                    gint64             from_ns,
                                                    gint64             to_ns,
                                                    ConclaveLeaderFunc func,
                                                    gpointer           user_data);

const char      *conclave_leader_end_to_string (ConclaveLeaderEnd end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveLeaders, conclave_leaders_free)

G_END_DECLS
