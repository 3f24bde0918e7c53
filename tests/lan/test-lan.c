/* test-lan.c — `--network lan`, every node its own host, checked on real
 * programs:
 * hosts         three student-style programs learn three distinct own
 *               addresses (UDP connect to 8.8.8.8), their host names (the
 *               node names) and each other's addresses by name; all bind
 *               0.0.0.0:10001 without SO_REUSEADDR (and the trace says
 *               each bound its own address); one broadcast to
 *               255.255.255.255, one to 10.77.0.255 and one multicast reach
 *               all three, each paired as one send with three receives, and
 *               no rewrite is reported;
 * shared-host   chapter 1 over 127.0.0.1 works with server and client on
 *               one host; names resolve to the host's address;
 * isolate,      isolation is a cut in the network: programs without the
 * split-brain   trace library reach only their own side, and a group
 *               elects two leaders;
 * sigkill       a SIGKILL of conclave-run leaves no process and no network
 *               namespace behind;
 * refused       where the kernel allows no user namespace, one sentence
 *               with its reason.
 * Skips where the kernel allows no user namespace. */
#include "conclave-matcher.h"
#include "trace-test-util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PYTHON "/usr/bin/python3"
#define PORT "10001"
#define N_PEERS 3

static const char * const names[N_PEERS] = { "s1", "s2", "s3" };

/* A cluster on the LAN, or NULL with the test skipped where none can be. */
static ConclaveCluster *
lan_cluster (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(GError) error = NULL;

  if (!conclave_cluster_set_network (cluster, CONCLAVE_NETWORK_LAN, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_test_skip (error->message);
      conclave_cluster_shutdown (cluster);
      return NULL;
    }
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  return g_steal_pointer (&cluster);
}

static gboolean
all_say (ConclaveCluster *cluster, gpointer word)
{
  for (guint i = 0; i < N_PEERS; i++)
    {
      g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, names[i]));
      if (strstr (out, word) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* With `untraced`, each peer runs without the trace library (as a static
 * or Go program would): `env` drops LD_PRELOAD before python starts. */
static void
start_peers (ConclaveCluster *cluster, gboolean untraced)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "lan", "lan_peer.py", NULL);

  for (guint i = 0; i < N_PEERS; i++)
    {
      const char *traced[] = { PYTHON, script, "--port", PORT, "--peer", names[(i + 1) % N_PEERS], NULL };
      const char *bare[] = { "/usr/bin/env", "-u", "LD_PRELOAD", PYTHON, script, "--port", PORT,
                             "--peer", names[(i + 1) % N_PEERS], NULL };
      const char * const *argv = untraced ? bare : traced;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (conclave_cluster_add_program (cluster, names[i], argv, NULL, TRUE, &error));
      g_assert_no_error (error);
    }
}

/* Its "me …" line says its host name, its own IP and its peer's. */
static void
check_identity (ConclaveCluster *cluster, guint i, const char *out)
{
  ConclaveLan *lan = conclave_cluster_get_lan (cluster);
  const char *peer = names[(i + 1) % N_PEERS];
  g_autofree char *expected = g_strdup_printf ("me %s ip %s peer %s at %s\n", names[i],
                                               conclave_lan_get_address (lan, names[i]),
                                               peer, conclave_lan_get_address (lan, peer));

  g_assert_true (g_str_has_prefix (conclave_lan_get_address (lan, names[i]), "10.77.0."));
  for (guint j = 0; j < i; j++)
    g_assert_cmpstr (conclave_lan_get_address (lan, names[j]), !=, conclave_lan_get_address (lan, names[i]));
  g_assert_nonnull (strstr (out, expected));
}

/* The trace says where it bound: 0.0.0.0 on its host is its own address
 * there (where the others send), not 127.0.0.1. */
static void
check_bound (ConclaveCluster *cluster, guint i)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveNode *node = conclave_cluster_lookup (cluster, names[i]);
  g_autofree char *expected = g_strdup_printf ("%s:" PORT, conclave_lan_get_address (conclave_cluster_get_lan (cluster),
                                                                                      names[i]));
  guint binds = 0;

  for (guint64 k = conclave_event_store_get_first (store); k < conclave_event_store_get_end (store); k++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, k);

      if (e->type != CONCLAVE_EVENT_SOCKET || conclave_cluster_node_for_proc (cluster, e->proc) != node ||
          g_strcmp0 (conclave_event_store_str (store, conclave_event_socket_op (e)), "bind") != 0)
        continue;
      g_assert_cmpstr (conclave_event_store_str (store, conclave_event_socket_local (e)), ==, expected);
      binds++;
    }
  g_assert_cmpuint (binds, ==, 1);
}

