/* trace-test-util.c — helpers of the trace tests (see the header). */
#include "trace-test-util.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void
trace_test_wait (ConclaveCluster *cluster, TraceTestCondition cond, gpointer data,
                 double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      /* Wake at least every 50 ms: some conditions change without an event. */
      g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
    }
}

static gboolean
has_ended (ConclaveCluster *cluster, gpointer name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);

  return node != NULL && conclave_node_get_state (node) >= CONCLAVE_NODE_EXITED;
}

void
trace_test_wait_ended (ConclaveCluster *cluster, const char *name, double seconds)
{
  g_autofree char *what = g_strdup_printf ("%s to end", name);

  trace_test_wait (cluster, has_ended, (gpointer) name, seconds, what);
}

static gboolean
has_address (ConclaveCluster *cluster, gpointer name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);
  const char * const *addresses = node ? conclave_node_get_addresses (node) : NULL;

  return addresses != NULL && addresses[0] != NULL;
}

void
trace_test_wait_bound (ConclaveCluster *cluster, const char *name, double seconds)
{
  g_autofree char *what = g_strdup_printf ("%s to bind", name);

  trace_test_wait (cluster, has_address, (gpointer) name, seconds, what);
}

typedef struct {
  guint64  delivered;
  gboolean all;
} Paired;

/* Control lines a process could not send (its channel was full: a loaded
 * machine, a sanitizer build) are counted, never silent; a receive whose
 * send line was among them stays unpaired, so allow exactly that many. */
static guint64
lines_lost (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint64 lost = 0;

  for (guint i = 1; i < conclave_event_store_get_n_processes (store); i++)
    lost += conclave_event_store_get_process (store, i)->lines_lost;
  return lost;
}

static gboolean
is_paired (ConclaveCluster *cluster, gpointer data)
{
  const Paired *p = data;
  guint64 counts[5];
  guint64 lost = lines_lost (cluster);

  conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED] + lost >= p->delivered && counts[CONCLAVE_MESSAGE_UNSENT] <= lost
         && (!p->all || counts[CONCLAVE_MESSAGE_IN_FLIGHT] <= lost);
}

void
trace_test_wait_paired (ConclaveCluster *cluster, guint64 delivered, gboolean all, double seconds)
{
  Paired p = { delivered, all };

  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);
  guint64 counts[5];

  while (!is_paired (cluster, &p) && g_get_monotonic_time () <= deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);
  if (is_paired (cluster, &p))
    return;
  /* Say what is missing: the figures tell a slow machine from a lost line. */
  conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
  g_error ("Timed out after %.1f s waiting for every receive paired with its send: "
           "%" G_GUINT64_FORMAT " delivered of %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
           " unsent, %" G_GUINT64_FORMAT " in flight, %" G_GUINT64_FORMAT " lines lost",
           seconds, counts[CONCLAVE_MESSAGE_DELIVERED], delivered, counts[CONCLAVE_MESSAGE_UNSENT],
           counts[CONCLAVE_MESSAGE_IN_FLIGHT], lines_lost (cluster));
}

static gboolean
can_bind (guint port, int type)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons ((guint16) port),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd = socket (AF_INET, type, 0);
  gboolean ok = fd >= 0 && bind (fd, (struct sockaddr *) &addr, sizeof addr) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

guint
trace_test_free_port (void)
{
  /* Random, not 10001: other test programs run at the same time. */
  for (guint tries = 0; tries < 100; tries++)
    {
      guint port = (guint) g_random_int_range (20000, 60000);
      gboolean free_ports = TRUE;

      for (guint i = 0; i < 4 && free_ports; i++)
        free_ports = can_bind (port + i, SOCK_DGRAM) && can_bind (port + i, SOCK_STREAM);
      if (free_ports)
        return port;
    }
  g_error ("no four free ports in a row");
}

ConclaveCluster *
trace_test_cluster (void)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);

  g_assert_no_error (error);
  conclave_cluster_set_base_port (cluster, trace_test_free_port ());
  return cluster;
}

void
trace_test_finish (ConclaveCluster *cluster)
{
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

char *
trace_test_example (const char *name)
{
  g_autofree char *dir = conclave_find_examples_dir ();

  return g_build_filename (dir, name, NULL);
}

GStrv
trace_test_argv (const char * const *argv, guint port)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *text = g_strdup_printf ("%u", port);

  for (guint i = 0; argv[i] != NULL; i++)
    {
      g_autoptr(GString) arg = g_string_new (argv[i]);
      g_string_replace (arg, "{port}", text, 0);
      g_strv_builder_add (builder, arg->str);
    }
  return g_strv_builder_end (builder);
}

