/* test-lan-faults.c — drop and delay applied by the LAN itself, checked on a
 * statically linked program (lan-udp.c) that the trace library cannot
 * reach, and on a traced one whose shim must leave datagrams alone:
 * drop-all     drop 1 on the sender: nothing arrives, one `drop` per
 *              datagram, each with the payload's hash; with the fault
 *              gone the next batch arrives whole;
 * paired       a traced sender (python) with drop 1: every send is reported
 *              (the shim dropped none), every one pairs with one network
 *              drop at the receiver, same hash;
 * broadcast    a traced sender's broadcasts, dropped by the network as
 *              they leave it: each listener (s2, s3) gets one drop per
 *              send, paired with that send (same key), none without a
 *              receiver, and nothing arrives;
 * drop-30      drop 0.3 (batches of 50, which the receiver's socket
 *              buffer holds while it waits for the CPU): what arrives is
 *              within 5 standard deviations of 70 % of 400, and every
 *              missing one was reported dropped;
 * delay        80 ms at the sender and 40 ms at the receiver: each one-way
 *              delay is at least 120 ms and under 220 ms, and the order
 *              of 50 back-to-back datagrams is kept;
 * lifted       a delay lifted while 20 datagrams are held: all arrive at
 *              once, in order;
 * partition    an isolated receiver gets nothing from a static sender;
 * fallback     where the network cannot (CONCLAVE_LAN_FAULTS=off stands in
 *              for a kernel that refuses), the cluster says so once and
 *              the shim drops the traced sender's datagrams itself.
 * Skips where the kernel allows no user namespace, or no nftables queue.
 */
#include "conclave-matcher.h"
#include "trace-test-util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT "10001"
#define PYTHON "/usr/bin/python3"

/* A cluster on the LAN whose links drop and delay, or NULL (skipped). */
static ConclaveCluster *
fault_cluster (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(GError) error = NULL;
  const char *refused;

  if (!conclave_cluster_set_network (cluster, CONCLAVE_NETWORK_LAN, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_test_skip (error->message);
      conclave_cluster_shutdown (cluster);
      return NULL;
    }
  refused = conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster));
  if (refused != NULL)
    {
      g_test_skip (refused);
      trace_test_finish (g_steal_pointer (&cluster));
      return NULL;
    }
  return g_steal_pointer (&cluster);
}

static void
add (ConclaveCluster *cluster, const char *name, const char * const *argv)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, TRUE, &error));
  g_assert_no_error (error);
}

static gboolean
says (ConclaveCluster *cluster, gpointer data)
{
  const char * const *what = data;
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, what[0]));

  return strstr (out, what[1]) != NULL;
}

static void
wait_says (ConclaveCluster *cluster, const char *name, const char *text)
{
  const char *what[] = { name, text };

  trace_test_wait (cluster, says, what, 20, text);
}

static gboolean
python_said_hello (ConclaveCluster *cluster, gpointer unused)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveProcessInfo *info = conclave_event_store_find_process (store,
                                                                 conclave_node_get_pid (conclave_cluster_lookup (cluster, "s1")));

  return info != NULL && g_str_has_prefix (conclave_event_store_str (store, info->program) ?: "", "python3");
}

/* s2 receives `count` (static); s1 sends `batch` datagrams at each go
 * (static), or `count` once and ends (python through the trace library,
 * whose reports are batched until it waits on a socket or ends); s2
 * ready when this returns. */
static void
start_batches (ConclaveCluster *cluster, guint count, guint batch, guint idle_ms, gboolean traced_sender)
{
  const char *udp = g_getenv ("LAN_UDP");
  g_autofree char *n = g_strdup_printf ("%u", count);
  g_autofree char *per_go = g_strdup_printf ("%u", batch);
  g_autofree char *idle = g_strdup_printf ("%u", idle_ms);
  g_autofree char *script = g_strdup_printf ("import socket, sys\n"
                                             "sys.stdin.readline()\n"
                                             "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                             "for i in range(%u):\n"
                                             "    s.sendto(b'py %%d' %% i, ('s2', " PORT "))\n"
                                             "print('sent', flush=True)\n", count);
  const char *receiver[] = { udp, "recv", PORT, n, idle, NULL };
  const char *sender[] = { udp, "send", "s2", PORT, per_go, NULL };
  const char *python[] = { PYTHON, "-c", script, NULL };

  add (cluster, "s2", receiver);
  add (cluster, "s1", traced_sender ? python : sender);
  wait_says (cluster, "s2", "ready\n");
  /* Fault commands go to the program, not to the wrapper before it; the
   * program's first socket call (after "go") reads them. */
  if (traced_sender)
    trace_test_wait (cluster, python_said_hello, NULL, 20, "python's hello");
}

