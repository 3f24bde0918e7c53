/* test-group-hold.c — step mode on chapter 4: a follower whose messages
 * are held hears no heartbeat, however often the leader sends one, and
 * stands for election — timers keep running while messages wait, and the
 * trace shows why it stood. Lifting the hold lets the group settle. */
#include "group-test-util.h"

#include <string.h>

typedef struct {
  const char *name;
  guint64     since;
  guint64     found;   /* the candidate's STATE event */
} Stand;

static gboolean
stood (ConclaveCluster *cluster, gpointer data)
{
  Stand *s = data;
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  guint32 proc = group_test_proc (cluster, s->name);

  for (guint64 i = MAX (s->since, conclave_event_store_get_first (store)); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->type == CONCLAVE_EVENT_STATE && e->proc == proc
          && g_strcmp0 (conclave_event_store_str (store, conclave_event_state_role (e)), "candidate") == 0)
        {
          s->found = i;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
kind_of (ConclaveEventStore *store, const ConclaveEvent *e)
{
  return conclave_event_store_str (store, conclave_event_kind (e));
}

static void
test_held_heartbeat (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);
  const char *leader = group_test_wait_settled (cluster, 30);
  g_autoptr(GPtrArray) servers = group_test_servers (cluster);
  g_autofree char *follower = NULL;
  g_autofree char *why_prefix = NULL;
  guint64 first_held = G_MAXUINT64;
  guint held_beats = 0;
  guint32 proc;
  Stand s = { 0 };

  for (guint i = 0; i < servers->len && follower == NULL; i++)
    if (!g_str_equal (servers->pdata[i], leader))
      follower = g_strdup (servers->pdata[i]);
  g_assert_nonnull (follower);
  proc = group_test_proc (cluster, follower);
  s = (Stand) { follower, conclave_event_store_get_end (store), 0 };
  g_assert_true (conclave_hold_set_node (conclave_cluster_get_hold (cluster), follower, TRUE));
  group_test_wait (cluster, stood, &s, 30, "the held follower to stand");

  /* from its first held message on it received nothing: the heartbeats waited */
  for (guint64 i = s.since; i < s.found; i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);

      if (e->proc != proc)
        continue;
      if (e->type == CONCLAVE_EVENT_HELD)
        {
          first_held = MIN (first_held, i);
          held_beats += g_strcmp0 (kind_of (store, e), "heartbeat") == 0;
        }
      if (e->type == CONCLAVE_EVENT_RECV)
        g_assert_cmpuint (i, <, first_held);
    }
  g_assert_cmpuint (held_beats, >=, 1);
  why_prefix = g_strdup_printf ("no heartbeat from %s for ", leader);
  g_assert_true (g_str_has_prefix (conclave_event_store_str (store,
                                                             conclave_event_state_why (conclave_event_store_get (store, s.found))),
                                   why_prefix));

  g_assert_true (conclave_hold_set_node (conclave_cluster_get_hold (cluster), follower, FALSE));
  group_test_wait_settled (cluster, 30);
  g_assert_cmpuint (conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)), ==, 0);
  group_test_finish (cluster);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/group/hold/held-heartbeat", test_held_heartbeat);
  return g_test_run ();
}
