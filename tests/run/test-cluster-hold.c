/* test-cluster-hold.c — step mode through the real core: the cluster holds
 * a conclave-node server, its hold queue lists what the server holds, the
 * matcher keeps held messages in flight however long they wait, and each
 * release becomes exactly the receive (or drop) it asked for. */
#include "conclave-checker.h"
#include "conclave-cluster.h"
#include "conclave-scenario.h"
#include "cluster-test-wait.h"

#include <string.h>

#define LOSS_TIMEOUT_NS (200 * G_TIME_SPAN_MILLISECOND * 1000)

static guint32
proc_of (ConclaveCluster *cluster, const char *name)
{
  ConclaveNode *node = conclave_cluster_lookup (cluster, name);
  ConclaveProcessInfo *info = node ? conclave_event_store_find_process (conclave_cluster_get_store (cluster),
                                                                       conclave_node_get_pid (node)) : NULL;

  return info ? info->index : 0;
}

/* Events of `type` by s1 with `key` (0: any). */
static guint
count_at_s1 (ConclaveCluster *cluster, ConclaveEventType type, guint64 key)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint32 proc = proc_of (cluster, "s1");
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      n += e->type == type && e->proc == proc && proc != 0 && (key == 0 || e->key == key);
    }
  return n;
}

static gboolean
n_held_at_least (ConclaveCluster *cluster, gpointer data)
{
  return conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)) >= GPOINTER_TO_UINT (data);
}

static gboolean
long_past (ConclaveCluster *cluster, gpointer data)
{
  return g_get_monotonic_time () * 1000 > *(gint64 *) data;
}

typedef struct {
  ConclaveEventType type;
  guint64 key;
  guint n;
} Want;

static gboolean
has_events (ConclaveCluster *cluster, gpointer data)
{
  Want *want = data;

  return count_at_s1 (cluster, want->type, want->key) >= want->n;
}

static gboolean
queue_empty (ConclaveCluster *cluster, gpointer data)
{
  return conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)) == 0;
}

/* The matcher's messages with this key, by state. */
static guint
messages_in (ConclaveCluster *cluster, guint64 key, ConclaveMessageState state, guint8 flags)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  guint n = 0;

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      n += m->key == key && m->state == state && (m->flags & flags) == flags;
    }
  return n;
}

static ConclaveHeld *
held_at (ConclaveHold *hold, guint position)
{
  g_autoptr(ConclaveHeld) held = g_list_model_get_item (G_LIST_MODEL (hold), position);

  return held;  /* the queue keeps its own reference */
}

/* ---- the stale leader preset ------------------------------------------- */

/* What the events after `from` tell of one server. */
typedef struct {
  ConclaveCluster *cluster;
  const char *node;        /* the paused leader, once known */
  gint64 term;             /* its term when paused */
  guint64 from;            /* look at events from here on */
  guint64 resumed;         /* index of its resume event, 0: not yet */
} Stale;

static const char *
str_of (ConclaveCluster *cluster, guint32 id)
{
  return conclave_event_store_str (conclave_cluster_get_store (cluster), id);
}

static const char *
node_of_proc (ConclaveCluster *cluster, guint32 proc)
{
  ConclaveNode *node = conclave_cluster_node_for_proc (cluster, proc);

  return node ? conclave_node_get_name (node) : NULL;
}

/* The first event at or after `from` of `type` by `node` that `role`
 * (STATE only, NULL: any) names; 0 if none. */
static guint64
find_event (ConclaveCluster *cluster, guint64 from, ConclaveEventType type, const char *node, const char *role)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = MAX (from, conclave_event_store_get_first (store)); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      const char *by = CONCLAVE_EVENT_IS_CONTROLLER (e->type) ? str_of (cluster, conclave_event_node (e))
                                                               : node_of_proc (cluster, e->proc);

      if (e->type != type || (node != NULL && g_strcmp0 (by, node) != 0))
        continue;
      if (role == NULL || g_strcmp0 (str_of (cluster, conclave_event_state_role (e)), role) == 0)
        return i;
    }
  return 0;
}

