/* test-store.c — append, lookup, time ranges (also out of order), retention,
 * a view of another store's events (shared while equal, copied when not). */
#include "conclave-event-store.h"

static ConclaveEvent
event_at (gint64 t, guint32 proc)
{
  ConclaveEvent e = { 0 };
  e.type = CONCLAVE_EVENT_LOG;
  e.time_ns = t;
  e.proc = proc;
  return e;
}

static gboolean
count_cb (const ConclaveEvent *e, guint64 index, gpointer data)
{
  (*(guint *) data)++;
  return TRUE;
}

static guint
count_range (ConclaveEventStore *store, gint64 from, gint64 to)
{
  guint n = 0;
  conclave_event_store_foreach_in_range (store, from, to, count_cb, &n);
  return n;
}

static void
on_appended (ConclaveEventStore *store, guint64 first, guint n, gpointer data)
{
  guint *calls = data;
  calls[0]++;
  calls[1] += n;
}

static void
test_append_and_range (void)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  g_autoptr(GArray) batch = g_array_new (FALSE, FALSE, sizeof (ConclaveEvent));
  guint calls[2] = { 0, 0 };

  g_signal_connect (store, "appended", G_CALLBACK (on_appended), calls);
  for (gint64 i = 0; i < 20000; i++)
    {
      /* Arrival order is only nearly time order: every tenth event is late. */
      ConclaveEvent e = event_at (i % 10 == 9 ? i * 1000 - 5000 : i * 1000, (guint32) (i % 3));
      g_array_append_val (batch, e);
    }
  conclave_event_store_append (store, (ConclaveEvent *) (gpointer) batch->data, batch->len);
  g_assert_cmpuint (calls[0], ==, 1);  /* one signal per batch */
  g_assert_cmpuint (calls[1], ==, 20000);
  g_assert_cmpuint (conclave_event_store_get_end (store), ==, 20000);
  g_assert_cmpint (conclave_event_store_get (store, 12345)->time_ns, ==, 12345000);
  g_assert_null (conclave_event_store_get (store, 20000));

  /* Brute force agrees with the chunked range query. */
  for (gint64 from = 0; from < 20000000; from += 1733000)
    {
      gint64 to = from + 911000;
      guint expected = 0;
      for (guint64 i = 0; i < 20000; i++)
        {
          gint64 t = conclave_event_store_get (store, i)->time_ns;
          expected += t >= from && t < to;
        }
      g_assert_cmpuint (count_range (store, from, to), ==, expected);
    }
  g_assert_cmpint (conclave_event_store_get_min_time (store), ==, 0);
  g_assert_cmpint (conclave_event_store_get_max_time (store), ==, 19998000);
}

static void
test_retention (void)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();

  conclave_event_store_set_retention (store, 10000);
  for (gint64 i = 0; i < 100000; i++)
    {
      ConclaveEvent e = event_at (i, 1);
      conclave_event_store_append (store, &e, 1);
    }
  g_assert_cmpuint (conclave_event_store_get_end (store), ==, 100000);
  g_assert_cmpuint (conclave_event_store_get_first (store), >, 80000);
  g_assert_cmpuint (conclave_event_store_get_end (store) - conclave_event_store_get_first (store), <=, 10000 + 4096);
  g_assert_null (conclave_event_store_get (store, 0));
  g_assert_nonnull (conclave_event_store_get (store, 99999));
  g_assert_cmpint (conclave_event_store_get (store, 99999)->time_ns, ==, 99999);
  g_assert_cmpuint (count_range (store, 0, 50000), ==, 0);
  g_assert_cmpuint (count_range (store, 99000, 100000), ==, 1000);
  /* Memory stays bounded with retention: about 56 bytes a kept event. */
  g_assert_cmpuint (conclave_event_store_get_memory (store), <, 2 * 1024 * 1024);
}

static void
test_processes_and_strings (void)
{
  g_autoptr(ConclaveEventStore) store = conclave_event_store_new ();
  ConclaveProcessInfo *a = conclave_event_store_add_process (store, 100);
  ConclaveProcessInfo *b = conclave_event_store_add_process (store, 200);
  guint32 id = conclave_intern_add (conclave_event_store_get_intern (store), "heartbeat");

  g_assert_cmpuint (a->index, ==, 1);  /* 0 is the controller */
  g_assert_true (conclave_event_store_find_process (store, 200) == b);
  g_assert_null (conclave_event_store_find_process (store, 300));
  g_assert_cmpstr (conclave_event_store_str (store, id), ==, "heartbeat");
  g_assert_cmpuint (conclave_intern_add (conclave_event_store_get_intern (store), "heartbeat"), ==, id);
  g_assert_null (conclave_event_store_str (store, 0));
}

/* A view holds the lender's records (the same memory) while what comes is
 * the lender's, ends where it ends (a range stops there, inside a chunk),
 * and copies what it holds when something else comes. */
static void
test_view (void)
{
  g_autoptr(ConclaveEventStore) base = conclave_event_store_new ();
  g_autoptr(ConclaveEventStore) view = conclave_event_store_new ();
  guint32 word = conclave_intern_add (conclave_event_store_get_intern (base), "word");
  guint calls[2] = { 0, 0 };
  ConclaveEvent other;

  for (gint64 t = 0; t < 10000; t++)
    {
      ConclaveEvent e = event_at (t, (guint32) t % 7);
      conclave_event_store_append (base, &e, 1);
    }
  conclave_event_store_share (view, base);
  g_assert_cmpstr (conclave_event_store_str (view, word), ==, "word");
  g_signal_connect (view, "appended", G_CALLBACK (on_appended), calls);
  conclave_event_store_append (view, conclave_event_store_get (base, 0), 1);
  for (guint64 i = 1; i < 6000; i++)
    conclave_event_store_append (view, conclave_event_store_get (base, i), 1);
  g_assert_cmpuint (calls[0], ==, 6000);
  g_assert_cmpuint (conclave_event_store_get_end (view), ==, 6000);
  g_assert_true (conclave_event_store_get (view, 5999) == conclave_event_store_get (base, 5999));
  g_assert_null (conclave_event_store_get (view, 6000));
  g_assert_cmpuint (count_range (view, 0, G_MAXINT64), ==, 6000);
  g_assert_cmpuint (count_range (view, 5990, 7000), ==, 10);
  g_assert_cmpint (conclave_event_store_get_max_time (view), ==, 5999);

  /* Something else: the view's own from here on, the lender unchanged. */
  other = event_at (6000, 99);
  conclave_event_store_append (view, &other, 1);
  g_assert_cmpuint (conclave_event_store_get_end (view), ==, 6001);
  g_assert_false (conclave_event_store_get (view, 5999) == conclave_event_store_get (base, 5999));
  g_assert_cmpint (conclave_event_store_get (view, 5999)->time_ns, ==, 5999);
  g_assert_cmpuint (conclave_event_store_get (view, 4096)->proc, ==, 4096 % 7);
  g_assert_cmpuint (conclave_event_store_get (view, 6000)->proc, ==, 99);
  g_assert_cmpuint (conclave_event_store_get (base, 6000)->proc, ==, 6000 % 7);
  g_assert_cmpuint (count_range (view, 0, G_MAXINT64), ==, 6001);
  g_assert_cmpstr (conclave_event_store_str (view, word), ==, "word");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/append-and-range", test_append_and_range);
  g_test_add_func ("/store/retention", test_retention);
  g_test_add_func ("/store/processes-and-strings", test_processes_and_strings);
  g_test_add_func ("/store/view", test_view);
  return g_test_run ();
}
