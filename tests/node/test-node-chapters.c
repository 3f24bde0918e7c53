/* test-node-chapters.c — conclave-node runs the lecture's chapters 1–3.
 *
 * Real processes on 127.0.0.1, observed only through what they report on
 * the control channel (and their exit status): requests and replies paired
 * by id, the PIDs behind them, forked children and pool workers, garbage,
 * faults and commands. Every test uses its own free port and controller.
 */
#include "node-test-controller.h"

#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAST "0.05"   /* tempo for tests: 20 times the classroom pace */
#define WAIT_MS 15000

typedef struct {
  TestController *ctl;
  guint16 port;
  char port_text[8];
} Fixture;

static void
fixture_set_up (Fixture *fx, gconstpointer data)
{
  fx->ctl = test_controller_new ();
  fx->port = test_free_port ();
  g_snprintf (fx->port_text, sizeof fx->port_text, "%u", fx->port);
}

static void
fixture_tear_down (Fixture *fx, gconstpointer data)
{
  test_controller_free (fx->ctl);
}

static char *
server_address (Fixture *fx)
{
  return g_strdup_printf ("127.0.0.1:%u", fx->port);
}

/* Starts a server and waits until its socket is bound (and listening). */
static TestProc *
start_server (Fixture *fx, const char *role, const char * const *extra)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *address = server_address (fx);
  TestProc *server;
  const char *op = g_str_equal (role, "tcp-server") ? "listen" : "bind";

  g_strv_builder_add_many (builder, role, "--port", fx->port_text, NULL);
  if (extra != NULL)
    g_strv_builder_addv (builder, (const char **) extra);
  argv = g_strv_builder_end (builder);
  server = test_controller_spawn (fx->ctl, "s1", FAST, (const char * const *) argv);
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "socket", 0, "op", op, WAIT_MS));
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "socket", server->pid, "local", address, WAIT_MS));
  return server;
}

/* SIGTERM: the node reports exit 0 and exits 0. */
static void
stop_node (Fixture *fx, TestProc *node)
{
  TestEvent *exit_event;

  kill (node->pid, SIGTERM);
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, node, WAIT_MS), ==, 0);
  exit_event = test_controller_wait_event (fx->ctl, "exit", node->pid, NULL, NULL, WAIT_MS);
  g_assert_nonnull (exit_event);
  g_assert_cmpint (test_event_int (exit_event, "code", -1), ==, 0);
}

/* Pairs messages by id across two processes, starting from the side whose
 * events are all in (`ev` of `pid`, an exited process) and waiting for the
 * other side (`other`, 0: any process). Checks that both ends agree on
 * addresses, kind, preview, length and Lamport clock, and that the receive
 * is not earlier than the send. Returns how many messages were paired. */
static guint
check_pairs (Fixture *fx, const char *ev, pid_t pid, pid_t other, const char *kind)
{
  gboolean from_sender = g_str_equal (ev, "send");
  g_autoptr(GPtrArray) events = test_controller_events (fx->ctl, ev, pid);
  guint n = 0;

  for (guint i = 0; i < events->len; i++)
    {
      TestEvent *mine = events->pdata[i], *send, *recv;
      const char *id = test_event_str (mine, "id");
      TestEvent *theirs;

      if (g_strcmp0 (test_event_str (mine, "kind"), kind) != 0)
        continue;
      theirs = test_controller_wait_event (fx->ctl, from_sender ? "recv" : "send", other, "id", id, WAIT_MS);
      g_assert_nonnull (theirs);
      send = from_sender ? mine : theirs;
      recv = from_sender ? theirs : mine;
      g_assert_cmpint (test_id_pid (id), ==, send->conn->pid);
      g_assert_cmpstr (test_event_str (recv, "src"), ==, test_event_str (send, "src"));
      g_assert_cmpstr (test_event_str (recv, "dst"), ==, test_event_str (send, "dst"));
      g_assert_cmpstr (test_event_str (recv, "kind"), ==, kind);
      g_assert_cmpstr (test_event_str (recv, "preview"), ==, test_event_str (send, "preview"));
      g_assert_cmpint (test_event_int (recv, "lc", -1), ==, test_event_int (send, "lc", -2));
      g_assert_cmpint (test_event_int (recv, "len", -1), ==, test_event_int (send, "len", -2));
      g_assert_cmpint (test_event_int (recv, "t", 0), >=, test_event_int (send, "t", 0));
      n++;
    }
  return n;
}

