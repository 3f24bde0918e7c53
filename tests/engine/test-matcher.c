/* test-matcher.c — sends and receives into messages: order, duplicates,
 * broadcast, drops, loss and late arrival, payload hashes, held copies. */
#include "matcher-fixture.h"

static void
feed (Fixture *f, ConclaveEventType type, guint32 proc, gint64 t, guint64 key, guint8 flags)
{
  ConclaveEvent e = { 0 };
  guint64 first = conclave_event_store_get_end (f->store);
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);

  e.type = type;
  e.proc = proc;
  e.time_ns = t;
  e.key = key;
  e.flags = flags;
  e.s[0] = conclave_intern_add (intern, "hello");
  e.s[1] = conclave_intern_add (intern, "127.0.0.1:1");
  e.s[2] = conclave_intern_add (intern, "127.0.0.1:2");
  conclave_event_store_append (f->store, &e, 1);
  conclave_matcher_feed (f->matcher, first, conclave_event_store_get_end (f->store));
}

static const ConclaveMessage *
msg (Fixture *f, guint64 i)
{
  /* Copies (the table keeps none): a test holds a few at once. */
  static ConclaveMessage ring[16];
  static guint next;
  ConclaveMessage *message_data = &ring[next++ % G_N_ELEMENTS (ring)];

  return conclave_matcher_get_message (f->matcher, i, message_data);
}

static void
test_in_order (Fixture *f, gconstpointer data)
{
  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000001, 0);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_IN_FLIGHT);
  feed (f, CONCLAVE_EVENT_RECV, 2, 11 * MS, 0x100000001, 0);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 1);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpuint (msg (f, 0)->src_proc, ==, 1);
  g_assert_cmpuint (msg (f, 0)->dst_proc, ==, 2);
  g_assert_cmpint (msg (f, 0)->recv_ns - msg (f, 0)->send_ns, ==, 1 * MS);
}

static void
test_recv_before_send (Fixture *f, gconstpointer data)
{
  feed (f, CONCLAVE_EVENT_RECV, 2, 11 * MS, 0x100000002, 0);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_UNSENT);
  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000002, 0);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 1);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 0)->send_ns, ==, 10 * MS);
  g_assert_cmpuint (msg (f, 0)->src_proc, ==, 1);
}

static void
test_duplicate_and_broadcast (Fixture *f, gconstpointer data)
{
  guint64 counts[5];

  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000003, 0);
  feed (f, CONCLAVE_EVENT_RECV, 2, 11 * MS, 0x100000003, 0);
  feed (f, CONCLAVE_EVENT_RECV, 3, 11 * MS, 0x100000003, 0);  /* broadcast: another receiver */
  feed (f, CONCLAVE_EVENT_RECV, 2, 12 * MS, 0x100000003, 0);  /* duplicate at the first */
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 3);
  g_assert_cmpuint (msg (f, 1)->dst_proc, ==, 3);
  g_assert_cmpuint (msg (f, 1)->send_index, ==, msg (f, 0)->send_index);
  g_assert_false (msg (f, 1)->flags & CONCLAVE_MESSAGE_FLAG_DUPLICATE);
  conclave_matcher_count (f->matcher, counts);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_DELIVERED], ==, 3);
}

static void
test_drops (Fixture *f, gconstpointer data)
{
  feed (f, CONCLAVE_EVENT_DROP, 1, 10 * MS, 0x100000004, 0);  /* eaten before it left */
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DROPPED);
  feed (f, CONCLAVE_EVENT_SEND, 1, 20 * MS, 0x100000005, 0);
  feed (f, CONCLAVE_EVENT_DROP, 2, 21 * MS, 0x100000005, CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 2);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DROPPED);
  g_assert_cmpuint (msg (f, 1)->dst_proc, ==, 2);
  /* A dropped message is never declared lost. */
  g_assert_cmpuint (conclave_matcher_expire (f->matcher, 10000 * MS), ==, 0);
}

/* An id-keyed broadcast: one receiver has it, the network drops the
 * others' copies, told after that receive or before the send; each copy
 * is one message of that send, dropped or delivered, none left unsent. */
