/* test-event-list.c — the event log's model over a store of synthetic
 * events: rows are made only when asked for, positions follow the store
 * (appends and retention) through items-changed, the filters find
 * exactly what a brute-force count finds, and a receive reported (and
 * stamped) before its send is still listed below it, filtered or not.
 * Needs no display. */
#include "config.h"

#include "conclave-event-format.h"
#include "conclave-event-item.h"
#include "conclave-event-list.h"

typedef struct {
  ConclaveCluster   *cluster;
  ConclaveEventStore *store;
  ConclaveEventList *list;
  guint              mirror;     /* n_items as told by items-changed */
  guint32            proc[3];   /* s1, c1, a worker of s1 */
  guint32            kinds[2];
} Fixture;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  g_assert_cmpuint (position + removed, <=, f->mirror);
  f->mirror = f->mirror - removed + added;
}

static guint32
add_process (Fixture    *f,
             gint        pid,
             const char *node)
{
  ConclaveProcessInfo *info = conclave_event_store_add_process (f->store, pid);

  info->node = conclave_intern_add (conclave_event_store_get_intern (f->store), node);
  info->connected = TRUE;
  return info->index;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ConclaveIntern *intern;

  f->cluster = conclave_cluster_new (&error);
  g_assert_no_error (error);
  f->store = conclave_cluster_get_store (f->cluster);
  intern = conclave_event_store_get_intern (f->store);
  f->proc[0] = add_process (f, 1000001, "s1");
  f->proc[1] = add_process (f, 1000002, "c1");
  f->proc[2] = add_process (f, 1000003, "s1");
  f->kinds[0] = conclave_intern_add (intern, "hello");
  f->kinds[1] = conclave_intern_add (intern, "reply");
  f->list = conclave_event_list_new ();
  g_signal_connect (f->list, "items-changed", G_CALLBACK (on_items_changed), f);
  conclave_event_list_set_cluster (f->list, f->cluster);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->list);
  conclave_cluster_shutdown (f->cluster);
  g_clear_object (&f->cluster);
}

/* n events: sends and receives alternating between the two processes,
 * every seventh a log line. */
static void
append (Fixture *f,
        guint    n)
{
  g_autofree ConclaveEvent *events = g_new0 (ConclaveEvent, n);
  guint64 base = conclave_event_store_get_end (f->store);

  for (guint i = 0; i < n; i++)
    {
      ConclaveEvent *e = &events[i];
      guint64 k = base + i;

      e->time_ns = 1000000000 + k * 1000;
      e->proc = f->proc[k % 2];
      e->seq = k;
      if (k % 7 == 0)
        e->type = CONCLAVE_EVENT_LOG;
      else
        {
          e->type = k % 2 ? CONCLAVE_EVENT_RECV : CONCLAVE_EVENT_SEND;
          e->s[0] = f->kinds[(k / 2) % 2];
          e->len = 10;
          e->key = k / 2;
        }
    }
  conclave_event_store_append (f->store, events, n);
  conclave_event_list_sync (f->list);
}

