/* test-cluster.c — the lecture's chapters 1–3 end to end through the real
 * core: conclave-node processes, the control channel, the store, the
 * matcher and the node models. */
#include "conclave-cluster.h"
#include "cluster-test-wait.h"
#include "conclave-trace-file.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static ConclaveCluster *
start (const char *scenario_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup (scenario_id, &error);
  ConclaveCluster *cluster;

  g_assert_no_error (error);
  cluster = conclave_cluster_new (&error);
  g_assert_no_error (error);
  conclave_cluster_start_scenario (cluster, scenario, &error);
  g_assert_no_error (error);
  /* Fast tempo: the class watches at 1.0, the test need not. */
  conclave_cluster_set_tempo (cluster, 0.05);
  return cluster;
}

static void
finish (ConclaveCluster *cluster)
{
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

static gint
pid_of_proc (ConclaveCluster *cluster, guint32 proc)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (conclave_cluster_get_store (cluster), proc);
  return info ? info->pid : 0;
}

static const char *
kind_of (ConclaveCluster *cluster, const ConclaveMessage *m)
{
  return conclave_event_store_str (conclave_cluster_get_store (cluster), m->kind);
}

static const char *
preview_of (ConclaveCluster *cluster, const ConclaveMessage *m)
{
  const ConclaveEvent *send = conclave_event_store_get (conclave_cluster_get_store (cluster), m->send_index);
  return send ? conclave_event_store_str (conclave_cluster_get_store (cluster), conclave_event_preview (send)) : NULL;
}

static guint
count_delivered (ConclaveCluster *cluster, const char *kind)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  guint n = 0;

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      n += m->state == CONCLAVE_MESSAGE_DELIVERED && g_strcmp0 (kind_of (cluster, m), kind) == 0;
    }
  return n;
}

static gboolean
has_reply (ConclaveCluster *cluster, gpointer data)
{
  return count_delivered (cluster, "reply") >= GPOINTER_TO_UINT (data);
}

/* A message's destination address belongs to its receiver's node: the
 * core answers from the sockets the processes bound and connected. */
static void
check_addresses (ConclaveCluster *cluster)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint checked = 0;

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      const ConclaveEvent *send = conclave_event_store_get (store, m->send_index);
      ConclaveNode *owner;

      if (m->state != CONCLAVE_MESSAGE_DELIVERED || send == NULL || conclave_event_dst (send) == 0)
        continue;
      owner = conclave_cluster_lookup_address (cluster, conclave_event_dst (send));
      g_assert_nonnull (owner);
      g_assert_cmpint (conclave_node_get_pid (owner), ==, pid_of_proc (cluster, m->dst_proc));
      checked++;
    }
  g_assert_cmpuint (checked, >=, 4);
  g_assert_null (conclave_cluster_lookup_address (cluster, 0));
}

/* The newest FAULT event about `name`. */
static const ConclaveEvent *
last_fault (ConclaveCluster *cluster, const char *name)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = conclave_event_store_get_end (store); i > conclave_event_store_get_first (store); i--)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i - 1);

      if (e->type == CONCLAVE_EVENT_FAULT &&
          g_strcmp0 (conclave_event_store_str (store, conclave_event_node (e)), name) == 0)
        return e;
    }
  g_assert_not_reached ();
}

static const char *
isolated (ConclaveCluster *cluster, const char *name)
{
  const char * const *list = conclave_faults_get_isolated (conclave_cluster_get_faults (cluster), name);

  g_assert_true (list == NULL || list[0] != NULL);
  return list ? list[0] : "";
}

static void
apply (ConclaveCluster *cluster, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenarioFault) fault = conclave_scenario_fault_parse (text, &error);

  g_assert_no_error (error);
  conclave_cluster_apply_fault (cluster, fault);
}

static gboolean
both_connected (ConclaveCluster *cluster, gpointer data)
{
  return has_reply (cluster, GUINT_TO_POINTER (1));
}

static gboolean
c1_gone (ConclaveCluster *cluster, gpointer data)
{
  return conclave_cluster_lookup (cluster, "c1") == NULL;
}

/* Fault settings have one owner: each intent changes its one setting and
 * keeps the others, and what is sent (the FAULT event) is what it holds. */
