/* test-lan-hosts.c — the hosts of Conclave's LAN over a node's life and
 * beyond:
 * recording  a saved trace's header says "network": "lan" and where each
 *            node ran (two nodes sharing a host); read back, a replay of
 *            it has the same LAN (hosts, addresses), and `conclave-run
 *            --replay` names them; a loopback header says nothing of it;
 * remove     a removed node's host goes (its process is gone, its address
 *            no longer looked up, its name out of the hosts file), unless
 *            another node still lives there; a new node does not get the
 *            freed address at once; after a clear, .2 again.
 * Skips where the kernel allows no user namespace. */
#include "conclave-trace-file.h"
#include "trace-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

static const char scenario_text[] =
  "{\"id\": \"hosts\", \"title\": \"Hosts\", \"network\": \"lan\",\n"
  " \"nodes\": [\n"
  "  {\"name\": \"s1\", \"role\": \"exec\", \"args\": [\"/bin/sh\", \"-c\", \"hostname; exec sleep 60\"]},\n"
  "  {\"name\": \"s2\", \"role\": \"exec\", \"args\": [\"/bin/sh\", \"-c\", \"hostname; exec sleep 60\"]},\n"
  "  {\"name\": \"c1\", \"role\": \"exec\", \"args\": [\"/bin/sh\", \"-c\", \"hostname; exec sleep 60\"], \"host\": \"h1\"},\n"
  "  {\"name\": \"c2\", \"role\": \"exec\", \"args\": [\"/bin/sh\", \"-c\", \"hostname; exec sleep 60\"], \"host\": \"h1\"}]}\n";

static const char * const names[] = { "s1", "s2", "c1", "c2", NULL };

/* The scenario running on the LAN, or NULL with the test skipped. */
static ConclaveCluster *
start (void)
{
  g_autoptr(ConclaveCluster) cluster = trace_test_cluster ();
  g_autoptr(ConclaveScenario) scenario = NULL;
  g_autoptr(GError) error = NULL;

  scenario = conclave_scenario_new_from_data (scenario_text, strlen (scenario_text), "hosts.json", &error);
  g_assert_no_error (error);
  if (!conclave_cluster_start_scenario (cluster, scenario, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_test_skip (error->message);
      trace_test_finish (g_steal_pointer (&cluster));
      return NULL;
    }
  return g_steal_pointer (&cluster);
}

/* Every node named its host (its first output line). */
static gboolean
all_said_hostname (ConclaveCluster *cluster, gpointer data)
{
  const char * const *which = data;

  for (guint i = 0; which[i] != NULL; i++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, which[i]);
      if (node == NULL || conclave_node_get_n_output (node) < 1)
        return FALSE;
    }
  return TRUE;
}

/* --- a recording remembers its LAN ------------------------------------------ */

static const ConclaveTraceHost *
find_host (GPtrArray *hosts, const char *node)
{
  for (guint i = 0; hosts != NULL && i < hosts->len; i++)
    if (g_str_equal (((ConclaveTraceHost *) hosts->pdata[i])->node, node))
      return hosts->pdata[i];
  return NULL;
}

/* The recorded LAN is the live one: each node on the same host at the
 * same address. */
static void
check_same_lan (ConclaveLan *live, GPtrArray *hosts, ConclaveLan *replayed)
{
  g_assert_cmpuint (hosts->len, ==, g_strv_length ((char **) names));
  for (guint i = 0; names[i] != NULL; i++)
    {
      const ConclaveTraceHost *h = find_host (hosts, names[i]);

      if (h == NULL)
        g_error ("the recording does not say where %s ran", names[i]);
      g_assert_cmpstr (h->address, ==, conclave_lan_get_address (live, names[i]));
      g_assert_cmpstr (h->host, ==, conclave_lan_get_host (live, names[i]));
      g_assert_cmpstr (conclave_lan_get_address (replayed, names[i]), ==, h->address);
      g_assert_cmpstr (conclave_lan_get_host (replayed, names[i]), ==, h->host);
    }
  g_assert_cmpstr (conclave_lan_get_host (replayed, "c1"), ==, "h1");
  g_assert_cmpstr (conclave_lan_get_address (replayed, "c1"), ==, conclave_lan_get_address (replayed, "c2"));
  g_assert_cmpstr (conclave_lan_get_address (replayed, "s1"), !=, conclave_lan_get_address (replayed, "s2"));
  g_assert_cmpstr (conclave_lan_lookup_address (replayed, conclave_lan_get_address (live, "c1")), ==, "h1");
}