static gboolean
leader_paused (ConclaveCluster *cluster, gpointer data)
{
  Stale *st = data;
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint64 pause = find_event (cluster, 1, CONCLAVE_EVENT_PAUSE, NULL, NULL);
  guint64 state;

  if (pause == 0)
    return FALSE;
  st->node = str_of (cluster, conclave_event_node (conclave_event_store_get (store, pause)));
  /* its last state before the pause: leader of some term */
  for (state = pause; state > 0; state--)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, state);
      if (e->type == CONCLAVE_EVENT_STATE && g_strcmp0 (node_of_proc (cluster, e->proc), st->node) == 0)
        break;
    }
  g_assert_cmpstr (str_of (cluster, conclave_event_state_role (conclave_event_store_get (store, state))), ==, "leader");
  st->term = conclave_event_state_term (conclave_event_store_get (store, state));
  st->from = pause;
  return TRUE;
}

/* Another server leads a newer term: the new leader's name, or NULL. */
static const char *
new_leader (Stale *st)
{
  ConclaveEventStore *store = conclave_cluster_get_store (st->cluster);

  for (guint64 i = st->from; i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_STATE && conclave_event_state_term (e) > st->term &&
          g_strcmp0 (str_of (st->cluster, conclave_event_state_role (e)), "leader") == 0)
        return node_of_proc (st->cluster, e->proc);
    }
  return NULL;
}

static gboolean
has_new_leader (ConclaveCluster *cluster, gpointer data)
{
  return new_leader (data) != NULL;
}

static gboolean
stale_heartbeat_sent (ConclaveCluster *cluster, gpointer data)
{
  Stale *st = data;
  guint64 i = find_event (cluster, st->resumed, CONCLAVE_EVENT_SEND, st->node, NULL);

  while (i != 0 && g_strcmp0 (str_of (cluster, conclave_event_kind (conclave_event_store_get (
                                conclave_cluster_get_store (cluster), i))), "heartbeat") != 0)
    i = find_event (cluster, i + 1, CONCLAVE_EVENT_SEND, st->node, NULL);
  return i != 0;
}

/* A heartbeat of the new leader that the old one holds, or NULL. */
static ConclaveHeld *
held_heartbeat (Stale *st)
{
  ConclaveHold *hold = conclave_cluster_get_hold (st->cluster);
  const char *leader = new_leader (st);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (hold)); i++)
    {
      ConclaveHeld *h = held_at (hold, i);
      ConclaveNode *src = conclave_cluster_lookup_address (st->cluster, conclave_held_get_src_address (h));

      if (g_strcmp0 (conclave_held_get_node (h), st->node) == 0 && src != NULL &&
          g_strcmp0 (conclave_node_get_name (src), leader) == 0 &&
          g_strcmp0 (conclave_held_get_kind (h), "heartbeat") == 0)
        return h;
    }
  return NULL;
}

static gboolean
has_held_heartbeat (ConclaveCluster *cluster, gpointer data)
{
  return held_heartbeat (data) != NULL;
}

static gboolean
stepped_down (ConclaveCluster *cluster, gpointer data)
{
  Stale *st = data;

  return find_event (cluster, st->resumed, CONCLAVE_EVENT_STATE, st->node, "follower") != 0;
}

/* What the preset teaches: the paused leader, resumed, still leads its old
 * term and sends heartbeats in it (a stale leader); the new leader's
 * heartbeat it held, once delivered, shows it the newer term and it steps
 * down at once — and at no time do two servers lead one term. */