static guint
brute_count (Fixture *f)
{
  guint n = 0;

  for (guint64 i = conclave_event_store_get_first (f->store); i < conclave_event_store_get_end (f->store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (f->store, i);

      n += e != NULL && conclave_event_list_matches (f->list, e);
    }
  return n;
}

static gboolean
scanned (gpointer data)
{
  return !conclave_event_list_get_scanning (data);
}

static void
wait_scanned (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (!scanned (f->list) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (scanned (f->list));
}

static void
test_lazy (Fixture       *f,
           gconstpointer  data)
{
  int items_before = (int) conclave_event_item_get_n_alive ();

  append (f, 200000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 200000);
  g_assert_cmpuint (f->mirror, ==, 200000);
  /* Counting rows made none of them. */
  g_assert_cmpint ((int) conclave_event_item_get_n_alive (), ==, items_before);
  {
    g_autoptr(ConclaveEventItem) item = g_list_model_get_item (G_LIST_MODEL (f->list), 123456);

    g_assert_cmpuint (conclave_event_item_get_index (item), ==, 123456);
    g_assert_cmpint ((int) conclave_event_item_get_n_alive (), ==, items_before + 1);
  }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->list), 200000));
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  guint n;

  append (f, 50000);
  conclave_event_list_set_filter (f->list, "c1", CONCLAVE_EVENT_CATEGORY_MESSAGES, "REPLY");
  wait_scanned (f);
  n = g_list_model_get_n_items (G_LIST_MODEL (f->list));
  g_assert_cmpuint (n, ==, brute_count (f));
  g_assert_cmpuint (n, >, 1000);
  g_assert_cmpuint (f->mirror, ==, n);
  for (guint i = 0; i < n; i += 997)
    {
      g_autoptr(ConclaveEventItem) item = g_list_model_get_item (G_LIST_MODEL (f->list), i);
      const ConclaveEvent *e = conclave_event_item_get_event (item);

      g_assert_cmpuint (e->proc, ==, f->proc[1]);
      g_assert_cmpuint (conclave_event_kind (e), ==, f->kinds[1]);
    }
  /* New events are filtered as they come. */
  append (f, 10000);
  wait_scanned (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, brute_count (f));
  g_assert_cmpuint (f->mirror, ==, brute_count (f));

  conclave_event_list_set_filter (f->list, NULL, CONCLAVE_EVENT_CATEGORY_LOGS, NULL);
  wait_scanned (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, (60000 + 6) / 7);

  conclave_event_list_set_filter (f->list, NULL, CONCLAVE_EVENT_CATEGORY_ALL, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 60000);
  g_assert_cmpuint (f->mirror, ==, 60000);
}

/* The rows are the retained events that match the filter (unfiltered:
 * all of them), each once. */
static void
assert_every_event_once (Fixture *f)
{
  guint64 first = conclave_event_store_get_first (f->store);
  guint64 end = conclave_event_store_get_end (f->store);
  g_autofree gboolean *seen = g_new0 (gboolean, end - first);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (f->list));

  g_assert_cmpuint (n, ==, brute_count (f));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConclaveEventItem) item = g_list_model_get_item (G_LIST_MODEL (f->list), i);
      guint64 index = conclave_event_item_get_index (item);

      g_assert_cmpuint (index, >=, first);
      g_assert_cmpuint (index, <, end);
      g_assert_true (conclave_event_list_matches (f->list, conclave_event_item_get_event (item)));
      g_assert_false (seen[index - first]);
      seen[index - first] = TRUE;
    }
}

static void
test_retention (Fixture       *f,
                gconstpointer  data)
{
  conclave_event_store_set_retention (f->store, 100000);
  for (int round = 0; round < 10; round++)
    {
      append (f, 30000);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==,
                        conclave_event_store_get_end (f->store) - conclave_event_store_get_first (f->store));
      g_assert_cmpuint (f->mirror, ==, g_list_model_get_n_items (G_LIST_MODEL (f->list)));
    }
  g_assert_cmpuint (conclave_event_store_get_first (f->store), >, 0);
  assert_every_event_once (f);
  {
    g_autoptr(ConclaveEventItem) first = g_list_model_get_item (G_LIST_MODEL (f->list), 0);

    g_assert_cmpuint (conclave_event_item_get_index (first), ==, conclave_event_store_get_first (f->store));
  }
  /* Filtered, the retired matches leave from the front. */
  conclave_event_list_set_filter (f->list, "s1", CONCLAVE_EVENT_CATEGORY_ALL, NULL);
  wait_scanned (f);
  append (f, 50000);
  wait_scanned (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, brute_count (f));
  g_assert_cmpuint (f->mirror, ==, brute_count (f));
}

/* n messages from c1 to s1 whose receive line arrives first, stamped 3 µs
 * before the send (the two clocks disagree), in batches of `batch`. */