/* ---- chapter 1 ---- */

static void
check_hello_exchange (Fixture *fx, TestProc *server, TestProc *client, const char *proto)
{
  g_autoptr(GPtrArray) replies = test_controller_events (fx->ctl, "recv", client->pid);
  g_autoptr(GPtrArray) hellos = test_controller_events (fx->ctl, "recv", server->pid);
  g_autofree char *address = server_address (fx);
  g_autofree char *out = test_proc_stdout (server);

  g_assert_cmpuint (check_pairs (fx, "send", client->pid, server->pid, "hello"), >=, 2);
  g_assert_cmpuint (check_pairs (fx, "recv", client->pid, server->pid, "reply"), >=, 2);
  g_assert_cmpuint (replies->len, >=, 2);
  for (guint i = 0; i < replies->len; i++)
    {
      TestEvent *reply = replies->pdata[i];

      g_assert_cmpstr (test_event_str (reply, "proto"), ==, proto);
      g_assert_cmpstr (test_event_str (reply, "src"), ==, address);
      g_assert_cmpstr (test_event_str (reply, "preview"), ==, "Hi client! Nice to connect with you!");
      g_assert_cmpint (test_id_pid (test_event_str (reply, "id")), ==, server->pid);
    }
  /* Lamport: the reply is causally after the hello it answers */
  g_assert_cmpint (test_event_int (replies->pdata[0], "lc", 0), >,
                   test_event_int (hellos->pdata[0], "lc", G_MAXINT));
  g_assert_nonnull (strstr (out, "Replied to client: Hi client! Nice to connect with you!"));
}

static void
test_chapter1_udp (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "udp-server", NULL);
  const char *argv[] = { "udp-client", "--port", fx->port_text, "--count", "2",
                         "--interval-ms", "0", "--timeout-ms", "20000", NULL };
  TestProc *client = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  g_autofree char *out = NULL;

  g_assert_cmpint (test_controller_wait_exit (fx->ctl, client, WAIT_MS), ==, 0);
  check_hello_exchange (fx, server, client, "udp");
  out = test_proc_stdout (client);
  g_assert_nonnull (strstr (out, "Received message from server: Hi client!"));
  g_assert_nonnull (strstr (out, "Socket closed"));
  stop_node (fx, server);
}

static void
test_chapter1_tcp (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "tcp-server", NULL);
  const char *argv[] = { "tcp-client", "--port", fx->port_text, "--count", "3",
                         "--interval-ms", "0", "--timeout-ms", "20000", NULL };
  TestProc *client = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  TestEvent *connect, *accept;

  g_assert_cmpint (test_controller_wait_exit (fx->ctl, client, WAIT_MS), ==, 0);
  check_hello_exchange (fx, server, client, "tcp");
  /* the TCP data flow, step by step, both ends agreeing on the addresses */
  connect = test_controller_wait_event (fx->ctl, "socket", client->pid, "op", "connect", WAIT_MS);
  accept = test_controller_wait_event (fx->ctl, "socket", server->pid, "op", "accept", WAIT_MS);
  g_assert_nonnull (connect);
  g_assert_nonnull (accept);
  g_assert_cmpstr (test_event_str (connect, "local"), ==, test_event_str (accept, "peer"));
  g_assert_cmpstr (test_event_str (connect, "peer"), ==, test_event_str (accept, "local"));
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "socket", client->pid, "op", "close", WAIT_MS));
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "socket", server->pid, "op", "close", WAIT_MS));
  stop_node (fx, server);
}

/* ---- chapter 2 ---- */

