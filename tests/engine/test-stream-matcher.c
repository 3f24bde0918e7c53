/* test-stream-matcher.c — TCP byte-range matching in the core's matcher:
 * what the trace shim reports for streams (an offset, no key). One send
 * read as several receives, several sends read at once, receives reported
 * before their sends, two connections kept apart, loss and late arrival. */
#include "matcher-fixture.h"

/* One chunk of the stream src → dst: [off, off + len). */
static void
chunk (Fixture *f, ConclaveEventType type, const char *src, const char *dst,
       guint32 off, guint32 len, gint64 t)
{
  ConclaveEvent e = { 0 };
  guint64 first = conclave_event_store_get_end (f->store);
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);

  e.type = type;
  e.proto = CONCLAVE_PROTO_TCP;
  e.proc = type == CONCLAVE_EVENT_SEND ? 1 : 2;
  e.time_ns = t;
  e.num = (gint32) off;
  e.len = len;
  e.flags = CONCLAVE_EVENT_FLAG_HAS_OFFSET;
  e.s[0] = conclave_intern_add (intern, "data");
  e.s[1] = conclave_intern_add (intern, src);
  e.s[2] = conclave_intern_add (intern, dst);
  conclave_event_store_append (f->store, &e, 1);
  conclave_matcher_feed (f->matcher, first, conclave_event_store_get_end (f->store));
}

#define A "127.0.0.1:40000"
#define B "127.0.0.1:10001"

static void
send_ (Fixture *f, guint32 off, guint32 len, gint64 t)
{
  chunk (f, CONCLAVE_EVENT_SEND, A, B, off, len, t);
}

static void
recv_ (Fixture *f, guint32 off, guint32 len, gint64 t)
{
  chunk (f, CONCLAVE_EVENT_RECV, A, B, off, len, t);
}

static guint64
count (Fixture *f, ConclaveMessageState state)
{
  guint64 counts[5];

  conclave_matcher_count (f->matcher, counts);
  return counts[state];
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

/* Event index of a message's send / receive, relative to the feed order. */
static void
assert_pair (Fixture *f, guint64 i, guint64 send_index, guint64 recv_index)
{
  g_assert_cmpint (msg (f, i)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpuint (msg (f, i)->send_index, ==, send_index);
  g_assert_cmpuint (msg (f, i)->recv_index, ==, recv_index);
  g_assert_cmpuint (msg (f, i)->src_proc, ==, 1);
  g_assert_cmpuint (msg (f, i)->dst_proc, ==, 2);
}

static void
test_one_to_one (Fixture *f, gconstpointer data)
{
  send_ (f, 0, 10, 1 * MS);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_IN_FLIGHT), ==, 1);
  recv_ (f, 0, 10, 2 * MS);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 1);
  assert_pair (f, 0, 0, 1);
  g_assert_cmpint (msg (f, 0)->recv_ns - msg (f, 0)->send_ns, ==, 1 * MS);
}

static void
test_one_send_many_receives (Fixture *f, gconstpointer data)
{
  send_ (f, 0, 100, 1 * MS);
  recv_ (f, 0, 30, 2 * MS);
  recv_ (f, 30, 30, 3 * MS);
  recv_ (f, 60, 40, 4 * MS);
  /* Three messages share the send, one per piece that arrived. */
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 3);
  assert_pair (f, 0, 0, 1);
  assert_pair (f, 1, 0, 2);
  assert_pair (f, 2, 0, 3);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_IN_FLIGHT), ==, 0);
}

static void
test_many_sends_one_receive (Fixture *f, gconstpointer data)
{
  send_ (f, 0, 10, 1 * MS);
  send_ (f, 10, 10, 2 * MS);
  send_ (f, 20, 10, 3 * MS);
  recv_ (f, 0, 30, 4 * MS);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 3);
  assert_pair (f, 0, 0, 3);
  assert_pair (f, 1, 1, 3);
  assert_pair (f, 2, 2, 3);
}