/* The same, a batch of `count` at each go. */
static void
start_pair (ConclaveCluster *cluster, guint count, guint idle_ms, gboolean traced_sender)
{
  start_batches (cluster, count, count, idle_ms, traced_sender);
}

static void
go (ConclaveCluster *cluster)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  g_assert_no_error (error);
}

static guint
count_drops (ConclaveCluster *cluster, guint flag, guint *with_flag)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  *with_flag = 0;
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e != NULL && e->type == CONCLAVE_EVENT_DROP)
        {
          n++;
          *with_flag += (e->flags & flag) != 0;
        }
    }
  return n;
}

static gboolean
dropped_at_least (ConclaveCluster *cluster, gpointer n)
{
  guint unused;

  return count_drops (cluster, 0, &unused) >= GPOINTER_TO_UINT (n);
}

/* "got N DELAY_US" lines of s2: their numbers and delays. */
static guint
read_got (ConclaveCluster *cluster, GArray *numbers, GArray *delays_us)
{
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s2"));
  g_auto(GStrv) lines = g_strsplit (out, "\n", 0);
  guint got = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      gint number;
      gint64 delay;

      if (sscanf (lines[i], "got %d %" G_GINT64_FORMAT, &number, &delay) != 2)
        continue;
      got++;
      if (numbers != NULL)
        g_array_append_val (numbers, number);
      if (delays_us != NULL)
        g_array_append_val (delays_us, delay);
    }
  return got;
}

/* --- drop everything --------------------------------------------------- */

static void
test_drop_all (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();
  g_autoptr(GHashTable) hashes = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint));
  ConclaveEventStore *store;
  guint at_receiver, n = 40;

  if (cluster == NULL)
    return;
  start_pair (cluster, n, 20000, FALSE);
  store = conclave_cluster_get_store (cluster);
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", 1.0));
  go (cluster);
  trace_test_wait (cluster, dropped_at_least, GUINT_TO_POINTER (n), 20, "every datagram reported dropped");
  /* The sender reports nothing itself: each drop is its own, one per payload. */
  g_assert_cmpuint (count_drops (cluster, CONCLAVE_EVENT_FLAG_DIR_RECV, &at_receiver), ==, n);
  g_assert_cmpuint (at_receiver, ==, 0);
  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type != CONCLAVE_EVENT_DROP)
        continue;
      g_assert_true (e->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH);
      g_assert_false (e->flags & CONCLAVE_EVENT_FLAG_ISOLATED);
      g_assert_true (g_str_has_prefix (conclave_event_store_str (store, conclave_event_preview (e)), "n="));
      g_assert_true (g_str_has_suffix (conclave_event_store_str (store, conclave_event_dst (e)), ":" PORT));
      g_hash_table_add (hashes, (gpointer) &e->key);
    }
  g_assert_cmpuint (g_hash_table_size (hashes), ==, n);
  g_assert_cmpuint (read_got (cluster, NULL, NULL), ==, 0);

  /* The fault gone, the next batch arrives whole and in order. */
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", 0));
  go (cluster);
  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpuint (read_got (cluster, numbers, NULL), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (numbers, gint, i), ==, (gint) (n + i));
  g_assert_cmpuint (count_drops (cluster, 0, &at_receiver), ==, n);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a traced sender: the drop pairs with its send ----------------------- */

static gboolean
s1_sent (ConclaveCluster *cluster, gpointer n)
{
  return trace_test_count_events (cluster, CONCLAVE_EVENT_SEND, NULL, conclave_cluster_lookup (cluster, "s1"))
         >= GPOINTER_TO_UINT (n);
}

