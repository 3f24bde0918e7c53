/* test-group.c — chapter 4 end to end: real group servers and clients
 * through a real ConclaveCluster at tempo 0.05 (a heartbeat is 50 ms).
 * Each case is its own meson test (see meson.build). */
#include "group-test-util.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A new leader within this many heartbeats of the crash: raft's longest
 * timeout (6) twice over (a split vote), plus slack for a loaded machine. */
#define FAILOVER_BEATS 20

static const char *
scenario_of (const char *election)
{
  return g_str_equal (election, "raft") ? "chapter-4"
       : g_str_equal (election, "bully") ? "chapter-4-bully" : "chapter-4-ring";
}

static ConclaveEvent
last_event_of (ConclaveCluster *cluster, ConclaveEventType type)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = conclave_event_store_get_end (store); i-- > conclave_event_store_get_first (store);)
    if (conclave_event_store_get (store, i)->type == type)
      return *conclave_event_store_get (store, i);
  g_assert_not_reached ();
}

/* When a server other than `old` first reported itself leader after `since_ns`. */
static gint64
new_leader_at (ConclaveCluster *cluster, const char *old, gint64 since_ns)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint32 old_proc = group_test_proc (cluster, old);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_STATE && e->time_ns > since_ns && e->proc != old_proc
          && g_strcmp0 (conclave_event_store_str (store, conclave_event_state_role (e)), "leader") == 0)
        return e->time_ns;
    }
  return 0;
}

static gboolean
settled_without (ConclaveCluster *cluster, gpointer old)
{
  ConclaveNode *leader = group_test_settled (cluster);

  return leader != NULL && g_strcmp0 (conclave_node_get_name (leader), old) != 0;
}

static const char *
any_follower (ConclaveCluster *cluster, const char *leader)
{
  g_autoptr(GPtrArray) servers = group_test_servers (cluster);

  for (guint i = 0; i < servers->len; i++)
    if (g_strcmp0 (servers->pdata[i], leader) != 0)
      return conclave_node_get_name (conclave_cluster_lookup (cluster, servers->pdata[i]));
  g_assert_not_reached ();
}

typedef struct {
  const char *leader;
  const char *member;
  gboolean    present;
} ViewWait;

static gboolean
view_has (ConclaveCluster *cluster, gpointer data)
{
  ViewWait *w = data;
  const char * const *view = conclave_node_get_view (conclave_cluster_lookup (cluster, w->leader));

  return (view != NULL && g_strv_contains (view, w->member)) == w->present;
}

/* Crash the leader: exactly one new leader, within the bound. */
static char *
crash_leader (ConclaveCluster *cluster)
{
  g_autofree char *old = NULL;
  gint64 crashed_ns, elected_ns;
  const char *now;

  group_test_wait_acks (cluster, 2, 10);
  old = g_strdup (group_test_wait_settled (cluster, 10));
  g_assert_true (conclave_cluster_crash (cluster, old));
  crashed_ns = last_event_of (cluster, CONCLAVE_EVENT_CRASH).time_ns;
  group_test_wait (cluster, settled_without, old, 10, "a new leader");
  elected_ns = new_leader_at (cluster, old, crashed_ns);
  g_assert_cmpint (elected_ns, >, 0);
  now = conclave_node_get_name (group_test_settled (cluster));
  g_test_message ("%s crashed; %s leads %.0f ms later", old, now, (elected_ns - crashed_ns) / 1e6);
  if ((elected_ns - crashed_ns) / 1e9 > FAILOVER_BEATS * GROUP_TEST_BEAT)
    group_test_dump (cluster);
  g_assert_cmpfloat ((elected_ns - crashed_ns) / 1e9, <=, FAILOVER_BEATS * GROUP_TEST_BEAT);
  g_assert_cmpuint (group_test_n_leaders (cluster), ==, 1);
  g_assert_false (conclave_node_is_leader (conclave_cluster_lookup (cluster, old)));
  return g_steal_pointer (&old);
}

static gboolean
is_leader_message (ConclaveEventStore *store, const ConclaveEvent *e, guint32 proc)
{
  const char *kind;

  if (e->type != CONCLAVE_EVENT_RECV || e->proc != proc)
    return FALSE;
  kind = conclave_event_store_str (store, conclave_event_kind (e));
  return g_strcmp0 (kind, "heartbeat") == 0 || g_strcmp0 (kind, "append") == 0;
}

