/* test-trace-python.c — the lecture's Python examples, unmodified, under
 * the trace shim through a real ConclaveCluster: every send paired with its
 * receive, forked children and pool workers reported with the right parent,
 * previews right, and what the scripts print the same as without the shim.
 * Also conclave-run --node NAME=exec:COMMAND. */
#include "trace-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>

#define PYTHON "/usr/bin/python3"
#define MAX_ARGS 16

typedef struct Example Example;
typedef void (*ExampleCheck) (ConclaveCluster *cluster, ConclaveNode *server, ConclaveNode *client);

struct Example {
  const char  *server[MAX_ARGS];   /* script and arguments; {port} filled in */
  const char  *client[MAX_ARGS];
  int          type;               /* SOCK_DGRAM / SOCK_STREAM: how to see the server is up */
  guint        messages;           /* delivered messages expected */
  ExampleCheck check;
};

static GStrv
python_argv (const char * const *script_args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *script = trace_test_example (script_args[0]);

  g_strv_builder_add (builder, PYTHON);
  g_strv_builder_add (builder, script);
  g_strv_builder_addv (builder, (const char **) script_args + 1);
  return g_strv_builder_end (builder);
}

/* Server and client under the shim; returns their stdout. */
static void
run_traced (ConclaveCluster *cluster, const Example *ex, char **server_out, char **client_out)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) server = python_argv (ex->server);
  g_auto(GStrv) client = python_argv (ex->client);
  guint64 counts[5];

  g_assert_nonnull (conclave_cluster_add_program (cluster, "s1", (const char * const *) server, NULL, TRUE, &error));
  g_assert_no_error (error);
  trace_test_wait_bound (cluster, "s1", 20);
  g_assert_nonnull (conclave_cluster_add_program (cluster, "c1", (const char * const *) client, NULL, FALSE, &error));
  g_assert_no_error (error);
  trace_test_wait_ended (cluster, "c1", 30);
  trace_test_wait_ended (cluster, "s1", 30);
  trace_test_wait_paired (cluster, ex->messages, TRUE, 10);
  trace_test_count (cluster, counts);
  /* Exactly what was sent arrived: nothing lost, nothing left over. */
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_DELIVERED], ==, ex->messages);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_LOST], ==, 0);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_DROPPED], ==, 0);
  g_assert_cmpint (conclave_node_get_exit_code (conclave_cluster_lookup (cluster, "s1")), ==, 0);
  g_assert_cmpint (conclave_node_get_exit_code (conclave_cluster_lookup (cluster, "c1")), ==, 0);
  *server_out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s1"));
  *client_out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "c1"));
}

/* The same two programs without the shim, on the same port. */
static void
run_plain (const Example *ex, guint port, char **server_out, char **client_out)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) server_args = python_argv (ex->server);
  g_auto(GStrv) client_args = python_argv (ex->client);
  g_auto(GStrv) server_argv = trace_test_argv ((const char * const *) server_args, port);
  g_auto(GStrv) client_argv = trace_test_argv ((const char * const *) client_args, port);
  g_autoptr(GSubprocess) server = trace_test_spawn_plain ((const char * const *) server_argv, &error);
  g_autoptr(GSubprocess) client = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  g_assert_no_error (error);
  /* Polled with a deadline: nothing else tells us the server has bound. */
  while (!trace_test_port_taken (port, ex->type))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5000);
    }
  client = trace_test_spawn_plain ((const char * const *) client_argv, &error);
  g_assert_no_error (error);
  *client_out = trace_test_finish_plain (client, 30);
  *server_out = trace_test_finish_plain (server, 30);
}

static void
run_example (gconstpointer data)
{
  const Example *ex = data;
  ConclaveCluster *cluster = trace_test_cluster ();
  g_autofree char *server_traced = NULL, *client_traced = NULL;
  g_autofree char *server_plain = NULL, *client_plain = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  run_traced (cluster, ex, &server_traced, &client_traced);
  ex->check (cluster, conclave_cluster_lookup (cluster, "s1"), conclave_cluster_lookup (cluster, "c1"));
  trace_test_finish (cluster);

  run_plain (ex, trace_test_free_port (), &server_plain, &client_plain);
  a = trace_test_normalise (server_traced);
  b = trace_test_normalise (server_plain);
  c = trace_test_normalise (client_traced);
  d = trace_test_normalise (client_plain);
  g_assert_cmpstr (a, !=, "");
  g_assert_cmpstr (c, !=, "");
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (c, ==, d);
}

