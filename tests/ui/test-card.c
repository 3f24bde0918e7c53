/* test-card.c — explaining a message (issue 11, item 7).
 *
 * In a running chapter 4, a message picked by its receive (the window's
 * win.explain-event, and a row of the event log) opens its card in the
 * side panel; the card's sender, receiver, PIDs, latency, Lamport clock
 * and fields equal the store's. "Show causes" lights exactly the causal
 * past of its send, computed here the slow way from the store and the
 * matcher, in the timeline and the event log, and dims the rest; "Show
 * effects" the future of its receive; Escape clears the light, then the
 * card. A traced program's message shows its payload as text and in
 * hex. Screenshots (also in presentation mode) go to screenshots/.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "conclave-causal-highlight.h"
#include "conclave-cluster-view-private.h"
#include "conclave-event-format.h"
#include "conclave-events-view.h"
#include "conclave-message-card.h"
#include "conclave-timeline-private.h"
#include "ui-test-utils.h"

#define SERVER_LINE "/usr/bin/python3 {examples}/udp_server.py --port {port}"
#define CLIENT_LINE "/usr/bin/python3 {examples}/udp_client.py --port {port} --count 100000 --interval 0.2 --timeout 0.5"

static ConclaveCluster *
cluster (UiFixture *f)
{
  return conclave_session_get_cluster (f->session);
}

static ConclaveMessageCard *
card (UiFixture *f)
{
  return CONCLAVE_MESSAGE_CARD (conclave_window_get_view_widget (f->window, "message-card"));
}

static ConclaveCausalHighlight *
highlight (UiFixture *f)
{
  return conclave_session_get_highlight (f->session);
}

/* The newest delivered message of `kind` between two processes, or of any
 * kind when NULL; G_MAXUINT64 if none. */
static guint64
newest_delivered (UiFixture  *f,
                  const char *kind)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster (f));
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));

  for (guint64 i = conclave_matcher_get_n_messages (matcher); i-- > conclave_matcher_get_first_message (matcher);)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      if (m != NULL && m->state == CONCLAVE_MESSAGE_DELIVERED && m->src_proc != m->dst_proc &&
          (kind == NULL || g_strcmp0 (conclave_event_store_str (store, m->kind), kind) == 0))
        return i;
    }
  return G_MAXUINT64;
}

static gboolean
heartbeats_and_posts (gpointer data)
{
  UiFixture *f = data;

  return cluster (f) != NULL && newest_delivered (f, "post-ack") != G_MAXUINT64 &&
         newest_delivered (f, "heartbeat") != G_MAXUINT64 && ui_test_n_delivered (cluster (f)) >= 40;
}

/* The causal past of `origin` the slow way: backwards over each process's
 * previous event and each matched send, as a set of store indices + 1. */
static GHashTable *
slow_past (UiFixture *f,
           guint64    origin)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (cluster (f));
  guint64 first = conclave_event_store_get_first (store);
  g_autoptr(GHashTable) sends_of = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  GHashTable *past = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) todo = g_array_new (FALSE, FALSE, sizeof (guint64));

  for (guint64 i = conclave_matcher_get_first_message (matcher); i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);
      GArray *sends;

      if (m == NULL || m->send_index == G_MAXUINT64 || m->recv_index == G_MAXUINT64 || m->send_index < first)
        continue;
      sends = g_hash_table_lookup (sends_of, GSIZE_TO_POINTER (m->recv_index + 1));
      if (sends == NULL)
        g_hash_table_insert (sends_of, GSIZE_TO_POINTER (m->recv_index + 1),
                             sends = g_array_new (FALSE, FALSE, sizeof (guint64)));
      g_array_append_val (sends, m->send_index);
    }
  g_array_append_val (todo, origin);
  while (todo->len > 0)
    {
      guint64 e = g_array_index (todo, guint64, todo->len - 1);
      GArray *sends = g_hash_table_lookup (sends_of, GSIZE_TO_POINTER (e + 1));
      guint32 proc = conclave_event_store_get (store, e)->proc;

      g_array_set_size (todo, todo->len - 1);
      if (!g_hash_table_add (past, GSIZE_TO_POINTER (e + 1)))
        continue;
      for (guint64 p = e; p-- > first;)
        if (conclave_event_store_get (store, p)->proc == proc)
          {
            g_array_append_val (todo, p);
            break;
          }
      if (sends != NULL)
        g_array_append_vals (todo, sends->data, sends->len);
    }
  return past;
}

