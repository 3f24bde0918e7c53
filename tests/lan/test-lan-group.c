/* test-lan-group.c — chapter 4's server group on Conclave's LAN, every
 * server and client on a host of its own (no shared host, no 127.0.0.1):
 * failover   raft: each node binds the address of its own host (and says
 *            so), announcements go to the LAN's broadcast; one leader is
 *            elected and posts are acknowledged; the leader crashed, a
 *            new one leads, nothing acknowledged is lost, no violation;
 *            the leader intervals the core drew are the servers' own
 *            claims, in order, the crashed one ended by its crash;
 * multicast  bully with discovery by multicast across the hosts;
 * run        `conclave-run --network lan chapter-4` with the leader
 *            crashed: the summary's leaders are the state events of the
 *            trace, a new term after the crash, no violation.
 * Skips where the kernel allows no user namespace. */
#include "group-test-util.h"

#include "conclave-cluster-models.h"
#include "conclave-lan.h"
#include "conclave-leaders.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static const char * const servers[] = { "s1", "s2", "s3", NULL };
static const char * const everyone[] = { "s1", "s2", "s3", "c1", "c2", NULL };

/* The scenario on the LAN, or NULL with the test skipped where it cannot be. */
static ConclaveCluster *
start_on_lan (ConclaveScenario *scenario)
{
  ConclaveCluster *cluster = group_test_new_cluster ();
  g_autoptr(GError) error = NULL;

  scenario->tempo = GROUP_TEST_TEMPO;
  scenario->network = CONCLAVE_NETWORK_LAN;
  if (!conclave_cluster_start_scenario (cluster, scenario, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_test_skip (error->message);
      group_test_finish (cluster);
      return NULL;
    }
  g_assert_cmpint (conclave_cluster_get_network (cluster), ==, CONCLAVE_NETWORK_LAN);
  return cluster;
}

static gboolean
all_started (ConclaveCluster *cluster, gpointer unused)
{
  for (guint i = 0; everyone[i] != NULL; i++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, everyone[i]);
      if (node == NULL || conclave_node_get_pid (node) <= 0)
        return FALSE;
    }
  return TRUE;
}

/* The first output line of node that starts with `prefix`, or NULL. */
static const char *
output_line (ConclaveCluster *cluster, const char *name, const char *prefix)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);

  for (guint i = 0; i < conclave_node_get_n_output (node); i++)
    if (g_str_has_prefix (conclave_node_get_output (node, i, NULL), prefix))
      return conclave_node_get_output (node, i, NULL);
  return NULL;
}

/* Five hosts, five addresses; each node bound its own, and says so. */
static void
check_own_addresses (ConclaveCluster *cluster)
{
  ConclaveLan *lan = conclave_cluster_get_lan (cluster);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; everyone[i] != NULL; i++)
    {
      const char *address = conclave_lan_get_address (lan, everyone[i]);
      const char *line = output_line (cluster, everyone[i], everyone[i][0] == 's' ? "Server " : "Client ");
      g_autofree char *at = g_strdup_printf (" up at %s:", address);

      g_assert_nonnull (address);
      g_assert_true (g_str_has_prefix (address, "10.77.0."));
      g_assert_false (g_hash_table_contains (seen, address));
      g_hash_table_add (seen, (gpointer) address);
      g_assert_nonnull (line);
      g_assert_nonnull (strstr (line, at));
    }
}

/* Every socket a server bound: its own address, or the LAN's broadcast
 * (the group port); never loopback. */
static void
check_binds (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  ConclaveLan *lan = conclave_cluster_get_lan (cluster);
  guint own = 0, group = 0;

  for (guint64 k = conclave_event_store_get_first (store); k < conclave_event_store_get_end (store); k++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, k);
      ConclaveNode *node = conclave_cluster_node_for_proc (cluster, e->proc);
      const char *local;
      g_autofree char *mine = NULL;

      if (e->type != CONCLAVE_EVENT_SOCKET || node == NULL ||
          g_strcmp0 (conclave_event_store_str (store, conclave_event_socket_op (e)), "bind") != 0)
        continue;
      local = conclave_event_store_str (store, conclave_event_socket_local (e));
      mine = g_strdup_printf ("%s:", conclave_lan_get_address (lan, conclave_node_get_name (node)));
      if (g_str_has_prefix (local, mine))
        own++;
      else if (g_str_has_prefix (local, CONCLAVE_LAN_BROADCAST ":"))
        group++;
      else
        g_error ("%s bound %s", conclave_node_get_name (node), local);
    }
  g_assert_cmpuint (own, ==, 5);
  g_assert_cmpuint (group, ==, 3);
}