/* Raft reports the timeout its leader timer really runs with
 * (`timeout_ms`, drawn once per term, never a state line per heartbeat):
 * the first follower to stand after the crash does so that long (times the
 * tempo) after the last heartbeat or append it received. */
static void
test_raft_timeout (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autofree char *old = crash_leader (cluster);
  gint64 crashed_ns = last_event_of (cluster, CONCLAVE_EVENT_CRASH).time_ns;
  const ConclaveEvent *stood = NULL;
  gint64 heard_ns = 0;
  guint timeout_ms = 0, heard = 0, most_heard = 0;
  double waited_ms;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store) && stood == NULL; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_STATE && e->time_ns > crashed_ns &&
          g_strcmp0 (conclave_event_store_str (store, conclave_event_state_role (e)), "candidate") == 0)
        stood = e;
    }
  g_assert_nonnull (stood);
  for (guint64 i = conclave_event_store_get_first (store); conclave_event_store_get (store, i) != stood; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (is_leader_message (store, e, stood->proc))
        {
          heard_ns = e->time_ns;
          most_heard = MAX (most_heard, ++heard);
        }
      else if (e->type == CONCLAVE_EVENT_STATE && e->proc == stood->proc)
        {
          timeout_ms = conclave_event_state_timeout_ms (e);
          heard = 0;
        }
    }
  waited_ms = (stood->time_ns - heard_ns) / 1e6;
  g_test_message ("%s crashed; the first candidate waited %.1f ms after its last heartbeat; "
                  "it reported %u ms at tempo 1 (%.1f ms at the tempo); up to %u heartbeats in a row without a state line",
                  old, waited_ms, timeout_ms, timeout_ms * GROUP_TEST_TEMPO, most_heard);
  /* raft: 3 to 6 heartbeats of 1000 ms at tempo 1 */
  g_assert_cmpuint (timeout_ms, >=, 3000);
  g_assert_cmpuint (timeout_ms, <=, 6000);
  g_assert_cmpfloat (waited_ms, >=, timeout_ms * GROUP_TEST_TEMPO - 5);
  g_assert_cmpfloat (waited_ms, <=, timeout_ms * GROUP_TEST_TEMPO + 50);
  /* Heartbeats restart the timer without a state line each. */
  g_assert_cmpuint (most_heard, >=, 3);
  group_test_finish (cluster);
}

static void
test_failover (gconstpointer data)
{
  ConclaveCluster *cluster = group_test_start (scenario_of (data));
  g_autofree char *old = crash_leader (cluster);
  const char *leader = conclave_node_get_name (group_test_settled (cluster));
  g_autofree char *follower = g_strdup (any_follower (cluster, leader));
  ViewWait w = { leader, follower, FALSE };

  /* A crashed follower leaves the view; restarted, it rejoins and catches up. */
  g_assert_true (conclave_cluster_crash (cluster, follower));
  group_test_wait (cluster, view_has, &w, 5, "the crashed follower to leave the view");
  g_assert_true (conclave_cluster_restart (cluster, follower, NULL));
  g_assert_true (conclave_cluster_restart (cluster, old, NULL));
  group_test_wait_all_settled (cluster, 3, 10);
  group_test_check_logs (cluster);
  group_test_finish (cluster);
}

/* Leaders crash while the clients post: nothing acknowledged is lost,
 * nothing is delivered twice, every log has the same order. */
static void
test_replication (gconstpointer data)
{
  ConclaveCluster *cluster = group_test_start (scenario_of (data));
  guint acked;

  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *old = crash_leader (cluster);
      group_test_wait_acks (cluster, 2, 10);
      g_assert_true (conclave_cluster_restart (cluster, old, NULL));
      group_test_wait_all_settled (cluster, 3, 10);
    }
  group_test_check_logs (cluster);
  acked = group_test_count (cluster, CONCLAVE_EVENT_ACKED);
  g_test_message ("%u posts acknowledged", acked);
  g_assert_cmpuint (acked, >=, 22);
  group_test_finish (cluster);
}

/* ---- partitions ---- */

static void
heal (ConclaveCluster *cluster)
{
  conclave_faults_heal (conclave_cluster_get_faults (cluster));
}

/* Messages of `kind` a process sent (or lost to a fault) after `since_ns`. */
static guint
count_sent_after (ConclaveCluster *cluster, guint32 proc, const char *kind, gint64 since_ns)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      n += (e->type == CONCLAVE_EVENT_SEND || e->type == CONCLAVE_EVENT_DROP) && e->proc == proc
           && e->time_ns > since_ns && g_strcmp0 (conclave_event_store_str (store, conclave_event_kind (e)), kind) == 0;
    }
  return n;
}