/* Message i is `sender`'s send that the network dropped at a receiver:
 * the send is reported, and the drop that ends it has its key and text.
 * Returns the drop. */
static const ConclaveEvent *
check_dropped_send (ConclaveCluster *cluster, guint64 i, ConclaveNode *sender)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveMessage m_data;
  const ConclaveMessage *m = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster), i, &m_data);
  const ConclaveEvent *send = conclave_event_store_get (store, m->send_index);
  const ConclaveEvent *drop = conclave_event_store_get (store, m->recv_index);

  g_assert_cmpint (m->state, ==, CONCLAVE_MESSAGE_DROPPED);
  g_assert_true (conclave_cluster_node_for_proc (cluster, m->src_proc) == sender);
  g_assert_cmpint (send->type, ==, CONCLAVE_EVENT_SEND);
  g_assert_cmpint (drop->type, ==, CONCLAVE_EVENT_DROP);
  g_assert_true (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_cmpuint (drop->proc, ==, m->dst_proc);
  g_assert_cmpuint (send->key, ==, drop->key);
  g_assert_cmpint (drop->time_ns, >=, send->time_ns);
  g_assert_cmpstr (conclave_event_store_str (store, conclave_event_preview (send)), ==,
                   conclave_event_store_str (store, conclave_event_preview (drop)));
  return drop;
}

static void
test_paired (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();
  ConclaveMatcher *matcher;
  ConclaveNode *s1;
  guint at_receiver, n = 30, dropped = 0;

  if (cluster == NULL)
    return;
  start_pair (cluster, n, 20000, TRUE);
  s1 = conclave_cluster_lookup (cluster, "s1");
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", 1.0));
  go (cluster);
  trace_test_wait_ended (cluster, "s1", 20);
  trace_test_wait (cluster, dropped_at_least, GUINT_TO_POINTER (n), 20, "every datagram reported dropped");
  trace_test_wait (cluster, s1_sent, GUINT_TO_POINTER (n), 20, "every send reported");
  /* No double drop: the shim let every datagram go and reported its send. */
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SEND, NULL, s1), ==, n);
  g_assert_cmpuint (count_drops (cluster, CONCLAVE_EVENT_FLAG_DIR_RECV, &at_receiver), ==, n);
  g_assert_cmpuint (at_receiver, ==, n);

  matcher = conclave_cluster_get_matcher (cluster);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      check_dropped_send (cluster, i, s1);
      dropped++;
    }
  g_assert_cmpuint (dropped, ==, n);
  g_assert_cmpuint (read_got (cluster, NULL, NULL), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a broadcast dropped as it leaves: a drop for every receiver ---------- */

static gboolean
listening (ConclaveCluster *cluster, gpointer unused)
{
  for (const char * const *name = (const char * const []) { "s2", "s3", NULL }; *name; name++)
    if (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, NULL, conclave_cluster_lookup (cluster, *name)) == 0)
      return FALSE;
  return TRUE;
}