static void
test_chapter2_fork (Fixture *fx, gconstpointer data)
{
  const char *extra[] = { "--work-ms", "200", NULL };
  TestProc *server = start_server (fx, "fork-server", extra);
  const char *argv[] = { "udp-client", "--port", fx->port_text, "--count", "3",
                         "--interval-ms", "0", NULL };
  TestProc *c1 = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  TestProc *c2 = test_controller_spawn (fx->ctl, "c2", FAST, argv);
  g_autoptr(GHashTable) children = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) forks = NULL;
  g_autoptr(GPtrArray) replies = NULL;

  g_assert_cmpint (test_controller_wait_exit (fx->ctl, c1, WAIT_MS), ==, 0);
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, c2, WAIT_MS), ==, 0);
  forks = test_controller_events (fx->ctl, "fork", server->pid);
  g_assert_cmpuint (forks->len, >=, 6);
  for (guint i = 0; i < forks->len; i++)
    {
      pid_t child = (pid_t) test_event_int (forks->pdata[i], "child", 0);
      TestEvent *hello = test_controller_wait_event (fx->ctl, "hello", child, NULL, NULL, WAIT_MS);

      g_assert_nonnull (hello);
      g_assert_cmpint (test_event_int (hello, "ppid", 0), ==, server->pid);
      g_assert_cmpstr (test_event_str (hello, "node"), ==, "s1");
      g_hash_table_add (children, GINT_TO_POINTER (child));
    }
  /* every reply the clients got came from a different child, naming itself */
  replies = test_controller_events (fx->ctl, "recv", c1->pid);
  g_ptr_array_extend_and_steal (replies, test_controller_events (fx->ctl, "recv", c2->pid));
  g_assert_cmpuint (replies->len, >=, 6);
  for (guint i = 0; i < replies->len; i++)
    {
      pid_t from = test_id_pid (test_event_str (replies->pdata[i], "id"));
      g_autofree char *signature = g_strdup_printf ("This is server %d", from);

      g_assert_true (g_hash_table_remove (children, GINT_TO_POINTER (from)));
      g_assert_nonnull (strstr (test_event_str (replies->pdata[i], "preview"), signature));
      g_assert_nonnull (test_controller_wait_event (fx->ctl, "send", from, "id",
                                                    test_event_str (replies->pdata[i], "id"), WAIT_MS));
      g_assert_nonnull (test_controller_wait_event (fx->ctl, "exit", from, NULL, NULL, WAIT_MS));
      g_assert_nonnull (test_controller_wait_event (fx->ctl, "reap", server->pid, NULL, NULL, WAIT_MS));
    }
  stop_node (fx, server);
  g_assert_cmpuint (test_controller_count (fx->ctl, "reap", server->pid, NULL, NULL), ==, forks->len);
}

/* ---- chapter 3 ---- */

/* The most requests the client had outstanding, replayed from its own
 * send/recv events in seq order. */
static int
max_in_flight (Fixture *fx, pid_t client)
{
  g_autoptr(GPtrArray) events = test_controller_events (fx->ctl, NULL, client);
  int outstanding = 0, most = 0;

  for (guint i = 0; i < events->len; i++)
    {
      const char *ev = test_event_str (events->pdata[i], "ev");
      const char *kind = test_event_str (events->pdata[i], "kind");

      if (g_strcmp0 (ev, "send") == 0 && g_strcmp0 (kind, "request") == 0)
        {
          outstanding++;
          most = MAX (most, outstanding);
        }
      else if (g_strcmp0 (ev, "recv") == 0 && g_strcmp0 (kind, "square") == 0)
        outstanding--;
    }
  return most;
}

