/* test-group-matcher.c — what an unmodified program's datagrams become:
 * broadcast and multicast paired with every receiver (in order, from the
 * first send after each receiver bound), sends and receives paired by the
 * sockets' ports whatever address text either end reported, and a
 * datagram that never arrived told apart: unheard (nobody bound there),
 * not read (bound, never read), lost (read, but not this one). */
#include "matcher-fixture.h"

#include "conclave-line-parser.h"

#include <string.h>

#define H1 G_GUINT64_CONSTANT (0x1111222233334444)
#define H2 G_GUINT64_CONSTANT (0x5555666677778888)

static guint32
str (Fixture *f, const char *text)
{
  return conclave_intern_add (conclave_event_store_get_intern (f->store), text);
}

static void
append (Fixture *f, const ConclaveEvent *e)
{
  guint64 first = conclave_event_store_get_end (f->store);

  conclave_event_store_append (f->store, e, 1);
  conclave_matcher_feed (f->matcher, first, conclave_event_store_get_end (f->store));
}

/* A traced datagram: payload hash, addresses as the shim wrote them. */
static void
dgram (Fixture *f, ConclaveEventType type, guint32 proc, gint64 t, guint64 hash,
       const char *src, const char *dst)
{
  ConclaveEvent e = { .type = type, .proc = proc, .time_ns = t, .key = hash,
                      .flags = CONCLAVE_EVENT_FLAG_KEY_IS_HASH, .proto = CONCLAVE_PROTO_UDP };

  e.s[0] = str (f, "data");
  e.s[1] = str (f, src);
  e.s[2] = str (f, dst);
  append (f, &e);
}

static void
sock (Fixture *f, guint32 proc, gint64 t, const char *op, const char *local)
{
  ConclaveEvent e = { .type = CONCLAVE_EVENT_SOCKET, .proc = proc, .time_ns = t, .proto = CONCLAVE_PROTO_UDP };

  e.s[0] = str (f, op);
  e.s[1] = str (f, local);
  append (f, &e);
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

static guint64
n_messages (Fixture *f)
{
  return conclave_matcher_get_n_messages (f->matcher);
}

/* The one message whose receiver is proc and whose receive is at t. */
static const ConclaveMessage *
received_by (Fixture *f, guint32 proc, gint64 t)
{
  guint64 found = G_MAXUINT64;

  for (guint64 i = 0; i < n_messages (f); i++)
    if (msg (f, i)->dst_proc == proc && msg (f, i)->recv_ns == t)
      {
        g_assert_cmpuint (found, ==, G_MAXUINT64);
        found = i;
      }
  g_assert_cmpuint (found, !=, G_MAXUINT64);
  return msg (f, found);
}

#define BCAST "127.255.255.255:5000"
#define AT_5000 "127.0.0.1:5000"

/* Three receivers and a sender that also receives its own broadcast (all
 * bound to 0.0.0.0:5000, which the shim writes 127.0.0.1:5000). */
static void
test_broadcast_fan_out (Fixture *f, gconstpointer data)
{
  for (guint32 p = 1; p <= 4; p++)
    sock (f, p, 1 * MS, "bind", AT_5000);
  dgram (f, CONCLAVE_EVENT_SEND, 4, 10 * MS, H1, AT_5000, BCAST);
  for (guint32 p = 1; p <= 4; p++)
    dgram (f, CONCLAVE_EVENT_RECV, p, (10 + p) * MS, H1, AT_5000, AT_5000);
  /* The same payload again; its receivers answer in another order. */
  dgram (f, CONCLAVE_EVENT_SEND, 4, 20 * MS, H1, AT_5000, "255.255.255.255:5000");
  for (guint32 p = 4; p >= 1; p--)
    dgram (f, CONCLAVE_EVENT_RECV, p, (30 - p) * MS, H1, "10.9.0.5:5000", AT_5000);
  /* A receive reported before its send still pairs with it. */
  dgram (f, CONCLAVE_EVENT_RECV, 3, 41 * MS, H1, AT_5000, AT_5000);
  g_assert_cmpint (msg (f, n_messages (f) - 1)->state, ==, CONCLAVE_MESSAGE_UNSENT);
  dgram (f, CONCLAVE_EVENT_SEND, 4, 40 * MS, H1, AT_5000, "10.9.0.255:5000");

  g_assert_cmpuint (n_messages (f), ==, 9);
  for (guint32 p = 1; p <= 4; p++)
    {
      const ConclaveMessage *a = received_by (f, p, (10 + p) * MS);
      const ConclaveMessage *b = received_by (f, p, (30 - p) * MS);

      g_assert_cmpint (a->state, ==, CONCLAVE_MESSAGE_DELIVERED);
      g_assert_cmpint (a->send_ns, ==, 10 * MS);
      g_assert_cmpint (b->state, ==, CONCLAVE_MESSAGE_DELIVERED);
      g_assert_cmpint (b->send_ns, ==, 20 * MS);
      g_assert_cmpuint (a->src_proc, ==, 4);
      g_assert_cmpuint (a->flags, ==, 0);
    }
  g_assert_cmpint (received_by (f, 3, 41 * MS)->send_ns, ==, 40 * MS);
  g_assert_cmpint (received_by (f, 3, 41 * MS)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  conclave_matcher_expire (f->matcher, 1000 * MS);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_DELIVERED), ==, 9);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_LOST), ==, 0);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_UNSENT), ==, 0);
}