static void
test_stale_leader (void)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);
  ConclaveScenario *scenario = conclave_scenario_lookup ("chapter-4-stale-leader", &error);
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  Stale st = { cluster, NULL, 0, 0, 0 };
  const ConclaveEvent *down;
  ConclaveHeld *beat;
  guint64 key, recv, index;
  gint64 until;

  g_assert_no_error (error);
  /* its times follow, as with conclave-run --tempo; the stale leader
   * gives up by itself after three heartbeats (1.5 s here) */
  scenario->tempo = 0.5;
  g_assert_true (conclave_cluster_start_scenario (cluster, scenario, &error));
  g_assert_no_error (error);
  wait_for (cluster, leader_paused, &st, 20, "the preset to pause the leader");
  g_assert_true (conclave_hold_is_held (conclave_cluster_get_hold (cluster), st.node));
  wait_for (cluster, has_new_leader, &st, 20, "a new leader in a newer term");

  /* resumed, it still leads its old term: heartbeats in it, no step down */
  g_assert_true (conclave_cluster_resume (cluster, st.node));
  st.resumed = find_event (cluster, st.from, CONCLAVE_EVENT_RESUME, st.node, NULL);
  g_assert_cmpuint (st.resumed, >, 0);
  wait_for (cluster, stale_heartbeat_sent, &st, 10, "the stale leader's heartbeat");
  wait_for (cluster, has_held_heartbeat, &st, 10, "a held heartbeat of the new leader");
  g_assert_cmpuint (find_event (cluster, st.resumed, CONCLAVE_EVENT_STATE, st.node, "follower"), ==, 0);
  g_assert_cmpuint (find_event (cluster, st.resumed, CONCLAVE_EVENT_STATE, st.node, "candidate"), ==, 0);

  /* the held heartbeat delivered: it learns the newer term and steps down */
  beat = held_heartbeat (&st);
  key = conclave_held_get_key (beat);
  index = conclave_held_get_index (beat);
  g_assert_true (conclave_hold_release (conclave_cluster_get_hold (cluster), index, CONCLAVE_RELEASE_DELIVER));
  wait_for (cluster, stepped_down, &st, 10, "the stale leader to step down");
  down = conclave_event_store_get (store, find_event (cluster, st.resumed, CONCLAVE_EVENT_STATE, st.node, "follower"));
  g_assert_cmpint (conclave_event_state_term (down), >, st.term);
  recv = find_event (cluster, index, CONCLAVE_EVENT_RECV, st.node, NULL);
  while (recv != 0 && conclave_event_store_get (store, recv)->key != key)
    recv = find_event (cluster, recv + 1, CONCLAVE_EVENT_RECV, st.node, NULL);
  g_assert_cmpuint (recv, >, 0);  /* the heartbeat released ... */
  g_assert_cmpint (conclave_event_store_get (store, recv)->time_ns, <=, down->time_ns);  /* ... came first */
  /* the only receive between the resume and the step-down was the heartbeat */
  g_assert_cmpuint (find_event (cluster, st.resumed, CONCLAVE_EVENT_RECV, st.node, NULL), ==, recv);

  /* a while longer: the checker's verdict is that no term had two leaders */
  until = g_get_monotonic_time () * 1000 + 2 * G_TIME_SPAN_SECOND * 1000;
  wait_for (cluster, long_past, &until, 10, "two more seconds");
  g_assert_cmpuint (conclave_checker_get_n_violations (conclave_cluster_get_checker (cluster)), ==, 0);

  conclave_scenario_unref (scenario);
  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