/* Each got each of s1's three datagrams once, from s1's own address. */
static void
check_received (ConclaveCluster *cluster, const char *out)
{
  const char *from = conclave_lan_get_address (conclave_cluster_get_lan (cluster), "s1");

  for (const char * const *kind = (const char * const []) { "B255", "BSUB", "MCAST", NULL }; *kind; kind++)
    {
      g_autofree char *line = g_strdup_printf ("got %s from s1 via %s\n", *kind, from);
      const char *at = strstr (out, line);

      g_assert_nonnull (at);
      g_assert_null (strstr (at + 1, line));
    }
}

/* The matcher: each of s1's three group sends, three receives, one per node. */
static void
check_fan_out (ConclaveCluster *cluster)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveNode *s1 = conclave_cluster_lookup (cluster, "s1");
  g_autoptr(GHashTable) per_send = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer value;

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      ConclaveNode *to = conclave_cluster_node_for_proc (cluster, m->dst_proc);
      guint seen;

      g_assert_true (conclave_cluster_node_for_proc (cluster, m->src_proc) == s1);
      g_assert_cmpint (m->state, ==, CONCLAVE_MESSAGE_DELIVERED);
      g_assert_cmpint (m->recv_ns, >, m->send_ns);
      seen = GPOINTER_TO_UINT (g_hash_table_lookup (per_send, &m->send_index));
      for (guint n = 0; n < N_PEERS; n++)
        if (to == conclave_cluster_lookup (cluster, names[n]))
          {
            g_assert_false (seen & (1u << n));   /* never twice to one node */
            seen |= 1u << n;
          }
      g_hash_table_insert (per_send, g_memdup2 (&m->send_index, sizeof m->send_index), GUINT_TO_POINTER (seen));
    }
  g_assert_cmpuint (g_hash_table_size (per_send), ==, 3);
  g_hash_table_iter_init (&iter, per_send);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, (1u << N_PEERS) - 1);
}