/* "I am the leader of term N" lines, as "s2/1" keys, in a set. */
static GHashTable *
claimed_terms (ConclaveCluster *cluster)
{
  GHashTable *claims = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; servers[i] != NULL; i++)
    {
      ConclaveNode *node = conclave_cluster_lookup (cluster, servers[i]);

      for (guint k = 0; k < conclave_node_get_n_output (node); k++)
        {
          guint64 term;
          const char *line = conclave_node_get_output (node, k, NULL);

          if (sscanf (line, "I am the leader of term %" G_GUINT64_FORMAT, &term) == 1)
            g_hash_table_add (claims, g_strdup_printf ("%s/%" G_GUINT64_FORMAT, servers[i], term));
        }
    }
  return claims;
}

/* The band: one interval per claim, none overlapping another (raft), the
 * crashed leader's ended by the crash, the last one still open. */
static void
check_leader_band (ConclaveCluster *cluster, const char *crashed, const char *leader)
{
  ConclaveLeaders *leaders = conclave_cluster_get_leaders (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autoptr(GHashTable) claims = claimed_terms (cluster);
  guint n = conclave_leaders_get_n_intervals (leaders);
  const ConclaveLeaderInterval *last = NULL;

  g_assert_cmpuint (n, ==, g_hash_table_size (claims));
  g_assert_cmpuint (n, >=, 2);
  for (guint i = 0; i < n; i++)
    {
      const ConclaveLeaderInterval *iv = conclave_leaders_get_interval (leaders, i);
      const char *name = conclave_event_store_str (store, iv->node);
      g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, name, iv->term);

      g_assert_true (g_hash_table_contains (claims, key));
      if (i > 0)
        {
          g_assert_cmpint (iv->term, >, last->term);
          g_assert_cmpint (iv->start_ns, >=, last->end_ns);
        }
      if (g_str_equal (name, crashed) && i == n - 2)
        g_assert_cmpint (iv->end, ==, CONCLAVE_LEADER_CRASHED);
      last = iv;
    }
  last = conclave_leaders_get_interval (leaders, n - 1);
  g_assert_cmpstr (conclave_event_store_str (store, last->node), ==, leader);
  g_assert_cmpint (last->end_ns, ==, CONCLAVE_LEADER_OPEN);
}

static void
test_failover (void)
{
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", NULL);
  ConclaveCluster *cluster = start_on_lan (scenario);
  g_autofree char *old = NULL;
  const char *leader;

  if (cluster == NULL)
    return;
  group_test_wait (cluster, all_started, NULL, 10, "every node started");
  old = g_strdup (group_test_wait_all_settled (cluster, 3, 10));
  group_test_wait_acks (cluster, 3, 10);
  check_own_addresses (cluster);
  g_assert_true (conclave_cluster_crash (cluster, old));
  leader = group_test_wait_all_settled (cluster, 2, 10);
  g_assert_cmpstr (leader, !=, old);
  group_test_wait_acks (cluster, 2, 10);
  group_test_check_logs (cluster);
  check_binds (cluster);
  check_leader_band (cluster, old, leader);
  group_test_finish (cluster);
}

static const char multicast_scenario[] =
  "{\"id\": \"lan-multicast\", \"title\": \"Bully by multicast\",\n"
  " \"nodes\": [\n"
  "  {\"name\": \"s1\", \"role\": \"group-server\", \"args\": [\"--discovery\", \"multicast\", \"--election\", \"bully\"]},\n"
  "  {\"name\": \"s2\", \"role\": \"group-server\", \"args\": [\"--discovery\", \"multicast\", \"--election\", \"bully\"]},\n"
  "  {\"name\": \"s3\", \"role\": \"group-server\", \"args\": [\"--discovery\", \"multicast\", \"--election\", \"bully\"]},\n"
  "  {\"name\": \"c1\", \"role\": \"group-client\", \"args\": [\"--discovery\", \"multicast\"], \"start_ms\": 500},\n"
  "  {\"name\": \"c2\", \"role\": \"group-client\", \"args\": [\"--discovery\", \"multicast\"], \"start_ms\": 500}]}\n";

