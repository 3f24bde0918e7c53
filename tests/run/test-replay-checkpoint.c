/* test-replay-checkpoint.c — a replay restored from a checkpoint is the
 * replay from the start.
 *
 * A chapter 4 class with real processes (a fault on a server, a client's
 * messages held in step mode and released, the leader crashed, messages
 * to it lost) is opened as the window opens it, with a checkpoint every
 * 700 events, and replayed again to many moments: at, just before and
 * just after every checkpoint, inside stretches where events arrive out
 * of time order, around the crash, at random, and to the same moment
 * again (a checkpoint restored many times). Each replay equals a replay
 * of the same recording from the start without checkpoints, field by
 * field: every event and process, every message (all its bytes), every
 * node (state, counters, output, posts, addresses, children), the
 * processes' nodes, the hold queue, the fault settings and the leader
 * intervals; and fed on to the end, it still does (a field a checkpoint
 * forgot shows later if not at once), as does the opened recording,
 * whose message table every restored replay reads.
 */
#include "conclave-cluster.h"
#include "conclave-leaders.h"

#include <string.h>

#define EVERY 700
/* Past two of the matcher's chunks of 4096 messages. */
#define AT_LEAST 12000

typedef gboolean (*Condition) (ConclaveCluster *cluster);

static void
wait_until (ConclaveCluster *cluster, Condition cond, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

static ConclaveNode *
leader_of (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (conclave_node_is_leader (node) && conclave_node_get_n_delivered (node) > 2 &&
          conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING)
        return node;
    }
  return NULL;
}

static gboolean
led_and_served (ConclaveCluster *cluster)
{
  return leader_of (cluster) != NULL;
}

static gboolean
two_held (ConclaveCluster *cluster)
{
  return conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)) >= 2;
}

static char *crashed_name;

static gboolean
another_led_after_a_loss (ConclaveCluster *cluster)
{
  ConclaveNode *leader = leader_of (cluster);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  if (leader == NULL || g_strcmp0 (conclave_node_get_name (leader), crashed_name) == 0)
    return FALSE;
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    if (conclave_event_store_get (store, i)->type == CONCLAVE_EVENT_LOST)
      return TRUE;
  return FALSE;
}

static gboolean
many_events (ConclaveCluster *cluster)
{
  return conclave_event_store_get_end (conclave_cluster_get_store (cluster)) >= AT_LEAST;
}

/* The class: a follower drops a fifth of its datagrams, c1's messages
 * are held and released, the leader crashes. */
static ConclaveCluster *
record_class (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", &error);
  ConclaveCluster *live = conclave_cluster_new (&error);
  ConclaveHold *hold;

  g_assert_no_error (error);
  g_assert_true (conclave_cluster_start_scenario (live, scenario, &error));
  /* Fast heartbeats: many events soon. */
  conclave_cluster_set_tempo (live, 0.02);
  wait_until (live, led_and_served, 30, "a leader serving posts");
  crashed_name = g_strdup (conclave_node_get_name (leader_of (live)));
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (live),
                                           g_str_equal (crashed_name, "s1") ? "s2" : "s1", 0.2));
  hold = conclave_cluster_get_hold (live);
  g_assert_true (conclave_hold_set_node (hold, "c1", TRUE));
  wait_until (live, two_held, 30, "two messages held at c1");
  g_assert_true (conclave_hold_release_next (hold, CONCLAVE_RELEASE_DUPLICATE));
  g_assert_true (conclave_hold_set_node (hold, "c1", FALSE));
  g_assert_true (conclave_cluster_crash (live, crashed_name));
  wait_until (live, another_led_after_a_loss, 30, "another leader, a message to the crashed one lost");
  wait_until (live, many_events, 60, "enough events");
  conclave_cluster_shutdown (live);
  return live;
}

/* ---- alike, field by field ------------------------------------------------ */

static void
assert_same_string (ConclaveEventStore *a, guint32 x, ConclaveEventStore *b, guint32 y)
{
  g_assert_cmpstr (conclave_event_store_str (b, y), ==, conclave_event_store_str (a, x));
}

