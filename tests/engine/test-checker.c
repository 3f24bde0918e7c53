/* test-checker.c — each promise broken on purpose, and kept. */
#include "conclave-checker.h"

#define S (G_GINT64_CONSTANT (1000000000))

typedef struct {
  ConclaveEventStore *store;
  ConclaveChecker    *checker;
  guint32             proc[4];   /* s1..s3, c1 */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  ConclaveIntern *intern;
  const char *names[] = { "s1", "s2", "s3", "c1" };

  f->store = conclave_event_store_new ();
  f->checker = conclave_checker_new (f->store);
  conclave_checker_set_grace (f->checker, 1 * S);
  intern = conclave_event_store_get_intern (f->store);
  for (guint i = 0; i < 4; i++)
    {
      ConclaveProcessInfo *info = conclave_event_store_add_process (f->store, 100 + (gint) i);
      info->node = conclave_intern_add (intern, names[i]);
      f->proc[i] = info->index;
    }
}

static void
teardown (Fixture *f, gconstpointer data)
{
  conclave_checker_free (f->checker);
  g_object_unref (f->store);
}

static guint
add (Fixture *f, ConclaveEventType type, guint who, gint64 t, gint num,
     const char *s0, const char *s1, const char *s3)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  ConclaveEvent e = { 0 };
  guint64 first = conclave_event_store_get_end (f->store);

  e.type = type;
  e.proc = who < 4 ? f->proc[who] : 0;
  e.time_ns = t;
  if (type == CONCLAVE_EVENT_STATE)
    e.key = (guint64) num;  /* the term */
  else
    e.num = num;
  e.s[0] = conclave_intern_add (intern, s0);
  e.s[1] = conclave_intern_add (intern, s1);
  e.s[3] = conclave_intern_add (intern, s3);
  conclave_event_store_append (f->store, &e, 1);
  return conclave_checker_feed (f->checker, first, conclave_event_store_get_end (f->store));
}

static const ConclaveEvent *
last_violation_event (Fixture *f)
{
  for (guint64 i = conclave_event_store_get_end (f->store); i-- > 0;)
    {
      const ConclaveEvent *e = conclave_event_store_get (f->store, i);
      if (e->type == CONCLAVE_EVENT_VIOLATION)
        return e;
    }
  return NULL;
}

static const char *
last_violation (Fixture *f)
{
  const ConclaveEvent *e = last_violation_event (f);

  return e ? conclave_event_store_str (f->store, conclave_event_violation_what (e)) : NULL;
}

static const ConclaveEvent *last_cause (Fixture *f, const char **node);

static void
test_raft_terms (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "raft"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 1, 2 * S, 2, "leader", "s2", "raft"), ==, 0);  /* new term: fine */
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 1, 3 * S, 2, "leader", "s2", "raft"), ==, 0);  /* same leader again */
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 2, 4 * S, 2, "leader", "s3", "raft"), ==, 1);  /* two in term 2 */
  g_assert_cmpstr (last_violation (f), ==, "two-leaders");
}

static void
test_split_brain (Fixture *f, gconstpointer data)
{
  const ConclaveEvent *cause;
  const char *node;

  add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "bully");
  add (f, CONCLAVE_EVENT_STATE, 2, 2 * S, 2, "leader", "s3", "bully");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 2 * S + S / 2), ==, 0);  /* within the grace */
  /* s1 steps down in time: no split brain. */
  add (f, CONCLAVE_EVENT_STATE, 0, 2 * S + S / 2, 2, "follower", "s3", "bully");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 10 * S), ==, 0);
  /* Now it claims again and stays. */
  add (f, CONCLAVE_EVENT_STATE, 0, 11 * S, 3, "leader", "s1", "bully");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 13 * S), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "split-brain");
  /* Its cause is the later leader's claim: s1's at 11 s, not s3's. */
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpstr (node, ==, "s1");
  g_assert_cmpint (cause->time_ns, ==, 11 * S);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 14 * S), ==, 0);  /* reported once */
}