static void
test_chapter3_pool (Fixture *fx, gconstpointer data)
{
  const int workers = 3;
  const char *extra[] = { "--workers", "3", "--work-ms", "400", NULL };
  TestProc *server = start_server (fx, "pool-server", extra);
  const char *argv[] = { "square-client", "--port", fx->port_text, "--count", "12",
                         "--in-flight", "3", "--interval-ms", "0", "--first", "7",
                         "--timeout-ms", "20000", NULL };
  TestProc *client = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  g_autoptr(GHashTable) served_by = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) squares = NULL;
  g_autoptr(GPtrArray) forks = NULL;
  gboolean reused = FALSE;

  g_assert_cmpint (test_controller_wait_exit (fx->ctl, client, WAIT_MS), ==, 0);
  squares = test_controller_events (fx->ctl, "recv", client->pid);
  g_assert_cmpuint (squares->len, >=, 3 * workers);
  for (guint i = 0; i < squares->len; i++)
    {
      gint64 x, y, square;
      pid_t worker = test_id_pid (test_event_str (squares->pdata[i], "id"));
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (served_by, GINT_TO_POINTER (worker)));
      TestEvent *hello = test_controller_wait_event (fx->ctl, "hello", worker, NULL, NULL, WAIT_MS);

      g_assert_cmpint (sscanf (test_event_str (squares->pdata[i], "preview"),
                               "%" G_GINT64_FORMAT "*%" G_GINT64_FORMAT "=%" G_GINT64_FORMAT,
                               &x, &y, &square), ==, 3);
      g_assert_cmpint (x, ==, y);
      g_assert_cmpint (square, ==, x * x);
      g_assert_cmpint (x, >=, 7);
      g_assert_nonnull (hello);
      g_assert_cmpint (test_event_int (hello, "ppid", 0), ==, server->pid);
      reused |= count >= 1;
      g_hash_table_insert (served_by, GINT_TO_POINTER (worker), GUINT_TO_POINTER (count + 1));
    }
  g_test_message ("%u squares by %u workers; at most %d in flight",
                  squares->len, g_hash_table_size (served_by), max_in_flight (fx, client->pid));
  g_assert_cmpuint (g_hash_table_size (served_by), <=, workers);
  g_assert_cmpuint (g_hash_table_size (served_by), >=, 2);  /* requests overlapped */
  g_assert_true (reused);
  g_assert_cmpint (max_in_flight (fx, client->pid), >=, 2);
  g_assert_cmpuint (check_pairs (fx, "send", client->pid, 0, "request"), >=, 12);
  forks = test_controller_events (fx->ctl, "fork", server->pid);
  g_assert_cmpuint (forks->len, ==, workers);  /* nobody died, nobody was replaced */
  stop_node (fx, server);
}

/* Dead: gone, or a zombie that its new parent (init) has not reaped yet. */
static gboolean
process_gone (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return TRUE;
  state = strrchr (stat, ')');
  return state == NULL || g_str_has_prefix (state, ") Z") || g_str_has_prefix (state, ") X");
}

static gboolean
all_gone (TestController *ctl, gpointer data)
{
  GArray *pids = data;

  for (guint i = 0; i < pids->len; i++)
    {
      pid_t pid = g_array_index (pids, pid_t, i);

      if (!process_gone (pid) || !test_controller_conn (ctl, pid)->closed)
        return FALSE;
    }
  return TRUE;
}

/* A pool whose parent is SIGKILLed leaves no worker behind. */
static void
test_pool_dies_with_parent (Fixture *fx, gconstpointer data)
{
  const char *extra[] = { "--workers", "3", NULL };
  TestProc *server = start_server (fx, "pool-server", extra);
  g_autoptr(GArray) workers = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GPtrArray) forks = NULL;

  g_assert_true (test_controller_wait_count (fx->ctl, "fork", server->pid, NULL, NULL, 3, WAIT_MS));
  forks = test_controller_events (fx->ctl, "fork", server->pid);
  for (guint i = 0; i < forks->len; i++)
    {
      pid_t worker = (pid_t) test_event_int (forks->pdata[i], "child", 0);

      g_assert_nonnull (test_controller_wait_event (fx->ctl, "hello", worker, NULL, NULL, WAIT_MS));
      g_array_append_val (workers, worker);
    }
  kill (server->pid, SIGKILL);
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, server, WAIT_MS), ==, 128 + SIGKILL);
  g_assert_true (test_controller_wait (fx->ctl, all_gone, workers, WAIT_MS));
}