static void
assert_same_store (ConclaveEventStore *a, ConclaveEventStore *b)
{
  g_assert_cmpuint (conclave_event_store_get_end (b), ==, conclave_event_store_get_end (a));
  g_assert_cmpint (conclave_event_store_get_min_time (b), ==, conclave_event_store_get_min_time (a));
  g_assert_cmpint (conclave_event_store_get_max_time (b), ==, conclave_event_store_get_max_time (a));
  for (guint64 i = 0; i < conclave_event_store_get_end (a); i++)
    {
      ConclaveEvent x = *conclave_event_store_get (a, i), y = *conclave_event_store_get (b, i);

      for (guint s = 0; s < G_N_ELEMENTS (x.s); s++)
        {
          assert_same_string (a, x.s[s], b, y.s[s]);
          x.s[s] = y.s[s] = 0;
        }
      if (x.type == CONCLAVE_EVENT_STATE)
        {
          assert_same_string (a, x.len, b, y.len);
          x.len = y.len = 0;
        }
      g_assert_cmpmem (&y, sizeof y, &x, sizeof x);
    }
  g_assert_cmpuint (conclave_event_store_get_n_processes (b), ==, conclave_event_store_get_n_processes (a));
  for (guint i = 0; i < conclave_event_store_get_n_processes (a); i++)
    {
      ConclaveProcessInfo p = *conclave_event_store_get_process (a, i), q = *conclave_event_store_get_process (b, i);

      assert_same_string (a, p.node, b, q.node);
      assert_same_string (a, p.role, b, q.role);
      assert_same_string (a, p.program, b, q.program);
      p.node = p.role = p.program = q.node = q.role = q.program = 0;
      g_assert_cmpmem (&q, sizeof q, &p, sizeof p);
      if (p.pid > 0)
        g_assert_true (conclave_event_store_find_process (b, q.pid) ==
                       conclave_event_store_get_process (b, conclave_event_store_find_process (a, p.pid)->index));
    }
}

static void
assert_same_messages (ConclaveCluster *a, ConclaveCluster *b)
{
  ConclaveMatcher *x = conclave_cluster_get_matcher (a), *y = conclave_cluster_get_matcher (b);

  g_assert_cmpuint (conclave_matcher_get_n_messages (y), ==, conclave_matcher_get_n_messages (x));
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (x); i++)
    {
      ConclaveMessage m = *conclave_matcher_get_message (x, i), n = *conclave_matcher_get_message (y, i);

      assert_same_string (conclave_cluster_get_store (a), m.kind, conclave_cluster_get_store (b), n.kind);
      m.kind = n.kind = 0;
      g_assert_cmpmem (&n, sizeof n, &m, sizeof m);
    }
  for (guint s = 0; s < CONCLAVE_MESSAGE_N_STATES; s++)
    g_assert_cmpuint (conclave_matcher_count_state (y, s), ==, conclave_matcher_count_state (x, s));
}

static void
assert_same_strv (const char * const *a, const char * const *b)
{
  g_assert_cmpuint (a ? g_strv_length ((char **) a) : 0, ==, b ? g_strv_length ((char **) b) : 0);
  for (guint i = 0; a != NULL && a[i] != NULL; i++)
    g_assert_cmpstr (b[i], ==, a[i]);
}

