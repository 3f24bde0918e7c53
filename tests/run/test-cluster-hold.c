/* test-cluster-hold.c — step mode through the real core: the cluster holds
 * a conclave-node server, its hold queue lists what the server holds, the
 * matcher keeps held messages in flight however long they wait, and each
 * release becomes exactly the receive (or drop) it asked for. */
#include "conclave-cluster.h"

#include <string.h>

#define LOSS_TIMEOUT_NS (200 * G_TIME_SPAN_MILLISECOND * 1000)

typedef gboolean (*Condition) (ConclaveCluster *cluster, gpointer data);

static void
wait_for (ConclaveCluster *cluster, Condition cond, gpointer data, double seconds, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_TIME_SPAN_SECOND);

  while (!cond (cluster, data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out after %.1f s waiting for %s", seconds, what);
      g_main_context_iteration (NULL, TRUE);
    }
}

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
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i);

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
  return g_test_run ();
}