/* A receiver that bound late gets nothing sent before; a slow reader gets
 * every broadcast in the order they were sent. */
static void
test_broadcast_late_binder (Fixture *f, gconstpointer data)
{
  sock (f, 1, 1 * MS, "bind", AT_5000);
  dgram (f, CONCLAVE_EVENT_SEND, 9, 10 * MS, H1, "127.0.0.1:4000", BCAST);
  sock (f, 2, 15 * MS, "bind", AT_5000);
  dgram (f, CONCLAVE_EVENT_SEND, 9, 20 * MS, H1, "127.0.0.1:4000", BCAST);
  dgram (f, CONCLAVE_EVENT_RECV, 2, 21 * MS, H1, "127.0.0.1:4000", AT_5000);
  dgram (f, CONCLAVE_EVENT_RECV, 1, 25 * MS, H1, "127.0.0.1:4000", AT_5000);
  dgram (f, CONCLAVE_EVENT_RECV, 1, 26 * MS, H1, "127.0.0.1:4000", AT_5000);

  g_assert_cmpint (received_by (f, 2, 21 * MS)->send_ns, ==, 20 * MS);
  g_assert_cmpint (received_by (f, 1, 25 * MS)->send_ns, ==, 10 * MS);
  g_assert_cmpint (received_by (f, 1, 26 * MS)->send_ns, ==, 20 * MS);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_DELIVERED), ==, 3);
}

