/* test-causal-cone.c — an event's causal past and future, on crafted stores.
 *
 * A chain across three processes (A → B → C) with events before and after
 * each hop and an unrelated fourth process: the past of the last receive
 * holds exactly the chain and what came before each hop on its process,
 * the future of the first send exactly what follows; the concurrent
 * events are in neither. Also: a receive whose line arrived before its
 * send's, a broadcast, which messages count as causes or effects, the
 * message an event belongs to, and random exchanges checked against a
 * transitive closure computed the slow way.
 */
#include "conclave-causal-cone.h"
#include "causal-fixture.h"

/* The cone is exactly `expected` (any order), checked both ways. */
static void
assert_cone (Fixture *f, guint64 origin, ConclaveCausalDirection direction, const guint64 *expected, guint n)
{
  g_autoptr(ConclaveCausalCone) cone = conclave_causal_cone_new (f->store, f->matcher, origin, direction);
  g_autoptr(GArray) got = NULL;
  guint64 end = conclave_event_store_get_end (f->store);

  g_assert_nonnull (cone);
  g_assert_cmpuint (conclave_causal_cone_get_origin (cone), ==, origin);
  g_assert_cmpint (conclave_causal_cone_get_direction (cone), ==, direction);
  for (guint64 i = 0; i < end; i++)
    {
      gboolean want = FALSE;

      for (guint k = 0; k < n; k++)
        want |= expected[k] == i;
      if (conclave_causal_cone_contains (cone, i) != want)
        g_error ("%s of %" G_GUINT64_FORMAT ": event %" G_GUINT64_FORMAT " %s", direction == CONCLAVE_CAUSAL_PAST
                 ? "past" : "future", origin, i, want ? "missing" : "included, but it is not");
    }
  g_assert_cmpuint (conclave_causal_cone_get_size (cone), ==, n);
  got = conclave_causal_cone_to_array (cone);
  g_assert_cmpuint (got->len, ==, n);
}

/* A: a0 log, a1 send m1, a2 log (after: concurrent with B and C's later events)
 * B: b0 log, b1 recv m1, b2 send m2, b3 log
 * C: c0 log, c1 recv m2, c2 log
 * D: d0 log, d1 log (never talks to anyone) */
typedef struct {
  guint64 a0, a1, a2, b0, b1, b2, b3, c0, c1, c2, d0, d1;
} Chain;

static void
make_chain (Fixture *f, Chain *c)
{
  c->d0 = add (f, CONCLAVE_EVENT_LOG, 40, 5, 0);
  c->a0 = add (f, CONCLAVE_EVENT_LOG, 10, 10, 0);
  c->b0 = add (f, CONCLAVE_EVENT_LOG, 20, 12, 0);
  c->c0 = add (f, CONCLAVE_EVENT_LOG, 30, 14, 0);
  c->a1 = add (f, CONCLAVE_EVENT_SEND, 10, 20, 1);
  c->a2 = add (f, CONCLAVE_EVENT_LOG, 10, 25, 0);
  c->b1 = add (f, CONCLAVE_EVENT_RECV, 20, 30, 1);
  c->d1 = add (f, CONCLAVE_EVENT_LOG, 40, 35, 0);
  c->b2 = add (f, CONCLAVE_EVENT_SEND, 20, 40, 2);
  c->b3 = add (f, CONCLAVE_EVENT_LOG, 20, 45, 0);
  c->c1 = add (f, CONCLAVE_EVENT_RECV, 30, 50, 2);
  c->c2 = add (f, CONCLAVE_EVENT_LOG, 30, 55, 0);
}

static void
test_chain_past (Fixture *f, gconstpointer data)
{
  Chain c;

  make_chain (f, &c);
  {
    /* a2 happened on A after the send: concurrent with c1, not a cause. */
    const guint64 past[] = { c.a0, c.a1, c.b0, c.b1, c.b2, c.c0, c.c1 };

    assert_cone (f, c.c1, CONCLAVE_CAUSAL_PAST, past, G_N_ELEMENTS (past));
  }
  {
    const guint64 past[] = { c.a0, c.a1, c.b0, c.b1, c.b2 };

    assert_cone (f, c.b2, CONCLAVE_CAUSAL_PAST, past, G_N_ELEMENTS (past));
  }
  {
    const guint64 past[] = { c.d0, c.d1 };  /* no message: only its own history */

    assert_cone (f, c.d1, CONCLAVE_CAUSAL_PAST, past, G_N_ELEMENTS (past));
  }
}