static void
append_skewed (Fixture *f,
               guint    n,
               guint    batch)
{
  for (guint done = 0; done < n; done += batch)
    {
      g_autofree ConclaveEvent *events = g_new0 (ConclaveEvent, 2 * batch);
      guint64 base = conclave_event_store_get_end (f->store);

      for (guint i = 0; i < batch; i++)
        {
          ConclaveEvent *recv = &events[2 * i], *send = &events[2 * i + 1];
          guint64 id = 1000000 + base + i;

          send->type = CONCLAVE_EVENT_SEND;
          send->proc = f->proc[1];
          send->time_ns = 2000000000 + (base + 2 * i) * 10000;
          recv->type = CONCLAVE_EVENT_RECV;
          recv->proc = f->proc[0];
          recv->time_ns = send->time_ns - 3000;
          send->s[0] = recv->s[0] = f->kinds[0];
          send->len = recv->len = 10;
          send->key = recv->key = id;
          send->seq = base + 2 * i + 1;
          recv->seq = base + 2 * i;
        }
      conclave_event_store_append (f->store, events, 2 * batch);
      /* As the cluster's digest does for what its processes report. */
      conclave_matcher_feed (conclave_cluster_get_matcher (f->cluster), base,
                             conclave_event_store_get_end (f->store));
      conclave_event_list_sync (f->list);
    }
}

static void
test_causal (Fixture       *f,
             gconstpointer  data)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (f->cluster);
  guint64 checked = 0;

  /* With retention (the store keeps at least two of its 4096-event chunks),
   * the oldest are forgotten while the list's chunks are open. */
  if (GPOINTER_TO_UINT (data))
    conclave_event_store_set_retention (f->store, GPOINTER_TO_UINT (data));
  append_skewed (f, GPOINTER_TO_UINT (data) ? 12000 : 3000, 100);
  assert_every_event_once (f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==,
                    conclave_event_store_get_end (f->store) - conclave_event_store_get_first (f->store));
  g_assert_cmpuint (f->mirror, ==, g_list_model_get_n_items (G_LIST_MODEL (f->list)));
  for (guint64 m = 0; m < conclave_matcher_get_n_messages (matcher); m++)
    {
      ConclaveMessage message_data;
      const ConclaveMessage *message = conclave_matcher_get_message (matcher, m, &message_data);
      guint send, recv;

      if (message == NULL || message->recv_index == G_MAXUINT64 ||
          message->recv_index < conclave_event_store_get_first (f->store))
        continue;
      send = conclave_event_list_find (f->list, message->send_index);
      recv = conclave_event_list_find (f->list, message->recv_index);
      g_assert_cmpuint (send, !=, G_MAXUINT);
      g_assert_cmpuint (recv, !=, G_MAXUINT);
      g_assert_cmpuint (send, <, recv);
      /* Arrival order and time order would both list the receive first. */
      g_assert_cmpuint (message->recv_index, <, message->send_index);
      checked++;
    }
  /* Every pair whose receive is still retained (all 3000 without retention). */
  g_assert_cmpuint (checked, ==, (conclave_event_store_get_end (f->store) - conclave_event_store_get_first (f->store)) / 2);
  if (GPOINTER_TO_UINT (data))
    g_assert_cmpuint (conclave_event_store_get_first (f->store), >, 0);
  else
    g_assert_cmpuint (checked, ==, 3000);
}

/* n messages to s1, from c1 and from a worker of s1 in turn, each receive
 * reported before its send (the send's line arrives after the next
 * message's receive) and stamped 3 µs before it; s1 logs a line after
 * every third receive. Appended in batches of `batch` events, each batch
 * synced (and, when `wait`, scanned) before the next arrives. */