static void
test_broadcast (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();
  g_autoptr(GHashTable) copies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const guint n = 10;
  const char *listen = "import socket\n"
                       "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                       "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                       "s.bind(('', " PORT "))\n"
                       "print('ready', flush=True)\n"
                       "while True:\n"
                       "    print('got', s.recv(100), flush=True)\n";
  g_autofree char *send = g_strdup_printf ("import socket, sys\n"
                                           "sys.stdin.readline()\n"
                                           "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                                           "s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)\n"
                                           "for i in range(%u):\n"
                                           "    s.sendto(b'bc %%d' %% i, ('10.77.0.255', " PORT "))\n"
                                           "print('sent', flush=True)\n", n);
  const char *receiver[] = { PYTHON, "-c", listen, NULL };
  const char *sender[] = { PYTHON, "-c", send, NULL };
  ConclaveMatcher *matcher;
  ConclaveNode *s1, *s2, *s3;
  guint at_receiver, to_s2 = 0, to_s3 = 0;

  if (cluster == NULL)
    return;
  add (cluster, "s2", receiver);
  add (cluster, "s3", receiver);
  add (cluster, "s1", sender);
  wait_says (cluster, "s2", "ready\n");
  wait_says (cluster, "s3", "ready\n");
  trace_test_wait (cluster, listening, NULL, 20, "both receivers' sockets reported");
  trace_test_wait (cluster, python_said_hello, NULL, 20, "python's hello");
  s1 = conclave_cluster_lookup (cluster, "s1");
  s2 = conclave_cluster_lookup (cluster, "s2");
  s3 = conclave_cluster_lookup (cluster, "s3");
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", 1.0));
  go (cluster);
  trace_test_wait_ended (cluster, "s1", 20);
  trace_test_wait (cluster, s1_sent, GUINT_TO_POINTER (n), 20, "every send reported");
  trace_test_wait (cluster, dropped_at_least, GUINT_TO_POINTER (2 * n), 20, "every copy reported dropped");
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SEND, NULL, s1), ==, n);
  g_assert_cmpuint (count_drops (cluster, CONCLAVE_EVENT_FLAG_DIR_RECV, &at_receiver), ==, 2 * n);
  g_assert_cmpuint (at_receiver, ==, 2 * n);

  matcher = conclave_cluster_get_matcher (cluster);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      const ConclaveEvent *drop = check_dropped_send (cluster, i, s1);
      ConclaveNode *to = conclave_cluster_node_for_proc (cluster, drop->proc);
      g_autofree char *copy = NULL;

      g_assert_true (to == s2 || to == s3);
      /* Each send's copy to each receiver once. */
      copy = g_strdup_printf ("%" G_GUINT64_FORMAT "/%u", drop->key, drop->proc);
      g_assert_true (g_hash_table_add (copies, g_steal_pointer (&copy)));
      to_s2 += to == s2;
      to_s3 += to == s3;
    }
  g_assert_cmpuint (to_s2, ==, n);
  g_assert_cmpuint (to_s3, ==, n);
  for (ConclaveNode * const *to = (ConclaveNode * const []) { s2, s3, NULL }; *to; to++)
    {
      g_autofree char *out = trace_test_node_stdout (*to);
      g_assert_null (strstr (out, "got"));
    }
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a share of them ------------------------------------------------------ */

static gboolean
drops_account_for_all (ConclaveCluster *cluster, gpointer n)
{
  guint unused;

  return read_got (cluster, NULL, NULL) + count_drops (cluster, 0, &unused) >= GPOINTER_TO_UINT (n);
}

static void
test_drop_30 (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint));
  const guint n = 400, batch = 50;
  const double p = 0.3, sigma = sqrt (n * p * (1 - p));
  guint got, unused;

  if (cluster == NULL)
    return;
  /* In batches that s2's socket buffer holds whole even while s2 waits
   * for the CPU: the kernel would drop the rest unreported. */
  start_batches (cluster, n, batch, 20000, FALSE);
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", p));
  for (guint sent = batch; sent <= n; sent += batch)
    {
      go (cluster);
      trace_test_wait (cluster, drops_account_for_all, GUINT_TO_POINTER (sent), 20,
                       "every datagram of the batch arrived or was dropped");
    }
  got = read_got (cluster, numbers, NULL);
  g_test_message ("%u of %u arrived (expected %.0f +- %.1f)", got, n, n * (1 - p), sigma);
  g_assert_cmpfloat (fabs (got - n * (1 - p)), <=, 5 * sigma);
  g_assert_cmpuint (count_drops (cluster, 0, &unused), ==, n - got);
  for (guint i = 1; i < numbers->len; i++)
    g_assert_cmpint (g_array_index (numbers, gint, i - 1), <, g_array_index (numbers, gint, i));
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- delay ---------------------------------------------------------------- */

/* s2 got datagrams 0 … n-1, in order, each delayed in [least, most) µs. */
static void
check_arrived (ConclaveCluster *cluster, guint n, gint64 least_us, gint64 most_us)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr(GArray) delays = g_array_new (FALSE, FALSE, sizeof (gint64));

  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpuint (read_got (cluster, numbers, delays), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (numbers, gint, i), ==, (gint) i);   /* in order */
      g_assert_cmpint (g_array_index (delays, gint64, i), >=, least_us);
      g_assert_cmpint (g_array_index (delays, gint64, i), <, most_us);
    }
  g_test_message ("one-way delay of the first: %" G_GINT64_FORMAT " us", g_array_index (delays, gint64, 0));
}