/* ---- what each example must show ---------------------------------------- */

typedef void (*MessageFunc) (ConclaveCluster *cluster, const ConclaveMessage *m, gpointer data);

static void
foreach_message (ConclaveCluster *cluster, MessageFunc func, gpointer data)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveMessage message_data;

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    func (cluster, conclave_matcher_get_message (matcher, i, &message_data), data);
}

static void
count_preview (ConclaveCluster *cluster, const ConclaveMessage *m, gpointer data)
{
  GHashTable *counts = data;
  const char *preview = trace_test_preview (cluster, m);

  g_hash_table_insert (counts, g_strdup (preview),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, preview)) + 1));
}

static void
check_hello (ConclaveCluster *cluster, ConclaveNode *server, ConclaveNode *client)
{
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  foreach_message (cluster, count_preview, counts);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Hi server!")), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "Hi client! Nice to connect with you!")), ==, 3);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "bind", server), ==, 1);
}

typedef struct {
  gint        server_pid;
  gint        client_pid;
  GHashTable *server_children;   /* pids that replied */
  GHashTable *client_children;   /* pids that asked */
} Family;

/* Every reply comes from a child of the server and names that child's PID;
 * every request from a child of the client, naming its own PID. */
static void
check_fork_message (ConclaveCluster *cluster, const ConclaveMessage *m, gpointer data)
{
  Family *f = data;
  const char *preview = trace_test_preview (cluster, m);
  gint sender = trace_test_pid (cluster, m->src_proc);
  gint parent = trace_test_ppid (cluster, m->src_proc);
  g_autofree char *own = g_strdup_printf ("%d", sender);

  g_assert_cmpint (m->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  if (g_str_has_prefix (preview, "Hi from "))
    {
      g_assert_cmpint (parent, ==, f->client_pid);
      g_assert_true (g_str_has_prefix (preview + strlen ("Hi from "), own));
      g_hash_table_add (f->client_children, GINT_TO_POINTER (sender));
    }
  else
    {
      g_assert_true (g_str_has_prefix (preview, "Hi 127.0.0.1:"));
      g_assert_cmpint (parent, ==, f->server_pid);
      g_assert_true (g_str_has_suffix (preview, own));
      g_hash_table_add (f->server_children, GINT_TO_POINTER (sender));
    }
}

static void
check_fork (ConclaveCluster *cluster, ConclaveNode *server, ConclaveNode *client)
{
  g_autoptr(GHashTable) server_children = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) client_children = g_hash_table_new (NULL, NULL);
  Family f = { conclave_node_get_pid (server), conclave_node_get_pid (client), server_children, client_children };

  foreach_message (cluster, check_fork_message, &f);
  /* Three requests, three children each side, each reported with its parent. */
  g_assert_cmpuint (g_hash_table_size (server_children), ==, 3);
  g_assert_cmpuint (g_hash_table_size (client_children), ==, 3);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_FORK, NULL, server), ==, 3);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_FORK, NULL, client), ==, 3);
}

static void
check_square_message (ConclaveCluster *cluster, const ConclaveMessage *m, gpointer data)
{
  Family *f = data;
  const char *preview = trace_test_preview (cluster, m);
  gint sender = trace_test_pid (cluster, m->src_proc);
  guint number, square;
  gint worker;

  if (trace_test_pid (cluster, m->src_proc) == f->client_pid)
    return;
  /* "3 squared is 9, from worker 1234": sent by worker 1234, a child of the server */
  g_assert_cmpint (sscanf (preview, "%u squared is %u, from worker %d", &number, &square, &worker), ==, 3);
  g_assert_cmpuint (square, ==, number * number);
  g_assert_cmpint (worker, ==, sender);
  g_assert_cmpint (trace_test_ppid (cluster, m->src_proc), ==, f->server_pid);
  g_hash_table_add (f->server_children, GINT_TO_POINTER (sender));
}

static void
check_pool (ConclaveCluster *cluster, ConclaveNode *server, ConclaveNode *client)
{
  g_autoptr(GHashTable) workers = g_hash_table_new (NULL, NULL);
  Family f = { conclave_node_get_pid (server), conclave_node_get_pid (client), workers, NULL };
  guint n_children = g_list_model_get_n_items (conclave_node_get_children (server));

  foreach_message (cluster, check_square_message, &f);
  g_assert_cmpuint (g_hash_table_size (workers), >=, 1);
  g_assert_cmpuint (g_hash_table_size (workers), <=, 2);
  /* Both workers forked and said hello, whether or not they got work. */
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_FORK, NULL, server), >=, 2);
  g_assert_cmpuint (n_children, >=, 2);
}