/* A worker that dies is reaped and replaced; the pool keeps serving. */
static void
test_pool_replaces_worker (Fixture *fx, gconstpointer data)
{
  const char *extra[] = { "--workers", "2", NULL };
  TestProc *server = start_server (fx, "pool-server", extra);
  const char *argv[] = { "square-client", "--port", fx->port_text, "--count", "4",
                         "--interval-ms", "0", "--timeout-ms", "20000", NULL };
  TestProc *client;
  g_autoptr(GPtrArray) forks = NULL;
  TestEvent *reap;
  pid_t victim, successor;

  g_assert_true (test_controller_wait_count (fx->ctl, "fork", server->pid, NULL, NULL, 2, WAIT_MS));
  forks = test_controller_events (fx->ctl, "fork", server->pid);
  victim = (pid_t) test_event_int (forks->pdata[0], "child", 0);
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "hello", victim, NULL, NULL, WAIT_MS));
  kill (victim, SIGKILL);
  reap = test_controller_wait_event (fx->ctl, "reap", server->pid, NULL, NULL, WAIT_MS);
  g_assert_nonnull (reap);
  g_assert_cmpint (test_event_int (reap, "child", 0), ==, victim);
  g_assert_cmpint (test_event_int (reap, "signal", 0), ==, SIGKILL);
  g_assert_true (test_controller_wait_count (fx->ctl, "fork", server->pid, NULL, NULL, 3, WAIT_MS));
  g_clear_pointer (&forks, g_ptr_array_unref);
  forks = test_controller_events (fx->ctl, "fork", server->pid);
  successor = (pid_t) test_event_int (forks->pdata[2], "child", 0);
  g_assert_cmpint (successor, !=, victim);
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "hello", successor, NULL, NULL, WAIT_MS));

  client = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  g_assert_cmpint (test_controller_wait_exit (fx->ctl, client, WAIT_MS), ==, 0);
  g_assert_cmpuint (test_controller_count (fx->ctl, "send", victim, NULL, NULL), ==, 0);
  stop_node (fx, server);
}

/* ---- garbage ---- */

static int
udp_socket (struct sockaddr_in *local)
{
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t len = sizeof *local;

  memset (local, 0, sizeof *local);
  local->sin_family = AF_INET;
  local->sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) local, sizeof *local), ==, 0);
  getsockname (fd, (struct sockaddr *) local, &len);
  return fd;
}

static void
send_to_server (Fixture *fx, int fd, const char *data, gsize len)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (fx->port) };

  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (sendto (fd, data, len, 0, (struct sockaddr *) &to, sizeof to), ==, (ssize_t) len);
}

static void
test_garbage (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "udp-server", NULL);
  struct sockaddr_in local;
  int fd = udp_socket (&local);
  g_autofree char *from = g_strdup_printf ("127.0.0.1:%u", ntohs (local.sin_port));
  g_autofree char *valid = g_strdup_printf ("CNV1 %d:1 5 hello after the garbage", getpid ());
  g_autofree char *expect = g_strdup_printf ("CNV1 %d:", server->pid);
  static const char *const junk[] = {
    "hello there", "CNV1", "CNV1 0:1 1 hello x", "CNV1 12:x 1 hello x",
    "CNV1 12:1 1 HELLO x", "CNV1 99999999999:1 1 hello x", "CNV1 12:1 1 averyveryverylongkind x",
  };
  struct pollfd pfd = { fd, POLLIN, 0 };
  char reply[512];
  ssize_t n;

  for (gsize i = 0; i < G_N_ELEMENTS (junk); i++)
    send_to_server (fx, fd, junk[i], strlen (junk[i]));
  send_to_server (fx, fd, "\xff\x00\x01\nCNV1", 9);
  send_to_server (fx, fd, "", 0);
  send_to_server (fx, fd, valid, strlen (valid));

  /* the server still answers, and the answer is a proper message */
  g_assert_cmpint (poll (&pfd, 1, WAIT_MS), ==, 1);
  n = recv (fd, reply, sizeof reply - 1, 0);
  g_assert_cmpint (n, >, 0);
  reply[n] = '\0';
  g_assert_true (g_str_has_prefix (reply, expect));
  g_assert_nonnull (strstr (reply, " reply Hi client!"));
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "recv", server->pid, "preview",
                                                "after the garbage", WAIT_MS));
  {
    g_autoptr(GPtrArray) garbage = test_controller_events (fx->ctl, "garbage", server->pid);
    gint64 total = 0;

    for (guint i = 0; i < garbage->len; i++)
      {
        g_assert_cmpstr (test_event_str (garbage->pdata[i], "from"), ==, from);
        total += test_event_int (garbage->pdata[i], "count", 0);
      }
    g_assert_cmpint (total, ==, G_N_ELEMENTS (junk) + 2);
  }
  close (fd);
  stop_node (fx, server);
}