static void
assert_same_node (ConclaveNode *x, ConclaveNode *y)
{
  GListModel *xc = conclave_node_get_children (x), *yc = conclave_node_get_children (y);

  g_assert_nonnull (y);
  g_assert_true (x != y);
  g_assert_cmpstr (conclave_node_get_name (y), ==, conclave_node_get_name (x));
  g_assert_cmpstr (conclave_node_get_role (y), ==, conclave_node_get_role (x));
  g_assert_cmpint (conclave_node_get_kind (y), ==, conclave_node_get_kind (x));
  assert_same_strv (conclave_node_get_argv (x), conclave_node_get_argv (y));
  g_assert_cmpint (conclave_node_get_pid (y), ==, conclave_node_get_pid (x));
  g_assert_cmpint (conclave_node_get_ppid (y), ==, conclave_node_get_ppid (x));
  g_assert_cmpint (conclave_node_get_state (y), ==, conclave_node_get_state (x));
  g_assert_cmpint (conclave_node_get_exit_code (y), ==, conclave_node_get_exit_code (x));
  g_assert_cmpint (conclave_node_get_exit_signal (y), ==, conclave_node_get_exit_signal (x));
  g_assert_cmpstr (conclave_node_get_parent (y) ? conclave_node_get_name (conclave_node_get_parent (y)) : NULL, ==,
                   conclave_node_get_parent (x) ? conclave_node_get_name (conclave_node_get_parent (x)) : NULL);
  assert_same_strv (conclave_node_get_addresses (x), conclave_node_get_addresses (y));
  g_assert_cmpmem (conclave_node_get_counters (y), sizeof (ConclaveNodeCounters),
                   conclave_node_get_counters (x), sizeof (ConclaveNodeCounters));
  g_assert_cmpstr (conclave_node_get_group_role (y), ==, conclave_node_get_group_role (x));
  g_assert_cmpuint (conclave_node_get_term (y), ==, conclave_node_get_term (x));
  g_assert_cmpstr (conclave_node_get_leader (y), ==, conclave_node_get_leader (x));
  assert_same_strv (conclave_node_get_view (x), conclave_node_get_view (y));
  g_assert_cmpuint (conclave_node_get_election_timeout_ms (y), ==, conclave_node_get_election_timeout_ms (x));
  g_assert_cmpuint (conclave_node_get_n_output (y), ==, conclave_node_get_n_output (x));
  for (guint i = 0; i < conclave_node_get_n_output (x); i++)
    {
      ConclaveOutputStream s = 0, t = 1;

      g_assert_cmpstr (conclave_node_get_output (y, i, &t), ==, conclave_node_get_output (x, i, &s));
      g_assert_cmpint (t, ==, s);
    }
  g_assert_cmpuint (conclave_node_get_n_delivered (y), ==, conclave_node_get_n_delivered (x));
  for (guint i = 0; i < conclave_node_get_n_delivered (x); i++)
    {
      const ConclaveDeliveredPost *p = conclave_node_get_delivered (x, i), *q = conclave_node_get_delivered (y, i);

      g_assert_cmpint (q->seqno, ==, p->seqno);
      g_assert_cmpstr (q->client, ==, p->client);
      g_assert_cmpstr (q->text, ==, p->text);
    }
  g_assert_cmpuint (g_list_model_get_n_items (yc), ==, g_list_model_get_n_items (xc));
  for (guint i = 0; i < g_list_model_get_n_items (xc); i++)
    {
      g_autoptr(ConclaveNode) p = g_list_model_get_item (xc, i);
      g_autoptr(ConclaveNode) q = g_list_model_get_item (yc, i);

      assert_same_node (p, q);
    }
}

static void
assert_same_nodes (ConclaveCluster *a, ConclaveCluster *b)
{
  ConclaveEventStore *store = conclave_cluster_get_store (a);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, g_list_model_get_n_items (G_LIST_MODEL (a)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (a)); i++)
    {
      g_autoptr(ConclaveNode) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr(ConclaveNode) y = g_list_model_get_item (G_LIST_MODEL (b), i);
      const char *name = conclave_node_get_name (x);
      ConclaveFaults *fx = conclave_cluster_get_faults (a), *fy = conclave_cluster_get_faults (b);

      assert_same_node (x, y);
      g_assert_true (conclave_cluster_lookup (b, name) == y);
      g_assert_cmpfloat (conclave_faults_get_drop (fy, name), ==, conclave_faults_get_drop (fx, name));
      g_assert_cmpuint (conclave_faults_get_delay (fy, name), ==, conclave_faults_get_delay (fx, name));
      assert_same_strv (conclave_faults_get_isolated (fx, name), conclave_faults_get_isolated (fy, name));
    }
  g_assert_cmpint (conclave_faults_is_partitioned (conclave_cluster_get_faults (b)), ==,
                   conclave_faults_is_partitioned (conclave_cluster_get_faults (a)));
  /* Each process counts for the same node (a folded one for none). */
  for (guint i = 1; i < conclave_event_store_get_n_processes (store); i++)
    {
      ConclaveNode *x = conclave_cluster_node_for_proc (a, i), *y = conclave_cluster_node_for_proc (b, i);

      g_assert_cmpstr (y ? conclave_node_get_name (y) : NULL, ==, x ? conclave_node_get_name (x) : NULL);
      g_assert_cmpint (conclave_cluster_get_program_pid (b, y ? y : NULL) , ==, conclave_cluster_get_program_pid (a, x ? x : NULL));
    }
}