static void
test_broadcast_copy_dropped (Fixture *f, gconstpointer data)
{
  guint64 counts[5];

  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000010, 0);
  feed (f, CONCLAVE_EVENT_RECV, 2, 11 * MS, 0x100000010, 0);
  feed (f, CONCLAVE_EVENT_DROP, 3, 12 * MS, 0x100000010, CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 2);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DROPPED);
  g_assert_cmpuint (msg (f, 1)->dst_proc, ==, 3);
  g_assert_cmpuint (msg (f, 1)->send_index, ==, msg (f, 0)->send_index);
  g_assert_false (msg (f, 1)->flags & CONCLAVE_MESSAGE_FLAG_DUPLICATE);

  feed (f, CONCLAVE_EVENT_DROP, 3, 22 * MS, 0x100000011, CONCLAVE_EVENT_FLAG_DIR_RECV);
  feed (f, CONCLAVE_EVENT_SEND, 1, 20 * MS, 0x100000011, 0);
  feed (f, CONCLAVE_EVENT_RECV, 2, 23 * MS, 0x100000011, 0);
  feed (f, CONCLAVE_EVENT_DROP, 4, 24 * MS, 0x100000011, CONCLAVE_EVENT_FLAG_DIR_RECV);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 5);
  g_assert_cmpint (msg (f, 2)->state, ==, CONCLAVE_MESSAGE_DROPPED);
  g_assert_cmpint (msg (f, 3)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 4)->state, ==, CONCLAVE_MESSAGE_DROPPED);
  for (guint i = 3; i < 5; i++)
    g_assert_cmpuint (msg (f, i)->send_index, ==, msg (f, 2)->send_index);
  g_assert_cmpuint (msg (f, 4)->dst_proc, ==, 4);
  conclave_matcher_count (f->matcher, counts);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_UNSENT], ==, 0);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_DROPPED], ==, 3);
}

static void
test_lost_and_late (Fixture *f, gconstpointer data)
{
  guint64 end;
  const ConclaveEvent *lost;

  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000006, 0);
  feed (f, CONCLAVE_EVENT_SEND, 1, 150 * MS, 0x100000007, 0);
  g_assert_cmpuint (conclave_matcher_expire (f->matcher, 100 * MS), ==, 0);  /* not yet */
  g_assert_cmpuint (conclave_matcher_expire (f->matcher, 200 * MS), ==, 1);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_LOST);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_IN_FLIGHT);
  end = conclave_event_store_get_end (f->store);
  lost = conclave_event_store_get (f->store, end - 1);
  g_assert_cmpint (lost->type, ==, CONCLAVE_EVENT_LOST);
  g_assert_cmpuint (lost->key, ==, 0x100000006);
  /* It arrives after all: delivered, marked late. */
  feed (f, CONCLAVE_EVENT_RECV, 2, 300 * MS, 0x100000006, 0);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_true (msg (f, 0)->flags & CONCLAVE_MESSAGE_FLAG_LATE);
}

/* A replay's tidying between recorded losses forgets what an expiry
 * forgets (a delivered key: a late copy of it is a new, unsent message)
 * but declares nothing lost: the one still in flight pairs when it comes. */
static void
test_tidy (Fixture *f, gconstpointer data)
{
  Fixture kept;
  guint64 end;

  setup (&kept, NULL);
  for (guint i = 0; i < 2; i++)
    {
      Fixture *g = i == 0 ? f : &kept;

      feed (g, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000008, 0);
      feed (g, CONCLAVE_EVENT_RECV, 2, 11 * MS, 0x100000008, 0);
      feed (g, CONCLAVE_EVENT_SEND, 1, 20 * MS, 0x100000009, 0);
    }
  end = conclave_event_store_get_end (f->store);
  conclave_matcher_tidy (f->matcher, 1000 * MS);
  g_assert_cmpuint (conclave_event_store_get_end (f->store), ==, end);   /* no loss event */
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_IN_FLIGHT);
  for (guint i = 0; i < 2; i++)
    feed (i == 0 ? f : &kept, CONCLAVE_EVENT_RECV, 2, 1001 * MS, 0x100000008, 0);
  g_assert_cmpint (msg (f, 2)->state, ==, CONCLAVE_MESSAGE_UNSENT);
  g_assert_cmpint (msg (&kept, 2)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  feed (f, CONCLAVE_EVENT_RECV, 2, 1002 * MS, 0x100000009, 0);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 1)->recv_ns, ==, 1002 * MS);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 3);
  teardown (&kept, NULL);
}

static void
test_hash_fifo (Fixture *f, gconstpointer data)
{
  guint8 h = CONCLAVE_EVENT_FLAG_KEY_IS_HASH;

  /* Two equal payloads between the same addresses pair first-in first-out. */
  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0xabcdef, h);
  feed (f, CONCLAVE_EVENT_SEND, 1, 11 * MS, 0xabcdef, h);
  feed (f, CONCLAVE_EVENT_RECV, 2, 12 * MS, 0xabcdef, h);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_IN_FLIGHT);
  feed (f, CONCLAVE_EVENT_RECV, 2, 13 * MS, 0xabcdef, h);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 1)->recv_ns, ==, 13 * MS);
}

static gboolean
collect (const ConclaveMessage *m, guint64 i, gpointer data)
{
  (*(guint *) data)++;
  return TRUE;
}