/* The card's values are the store's. */
static void
assert_card (UiFixture             *f,
             const ConclaveMessage *m)
{
  ConclaveEventStore *store = conclave_cluster_get_store (cluster (f));
  ConclaveProcessInfo *src = conclave_event_store_get_process (store, m->src_proc);
  ConclaveProcessInfo *dst = conclave_event_store_get_process (store, m->dst_proc);
  const ConclaveEvent *send = conclave_event_store_get (store, m->send_index);
  g_autofree char *sender = g_strdup_printf ("%s, PID %d", conclave_event_store_str (store, src->node), src->pid);
  g_autofree char *receiver = g_strdup_printf ("%s, PID %d", conclave_event_store_str (store, dst->node), dst->pid);
  g_autofree char *latency = conclave_event_format_duration (m->recv_ns - m->send_ns);
  g_autofree char *lamport = g_strdup_printf ("%u", conclave_event_lamport (send));

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (card (f))));
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "kind"), ==, conclave_event_store_str (store, m->kind));
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "sender"), ==, sender);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "receiver"), ==, receiver);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "latency"), ==, latency);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "lamport"), ==, lamport);
  g_assert_cmpuint (m->recv_ns, >, m->send_ns);
}

/* Every event the timeline and the log show is lit exactly when it is
 * in `lit` (store index + 1). */
static void
assert_views_light (UiFixture  *f,
                    GHashTable *lit)
{
  g_autoptr(GArray) on = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) off = g_array_new (FALSE, FALSE, sizeof (guint64));
  GtkWidget *timeline = conclave_window_get_view_widget (f->window, "timeline");
  GtkWidget *log = conclave_window_get_view_widget (f->window, "events");

  conclave_window_show_view (f->window, "timeline");
  ui_test_run_for (300);
  conclave_timeline_get_lit_events (CONCLAVE_TIMELINE (timeline), on, off);
  g_test_message ("timeline: %u lit, %u dimmed", on->len, off->len);
  g_assert_cmpuint (on->len, >, 0);
  g_assert_cmpuint (off->len, >, 0);
  for (guint i = 0; i < on->len; i++)
    g_assert_true (g_hash_table_contains (lit, GSIZE_TO_POINTER (g_array_index (on, guint64, i) + 1)));
  for (guint i = 0; i < off->len; i++)
    g_assert_false (g_hash_table_contains (lit, GSIZE_TO_POINTER (g_array_index (off, guint64, i) + 1)));

  g_array_set_size (on, 0);
  g_array_set_size (off, 0);
  conclave_window_show_view (f->window, "events");
  ui_test_run_for (300);
  conclave_events_view_list_shown_rows (CONCLAVE_EVENTS_VIEW (log), on, off);
  g_test_message ("log: %u lit, %u dimmed rows on screen", on->len, off->len);
  g_assert_cmpuint (on->len + off->len, >, 0);
  for (guint i = 0; i < on->len; i++)
    g_assert_true (g_hash_table_contains (lit, GSIZE_TO_POINTER (g_array_index (on, guint64, i) + 1)));
  for (guint i = 0; i < off->len; i++)
    g_assert_false (g_hash_table_contains (lit, GSIZE_TO_POINTER (g_array_index (off, guint64, i) + 1)));
}

static void
assert_nothing_dimmed (UiFixture *f)
{
  g_autoptr(GArray) on = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) off = g_array_new (FALSE, FALSE, sizeof (guint64));

  conclave_window_show_view (f->window, "timeline");
  ui_test_run_for (300);
  conclave_timeline_get_lit_events (CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline")), on, off);
  g_assert_cmpuint (off->len, ==, 0);
  conclave_window_show_view (f->window, "events");
  ui_test_run_for (300);
  conclave_events_view_list_shown_rows (CONCLAVE_EVENTS_VIEW (conclave_window_get_view_widget (f->window, "events")),
                                        on, off);
  g_assert_cmpuint (on->len, >, 0);
  g_assert_cmpuint (off->len, ==, 0);
}

