/* test-matcher-messages.c — the message table keeps no copy of what its
 * events say, and still reads exactly what the whole record did.
 *
 * Every field of every message is checked against the events it names
 * (the rules the full 56-byte record followed: key, send time, sender and
 * kind from the send; receive time and receiver from the receive or the
 * drop; a loss's receive time its send time plus the loss timeout then).
 * A second matcher whose store keeps only 8192 events is fed the same
 * batches: whatever it still holds reads byte for byte what the first one
 * reads, though retention took the events a message was made from
 * (a duplicate or a broadcast's copy pairs with a send long gone).
 */
#include "matcher-fixture.h"

#include <string.h>

#define NONE G_MAXUINT64
#define TICK (10 * MS)

typedef struct {
  Fixture full, kept;      /* kept: retention 8192 events */
  GArray *events;          /* ConclaveEvent, in time order */
  guint32 kinds[3];
} Run;

static void
add (Run *run, ConclaveEventType type, guint32 proc, gint64 t, guint64 key, guint32 kind, guint8 flags)
{
  ConclaveEvent e = { .type = type, .proc = proc, .time_ns = t, .key = key, .flags = flags };

  e.s[0] = kind;
  g_array_append_val (run->events, e);
}

static guint32
intern (Fixture *f, const char *s)
{
  return conclave_intern_add (conclave_event_store_get_intern (f->store), s);
}

/* What a run of a class does, and what goes wrong in it, 40,000 ids. */
static void
make_events (Run *run)
{
  for (guint i = 0; i < 40000; i++)
    {
      gint64 t = (gint64) (i + 1) * MS / 4;
      guint64 id = ((guint64) (1000 + i % 3) << 32) | i;
      guint32 kind = run->kinds[i % 3], src = 1 + i % 3, dst = 4 + i % 5;

      switch (i % 16)
        {
        case 0:   /* lost: never received */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          break;
        case 1:   /* late: received after it was declared lost */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, dst, t + 150 * MS, id, kind, 0);
          break;
        case 2:   /* a broadcast's copies: three receivers, the last 180 ms later */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, 4, t + 1 * MS, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, 5, t + 2 * MS, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, 6, t + 180 * MS, id, kind, 0);
          break;
        case 3:   /* a duplicate at the same receiver */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, dst, t + 1 * MS, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, dst, t + 90 * MS, id, kind, 0);
          break;
        case 4:   /* received before its send is told (another connection) */
          add (run, CONCLAVE_EVENT_RECV, dst, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_SEND, src, t + 1, id, kind, 0);
          break;
        case 5:   /* dropped at the sender */
          add (run, CONCLAVE_EVENT_DROP, src, t, id, kind, 0);
          break;
        case 6:   /* dropped at the receiver */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_DROP, dst, t + 1 * MS, id, kind, CONCLAVE_EVENT_FLAG_DIR_RECV);
          break;
        case 7:   /* a send with no kind, its receive names one */
          add (run, CONCLAVE_EVENT_SEND, src, t, id, 0, 0);
          add (run, CONCLAVE_EVENT_RECV, dst, t + 1 * MS, id, kind, 0);
          break;
        case 8:   /* a receive whose send is never told */
          add (run, CONCLAVE_EVENT_RECV, dst, t, id, kind, 0);
          break;
        default:
          add (run, CONCLAVE_EVENT_SEND, src, t, id, kind, 0);
          add (run, CONCLAVE_EVENT_RECV, dst, t + (i % 7) * MS, id, kind, 0);
        }
    }
  g_array_sort (run->events, by_time);
}

/* Every field as the full record had it, from the events. */
static void
assert_from_events (Fixture *f, guint64 index, const ConclaveMessage *m, gint64 timeout)
{
  const ConclaveEvent *s = m->send_index != NONE ? conclave_event_store_get (f->store, m->send_index) : NULL;
  const ConclaveEvent *r = m->recv_index != NONE ? conclave_event_store_get (f->store, m->recv_index) : NULL;

  const ConclaveEvent *first = s != NULL ? s : r;

  g_assert_true (m->send_index == NONE || s != NULL);
  g_assert_true (m->recv_index == NONE || r != NULL);
  g_assert_nonnull (first);
  g_assert_cmpuint (m->key, ==, first->key);
  g_assert_cmpint (m->send_ns, ==, first->time_ns);
  g_assert_cmpuint (m->src_proc, ==, s ? s->proc : 0);
  g_assert_cmpuint (m->kind, ==, r != NULL && (s == NULL || s->s[0] == 0) ? r->s[0] : first->s[0]);
  if (r != NULL)
    {
      g_assert_cmpint (m->recv_ns, ==, r->time_ns);
      g_assert_cmpuint (m->dst_proc, ==, r->type == CONCLAVE_EVENT_DROP && !(r->flags & CONCLAVE_EVENT_FLAG_DIR_RECV)
                                         ? 0 : r->proc);
      g_assert_cmpint (r->type == CONCLAVE_EVENT_DROP, ==, m->state == CONCLAVE_MESSAGE_DROPPED);
    }
  else if (m->state == CONCLAVE_MESSAGE_LOST)
    g_assert_cmpint (m->recv_ns, ==, m->send_ns + timeout);
  else
    g_assert_cmpint (m->recv_ns, ==, 0);
  g_assert_cmpint (m->state == CONCLAVE_MESSAGE_UNSENT, ==, s == NULL);
  g_assert_cmpuint (m->pad, ==, 0);
  (void) index;
}