static void
test_hosts (void)
{
  g_autoptr(ConclaveCluster) cluster = lan_cluster ();
  g_autoptr(GError) error = NULL;

  if (cluster == NULL)
    return;
  start_peers (cluster, FALSE);
  trace_test_wait (cluster, all_say, "ready\n", 20, "every peer bound");
  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  g_assert_no_error (error);
  for (guint i = 0; i < N_PEERS; i++)
    trace_test_wait_ended (cluster, names[i], 20);
  trace_test_wait_paired (cluster, 3 * N_PEERS, TRUE, 10);
  for (guint i = 0; i < N_PEERS; i++)
    {
      g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, names[i]));

      g_test_message ("%s:\n%s", names[i], out);
      check_identity (cluster, i, out);
      check_received (cluster, out);
      check_bound (cluster, i);
    }
  check_fan_out (cluster);
  /* Real broadcast and multicast: nothing was rewritten. */
  g_assert_cmpuint (trace_test_count_events (cluster, CONCLAVE_EVENT_REWRITE, NULL, NULL), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- hosts shared ---------------------------------------------------------- */

/* Chapter 1's server and client talk over 127.0.0.1: on one host "h1" they
 * still do in LAN mode; a third node on its own host finds both by name
 * at h1's address, and h1 by its own name. */
static const char shared_scenario[] =
  "{\"id\": \"shared\", \"title\": \"Shared host\", \"network\": \"lan\", \"tempo\": 0.05,\n"
  " \"nodes\": [\n"
  "  {\"name\": \"s1\", \"role\": \"udp-server\", \"args\": [\"--port\", \"{port}\"], \"host\": \"h1\"},\n"
  "  {\"name\": \"c1\", \"role\": \"udp-client\", \"args\": [\"--port\", \"{port}\", \"--count\", \"3\"],"
  " \"host\": \"h1\", \"start_ms\": 300},\n"
  "  {\"name\": \"s2\", \"role\": \"exec\", \"args\": [\"/bin/sh\", \"-c\","
  " \"hostname; for n in s1 c1 h1 s2; do echo $n $(getent hosts $n | cut -d' ' -f1); done\"]}]}\n";

static gboolean
delivered_at_least (ConclaveCluster *cluster, gpointer n)
{
  guint64 counts[5];

  trace_test_count (cluster, counts);
  return counts[CONCLAVE_MESSAGE_DELIVERED] >= GPOINTER_TO_UINT (n);
}

static void
test_shared_host (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *expected = NULL;
  ConclaveLan *lan;

  scenario = conclave_scenario_new_from_data (shared_scenario, strlen (shared_scenario), "shared.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scenario->nodes->pdata[0] ? ((ConclaveScenarioNode *) scenario->nodes->pdata[0])->host : NULL, ==, "h1");
  if (!conclave_cluster_start_scenario (cluster, scenario, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_test_skip (error->message);
      trace_test_finish (g_steal_pointer (&cluster));
      return;
    }
  lan = conclave_cluster_get_lan (cluster);
  g_assert_nonnull (lan);
  /* Three requests, three replies, over h1's own loopback. */
  trace_test_wait (cluster, delivered_at_least, GUINT_TO_POINTER (6), 20, "chapter 1 on a shared host");
  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpstr (conclave_lan_get_host (lan, "c1"), ==, "h1");
  g_assert_cmpstr (conclave_lan_get_address (lan, "s1"), ==, conclave_lan_get_address (lan, "c1"));
  g_assert_cmpstr (conclave_lan_get_address (lan, "s2"), !=, conclave_lan_get_address (lan, "s1"));
  out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s2"));
  expected = g_strdup_printf ("s2\ns1 %s\nc1 %s\nh1 %s\ns2 %s\n",
                              conclave_lan_get_address (lan, "s1"), conclave_lan_get_address (lan, "c1"),
                              conclave_lan_get_address (lan, "h1"), conclave_lan_get_address (lan, "s2"));
  g_assert_cmpstr (out, ==, expected);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a cut in the network ----------------------------------------------- */

/* Its "got" lines: how many, and how many from `sender`. */
static guint
count_got (ConclaveCluster *cluster, const char *name, const char *sender, guint *from_sender)
{
  g_autofree char *out = trace_test_node_stdout (conclave_cluster_lookup (cluster, name));
  g_autofree char *mark = g_strdup_printf (" from %s via", sender);
  g_auto(GStrv) lines = g_strsplit (out, "\n", 0);
  guint got = 0;

  *from_sender = 0;
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "got "))
      {
        got++;
        *from_sender += strstr (lines[i], mark) != NULL;
      }
  return got;
}

/* s3 isolated: programs without the shim are cut off by the network
 * itself. s3's three datagrams go first and reach only s3; then s1's
 * reach s1 and s2 and never s3. */
static void
test_isolate (void)
{
  g_autoptr(ConclaveCluster) cluster = lan_cluster ();
  g_autoptr(GError) error = NULL;
  guint from;

  if (cluster == NULL)
    return;
  start_peers (cluster, TRUE);
  trace_test_wait (cluster, all_say, "ready\n", 20, "every peer bound");
  g_assert_true (conclave_faults_isolate (conclave_cluster_get_faults (cluster), "s3"));
  g_assert_cmpuint (conclave_lan_get_segment (conclave_cluster_get_lan (cluster), "s3"), !=,
                    conclave_lan_get_segment (conclave_cluster_get_lan (cluster), "s1"));
  g_assert_true (conclave_cluster_send_input (cluster, "s3", "go", &error));
  trace_test_wait_ended (cluster, "s3", 20);
  g_assert_true (conclave_cluster_send_input (cluster, "s1", "go", &error));
  g_assert_no_error (error);
  trace_test_wait_ended (cluster, "s1", 20);
  trace_test_wait_ended (cluster, "s2", 20);
  g_assert_cmpuint (count_got (cluster, "s3", "s3", &from), ==, 3);
  g_assert_cmpuint (from, ==, 3);
  g_assert_cmpuint (count_got (cluster, "s1", "s1", &from), ==, 3);
  g_assert_cmpuint (from, ==, 3);
  g_assert_cmpuint (count_got (cluster, "s2", "s1", &from), ==, 3);
  g_assert_cmpuint (from, ==, 3);
  /* Healed, every host is on one bridge again. */
  conclave_faults_heal (conclave_cluster_get_faults (cluster));
  for (guint i = 0; i < N_PEERS; i++)
    g_assert_cmpuint (conclave_lan_get_segment (conclave_cluster_get_lan (cluster), names[i]), ==, 0);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* A course project's group (tests/trace/course_peer.py: discovery by
 * broadcast and multicast, the highest id leads) without the trace
 * library, p3 isolated before any starts: split brain in their own words,
 * p1 and p2 follow 2, p3 follows itself alone. */
static void
test_split_brain (void)
{
  g_autoptr(ConclaveCluster) cluster = lan_cluster ();
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "trace", "course_peer.py", NULL);

  if (cluster == NULL)
    return;
  for (guint id = 1; id <= 3; id++)
    {
      g_autofree char *name = g_strdup_printf ("p%u", id);
      /* Each starts on "go": p3 only once it is cut off. */
      g_autofree char *command = g_strdup_printf ("read go && exec /usr/bin/env -u LD_PRELOAD " PYTHON " '%s' --id %u"
                                                  " --rounds 6 --interval 0.05 --linger 0.5", script, id);
      const char *argv[] = { "/bin/sh", "-c", command, NULL };
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, TRUE, &error));
      g_assert_no_error (error);
    }
  g_assert_true (conclave_faults_isolate (conclave_cluster_get_faults (cluster), "p3"));
  for (const char * const *name = (const char * const []) { "p1", "p2", "p3", NULL }; *name; name++)
    g_assert_true (conclave_cluster_send_input (cluster, *name, "go", NULL));
  for (guint id = 1; id <= 3; id++)
    {
      g_autofree char *name = g_strdup_printf ("p%u", id);
      g_autofree char *out = NULL, *expected = NULL;

      trace_test_wait_ended (cluster, name, 30);
      out = trace_test_node_stdout (conclave_cluster_lookup (cluster, name));
      g_test_message ("%s:\n%s", name, out);
      expected = g_strdup_printf ("peer %u: final leader is %u, %u members,", id, id == 3 ? 3 : 2, id == 3 ? 1 : 2);
      g_assert_nonnull (strstr (out, expected));
      g_free (expected);
      /* Its own IP, learnt the usual way, is its host's. */
      expected = g_strdup_printf ("peer %u: my IP is %s,", id,
                                  conclave_lan_get_address (conclave_cluster_get_lan (cluster), name));
      g_assert_nonnull (strstr (out, expected));
      /* Never anyone else's leader on the way either. */
      g_assert_null (strstr (out, id == 3 ? "leader is 2" : "leader is 3"));
    }
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- SIGKILL of the controller ------------------------------------------ */