static void
test_paused_or_crashed_leader (Fixture *f, gconstpointer data)
{
  add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "ring");
  add (f, CONCLAVE_EVENT_PAUSE, 9, 2 * S, 0, "s1", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 1, 3 * S, 2, "leader", "s2", "ring");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 10 * S), ==, 0);
  add (f, CONCLAVE_EVENT_CRASH, 9, 11 * S, 0, "s1", NULL, NULL);
  add (f, CONCLAVE_EVENT_RESUME, 9, 11 * S, 0, "s1", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 20 * S), ==, 0);
}

/* A leader that was paused while another took over, then resumed, gets
 * the grace to hear of the new one before it counts as split brain. */
static void
test_resumed_leader (Fixture *f, gconstpointer data)
{
  const ConclaveEvent *cause;
  const char *node;

  add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "bully");
  add (f, CONCLAVE_EVENT_PAUSE, 9, 2 * S, 0, "s1", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 2, 3 * S, 2, "leader", "s3", "bully");
  add (f, CONCLAVE_EVENT_RESUME, 9, 10 * S, 0, "s1", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 10 * S + S / 2), ==, 0);
  add (f, CONCLAVE_EVENT_STATE, 0, 10 * S + S / 2, 2, "follower", "s3", "bully");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 20 * S), ==, 0);
  /* One that stays leader after its grace is split brain all the same. */
  add (f, CONCLAVE_EVENT_PAUSE, 9, 21 * S, 0, "s3", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 0, 22 * S, 3, "leader", "s1", "bully");
  add (f, CONCLAVE_EVENT_RESUME, 9, 30 * S, 0, "s3", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 30 * S + S / 2), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 32 * S), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "split-brain");
  /* s3 woke as leader at 30 s, after s1's claim at 22 s: its waking. */
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_RESUME);
  g_assert_cmpint (cause->time_ns, ==, 30 * S);
  g_assert_cmpstr (node, ==, "s3");
}

static void
test_log_agreement_and_duplicates (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 0, 1 * S, 1, "c1:1", "c1", "hi"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 1, 1 * S, 1, "c1:1", "c1", "hi"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 0, 2 * S, 2, "c1:2", "c1", "there"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 1, 2 * S, 2, "c1:3", "c1", "other"), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "log-disagreement");
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 0, 3 * S, 3, "c1:1", "c1", "hi"), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "duplicate");
}

static void
test_lost_post (Fixture *f, gconstpointer data)
{
  add (f, CONCLAVE_EVENT_DELIVER, 0, 1 * S, 1, "c1:1", "c1", "hi");
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_ACKED, 3, 1 * S, 1, "c1:1", NULL, NULL), ==, 0);
  /* A new leader gives sequence number 1 to something else. */
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 2, 5 * S, 1, "c1:9", "c1", "usurper"), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "lost-post");
}


static const char *
last_violation_text (Fixture *f)
{
  const ConclaveEvent *e = last_violation_event (f);

  return e ? conclave_event_store_str (f->store, conclave_event_violation_text (e)) : NULL;
}

/* The event the last violation points at, and that event's node: its
 * process's, or the one a controller event names. */
static const ConclaveEvent *
last_cause (Fixture *f, const char **node)
{
  const ConclaveEvent *v = last_violation_event (f);
  const ConclaveEvent *e;

  g_assert_nonnull (v);
  e = conclave_event_store_get (f->store, v->key);
  g_assert_nonnull (e);
  if (e->proc != 0)
    *node = conclave_event_store_str (f->store, conclave_event_store_get_process (f->store, e->proc)->node);
  else
    *node = conclave_event_store_str (f->store, conclave_event_node (e));
  return e;
}