static void
test_misaligned (Fixture *f, gconstpointer data)
{
  /* sends [0,10) [10,20); receives [0,5) [5,15) [15,20) */
  send_ (f, 0, 10, 1 * MS);
  send_ (f, 10, 10, 2 * MS);
  recv_ (f, 0, 5, 3 * MS);
  recv_ (f, 5, 10, 4 * MS);
  recv_ (f, 15, 5, 5 * MS);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 4);
  assert_pair (f, 0, 0, 2);   /* send 0 → recv [0,5) */
  assert_pair (f, 1, 1, 3);   /* send 1 → recv [5,15) */
  assert_pair (f, 2, 0, 3);   /* send 0 → recv [5,15) */
  assert_pair (f, 3, 1, 4);   /* send 1 → recv [15,20) */
}

static void
test_receive_before_send (Fixture *f, gconstpointer data)
{
  recv_ (f, 0, 8, 2 * MS);
  recv_ (f, 8, 8, 3 * MS);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_UNSENT), ==, 2);
  send_ (f, 0, 16, 1 * MS);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_UNSENT), ==, 0);
  g_assert_cmpuint (conclave_matcher_get_n_messages (f->matcher), ==, 2);
  assert_pair (f, 0, 2, 0);
  assert_pair (f, 1, 2, 1);
  g_assert_cmpint (msg (f, 0)->send_ns, ==, 1 * MS);
}

static void
test_connections_apart (Fixture *f, gconstpointer data)
{
  /* The same offsets on the reverse direction and on another connection. */
  chunk (f, CONCLAVE_EVENT_SEND, A, B, 0, 10, 1 * MS);
  chunk (f, CONCLAVE_EVENT_RECV, B, A, 0, 10, 2 * MS);
  chunk (f, CONCLAVE_EVENT_RECV, "127.0.0.1:40001", B, 0, 10, 3 * MS);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_DELIVERED), ==, 0);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_UNSENT), ==, 2);
  chunk (f, CONCLAVE_EVENT_RECV, A, B, 0, 10, 4 * MS);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_DELIVERED), ==, 1);
  assert_pair (f, 0, 0, 3);
}

static void
test_lost_then_late (Fixture *f, gconstpointer data)
{
  send_ (f, 0, 10, 1 * MS);
  g_assert_cmpuint (conclave_matcher_expire (f->matcher, 500 * MS), ==, 1);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_LOST);
  /* The LOST event went into the store: the receive is event 2. */
  recv_ (f, 0, 10, 501 * MS);
  assert_pair (f, 0, 0, 2);
  g_assert_true (msg (f, 0)->flags & CONCLAVE_MESSAGE_FLAG_LATE);
}

static void
test_long_conversation (Fixture *f, gconstpointer data)
{
  guint32 off = 0;

  /* Many round trips: every send pairs once, nothing waits afterwards. */
  for (guint i = 0; i < 1000; i++)
    {
      send_ (f, off, 7, (gint64) (2 * i + 1) * MS);
      recv_ (f, off, 7, (gint64) (2 * i + 2) * MS);
      off += 7;
    }
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_DELIVERED), ==, 1000);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_IN_FLIGHT), ==, 0);
  g_assert_cmpuint (count (f, CONCLAVE_MESSAGE_UNSENT), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/stream-matcher/one-to-one", test_one_to_one);
  ADD ("/stream-matcher/one-send-many-receives", test_one_send_many_receives);
  ADD ("/stream-matcher/many-sends-one-receive", test_many_sends_one_receive);
  ADD ("/stream-matcher/misaligned", test_misaligned);
  ADD ("/stream-matcher/receive-before-send", test_receive_before_send);
  ADD ("/stream-matcher/connections-apart", test_connections_apart);
  ADD ("/stream-matcher/lost-then-late", test_lost_then_late);
  ADD ("/stream-matcher/long-conversation", test_long_conversation);
  return g_test_run ();
}
