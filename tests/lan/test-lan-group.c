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
 *            trace, a new term after the crash, no violation;
 * drop       raft, drop 1 on a follower's link: the network drops its
 *            group datagrams both ways (the node none: it says it leaves
 *            them to the LAN, and reports every send), each drop pairs
 *            once with its send (same id, the sender the drop's source
 *            address names, the receiver it was dropped for); the cut-off
 *            follower calls elections in ever higher terms it cannot win
 *            while the two others keep the leader and acknowledge posts;
 *            healed, the three settle and no acknowledged post is lost;
 * delay      a follower's link delayed 100 ms: each leader heartbeat to it
 *            sent after took at least that from send to receive, those to
 *            the other follower less;
 * run-drop   `conclave-run --network lan chapter-4 --fault …:drop:s2:1`:
 *            the summary's dropped messages are the trace's drop events.
 * Skips where the kernel allows no user namespace. */
#include "group-test-util.h"

#include "conclave-cluster-models.h"
#include "conclave-lan.h"
#include "conclave-leaders.h"
#include "conclave-matcher.h"

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

/* --- drop and delay on a follower's link ------------------------------- */

/* A server that follows `leader`, the first in name order. */
static const char *
follower_of (const char *leader)
{
  for (guint i = 0; servers[i] != NULL; i++)
    if (!g_str_equal (servers[i], leader))
      return servers[i];
  g_assert_not_reached ();
}

static const char *
other_follower (const char *leader, const char *follower)
{
  for (guint i = 0; servers[i] != NULL; i++)
    if (!g_str_equal (servers[i], leader) && !g_str_equal (servers[i], follower))
      return servers[i];
  g_assert_not_reached ();
}

/* Dropped messages whose receive end is a drop event, and drop events. */
static void
count_paired_drops (ConclaveCluster *cluster, guint *paired, guint *drops)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  *paired = 0;
  *drops = group_test_count (cluster, CONCLAVE_EVENT_DROP);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      const ConclaveEvent *end = m->state == CONCLAVE_MESSAGE_DROPPED ? conclave_event_store_get (store, m->recv_index) : NULL;

      *paired += end != NULL && end->type == CONCLAVE_EVENT_DROP;
    }
}

static gboolean
drops_all_paired (ConclaveCluster *cluster, gpointer unused)
{
  guint paired, drops;

  count_paired_drops (cluster, &paired, &drops);
  return drops > 0 && paired == drops;
}

/* The node whose host has the address of `endpoint` ("10.77.0.3:4000"). */
static ConclaveNode *
node_at_endpoint (ConclaveCluster *cluster, const char *endpoint)
{
  ConclaveLan *lan = conclave_cluster_get_lan (cluster);
  g_autofree char *ip = g_strndup (endpoint, strcspn (endpoint, ":"));
  const char *host = conclave_lan_lookup_address (lan, ip);

  for (guint i = 0; host != NULL && everyone[i] != NULL; i++)
    if (g_str_equal (conclave_lan_get_host (lan, everyone[i]), host))
      return conclave_cluster_lookup (cluster, everyone[i]);
  return NULL;
}

/* Every drop is the network's, on a datagram to or from `cut`, and pairs
 * once with its send: same id, sent by the node at the drop's source
 * address, dropped for the process it was going to. */
static void
check_drops_paired (ConclaveCluster *cluster, ConclaveNode *cut)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  g_autoptr(GHashTable) copies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint from_cut = 0, to_cut = 0, paired, drops;

  count_paired_drops (cluster, &paired, &drops);
  g_assert_cmpuint (paired, ==, drops);
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      const ConclaveEvent *send, *drop;
      ConclaveNode *sender, *receiver;
      g_autofree char *copy = NULL;

      if (m->state != CONCLAVE_MESSAGE_DROPPED)
        continue;
      send = conclave_event_store_get (store, m->send_index);
      drop = conclave_event_store_get (store, m->recv_index);
      g_assert_cmpint (send->type, ==, CONCLAVE_EVENT_SEND);
      g_assert_cmpint (drop->type, ==, CONCLAVE_EVENT_DROP);
      g_assert_true (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV);
      g_assert_false (drop->flags & CONCLAVE_EVENT_FLAG_KEY_IS_HASH);
      g_assert_cmpuint (send->key, ==, drop->key);
      g_assert_cmpuint (send->proc, ==, m->src_proc);
      g_assert_cmpuint (drop->proc, ==, m->dst_proc);
      g_assert_cmpint (drop->time_ns, >=, send->time_ns);
      sender = conclave_cluster_node_for_proc (cluster, m->src_proc);
      receiver = conclave_cluster_node_for_proc (cluster, m->dst_proc);
      g_assert_true (node_at_endpoint (cluster, conclave_event_store_str (store, conclave_event_src (drop))) == sender);
      g_assert_true (sender == cut || receiver == cut);
      from_cut += sender == cut;
      to_cut += receiver == cut && sender != cut;
      copy = g_strdup_printf ("%" G_GUINT64_FORMAT "/%u", drop->key, drop->proc);
      g_assert_true (g_hash_table_add (copies, g_steal_pointer (&copy)));
    }
  g_test_message ("%u drops: %u of %s's datagrams, %u to it", drops, from_cut, conclave_node_get_name (cut), to_cut);
  g_assert_cmpuint (from_cut, >, 0);
  g_assert_cmpuint (to_cut, >, 0);
}