typedef struct {
  const char *old;
  guint32     c1;
  gint64      since_ns;
} MinorityWait;

/* The majority has a new leader, the old one stepped down, and c1 (cut
 * off with it) has tried again and again. */
static gboolean
minority_stuck (ConclaveCluster *cluster, gpointer data)
{
  MinorityWait *w = data;
  ConclaveNode *old = conclave_cluster_lookup (cluster, w->old);

  return group_test_n_leaders (cluster) == 1 && !conclave_node_is_leader (old)
         && count_sent_after (cluster, w->c1, "post", w->since_ns) + count_sent_after (cluster, w->c1, "discover", w->since_ns) >= 4;
}

static void
test_raft_partition (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  g_autofree char *old = g_strdup (group_test_wait_settled (cluster, 10));
  const char *others[3] = { NULL, NULL, "c2" };
  const char *minority[] = { old, "c1", NULL };
  const char *majority[] = { NULL, NULL, "c2", NULL };
  MinorityWait w = { old, 0, 0 };
  guint32 old_proc = group_test_proc (cluster, old);
  gint64 grace = (gint64) (GROUP_TEST_BEAT * 1e9);

  group_test_wait_acks (cluster, 3, 10);
  w.c1 = group_test_proc (cluster, "c1");
  for (guint i = 0, k = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i + 1);
      if (g_strcmp0 (name, old) != 0)
        others[k++] = conclave_node_get_name (conclave_cluster_lookup (cluster, name));
    }
  majority[0] = others[0];
  majority[1] = others[1];
  group_test_partition (cluster, minority, majority);
  w.since_ns = last_event_of (cluster, CONCLAVE_EVENT_FAULT).time_ns;
  group_test_wait_acks (cluster, 4, 10);  /* c2, through the majority's new leader */
  group_test_wait (cluster, minority_stuck, &w, 10, "the cut-off leader to step down");
  /* The minority acknowledged nothing and delivered nothing new. */
  g_assert_cmpuint (count_sent_after (cluster, old_proc, "post-ack", w.since_ns + grace), ==, 0);
  g_assert_cmpuint (group_test_count_after (cluster, old_proc, CONCLAVE_EVENT_DELIVER, w.since_ns + grace), ==, 0);
  g_assert_cmpuint (group_test_count_after (cluster, w.c1, CONCLAVE_EVENT_ACKED, w.since_ns + grace), ==, 0);

  heal (cluster);
  group_test_wait_settled (cluster, 10);
  group_test_check_logs (cluster);
  group_test_finish (cluster);
}

static gboolean
split_brain_seen (ConclaveCluster *cluster, gpointer unused)
{
  return group_test_violations (cluster, "split-brain") > 0;
}

/* Bully and ring elect a leader on each side: the checker says so. */
static void
test_split_brain (gconstpointer data)
{
  ConclaveCluster *cluster = group_test_start (scenario_of (data));
  g_autofree char *old = g_strdup (group_test_wait_settled (cluster, 10));
  ConclaveScenarioFault isolate = { 0, CONCLAVE_FAULT_ISOLATE, old, 0 };

  group_test_wait_acks (cluster, 2, 10);
  conclave_cluster_apply_fault (cluster, &isolate);
  group_test_wait (cluster, split_brain_seen, NULL, 10, "the checker to report split brain");
  g_assert_true (conclave_node_is_leader (conclave_cluster_lookup (cluster, old)));
  g_assert_cmpuint (group_test_n_leaders (cluster), ==, 2);
  heal (cluster);
  group_test_wait_settled (cluster, 10);
  group_test_finish (cluster);
}

/* ---- odd input, discovery, state ---- */

static void
send_datagram (guint16 port, const char *addr, const char *data)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int one = 1;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };

  g_assert_cmpint (fd, >=, 0);
  inet_pton (AF_INET, addr, &to.sin_addr);
  setsockopt (fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  g_assert_cmpint (sendto (fd, data, strlen (data), 0, (struct sockaddr *) &to, sizeof to), ==, (gssize) strlen (data));
  close (fd);
}

static gboolean
garbage_counted (ConclaveCluster *cluster, gpointer unused)
{
  ConclaveNode *s1 = conclave_cluster_lookup (cluster, "s1");

  return conclave_node_get_counters (s1)->garbage >= 2;
}

