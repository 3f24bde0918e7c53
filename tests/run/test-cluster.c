/* test-cluster.c — the lecture's chapters 1–3 end to end through the real
 * core: conclave-node processes, the control channel, the store, the
 * matcher and the node models. */
#include "conclave-cluster.h"
#include "conclave-trace-file.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef gboolean (*Condition) (ConclaveCluster *cluster, gpointer data);

/* Runs the main loop until cond holds, or fails after `seconds`. */
static void
wait_for (ConclaveCluster *cluster, Condition cond, gpointer data, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

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
  return send ? conclave_event_store_str (conclave_cluster_get_store (cluster), send->s[3]) : NULL;
}

static guint
count_delivered (ConclaveCluster *cluster, const char *kind)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  guint n = 0;

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);
      n += m->state == CONCLAVE_MESSAGE_DELIVERED && g_strcmp0 (kind_of (cluster, m), kind) == 0;
    }
  return n;
}

static gboolean
has_reply (ConclaveCluster *cluster, gpointer data)
{
  return count_delivered (cluster, "reply") >= GPOINTER_TO_UINT (data);
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
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);
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
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);
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
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);
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
  g_test_add_func ("/cluster/forged-identity", test_forged_identity);
  return g_test_run ();
}