typedef struct {
  const char *name;
  guint64     term;
} TermAbove;

/* The node says it is a candidate in a term above `term`. */
static gboolean
calls_election_above (ConclaveCluster *cluster, gpointer data)
{
  const TermAbove *t = data;
  ConclaveNode *node = conclave_cluster_lookup (cluster, t->name);

  return conclave_node_get_term (node) > t->term &&
         g_strcmp0 (conclave_node_get_group_role (node), "candidate") == 0;
}

static gboolean
network_dropped_some (ConclaveCluster *cluster, gpointer n)
{
  return group_test_count (cluster, CONCLAVE_EVENT_DROP) >= GPOINTER_TO_UINT (n);
}

static void
test_drop (void)
{
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", NULL);
  ConclaveCluster *cluster = start_on_lan (scenario);
  ConclaveFaults *faults;
  g_autofree char *leader = NULL;
  ConclaveNode *cut;
  TermAbove above;

  if (cluster == NULL)
    return;
  faults = conclave_cluster_get_faults (cluster);
  group_test_wait (cluster, all_started, NULL, 10, "every node started");
  leader = g_strdup (group_test_wait_all_settled (cluster, 3, 10));
  group_test_wait_acks (cluster, 3, 10);
  g_assert_cmpuint (group_test_count (cluster, CONCLAVE_EVENT_DROP), ==, 0);
  above.name = follower_of (leader);
  cut = conclave_cluster_lookup (cluster, above.name);
  above.term = conclave_node_get_term (conclave_cluster_lookup (cluster, leader));

  g_assert_true (conclave_faults_set_drop (faults, above.name, 1.0));
  /* Cut off, it hears no leader and calls an election twice, in vain. */
  group_test_wait (cluster, calls_election_above, &above, 20, "the cut-off follower calls an election");
  above.term = conclave_node_get_term (cut);
  group_test_wait (cluster, calls_election_above, &above, 20, "and, unanswered, another");
  /* The two others keep their leader and go on acknowledging. */
  group_test_wait_acks (cluster, 2, 20);
  g_assert_cmpstr (conclave_node_get_group_role (conclave_cluster_lookup (cluster, leader)), ==, "leader");
  g_assert_cmpuint (conclave_node_get_term (conclave_cluster_lookup (cluster, leader)), <, above.term);
  group_test_wait (cluster, network_dropped_some, GUINT_TO_POINTER (10), 20, "the network's drops");
  /* The node left its datagrams to the network. */
  g_assert_nonnull (output_line (cluster, above.name, "Fault settings: drop 1.00, delay 0 ms, isolated from 0 node(s) (the LAN drops"));

  g_assert_true (conclave_faults_set_drop (faults, above.name, 0));
  group_test_wait_all_settled (cluster, 3, 20);
  group_test_check_logs (cluster);
  group_test_wait (cluster, drops_all_paired, NULL, 20, "every drop paired with its send");
  check_drops_paired (cluster, cut);
  g_assert_cmpuint (group_test_violations (cluster, NULL), ==, 0);
  group_test_finish (cluster);
}

typedef struct {
  guint32 from, to;
  gint64  since_ns, delay_ns;
  guint   slow, fast;   /* heartbeats from..to taken ≥ delay_ns, < delay_ns */
} Beats;

static void
count_beats (ConclaveCluster *cluster, Beats *b)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  b->slow = b->fast = 0;
  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      if (m->state != CONCLAVE_MESSAGE_DELIVERED || m->src_proc != b->from || m->dst_proc != b->to ||
          m->send_ns < b->since_ns || g_strcmp0 (conclave_event_store_str (store, m->kind), "heartbeat") != 0)
        continue;
      if (m->recv_ns - m->send_ns >= b->delay_ns)
        b->slow++;
      else
        b->fast++;
    }
}

static gboolean
enough_beats (ConclaveCluster *cluster, gpointer data)
{
  Beats *b = data;

  count_beats (cluster, b);
  return b->slow + b->fast >= 10;
}

