/* test-matcher-forget.c — what the matcher forgets, and when (issue 13:
 * memory). Ids it delivered are kept twice the loss timeout after their
 * newest receive, in generations, then forgotten; keys nothing waits on
 * are not kept at all. Fed as the cluster feeds it: batches in time order,
 * an expiry after each. Each test fails if the forgetting comes too early
 * (a broadcast's next receiver or a duplicate no longer pairs), too late
 * (a copy long after still pairs) or never (the tables grow with the run).
 */
#include "matcher-fixture.h"
#include "conclave-matcher-private.h"

#define TIMEOUT (100 * MS)
#define TICK    (10 * MS)   /* expiries, as the cluster's 200 ms to its 2 s */
#define ID(i)   (G_GUINT64_CONSTANT (0x100000000) + (i))

typedef struct {
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  GArray             *events;  /* ConclaveEvent, sorted by time before feeding */
  guint32             hello;
} Run;

static void
run_init (Run *run, Fixture *f)
{
  run->store = f->store;
  run->matcher = f->matcher;
  run->events = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  run->hello = conclave_intern_add (conclave_event_store_get_intern (f->store), "hello");
  conclave_matcher_set_loss_timeout (f->matcher, TIMEOUT);
}

static void
add (Run *run, ConclaveEventType type, guint32 proc, gint64 t, guint64 key)
{
  ConclaveEvent e = { .type = type, .proc = proc, .time_ns = t, .key = key };

  e.s[0] = run->hello;
  g_array_append_val (run->events, e);
}

/* Feeds every event in time order, a tick's worth at a time, expiring
 * after each tick, and on for `tail` after the last. */
static void
run_feed (Run *run, gint64 tail)
{
  guint next = 0;
  gint64 last;

  g_array_sort (run->events, by_time);
  last = g_array_index (run->events, ConclaveEvent, run->events->len - 1).time_ns + tail;
  for (gint64 now = TICK; now <= last + TICK; now += TICK)
    {
      guint64 first = conclave_event_store_get_end (run->store);
      guint n = 0;

      while (next + n < run->events->len && g_array_index (run->events, ConclaveEvent, next + n).time_ns < now)
        n++;
      conclave_event_store_append (run->store, &g_array_index (run->events, ConclaveEvent, next), n);
      conclave_matcher_feed (run->matcher, first, conclave_event_store_get_end (run->store));
      conclave_matcher_expire (run->matcher, now);
      next += n;
    }
  g_array_unref (run->events);
}

/* Messages of one key, in the order they were made. */
static GPtrArray *
messages_of (ConclaveMatcher *matcher, guint64 key)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      if (m->key == key)
        g_ptr_array_add (found, g_memdup2 (m, sizeof *m));
    }
  return found;
}

static guint
count_lost_events (ConclaveEventStore *store, guint64 key)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (store); i < conclave_event_store_get_end (store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (store, i);
      n += e->type == CONCLAVE_EVENT_LOST && e->key == key;
    }
  return n;
}

/* 3000 messages, one a millisecond (30 loss timeouts, dozens of
 * generations). By i % 10, after its send at t:
 *   0: received at t+1; a broadcast's next receiver at t+150 pairs with it
 *   1: received at t+1; a duplicate at t+190 pairs with it (duplicate)
 *   2: received at t+1; a copy at t+350 is forgotten: a new, unsent message
 *   4: received at t+90, within the loss timeout: delivered, no loss
 *   5: never received: lost (one LOST event), nothing else
 *   6: received at t+130, after the loss was reported: delivered, late
 *   3, 7, 8, 9: received at t+1, nothing else */
static void
test_by_age (Fixture *f, gconstpointer data)
{
  const guint n = 3000;
  Run run;

  run_init (&run, f);
  for (guint i = 0; i < n; i++)
    {
      gint64 t = (gint64) (i + 1) * MS;
      static const gint64 recv_at[10] = { 1, 1, 1, 1, 90, -1, 130, 1, 1, 1 };

      add (&run, CONCLAVE_EVENT_SEND, 1, t, ID (i));
      if (recv_at[i % 10] > 0)
        add (&run, CONCLAVE_EVENT_RECV, 2, t + recv_at[i % 10] * MS, ID (i));
      if (i % 10 == 0)
        add (&run, CONCLAVE_EVENT_RECV, 3, t + 150 * MS, ID (i));
      if (i % 10 == 1)
        add (&run, CONCLAVE_EVENT_RECV, 2, t + 190 * MS, ID (i));
      if (i % 10 == 2)
        add (&run, CONCLAVE_EVENT_RECV, 2, t + 350 * MS, ID (i));
    }
  run_feed (&run, 5 * TIMEOUT);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GPtrArray) ms = messages_of (f->matcher, ID (i));
      const ConclaveMessage *m = ms->pdata[0], *again = ms->len > 1 ? ms->pdata[1] : NULL;
      guint c = i % 10;

      g_assert_cmpuint (ms->len, ==, c <= 2 ? 2 : 1);
      g_assert_cmpint (m->state, ==, c == 5 ? CONCLAVE_MESSAGE_LOST : CONCLAVE_MESSAGE_DELIVERED);
      g_assert_cmpint (m->send_ns, ==, (gint64) (i + 1) * MS);
      g_assert_cmpuint (!!(m->flags & CONCLAVE_MESSAGE_FLAG_LATE), ==, c == 6);
      g_assert_cmpuint (count_lost_events (f->store, ID (i)), ==, c == 5 || c == 6);
      if (c == 0 || c == 1)
        {
          g_assert_cmpint (again->state, ==, CONCLAVE_MESSAGE_DELIVERED);
          g_assert_cmpuint (again->send_index, ==, m->send_index);
          g_assert_cmpuint (again->dst_proc, ==, c == 0 ? 3 : 2);
          g_assert_cmpuint (!!(again->flags & CONCLAVE_MESSAGE_FLAG_DUPLICATE), ==, c == 1);
        }
      if (c == 2)
        {
          g_assert_cmpint (again->state, ==, CONCLAVE_MESSAGE_UNSENT);
          g_assert_cmpint (again->recv_ns, ==, (gint64) (i + 351) * MS);
        }
    }
}