static void
assert_same_hold_and_owners (ConclaveCluster *a, ConclaveCluster *b)
{
  ConclaveHold *x = conclave_cluster_get_hold (a), *y = conclave_cluster_get_hold (b);
  ConclaveEventStore *store = conclave_cluster_get_store (a);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (y)), ==, g_list_model_get_n_items (G_LIST_MODEL (x)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (x)); i++)
    {
      g_autoptr(ConclaveHeld) p = g_list_model_get_item (G_LIST_MODEL (x), i);
      g_autoptr(ConclaveHeld) q = g_list_model_get_item (G_LIST_MODEL (y), i);

      g_assert_cmpuint (conclave_held_get_index (q), ==, conclave_held_get_index (p));
    }
  /* Who owns each address a socket event names. */
  for (guint64 i = 0; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      ConclaveNode *p, *q;

      if (e->type != CONCLAVE_EVENT_SOCKET)
        continue;
      p = conclave_cluster_lookup_address (a, e->s[1]);
      q = conclave_cluster_lookup_address (b, conclave_event_store_get (conclave_cluster_get_store (b), i)->s[1]);
      g_assert_cmpstr (q ? conclave_node_get_name (q) : NULL, ==, p ? conclave_node_get_name (p) : NULL);
    }
}

static void
assert_same_leaders (ConclaveEventStore *a, ConclaveEventStore *b)
{
  g_autoptr(ConclaveLeaders) x = conclave_leaders_new (a);
  g_autoptr(ConclaveLeaders) y = conclave_leaders_new (b);

  conclave_leaders_feed (x, 0, conclave_event_store_get_end (a));
  conclave_leaders_feed (y, 0, conclave_event_store_get_end (b));
  g_assert_cmpuint (conclave_leaders_get_n_intervals (y), ==, conclave_leaders_get_n_intervals (x));
  for (guint i = 0; i < conclave_leaders_get_n_intervals (x); i++)
    {
      const ConclaveLeaderInterval *l = conclave_leaders_get_interval (x, i), *m = conclave_leaders_get_interval (y, i);

      assert_same_string (a, l->node, b, m->node);
      g_assert_cmpint (m->term, ==, l->term);
      g_assert_cmpint (m->start_ns, ==, l->start_ns);
      g_assert_cmpint (m->end_ns, ==, l->end_ns);
      g_assert_cmpint (m->end, ==, l->end);
    }
}

static void
assert_same_cluster (ConclaveCluster *a, ConclaveCluster *b)
{
  g_assert_cmpuint (conclave_cluster_get_replay_position (b), ==, conclave_cluster_get_replay_position (a));
  assert_same_store (conclave_cluster_get_store (a), conclave_cluster_get_store (b));
  assert_same_messages (a, b);
  assert_same_nodes (a, b);
  assert_same_hold_and_owners (a, b);
  assert_same_leaders (conclave_cluster_get_store (a), conclave_cluster_get_store (b));
}

/* ---- the moments ------------------------------------------------------------ */