/* The side panel's crossfade is over: the inspector is back alone. */
static gboolean
card_gone (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (card (data)));
}

static void
test_explain (UiFixture     *f,
              gconstpointer  data)
{
  ConclaveMatcher *matcher;
  ConclaveMessage message_data;
  const ConclaveMessage *m;
  g_autoptr(GHashTable) past = NULL;
  guint64 index;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (heartbeats_and_posts, f, 40000));
  /* Frozen, so the store holds still while it is compared. */
  ui_test_activate (f->app, "freeze-all", NULL);
  ui_test_run_for (300);
  matcher = conclave_cluster_get_matcher (cluster (f));
  index = newest_delivered (f, "post-ack");
  m = conclave_matcher_get_message (matcher, index, &message_data);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.explain-event", "t", m->recv_index));
  ui_test_run_for (200);
  g_assert_cmpuint (conclave_causal_highlight_get_message (highlight (f)), ==, index);
  assert_card (f, m);
  g_assert_nonnull (conclave_message_card_get_value (card (f), "field:seqno"));
  g_assert_nonnull (conclave_message_card_get_value (card (f), "field:req"));
  g_assert_null (conclave_message_card_get_value (card (f), "cone"));
  ui_test_look (f->window, "timeline", "card-1-post-ack");

  /* Causes: the slow past of its send, and the message's own ends. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-causes", NULL));
  past = slow_past (f, m->send_index);
  g_hash_table_add (past, GSIZE_TO_POINTER (m->recv_index + 1));
  g_test_message ("%u events in the causal past of the post-ack", g_hash_table_size (past));
  g_assert_cmpuint (conclave_causal_cone_get_size (conclave_causal_highlight_get_cone (highlight (f))) + 1, ==,
                    g_hash_table_size (past));
  for (guint64 i = conclave_event_store_get_first (conclave_cluster_get_store (cluster (f)));
       i < conclave_event_store_get_end (conclave_cluster_get_store (cluster (f))); i++)
    if (conclave_causal_highlight_event_lit (highlight (f), conclave_event_store_get (conclave_cluster_get_store (cluster (f)), i)->proc, i) !=
        g_hash_table_contains (past, GSIZE_TO_POINTER (i + 1)))
      g_error ("event %" G_GUINT64_FORMAT " lit wrongly", i);
  assert_views_light (f, past);
  g_assert_nonnull (conclave_message_card_get_value (card (f), "cone"));
  ui_test_look (f->window, "timeline", "card-2-causes-timeline");
  ui_test_look (f->window, "events", "card-3-causes-log");

  /* The Clear button: the whole picture again, nothing dimmed. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.clear-causes", NULL));
  g_assert_cmpint (conclave_causal_highlight_get_mode (highlight (f)), ==, CONCLAVE_HIGHLIGHT_NONE);
  g_assert_null (conclave_message_card_get_value (card (f), "cone"));
  assert_nothing_dimmed (f);

  /* Escape: first the light, then the card. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-causes", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leave-presentation", NULL));
  g_assert_cmpint (conclave_causal_highlight_get_mode (highlight (f)), ==, CONCLAVE_HIGHLIGHT_NONE);
  g_assert_cmpuint (conclave_causal_highlight_get_message (highlight (f)), ==, index);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leave-presentation", NULL));
  g_assert_cmpuint (conclave_causal_highlight_get_message (highlight (f)), ==, G_MAXUINT64);
  g_assert_true (ui_test_wait (card_gone, f, 2000));
  g_assert_true (gtk_widget_get_mapped (conclave_window_get_view_widget (f->window, "inspector")));
}

/* A heartbeat picked in the event log: its card; its effects are the
 * future of its receive (the receiver's later events), not the sender's
 * own later events. Also in presentation mode, for the screenshot. */