static void
test_faults (void)
{
  ConclaveCluster *cluster = start ("chapter-1");
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  const ConclaveEvent *e;

  wait_for (cluster, both_connected, NULL, 10, "a reply");
  apply (cluster, "0s:isolate:s1");
  g_assert_cmpstr (isolated (cluster, "s1"), ==, "c1");
  g_assert_cmpstr (isolated (cluster, "c1"), ==, "s1");
  g_assert_true (conclave_faults_is_partitioned (faults));

  /* A drop on top keeps the isolation, in the table and on the wire. */
  apply (cluster, "0s:drop:s1:0.3");
  g_assert_cmpstr (isolated (cluster, "s1"), ==, "c1");
  e = last_fault (cluster, "s1");
  g_assert_cmpuint (conclave_event_fault_drop_permille (e), ==, 300);
  g_assert_cmpstr (conclave_event_store_str (store, conclave_event_fault_isolate (e)), ==, "c1");
  g_assert_true (conclave_faults_set_delay (faults, "c1", 100));
  g_assert_cmpstr (isolated (cluster, "c1"), ==, "s1");
  g_assert_cmpint (conclave_event_fault_delay_ms (last_fault (cluster, "c1")), ==, 100);

  /* Healing s1 empties its list and lifts it from c1's; drops and delays stay. */
  apply (cluster, "0s:heal:s1");
  g_assert_cmpfloat (conclave_faults_get_drop (faults, "s1"), ==, 0.3);
  g_assert_cmpstr (isolated (cluster, "s1"), ==, "");
  g_assert_cmpstr (isolated (cluster, "c1"), ==, "");
  g_assert_cmpuint (conclave_faults_get_delay (faults, "c1"), ==, 100);
  g_assert_cmpuint (conclave_event_fault_isolate (last_fault (cluster, "c1")), ==, 0);
  g_assert_false (conclave_faults_is_partitioned (faults));

  /* One way, then a heal of every isolation that keeps delays. */
  g_assert_true (conclave_faults_set_isolated_from (faults, "c1", "s1", TRUE));
  g_assert_cmpstr (isolated (cluster, "c1"), ==, "s1");
  g_assert_cmpstr (isolated (cluster, "s1"), ==, "");
  apply (cluster, "0s:heal");
  g_assert_false (conclave_faults_is_partitioned (faults));
  g_assert_cmpfloat (conclave_faults_get_drop (faults, "s1"), ==, 0.3);
  g_assert_cmpuint (conclave_faults_get_delay (faults, "c1"), ==, 100);

  g_assert_false (conclave_faults_set_drop (faults, "nobody", 0.5));
  g_assert_true (conclave_cluster_remove (cluster, "c1"));
  wait_for (cluster, c1_gone, NULL, 10, "c1 to go");
  g_assert_cmpuint (conclave_faults_get_delay (faults, "c1"), ==, 0);
  finish (cluster);
}

static gboolean
c2_running (ConclaveCluster *cluster, gpointer data)
{
  ConclaveNode *c2 = conclave_cluster_lookup (cluster, "c2");

  return c2 != NULL && conclave_node_get_state (c2) == CONCLAVE_NODE_RUNNING;
}

/* A FAULT about c1 at or after the event index in data. */
static gboolean
faulted_since (ConclaveCluster *cluster, gpointer data)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = GPOINTER_TO_SIZE (data); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_FAULT &&
          g_strcmp0 (conclave_event_store_str (store, conclave_event_node (e)), "c1") == 0)
        return TRUE;
    }
  return FALSE;
}

/* A partition outlives the processes it was made for: a client added
 * afterwards is on the others' side (cut off from s1 both ways), and a
 * restarted node's new process is told its settings again. */
static void
test_partition_persists (void)
{
  ConclaveCluster *cluster = start ("chapter-1");
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);
  g_autofree char *port = g_strdup_printf ("%u", conclave_cluster_get_base_port (cluster));
  const char *args[] = { "--port", port, "--count", "0", NULL };
  const char * const *s1_list;
  guint64 before;

  wait_for (cluster, both_connected, NULL, 10, "a reply");
  apply (cluster, "0s:isolate:s1");
  g_assert_nonnull (conclave_cluster_add_node (cluster, "c2", "udp-client", args, NULL));
  wait_for (cluster, c2_running, NULL, 10, "c2 to say hello");
  g_assert_cmpstr (isolated (cluster, "c2"), ==, "s1");
  s1_list = conclave_faults_get_isolated (faults, "s1");
  g_assert_true (g_strv_contains (s1_list, "c1") && g_strv_contains (s1_list, "c2"));

  before = conclave_event_store_get_end (conclave_cluster_get_store (cluster));
  g_assert_true (conclave_cluster_restart (cluster, "c1", NULL));
  wait_for (cluster, faulted_since, GSIZE_TO_POINTER (before), 10, "c1's new process to get its settings");
  g_assert_cmpstr (conclave_event_store_str (conclave_cluster_get_store (cluster),
                                             conclave_event_fault_isolate (last_fault (cluster, "c1"))), ==, "s1");

  apply (cluster, "0s:heal:s1");
  g_assert_false (conclave_faults_is_partitioned (faults));
  finish (cluster);
}

