/* conclave-group-stats.h — what a chapter 4 run amounts to, from its events.
 *
 * Elections (who led when, and how long the group was without a leader:
 * from the last heartbeat of the old leader to the new leader's report),
 * failovers (a crash of the leader to the new leader, and to the next
 * acknowledged post), and posts sent, acknowledged and delivered. Computed
 * in one pass over an event store; for conclave-run's summary and the
 * failover benchmark. Reads the store, never changes it.
 */
#pragma once

#include "conclave-event-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  since_ns;     /* the old leader's last heartbeat, or the first spawn */
  gint64  at_ns;        /* the new leader reported itself */
  guint32 leader;       /* interned node name */
  guint32 previous;     /* 0 for the first leader */
  gint64  term;
} ConclaveElection;

typedef struct {
  gint64  crash_ns;
  guint32 node;         /* the leader that crashed */
  gint64  leader_ns;    /* another server leads; 0: never */
  gint64  ack_ns;       /* a post was acknowledged; 0: never */
} ConclaveFailover;

typedef struct {
  GArray *elections;    /* ConclaveElection */
  GArray *failovers;    /* ConclaveFailover */
  guint   posts_sent;   /* distinct request ids the clients sent */
  guint   posts_acked;
  guint   posts_delivered;
  guint32 election;     /* interned algorithm of the last state report */
} ConclaveGroupStats;

/* NULL when the events hold no group state (not a chapter 4 run). */
ConclaveGroupStats *conclave_group_stats_new   (ConclaveEventStore *store, gint64 from_ns);
void                conclave_group_stats_free  (ConclaveGroupStats *stats);
void                conclave_group_stats_print (ConclaveGroupStats *stats, ConclaveEventStore *store);

/* The q-quantile (0..1) of n values (sorted here), nearest rank. */
double              conclave_quantile          (double *values, guint n, double q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveGroupStats, conclave_group_stats_free)

G_END_DECLS
