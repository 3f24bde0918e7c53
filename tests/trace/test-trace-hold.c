/* test-trace-hold.c — step mode on an unmodified Python program under the
 * trace shim, through a real ConclaveCluster: datagrams that arrive while
 * it is held are read into the shim's queue (a non-blocking receive gets
 * EAGAIN, a blocking one waits); the program then gets exactly what the
 * teacher released, in the order released: a dropped one never, a
 * duplicated one twice. The same for a C program's recvmmsg batches. */
#include "trace-test-util.h"

#include <arpa/inet.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"

static void
send_datagrams (guint port, const char * const *texts)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (fd, >=, 0);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  for (guint i = 0; texts[i] != NULL; i++)
    g_assert_cmpint (sendto (fd, texts[i], strlen (texts[i]), 0, (struct sockaddr *) &to, sizeof to),
                     ==, (ssize_t) strlen (texts[i]));
  close (fd);
}

static gboolean
holds (ConclaveCluster *cluster, gpointer data)
{
  return conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)) >= GPOINTER_TO_UINT (data);
}

static gboolean
printed (ConclaveCluster *cluster, gpointer data)
{
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s1"));

  return strstr (out, data) != NULL;
}

typedef struct {
  ConclaveEventType type;
  ConclaveNode     *node;
  guint             n;
} Count;

static gboolean
counted (ConclaveCluster *cluster, gpointer data)
{
  Count *c = data;

  return trace_test_count_events (cluster, c->type, NULL, c->node) >= c->n;
}

/* Waits until the node reported n events of type (its last lines may come
 * after its exit was seen), then says it reported exactly n. */
static void
assert_reported (ConclaveCluster *cluster, ConclaveNode *node, ConclaveEventType type, guint n)
{
  Count c = { type, node, n };

  trace_test_wait (cluster, counted, &c, 10, "the node's reports");
  g_assert_cmpuint (trace_test_count_events (cluster, type, NULL, node), ==, n);
}

/* The held message whose payload preview is `text`. */
static guint64
held_index (ConclaveCluster *cluster, const char *text)
{
  GListModel *queue = G_LIST_MODEL (conclave_cluster_get_hold (cluster));

  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);

      if (g_str_equal (conclave_held_get_preview (held), text))
        return conclave_held_get_index (held);
    }
  g_error ("%s is not held", text);
}

static void
release (ConclaveCluster *cluster, const char *text, ConclaveRelease action)
{
  g_assert_true (conclave_hold_release (conclave_cluster_get_hold (cluster), held_index (cluster, text), action));
}

static void
test_python_held (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  ConclaveHold *hold = conclave_cluster_get_hold (cluster);
  g_autofree char *script = trace_test_source ("held_receiver.py");
  const char *argv[] = { PYTHON, script, "{port}", NULL };
  const char *texts[] = { "one", "two", "three", "four", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  ConclaveNode *s1;
  GListModel *queue = G_LIST_MODEL (hold);

  conclave_hold_set_all (hold, TRUE);
  s1 = conclave_cluster_add_program (cluster, "s1", argv, NULL, TRUE, &error);
  g_assert_no_error (error);
  trace_test_wait_bound (cluster, "s1", 20);
  send_datagrams (conclave_cluster_get_base_port (cluster), texts);
  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  g_assert_no_error (error);

  /* all four read into the queue, in arrival order; the program got none */
  trace_test_wait (cluster, holds, GUINT_TO_POINTER (4), 20, "four held datagrams");
  trace_test_wait (cluster, printed, "held\n", 20, "the non-blocking receive to fail");
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(ConclaveHeld) held = g_list_model_get_item (queue, i);

      g_assert_cmpstr (conclave_held_get_preview (held), ==, texts[i]);
      g_assert_cmpstr (conclave_held_get_node (held), ==, "s1");
      g_assert_true (conclave_held_get_key_is_hash (held));
    }
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_RECV, NULL, s1), ==, 0);
  out = trace_test_node_stdout (s1);
  g_assert_null (strstr (out, "one"));
  g_clear_pointer (&out, g_free);

  /* reordered, one dropped, one doubled */
  release (cluster, "two", CONCLAVE_RELEASE_DELIVER);
  trace_test_wait (cluster, printed, "held\ntwo\n", 20, "the second datagram first");
  release (cluster, "one", CONCLAVE_RELEASE_DELIVER);
  release (cluster, "three", CONCLAVE_RELEASE_DROP);
  release (cluster, "four", CONCLAVE_RELEASE_DUPLICATE);
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 0);
  trace_test_wait_ended (cluster, "s1", 20);
  g_assert_cmpint (conclave_node_get_exit_code (s1), ==, 0);
  out = trace_test_node_stdout (s1);
  g_assert_cmpstr (out, ==, "bound\nheld\ntwo\none\nfour\nfour\n");
  assert_reported (cluster, s1, CONCLAVE_EVENT_RECV, 4);
  assert_reported (cluster, s1, CONCLAVE_EVENT_HELD, 4);
  assert_reported (cluster, s1, CONCLAVE_EVENT_DROP, 1);
  trace_test_finish (cluster);
}