/* Multicast: receivers bound to the group or to 0.0.0.0. */
static void
test_multicast_fan_out (Fixture *f, gconstpointer data)
{
  sock (f, 1, 1 * MS, "bind", "239.255.42.99:6000");
  sock (f, 2, 1 * MS, "bind", "127.0.0.1:6000");
  dgram (f, CONCLAVE_EVENT_SEND, 3, 10 * MS, H2, "127.0.0.1:4000", "239.255.42.99:6000");
  dgram (f, CONCLAVE_EVENT_RECV, 1, 11 * MS, H2, "127.0.0.1:4000", "239.255.42.99:6000");
  dgram (f, CONCLAVE_EVENT_RECV, 2, 12 * MS, H2, "127.0.0.1:4000", "127.0.0.1:6000");

  g_assert_cmpuint (n_messages (f), ==, 2);
  g_assert_cmpuint (msg (f, 0)->send_index, ==, msg (f, 1)->send_index);
  g_assert_cmpint (received_by (f, 1, 11 * MS)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (received_by (f, 2, 12 * MS)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
}

/* "Its own IP", the wildcard and v4-mapped text name the same sockets; a
 * different port does not, and unicast stays one receive per send. */
static void
test_same_sockets_other_text (Fixture *f, gconstpointer data)
{
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "10.9.0.5:5000");
  dgram (f, CONCLAVE_EVENT_RECV, 2, 11 * MS, H1, "10.9.0.5:4000", "127.0.0.1:5000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 20 * MS, H1, "127.0.0.1:4000", "[::ffff:127.0.1.1]:5000");
  dgram (f, CONCLAVE_EVENT_RECV, 2, 21 * MS, H1, "127.0.1.1:4000", "[::]:5000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 30 * MS, H1, "127.0.0.1:4000", "127.0.0.1:5001");
  dgram (f, CONCLAVE_EVENT_RECV, 2, 31 * MS, H1, "127.0.0.1:4000", "127.0.0.1:5000");

  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 0)->recv_ns, ==, 11 * MS);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpint (msg (f, 1)->recv_ns, ==, 21 * MS);
  g_assert_cmpint (msg (f, 2)->state, ==, CONCLAVE_MESSAGE_IN_FLIGHT);
  g_assert_cmpint (msg (f, 3)->state, ==, CONCLAVE_MESSAGE_UNSENT);
  g_assert_cmpuint (n_messages (f), ==, 4);
}

static const ConclaveEvent *
lost_event_for (Fixture *f, const char *dst)
{
  guint32 id = str (f, dst);

  for (guint64 i = conclave_event_store_get_first (f->store); i < conclave_event_store_get_end (f->store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (f->store, i);
      if (e->type == CONCLAVE_EVENT_LOST && e->s[2] == id)
        return e;
    }
  g_assert_not_reached ();
}

static void
test_fates (Fixture *f, gconstpointer data)
{
  const ConclaveEvent exit_event = { .type = CONCLAVE_EVENT_EXIT, .proc = 4, .time_ns = 5 * MS };

  sock (f, 2, 1 * MS, "bind", AT_5000);          /* reads */
  sock (f, 3, 1 * MS, "bind", "127.0.0.1:6000"); /* never reads */
  sock (f, 4, 1 * MS, "bind", "127.0.0.1:7000"); /* gone before the send */
  append (f, &exit_event);
  sock (f, 5, 1 * MS, "bind", "127.0.0.1:8000");
  sock (f, 5, 2 * MS, "close", "127.0.0.1:8000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.0.0.1:514");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.0.0.1:6000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", AT_5000);
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.0.0.1:7000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.0.0.1:8000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.255.255.255:9000");
  dgram (f, CONCLAVE_EVENT_SEND, 1, 20 * MS, H2, "127.0.0.1:4001", AT_5000);
  dgram (f, CONCLAVE_EVENT_RECV, 2, 21 * MS, H2, "127.0.0.1:4001", AT_5000);

  g_assert_cmpuint (conclave_matcher_expire (f->matcher, 500 * MS), ==, 6);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_UNHEARD);
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_NOT_READ);
  g_assert_cmpint (msg (f, 2)->state, ==, CONCLAVE_MESSAGE_LOST);
  g_assert_cmpint (msg (f, 3)->state, ==, CONCLAVE_MESSAGE_UNHEARD);
  g_assert_cmpint (msg (f, 4)->state, ==, CONCLAVE_MESSAGE_UNHEARD);
  g_assert_cmpint (msg (f, 5)->state, ==, CONCLAVE_MESSAGE_UNHEARD);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_UNHEARD), ==, 4);
  g_assert_cmpuint (lost_event_for (f, "127.0.0.1:514")->flags & CONCLAVE_EVENT_FLAG_UNHEARD, !=, 0);
  g_assert_cmpuint (lost_event_for (f, "127.0.0.1:6000")->flags & CONCLAVE_EVENT_FLAG_NOT_READ, !=, 0);
  g_assert_cmpuint (lost_event_for (f, AT_5000)->flags & (CONCLAVE_EVENT_FLAG_UNHEARD | CONCLAVE_EVENT_FLAG_NOT_READ), ==, 0);

  /* Read after all: delivered, late. */
  dgram (f, CONCLAVE_EVENT_RECV, 3, 600 * MS, H1, "127.0.0.1:4000", "127.0.0.1:6000");
  g_assert_cmpint (msg (f, 1)->state, ==, CONCLAVE_MESSAGE_DELIVERED);
  g_assert_cmpuint (msg (f, 1)->flags & CONCLAVE_MESSAGE_FLAG_LATE, !=, 0);
  g_assert_cmpuint (conclave_matcher_count_state (f->matcher, CONCLAVE_MESSAGE_NOT_READ), ==, 0);
}