static void
test_chain_future (Fixture *f, gconstpointer data)
{
  Chain c;

  make_chain (f, &c);
  {
    /* c0 came before m2 arrived on C: concurrent with a1, not an effect. */
    const guint64 future[] = { c.a1, c.a2, c.b1, c.b2, c.b3, c.c1, c.c2 };

    assert_cone (f, c.a1, CONCLAVE_CAUSAL_FUTURE, future, G_N_ELEMENTS (future));
  }
  {
    const guint64 future[] = { c.b2, c.b3, c.c1, c.c2 };

    assert_cone (f, c.b2, CONCLAVE_CAUSAL_FUTURE, future, G_N_ELEMENTS (future));
  }
}

/* Which messages count. A sends x to C, then m to B; B receives m; C
 * receives x, then sends y to B. In the past of B's receive of m: m, but
 * not x (sent before, received concurrently) nor y. In the future of A's
 * send of m: m, and y's receive on B as an event, but not y itself (C sent
 * it knowing nothing of m) nor x (sent before). */
static void
test_messages (Fixture *f, gconstpointer data)
{
  guint64 send_x = add (f, CONCLAVE_EVENT_SEND, 10, 10, 5);
  guint64 send_m = add (f, CONCLAVE_EVENT_SEND, 10, 20, 6);
  guint64 recv_m = add (f, CONCLAVE_EVENT_RECV, 20, 30, 6);
  guint64 recv_x = add (f, CONCLAVE_EVENT_RECV, 30, 40, 5);
  guint64 send_y = add (f, CONCLAVE_EVENT_SEND, 30, 45, 7);
  guint64 recv_y = add (f, CONCLAVE_EVENT_RECV, 20, 50, 7);
  ConclaveMessage x_data;
  const ConclaveMessage *x = conclave_matcher_get_message (f->matcher, conclave_causal_message_of_event (f->matcher, recv_x), &x_data);
  ConclaveMessage m_data;
  const ConclaveMessage *m = conclave_matcher_get_message (f->matcher, conclave_causal_message_of_event (f->matcher, recv_m), &m_data);
  ConclaveMessage y_data;
  const ConclaveMessage *y = conclave_matcher_get_message (f->matcher, conclave_causal_message_of_event (f->matcher, send_y), &y_data);
  g_autoptr(ConclaveCausalCone) past = conclave_causal_cone_new (f->store, f->matcher, recv_m, CONCLAVE_CAUSAL_PAST);
  g_autoptr(ConclaveCausalCone) future = conclave_causal_cone_new (f->store, f->matcher, send_m, CONCLAVE_CAUSAL_FUTURE);

  g_assert_nonnull (x);
  g_assert_nonnull (m);
  g_assert_nonnull (y);
  g_assert_cmpuint (x->send_index, ==, send_x);
  g_assert_cmpuint (m->send_index, ==, send_m);
  g_assert_cmpuint (y->recv_index, ==, recv_y);
  g_assert_true (conclave_causal_cone_contains (past, send_x));      /* the event is a cause … */
  g_assert_false (conclave_causal_cone_contains_message (past, x));  /* … its message is not */
  g_assert_true (conclave_causal_cone_contains_message (past, m));
  g_assert_false (conclave_causal_cone_contains_message (past, y));
  g_assert_true (conclave_causal_cone_contains_message (future, m));
  g_assert_false (conclave_causal_cone_contains_message (future, x));
  g_assert_false (conclave_causal_cone_contains_message (future, y));
  g_assert_true (conclave_causal_cone_contains (future, recv_y));
  g_assert_false (conclave_causal_cone_contains (future, recv_x));
}

/* The receive's line reaches the store before its send's: the edge still
 * counts, in both directions. */
static void
test_receive_first (Fixture *f, gconstpointer data)
{
  guint64 b_recv = add (f, CONCLAVE_EVENT_RECV, 20, 50, 7);
  guint64 b_log = add (f, CONCLAVE_EVENT_LOG, 20, 60, 0);
  guint64 a_log = add (f, CONCLAVE_EVENT_LOG, 10, 30, 0);
  guint64 a_send = add (f, CONCLAVE_EVENT_SEND, 10, 40, 7);
  guint64 a_after = add (f, CONCLAVE_EVENT_LOG, 10, 45, 0);
  const guint64 past[] = { a_log, a_send, b_recv, b_log };
  const guint64 future[] = { a_send, a_after, b_recv, b_log };

  assert_cone (f, b_log, CONCLAVE_CAUSAL_PAST, past, G_N_ELEMENTS (past));
  assert_cone (f, a_send, CONCLAVE_CAUSAL_FUTURE, future, G_N_ELEMENTS (future));
}

/* One send reaching two receivers (the matcher's broadcast: one id, two
 * receives): both are effects; the event of a receive is its own message,
 * a broadcast's send gives its first. */