typedef struct {
  gint    pid;
  gint    ppid;
  guint64 start;     /* field 22 of /proc/PID/stat: tells a reused pid apart */
  char   *netns;     /* "net:[…]" */
} Proc;

static void
proc_clear (gpointer data)
{
  g_free (((Proc *) data)->netns);
}

/* ppid, state and start time from /proc/PID/stat; FALSE if it is gone. */
static gboolean
read_stat (gint pid, gint *ppid, char *state, guint64 *start)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return FALSE;
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 20)
    return FALSE;
  *state = fields[0][0];
  *ppid = atoi (fields[1]);
  *start = g_ascii_strtoull (fields[19], NULL, 10);
  return TRUE;
}

static char *
netns_of (gint pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/ns/net", pid);

  return g_file_read_link (path, NULL);
}

/* Every living descendant of `root`. */
static GArray *
descendants (gint root)
{
  g_autoptr(GHashTable) family = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (Proc));
  GArray *found = g_array_new (FALSE, TRUE, sizeof (Proc));
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  gboolean grew = TRUE;
  const char *name;

  g_array_set_clear_func (found, proc_clear);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      Proc p = { atoi (name), 0, 0, NULL };
      char state;

      if (p.pid > 0 && read_stat (p.pid, &p.ppid, &state, &p.start) && state != 'Z')
        g_array_append_val (all, p);
    }
  g_hash_table_add (family, GINT_TO_POINTER (root));
  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          Proc *p = &g_array_index (all, Proc, i);
          if (!g_hash_table_contains (family, GINT_TO_POINTER (p->pid)) &&
              g_hash_table_contains (family, GINT_TO_POINTER (p->ppid)))
            {
              g_hash_table_add (family, GINT_TO_POINTER (p->pid));
              g_array_append_val (found, ((Proc) { p->pid, p->ppid, p->start, netns_of (p->pid) }));
              grew = TRUE;
            }
        }
    }
  return found;
}

static gboolean
still_alive (const Proc *p)
{
  gint ppid;
  char state;
  guint64 start;

  return read_stat (p->pid, &ppid, &state, &start) && state != 'Z' && start == p->start;
}

/* How many of `procs` live, and how many processes anywhere are in one of
 * the network namespaces they were in (other than ours). */
static guint
survivors (GArray *procs, const char *ours)
{
  g_autoptr(GHashTable) spaces = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDir) dir = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint n = 0;

  for (guint i = 0; i < procs->len; i++)
    {
      const Proc *p = &g_array_index (procs, Proc, i);
      n += still_alive (p);
      if (p->netns != NULL && g_strcmp0 (p->netns, ours) != 0)
        g_hash_table_add (spaces, p->netns);
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *space = atoi (name) > 0 ? netns_of (atoi (name)) : NULL;
      n += space != NULL && g_hash_table_contains (spaces, space);
    }
  return n;
}