static void
append_crossed (Fixture  *f,
                guint     n,
                guint     batch,
                gboolean  wait)
{
  g_autoptr(GArray) events = g_array_new (FALSE, TRUE, sizeof (ConclaveEvent));
  guint64 base = conclave_event_store_get_end (f->store);

  for (guint k = 0; k <= n; k++)
    {
      gint64 t = 3000000000 + (gint64) (base + k) * 10000;
      ConclaveEvent recv = { 0 }, send = { 0 }, line = { 0 };

      if (k < n)
        {
          recv.type = CONCLAVE_EVENT_RECV;
          recv.proc = f->proc[0];
          recv.time_ns = t - 3000;
          recv.s[0] = f->kinds[0];
          recv.len = 10;
          recv.key = 2000000 + base + k;
          g_array_append_val (events, recv);
        }
      if (k < n && k % 3 == 0)
        {
          line.type = CONCLAVE_EVENT_LOG;
          line.proc = f->proc[0];
          line.time_ns = t - 2000;
          g_array_append_val (events, line);
        }
      if (k > 0)
        {
          send.type = CONCLAVE_EVENT_SEND;
          send.proc = f->proc[(k - 1) % 2 ? 2 : 1];
          send.time_ns = t - 10000;
          send.s[0] = f->kinds[0];
          send.len = 10;
          send.key = 2000000 + base + k - 1;
          g_array_append_val (events, send);
        }
    }
  for (guint i = 0; i < events->len; i += batch)
    {
      guint64 from = conclave_event_store_get_end (f->store);

      for (guint j = i; j < MIN (events->len, i + batch); j++)
        g_array_index (events, ConclaveEvent, j).seq = from + j - i;
      conclave_event_store_append (f->store, &g_array_index (events, ConclaveEvent, i),
                                   MIN (events->len, i + batch) - i);
      conclave_matcher_feed (conclave_cluster_get_matcher (f->cluster), from,
                             conclave_event_store_get_end (f->store));
      conclave_event_list_sync (f->list);
      if (wait)
        wait_scanned (f);
    }
}

/* Every message whose send and receive are retained and both listed has
 * its send above its receive; returns how many were checked. */
static guint
assert_sends_above_receives (Fixture *f)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (f->cluster);
  guint64 first = conclave_event_store_get_first (f->store);
  guint checked = 0;

  for (guint64 m = 0; m < conclave_matcher_get_n_messages (matcher); m++)
    {
      ConclaveMessage message_data;
      const ConclaveMessage *message = conclave_matcher_get_message (matcher, m, &message_data);
      guint send, recv;

      if (message == NULL || message->recv_index == G_MAXUINT64 ||
          message->recv_index < first || message->send_index < first)
        continue;
      send = conclave_event_list_find (f->list, message->send_index);
      recv = conclave_event_list_find (f->list, message->recv_index);
      g_assert_cmpuint (send != G_MAXUINT, ==,
                        conclave_event_list_matches (f->list, conclave_event_store_get (f->store, message->send_index)));
      g_assert_cmpuint (recv != G_MAXUINT, ==,
                        conclave_event_list_matches (f->list, conclave_event_store_get (f->store, message->recv_index)));
      if (send == G_MAXUINT || recv == G_MAXUINT)
        continue;
      /* Arrival order and time order would both list the receive first. */
      g_assert_cmpuint (message->recv_index, <, message->send_index);
      g_assert_cmpint (conclave_event_store_get (f->store, message->recv_index)->time_ns, <,
                       conclave_event_store_get (f->store, message->send_index)->time_ns);
      g_assert_cmpuint (send, <, recv);
      checked++;
    }
  return checked;
}

typedef struct {
  guint    retention;   /* events the store keeps, 0: all */
  gboolean by_kind;     /* first filtered by kind, else by node */
} CausalCase;

/* Filters by node (s1: its worker's sends and its receives; c1's sends
 * hidden) or by kind (messages: no log lines). */
static void
filter_by (Fixture  *f,
           gboolean  by_kind)
{
  if (by_kind)
    conclave_event_list_set_filter (f->list, NULL, CONCLAVE_EVENT_CATEGORY_MESSAGES, NULL);
  else
    conclave_event_list_set_filter (f->list, "s1", CONCLAVE_EVENT_CATEGORY_ALL, NULL);
}

/* The rows are the matching events, and at least `least` messages have
 * both ends listed, each send above its receive. */
static void
assert_causal_rows (Fixture *f,
                    guint    least)
{
  assert_every_event_once (f);
  g_assert_cmpuint (f->mirror, ==, g_list_model_get_n_items (G_LIST_MODEL (f->list)));
  g_assert_cmpuint (assert_sends_above_receives (f), >=, least);
}