static void
test_log_row_and_effects (UiFixture     *f,
                          gconstpointer  data)
{
  ConclaveMatcher *matcher;
  ConclaveEventStore *store;
  ConclaveMessage message_data;
  const ConclaveMessage *m;
  const ConclaveCausalCone *cone;
  guint64 index, later_on_sender = G_MAXUINT64;

  ui_test_start_chapter (f->app, "chapter-4", 0.25);
  g_assert_true (ui_test_wait (heartbeats_and_posts, f, 40000));
  ui_test_activate (f->app, "freeze-all", NULL);
  ui_test_run_for (300);
  matcher = conclave_cluster_get_matcher (cluster (f));
  store = conclave_cluster_get_store (cluster (f));
  index = newest_delivered (f, "heartbeat");
  m = conclave_matcher_get_message (matcher, index, &message_data);

  conclave_window_show_view (f->window, "events");
  g_assert_true (conclave_events_view_select_event (CONCLAVE_EVENTS_VIEW (conclave_window_get_view_widget (f->window, "events")),
                                                    m->recv_index));
  ui_test_run_for (200);
  g_assert_cmpuint (conclave_causal_highlight_get_message (highlight (f)), ==, index);
  assert_card (f, m);
  g_assert_nonnull (conclave_message_card_get_value (card (f), "field:prev"));
  g_assert_nonnull (conclave_message_card_get_value (card (f), "field:term"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-effects", NULL));
  cone = conclave_causal_highlight_get_cone (highlight (f));
  g_assert_nonnull (cone);
  g_assert_true (conclave_causal_cone_contains (cone, m->recv_index));
  g_assert_false (conclave_causal_cone_contains (cone, m->send_index));
  /* What the sender did next, other than receiving (an answer may have
   * come back), did not follow from this message. */
  for (guint64 i = m->send_index + 1; i < m->recv_index && later_on_sender == G_MAXUINT64; i++)
    if (conclave_event_store_get (store, i)->proc == m->src_proc &&
        !CONCLAVE_EVENT_IS_MESSAGE (conclave_event_store_get (store, i)->type))
      later_on_sender = i;
  if (later_on_sender != G_MAXUINT64)
    g_assert_false (conclave_causal_cone_contains (cone, later_on_sender));
  conclave_session_set_presentation (f->session, TRUE);
  ui_test_look (f->window, "timeline", "card-4-effects-presentation");
  conclave_session_set_presentation (f->session, FALSE);
}

static gboolean
program_exchanged (gpointer data)
{
  UiFixture *f = data;
  ConclaveMatcher *matcher = cluster (f) ? conclave_cluster_get_matcher (cluster (f)) : NULL;
  guint n = 0;

  for (guint64 i = 0; matcher != NULL && i < conclave_matcher_get_n_messages (matcher); i++)
    {
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (matcher, i, &m_data);

      n += m != NULL && m->state == CONCLAVE_MESSAGE_DELIVERED;
    }
  return n >= 4;
}

/* A traced program's datagram: no fields, no Lamport clock; the payload
 * as text and as hex, byte for byte. */
static void
test_program_payload (UiFixture     *f,
                      gconstpointer  data)
{
  ConclaveEventStore *store;
  ConclaveMessage message_data;
  const ConclaveMessage *m;
  const char *preview, *hex;
  g_autoptr(GString) expected = g_string_new (NULL);

  ui_test_activate (f->app, "run-server-command", g_variant_new_string (SERVER_LINE));
  ui_test_activate (f->app, "run-command", g_variant_new_string (CLIENT_LINE));
  g_assert_true (ui_test_wait (program_exchanged, f, 15000));
  store = conclave_cluster_get_store (cluster (f));
  m = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster (f)), newest_delivered (f, NULL), &message_data);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.explain-event", "t", m->recv_index));
  ui_test_run_for (200);
  preview = conclave_event_store_str (store, conclave_event_preview (conclave_event_store_get (store, m->send_index)));
  g_assert_nonnull (preview);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "text"), ==, preview);
  for (gsize i = 0; preview[i] != '\0'; i++)
    g_string_append_printf (expected, "%02x%s", (guchar) preview[i], preview[i + 1] == '\0' ? "" : i % 8 == 7 ? "\n" : " ");
  hex = conclave_message_card_get_value (card (f), "hex");
  g_assert_cmpstr (hex, ==, expected->str);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "lamport"), ==, "None");
  g_assert_null (conclave_message_card_get_value (card (f), "field:from"));
  ui_test_look (f->window, "timeline", "card-5-program");
  /* A small laptop or projector: 1280×720. */
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 720);
  ui_test_look (f->window, "timeline", "card-6-program-720");
}