/* A held receive keeps its id however long it is held: the other receiver
 * took the send long ago, the held one pairs with it on release. An id
 * delivered at the same moment, not held, is forgotten meanwhile. */
static void
test_held_outlives (Fixture *f, gconstpointer data)
{
  Run run;
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GPtrArray) free_ = NULL;

  run_init (&run, f);
  add (&run, CONCLAVE_EVENT_SEND, 1, 1 * MS, ID (1));
  add (&run, CONCLAVE_EVENT_HELD, 3, 2 * MS, ID (1));
  add (&run, CONCLAVE_EVENT_RECV, 2, 2 * MS, ID (1));
  add (&run, CONCLAVE_EVENT_SEND, 1, 1 * MS, ID (2));
  add (&run, CONCLAVE_EVENT_RECV, 2, 2 * MS, ID (2));
  for (guint i = 0; i < 1000; i++)  /* traffic, so generations come and go */
    {
      add (&run, CONCLAVE_EVENT_SEND, 1, (gint64) (i + 3) * MS, ID (100 + i));
      add (&run, CONCLAVE_EVENT_RECV, 2, (gint64) (i + 4) * MS, ID (100 + i));
    }
  add (&run, CONCLAVE_EVENT_RECV, 3, 1010 * MS, ID (1));
  add (&run, CONCLAVE_EVENT_RECV, 3, 1010 * MS, ID (2));
  run_feed (&run, 0);

  held = messages_of (f->matcher, ID (1));
  g_assert_cmpuint (held->len, ==, 2);
  g_assert_cmpint (((ConclaveMessage *) held->pdata[1])->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpuint (((ConclaveMessage *) held->pdata[1])->send_index, ==, ((ConclaveMessage *) held->pdata[0])->send_index);
  g_assert_cmpuint (((ConclaveMessage *) held->pdata[1])->dst_proc, ==, 3);
  free_ = messages_of (f->matcher, ID (2));
  g_assert_cmpuint (free_->len, ==, 2);
  g_assert_cmpint (((ConclaveMessage *) free_->pdata[1])->state, ==, CONCLAVE_MESSAGE_UNSENT);
}

/* 200 000 messages over 200 loss timeouts, with a retention of 16 384
 * events: the matcher's tables hold what the last few timeouts delivered,
 * never the run; a copy of an id whose message the retention took is a
 * new, unsent message. */
static void
test_bounded (Fixture *f, gconstpointer data)
{
  const guint n = 200000;
  const gint64 step = 100 * 1000;  /* 0.1 ms: 1000 messages a loss timeout */
  g_autoptr(GPtrArray) old = NULL;
  Run run;

  run_init (&run, f);
  conclave_event_store_set_retention (f->store, 16384);
  for (guint i = 0; i < n; i++)
    {
      add (&run, CONCLAVE_EVENT_SEND, 1, (gint64) (i + 1) * step, ID (i));
      add (&run, CONCLAVE_EVENT_RECV, 2, (gint64) (i + 1) * step + MS, ID (i));
    }
  add (&run, CONCLAVE_EVENT_RECV, 3, (gint64) (n + 1) * step + MS, ID (10));
  run_feed (&run, 0);

  g_test_message ("delivered table %u, waiting %u",
                  _conclave_matcher_delivered_size (f->matcher->delivered), g_hash_table_size (f->matcher->waiting));
  /* Kept: the ids received in the last 2 timeouts (the last expiry came
   * a tick after the last receive: 1900), at most a generation (half a
   * timeout) and a tick more (2600). Waiting: only the unsent copy. */
  g_assert_cmpuint (_conclave_matcher_delivered_size (f->matcher->delivered), <=, 2600);
  g_assert_cmpuint (_conclave_matcher_delivered_size (f->matcher->delivered), >=, 1900);
  g_assert_cmpuint (g_hash_table_size (f->matcher->waiting), ==, 1);
  old = messages_of (f->matcher, ID (10));
  g_assert_cmpuint (old->len, ==, 1);
  g_assert_cmpint (((ConclaveMessage *) old->pdata[0])->state, ==, CONCLAVE_MESSAGE_UNSENT);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/matcher-forget/by-age", test_by_age);
  ADD ("/matcher-forget/held-outlives", test_held_outlives);
  ADD ("/matcher-forget/bounded", test_bounded);
  return g_test_run ();
}
