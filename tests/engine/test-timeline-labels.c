/* test-timeline-labels.c — a socket's operation beside its marker on the
 * logical timeline, as a course program makes them: `connect` to a public
 * address to learn its own IP, `close` at once, then `bind`, one step
 * apart at the narrowest zoom that shows them. Each label stands beside its
 * own event's marker (under the lifeline, or over it when the one before
 * is in the way), no two overlap, and a label is left out only when it
 * would overlap at both places. Before, "connect" and "close" were drawn
 * over each other ("conneclose"). */
#include "conclave-leaders.h"
#include "conclave-matcher.h"
#include "conclave-timeline-painter.h"
#include "conclave-trace-file.h"

#include <cairo.h>
#include <gio/gio.h>
#include <string.h>

/* c1 learns its address, then binds, and says hello to s1; s1 binds once
 * and closes twice in a row (a pool of sockets being torn down). */
static const char TRACE[] =
  "{\"conclave_trace\":1,\"version\":\"0.1.0\",\"scenario\":\"course\"}\n"
  "{\"ev\":\"hello\",\"seq\":0,\"t\":1000000000,\"v\":1,\"pid\":4100,\"ppid\":1,\"node\":\"s1\",\"role\":\"program\",\"program\":\"peer.py\"}\n"
  "{\"ev\":\"hello\",\"seq\":0,\"t\":1001000000,\"v\":1,\"pid\":4101,\"ppid\":1,\"node\":\"c1\",\"role\":\"program\",\"program\":\"peer.py\"}\n"
  "{\"ev\":\"socket\",\"seq\":1,\"t\":1002000000,\"op\":\"bind\",\"proto\":\"udp\",\"local\":\"10.0.0.2:5000\",\"node\":\"s1\",\"pid\":4100}\n"
  "{\"ev\":\"socket\",\"seq\":1,\"t\":1003000000,\"op\":\"connect\",\"proto\":\"udp\",\"local\":\"10.0.0.4:41000\",\"remote\":\"8.8.8.8:80\",\"node\":\"c1\",\"pid\":4101}\n"
  "{\"ev\":\"socket\",\"seq\":2,\"t\":1004000000,\"op\":\"close\",\"proto\":\"udp\",\"local\":\"10.0.0.4:41000\",\"node\":\"c1\",\"pid\":4101}\n"
  "{\"ev\":\"socket\",\"seq\":3,\"t\":1005000000,\"op\":\"bind\",\"proto\":\"udp\",\"local\":\"10.0.0.4:5000\",\"node\":\"c1\",\"pid\":4101}\n"
  "{\"ev\":\"send\",\"seq\":4,\"t\":1006000000,\"proto\":\"udp\",\"src\":\"10.0.0.4:5000\",\"dst\":\"10.0.0.2:5000\",\"len\":5,\"kind\":\"data\",\"preview\":\"hello\",\"node\":\"c1\",\"pid\":4101}\n"
  "{\"ev\":\"recv\",\"seq\":2,\"t\":1007000000,\"proto\":\"udp\",\"src\":\"10.0.0.4:5000\",\"dst\":\"10.0.0.2:5000\",\"len\":5,\"kind\":\"data\",\"preview\":\"hello\",\"node\":\"s1\",\"pid\":4100}\n"
  "{\"ev\":\"socket\",\"seq\":3,\"t\":1008000000,\"op\":\"close\",\"proto\":\"udp\",\"local\":\"10.0.0.2:5000\",\"node\":\"s1\",\"pid\":4100}\n"
  "{\"ev\":\"socket\",\"seq\":4,\"t\":1009000000,\"op\":\"close\",\"proto\":\"udp\",\"local\":\"10.0.0.2:5001\",\"node\":\"s1\",\"pid\":4100}\n";

typedef struct {
  ConclaveEventStore      *store;
  ConclaveMatcher         *matcher;
  ConclaveLeaders         *leaders;
  ConclaveTimelinePainter *painter;
  guint64                  socket[6];   /* the socket events, in the trace's order */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (TRACE, sizeof TRACE - 1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConclaveTraceReader) reader = NULL;
  ConclaveEvent e;
  guint n_bad, n_socket = 0;

  f->store = conclave_event_store_new ();
  reader = conclave_trace_reader_new_for_stream (f->store, in, "labels.jsonl", &error);
  g_assert_no_error (error);
  while (conclave_trace_reader_next (reader, &e))
    conclave_event_store_append (f->store, &e, 1);
  conclave_trace_reader_finish (reader, &n_bad, NULL);
  g_assert_cmpuint (n_bad, ==, 0);
  for (guint64 i = conclave_event_store_get_first (f->store); i < conclave_event_store_get_end (f->store); i++)
    if (conclave_event_store_get (f->store, i)->type == CONCLAVE_EVENT_SOCKET)
      {
        g_assert_cmpuint (n_socket, <, G_N_ELEMENTS (f->socket));
        f->socket[n_socket++] = i;
      }
  g_assert_cmpuint (n_socket, ==, G_N_ELEMENTS (f->socket));
  f->matcher = conclave_matcher_new (f->store);
  conclave_matcher_feed (f->matcher, 0, conclave_event_store_get_end (f->store));
  f->leaders = conclave_leaders_new (f->store);
  conclave_leaders_feed (f->leaders, 0, conclave_event_store_get_end (f->store));
  f->painter = conclave_timeline_painter_new ();
  conclave_timeline_painter_set_recording (f->painter, f->store, f->matcher, f->leaders);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  conclave_timeline_painter_free (f->painter);
  conclave_leaders_free (f->leaders);
  conclave_matcher_free (f->matcher);
  g_object_unref (f->store);
}

