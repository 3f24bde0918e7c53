/* test-matcher-truth.c — every message of a real chapter 4 with a crash,
 * losses and drops reads what its events say, field by field.
 *
 * The matcher keeps no copy of what its events hold (8 bytes a message,
 * conclave-matcher-messages.c): this checks, for the live run and for the
 * recording opened as the window opens it, that each message still reads
 * as the full record did — key, send time, sender and kind from its send,
 * receive time and receiver from its receive or drop, a loss's receive
 * time its send's plus the loss timeout — and that the states add up.
 */
#include "conclave-cluster.h"
#include "cluster-test-wait.h"
#include "conclave-faults.h"

#define NONE G_MAXUINT64
#define LOSS_TIMEOUT (2 * G_TIME_SPAN_SECOND * 1000)  /* the matcher's own: the cluster sets none */


static ConclaveNode *
leader (ConclaveCluster *cluster)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cluster)); i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (cluster), i);
      if (g_strcmp0 (conclave_node_get_group_role (node), "leader") == 0 && conclave_node_get_n_delivered (node) > 2
          && conclave_node_get_state (node) == CONCLAVE_NODE_RUNNING)
        return node;
    }
  return NULL;
}

static gboolean
led_and_served (ConclaveCluster *cluster)
{
  return leader (cluster) != NULL;
}

static char *crashed;

static guint64
count_state (ConclaveCluster *cluster, ConclaveMessageState state)
{
  return conclave_matcher_count_state (conclave_cluster_get_matcher (cluster), state);
}

/* Another leader serves, and a message was lost and one dropped. */
static gboolean
lost_and_dropped (ConclaveCluster *cluster)
{
  ConclaveNode *now = leader (cluster);

  return now != NULL && g_strcmp0 (conclave_node_get_name (now), crashed) != 0
         && count_state (cluster, CONCLAVE_MESSAGE_LOST) + count_state (cluster, CONCLAVE_MESSAGE_NOT_READ)
            + count_state (cluster, CONCLAVE_MESSAGE_UNHEARD) > 0
         && count_state (cluster, CONCLAVE_MESSAGE_DROPPED) > 0;
}

static gboolean
is_lost (const ConclaveMessage *m)
{
  return m->state == CONCLAVE_MESSAGE_LOST || m->state == CONCLAVE_MESSAGE_UNHEARD
         || m->state == CONCLAVE_MESSAGE_NOT_READ;
}

/* One message against the events it names. */
static void
assert_from_events (ConclaveEventStore *store, const ConclaveMessage *m)
{
  const ConclaveEvent *s = m->send_index != NONE ? conclave_event_store_get (store, m->send_index) : NULL;
  const ConclaveEvent *r = m->recv_index != NONE ? conclave_event_store_get (store, m->recv_index) : NULL;
  const ConclaveEvent *first = s != NULL ? s : r;

  g_assert_true (m->send_index == NONE || s != NULL);
  g_assert_true (m->recv_index == NONE || r != NULL);
  g_assert_nonnull (first);
  g_assert_true (s == NULL || s->type == CONCLAVE_EVENT_SEND || s->type == CONCLAVE_EVENT_DROP);
  g_assert_true (r == NULL || r->type == CONCLAVE_EVENT_RECV || r->type == CONCLAVE_EVENT_DROP);
  g_assert_cmpuint (m->key, ==, first->key);
  g_assert_cmpint (m->send_ns, ==, first->time_ns);
  g_assert_cmpuint (m->src_proc, ==, s != NULL ? s->proc : 0);
  g_assert_cmpuint (m->kind, ==, first->s[0] != 0 || r == NULL ? first->s[0] : r->s[0]);
  if (r != NULL)
    {
      g_assert_cmpint (m->recv_ns, ==, r->time_ns);
      g_assert_cmpuint (m->dst_proc, ==, r->type == CONCLAVE_EVENT_DROP && !(r->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
                                         ? 0 : r->proc);
      g_assert_cmpint (r->type == CONCLAVE_EVENT_DROP, ==, m->state == CONCLAVE_MESSAGE_DROPPED);
    }
  else
    {
      g_assert_cmpuint (m->dst_proc, ==, 0);
      g_assert_cmpint (m->recv_ns, ==, is_lost (m) ? m->send_ns + LOSS_TIMEOUT : 0);
    }
  g_assert_cmpint (s == NULL, ==, m->state == CONCLAVE_MESSAGE_UNSENT);
  g_assert_cmpuint (m->pad, ==, 0);
}

/* Every message; the states add up to the matcher's counts. */
static guint64
assert_all_from_events (ConclaveCluster *cluster)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster);
  guint64 states[CONCLAVE_MESSAGE_N_STATES] = { 0 };

  g_assert_cmpuint (conclave_matcher_get_first_message (matcher), ==, 0);
  for (guint64 i = 0; i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m;

      g_assert_nonnull (conclave_matcher_get_message (matcher, i, &m));
      assert_from_events (conclave_cluster_get_store (cluster), &m);
      states[m.state]++;
    }
  for (guint s = 0; s < CONCLAVE_MESSAGE_N_STATES; s++)
    g_assert_cmpuint (conclave_matcher_count_state (matcher, s), ==, states[s]);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_DELIVERED], >, 10);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_DROPPED], >, 0);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_LOST] + states[CONCLAVE_MESSAGE_UNHEARD] + states[CONCLAVE_MESSAGE_NOT_READ], >, 0);
  return conclave_matcher_get_n_messages (matcher);
}

static void
test_chapter_4 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveScenario) scenario = conclave_scenario_lookup ("chapter-4", &error);
  g_autoptr(ConclaveCluster) live = conclave_cluster_new (&error);
  g_autoptr(ConclaveCluster) opened = NULL;
  g_autofree char *dropping = NULL;
  guint64 n;

  g_assert_no_error (error);
  g_assert_true (conclave_cluster_start_scenario (live, scenario, &error));
  wait_until (live, led_and_served, 30, "a leader serving posts");
  crashed = g_strdup (conclave_node_get_name (leader (live)));
  /* Another server drops a third of what it sends and gets. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (live)) && dropping == NULL; i++)
    {
      g_autoptr(ConclaveNode) node = g_list_model_get_item (G_LIST_MODEL (live), i);
      if (g_strcmp0 (conclave_node_get_name (node), crashed) != 0 && conclave_node_get_group_role (node) != NULL)
        dropping = g_strdup (conclave_node_get_name (node));
    }
  g_assert_nonnull (dropping);
  g_assert_true (conclave_faults_set_drop (conclave_cluster_get_faults (live), dropping, 0.3));
  g_assert_true (conclave_cluster_crash (live, crashed));
  wait_until (live, lost_and_dropped, 40, "another leader, a message lost and one dropped");
  conclave_cluster_shutdown (live);

  n = assert_all_from_events (live);
  g_test_message ("%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " dropped, %" G_GUINT64_FORMAT " lost",
                  n, count_state (live, CONCLAVE_MESSAGE_DROPPED), count_state (live, CONCLAVE_MESSAGE_LOST));

  /* Opened as the window opens it: fed to the end, rebased. */
  opened = conclave_cluster_new_replay (conclave_cluster_get_store (live), "class.jsonl", &error);
  g_assert_no_error (error);
  conclave_cluster_replay_to (opened, G_MAXUINT64);
  conclave_cluster_replay_rebase (opened);
  assert_all_from_events (opened);
  g_clear_pointer (&crashed, g_free);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/matcher-truth/chapter-4", test_chapter_4);
  return g_test_run ();
}