static ConclaveNode *
add (ConclaveCluster *cluster, const char *name, const char *role, const char *extra)
{
  g_autoptr(GError) error = NULL;
  const char *args[] = { "--group-port", "{group_port}", extra, NULL };
  ConclaveNode *node = conclave_cluster_add_node (cluster, name, role, args, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_garbage (void)
{
  ConclaveCluster *cluster = group_test_new_cluster ();
  guint16 port;

  port = (guint16) (conclave_cluster_get_base_port (cluster) + 1);  /* {group_port} */
  add (cluster, "s1", "group-server", NULL);
  group_test_wait_settled (cluster, 10);
  send_datagram (port, "127.255.255.255", "hello, this is not a Conclave message");
  send_datagram (port, "127.255.255.255", "CNV1 1:1 1 heartbeat term=3 no sender");
  /* The second looks like a message, but it has no MAC: garbage too. */
  group_test_wait (cluster, garbage_counted, NULL, 5, "the garbage to be counted");
  g_assert_cmpuint (conclave_node_get_counters (conclave_cluster_lookup (cluster, "s1"))->garbage, ==, 2);
  /* Ignored, not fatal: it still leads and serves. */
  add (cluster, "c1", "group-client", NULL);
  group_test_wait_acks (cluster, 2, 10);
  g_assert_true (conclave_node_is_leader (conclave_cluster_lookup (cluster, "s1")));
  g_assert_cmpuint (group_test_count (cluster, CONCLAVE_EVENT_ERROR), ==, 0);
  group_test_finish (cluster);
}

/* The UDP addresses a node has bound: its own, and the group port for servers. */
static void
add_addresses (ConclaveNode *node, GArray *addrs)
{
  const char * const *addresses = conclave_node_get_addresses (node);

  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    {
      char ip[16];
      guint16 port;
      struct sockaddr_in to = { .sin_family = AF_INET };

      if (sscanf (addresses[i], "udp %15[0-9.]:%hu", ip, &port) == 2 && inet_pton (AF_INET, ip, &to.sin_addr) == 1)
        {
          to.sin_port = htons (port);
          g_array_append_val (addrs, to);
        }
    }
}

static void
send_bytes (int fd, const struct sockaddr_in *to, const char *data, gsize len)
{
  /* A full receive buffer may refuse some: garbage either way. */
  (void) sendto (fd, data, len, 0, (const struct sockaddr *) to, sizeof *to);
}

/* Random bytes, a quarter of them behind a valid-looking header. */
static gsize
random_garbage (char *buf, gsize size)
{
  gsize len = (gsize) g_random_int_range (1, (gint) size), start = 0;

  if (g_random_int_range (0, 4) == 0)
    start = (gsize) g_snprintf (buf, size, "CNV1 %u:%u %u vote-request from=s%u term=",
                                g_random_int (), g_random_int (), g_random_int (), g_random_int_range (1, 4));
  for (gsize i = MIN (start, len); i < len; i++)
    buf[i] = (char) g_random_int_range (0, 256);
  return len;
}

static gboolean
each_server_counted_garbage (ConclaveCluster *cluster, gpointer unused)
{
  const char *names[] = { "s1", "s2", "s3" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (conclave_node_get_counters (conclave_cluster_lookup (cluster, names[i]))->garbage < 1)
      return FALSE;
  return TRUE;
}

/* A local user forges a vote for the largest term to every server, then
 * throws 10 000 random datagrams at every port: all of it is garbage
 * (counted), the group keeps its small terms and goes on serving. */
static void
test_forged (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  const char *names[] = { "s1", "s2", "s3" };
  g_autoptr(GArray) addrs = g_array_new (FALSE, FALSE, sizeof (struct sockaddr_in));
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
  char buf[512];

  setsockopt (fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);  /* the group port too */

  group_test_wait_all_settled (cluster, 3, 10);
  group_test_wait_acks (cluster, 2, 10);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GArray) own = g_array_new (FALSE, FALSE, sizeof (struct sockaddr_in));
      g_autofree char *forged = g_strdup_printf ("CNV1 %d:%u 1 vote-request from=%s term=9223372036854775807 last=1000 lterm=9223372036854775807",
                                                 getpid (), i + 1, names[(i + 1) % 3]);

      add_addresses (conclave_cluster_lookup (cluster, names[i]), own);
      g_assert_cmpuint (own->len, >=, 2);  /* its own and the group port */
      for (guint k = 0; k < own->len; k++)
        send_bytes (fd, &g_array_index (own, struct sockaddr_in, k), forged, strlen (forged));
      g_array_append_vals (addrs, own->data, own->len);
    }
  for (guint i = 0; i < 10000; i++)
    send_bytes (fd, &g_array_index (addrs, struct sockaddr_in, i % addrs->len), buf,
                random_garbage (buf, sizeof buf));
  close (fd);
  group_test_wait_acks (cluster, 3, 20);
  group_test_wait_all_settled (cluster, 3, 10);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (conclave_node_get_term (conclave_cluster_lookup (cluster, names[i])), <, 1000);
  group_test_wait (cluster, each_server_counted_garbage, NULL, 5, "every server to count garbage");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_test_message ("%s: term %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT " garbage", names[i],
                    conclave_node_get_term (conclave_cluster_lookup (cluster, names[i])),
                    conclave_node_get_counters (conclave_cluster_lookup (cluster, names[i]))->garbage);
  group_test_check_logs (cluster);
  group_test_finish (cluster);
}

static gboolean
delivered_text (ConclaveCluster *cluster, gpointer text)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_DELIVER
          && g_strcmp0 (conclave_event_store_str (store, conclave_event_deliver_text (e)), text) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Discovery by multicast; and a post the teacher asks for (`post` command). */
static void
test_multicast (void)
{
  ConclaveCluster *cluster = group_test_new_cluster ();

  add (cluster, "s1", "group-server", "--discovery=multicast");
  add (cluster, "s2", "group-server", "--discovery=multicast");
  group_test_wait_settled (cluster, 10);
  g_assert_cmpuint (g_strv_length ((char **) conclave_node_get_view (group_test_settled (cluster))), ==, 2);
  add (cluster, "c1", "group-client", "--discovery=multicast");
  group_test_wait_acks (cluster, 2, 10);
  g_assert_true (conclave_cluster_send_command (cluster, "c1", "{\"cmd\":\"post\",\"text\":\"a word from \\\"the teacher\\\"\"}"));
  group_test_wait (cluster, delivered_text, "a word from \"the teacher\"", 5, "the teacher's post");
  group_test_finish (cluster);
}

static gboolean
file_exists (ConclaveCluster *cluster, gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Servers keep their log in the cluster's own directory: emptied for a new
 * scenario, gone with the cluster. */
static void
test_state_dir (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  g_autofree char *dir = g_strdup (conclave_cluster_get_state_dir (cluster));
  g_autofree char *file = g_build_filename (dir, "s1.state", NULL);
  g_autoptr(ConclaveScenario) chapter_1 = conclave_scenario_lookup ("chapter-1", NULL);

  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  group_test_wait (cluster, file_exists, file, 5, "s1's state file");
  g_assert_true (conclave_cluster_start_scenario (cluster, chapter_1, NULL));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  group_test_finish (cluster);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

/* The same scenario again in the same cluster: a new group, new terms
 * and sequence numbers, and nothing the checker could mistake for the
 * old run's. */
static void
test_restart_scenario (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  g_autoptr(ConclaveScenario) again = conclave_scenario_lookup ("chapter-4", NULL);

  group_test_wait_settled (cluster, 10);
  group_test_wait_acks (cluster, 3, 10);
  again->tempo = GROUP_TEST_TEMPO;
  g_assert_true (conclave_cluster_start_scenario (cluster, again, NULL));
  group_test_wait_all_settled (cluster, 3, 10);
  group_test_check_logs (cluster);
  group_test_finish (cluster);
}

int
main (int argc, char *argv[])
{
  const char *elections[] = { "raft", "bully", "ring" };

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (elections); i++)
    {
      g_autofree char *failover = g_strdup_printf ("/group/%s/failover", elections[i]);
      g_autofree char *replication = g_strdup_printf ("/group/%s/replication", elections[i]);

      g_test_add_data_func (failover, elections[i], test_failover);
      g_test_add_data_func (replication, elections[i], test_replication);
    }
  g_test_add_func ("/group/raft/partition", test_raft_partition);
  g_test_add_func ("/group/raft/timeout", test_raft_timeout);
  g_test_add_data_func ("/group/bully/split-brain", "bully", test_split_brain);
  g_test_add_data_func ("/group/ring/split-brain", "ring", test_split_brain);
  g_test_add_func ("/group/garbage", test_garbage);
  g_test_add_func ("/group/forged", test_forged);
  g_test_add_func ("/group/multicast", test_multicast);
  g_test_add_func ("/group/state-dir", test_state_dir);
  g_test_add_func ("/group/restart-scenario", test_restart_scenario);
  return g_test_run ();
}