GSubprocess *
trace_test_spawn_plain (const char * const *argv, GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  g_subprocess_launcher_unsetenv (launcher, "CONCLAVE_CONTROL");
  g_subprocess_launcher_unsetenv (launcher, "CONCLAVE_NODE");
  g_subprocess_launcher_setenv (launcher, "PYTHONUNBUFFERED", "1", TRUE);
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

typedef struct {
  char    *out;
  gboolean done;
  gboolean late;
} Communicated;

static gboolean
too_late (gpointer data)
{
  ((Communicated *) data)->late = TRUE;
  return G_SOURCE_REMOVE;
}

static void
communicated (GObject *source, GAsyncResult *result, gpointer data)
{
  Communicated *c = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &c->out, NULL, &error);
  g_assert_no_error (error);
  c->done = TRUE;
}

char *
trace_test_finish_plain (GSubprocess *process, double seconds)
{
  Communicated c = { NULL, FALSE, FALSE };
  guint timer = g_timeout_add ((guint) (seconds * 1000), too_late, &c);

  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated, &c);
  while (!c.done)
    {
      if (c.late)
        {
          g_subprocess_force_exit (process);
          g_error ("%s did not end within %.1f s", g_subprocess_get_identifier (process), seconds);
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (timer);
  g_assert_true (g_subprocess_wait (process, NULL, NULL));
  return c.out;
}

/* Read from /proc/net, not by trying to bind: a test that held the port for
 * a moment could make the server's own bind fail. */
gboolean
trace_test_port_taken (guint port, int type)
{
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (type == SOCK_STREAM ? "/proc/net/tcp" : "/proc/net/udp", &table, NULL, NULL))
    g_error ("cannot read /proc/net");
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      unsigned local_port = 0, state = 0;

      /* "  12: 0100007F:2711 00000000:0000 0A …" */
      if (sscanf (lines[i], " %*u: %*x:%x %*x:%*x %x", &local_port, &state) == 2
          && local_port == port && (type != SOCK_STREAM || state == 0x0A))
        return TRUE;
    }
  return FALSE;
}

char *
trace_test_node_stdout (ConclaveNode *node)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < conclave_node_get_n_output (node); i++)
    {
      ConclaveOutputStream stream;
      const char *line = conclave_node_get_output (node, i, &stream);

      if (stream == CONCLAVE_OUTPUT_STDOUT)
        g_string_append_printf (out, "%s\n", line);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gint
compare_lines (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

char *
trace_test_normalise (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) digits = g_regex_new ("[0-9]+", 0, 0, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (kept, g_regex_replace_literal (digits, lines[i], -1, 0, "#", 0, NULL));
  g_ptr_array_sort (kept, compare_lines);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("\n", (char **) kept->pdata);
}

gint
trace_test_pid (ConclaveCluster *cluster, guint32 proc)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (conclave_cluster_get_store (cluster), proc);

  return info ? info->pid : 0;
}

gint
trace_test_ppid (ConclaveCluster *cluster, guint32 proc)
{
  ConclaveProcessInfo *info = conclave_event_store_get_process (conclave_cluster_get_store (cluster), proc);

  return info ? info->ppid : 0;
}

const char *
trace_test_preview (ConclaveCluster *cluster, const ConclaveMessage *m)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  const ConclaveEvent *e = conclave_event_store_get (store, m->send_index);

  if (e == NULL)
    e = conclave_event_store_get (store, m->recv_index);
  return e ? conclave_event_store_str (store, conclave_event_preview (e)) : NULL;
}

void
trace_test_count (ConclaveCluster *cluster, guint64 counts[5])
{
  conclave_matcher_count (conclave_cluster_get_matcher (cluster), counts);
}

guint
trace_test_count_events (ConclaveCluster *cluster, ConclaveEventType type, const char *what, ConclaveNode *node)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveNode *owner;

      if (e == NULL || e->type != type)
        continue;
      if (what != NULL && g_strcmp0 (conclave_event_store_str (store, conclave_event_socket_op (e)), what) != 0)
        continue;
      owner = conclave_cluster_node_for_proc (cluster, e->proc);
      while (owner != NULL && conclave_node_get_parent (owner) != NULL)
        owner = conclave_node_get_parent (owner);
      if (node == NULL || owner == node)
        n++;
    }
  return n;
}

char *
trace_test_source (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "trace", name, NULL);
}

gboolean
trace_test_run_in_netns (gboolean lan, const char * const *args, char **out)
{
  const char *conclave_run = g_getenv ("CONCLAVE_RUN_PROGRAM");
  g_autofree char *unshare = g_find_program_in_path ("unshare");
  g_autofree char *ip = g_find_program_in_path ("ip");
  g_autofree char *helper = trace_test_source ("netns-run.sh");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status = 0;

  if (unshare == NULL || ip == NULL)
    {
      g_test_skip ("unshare (util-linux) or ip (iproute2) is not installed: cannot make a namespace with only lo");
      return FALSE;
    }
  g_assert_nonnull (conclave_run);
  for (const char * const *a = (const char * const []) { unshare, "-rn", "--fork", "/bin/sh", helper,
                                                         lan ? "--lan" : "--", conclave_run, NULL }; *a; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) && strstr (*out, "Messages") == NULL)
    {
      g_test_skip_printf ("no network namespace here (unshare -rn: %s)", g_strstrip (err));
      return FALSE;
    }
  g_test_message ("%s%s", *out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}
