/* conclave-timeline-pick.c — the timeline's part in explaining a message:
 * a click on a message's dot or arrow asks the window to explain it
 * (win.explain-event); while its causes or effects are lit, the painter
 * asks the session's highlight what to draw lit (its drawing is
 * draw/conclave-timeline-causal.c).
 *
 * Never changes the highlight: the card sets it.
 */
#include "config.h"

#include <math.h>

#include "conclave-causal-highlight.h"
#include "conclave-timeline-private.h"

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

  for (guint i = 0; i < self->painter->hit_markers->len; i++)
    {
      const ConclaveHitMarker *m = &g_array_index (self->painter->hit_markers, ConclaveHitMarker, i);

      if (hypot (m->x - x, m->y - y) < best)
        best = hypot (m->x - x, m->y - y), found = i;
    }
  if (is_marker != NULL)
    *is_marker = found >= 0;
  if (found >= 0)
    return g_array_index (self->painter->hit_markers, ConclaveHitMarker, found).event;
  found = _conclave_timeline_arrow_at (self, x, y, best);
  message = found >= 0 ? conclave_matcher_get_message (matcher, g_array_index (self->painter->hit_arrows, ConclaveHitArrow,
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

  for (guint i = 0; i < self->painter->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *a = &g_array_index (self->painter->hit_arrows, ConclaveHitArrow, i);
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
}

static gboolean
event_lit (gpointer data,
           guint32  proc,
           guint64  index)
{
  return conclave_causal_highlight_event_lit (data, proc, index);
}

static gboolean
message_lit (gpointer               data,
             const ConclaveMessage *message,
             guint64                index)
{
  return conclave_causal_highlight_message_lit (data, message, index);
}

const ConclaveTimelineLit *
_conclave_timeline_lit (ConclaveTimeline *self)
{
  ConclaveCausalHighlight *highlight = self->session ? conclave_session_get_highlight (self->session) : NULL;

  if (highlight == NULL || conclave_causal_highlight_get_mode (highlight) == CONCLAVE_HIGHLIGHT_NONE)
    return NULL;
  self->lit = (ConclaveTimelineLit) { event_lit, message_lit, highlight };
  return &self->lit;
}

void
conclave_timeline_get_lit_events (ConclaveTimeline *self,
                                  GArray           *lit,
                                  GArray           *dimmed)
{
  g_return_if_fail (CONCLAVE_IS_TIMELINE (self));

  if (lit != NULL)
    g_array_append_vals (lit, self->painter->lit_events->data, self->painter->lit_events->len);
  if (dimmed != NULL)
    g_array_append_vals (dimmed, self->painter->dimmed_events->data, self->painter->dimmed_events->len);
}