static gboolean
dots_drawn (gpointer data)
{
  UiFixture *f = data;
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));

  return view->dot_hits->len > 0;
}

/* Where a click lands: a dot in flight in the cluster view and the middle
 * of an arrow on the timeline name their own message, and the card that
 * opens for it shows that message. */
static void
test_click_targets (UiFixture     *f,
                    gconstpointer  data)
{
  ConclaveClusterView *view = CONCLAVE_CLUSTER_VIEW (conclave_window_get_view_widget (f->window, "cluster"));
  ConclaveTimeline *timeline = CONCLAVE_TIMELINE (conclave_window_get_view_widget (f->window, "timeline"));
  ConclaveMatcher *matcher;
  ConclaveMessage message_data;
  const ConclaveMessage *m;
  ConclaveDotHit dot;
  guint arrows = 0;

  ui_test_start_chapter (f->app, "chapter-1", 1.0);
  g_assert_true (ui_test_wait (dots_drawn, f, 20000));
  dot = g_array_index (view->dot_hits, ConclaveDotHit, 0);
  g_assert_cmpuint (_conclave_cluster_view_message_at (view, dot.x, dot.y), ==, dot.message);
  g_assert_cmpuint (_conclave_cluster_view_message_at (view, dot.x + 60, dot.y + 60), ==, G_MAXUINT64);
  matcher = conclave_cluster_get_matcher (cluster (f));
  m = conclave_matcher_get_message (matcher, dot.message, &message_data);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.explain-event", "t",
                                             m->recv_index != G_MAXUINT64 ? m->recv_index : m->send_index));
  g_assert_cmpuint (conclave_causal_highlight_get_message (highlight (f)), ==, dot.message);
  g_assert_cmpstr (conclave_message_card_get_value (card (f), "kind"), ==,
                   conclave_event_store_str (conclave_cluster_get_store (cluster (f)), m->kind));
  /* a short payload is all there (the datagram's length counts the header too) */
  g_assert_true (g_str_has_prefix (conclave_message_card_get_value (card (f), "payload"), "All of it"));

  ui_test_activate (f->app, "freeze-all", NULL);
  ui_test_look (f->window, "timeline", "card-7-chapter-1");
  for (guint i = 0; i < timeline->painter->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *a = &g_array_index (timeline->painter->hit_arrows, ConclaveHitArrow, i);
      ConclaveMessage shown_data;
      const ConclaveMessage *shown = conclave_matcher_get_message (matcher, a->message, &shown_data);
      gboolean marker;
      guint64 event;

      if (hypot (a->x2 - a->x1, a->y2 - a->y1) < 40 || shown == NULL)
        continue;
      event = _conclave_timeline_event_at (timeline, (a->x1 + a->x2) / 2, (a->y1 + a->y2) / 2, &marker);
      if (marker)
        continue;  /* another message's end drawn there */
      g_assert_true (event == shown->recv_index || (shown->recv_index == G_MAXUINT64 && event == shown->send_index));
      arrows++;
    }
  g_test_message ("%u arrows picked by their middle", arrows);
  g_assert_cmpuint (arrows, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  g_test_add ("/card/explain-and-causes", UiFixture, NULL, ui_fixture_set_up, test_explain, ui_fixture_tear_down);
  g_test_add ("/card/log-row-and-effects", UiFixture, NULL, ui_fixture_set_up, test_log_row_and_effects,
              ui_fixture_tear_down);
  g_test_add ("/card/click-targets", UiFixture, NULL, ui_fixture_set_up, test_click_targets, ui_fixture_tear_down);
  g_test_add ("/card/program-payload", UiFixture, NULL, ui_fixture_set_up, test_program_payload, ui_fixture_tear_down);
  return g_test_run ();
}