static ConclaveCluster *
open_recording (ConclaveEventStore *file, guint64 every)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *opened = conclave_cluster_new_replay (file, "class.jsonl", &error);

  g_assert_no_error (error);
  conclave_cluster_replay_set_checkpoint_every (opened, every);
  conclave_cluster_replay_to (opened, G_MAXUINT64);
  conclave_cluster_replay_rebase (opened);
  return opened;
}

static GArray *
moments (ConclaveEventStore *kept, guint n_checkpoints)
{
  GArray *at = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 end = conclave_event_store_get_end (kept), v;
  guint crashes = 0, unordered = 0;

  for (guint k = 1; k <= n_checkpoints; k++)
    for (gint d = -1; d <= 1; d++)
      { v = k * EVERY + d; g_array_append_val (at, v); }
  for (guint64 i = 1; i < end && unordered < 8; i++)
    if (conclave_event_store_get (kept, i)->time_ns < conclave_event_store_get (kept, i - 1)->time_ns)
      {
        v = i;
        g_array_append_val (at, v);
        v = i + 1;
        g_array_append_val (at, v);
        unordered++;
      }
  for (guint64 i = 0; i < end; i++)
    if (conclave_event_store_get (kept, i)->type == CONCLAVE_EVENT_EXITED && crashes++ < 4)
      for (guint64 d = 0; d < 60; d += 20)
        {
          v = MIN (i + 1 + d, end);
          g_array_append_val (at, v);
        }
  for (guint r = 0; r < 16; r++)
    {
      v = (guint64) g_test_rand_int_range (1, (gint32) end);
      g_array_append_val (at, v);
    }
  /* The same checkpoint again, right after. */
  v = 2 * EVERY + 7;
  g_array_append_val (at, v);
  v = 2 * EVERY + 700;
  g_array_append_val (at, v);
  g_test_message ("%u moments, %u out of time order, %u ends of processes", at->len, unordered, crashes);
  g_assert_cmpuint (unordered, >, 0);
  return at;
}

static void
test_checkpoint (void)
{
  g_autoptr(ConclaveCluster) live = record_class ();
  ConclaveEventStore *file = conclave_cluster_get_store (live);
  g_autoptr(ConclaveCluster) opened = open_recording (file, EVERY);
  g_autoptr(ConclaveCluster) plain = open_recording (file, 0);
  ConclaveEventStore *kept = conclave_cluster_get_store (opened);
  guint64 end = conclave_event_store_get_end (kept);
  gsize bytes;
  guint n = conclave_cluster_replay_count_checkpoints (opened, &bytes);
  g_autoptr(GArray) at = NULL;

  g_test_message ("%" G_GUINT64_FORMAT " events, %u checkpoints, %" G_GSIZE_FORMAT " bytes", end, n, bytes);
  g_assert_cmpuint (n, ==, (end - 1) / EVERY);
  g_assert_cmpuint (conclave_cluster_replay_count_checkpoints (plain, NULL), ==, 0);
  assert_same_cluster (plain, opened);
  at = moments (kept, n);
  for (guint r = 0; r < at->len; r++)
    {
      guint64 e = MIN (g_array_index (at, guint64, r), end);
      g_autoptr(ConclaveCluster) truth = conclave_cluster_new_replay_again (plain, NULL);
      g_autoptr(ConclaveCluster) again = conclave_cluster_new_replay_again (opened, NULL);
      guint64 fed;

      conclave_cluster_replay_to (truth, e);
      fed = conclave_cluster_replay_to (again, e);
      /* From the checkpoint before, not from the start. */
      g_assert_cmpuint (fed, ==, e >= EVERY && e < n * EVERY + EVERY ? e % EVERY : MIN (e, e - n * EVERY));
      assert_same_cluster (truth, again);
      /* What a checkpoint forgot may only matter later. */
      if (r % 3 == 0)
        {
          conclave_cluster_replay_to (again, G_MAXUINT64);
          assert_same_cluster (plain, again);
        }
    }
  /* Nothing restored wrote into the shared table. */
  assert_same_cluster (plain, opened);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster-replay/checkpoint", test_checkpoint);
  return g_test_run ();
}
