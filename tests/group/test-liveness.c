/* test-liveness.c — the checker's "stalled" on a real raft group at tempo
 * 0.05: a healthy group is never stalled; one whose servers are all up but
 * hear nothing (every datagram dropped) is, with the reason; one with only
 * a minority up is not (nothing is promised without a majority); and
 * conclave-run says so in its summary and exits 3. Each case is its own
 * meson test. */
#include "group-test-util.h"

#include <string.h>
#include <sys/wait.h>

/* The checker's limit at this tempo is five election timeouts (at most six
 * heartbeats each): 1.5 s. Three times that shows a promise is kept. */
#define QUIET_SECONDS (3 * 5 * 6 * GROUP_TEST_BEAT)

typedef struct {
  gint64 until_us;
  guint  acked_before;
} Until;

/* The time has come, and (when asked) posts were acknowledged meanwhile. */
static gboolean
time_passed (ConclaveCluster *cluster, gpointer data)
{
  Until *u = data;

  return g_get_monotonic_time () >= u->until_us
         && (u->acked_before == G_MAXUINT || group_test_count (cluster, CONCLAVE_EVENT_ACKED) > u->acked_before);
}

static void
let_time_pass (ConclaveCluster *cluster, double seconds, gboolean with_acks, const char *what)
{
  Until u = { g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC),
              with_acks ? group_test_count (cluster, CONCLAVE_EVENT_ACKED) : G_MAXUINT };

  group_test_wait (cluster, time_passed, &u, seconds + 10, what);
}

static gboolean
stalled_seen (ConclaveCluster *cluster, gpointer unused)
{
  return group_test_violations (cluster, "stalled") > 0;
}

static const char *
stalled_text (ConclaveCluster *cluster)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster);

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      if (e->type == CONCLAVE_EVENT_VIOLATION
          && g_strcmp0 (conclave_event_store_str (store, conclave_event_violation_what (e)), "stalled") == 0)
        return conclave_event_store_str (store, conclave_event_violation_text (e));
    }
  return NULL;
}

static void
set_drop_all (ConclaveCluster *cluster, double drop)
{
  ConclaveFaults *faults = conclave_cluster_get_faults (cluster);

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%u", i);
      conclave_faults_set_drop (faults, name, drop);
    }
}

static void
test_healthy (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");

  group_test_wait_settled (cluster, 10);
  let_time_pass (cluster, QUIET_SECONDS, TRUE, "a healthy group to go on");
  g_assert_cmpuint (group_test_violations (cluster, NULL), ==, 0);
  group_test_finish (cluster);
}

/* Every server up, none hears another: no leader, no answer. */
static void
test_stalled (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  const char *text;

  group_test_wait_settled (cluster, 10);
  group_test_wait_acks (cluster, 2, 10);
  g_assert_cmpuint (group_test_violations (cluster, "stalled"), ==, 0);
  set_drop_all (cluster, 1.0);
  group_test_wait (cluster, stalled_seen, NULL, 10, "the checker to say the group is stalled");
  text = stalled_text (cluster);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "no leader for ") || g_str_has_prefix (text, "no post acknowledged for "));
  g_assert_nonnull (strstr (text, " while 3 of 3 servers are up"));
  /* Once the network is back the group moves again: one stall, one report. */
  set_drop_all (cluster, 0);
  group_test_wait_settled (cluster, 10);
  group_test_wait_acks (cluster, 2, 10);
  g_assert_cmpuint (group_test_violations (cluster, "stalled"), ==, 1);
  group_test_finish (cluster);
}

/* The leader and one more crashed: one of three cannot elect, and need not. */
static void
test_minority (void)
{
  ConclaveCluster *cluster = group_test_start ("chapter-4");
  g_autofree char *leader = g_strdup (group_test_wait_settled (cluster, 10));
  g_autofree char *other = g_strdup (g_str_equal (leader, "s1") ? "s2" : "s1");
  g_autoptr(GError) error = NULL;

  g_assert_true (conclave_cluster_crash (cluster, leader));
  g_assert_true (conclave_cluster_crash (cluster, other));
  let_time_pass (cluster, QUIET_SECONDS, FALSE, "a minority to wait");
  g_assert_cmpuint (group_test_n_leaders (cluster), ==, 0);
  g_assert_cmpuint (group_test_violations (cluster, "stalled"), ==, 0);
  /* A majority again: it elects, and still nothing was stalled. */
  g_assert_true (conclave_cluster_restart (cluster, other, &error));
  g_assert_no_error (error);
  group_test_wait_acks (cluster, 2, 15);
  g_assert_cmpuint (group_test_violations (cluster, "stalled"), ==, 0);
  group_test_finish (cluster);
}

/* conclave-run: the reason in the summary, exit status 3. */
static void
test_run (void)
{
  const char *program = g_getenv ("CONCLAVE_RUN_PROGRAM");
  const char *argv[] = { program, "chapter-4", "--tempo", "0.05", "--duration", "4s",
                         "--fault", "1s:drop:s1:1", "--fault", "1s:drop:s2:1", "--fault", "1s:drop:s3:1", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (program);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_test_message ("%s", out);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 3);
  g_assert_nonnull (strstr (out, "Violations:\n  stalled: no "));
  g_assert_nonnull (strstr (out, " while 3 of 3 servers are up\n"));
  g_assert_nonnull (strstr (out, "In all: stalled: 1"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/liveness/healthy", test_healthy);
  g_test_add_func ("/liveness/stalled", test_stalled);
  g_test_add_func ("/liveness/minority", test_minority);
  g_test_add_func ("/liveness/run", test_run);
  return g_test_run ();
}