static void
test_garbage_tcp (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "tcp-server", NULL);
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (fx->port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_autofree char *lines = g_strdup_printf ("junk\n\nCNV1 %d:1 1 hello fine\n", getpid ());
  struct pollfd pfd = { fd, POLLIN, 0 };
  char reply[512];
  ssize_t n;

  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &to, sizeof to), ==, 0);
  g_assert_cmpint (send (fd, lines, strlen (lines), MSG_NOSIGNAL), ==, (ssize_t) strlen (lines));
  g_assert_cmpint (poll (&pfd, 1, WAIT_MS), ==, 1);
  n = recv (fd, reply, sizeof reply - 1, 0);
  g_assert_cmpint (n, >, 0);
  reply[n] = '\0';
  g_assert_nonnull (strstr (reply, " reply Hi client!"));
  g_assert_true (g_str_has_suffix (reply, "\n"));
  /* the garbage was reported before the good line was */
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "recv", server->pid, "preview", "fine", WAIT_MS));
  g_assert_cmpuint (test_controller_count (fx->ctl, "garbage", server->pid, NULL, NULL), ==, 2);
  close (fd);
  stop_node (fx, server);
}

/* ---- out of descriptors ---- */

static guint64
cpu_ticks (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  unsigned long utime = 0, stime = 0;
  const char *end;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  end = strrchr (text, ')');
  g_assert_nonnull (end);
  /* fields 14 and 15 (utime, stime); field 3 is the first after ')' */
  g_assert_cmpint (sscanf (end + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime), ==, 2);
  return utime + stime;
}

/* The highest descriptor number a process has open, and how many lower
 * numbers are free (accept would take those first). */
static int
highest_fd (pid_t pid, guint *holes)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  int high = -1;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      high = MAX (high, atoi (name));
      n++;
    }
  *holes = (guint) (high + 1) - n;
  return high;
}

static int
tcp_connect (guint16 port)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &to, sizeof to), ==, 0);
  return fd;
}

/* A tcp-server out of descriptors pauses accepting instead of spinning
 * at 100 % CPU on its listening socket, and serves again once it can. */