/* Shutting down while a restart is pending starts nothing again: when it
 * returns, every node has ended and its process is gone. */
static void
test_shutdown_during_restart (void)
{
  ConclaveCluster *cluster = start ("chapter-1");
  ConclaveNode *s1;
  gint pid;

  wait_for (cluster, both_connected, NULL, 10, "a reply");
  s1 = g_object_ref (conclave_cluster_lookup (cluster, "s1"));
  pid = conclave_node_get_pid (s1);
  g_assert_true (conclave_cluster_restart (cluster, "s1", NULL));
  conclave_cluster_shutdown (cluster);
  g_assert_cmpint (conclave_node_get_pid (s1), ==, pid);
  g_assert_cmpint (conclave_node_get_state (s1), >=, CONCLAVE_NODE_EXITED);
  g_object_unref (s1);
  finish (cluster);
}

static void
check_chapter_1 (const char *scenario_id)
{
  ConclaveCluster *cluster = start (scenario_id);
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  gint server_pid, client_pid;
  guint checked = 0;

  wait_for (cluster, has_reply, GUINT_TO_POINTER (2), 10, "two replies");
  server_pid = conclave_node_get_pid (conclave_cluster_lookup (cluster, "s1"));
  client_pid = conclave_node_get_pid (conclave_cluster_lookup (cluster, "c1"));
  g_assert_cmpint (server_pid, >, 0);
  g_assert_cmpint (client_pid, >, 0);
  g_assert_cmpint (conclave_node_get_state (conclave_cluster_lookup (cluster, "s1")), ==, CONCLAVE_NODE_RUNNING);

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      const char *kind = kind_of (cluster, m);

      if (m->state != CONCLAVE_MESSAGE_DELIVERED)
        continue;
      if (g_strcmp0 (kind, "hello") == 0)
        {
          g_assert_cmpint (pid_of_proc (cluster, m->src_proc), ==, client_pid);
          g_assert_cmpint (pid_of_proc (cluster, m->dst_proc), ==, server_pid);
          g_assert_cmpstr (preview_of (cluster, m), ==, "Hi server!");
          checked++;
        }
      else if (g_strcmp0 (kind, "reply") == 0)
        {
          g_assert_cmpint (pid_of_proc (cluster, m->src_proc), ==, server_pid);
          g_assert_cmpint (pid_of_proc (cluster, m->dst_proc), ==, client_pid);
          g_assert_cmpstr (preview_of (cluster, m), ==, "Hi client! Nice to connect with you!");
          g_assert_cmpint (m->recv_ns, >=, m->send_ns);
          checked++;
        }
    }
  g_assert_cmpuint (checked, >=, 4);
  check_addresses (cluster);
  finish (cluster);
}

static void
test_chapter_1_udp (void)
{
  check_chapter_1 ("chapter-1");
}

static void
test_chapter_1_tcp (void)
{
  check_chapter_1 ("chapter-1-tcp");
}

/* Chapter 2: every reply comes from a new child of the server. */
static gboolean
five_children_replied (ConclaveCluster *cluster, gpointer data)
{
  return count_delivered (cluster, "reply") >= 5;
}