/* Filtered, a receive reported and stamped before its send is still
 * listed below it: for events arriving while the filter is on, for stored
 * events when the other filter is chosen, for more events arriving in
 * batches not scanned before the next comes, and unfiltered again; with
 * and without retention. By node, half the messages (the worker's) have
 * both ends listed; by kind, all. */
static void
test_causal_filtered (Fixture       *f,
                      gconstpointer  data)
{
  const CausalCase *c = data;
  guint n = c->retention ? 6000 : 2000;
  /* With retention, a window of at least 4096 events: over 1000 messages. */
  guint node_least = c->retention ? 400 : n / 2, kind_least = c->retention ? 1000 : n;

  if (c->retention)
    conclave_event_store_set_retention (f->store, c->retention);
  filter_by (f, c->by_kind);
  append_crossed (f, n, 97, TRUE);
  assert_causal_rows (f, c->by_kind ? kind_least : node_least);

  filter_by (f, !c->by_kind);
  wait_scanned (f);
  assert_causal_rows (f, c->by_kind ? node_least : kind_least);

  append_crossed (f, n, 61, FALSE);
  wait_scanned (f);
  assert_causal_rows (f, c->retention ? node_least : (c->by_kind ? 2 * node_least : 2 * kind_least));
  if (c->retention)
    g_assert_cmpuint (conclave_event_store_get_first (f->store), >, 0);

  conclave_event_list_set_filter (f->list, NULL, CONCLAVE_EVENT_CATEGORY_ALL, NULL);
  assert_causal_rows (f, c->retention ? kind_least : 2 * kind_least);
}

/* A program's text reaches Pango with its control characters as visible
 * escapes (issue 13: four such lines, 1 229 Pango warnings). */
static void
test_details_escape_controls (Fixture       *f,
                              gconstpointer  data)
{
  ConclaveIntern *intern = conclave_event_store_get_intern (f->store);
  ConclaveEvent e = { .type = CONCLAVE_EVENT_LOG, .time_ns = 1, .proc = f->proc[0] };
  g_autofree char *details = NULL;

  e.s[3] = conclave_intern_add (intern, "a\x1b" "[2Jb\tc\xc2\x9b" "d");
  details = conclave_event_format_details (f->store, &e);
  g_assert_cmpstr (details, ==, "a\\x1b[2Jb\\x09c\\u009bd");
  g_assert_true (g_utf8_validate (details, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  static const CausalCase by_node = { 0, FALSE }, by_kind = { 0, TRUE };
  static const CausalCase by_node_retained = { 1500, FALSE }, by_kind_retained = { 1500, TRUE };

  g_test_init (&argc, &argv, NULL);
  g_test_add ("/event-list/lazy", Fixture, NULL, fixture_set_up, test_lazy, fixture_tear_down);
  g_test_add ("/event-list/filter", Fixture, NULL, fixture_set_up, test_filter, fixture_tear_down);
  g_test_add ("/event-list/details-escape-controls", Fixture, NULL, fixture_set_up, test_details_escape_controls,
              fixture_tear_down);
  g_test_add ("/event-list/retention", Fixture, NULL, fixture_set_up, test_retention, fixture_tear_down);
  g_test_add ("/event-list/causal", Fixture, NULL, fixture_set_up, test_causal, fixture_tear_down);
  g_test_add ("/event-list/causal-retention", Fixture, GUINT_TO_POINTER (1500), fixture_set_up, test_causal,
              fixture_tear_down);
  g_test_add ("/event-list/causal-by-node", Fixture, &by_node, fixture_set_up, test_causal_filtered,
              fixture_tear_down);
  g_test_add ("/event-list/causal-by-kind", Fixture, &by_kind, fixture_set_up, test_causal_filtered,
              fixture_tear_down);
  g_test_add ("/event-list/causal-by-node-retention", Fixture, &by_node_retained, fixture_set_up,
              test_causal_filtered, fixture_tear_down);
  g_test_add ("/event-list/causal-by-kind-retention", Fixture, &by_kind_retained, fixture_set_up,
              test_causal_filtered, fixture_tear_down);
  return g_test_run ();
}
