/* group-test-util.h — driving a chapter 4 cluster in tests.
 *
 * A real ConclaveCluster with real conclave-node processes at a fast
 * tempo; waits run the main context until a condition holds and fail the
 * test at a deadline (never a bare sleep). Reads what the servers reported:
 * roles, views, deliveries per process, acknowledgements, violations.
 */
#pragma once

#include "conclave-cluster.h"

#define GROUP_TEST_TEMPO 0.05
/* One heartbeat at the test tempo, in seconds. */
#define GROUP_TEST_BEAT  (1.0 * GROUP_TEST_TEMPO)

typedef gboolean (*GroupCondition) (ConclaveCluster *cluster, gpointer data);

/* A cluster at the test tempo (on random ports with CONCLAVE_PORTS=random). */
ConclaveCluster *group_test_new_cluster  (void);
ConclaveCluster *group_test_start        (const char *scenario_id);
void             group_test_finish       (ConclaveCluster *cluster);
/* Runs the main context until cond holds; fails after `seconds`. Returns
 * the seconds it took. */
double           group_test_wait         (ConclaveCluster *cluster, GroupCondition cond,
                                          gpointer data, double seconds, const char *what);

/* Running servers that say they lead. */
guint            group_test_n_leaders    (ConclaveCluster *cluster);
/* The leader if the group has settled: one leader, every running server
 * follows it in its term, and its view holds them all; else NULL. */
ConclaveNode    *group_test_settled      (ConclaveCluster *cluster);
gboolean         group_test_is_settled   (ConclaveCluster *cluster, gpointer unused);
/* Waits for a settled group and returns its leader's name (owned by the node). */
const char      *group_test_wait_settled (ConclaveCluster *cluster, double seconds);

/* The same with exactly n servers in the view. */
const char      *group_test_wait_all_settled (ConclaveCluster *cluster, guint n, double seconds);
/* Every node's state and last output lines, on stderr. */
void             group_test_dump         (ConclaveCluster *cluster);

/* The event-store process of the node's current process (0 if none). */
guint32          group_test_proc         (ConclaveCluster *cluster, const char *name);
/* The requests a node's current process delivered, by sequence number:
 * element seqno - 1, NULL where none was delivered. Counts a second
 * delivery of one sequence number in *twice. */
GPtrArray       *group_test_delivered    (ConclaveCluster *cluster, const char *name, guint *twice);
/* req → seqno of every ACKED event of the clients' current processes. */
GHashTable      *group_test_acked        (ConclaveCluster *cluster);
guint            group_test_count        (ConclaveCluster *cluster, ConclaveEventType type);
/* Violations whose `what` is `what` (NULL: all). */
guint            group_test_violations   (ConclaveCluster *cluster, const char *what);
/* Waits until `n` more posts than now are acknowledged. */
void             group_test_wait_acks    (ConclaveCluster *cluster, guint n, double seconds);
/* Every running server has delivered every acknowledged post, and they
 * all hold the same requests at the same sequence numbers, each once. */
gboolean         group_test_logs_agree   (ConclaveCluster *cluster, gpointer unused);
/* Posts go on until three more are acknowledged, then the clients pause:
 * every server comes to hold every acknowledged post, and no post was lost,
 * disagreed on or delivered twice (split brain may have been reported). */
void             group_test_check_posts_kept (ConclaveCluster *cluster, double seconds);
/* Cut every node of `a` off from every node of `b`, both ways. */
void             group_test_partition    (ConclaveCluster *cluster, const char * const *a,
                                          const char * const *b);
/* Events of `type` by process `proc` after since_ns. */
guint            group_test_count_after  (ConclaveCluster *cluster, guint32 proc, ConclaveEventType type,
                                          gint64 since_ns);
/* A few more posts, then the clients pause: every server must come to
 * hold every acknowledged post, and the checker must have seen nothing. */
void             group_test_check_logs   (ConclaveCluster *cluster);
/* Names of the running servers. */
GPtrArray       *group_test_servers      (ConclaveCluster *cluster);