static void
test_tcp_out_of_descriptors (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "tcp-server", NULL);
  g_autofree char *line = g_strdup_printf ("CNV1 %d:1 1 hello again\n", getpid ());
  struct rlimit old, low;
  guint holes, n_clients;
  int clients[64], last;
  guint64 ticks;
  struct pollfd pfd;
  char reply[512];
  ssize_t n;

  g_assert_cmpint (prlimit (server->pid, RLIMIT_NOFILE, NULL, &old), ==, 0);
  low = old;
  low.rlim_cur = (rlim_t) highest_fd (server->pid, &holes) + 1;
  g_assert_cmpint (prlimit (server->pid, RLIMIT_NOFILE, &low, NULL), ==, 0);
  n_clients = MIN (holes + 2, G_N_ELEMENTS (clients));
  for (guint i = 0; i < n_clients; i++)
    clients[i] = tcp_connect (fx->port);
  g_usleep (G_USEC_PER_SEC / 5);  /* let it take what it can */
  ticks = cpu_ticks (server->pid);
  g_usleep (G_USEC_PER_SEC);      /* measuring idleness: nothing to await */
  ticks = cpu_ticks (server->pid) - ticks;
  g_test_message ("tcp-server out of descriptors: %" G_GUINT64_FORMAT " of %ld ticks busy", ticks, sysconf (_SC_CLK_TCK));
  g_assert_cmpuint (ticks, <, (guint64) sysconf (_SC_CLK_TCK) / 4);

  /* Descriptors back: the waiting client is served. */
  g_assert_cmpint (prlimit (server->pid, RLIMIT_NOFILE, &old, NULL), ==, 0);
  last = clients[n_clients - 1];
  g_assert_cmpint (send (last, line, strlen (line), MSG_NOSIGNAL), ==, (ssize_t) strlen (line));
  pfd = (struct pollfd) { last, POLLIN, 0 };
  g_assert_cmpint (poll (&pfd, 1, WAIT_MS), ==, 1);
  n = recv (last, reply, sizeof reply - 1, 0);
  g_assert_cmpint (n, >, 0);
  reply[n] = '\0';
  g_assert_nonnull (strstr (reply, " reply Hi client!"));
  for (guint i = 0; i < n_clients; i++)
    close (clients[i]);
  stop_node (fx, server);
}

/* ---- commands: fault, tempo, post ---- */

static void
test_fault_drop_and_delay (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "udp-server", NULL);
  const char *argv[] = { "udp-client", "--port", fx->port_text, "--count", "0",
                         "--interval-ms", "100", "--timeout-ms", "1000", "--retries", "1000", NULL };
  TestProc *client;
  TestEvent *drop, *recv_event, *send_event;
  g_autofree char *id = NULL;

  test_controller_send (fx->ctl, server->pid, "{\"cmd\":\"fault\",\"drop\":1,\"isolate\":[\"c9\"]}");
  client = test_controller_spawn (fx->ctl, "c1", FAST, argv);
  drop = test_controller_wait_event (fx->ctl, "drop", server->pid, NULL, NULL, WAIT_MS);
  g_assert_nonnull (drop);
  g_assert_cmpstr (test_event_str (drop, "dir"), ==, "recv");
  g_assert_cmpstr (test_event_str (drop, "reason"), ==, "fault");
  g_assert_cmpstr (test_event_str (drop, "kind"), ==, "hello");
  g_assert_cmpint (test_id_pid (test_event_str (drop, "id")), ==, client->pid);
  g_assert_cmpuint (test_controller_count (fx->ctl, "recv", server->pid, "id", test_event_str (drop, "id")), ==, 0);

  /* no drops, but 300 ms in and 300 ms out (delays are not scaled by tempo) */
  test_controller_send (fx->ctl, server->pid, "{\"cmd\":\"fault\",\"drop\":0,\"delay_ms\":300}");
  recv_event = test_controller_wait_event (fx->ctl, "recv", server->pid, NULL, NULL, WAIT_MS);
  g_assert_nonnull (recv_event);
  id = g_strdup (test_event_str (recv_event, "id"));
  send_event = test_controller_wait_event (fx->ctl, "send", server->pid, "kind", "reply", WAIT_MS);
  g_assert_nonnull (send_event);
  g_assert_cmpint (test_event_int (send_event, "t", 0) - test_event_int (recv_event, "t", 0),
                   >=, 300 * G_GINT64_CONSTANT (1000000));
  {
    TestEvent *sent = test_controller_wait_event (fx->ctl, "send", client->pid, "id", id, WAIT_MS);

    g_assert_nonnull (sent);
    g_assert_cmpint (test_event_int (recv_event, "t", 0) - test_event_int (sent, "t", 0),
                     >=, 300 * G_GINT64_CONSTANT (1000000));
  }

  /* a drop at the sending end */
  test_controller_send (fx->ctl, client->pid, "{\"cmd\":\"fault\",\"drop\":1.0}");
  drop = test_controller_wait_event (fx->ctl, "drop", client->pid, "dir", "send", WAIT_MS);
  g_assert_nonnull (drop);
  g_assert_cmpstr (test_event_str (drop, "kind"), ==, "hello");

  /* a bad command changes nothing and hurts nobody */
  test_controller_send (fx->ctl, server->pid, "{\"cmd\":\"fault\",\"drop\":7}");
  test_controller_send (fx->ctl, server->pid, "not json at all");
  g_assert_nonnull (test_controller_wait_event (fx->ctl, "log", server->pid, "level", "warning", WAIT_MS));

  /* Up to its NUL byte this line would lift the drops: it is refused whole,
   * and the client keeps dropping. */
  {
    static const char nul_line[] = "{\"cmd\":\"fault\",\"drop\":0}\0 tail\n";
    guint drops;

    test_controller_send_bytes (fx->ctl, client->pid, nul_line, sizeof nul_line - 1);
    g_assert_nonnull (test_controller_wait_event (fx->ctl, "log", client->pid, "text",
                                                  "ignored a bad command: a NUL byte in the command", WAIT_MS));
    drops = test_controller_count (fx->ctl, "drop", client->pid, NULL, NULL);
    g_assert_true (test_controller_wait_count (fx->ctl, "drop", client->pid, NULL, NULL, drops + 1, WAIT_MS));
  }
  stop_node (fx, client);
  stop_node (fx, server);
}