static void
test_chapter_2 (void)
{
  ConclaveCluster *cluster = start ("chapter-2");
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autoptr(GHashTable) children = g_hash_table_new (NULL, NULL);
  gint server_pid;

  wait_for (cluster, five_children_replied, NULL, 20, "five replies");
  server_pid = conclave_node_get_pid (conclave_cluster_lookup (cluster, "s1"));

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      ConclaveProcessInfo *child;
      g_autofree char *says = NULL;

      if (m->state != CONCLAVE_MESSAGE_DELIVERED || g_strcmp0 (kind_of (cluster, m), "reply") != 0)
        continue;
      child = conclave_event_store_get_process (store, m->src_proc);
      g_assert_cmpint (child->pid, !=, server_pid);
      g_assert_cmpint (child->ppid, ==, server_pid);
      says = g_strdup_printf ("This is server %d", child->pid);
      g_assert_nonnull (strstr (preview_of (cluster, m), says));
      g_hash_table_add (children, GINT_TO_POINTER (child->pid));
    }
  g_assert_cmpuint (g_hash_table_size (children), >=, 5);
  /* The children hang off the server in the model too. */
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (conclave_cluster_lookup (cluster, "s1"))), >=, 1);
  finish (cluster);
}

static gint
compare_edges (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The core's totals of a node's children are what the store says each
 * child process sent and received. */
static void
check_children_counters (ConclaveCluster *cluster, ConclaveNode *server)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  GListModel *children = conclave_node_get_children (server);
  ConclaveNodeCounters sum = { 0 };
  guint64 sent = 0, received = 0;
  g_autoptr(GHashTable) procs = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (conclave_node_get_children_counters (server, &sum), ==, g_list_model_get_n_items (children));
  for (guint i = 0; i < g_list_model_get_n_items (children); i++)
    {
      g_autoptr(ConclaveNode) child = g_list_model_get_item (children, i);
      ConclaveProcessInfo *info = conclave_event_store_find_process (store, conclave_node_get_pid (child));

      g_assert_nonnull (info);
      g_hash_table_add (procs, GUINT_TO_POINTER (info->index));
    }
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (!g_hash_table_contains (procs, GUINT_TO_POINTER (e->proc)))
        continue;
      sent += e->type == CONCLAVE_EVENT_SEND;
      received += e->type == CONCLAVE_EVENT_RECV;
    }
  g_assert_cmpuint (sum.sent, ==, sent);
  g_assert_cmpuint (sum.received, ==, received);
  g_assert_cmpuint (sum.sent, >=, 12);
}

/* Chapter 3: squares from a pool of at most N workers, several at once. */
static gboolean
twelve_squares (ConclaveCluster *cluster, gpointer data)
{
  return count_delivered (cluster, "square") >= 12;
}

static void
test_chapter_3 (void)
{
  ConclaveCluster *cluster = start ("chapter-3");
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autoptr(GHashTable) workers = g_hash_table_new (NULL, NULL);
  guint squares = 0, max_in_flight = 0;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint server_pid;

  wait_for (cluster, twelve_squares, NULL, 20, "twelve squares");
  server_pid = conclave_node_get_pid (conclave_cluster_lookup (cluster, "s1"));
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      ConclaveProcessInfo *worker;
      gint64 x, y, sq;

      if (m->state != CONCLAVE_MESSAGE_DELIVERED)
        continue;
      if (g_strcmp0 (kind_of (cluster, m), "request") == 0)
        {
          /* +send, -recv: the running sum is requests in flight. */
          gint64 start_edge = m->send_ns * 2 + 1, end_edge = m->recv_ns * 2;
          g_array_append_val (edges, start_edge);
          g_array_append_val (edges, end_edge);
          continue;
        }
      if (g_strcmp0 (kind_of (cluster, m), "square") != 0)
        continue;
      g_assert_cmpint (sscanf (preview_of (cluster, m), "%" G_GINT64_FORMAT "*%" G_GINT64_FORMAT "=%" G_GINT64_FORMAT, &x, &y, &sq), ==, 3);
      g_assert_cmpint (x, ==, y);
      g_assert_cmpint (sq, ==, x * x);
      worker = conclave_event_store_get_process (store, m->src_proc);
      g_assert_cmpint (worker->ppid, ==, server_pid);
      g_hash_table_add (workers, GINT_TO_POINTER (worker->pid));
      squares++;
    }
  g_assert_cmpuint (squares, >=, 12);
  g_assert_cmpuint (g_hash_table_size (workers), <=, 4);
  g_assert_cmpuint (g_hash_table_size (workers), >=, 1);

  /* Requests in flight at once, from send and receive times. */
  g_array_sort (edges, compare_edges);
  for (guint i = 0, now = 0; i < edges->len; i++)
    {
      if (g_array_index (edges, gint64, i) & 1)
        max_in_flight = MAX (max_in_flight, ++now);
      else if (now > 0)
        now--;
    }
  g_test_message ("%u squares from %u workers, up to %u requests in flight at once",
                  squares, g_hash_table_size (workers), max_in_flight);
  g_assert_cmpuint (max_in_flight, >=, 2);
  check_children_counters (cluster, conclave_cluster_lookup (cluster, "s1"));
  finish (cluster);
}