static GSubprocess *
start_run (char **line, char **hosts)
{
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "--network", "lan", "-d", "60s",
                         "-n", "s1=exec:/bin/sleep 60", "-n", "s2=exec:/bin/sleep 60", NULL };
  g_autoptr(GError) error = NULL;
  GSubprocess *run = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_autoptr(GDataInputStream) out = NULL;

  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run));
  /* "Running nodes for …" comes once every node was spawned. */
  while ((*line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)) != NULL &&
         !g_str_has_prefix (*line, "Running") && strstr (*line, "No LAN") == NULL)
    g_free (*line);
  /* Then where each node is. */
  if (*line != NULL && g_str_has_prefix (*line, "Running"))
    *hosts = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL);
  return run;
}

static void
test_sigkill (void)
{
  g_autofree char *line = NULL, *hosts = NULL;
  g_autoptr(GSubprocess) run = start_run (&line, &hosts);
  g_autofree char *ours = netns_of (getpid ());
  g_autoptr(GArray) procs = NULL;
  g_autoptr(GHashTable) spaces = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 deadline;
  guint left;

  g_assert_nonnull (line);
  if (strstr (line, "No LAN") != NULL)
    {
      g_test_skip (line);
      g_subprocess_wait (run, NULL, NULL);
      return;
    }
  g_assert_cmpstr (hosts, ==, "LAN 10.77.0.0/24 (bridge 10.77.0.1): s1 10.77.0.2, s2 10.77.0.3");
  procs = descendants (atoi (g_subprocess_get_identifier (run)));
  /* The helper, one host per node, the two nodes: four namespaces of its own. */
  g_assert_cmpuint (procs->len, >=, 5);
  for (guint i = 0; i < procs->len; i++)
    if (g_array_index (procs, Proc, i).netns != NULL)
      g_hash_table_add (spaces, g_array_index (procs, Proc, i).netns);
  g_hash_table_remove (spaces, ours);
  g_assert_cmpuint (g_hash_table_size (spaces), ==, 3);

  g_subprocess_send_signal (run, SIGKILL);
  g_assert_true (g_subprocess_wait (run, NULL, NULL));
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  while ((left = survivors (procs, ours)) > 0 && g_get_monotonic_time () < deadline)
    g_usleep (10000);
  g_assert_cmpuint (left, ==, 0);
}

/* --- where the kernel refuses ------------------------------------------ */

/* In a user namespace whose limit of nested ones is 0, `--network lan`
 * fails at once with one sentence holding the kernel's reason. */
static void
test_refused (void)
{
  g_autofree char *script = g_strdup_printf ("echo 0 > /proc/sys/user/max_user_namespaces || exit 77; "
                                             "exec '%s' --network lan -d 1s -n 's1=exec:/bin/true'",
                                             g_getenv ("CONCLAVE_RUN_PROGRAM"));
  const char *argv[] = { "unshare", "-rU", "/bin/sh", "-c", script, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  gint status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    {
      g_test_skip_printf ("unshare (util-linux) cannot run: %s", error->message);
      return;
    }
  /* 77: the limit could not be set; unshare's own complaint: no user
   * namespace at all. Anything else is conclave-run's answer (a crash too,
   * when the helper is gone before it is asked: a failure, not a skip). */
  if ((WIFEXITED (status) && WEXITSTATUS (status) == 77) || g_str_has_prefix (err, "unshare:"))
    {
      g_test_skip_printf ("no user namespace to limit here: %s", g_strstrip (err));
      return;
    }
  g_test_message ("%s%s", out, err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  /* One line, the kernel's own word for it, and no node was started. */
  g_assert_true (g_str_has_prefix (err, "conclave-run: No LAN on this machine: The kernel refused a user namespace ("));
  g_assert_nonnull (strstr (err, g_strerror (ENOSPC)));
  g_assert_cmpint (strchr (err, '\n') - err, ==, strlen (err) - 1);
  g_assert_null (strstr (out, "Running"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan/hosts", test_hosts);
  g_test_add_func ("/lan/shared-host", test_shared_host);
  g_test_add_func ("/lan/isolate", test_isolate);
  g_test_add_func ("/lan/split-brain", test_split_brain);
  g_test_add_func ("/lan/sigkill", test_sigkill);
  g_test_add_func ("/lan/refused", test_refused);
  return g_test_run ();
}