static void
draw (Fixture *f, double step_px)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 900, 300);
  cairo_t *cr = cairo_create (surface);
  gint64 end = 1010000000;   /* just after the last event */

  f->painter->real_time = FALSE;
  f->painter->step_px = step_px;
  conclave_timeline_painter_draw (f->painter, cr, 900, 300, end, end);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static const ConclaveHitMarker *
marker_of (Fixture *f, guint64 event)
{
  for (guint i = 0; i < f->painter->hit_markers->len; i++)
    if (g_array_index (f->painter->hit_markers, ConclaveHitMarker, i).event == event)
      return &g_array_index (f->painter->hit_markers, ConclaveHitMarker, i);
  return NULL;
}

static const ConclaveTimelineOpLabel *
label_of (Fixture *f, guint64 event)
{
  for (guint i = 0; i < f->painter->op_labels->len; i++)
    if (g_array_index (f->painter->op_labels, ConclaveTimelineOpLabel, i).event == event)
      return &g_array_index (f->painter->op_labels, ConclaveTimelineOpLabel, i);
  return NULL;
}

static gboolean
overlap (const ConclaveTimelineOpLabel *a, const ConclaveTimelineOpLabel *b)
{
  return a->x < b->x + b->width && b->x < a->x + a->width &&
         a->y < b->y + b->height && b->y < a->y + a->height;
}

/* Every socket event in view: its label beside its marker, under or over
 * the lifeline; none overlaps another; returns how many were drawn. */
static guint
assert_labels (Fixture *f)
{
  GArray *labels = f->painter->op_labels;
  guint n_socket = 0;


  for (guint64 i = conclave_event_store_get_first (f->store); i < conclave_event_store_get_end (f->store); i++)
    {
      const ConclaveEvent *e = conclave_event_store_get (f->store, i);
      const ConclaveHitMarker *marker = marker_of (f, i);
      const ConclaveTimelineOpLabel *label = label_of (f, i);

      if (e->type != CONCLAVE_EVENT_SOCKET)
        {
          g_assert_null (label);
          continue;
        }
      g_assert_nonnull (marker);
      n_socket++;
      if (label == NULL)
        continue;
      g_test_message ("%s at %.0f: label %.0f..%.0f, %s", conclave_event_store_str (f->store, conclave_event_socket_op (e)),
                      marker->x, label->x, label->x + label->width, label->y > marker->y ? "under" : "over");
      g_assert_cmpfloat (label->x, ==, marker->x + 4);
      g_assert_cmpfloat (label->width, >, 10);
      g_assert_true (label->y > marker->y || label->y + label->height < marker->y);
    }
  g_assert_cmpuint (n_socket, ==, G_N_ELEMENTS (f->socket));
  for (guint i = 0; i < labels->len; i++)
    for (guint j = i + 1; j < labels->len; j++)
      g_assert_false (overlap (&g_array_index (labels, ConclaveTimelineOpLabel, i),
                               &g_array_index (labels, ConclaveTimelineOpLabel, j)));
  return labels->len;
}

/* At the narrowest zoom that shows labels, a step (30 px) is narrower than
 * "connect": its "close" goes over the line, the "bind" after under again. */
static void
test_adjacent (Fixture *f, gconstpointer data)
{
  const ConclaveTimelineOpLabel *connect, *close, *bind;

  draw (f, 30);
  g_assert_cmpuint (assert_labels (f), ==, 6);
  connect = label_of (f, f->socket[1]);
  close = label_of (f, f->socket[2]);
  bind = label_of (f, f->socket[3]);
  g_assert_nonnull (connect);
  g_assert_nonnull (close);
  g_assert_nonnull (bind);
  g_assert_cmpfloat (connect->width, >, 30 - 4);  /* they would overlap on one side */
  g_assert_cmpfloat (connect->y, >, close->y);
  g_assert_cmpfloat (bind->y, ==, connect->y);
  /* s1's two closes, each under its own marker or over it. */
  g_assert_nonnull (label_of (f, f->socket[4]));
  g_assert_nonnull (label_of (f, f->socket[5]));
}

/* Zoomed in, every label has room under the line. */
static void
test_room (Fixture *f, gconstpointer data)
{
  draw (f, 60);
  g_assert_cmpuint (assert_labels (f), ==, 6);
  for (guint i = 0; i < f->painter->op_labels->len; i++)
    {
      const ConclaveTimelineOpLabel *label = &g_array_index (f->painter->op_labels, ConclaveTimelineOpLabel, i);
      const ConclaveHitMarker *marker = marker_of (f, label->event);

      g_assert_true (marker != NULL && label->y > marker->y);
    }
  /* Too narrow for any: none. */
  draw (f, 20);
  g_assert_cmpuint (f->painter->op_labels->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/timeline-labels/adjacent", Fixture, NULL, setup, test_adjacent, teardown);
  g_test_add ("/timeline-labels/room", Fixture, NULL, setup, test_room, teardown);
  return g_test_run ();
}
