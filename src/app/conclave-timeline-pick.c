/* conclave-timeline-pick.c — the timeline's part in explaining a message:
 * a click on a message's dot or arrow asks the window to explain it
 * (win.explain-event); while its causes or effects are lit, the painter
 * asks the session's highlight what to draw lit (its drawing is
 * draw/conclave-timeline-causal.c). A click (any button) on a held
 * message's open head opens its menu, as a click on its ring in the
 * cluster view does.
 *
 * Never changes the highlight: the card sets it. Never releases a held
 * message itself: its menu's items are the application's actions.
 */
#include "config.h"

#include <math.h>

#include "conclave-causal-highlight.h"
#include "conclave-step-actions.h"
#include "conclave-timeline-private.h"

#define HELD_REACH 9.0   /* pixels around an open head that still hit it */

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
  ConclaveMessage message_data;
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
                                                                                 found).message, &message_data) : NULL;
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

guint64
_conclave_timeline_held_at (ConclaveTimeline *self, double x, double y)
{
  ConclaveCluster *cluster = timeline_cluster (self);
  ConclaveHold *hold = cluster != NULL ? conclave_cluster_get_hold (cluster) : NULL;
  double best = HELD_REACH;
  guint64 found = G_MAXUINT64;

  if (hold == NULL || conclave_hold_get_n_held (hold) == 0)
    return G_MAXUINT64;
  for (guint i = 0; i < self->painter->hit_arrows->len; i++)
    {
      const ConclaveHitArrow *a = &g_array_index (self->painter->hit_arrows, ConclaveHitArrow, i);
      ConclaveMessage m_data;
      const ConclaveMessage *m = conclave_matcher_get_message (conclave_cluster_get_matcher (cluster), a->message, &m_data);
      ConclaveHeld *held;

      /* the painter ends a held message's arrow at its open head */
      if (m == NULL || m->state != CONCLAVE_MESSAGE_IN_FLIGHT || hypot (a->x2 - x, a->y2 - y) >= best
          || (held = conclave_hold_find_key (hold, m->key)) == NULL)
        continue;
      best = hypot (a->x2 - x, a->y2 - y);
      found = conclave_held_get_index (held);
    }
  return found;
}

gboolean
_conclave_timeline_popup_held_menu (ConclaveTimeline *self, double x, double y)
{
  guint64 index = _conclave_timeline_held_at (self, x, y);
  g_autoptr(GMenuModel) model = NULL;
  GdkRectangle rect = { (int) x - 4, (int) y - 4, 8, 8 };

  if (index == G_MAXUINT64)
    return FALSE;
  model = conclave_step_actions_held_menu (conclave_cluster_get_hold (timeline_cluster (self)), index);
  conclave_step_actions_popup (&self->menu, GTK_WIDGET (self), model, &rect);
  return TRUE;
}

void
_conclave_timeline_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  ConclaveTimeline *self = CONCLAVE_TIMELINE (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
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
  if (_conclave_timeline_popup_held_menu (self, x, y) ||
      gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)) != GDK_BUTTON_PRIMARY)
    return;
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

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), 0);  /* a held message's menu: any button */
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