/* Without any socket reported (an old trace) nothing can be told: lost. */
static void
test_fates_unknown (Fixture *f, gconstpointer data)
{
  dgram (f, CONCLAVE_EVENT_SEND, 1, 10 * MS, H1, "127.0.0.1:4000", "127.0.0.1:514");
  conclave_matcher_expire (f->matcher, 500 * MS);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_LOST);
}

/* A connection has a reader: a conclave-node TCP line that never arrived
 * is lost, whatever the datagram sockets say. */
static void
test_fates_stream (Fixture *f, gconstpointer data)
{
  ConclaveEvent e = { .type = CONCLAVE_EVENT_SEND, .proc = 1, .time_ns = 10 * MS,
                      .key = G_GUINT64_CONSTANT (0x100000007), .proto = CONCLAVE_PROTO_TCP };

  sock (f, 2, 1 * MS, "bind", AT_5000);
  e.s[1] = str (f, "127.0.0.1:4000");
  e.s[2] = str (f, "127.0.0.1:9999");
  append (f, &e);
  conclave_matcher_expire (f->matcher, 500 * MS);
  g_assert_cmpint (msg (f, 0)->state, ==, CONCLAVE_MESSAGE_LOST);
}

/* The trace keeps why: a lost line with its reason, read back the same. */
static void
test_lost_reason_in_trace (Fixture *f, gconstpointer data)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  g_autoptr(ConclaveLineParser) parser = conclave_line_parser_new (intern);
  static const guint8 flags[] = { CONCLAVE_EVENT_FLAG_UNHEARD, CONCLAVE_EVENT_FLAG_NOT_READ, 0 };
  static const char * const words[] = { "\"reason\":\"unheard\"", "\"reason\":\"not-read\"", "\"reason\":\"lost\"" };

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      ConclaveEvent e = { .type = CONCLAVE_EVENT_LOST, .time_ns = 5, .key = H1,
                          .flags = CONCLAVE_EVENT_FLAG_KEY_IS_HASH | flags[i] };
      ConclaveEvent back = { 0 };
      g_autoptr(GString) line = g_string_new (NULL);

      e.s[2] = str (f, "127.0.0.1:514");
      conclave_event_to_json_line (&e, intern, "p1", 42, line);
      g_assert_nonnull (strstr (line->str, words[i]));
      g_assert_cmpint (conclave_line_parser_parse (parser, line->str, line->len, &back, NULL), ==, CONCLAVE_PARSE_OK);
      g_assert_cmpuint (back.flags, ==, e.flags);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/matcher/group/broadcast-fan-out", test_broadcast_fan_out);
  ADD ("/matcher/group/late-binder", test_broadcast_late_binder);
  ADD ("/matcher/group/multicast", test_multicast_fan_out);
  ADD ("/matcher/ports/same-sockets-other-text", test_same_sockets_other_text);
  ADD ("/matcher/fates/unheard-not-read-lost", test_fates);
  ADD ("/matcher/fates/unknown-without-sockets", test_fates_unknown);
  ADD ("/matcher/fates/stream-stays-lost", test_fates_stream);
  ADD ("/matcher/fates/reason-in-trace", test_lost_reason_in_trace);
  return g_test_run ();
}