/* Starts trace-exercise MODE (held from its start) as s1 and sends it
 * one, two, three, four: returns once all four wait in the shim's queue
 * and its non-blocking receive found nothing. */
static ConclaveNode *
start_held_exercise (ConclaveCluster *cluster, const char *mode, const char *extra)
{
  g_autofree char *port = g_strdup_printf ("%u", conclave_cluster_get_base_port (cluster));
  const char *argv[] = { g_getenv ("CONCLAVE_TRACE_EXERCISE"), mode, port, extra, NULL };
  const char *texts[] = { "one", "two", "three", "four", NULL };
  g_autoptr(GError) error = NULL;
  ConclaveNode *s1;

  g_assert_nonnull (argv[0]);
  conclave_hold_set_all (conclave_cluster_get_hold (cluster), TRUE);
  s1 = conclave_cluster_add_program (cluster, "s1", argv, NULL, TRUE, &error);
  g_assert_no_error (error);
  /* its bind may wait in the shim's batch while it reads stdin: ask it */
  trace_test_wait (cluster, printed, "bound\n", 20, "the program to bind");
  send_datagrams (conclave_cluster_get_base_port (cluster), texts);
  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  g_assert_no_error (error);
  trace_test_wait (cluster, holds, GUINT_TO_POINTER (4), 20, "four held datagrams");
  trace_test_wait (cluster, printed, "held\n", 20, "the non-blocking receive to fail");
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_RECV, NULL, s1), ==, 0);
  return s1;
}

/* The same with a C program that receives in batches (recvmmsg): held
 * like recvmsg, each datagram filled in with its source, in the order
 * released, a dropped one never, a duplicated one twice. */
static void
test_recvmmsg_held (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) received = g_string_new (NULL);
  ConclaveNode *s1 = start_held_exercise (cluster, "mmsg-receiver", "4");

  /* one released: the waiting batch returns it alone */
  release (cluster, "two", CONCLAVE_RELEASE_DELIVER);
  trace_test_wait (cluster, printed, "held\ntwo\n-\n", 20, "a batch of the second datagram");
  release (cluster, "one", CONCLAVE_RELEASE_DELIVER);
  release (cluster, "three", CONCLAVE_RELEASE_DROP);
  release (cluster, "four", CONCLAVE_RELEASE_DUPLICATE);
  trace_test_wait_ended (cluster, "s1", 20);
  g_assert_cmpint (conclave_node_get_exit_code (s1), ==, 0);
  out = trace_test_node_stdout (s1);
  g_test_message ("%s", out);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_equal (lines[i], "-"))
      g_string_append_printf (received, "%s\n", lines[i]);
  g_assert_cmpstr (received->str, ==, "bound\nheld\ntwo\none\nfour\nfour\n\n");
  assert_reported (cluster, s1, CONCLAVE_EVENT_RECV, 4);
  assert_reported (cluster, s1, CONCLAVE_EVENT_HELD, 4);
  assert_reported (cluster, s1, CONCLAVE_EVENT_DROP, 1);
  trace_test_finish (cluster);
}

/* Every receive call of a C program is held alike: read, recvmsg, recv
 * and recvfrom each get the one the teacher released, in the order
 * released. */