/* Liveness: with a majority up, no leader (or no answer to posts) for the
 * limit (here six graces: no election timeout was reported) is stalled,
 * once per stall; without a majority nothing is promised. */
static void
test_stalled (Fixture *f, gconstpointer data)
{
  const ConclaveEvent *cause;
  const char *node;

  for (guint i = 0; i < 3; i++)
    add (f, CONCLAVE_EVENT_STATE, i, 1 * S, 1, "follower", NULL, "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 1 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 6 * S + S / 2), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 7 * S + S / 10), ==, 1);
  g_assert_cmpstr (last_violation (f), ==, "stalled");
  g_assert_cmpstr (last_violation_text (f), ==, "no leader for 6.1 s while 3 of 3 servers are up");
  /* Never led: the cause is where the group began, s1's first state. */
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpstr (node, ==, "s1");
  g_assert_cmpint (cause->time_ns, ==, 1 * S);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 8 * S), ==, 0);  /* reported once */

  /* A leader: the group moves again, for as long as one leads. */
  add (f, CONCLAVE_EVENT_STATE, 1, 9 * S, 2, "leader", "s2", "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 9 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 20 * S), ==, 0);

  /* Two of three crashed: no majority, no promise, however long. */
  add (f, CONCLAVE_EVENT_CRASH, 9, 21 * S, 0, "s2", NULL, NULL);
  add (f, CONCLAVE_EVENT_CRASH, 9, 21 * S, 0, "s3", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 21 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 30 * S), ==, 0);

  /* Back with a leader, but a client's post waits and waits. */
  add (f, CONCLAVE_EVENT_SPAWN, 9, 31 * S, 0, "s2", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 1, 31 * S, 3, "leader", "s2", "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 31 * S), ==, 0);
  for (gint64 t = 31; t <= 37; t++)
    add (f, CONCLAVE_EVENT_SEND, 3, t * S, 0, "post", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 36 * S + S / 2), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 37 * S + S / 2), ==, 1);
  g_assert_cmpstr (last_violation_text (f), ==, "no post acknowledged for 6.5 s while 2 of 3 servers are up");
  /* The cause is the first post left waiting: c1's send at 31 s, not a
   * later retry. */
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_SEND);
  g_assert_cmpstr (node, ==, "c1");
  g_assert_cmpint (cause->time_ns, ==, 31 * S);
  g_assert_cmpstr (conclave_event_store_str (f->store, conclave_event_kind (cause)), ==, "post");
  add (f, CONCLAVE_EVENT_ACKED, 3, 38 * S, 1, "c1:1", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 50 * S), ==, 0);

  /* A post nobody retries (its client is gone) is no stall. */
  add (f, CONCLAVE_EVENT_SEND, 3, 51 * S, 0, "post", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 60 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_get_n_violations (f->checker), ==, 2);
}

/* A stall without a leader points at the event that took the last live
 * leader away: the latest such event (here a step-down after an earlier
 * crash), and a pause that did it, not a crash of the paused leader after. */