static void
test_hold_release (void)
{
  g_autoptr(GError) error = NULL;
  ConclaveCluster *cluster = conclave_cluster_new (&error);
  ConclaveHold *hold = conclave_cluster_get_hold (cluster);
  const char *server_args[] = { "--port", "{port}", NULL };
  const char *client_args[] = { "--port", "{port}", "--count", "0", NULL };
  guint64 k0, k1, k2;
  gint64 until;
  Want want;

  g_assert_no_error (error);
  conclave_cluster_set_tempo (cluster, 0.05);  /* the client resends every 100 ms */
  conclave_matcher_set_loss_timeout (conclave_cluster_get_matcher (cluster), LOSS_TIMEOUT_NS);
  conclave_hold_set_all (hold, TRUE);
  /* held from its first message on (CONCLAVE_HOLD), not from when it reads the command */
  g_assert_nonnull (conclave_cluster_add_node (cluster, "s1", "udp-server", server_args, &error));
  g_assert_nonnull (conclave_cluster_add_node (cluster, "c1", "udp-client", client_args, &error));
  wait_for (cluster, n_held_at_least, GUINT_TO_POINTER (3), 10, "three held hellos");

  /* held: in flight, never lost, however long they wait */
  k0 = conclave_held_get_key (held_at (hold, 0));
  k1 = conclave_held_get_key (held_at (hold, 1));
  k2 = conclave_held_get_key (held_at (hold, 2));
  g_assert_cmpstr (conclave_held_get_node (held_at (hold, 0)), ==, "s1");
  g_assert_cmpstr (conclave_held_get_kind (held_at (hold, 0)), ==, "hello");
  until = conclave_held_get_time_ns (held_at (hold, 0)) + 4 * LOSS_TIMEOUT_NS;
  wait_for (cluster, long_past, &until, 10, "the loss timeout to pass four times");
  g_assert_cmpuint (messages_in (cluster, k0, CONCLAVE_MESSAGE_IN_FLIGHT, 0), ==, 1);
  g_assert_cmpuint (messages_in (cluster, k0, CONCLAVE_MESSAGE_LOST, 0), ==, 0);
  g_assert_cmpuint (count_at_s1 (cluster, CONCLAVE_EVENT_RECV, 0), ==, 0);

  /* the second first: it alone is received */
  g_assert_true (conclave_hold_release (hold, conclave_held_get_index (held_at (hold, 1)), CONCLAVE_RELEASE_DELIVER));
  g_assert_cmpuint (conclave_held_get_key (held_at (hold, 0)), ==, k0);
  g_assert_cmpuint (conclave_held_get_key (held_at (hold, 1)), ==, k2);
  want = (Want) { CONCLAVE_EVENT_RECV, 0, 1 };
  wait_for (cluster, has_events, &want, 10, "the released hello");
  g_assert_cmpuint (count_at_s1 (cluster, CONCLAVE_EVENT_RECV, k1), ==, 1);
  g_assert_cmpuint (messages_in (cluster, k1, CONCLAVE_MESSAGE_DELIVERED, 0), ==, 1);

  /* the oldest dropped: a drop, never a receive */
  g_assert_true (conclave_hold_release_next (hold, CONCLAVE_RELEASE_DROP));
  want = (Want) { CONCLAVE_EVENT_DROP, k0, 1 };
  wait_for (cluster, has_events, &want, 10, "the drop");
  g_assert_cmpuint (messages_in (cluster, k0, CONCLAVE_MESSAGE_DROPPED, 0), ==, 1);
  g_assert_cmpuint (count_at_s1 (cluster, CONCLAVE_EVENT_RECV, k0), ==, 0);

  /* the next duplicated: two receives, the second one a duplicate */
  g_assert_true (conclave_hold_release_next (hold, CONCLAVE_RELEASE_DUPLICATE));
  want = (Want) { CONCLAVE_EVENT_RECV, k2, 2 };
  wait_for (cluster, has_events, &want, 10, "the duplicate");
  g_assert_cmpuint (messages_in (cluster, k2, CONCLAVE_MESSAGE_DELIVERED, CONCLAVE_MESSAGE_FLAG_DUPLICATE), ==, 1);
  g_assert_false (conclave_hold_release (hold, 0, CONCLAVE_RELEASE_DELIVER));  /* not held */

  /* lifted: everything still held is delivered, the queue empties */
  conclave_hold_set_all (hold, FALSE);
  wait_for (cluster, queue_empty, NULL, 10, "the queue to empty");
  g_assert_cmpuint (count_at_s1 (cluster, CONCLAVE_EVENT_RECV, 0), >=, 3);

  conclave_cluster_shutdown (cluster);
  g_object_unref (cluster);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cluster/hold-release", test_hold_release);
  g_test_add_func ("/cluster/stale-leader", test_stale_leader);
  return g_test_run ();
}