static void
test_every_call_held (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  const char *order[] = { "four", "two", "one", "three" };
  g_autofree char *out = NULL;
  ConclaveNode *s1 = start_held_exercise (cluster, "held-calls", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    release (cluster, order[i], CONCLAVE_RELEASE_DELIVER);
  trace_test_wait_ended (cluster, "s1", 20);
  g_assert_cmpint (conclave_node_get_exit_code (s1), ==, 0);
  out = trace_test_node_stdout (s1);
  g_assert_cmpstr (out, ==, "bound\nheld\nread: four\nrecvmsg: two\nrecv: one\nrecvfrom: three\n");
  assert_reported (cluster, s1, CONCLAVE_EVENT_RECV, 4);
  trace_test_finish (cluster);
}

/* A TCP stream, held: each read from the kernel one chunk. They go only in
 * order and only delivered (never dropped or doubled), a chunk over as
 * many receives as the program makes, and the stream's end after them. */
static void
test_tcp_chunks (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  ConclaveHold *hold = conclave_cluster_get_hold (cluster);
  g_autofree char *script = trace_test_source ("held_stream.py");
  const char *argv[] = { PYTHON, script, "{port}", NULL };
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (conclave_cluster_get_base_port (cluster)) };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveHeld) first = NULL;
  g_autoptr(ConclaveHeld) second = NULL;
  g_autofree char *out = NULL;
  ConclaveNode *s1;
  int fd;

  conclave_hold_set_all (hold, TRUE);
  s1 = conclave_cluster_add_program (cluster, "s1", argv, NULL, TRUE, &error);
  g_assert_no_error (error);
  trace_test_wait (cluster, printed, "listening\n", 20, "the server to listen");
  fd = socket (AF_INET, SOCK_STREAM, 0);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &to, sizeof to), ==, 0);
  g_assert_cmpint (write (fd, "abc", 3), ==, 3);
  trace_test_wait (cluster, holds, GUINT_TO_POINTER (1), 20, "the first chunk held");
  g_assert_cmpint (write (fd, "de", 2), ==, 2);
  trace_test_wait (cluster, holds, GUINT_TO_POINTER (2), 20, "the second chunk held");
  close (fd);

  first = g_list_model_get_item (G_LIST_MODEL (hold), 0);
  second = g_list_model_get_item (G_LIST_MODEL (hold), 1);
  g_assert_true (conclave_held_is_stream (first));
  g_assert_cmpint (conclave_held_get_offset (first), ==, 0);
  g_assert_cmpint (conclave_held_get_offset (second), ==, 3);
  /* out of order, dropped, doubled or put back: refused */
  g_assert_false (conclave_hold_release (hold, conclave_held_get_index (second), CONCLAVE_RELEASE_DELIVER));
  g_assert_false (conclave_hold_release (hold, conclave_held_get_index (first), CONCLAVE_RELEASE_DROP));
  g_assert_false (conclave_hold_release (hold, conclave_held_get_index (first), CONCLAVE_RELEASE_DUPLICATE));
  g_assert_false (conclave_hold_release (hold, conclave_held_get_index (first), CONCLAVE_RELEASE_LATER));
  out = trace_test_node_stdout (s1);
  g_assert_null (strstr (out, "ab"));
  g_clear_pointer (&out, g_free);

  g_assert_true (conclave_hold_release (hold, conclave_held_get_index (first), CONCLAVE_RELEASE_DELIVER));
  trace_test_wait (cluster, printed, "ab\nc\n", 20, "the first chunk, in two receives");
  g_assert_true (conclave_hold_release (hold, conclave_held_get_index (second), CONCLAVE_RELEASE_DELIVER));
  trace_test_wait_ended (cluster, "s1", 20);
  out = trace_test_node_stdout (s1);
  g_assert_cmpstr (out, ==, "listening\nab\nc\nde\nend\n");
  assert_reported (cluster, s1, CONCLAVE_EVENT_HELD, 2);
  assert_reported (cluster, s1, CONCLAVE_EVENT_RECV, 3);
  trace_test_finish (cluster);
}

static gboolean
ended (ConclaveCluster *cluster, gpointer name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);

  return node != NULL && conclave_node_get_state (node) >= CONCLAVE_NODE_EXITED;
}

/* Blocked in a held receive, the program still gets its signals: Ctrl+C
 * (SIGINT) ends the wait, as it would end the real call, and Python's
 * KeyboardInterrupt ends the program. */
static void
test_signal_ends_wait (void)
{
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autofree char *script = trace_test_source ("held_receiver.py");
  const char *argv[] = { PYTHON, script, "{port}", NULL };
  const char *texts[] = { "one", NULL };
  g_autoptr(GError) error = NULL;
  ConclaveNode *s1;

  conclave_hold_set_all (conclave_cluster_get_hold (cluster), TRUE);
  s1 = conclave_cluster_add_program (cluster, "s1", argv, NULL, TRUE, &error);
  g_assert_no_error (error);
  trace_test_wait_bound (cluster, "s1", 20);
  send_datagrams (conclave_cluster_get_base_port (cluster), texts);
  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  trace_test_wait (cluster, holds, GUINT_TO_POINTER (1), 20, "the datagram held");
  trace_test_wait (cluster, printed, "held\n", 20, "the program to wait in its blocking receive");
  g_assert_cmpint (kill (conclave_node_get_pid (s1), SIGINT), ==, 0);
  trace_test_wait (cluster, ended, "s1", 20, "Ctrl+C to end the program");
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_RECV, NULL, s1), ==, 0);
  trace_test_finish (cluster);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trace/hold/python", test_python_held);
  g_test_add_func ("/trace/hold/recvmmsg", test_recvmmsg_held);
  g_test_add_func ("/trace/hold/every-call", test_every_call_held);
  g_test_add_func ("/trace/hold/signal-ends-wait", test_signal_ends_wait);
  g_test_add_func ("/trace/hold/tcp-chunks", test_tcp_chunks);
  return g_test_run ();
}
