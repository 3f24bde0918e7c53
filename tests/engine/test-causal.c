/* test-causal.c — the log's order: a receive is never listed above its send.
 *
 * Crafted events whose clocks disagree (a receive stamped before its send,
 * a reply stamped before the request arrived), a broadcast, a send whose
 * receive arrives first, unrelated events interleaved by time, and a
 * window that cuts a message in half. The order must keep each process's
 * own order, put every send before its receives, and otherwise be time
 * order, ties by arrival.
 */
#include "conclave-causal.h"
#include "causal-fixture.h"

/* The order as a list of store indices, checked against `expected`. */
static void
assert_order (Fixture *f, guint64 first, guint64 end, const guint64 *expected, guint n)
{
  g_autoptr(GArray) order = conclave_causal_order (f->store, f->matcher, first, end);

  g_assert_cmpuint (order->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      if (g_array_index (order, guint64, i) != expected[i])
        g_error ("position %u: event %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT, i,
                 g_array_index (order, guint64, i), expected[i]);
    }
}

/* A sends at 100 µs; B's clock is behind: it receives at 90, answers at
 * 95; A receives the answer at 200. C logs at 92, unrelated. By time the
 * list would be B.recv, C, B.send, A.send, A.recv: two receives above
 * their sends. */
static void
test_skewed_clocks (Fixture *f, gconstpointer data)
{
  guint64 a_send = add (f, CONCLAVE_EVENT_SEND, 10, 100, 1);
  guint64 c_log = add (f, CONCLAVE_EVENT_LOG, 30, 92, 0);
  guint64 b_recv = add (f, CONCLAVE_EVENT_RECV, 20, 90, 1);
  guint64 b_send = add (f, CONCLAVE_EVENT_SEND, 20, 95, 2);
  guint64 a_recv = add (f, CONCLAVE_EVENT_RECV, 10, 200, 2);
  const guint64 expected[] = { c_log, a_send, b_recv, b_send, a_recv };

  assert_order (f, 0, conclave_event_store_get_end (f->store), expected, G_N_ELEMENTS (expected));
}

/* The receive's line arrives before its send's; a broadcast reaches two
 * processes; in-order events stay in time order, ties by arrival. */
static void
test_receive_first_and_broadcast (Fixture *f, gconstpointer data)
{
  guint64 b_recv = add (f, CONCLAVE_EVENT_RECV, 20, 50, 7);   /* arrives first, stamped first */
  guint64 c_recv = add (f, CONCLAVE_EVENT_RECV, 30, 55, 7);
  guint64 a_log = add (f, CONCLAVE_EVENT_LOG, 10, 40, 0);
  guint64 a_send = add (f, CONCLAVE_EVENT_SEND, 10, 60, 7);   /* the broadcast, stamped last */
  guint64 d_one = add (f, CONCLAVE_EVENT_LOG, 40, 70, 0);
  guint64 d_two = add (f, CONCLAVE_EVENT_LOG, 50, 70, 0);     /* same time: arrival decides */
  const guint64 expected[] = { a_log, a_send, b_recv, c_recv, d_one, d_two };

  assert_order (f, 0, conclave_event_store_get_end (f->store), expected, G_N_ELEMENTS (expected));
}

/* Nothing to fix: the order is exactly time order (ties by arrival). */
static void
test_time_order_kept (Fixture *f, gconstpointer data)
{
  guint64 e0 = add (f, CONCLAVE_EVENT_SEND, 10, 10, 1);
  guint64 e1 = add (f, CONCLAVE_EVENT_LOG, 20, 5, 0);
  guint64 e2 = add (f, CONCLAVE_EVENT_RECV, 20, 30, 1);
  guint64 e3 = add (f, CONCLAVE_EVENT_LOG, 30, 20, 0);
  const guint64 expected[] = { e1, e0, e3, e2 };

  assert_order (f, 0, conclave_event_store_get_end (f->store), expected, G_N_ELEMENTS (expected));
}

/* A window that holds the receive but not its send: nothing constrains
 * the receive; one process's own order still holds against its clock. */
static void
test_window (Fixture *f, gconstpointer data)
{
  guint64 a_send = add (f, CONCLAVE_EVENT_SEND, 10, 100, 1);
  guint64 b_recv = add (f, CONCLAVE_EVENT_RECV, 20, 90, 1);
  guint64 b_log = add (f, CONCLAVE_EVENT_LOG, 20, 80, 0);     /* B's clock stepped back */
  guint64 c_log = add (f, CONCLAVE_EVENT_LOG, 30, 85, 0);
  /* c first: b's log must wait for b's receive, which came before it */
  const guint64 expected[] = { c_log, b_recv, b_log };

  g_assert_cmpuint (a_send, ==, 0);
  assert_order (f, 1, conclave_event_store_get_end (f->store), expected, G_N_ELEMENTS (expected));
}

/* Every order of a random exchange among five processes with clocks up to
 * 50 µs apart keeps sends before receives and each process's own order. */
static void
test_random_exchanges (Fixture *f, gconstpointer data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261204);
  g_autoptr(GArray) order = NULL;
  g_autoptr(GHashTable) position = g_hash_table_new (NULL, NULL);
  gint64 skew[5], now = 1000;
  guint32 id = 0;

  for (guint p = 0; p < 5; p++)
    skew[p] = g_rand_int_range (rand, -50, 50);
  for (guint round = 0; round < 300; round++)
    {
      gint from = g_rand_int_range (rand, 0, 5), to = (from + g_rand_int_range (rand, 1, 5)) % 5;

      now += g_rand_int_range (rand, 1, 20);
      add (f, CONCLAVE_EVENT_SEND, 10 + from, now + skew[from], ++id);
      now += g_rand_int_range (rand, 1, 20);
      add (f, CONCLAVE_EVENT_RECV, 10 + to, now + skew[to], id);
    }
  order = conclave_causal_order (f->store, f->matcher, 0, conclave_event_store_get_end (f->store));
  g_assert_cmpuint (order->len, ==, conclave_event_store_get_end (f->store));
  for (guint i = 0; i < order->len; i++)
    g_hash_table_insert (position, GSIZE_TO_POINTER (g_array_index (order, guint64, i) + 1), GUINT_TO_POINTER (i));
  g_assert_cmpuint (g_hash_table_size (position), ==, order->len);  /* each once */
  for (guint64 i = 0; i + 1 < order->len; i += 2)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (position, GSIZE_TO_POINTER (i + 1))), <,
                      GPOINTER_TO_UINT (g_hash_table_lookup (position, GSIZE_TO_POINTER (i + 2))));
  for (guint64 i = 0; i < order->len; i++)
    for (guint64 j = i + 1; j < order->len && j < i + 40; j++)
      if (conclave_event_store_get (f->store, i)->proc == conclave_event_store_get (f->store, j)->proc)
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (position, GSIZE_TO_POINTER (i + 1))), <,
                          GPOINTER_TO_UINT (g_hash_table_lookup (position, GSIZE_TO_POINTER (j + 1))));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/causal/skewed-clocks", test_skewed_clocks);
  ADD ("/causal/receive-first-and-broadcast", test_receive_first_and_broadcast);
  ADD ("/causal/time-order-kept", test_time_order_kept);
  ADD ("/causal/window", test_window);
  ADD ("/causal/random-exchanges", test_random_exchanges);
  return g_test_run ();
}