static void
test_stalled_leader_lost (Fixture *f, gconstpointer data)
{
  const ConclaveEvent *cause;
  const char *node;

  add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "raft");
  add (f, CONCLAVE_EVENT_STATE, 1, 1 * S, 1, "follower", "s1", "raft");
  add (f, CONCLAVE_EVENT_STATE, 2, 1 * S, 1, "follower", "s1", "raft");
  add (f, CONCLAVE_EVENT_CRASH, 9, 2 * S, 0, "s1", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 2 * S), ==, 0);
  add (f, CONCLAVE_EVENT_STATE, 1, 3 * S, 2, "leader", "s2", "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 3 * S), ==, 0);
  add (f, CONCLAVE_EVENT_STATE, 1, 4 * S, 3, "follower", NULL, "raft");
  add (f, CONCLAVE_EVENT_STATE, 2, 4 * S + S / 10, 3, "candidate", NULL, "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 4 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 10 * S + S / 10), ==, 1);
  g_assert_cmpstr (last_violation_text (f), ==, "no leader for 6.1 s while 2 of 3 servers are up");
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_STATE);
  g_assert_cmpstr (node, ==, "s2");
  g_assert_cmpint (cause->time_ns, ==, 4 * S);
  g_assert_cmpstr (conclave_event_store_str (f->store, conclave_event_state_role (cause)), ==, "follower");

  /* s1 back, s3 leads: the group moves. Then s3 is paused (that loses
   * the leader) and crashes while paused (that loses nothing more). */
  add (f, CONCLAVE_EVENT_SPAWN, 9, 11 * S, 0, "s1", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 0, 11 * S, 4, "follower", "s3", "raft");
  add (f, CONCLAVE_EVENT_STATE, 2, 11 * S, 4, "leader", "s3", "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 11 * S), ==, 0);
  add (f, CONCLAVE_EVENT_PAUSE, 9, 12 * S, 0, "s3", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 12 * S), ==, 0);
  add (f, CONCLAVE_EVENT_CRASH, 9, 13 * S, 0, "s3", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 13 * S), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 18 * S + S / 5), ==, 1);
  g_assert_cmpstr (last_violation_text (f), ==, "no leader for 6.2 s while 2 of 3 servers are up");
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_PAUSE);
  g_assert_cmpstr (node, ==, "s3");
  g_assert_cmpint (cause->time_ns, ==, 12 * S);

  /* A crashed leader, the plainest case: the crash. */
  add (f, CONCLAVE_EVENT_SPAWN, 9, 19 * S, 0, "s3", NULL, NULL);
  add (f, CONCLAVE_EVENT_STATE, 1, 19 * S, 5, "leader", "s2", "raft");
  g_assert_cmpuint (conclave_checker_tick (f->checker, 19 * S), ==, 0);
  add (f, CONCLAVE_EVENT_CRASH, 9, 20 * S, 0, "s2", NULL, NULL);
  add (f, CONCLAVE_EVENT_EXITED, 9, 20 * S + S / 100, 0, "s2", NULL, NULL);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 20 * S + S / 2), ==, 0);
  g_assert_cmpuint (conclave_checker_tick (f->checker, 27 * S), ==, 1);
  cause = last_cause (f, &node);
  g_assert_cmpint (cause->type, ==, CONCLAVE_EVENT_CRASH);
  g_assert_cmpstr (node, ==, "s2");
  g_assert_cmpint (cause->time_ns, ==, 20 * S);
}

static void
test_reset (Fixture *f, gconstpointer data)
{
  add (f, CONCLAVE_EVENT_STATE, 0, 1 * S, 1, "leader", "s1", "raft");
  add (f, CONCLAVE_EVENT_DELIVER, 0, 1 * S, 1, "c1:1", "c1", "hi");
  conclave_checker_reset (f->checker);
  /* The next run's term 1 and sequence number 1 are its own. */
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 1, 5 * S, 1, "leader", "s2", "raft"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_DELIVER, 1, 5 * S, 1, "c2:1", "c2", "new"), ==, 0);
  g_assert_cmpuint (add (f, CONCLAVE_EVENT_STATE, 2, 6 * S, 1, "leader", "s3", "raft"), ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/checker/raft-terms", test_raft_terms);
  ADD ("/checker/split-brain", test_split_brain);
  ADD ("/checker/stalled", test_stalled);
  ADD ("/checker/stalled-leader-lost", test_stalled_leader_lost);
  ADD ("/checker/paused-or-crashed-leader", test_paused_or_crashed_leader);
  ADD ("/checker/resumed-leader", test_resumed_leader);
  ADD ("/checker/log-agreement-and-duplicates", test_log_agreement_and_duplicates);
  ADD ("/checker/lost-post", test_lost_post);
  ADD ("/checker/reset", test_reset);
  return g_test_run ();
}