static void
test_post_and_tempo (Fixture *fx, gconstpointer data)
{
  TestProc *server = start_server (fx, "udp-server", NULL);
  /* at tempo 1 the next round would be a minute away: only `post` sends */
  const char *argv[] = { "udp-client", "--port", fx->port_text, "--count", "0",
                         "--interval-ms", "60000", NULL };
  TestProc *client = test_controller_spawn (fx->ctl, "c1", "1", argv);
  g_autofree char *out = NULL;

  g_assert_nonnull (test_controller_wait_event (fx->ctl, "recv", client->pid, "kind", "reply", WAIT_MS));
  test_controller_send (fx->ctl, client->pid, "{\"cmd\":\"post\",\"text\":\"posted now\"}");
  g_assert_true (test_controller_wait_count (fx->ctl, "recv", client->pid, "kind", "reply", 2, WAIT_MS));
  g_assert_cmpuint (test_controller_count (fx->ctl, "send", client->pid, "preview", "posted now"), ==, 1);
  g_assert_cmpuint (test_controller_count (fx->ctl, "send", client->pid, NULL, NULL), ==, 2);

  /* tempo 0.0001: the pending minute shrinks to 6 ms, so rounds follow quickly */
  test_controller_send (fx->ctl, client->pid, "{\"cmd\":\"tempo\",\"scale\":0.0001}");
  g_assert_true (test_controller_wait_count (fx->ctl, "send", client->pid, NULL, NULL, 6, WAIT_MS));
  stop_node (fx, client);
  out = test_proc_stdout (client);
  g_assert_nonnull (strstr (out, "Tempo is now 0.0001"));
  stop_node (fx, server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/node/chapter1/udp", test_chapter1_udp);
  ADD ("/node/chapter1/tcp", test_chapter1_tcp);
  ADD ("/node/chapter2/fork", test_chapter2_fork);
  ADD ("/node/chapter3/pool", test_chapter3_pool);
  ADD ("/node/chapter3/pool-dies-with-parent", test_pool_dies_with_parent);
  ADD ("/node/chapter3/pool-replaces-worker", test_pool_replaces_worker);
  ADD ("/node/garbage/udp", test_garbage);
  ADD ("/node/garbage/tcp", test_garbage_tcp);
  ADD ("/node/tcp-out-of-descriptors", test_tcp_out_of_descriptors);
  ADD ("/node/commands/fault", test_fault_drop_and_delay);
  ADD ("/node/commands/post-and-tempo", test_post_and_tempo);
#undef ADD
  return g_test_run ();
}