static void
test_broadcast (Fixture *f, gconstpointer data)
{
  guint64 send = add (f, CONCLAVE_EVENT_SEND, 10, 10, 9);
  guint64 b_recv = add (f, CONCLAVE_EVENT_RECV, 20, 20, 9);
  guint64 c_recv = add (f, CONCLAVE_EVENT_RECV, 30, 25, 9);
  guint64 d_log = add (f, CONCLAVE_EVENT_LOG, 40, 30, 0);
  const guint64 future[] = { send, b_recv, c_recv };
  ConclaveMessage to_c_data;
  const ConclaveMessage *to_c = conclave_matcher_get_message (f->matcher,
                                                              conclave_causal_message_of_event (f->matcher, c_recv), &to_c_data);
  ConclaveMessage first_data;
  const ConclaveMessage *first = conclave_matcher_get_message (f->matcher,
                                                               conclave_causal_message_of_event (f->matcher, send), &first_data);

  assert_cone (f, send, CONCLAVE_CAUSAL_FUTURE, future, G_N_ELEMENTS (future));
  g_assert_nonnull (to_c);
  g_assert_nonnull (first);
  g_assert_cmpuint (to_c->recv_index, ==, c_recv);
  g_assert_cmpuint (first->send_index, ==, send);
  g_assert_cmpuint (first->recv_index, ==, b_recv);
  g_assert_cmpuint (conclave_causal_message_of_event (f->matcher, d_log), ==, G_MAXUINT64);
  g_assert_null (conclave_causal_cone_new (f->store, f->matcher, 99, CONCLAVE_CAUSAL_PAST));
}

/* Reachability the slow way: a boolean matrix closed transitively over
 * program order and every matched pair. */
static gboolean *
closure (Fixture *f, guint n)
{
  gboolean *before = g_new0 (gboolean, (gsize) n * n);  /* before[i * n + j]: i happened before j (or i == j) */

  for (guint i = 0; i < n; i++)
    {
      before[i * n + i] = TRUE;
      for (guint j = i + 1; j < n; j++)
        if (conclave_event_store_get (f->store, i)->proc == conclave_event_store_get (f->store, j)->proc)
          before[i * n + j] = TRUE;
    }
  for (guint64 m = 0; m < conclave_matcher_get_n_messages (f->matcher); m++)
    {
      ConclaveMessage msg_data;
      const ConclaveMessage *msg = conclave_matcher_get_message (f->matcher, m, &msg_data);

      if (msg->send_index < n && msg->recv_index < n)
        before[msg->send_index * n + msg->recv_index] = TRUE;
    }
  for (guint k = 0; k < n; k++)
    for (guint i = 0; i < n; i++)
      if (before[i * n + k])
        for (guint j = 0; j < n; j++)
          before[i * n + j] |= before[k * n + j];
  return before;
}

/* Random exchanges among five processes, some receive lines arriving
 * before their sends: every cone equals the closure's row or column. */
static void
test_random_against_closure (Fixture *f, gconstpointer data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261204);
  g_autofree gboolean *before = NULL;
  gint64 now = 1000;
  guint32 id = 0;
  guint n;

  for (guint round = 0; round < 60; round++)
    {
      gint from = g_rand_int_range (rand, 0, 5), to = (from + g_rand_int_range (rand, 1, 5)) % 5;
      gboolean swap = g_rand_int_range (rand, 0, 4) == 0;

      now += g_rand_int_range (rand, 1, 20);
      if (g_rand_int_range (rand, 0, 3) == 0)
        add (f, CONCLAVE_EVENT_LOG, 10 + from, now, 0);
      ++id;
      add (f, swap ? CONCLAVE_EVENT_RECV : CONCLAVE_EVENT_SEND, 10 + (swap ? to : from), now, id);
      add (f, swap ? CONCLAVE_EVENT_SEND : CONCLAVE_EVENT_RECV, 10 + (swap ? from : to), now + 5, id);
    }
  n = (guint) conclave_event_store_get_end (f->store);
  before = closure (f, n);
  for (guint origin = 0; origin < n; origin++)
    {
      g_autoptr(ConclaveCausalCone) past = conclave_causal_cone_new (f->store, f->matcher, origin, CONCLAVE_CAUSAL_PAST);
      g_autoptr(ConclaveCausalCone) future = conclave_causal_cone_new (f->store, f->matcher, origin, CONCLAVE_CAUSAL_FUTURE);

      for (guint i = 0; i < n; i++)
        {
          if (conclave_causal_cone_contains (past, i) != before[i * n + origin])
            g_error ("past of %u: event %u wrong", origin, i);
          if (conclave_causal_cone_contains (future, i) != before[origin * n + i])
            g_error ("future of %u: event %u wrong", origin, i);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/causal-cone/chain-past", test_chain_past);
  ADD ("/causal-cone/chain-future", test_chain_future);
  ADD ("/causal-cone/messages", test_messages);
  ADD ("/causal-cone/receive-first", test_receive_first);
  ADD ("/causal-cone/broadcast", test_broadcast);
  ADD ("/causal-cone/random-against-closure", test_random_against_closure);
  return g_test_run ();
}
