/* conclave-timeline-causal.c — the timeline's part in explaining a message:
 * a click on a message's dot or arrow asks the window to explain it
 * (win.explain-event), and while its causes or effects are lit the frame
 * is veiled and what is lit drawn again on top, with the same arrow and
 * marker code (a second pass over a copy of the frame that keeps only lit
 * marks and, through frame->lit_only, lit messages).
 *
 * Must never change what the first pass left for hovering and the stats:
 * they are put back after the second pass.
 */
#include "config.h"

#include <math.h>

#include "conclave-timeline-frame.h"

/* What the last frame drew under the pointer: a marker's event, else the
 * event that best stands for an arrow's message (its receive, else its
 * send). G_MAXUINT64: nothing. */
guint64
_conclave_timeline_event_at (ConclaveTimeline *self,
                             double            x,
                             double            y,
                             gboolean         *is_marker)
{
  ConclaveMatcher *matcher = conclave_cluster_get_matcher (timeline_cluster (self));
  const ConclaveMessage *message;
  double best = 7;
  gint64 found = -1;

  for (guint i = 0; i < self->hit_markers->len; i++)
    {
      const ConclaveHitMarker *m = &g_array_index (self->hit_markers, ConclaveHitMarker, i);

      if (hypot (m->x - x, m->y - y) < best)
        best = hypot (m->x - x, m->y - y), found = i;
    }
  if (is_marker != NULL)
    *is_marker = found >= 0;
  if (found >= 0)
    return g_array_index (self->hit_markers, ConclaveHitMarker, found).event;
  found = _conclave_timeline_arrow_at (self, x, y, best);
  message = found >= 0 ? conclave_matcher_get_message (matcher, g_array_index (self->hit_arrows, ConclaveHitArrow,
                                                                                 found).message) : NULL;
  if (message == NULL)
    return G_MAXUINT64;
  return message->recv_index != G_MAXUINT64 ? message->recv_index : message->send_index;
}

gint64
_conclave_timeline_arrow_at (ConclaveTimeline *self,
                             double            x,
                             double            y,
                             double            within)
{
  gint64 found = -1;

  for (guint i = 0; i < self->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *a = &g_array_index (self->hit_arrows, ConclaveHitArrow, i);
      double dx = a->x2 - a->x1, dy = a->y2 - a->y1, len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? CLAMP (((x - a->x1) * dx + (y - a->y1) * dy) / len2, 0, 1) : 0;
      double d = hypot (x - (a->x1 + t * dx), y - (a->y1 + t * dy));

      if (d < within)
        within = d, found = i;
    }
  return found;
}

static void
on_released (GtkGestureClick  *gesture,
             int               n_press,
             double            x,
             double            y,
             ConclaveTimeline *self)
{
  ConclaveEventStore *store;
  const ConclaveEvent *event;
  guint64 index;

  if (timeline_cluster (self) == NULL || n_press != 1)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  index = _conclave_timeline_event_at (self, x, y, NULL);
  store = conclave_cluster_get_store (timeline_cluster (self));
  event = index != G_MAXUINT64 ? conclave_event_store_get (store, index) : NULL;
  if (event != NULL && CONCLAVE_EVENT_IS_MESSAGE (event->type) && event->type != CONCLAVE_EVENT_LOST)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.explain-event", "t", index);
}

void
_conclave_timeline_init_pick (ConclaveTimeline *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (on_released), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  self->lit_events = g_array_new (FALSE, FALSE, sizeof (guint64));
  self->dimmed_events = g_array_new (FALSE, FALSE, sizeof (guint64));
}

void
_conclave_timeline_finalize_pick (ConclaveTimeline *self)
{
  g_array_unref (self->lit_events);
  g_array_unref (self->dimmed_events);
}

static void
veil (ConclaveTimelineFrame *frame)
{
  double shade = frame->dark ? 0.14 : 0.98;

  cairo_set_source_rgba (frame->cr, shade, shade, shade, 0.78);
  /* the lifelines only: the axis below stays readable */
  cairo_rectangle (frame->cr, frame->x0 - 6, 0, frame->x1 - frame->x0 + 12, frame->y1);
  cairo_fill (frame->cr);
}

/* The marks of the first pass that are lit, and a note of each for tests. */
static GArray *
lit_marks (ConclaveTimelineFrame   *frame,
           ConclaveCausalHighlight *highlight)
{
  GArray *lit = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineMark));

  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);
      const ConclaveEvent *event = conclave_event_store_get (frame->store, mark->index);

      if (event != NULL && conclave_causal_highlight_event_lit (highlight, event->proc, mark->index))
        {
          g_array_append_val (lit, *mark);
          g_array_append_val (frame->self->lit_events, mark->index);
        }
      else
        g_array_append_val (frame->self->dimmed_events, mark->index);
    }
  return lit;
}

void
_conclave_timeline_draw_causal (ConclaveTimelineFrame *frame)
{
  ConclaveTimeline *self = frame->self;
  ConclaveCausalHighlight *highlight = conclave_session_get_highlight (self->session);
  g_autoptr(GArray) markers = NULL;
  g_autoptr(GArray) arrows = NULL;
  ConclaveTimelineStats stats = self->stats;
  ConclaveTimelineFrame lit = *frame;

  g_array_set_size (self->lit_events, 0);
  g_array_set_size (self->dimmed_events, 0);
  if (conclave_causal_highlight_get_mode (highlight) == CONCLAVE_HIGHLIGHT_NONE)
    return;
  veil (frame);
  markers = g_array_copy (self->hit_markers);
  arrows = g_array_copy (self->hit_arrows);
  lit.marks = lit_marks (frame, highlight);
  lit.arrows = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineArrow));
  lit.lit_only = highlight;
  _conclave_timeline_draw_arrows (&lit);
  _conclave_timeline_draw_markers (&lit);
  g_array_unref (lit.marks);
  g_array_unref (lit.arrows);
  g_array_set_size (self->hit_markers, 0);
  g_array_append_vals (self->hit_markers, markers->data, markers->len);
  g_array_set_size (self->hit_arrows, 0);
  g_array_append_vals (self->hit_arrows, arrows->data, arrows->len);
  self->stats = stats;
}

void
conclave_timeline_get_lit_events (ConclaveTimeline *self,
                                  GArray           *lit,
                                  GArray           *dimmed)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));

  if (lit != NULL)
    g_array_append_vals (lit, self->lit_events->data, self->lit_events->len);
  if (dimmed != NULL)
    g_array_append_vals (dimmed, self->dimmed_events->data, self->dimmed_events->len);
}
