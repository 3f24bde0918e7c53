/* conclave-timeline-marks.c — the timeline's events on their lifelines:
 * sockets, forks (a dotted line down to the child), exits, crashes,
 * pauses, group states, deliveries, violations, and the focused event
 * (picked in the event log) ringed. Only events of the
 * visible range, already collected by the frame (leader periods: see
 * conclave-timeline-leaders.c).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-drawing.h"
#include "conclave-palette.h"
#include "conclave-timeline-frame.h"

/* A group state change: a crown when a leader is crowned, a ballot ring
 * when an election starts (a candidate), a diamond for any other change
 * (a follower learning a new leader, term or view). */
static void
draw_state (ConclaveTimelineFrame *frame,
            const ConclaveEvent   *event,
            double                 x,
            double                 y,
            double                 r)
{
  const char *role = conclave_event_store_str (frame->store, conclave_event_state_role (event));
  cairo_t *cr = frame->cr;

  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_LEADER, 1);
  if (g_strcmp0 (role, "leader") == 0)
    conclave_draw_crown (cr, x, y - r * 0.2, r * 1.6);
  else if (g_strcmp0 (role, "candidate") == 0)
    {
      cairo_set_line_width (cr, 2);
      cairo_arc (cr, x, y, r * 0.9, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_arc (cr, x, y, r * 0.35, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  else
    {
      cairo_move_to (cr, x, y - r * 0.8);
      cairo_line_to (cr, x + r * 0.8, y);
      cairo_line_to (cr, x, y + r * 0.8);
      cairo_line_to (cr, x - r * 0.8, y);
      cairo_close_path (cr);
      cairo_fill (cr);
    }
}

static void
marker_shape (ConclaveTimelineFrame *frame,
              const ConclaveEvent   *event,
              double                 x,
              double                 y,
              double                 r)
{
  cairo_t *cr = frame->cr;

  switch (event->type)
    {
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
      conclave_draw_set_color (cr, _conclave_timeline_kind_color (frame, conclave_event_kind (event)), 1);
      cairo_arc (cr, x, y, r * 0.55, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_HELD:  /* arrived, not yet received: an open ring */
      conclave_draw_set_color (cr, _conclave_timeline_kind_color (frame, conclave_event_kind (event)), 1);
      cairo_arc (cr, x, y, r * 0.55, 0, 2 * G_PI);
      cairo_stroke (cr);
      break;
    case CONCLAVE_EVENT_HELLO:
    case CONCLAVE_EVENT_SOCKET:
      conclave_draw_set_color (cr, &frame->fg, 0.8);
      cairo_rectangle (cr, x - r * 0.45, y - r * 0.45, r * 0.9, r * 0.9);
      cairo_stroke (cr);
      break;
    case CONCLAVE_EVENT_EXIT:
    case CONCLAVE_EVENT_STOP:
      conclave_draw_set_color (cr, &frame->fg, 0.85);
      cairo_rectangle (cr, x - 1.5, y - r, 3, 2 * r);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_EXITED:
      if (conclave_event_exited_signal (event) != 0)
        {
          _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
          conclave_draw_cross (cr, x, y, r);
        }
      break;
    case CONCLAVE_EVENT_PAUSE:
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_PAUSED, 1);
      conclave_draw_pause (cr, x, y, 2 * r);
      break;
    case CONCLAVE_EVENT_RESUME:
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_PAUSED, 1);
      cairo_move_to (cr, x - r * 0.6, y - r);
      cairo_line_to (cr, x + r * 0.8, y);
      cairo_line_to (cr, x - r * 0.6, y + r);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_STATE:
      draw_state (frame, event, x, y, r);
      break;
    case CONCLAVE_EVENT_DELIVER:
    case CONCLAVE_EVENT_ACKED:
      conclave_draw_set_color (cr, &frame->fg, 0.7);
      cairo_arc (cr, x, y, r * 0.4, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_VIOLATION:
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
      cairo_move_to (cr, x, y - r * 1.2);
      cairo_line_to (cr, x + r, y + r * 0.6);
      cairo_line_to (cr, x - r, y + r * 0.6);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    default:
      break;
    }
}

/* A fork draws a dotted line from the parent down to the child's lane. */
static void
draw_fork (ConclaveTimelineFrame *frame,
           const ConclaveEvent   *event,
           double                 x,
           double                 y)
{
  ConclaveProcessInfo *child = conclave_event_store_find_process (frame->store, conclave_event_fork_child (event));
  int row = child ? conclave_timeline_rows_for_proc (frame->painter->rows, child->index) : -1;
  double dots[] = { 1, 3 };

  if (row < 0)
    return;
  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_CHILD, 0.9);
  cairo_set_dash (frame->cr, dots, 2, 0);
  cairo_move_to (frame->cr, x, y);
  cairo_line_to (frame->cr, x, frame->row_y[row]);
  cairo_stroke (frame->cr);
  cairo_set_dash (frame->cr, NULL, 0, 0);
}

/* Where the full frame put event's label; NULL if it drew none. */
static const ConclaveTimelineOpLabel *
find_op_label (ConclaveTimelinePainter *self,
               guint64                  event)
{
  for (guint i = 0; i < self->op_labels->len; i++)
    if (g_array_index (self->op_labels, ConclaveTimelineOpLabel, i).event == event)
      return &g_array_index (self->op_labels, ConclaveTimelineOpLabel, i);
  return NULL;
}

/* A socket's operation ("bind", "connect", "close") beside its marker:
 * under the lifeline, or over it when the label before on the row is
 * still in the way there, or not at all: two never overlap. `right` holds
 * the row's two right edges so far (under, over). Lit again over the veil
 * (lit_only), a label goes where the full frame put it. */
static void
draw_socket_label (ConclaveTimelineFrame *frame,
                   const ConclaveEvent   *event,
                   guint64                index,
                   double                 x,
                   double                 y,
                   double                *right)
{
  ConclaveTimelinePainter *self = frame->painter;
  guint32 op_id = conclave_event_socket_op (event);
  const char *op = op_id ? conclave_event_store_str (frame->store, op_id) : NULL;
  ConclaveTimelineOpLabel label = { .event = index };
  int w, h, place;

  if (op == NULL || self->real_time || self->step_px < 30)
    return;
  pango_layout_set_text (self->small_layout, op, -1);
  if (frame->lit_only != NULL)
    {
      const ConclaveTimelineOpLabel *drawn = find_op_label (self, index);

      if (drawn == NULL)
        return;
      label = *drawn;
    }
  else
    {
      pango_layout_get_pixel_size (self->small_layout, &w, &h);
      for (place = 0; place < 2 && x + 4 < right[place] + 6; place++)
        ;
      if (place == 2)
        return;
      label.x = x + 4;
      label.y = place == 0 ? y + 1 : y - 1 - h;
      label.width = w;
      label.height = h;
      right[place] = label.x + w;
      g_array_append_val (self->op_labels, label);
    }
  conclave_draw_set_color (frame->cr, &frame->fg, 0.7);
  cairo_move_to (frame->cr, label.x, label.y);
  conclave_draw_layout (frame->cr, self->small_layout);
}

void
_conclave_timeline_draw_markers (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  double r = MAX (self->line_height * 0.32, 4);
  /* With thousands of events in view, message ends are just noise. */
  gboolean message_ends = frame->marks->len <= 1500;
  /* Per row, where its socket labels end so far: under and over the line. */
  g_autofree double *label_right = g_new (double, 2 * MAX (frame->n_rows, 1));

  for (guint i = 0; i < 2 * frame->n_rows; i++)
    label_right[i] = -G_MAXDOUBLE;
  if (frame->lit_only == NULL)
    g_array_set_size (self->op_labels, 0);

  g_array_set_size (self->hit_markers, 0);
  cairo_set_line_width (frame->cr, self->presentation ? 2.5 : 1.6);
  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);
      const ConclaveEvent *event = conclave_event_store_get (frame->store, mark->index);
      gboolean message = conclave_event_type_is_message (mark->type);
      ConclaveHitMarker hit;
      double x, y;

      if (event == NULL || (message && !message_ends))
        continue;
      x = _conclave_timeline_event_x (frame, mark->index, mark->time_ns);
      y = frame->row_y[mark->row];
      if (mark->type == CONCLAVE_EVENT_FORK)
        draw_fork (frame, event, x, y);
      marker_shape (frame, event, x, y, r);
      if (mark->type == CONCLAVE_EVENT_SOCKET)
        draw_socket_label (frame, event, mark->index, x, y, &label_right[2 * mark->row]);
      hit.x = x;
      hit.y = y;
      hit.event = mark->index;
      g_array_append_val (self->hit_markers, hit);
      self->stats.markers++;
    }
}

/* The event picked in the event log, ringed. */
void
_conclave_timeline_draw_focus (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  double r = MAX (self->line_height * 0.7, 8);

  self->focus_drawn = FALSE;
  if (self->focused == G_MAXUINT64)
    return;
  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);

      if (mark->index != self->focused)
        continue;
      self->focus_x = _conclave_timeline_event_x (frame, mark->index, mark->time_ns);
      self->focus_drawn = self->focus_x >= frame->x0 && self->focus_x <= frame->x1;
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_SELECTION, 0.35);
      cairo_arc (frame->cr, self->focus_x, frame->row_y[mark->row], r, 0, 2 * G_PI);
      cairo_fill_preserve (frame->cr);
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_PAUSED, 1);
      cairo_set_line_width (frame->cr, self->presentation ? 3.5 : 2.5);
      cairo_stroke (frame->cr);
      return;
    }
}