static void
test_delay (void)
{
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", NULL);
  ConclaveCluster *cluster = start_on_lan (scenario);
  const char *leader, *slow, *other;
  Beats to_slow, to_other;

  if (cluster == NULL)
    return;
  group_test_wait (cluster, all_started, NULL, 10, "every node started");
  leader = group_test_wait_all_settled (cluster, 3, 10);
  slow = follower_of (leader);
  other = other_follower (leader, slow);
  g_assert_true (conclave_faults_set_delay (conclave_cluster_get_faults (cluster), slow, 100));
  to_slow = (Beats) { group_test_proc (cluster, leader), group_test_proc (cluster, slow),
                      g_get_monotonic_time () * 1000, 100 * G_GINT64_CONSTANT (1000000) };
  to_other = to_slow;
  to_other.to = group_test_proc (cluster, other);
  group_test_wait (cluster, enough_beats, &to_slow, 20, "ten heartbeats to the slow follower");
  group_test_wait (cluster, enough_beats, &to_other, 20, "ten heartbeats to the other");
  count_beats (cluster, &to_slow);
  count_beats (cluster, &to_other);
  g_test_message ("to %s: %u slow, %u fast; to %s: %u slow, %u fast", slow, to_slow.slow, to_slow.fast,
                  other, to_other.slow, to_other.fast);
  g_assert_cmpuint (to_slow.fast, ==, 0);
  g_assert_cmpuint (to_other.fast, >, to_other.slow);
  /* Late, but steady: it still follows the same leader. */
  g_assert_cmpstr (conclave_node_get_leader (conclave_cluster_lookup (cluster, slow)), ==, leader);
  g_assert_true (conclave_faults_set_delay (conclave_cluster_get_faults (cluster), slow, 0));
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

/* Runs `conclave-run --network lan chapter-4` fast for 5 s with `fault`
 * and `fault2` (NULL: none), writing trace.jsonl and summary.json into a
 * new directory (returned; NULL with the test skipped where there is no
 * LAN). It must end well, with no violation; *out is what it printed. */
static char *
run_chapter_4 (const char *fault, const char *fault2, char **out)
{
  const char *program = g_getenv ("CONCLAVE_RUN_PROGRAM");
  g_autofree char *dir = g_dir_make_tmp ("lan-group-XXXXXX", NULL);
  g_autofree char *trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  const char *argv[] = { program, "--network", "lan", "chapter-4", "--tempo", "0.05", "--duration", "5s",
                         "--trace", trace, "--summary-json", summary, "--fault", fault,
                         fault2 ? "--fault" : NULL, fault2, NULL };
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (program);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", *out, err);
  if (strstr (err, "No LAN on this machine") != NULL)
    {
      g_test_skip (err);
      g_rmdir (dir);
      return NULL;
    }
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_nonnull (strstr (*out, "Violations:\n  none\n"));
  return g_steal_pointer (&dir);
}

static JsonObject *
load_summary (JsonParser *parser, const char *dir)
{
  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, summary, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* Removes what run_chapter_4 wrote. */
static void
remove_run (const char *dir)
{
  for (const char * const *name = (const char * const []) { "trace.jsonl", "summary.json", NULL }; *name; name++)
    {
      g_autofree char *path = g_build_filename (dir, *name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_run (void)
{
  g_autofree char *out = NULL;
  g_autofree char *dir = run_chapter_4 ("2500ms:crash:leader", NULL, &out);
  g_autofree char *trace = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) traced = NULL;
  JsonObject *root;
  JsonArray *leaders;

  if (dir == NULL)
    return;
  trace = g_build_filename (dir, "trace.jsonl", NULL);
  g_assert_nonnull (strstr (out, "    crash -> new leader:              median "));
  root = load_summary (parser, dir);
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
  remove_run (dir);
}

/* Drop events among the trace's lines. */
static guint
traced_drops (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (*lines[i] == '\0' || strstr (lines[i], "\"drop\"") == NULL)
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      n += g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (json_parser_get_root (parser)),
                                                                  "ev", ""), "drop") == 0;
    }
  return n;
}

static void
test_run_drop (void)
{
  g_autofree char *out = NULL;
  g_autofree char *dir = run_chapter_4 ("2s:drop:s2:1", "3500ms:drop:s2:0", &out);
  g_autofree char *trace = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *totals;
  guint drops;

  if (dir == NULL)
    return;
  trace = g_build_filename (dir, "trace.jsonl", NULL);
  totals = json_object_get_object_member (load_summary (parser, dir), "totals");
  drops = traced_drops (trace);
  g_test_message ("%u drop events, %" G_GINT64_FORMAT " dropped in the summary", drops,
                  json_object_get_int_member (totals, "dropped"));
  /* 1.5 s of s2 cut off at a heartbeat of 50 ms: dozens (a loaded machine, fewer). */
  g_assert_cmpuint (drops, >=, 10);
  g_assert_cmpint (json_object_get_int_member (totals, "dropped"), ==, drops);
  remove_run (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lan-group/failover", test_failover);
  g_test_add_func ("/lan-group/multicast", test_multicast);
  g_test_add_func ("/lan-group/run", test_run);
  g_test_add_func ("/lan-group/drop", test_drop);
  g_test_add_func ("/lan-group/delay", test_delay);
  g_test_add_func ("/lan-group/run-drop", test_run_drop);
  return g_test_run ();
}