/* ---- identity from the kernel ---- */

static int
connect_control (ConclaveCluster *cluster, const char *lines)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_strlcpy (addr.sun_path, conclave_cluster_get_control_path (cluster), sizeof addr.sun_path);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (write (fd, lines, strlen (lines)), ==, (gssize) strlen (lines));
  return fd;
}

static guint
count_type (ConclaveCluster *cluster, ConclaveEventType type)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    n += conclave_event_store_get (store, i)->type == type;
  return n;
}

static gboolean
has_errors (ConclaveCluster *cluster, gpointer n)
{
  return count_type (cluster, CONCLAVE_EVENT_ERROR) >= GPOINTER_TO_UINT (n);
}

static gboolean
has_node (ConclaveCluster *cluster, gpointer name)
{
  return conclave_cluster_lookup (cluster, name) != NULL;
}

/* The test process poses as s1: first with s1's PID (the kernel says
 * otherwise), then with its own PID (not s1's process nor a descendant).
 * Both are refused with a counted error; nothing they say counts as s1's. */
static void
test_forged_identity (void)
{
  ConclaveCluster *cluster = start ("chapter-1");
  ConclaveNode *s1;
  g_autofree char *as_s1 = NULL, *as_me = NULL, *honest = NULL;
  int fds[3];

  wait_for (cluster, has_reply, GUINT_TO_POINTER (1), 10, "a reply");
  s1 = conclave_cluster_lookup (cluster, "s1");
  g_assert_cmpuint (count_type (cluster, CONCLAVE_EVENT_ERROR), ==, 0);
  as_s1 = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":%d,\"node\":\"s1\",\"role\":\"udp-server\"}\n"
                           "{\"ev\":\"state\",\"seq\":1,\"t\":2,\"role\":\"leader\",\"term\":99,\"election\":\"raft\"}\n"
                           "{\"ev\":\"fork\",\"seq\":2,\"t\":3,\"child\":4242}\n",
                           conclave_node_get_pid (s1), conclave_node_get_ppid (s1));
  as_me = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":%d,\"node\":\"s1\",\"role\":\"udp-server\"}\n"
                           "{\"ev\":\"state\",\"seq\":1,\"t\":2,\"role\":\"leader\",\"term\":77,\"election\":\"raft\"}\n",
                           getpid (), getppid ());
  /* A program run by hand, honest about itself: welcome, as itself. */
  honest = g_strdup_printf ("{\"ev\":\"hello\",\"seq\":0,\"t\":1,\"v\":1,\"pid\":%d,\"ppid\":%d,\"node\":\"visitor\",\"role\":\"program\"}\n",
                            getpid (), getppid ());
  fds[0] = connect_control (cluster, as_s1);
  fds[1] = connect_control (cluster, as_me);
  wait_for (cluster, has_errors, GUINT_TO_POINTER (2), 5, "two refusals");
  fds[2] = connect_control (cluster, honest);
  wait_for (cluster, has_node, "visitor", 5, "the honest visitor");

  g_assert_cmpuint (count_type (cluster, CONCLAVE_EVENT_ERROR), ==, 2);
  g_assert_cmpstr (conclave_node_get_group_role (s1), ==, "");
  g_assert_cmpuint (conclave_node_get_term (s1), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (conclave_node_get_children (s1)), ==, 0);
  g_assert_cmpint (conclave_node_get_state (s1), ==, CONCLAVE_NODE_RUNNING);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  finish (cluster);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster/chapter-1-udp", test_chapter_1_udp);
  g_test_add_func ("/cluster/chapter-1-tcp", test_chapter_1_tcp);
  g_test_add_func ("/cluster/chapter-2", test_chapter_2);
  g_test_add_func ("/cluster/chapter-3", test_chapter_3);
  g_test_add_func ("/cluster/faults", test_faults);
  g_test_add_func ("/cluster/partition-persists", test_partition_persists);
  g_test_add_func ("/cluster/shutdown-during-restart", test_shutdown_during_restart);
  g_test_add_func ("/cluster/forged-identity", test_forged_identity);
  return g_test_run ();
}
