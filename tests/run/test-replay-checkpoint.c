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
#include "cluster-test-wait.h"
#include "conclave-leaders.h"

#include <string.h>

#define EVERY 700
/* Past two of the matcher's chunks of 4096 messages. */
#define AT_LEAST 12000


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
      ConclaveMessage m = { 0 }, n = { 0 };

      g_assert_nonnull (conclave_matcher_get_message (x, i, &m));
      g_assert_nonnull (conclave_matcher_get_message (y, i, &n));

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

/* ---- every moment of a made-up class ------------------------------------------- */

#define STEP_NS (10 * G_TIME_SPAN_MILLISECOND * 1000)

typedef struct {
  ConclaveEventStore *store;
  gint64              t;
  guint32             procs[4];   /* s1, c1, c2, s1's child */
  guint32             addrs[3];
  guint32             kind;
} Made;

static void
put (Made *m, ConclaveEvent e)
{
  if (e.time_ns == 0)
    e.time_ns = (m->t += STEP_NS);
  conclave_event_store_append (m->store, &e, 1);
}

static void
start (Made *m, guint n, const char *name, gint pid, gint ppid, const char *argv)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (m->store);
  ConclaveProcessInfo *info = conclave_event_store_add_process (m->store, pid);
  guint32 node = conclave_intern_add (intern, name);

  m->procs[n] = info->index;
  info->node = node;
  info->ppid = ppid;
  if (argv != NULL)
    put (m, (ConclaveEvent) { .type = CONCLAVE_EVENT_SPAWN, .s = { node, 0, conclave_intern_add (intern, argv) }, .len = pid });
  put (m, (ConclaveEvent) { .type = CONCLAVE_EVENT_HELLO, .proc = info->index,
                            .s = { conclave_intern_add (intern, n == 0 ? "group-server" : "group-client"), node,
                                   conclave_intern_add (intern, "conclave-node") }, .len = pid, .num = ppid, .lc = 1 });
}

static void
datagram (Made *m, ConclaveEventType type, guint from, guint to, guint64 key, gint64 time_ns)
{
  put (m, (ConclaveEvent) { .type = type, .time_ns = time_ns, .proc = m->procs[type == CONCLAVE_EVENT_SEND ? from : to],
                            .proto = CONCLAVE_PROTO_UDP, .key = key, .len = 8,
                            .s = { m->kind, m->addrs[from], m->addrs[to] } });
}

static void
pairs (Made *m, guint n)
{
  static guint64 key = 1000;

  for (guint i = 0; i < n; i++, key++)
    {
      datagram (m, CONCLAVE_EVENT_SEND, 1 + i % 2, 0, key, 0);
      datagram (m, CONCLAVE_EVENT_RECV, 1 + i % 2, 0, key, 0);
    }
}

/* A duplicate paired by the delivered table, a child's end guessed and
 * then told, a receive before its send, a loss and its late receive:
 * each across checkpoints 50 events apart. */