static void
feed (Fixture *f, const ConclaveEvent *events, guint n, gint64 now)
{
  guint64 first = conclave_event_store_get_end (f->store);

  conclave_event_store_append (f->store, events, n);
  conclave_matcher_feed (f->matcher, first, conclave_event_store_get_end (f->store));
  conclave_matcher_expire (f->matcher, now);
}

static void
test_exact (void)
{
  Run run = { 0 };
  guint next = 0, states[CONCLAVE_MESSAGE_N_STATES] = { 0 }, late = 0, dup = 0, gone = 0;
  gint64 timeout = 100 * MS;

  setup (&run.full, NULL);
  setup (&run.kept, NULL);
  conclave_event_store_set_retention (run.kept.store, 4096);
  run.events = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  run.kinds[0] = intern (&run.full, "vote");
  run.kinds[1] = intern (&run.full, "append");
  run.kinds[2] = intern (&run.full, "heartbeat");
  g_assert_cmpuint (intern (&run.kept, "vote"), ==, run.kinds[0]);
  intern (&run.kept, "append");
  intern (&run.kept, "heartbeat");
  make_events (&run);

  for (gint64 now = TICK; next < run.events->len || now < 12000 * MS; now += TICK)
    {
      guint n = 0;

      while (next + n < run.events->len && g_array_index (run.events, ConclaveEvent, next + n).time_ns < now)
        n++;
      /* Halfway through, losses are declared after a longer wait. */
      if (now == 5000 * MS)
        {
          timeout = 120 * MS;
          conclave_matcher_set_loss_timeout (run.full.matcher, timeout);
          conclave_matcher_set_loss_timeout (run.kept.matcher, timeout);
        }
      feed (&run.full, &g_array_index (run.events, ConclaveEvent, next), n, now);
      feed (&run.kept, &g_array_index (run.events, ConclaveEvent, next), n, now);
      next += n;

      g_assert_cmpuint (conclave_matcher_get_n_messages (run.kept.matcher), ==,
                        conclave_matcher_get_n_messages (run.full.matcher));
      for (guint64 i = conclave_matcher_get_first_message (run.kept.matcher);
           i < conclave_matcher_get_n_messages (run.kept.matcher); i++)
        {
          ConclaveMessage a, b;

          g_assert_nonnull (conclave_matcher_get_message (run.full.matcher, i, &a));
          g_assert_nonnull (conclave_matcher_get_message (run.kept.matcher, i, &b));
          g_assert_cmpmem (&b, sizeof b, &a, sizeof a);
          gone += (b.send_index != NONE && b.send_index < conclave_event_store_get_first (run.kept.store))
                  || (b.recv_index != NONE && b.recv_index < conclave_event_store_get_first (run.kept.store));
        }
    }

  for (guint64 i = 0; i < conclave_matcher_get_n_messages (run.full.matcher); i++)
    {
      ConclaveMessage m;

      g_assert_nonnull (conclave_matcher_get_message (run.full.matcher, i, &m));
      /* The loss timeout a lost message was declared with: its send's. */
      assert_from_events (&run.full, i, &m, m.send_ns + 100 * MS <= 5000 * MS - TICK ? 100 * MS : 120 * MS);
      states[m.state]++;
      late += (m.flags & CONCLAVE_MESSAGE_FLAG_LATE) != 0;
      dup += (m.flags & CONCLAVE_MESSAGE_FLAG_DUPLICATE) != 0;
    }
  for (guint s = 0; s < CONCLAVE_MESSAGE_N_STATES; s++)
    g_assert_cmpuint (conclave_matcher_count_state (run.full.matcher, s), ==, states[s]);
  g_test_message ("%u delivered, %u lost, %u dropped, %u unsent, %u late, %u duplicates; "
                  "%u reads of a message whose events retention took",
                  states[CONCLAVE_MESSAGE_DELIVERED], states[CONCLAVE_MESSAGE_LOST], states[CONCLAVE_MESSAGE_DROPPED],
                  states[CONCLAVE_MESSAGE_UNSENT], late, dup, gone);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_LOST], >, 2000);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_DROPPED], >, 4000);
  g_assert_cmpuint (states[CONCLAVE_MESSAGE_UNSENT], >, 2000);
  g_assert_cmpuint (late, >, 2000);
  g_assert_cmpuint (dup, >, 2000);
  /* The retention path is exercised: some messages outlived their events. */
  g_assert_cmpuint (gone, >, 100);
  g_assert_cmpuint (conclave_event_store_get_first (run.kept.store), >, 40000);

  g_array_unref (run.events);
  teardown (&run.full, NULL);
  teardown (&run.kept, NULL);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/matcher-messages/exact", test_exact);
  return g_test_run ();
}