static void
check_tcp_message (ConclaveCluster *cluster, const ConclaveMessage *m, gpointer data)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  const ConclaveEvent *send = conclave_event_store_get (store, m->send_index);
  const ConclaveEvent *recv = conclave_event_store_get (store, m->recv_index);

  g_assert_cmpint (send->proto, ==, CONCLAVE_PROTO_TCP);
  g_assert_true (send->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET);
  g_assert_true (recv->flags & CONCLAVE_EVENT_FLAG_HAS_OFFSET);
  /* A receive pairs only with a send whose bytes it overlaps. */
  g_assert_cmpint (conclave_event_offset (recv), <, conclave_event_offset (send) + (gint32) conclave_event_length (send));
  g_assert_cmpint (conclave_event_offset (send), <, conclave_event_offset (recv) + (gint32) conclave_event_length (recv));
  (*(guint *) data)++;
}

static void
check_tcp (ConclaveCluster *cluster, ConclaveNode *server, ConclaveNode *client)
{
  guint n = 0;

  foreach_message (cluster, check_tcp_message, &n);
  g_assert_cmpuint (n, ==, 6);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "listen", server), ==, 1);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "accept", server), ==, 1);
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_SOCKET, "connect", client), ==, 1);
}

static const Example udp_hello = {
  { "udp_server.py", "--port", "{port}", "--count", "3" },
  { "udp_client.py", "--port", "{port}", "--count", "3", "--interval", "0.05" },
  SOCK_DGRAM, 6, check_hello,
};

static const Example fork_per_request = {
  { "fork_server.py", "--port", "{port}", "--count", "3" },
  { "fork_clients.py", "--port", "{port}", "--clients", "3" },
  SOCK_DGRAM, 6, check_fork,
};

static const Example pool = {
  { "pool_server.py", "--port", "{port}", "--workers", "2", "--count", "6" },
  { "square_client.py", "--port", "{port}", "--count", "6" },
  SOCK_DGRAM, 12, check_pool,
};

static const Example tcp_hello = {
  { "tcp_server.py", "--port", "{port}", "--count", "1" },
  { "tcp_client.py", "--port", "{port}", "--count", "3", "--interval", "0.05" },
  SOCK_STREAM, 6, check_tcp,
};

/* ---- conclave-run --node NAME=exec:COMMAND -------------------------------- */

static void
test_run_exec (void)
{
  const char *run = g_getenv ("CONCLAVE_RUN_PROGRAM");
  g_autofree char *dir = g_dir_make_tmp ("trace-run-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autofree char *server = trace_test_example ("udp_server.py");
  g_autofree char *client = trace_test_example ("udp_client.py");
  guint port = trace_test_free_port ();  /* not {port}: other tests run conclave-run too */
  g_autofree char *s1 = g_strdup_printf ("s1=exec:" PYTHON " '%s' --port %u", server, port);
  g_autofree char *c1 = g_strdup_printf ("c1=exec:" PYTHON " '%s' --port %u --count 3 --interval 0.05 --timeout 0.2",
                                         client, port);
  const char *argv[] = { run, "-d", "3s", "-t", trace, "--node", s1, "--node", c1, NULL };
  g_autofree char *out = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;
  guint replies = 0;

  g_assert_nonnull (run);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (trace, &contents, NULL, NULL));
  for (const char *p = contents; (p = strstr (p, "\"preview\":\"Hi client! Nice to connect with you!\"")) != NULL; p++)
    replies++;
  /* Each reply is in the trace twice: as its send and as its receive. */
  g_assert_cmpuint (replies, ==, 6);
  g_assert_nonnull (strstr (out, "c1"));
  g_assert_nonnull (strstr (out, "exited (0)"));
  g_unlink (trace);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/trace/python/udp-hello", &udp_hello, run_example);
  g_test_add_data_func ("/trace/python/process-per-request", &fork_per_request, run_example);
  g_test_add_data_func ("/trace/python/pool", &pool, run_example);
  g_test_add_data_func ("/trace/python/tcp-hello", &tcp_hello, run_example);
  g_test_add_func ("/trace/run/exec-nodes", test_run_exec);
  return g_test_run ();
}