static ConclaveEventStore *
make_class (void)
{
  Made m = { conclave_event_store_new () };
  ConclaveIntern *intern = conclave_event_store_get_intern (m.store);
  gint64 early;

  m.kind = conclave_intern_add (intern, "post");
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *addr = g_strdup_printf ("127.0.0.1:%u", 7001 + i);
      m.addrs[i] = conclave_intern_add (intern, addr);
    }
  start (&m, 0, "s1", 101, 1, "/x/conclave-node,group-server");
  put (&m, (ConclaveEvent) { .type = CONCLAVE_EVENT_SOCKET, .proc = m.procs[0],
                             .s = { conclave_intern_add (intern, "bind"), m.addrs[0] } });
  start (&m, 1, "c1", 201, 1, "/x/conclave-node,group-client");
  start (&m, 2, "c2", 202, 1, "/x/conclave-node,group-client");
  start (&m, 3, "s1", 111, 101, NULL);   /* s1's worker */
  pairs (&m, 20);
  datagram (&m, CONCLAVE_EVENT_SEND, 1, 0, 7, 0);
  datagram (&m, CONCLAVE_EVENT_RECV, 1, 0, 7, 0);
  put (&m, (ConclaveEvent) { .type = CONCLAVE_EVENT_EXITED, .len = 111 });   /* gone, nothing said how */
  pairs (&m, 30);
  datagram (&m, CONCLAVE_EVENT_RECV, 1, 0, 7, 0);                           /* the duplicate */
  put (&m, (ConclaveEvent) { .type = CONCLAVE_EVENT_REAP, .proc = m.procs[0], .num = 111, .len = 3 });
  pairs (&m, 20);
  early = m.t + STEP_NS;
  datagram (&m, CONCLAVE_EVENT_RECV, 2, 0, 8, early + 5);                   /* before its send */
  pairs (&m, 30);
  datagram (&m, CONCLAVE_EVENT_SEND, 2, 0, 8, early);
  datagram (&m, CONCLAVE_EVENT_SEND, 1, 0, 9, 0);                           /* lost, then late */
  early = m.t;
  pairs (&m, 20);
  put (&m, (ConclaveEvent) { .type = CONCLAVE_EVENT_LOST, .time_ns = early + 2 * G_TIME_SPAN_SECOND * 1000 + 1,
                             .proc = m.procs[1], .key = 9, .s = { m.kind, m.addrs[1], m.addrs[0] } });
  pairs (&m, 30);
  datagram (&m, CONCLAVE_EVENT_RECV, 1, 0, 9, 0);
  pairs (&m, 20);
  return m.store;
}

static void
test_every_moment (void)
{
  g_autoptr(ConclaveEventStore) file = make_class ();
  g_autoptr(ConclaveCluster) opened = NULL, plain = NULL;
  ConclaveEventStore *kept;
  ConclaveMatcher *matcher;
  guint64 end;
  guint late = 0, duplicate = 0;

  opened = conclave_cluster_new_replay (file, NULL, NULL);
  conclave_cluster_replay_set_checkpoint_every (opened, 50);
  conclave_cluster_replay_to (opened, G_MAXUINT64);
  conclave_cluster_replay_rebase (opened);
  plain = open_recording (file, 0);
  kept = conclave_cluster_get_store (opened);
  end = conclave_event_store_get_end (kept);
  matcher = conclave_cluster_get_matcher (plain);
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m;

      g_assert_nonnull (conclave_matcher_get_message (matcher, i, &m));
      late += (m.flags & CONCLAVE_MESSAGE_FLAG_LATE) != 0;
      duplicate += (m.flags & CONCLAVE_MESSAGE_FLAG_DUPLICATE) != 0;
    }
  g_assert_cmpuint (late, ==, 1);
  g_assert_cmpuint (duplicate, ==, 1);
  g_assert_cmpint (conclave_node_get_exit_code (conclave_cluster_node_for_proc (plain, 4)), ==, 3);
  g_assert_cmpuint (conclave_cluster_replay_count_checkpoints (opened, NULL), ==, (end - 1) / 50);
  for (guint64 e = 0; e <= end; e++)
    {
      g_autoptr(ConclaveCluster) truth = conclave_cluster_new_replay_again (plain, NULL);
      g_autoptr(ConclaveCluster) again = conclave_cluster_new_replay_again (opened, NULL);

      conclave_cluster_replay_to (truth, e);
      g_assert_cmpuint (conclave_cluster_replay_to (again, e), ==, e < 50 ? e : MIN (e - e / 50 * 50, e - (end - 1) / 50 * 50));
      assert_same_cluster (truth, again);
      conclave_cluster_replay_to (again, G_MAXUINT64);
      assert_same_cluster (plain, again);
    }
  assert_same_cluster (plain, opened);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster-replay/checkpoint-every-moment", test_every_moment);
  g_test_add_func ("/cluster-replay/checkpoint", test_checkpoint);
  return g_test_run ();
}