/* `conclave-run --replay` says where each node was. */
static void
check_run_replay (const char *path, ConclaveLan *live)
{
  const char *argv[] = { g_getenv ("CONCLAVE_RUN_PROGRAM"), "--replay", path, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s", out);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *said = g_strdup_printf (" %s %s", names[i], conclave_lan_get_address (live, names[i]));
      g_assert_nonnull (strstr (out, "\nLAN 10.77.0.0/24 (bridge 10.77.0.1):"));
      g_assert_nonnull (strstr (out, said));
    }
}

static void
test_recording (void)
{
  g_autoptr(ConclaveCluster) cluster = start ();
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(ConclaveCluster) replay = NULL;
  g_autoptr(GPtrArray) hosts = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(ConclaveTraceHeader) read = { 0 };
  g_autofree char *dir = g_dir_make_tmp ("lan-hosts-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "class.jsonl.gz", NULL);
  g_autofree char *loopback = NULL;
  ConclaveTraceHeader header = { 0 };

  if (cluster == NULL)
    return;
  trace_test_wait (cluster, all_said_hostname, (gpointer) names, 20, "every node started");
  hosts = conclave_cluster_list_hosts (cluster);
  header.scenario = "hosts";
  header.network = "lan";
  header.hosts = hosts;
  g_assert_true (conclave_trace_save (conclave_cluster_get_store (cluster), path, &header, &error));
  g_assert_no_error (error);

  g_assert_true (conclave_trace_load_with_header (store, path, &read, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (read.format, ==, 1);
  g_assert_cmpstr (read.network, ==, "lan");
  replay = conclave_cluster_new_replay (store, "class", &error);
  g_assert_no_error (error);
  conclave_cluster_set_recorded_hosts (replay, read.hosts);
  conclave_cluster_replay_to (replay, G_MAXUINT64);
  g_assert_cmpint (conclave_cluster_get_network (replay), ==, CONCLAVE_NETWORK_LAN);
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_nonnull (conclave_cluster_lookup (replay, names[i]));
  check_same_lan (conclave_cluster_get_lan (cluster), read.hosts, conclave_cluster_get_lan (replay));
  /* Saved again from the replay: the same hosts. */
  {
    g_autoptr(GPtrArray) again = conclave_cluster_list_hosts (replay);
    check_same_lan (conclave_cluster_get_lan (cluster), again, conclave_cluster_get_lan (replay));
  }
  check_run_replay (path, conclave_cluster_get_lan (cluster));

  /* Loopback: nothing about a network in the header. */
  loopback = conclave_trace_header_to_line (&(ConclaveTraceHeader) { .scenario = "chapter-1" });
  g_assert_null (strstr (loopback, "network"));
  g_assert_null (strstr (loopback, "hosts"));
  g_unlink (path);
  g_rmdir (dir);
  trace_test_finish (g_steal_pointer (&cluster));
}

/* --- a removed node's host goes ---------------------------------------------- */

static gboolean
process_gone (ConclaveCluster *cluster, gpointer pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d", GPOINTER_TO_INT (pid));

  return !g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
node_gone (ConclaveCluster *cluster, gpointer name)
{
  return conclave_cluster_lookup (cluster, name) == NULL;
}

static void
remove_node (ConclaveCluster *cluster, const char *name)
{
  g_assert_true (conclave_cluster_remove (cluster, name));
  trace_test_wait (cluster, node_gone, (gpointer) name, 10, "the node removed");
}

/* A new node on a host of its own that says what the hosts file names. */
static void
add_looker (ConclaveCluster *cluster, const char *name)
{
  const char *argv[] = { "/bin/sh", "-c", "for n in s1 s2 c1 c2 h1; do echo $n $(getent hosts $n | cut -d' ' -f1); done",
                         NULL };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (conclave_cluster_add_program (cluster, name, argv, NULL, FALSE, &error));
  g_assert_no_error (error);
  trace_test_wait_ended (cluster, name, 20);
}

static void
test_remove (void)
{
  g_autoptr(ConclaveCluster) cluster = start ();
  g_autofree char *s2_address = NULL, *h1_address = NULL, *out = NULL, *expected = NULL;
  ConclaveLan *lan;
  GPid s2_pid, h1_pid, s1_pid;

  if (cluster == NULL)
    return;
  trace_test_wait (cluster, all_said_hostname, (gpointer) names, 20, "every node started");
  lan = conclave_cluster_get_lan (cluster);
  s1_pid = conclave_lan_get_host_pid (lan, "s1");
  s2_pid = conclave_lan_get_host_pid (lan, "s2");
  h1_pid = conclave_lan_get_host_pid (lan, "c1");
  s2_address = g_strdup (conclave_lan_get_address (lan, "s2"));
  h1_address = g_strdup (conclave_lan_get_address (lan, "c1"));
  g_assert_cmpint (s2_pid, >, 0);
  g_assert_cmpint (h1_pid, ==, conclave_lan_get_host_pid (lan, "c2"));

  /* s2 alone on its host: the host goes with it. */
  remove_node (cluster, "s2");
  trace_test_wait (cluster, process_gone, GINT_TO_POINTER (s2_pid), 10, "s2's host process to end");
  g_assert_null (conclave_lan_get_address (lan, "s2"));
  g_assert_null (conclave_lan_lookup_address (lan, s2_address));
  /* c1 shares h1 with c2: h1 stays, at its address. */
  remove_node (cluster, "c1");
  g_assert_false (process_gone (cluster, GINT_TO_POINTER (h1_pid)));
  g_assert_cmpstr (conclave_lan_get_address (lan, "c2"), ==, h1_address);
  g_assert_cmpstr (conclave_lan_lookup_address (lan, h1_address), ==, "h1");

  /* A new node: a fresh address, not s2's (other hosts may still have its
   * old link in their ARP caches); the hosts file names neither s2 nor c1. */
  add_looker (cluster, "s4");
  g_assert_cmpstr (conclave_lan_get_address (lan, "s4"), !=, s2_address);
  g_assert_cmpstr (conclave_lan_get_address (lan, "s4"), !=, h1_address);
  g_assert_cmpstr (conclave_lan_get_address (lan, "s4"), !=, conclave_lan_get_address (lan, "s1"));
  out = trace_test_node_stdout (conclave_cluster_lookup (cluster, "s4"));
  expected = g_strdup_printf ("s1 %s\ns2\nc1\nc2 %s\nh1 %s\n", conclave_lan_get_address (lan, "s1"), h1_address,
                              h1_address);
  g_assert_cmpstr (out, ==, expected);

  /* The last node on h1 goes: h1 too. */
  remove_node (cluster, "c2");
  trace_test_wait (cluster, process_gone, GINT_TO_POINTER (h1_pid), 10, "h1's host process to end");
  g_assert_null (conclave_lan_lookup_address (lan, h1_address));

  /* Cleared: every host gone, the next class starts at .2 again. */
  conclave_cluster_clear (cluster);
  trace_test_wait (cluster, process_gone, GINT_TO_POINTER (s1_pid), 10, "s1's host process to end");
  add_looker (cluster, "s1");
  g_assert_cmpstr (conclave_lan_get_address (lan, "s1"), ==, "10.77.0.2");
  trace_test_finish (g_steal_pointer (&cluster));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan-hosts/recording", test_recording);
  g_test_add_func ("/lan-hosts/remove", test_remove);
  return g_test_run ();
}