/* Bully: the highest id (s3) leads; crashed, s2 does. */
static void
test_multicast (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_new_from_data (multicast_scenario, strlen (multicast_scenario),
                                                                          "lan-multicast.json", &error);
  ConclaveCluster *cluster;

  g_assert_no_error (error);
  if ((cluster = start_on_lan (scenario)) == NULL)
    return;
  group_test_wait (cluster, all_started, NULL, 10, "every node started");
  g_assert_cmpstr (group_test_wait_all_settled (cluster, 3, 10), ==, "s3");
  group_test_wait_acks (cluster, 3, 10);
  check_own_addresses (cluster);
  g_assert_true (conclave_cluster_crash (cluster, "s3"));
  g_assert_cmpstr (group_test_wait_all_settled (cluster, 2, 10), ==, "s2");
  group_test_check_logs (cluster);
  group_test_finish (cluster);
}

/* --- conclave-run ------------------------------------------------------- */

/* The trace's state events that say "leader": node/term → time. */
static GHashTable *
traced_leaders (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;

      if (strstr (lines[i], "\"role\":\"leader\"") == NULL)
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "ev", ""), "state") != 0)
        continue;
      g_hash_table_insert (found, g_strdup_printf ("%s/%" G_GINT64_FORMAT,
                                                   json_object_get_string_member (o, "node"),
                                                   json_object_get_int_member_with_default (o, "term", 0)),
                           GINT_TO_POINTER (1));
    }
  return found;
}

static guint
count_ends (JsonArray *leaders, const char *end)
{
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (leaders); i++)
    n += g_strcmp0 (json_object_get_string_member (json_array_get_object_element (leaders, i), "end"), end) == 0;
  return n;
}

static void
test_run (void)
{
  const char *program = g_getenv ("CONCLAVE_RUN_PROGRAM");
  g_autofree char *dir = g_dir_make_tmp ("lan-group-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  const char *argv[] = { program, "--network", "lan", "chapter-4", "--tempo", "0.05", "--duration", "5s",
                         "--fault", "2500ms:crash:leader", "--trace", trace, "--summary-json", summary, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) traced = NULL;
  JsonObject *root;
  JsonArray *leaders;
  int status = 0;

  g_assert_nonnull (program);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  if (strstr (err, "No LAN on this machine") != NULL)
    {
      g_test_skip (err);
      return;
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_nonnull (strstr (out, "    crash -> new leader:              median "));
  g_assert_nonnull (strstr (out, "Violations:\n  none\n"));
  g_assert_true (json_parser_load_from_file (parser, summary, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "violations")), ==, 0);
  leaders = json_object_get_array_member (root, "leaders");
  traced = traced_leaders (trace);
  /* The leader before the crash, ended by it, and one after, in a later term. */
  g_assert_cmpuint (json_array_get_length (leaders), >=, 2);
  g_assert_cmpuint (json_array_get_length (leaders), ==, g_hash_table_size (traced));
  for (guint i = 0; i < json_array_get_length (leaders); i++)
    {
      JsonObject *iv = json_array_get_object_element (leaders, i);
      g_autofree char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, json_object_get_string_member (iv, "node"),
                                              json_object_get_int_member (iv, "term"));

      g_assert_true (g_hash_table_contains (traced, key));
      if (i > 0)
        g_assert_cmpint (json_object_get_int_member (iv, "term"), >,
                         json_object_get_int_member (json_array_get_object_element (leaders, i - 1), "term"));
    }
  g_assert_cmpuint (count_ends (leaders, "crashed"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (leaders, json_array_get_length (leaders) - 1), "end"),
                   !=, "crashed");
  g_unlink (trace);
  g_unlink (summary);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan-group/failover", test_failover);
  g_test_add_func ("/lan-group/multicast", test_multicast);
  g_test_add_func ("/lan-group/run", test_run);
  return g_test_run ();
}