static void
test_delay (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();
  const gint64 delay_us = 120000, margin_us = 100000;
  ConclaveFaults *faults;
  guint unused;

  if (cluster == NULL)
    return;
  start_pair (cluster, 50, 5000, FALSE);
  faults = conclave_cluster_get_faults (cluster);
  g_assert_true (conclave_faults_set_delay (faults, "s1", 80));
  g_assert_true (conclave_faults_set_delay (faults, "s2", 40));
  go (cluster);
  check_arrived (cluster, 50, delay_us, delay_us + margin_us);
  g_assert_cmpuint (count_drops (cluster, 0, &unused), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* The delay lifted while datagrams are held: they go on at once, in
 * order, none lost (closing the queue would have dropped them). */
static void
test_lifted (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();

  if (cluster == NULL)
    return;
  start_pair (cluster, 20, 5000, FALSE);
  g_assert_true (conclave_faults_set_delay (conclave_cluster_get_faults (cluster), "s1", 3000));
  go (cluster);
  wait_says (cluster, "s1", "sent 20\n");
  g_assert_cmpuint (read_got (cluster, NULL, NULL), ==, 0);
  g_assert_true (conclave_faults_set_delay (conclave_cluster_get_faults (cluster), "s1", 0));
  check_arrived (cluster, 20, 0, 3000000);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a cut ---------------------------------------------------------------- */

static void
test_partition (void)
{
  g_autoptr(ConclaveCluster) cluster = fault_cluster ();

  if (cluster == NULL)
    return;
  start_pair (cluster, 20, 1000, FALSE);
  g_assert_true (conclave_faults_isolate (conclave_cluster_get_faults (cluster), "s2"));
  go (cluster);
  wait_says (cluster, "s1", "sent 20\n");
  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpuint (read_got (cluster, NULL, NULL), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- where the network cannot ------------------------------------------ */

static void
test_fallback (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(GError) error = NULL;
  ConclaveNode *s1;
  guint at_receiver, n = 20;
  gboolean ok;

  g_setenv ("CONCLAVE_LAN_FAULTS", "off", TRUE);
  g_test_expect_message ("Conclave", G_LOG_LEVEL_MESSAGE,
                         "On this LAN each program drops and delays its own datagrams, as on loopback: "
                         "CONCLAVE_LAN_FAULTS=off turned them off.");
  ok = conclave_cluster_set_network (cluster, CONCLAVE_NETWORK_LAN, &error);
  g_unsetenv ("CONCLAVE_LAN_FAULTS");
  if (!ok)
    {
      g_test_skip (error->message);
      conclave_cluster_shutdown (cluster);
      return;
    }
  g_test_assert_expected_messages ();
  g_assert_nonnull (conclave_lan_get_faults_refused (conclave_cluster_get_lan (cluster)));
  start_pair (cluster, n, 1000, TRUE);
  s1 = conclave_cluster_lookup (cluster, "s1");
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (cluster), "s1", 1.0));
  go (cluster);
  trace_test_wait_ended (cluster, "s1", 20);
  trace_test_wait (cluster, dropped_at_least, GUINT_TO_POINTER (n), 20, "every datagram dropped by the shim");
  /* The shim ate them before they left: no send, n drops at the sender. */
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SEND, NULL, s1), ==, 0);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_DROP, NULL, s1), ==, n);
  g_assert_cmpuint (count_drops (cluster, CONCLAVE_EVENT_FLAG_DIR_RECV, &at_receiver), ==, n);
  g_assert_cmpuint (at_receiver, ==, 0);
  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpuint (read_got (cluster, NULL, NULL), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan-faults/drop-all", test_drop_all);
  g_test_add_func ("/lan-faults/paired", test_paired);
  g_test_add_func ("/lan-faults/broadcast", test_broadcast);
  g_test_add_func ("/lan-faults/drop-30", test_drop_30);
  g_test_add_func ("/lan-faults/delay", test_delay);
  g_test_add_func ("/lan-faults/lifted", test_lifted);
  g_test_add_func ("/lan-faults/partition", test_partition);
  g_test_add_func ("/lan-faults/fallback", test_fallback);
  return g_test_run ();
}