static void
test_range_and_memory (Fixture *f, gconstpointer data)
{
  guint n = 0;

  for (guint i = 1; i <= 5000; i++)
    {
      feed (f, CONCLAVE_EVENT_SEND, 1, i * MS, ((guint64) 7 << 32) | i, 0);
      feed (f, CONCLAVE_EVENT_RECV, 2, i * MS + 1000, ((guint64) 7 << 32) | i, 0);
    }
  conclave_matcher_foreach_in_range (f->matcher, 1000 * MS, 2000 * MS, collect, &n);
  g_assert_cmpuint (n, >=, 999);
  g_assert_cmpuint (n, <=, 1002);
  conclave_matcher_expire (f->matcher, 6000 * MS);  /* also forgets paired keys */
}

/* The matcher obeys the store's retention (issue 13: 6 M events took
 * 421 MB despite a 2 M retention): 400 000 events, a send and its receive
 * each, every tenth send never received, in batches as the cluster feeds
 * them, with a retention of 16 384 events: the messages kept stay within
 * the events kept, the oldest are gone, the newest pair as ever. */
static void
test_obeys_retention (Fixture *f, gconstpointer data)
{
  const guint64 retention = 16384, n_pairs = 200000;
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  guint64 first, counts[5];
  guint kept = 0;
  const ConclaveMessage *m;

  conclave_event_store_set_retention (f->store, retention);
  for (guint64 i = 0; i < n_pairs; i++)
    {
      ConclaveEvent e = { .type = CONCLAVE_EVENT_SEND, .proc = 1, .time_ns = (gint64) i * MS / 10, .key = 0x100000000 + i };

      e.s[0] = conclave_intern_add (intern, "hello");
      g_array_append_val (batch, e);
      e.type = CONCLAVE_EVENT_RECV;
      e.proc = 2;
      e.time_ns += MS / 20;
      if (i % 10 != 9)
        g_array_append_val (batch, e);
      if (batch->len >= 1000 || i + 1 == n_pairs)
        {
          first = conclave_event_store_get_end (f->store);
          conclave_event_store_append (f->store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
          conclave_matcher_feed (f->matcher, first, conclave_event_store_get_end (f->store));
          conclave_matcher_expire (f->matcher, e.time_ns);
          g_array_set_size (batch, 0);
        }
    }
  conclave_matcher_foreach_in_range (f->matcher, 0, G_MAXINT64, collect, &kept);
  g_test_message ("%u messages kept of %" G_GUINT64_FORMAT,
                  kept, conclave_matcher_get_n_messages (f->matcher));
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, n_pairs);
  g_assert_cmpuint (kept, <=, retention);
  g_assert_cmpuint (kept, >=, retention / 4);
  g_assert_null (msg (f, 0));
  g_assert_null (msg (f, n_pairs - retention));
  m = msg (f, n_pairs - 2);
  g_assert_nonnull (m);
  g_assert_cmpint (m->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpuint (m->key, ==, 0x100000000 + n_pairs - 2);
  /* The totals still count every message. */
  conclave_matcher_count (f->matcher, counts);
  g_assert_cmpuint (counts[CONCLAVE_MESSAGE_DELIVERED], ==, n_pairs - n_pairs / 10);
}

/* Messages the matcher gave up on: lost, unheard or not read. */
static guint64
n_given_up (Fixture *f)
{
  return conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_LOST)
         + conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_UNHEARD)
         + conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_NOT_READ);
}

/* Step mode: a broadcast held by two receivers is in flight, never lost,
 * until each releases it; then both copies are delivered. */
static void
test_held_twice (Fixture *f, gconstpointer data)
{
  feed (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, 0x100000009, 0);
  feed (f, CONCLAVE_EVENT_HELD, 2, 11 * MS, 0x100000009, 0);
  feed (f, CONCLAVE_EVENT_HELD, 3, 11 * MS, 0x100000009, 0);
  conclave_matcher_expire (f->matcher, 100000 * MS);
  g_assert_cmpuint (n_given_up (f), ==, 0);
  feed (f, CONCLAVE_EVENT_RECV, 2, 100001 * MS, 0x100000009, 0);
  conclave_matcher_expire (f->matcher, 200000 * MS);   /* one is still held at 3 */
  g_assert_cmpuint (n_given_up (f), ==, 0);
  feed (f, CONCLAVE_EVENT_RECV, 3, 200001 * MS, 0x100000009, 0);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_DELIVERED), ==, 2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/matcher/in-order", test_in_order);
  ADD ("/matcher/recv-before-send", test_recv_before_send);
  ADD ("/matcher/duplicate-and-broadcast", test_duplicate_and_broadcast);
  ADD ("/matcher/drops", test_drops);
  ADD ("/matcher/broadcast-copy-dropped", test_broadcast_copy_dropped);
  ADD ("/matcher/lost-and-late", test_lost_and_late);
  ADD ("/matcher/tidy", test_tidy);
  ADD ("/matcher/hash-fifo", test_hash_fifo);
  ADD ("/matcher/range", test_range_and_memory);
  ADD ("/matcher/obeys-retention", test_obeys_retention);
  ADD ("/matcher/held-twice", test_held_twice);
  return g_test_run ();
}
