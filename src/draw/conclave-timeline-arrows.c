/* conclave-timeline-arrows.c — the timeline's messages: an arrow from each
 * send to its receive (batched by colour), dropped ones ending in a cross,
 * lost ones in a question mark, and past BIN_LIMIT in view, bars per row
 * and slice of time with a sample of the arrows. Reads the matcher's range
 * query over the visible time only.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-drawing.h"
#include "conclave-palette.h"
#include "conclave-timeline-frame.h"

#define BIN_LIMIT      600      /* more arrows than this are drawn as bins */
#define BIN_PX         4        /* width of a bin's slice of time */
#define BIN_SAMPLES    150      /* arrows still drawn one by one when binning */

/* A message whose receiver has not reported yet: the row of the node that
 * owns its destination address. */
static int
row_for_address (ConclaveTimelineFrame *frame,
                 const ConclaveMessage *message)
{
  const ConclaveEvent *send = conclave_event_store_get (frame->store, message->send_index);
  ConclaveNode *node;
  ConclaveProcessInfo *process;

  if (send == NULL || frame->painter->cluster == NULL)
    return -1;
  node = conclave_cluster_lookup_address (frame->painter->cluster, conclave_event_dst (send));
  process = node ? conclave_event_store_find_process (frame->store, conclave_node_get_pid (node)) : NULL;
  return process ? conclave_timeline_rows_for_proc (frame->painter->rows, process->index) : -1;
}

static gboolean
dropped_at_receiver (ConclaveTimelineFrame *frame,
                     const ConclaveMessage *message)
{
  const ConclaveEvent *drop = conclave_event_store_get (frame->store, message->recv_index);

  return drop != NULL && (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) != 0;
}

/* Held by its receiver (step mode): the arrow reaches the receiver's row
 * where it arrived, and waits there with an open head. */
static gboolean
held_arrow (ConclaveTimelineFrame *frame, const ConclaveMessage *message, ConclaveTimelineArrow *arrow)
{
  ConclaveCluster *cluster = frame->painter->cluster;
  ConclaveHeld *held;
  int row;

  if (cluster == NULL || conclave_hold_get_n_held (conclave_cluster_get_hold (cluster)) == 0
      || (held = conclave_hold_find_key (conclave_cluster_get_hold (cluster), message->key)) == NULL
      || (row = conclave_timeline_rows_for_proc (frame->painter->rows, conclave_held_get_proc (held))) < 0)
    return FALSE;
  arrow->x2 = _conclave_timeline_event_x (frame, conclave_held_get_index (held), conclave_held_get_time_ns (held));
  arrow->y2 = frame->row_y[row];
  arrow->dst_row = row;
  arrow->style = CONCLAVE_TIMELINE_ARROW_HELD;
  return TRUE;
}

static gboolean
collect_arrow (const ConclaveMessage *message,
               guint64                index,
               gpointer               user_data)
{
  ConclaveTimelineFrame *frame = user_data;
  int src = conclave_timeline_rows_for_proc (frame->painter->rows, message->src_proc);
  int dst = message->dst_proc ? conclave_timeline_rows_for_proc (frame->painter->rows, message->dst_proc)
                              : row_for_address (frame, message);
  ConclaveTimelineArrow arrow = { 0, };
  double ys, yd;

  if (message->state == CONCLAVE_MESSAGE_UNSENT || src < 0)
    return TRUE;
  if (frame->lit_only != NULL && !frame->lit_only->message_lit (frame->lit_only->data, message, index))
    return TRUE;
  if ((message->state == CONCLAVE_MESSAGE_UNHEARD || message->state == CONCLAVE_MESSAGE_NOT_READ) &&
      !frame->painter->show_unheard)
    return TRUE;
  ys = frame->row_y[src];
  yd = dst >= 0 ? frame->row_y[dst] : ys + (frame->row_h[src]);
  arrow.x1 = _conclave_timeline_event_x (frame, message->send_index, message->send_ns);
  arrow.y1 = ys;
  arrow.src_row = src;
  arrow.dst_row = dst;
  arrow.kind = message->kind;
  arrow.message = index;
  switch (message->state)
    {
    case CONCLAVE_MESSAGE_DELIVERED:
      if (dst < 0)
        return TRUE;
      arrow.x2 = _conclave_timeline_event_x (frame, message->recv_index, message->recv_ns);
      arrow.y2 = yd;
      arrow.style = CONCLAVE_TIMELINE_ARROW_SOLID;
      break;
    case CONCLAVE_MESSAGE_IN_FLIGHT:
      if (held_arrow (frame, message, &arrow))
        break;
      arrow.x2 = frame->painter->real_time ? _conclave_timeline_time_x (frame, frame->now) : frame->x1;
      arrow.y2 = ys + (yd - ys) * 0.5;
      arrow.style = CONCLAVE_TIMELINE_ARROW_DASHED;
      break;
    case CONCLAVE_MESSAGE_DROPPED:
      arrow.x2 = _conclave_timeline_event_x (frame, message->recv_index, message->recv_ns);
      arrow.y2 = ys + (yd - ys) * (dropped_at_receiver (frame, message) ? 0.85 : 0.4);
      arrow.style = CONCLAVE_TIMELINE_ARROW_FAILED;
      break;
    case CONCLAVE_MESSAGE_LOST:
    default:
      arrow.x2 = frame->painter->real_time ? _conclave_timeline_time_x (frame, message->recv_ns)
                                        : MIN (arrow.x1 + 2 * frame->painter->step_px, frame->x1);
      arrow.y2 = ys + (yd - ys) * 0.6;
      /* Nobody listened, or nobody read: no alarm, only lost is red. */
      arrow.style = message->state == CONCLAVE_MESSAGE_UNHEARD || message->state == CONCLAVE_MESSAGE_NOT_READ
                    ? CONCLAVE_TIMELINE_ARROW_UNHEARD : CONCLAVE_TIMELINE_ARROW_LOST;
      break;
    }
  if (MAX (arrow.x1, arrow.x2) < frame->x0 || MIN (arrow.x1, arrow.x2) > frame->x1)
    return TRUE;
  g_array_append_val (frame->arrows, arrow);
  return TRUE;
}

static int
compare_arrows (gconstpointer a,
                gconstpointer b)
{
  const ConclaveTimelineArrow *aa = a, *ab = b;

  if (aa->style != ab->style)
    return aa->style - ab->style;
  return aa->kind < ab->kind ? -1 : aa->kind > ab->kind;
}

static void
arrow_color (ConclaveTimelineFrame       *frame,
             const ConclaveTimelineArrow *arrow,
             double                       alpha)
{
  if (arrow->style == CONCLAVE_TIMELINE_ARROW_FAILED || arrow->style == CONCLAVE_TIMELINE_ARROW_LOST)
    _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, alpha);
  else if (arrow->style == CONCLAVE_TIMELINE_ARROW_UNHEARD)
    _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_CRASHED, alpha * 0.7);
  else
    conclave_draw_set_color (frame->cr, _conclave_timeline_kind_color (frame, arrow->kind), alpha);
}

/* Shafts of one colour and style in one stroke, heads in one fill. */
static void
draw_arrow_group (ConclaveTimelineFrame *frame,
                  guint                  from,
                  guint                  to)
{
  cairo_t *cr = frame->cr;
  const ConclaveTimelineArrow *first = &g_array_index (frame->arrows, ConclaveTimelineArrow, from);
  double head = MAX (frame->painter->line_height * 0.42, 5);
  double dashes[] = { 4, 3 };

  arrow_color (frame, first, 0.95);
  cairo_set_dash (cr, dashes, first->style == CONCLAVE_TIMELINE_ARROW_DASHED || first->style >= CONCLAVE_TIMELINE_ARROW_LOST ? 2 : 0, 0);
  for (guint i = from; i < to; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);
      double len = MAX (hypot (a->x2 - a->x1, a->y2 - a->y1), 1);

      cairo_move_to (cr, a->x1, a->y1);
      cairo_line_to (cr, a->x2 - (a->x2 - a->x1) / len * head * 0.8,
                     a->y2 - (a->y2 - a->y1) / len * head * 0.8);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  for (guint i = from; i < to; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);

      if (a->style == CONCLAVE_TIMELINE_ARROW_FAILED)
        conclave_draw_cross (cr, a->x2, a->y2, head * 0.6);
      else if (a->style == CONCLAVE_TIMELINE_ARROW_SOLID || a->style == CONCLAVE_TIMELINE_ARROW_DASHED
               || a->style == CONCLAVE_TIMELINE_ARROW_HELD)
        {
          double len = MAX (hypot (a->x2 - a->x1, a->y2 - a->y1), 1);
          double ux = (a->x2 - a->x1) / len, uy = (a->y2 - a->y1) / len;

          cairo_move_to (cr, a->x2, a->y2);
          cairo_line_to (cr, a->x2 - ux * head - uy * head * 0.45, a->y2 - uy * head + ux * head * 0.45);
          cairo_line_to (cr, a->x2 - ux * head + uy * head * 0.45, a->y2 - uy * head - ux * head * 0.45);
          cairo_close_path (cr);
        }
    }
  /* a held message's head is open: it has not been received yet */
  if (first->style == CONCLAVE_TIMELINE_ARROW_HELD)
    cairo_stroke (cr);
  else
    cairo_fill (cr);
}

static void
draw_lost_marks (ConclaveTimelineFrame *frame)
{
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);

      if (a->style != CONCLAVE_TIMELINE_ARROW_LOST)
        continue;
      _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
      pango_layout_set_text (frame->painter->layout, "?", -1);
      cairo_move_to (frame->cr, a->x2 + 2, a->y2 - frame->painter->line_height / 2);
      conclave_draw_layout (frame->cr, frame->painter->layout);
    }
}

static void
draw_arrow_labels (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  /* Name the kind on each arrow while they are few and wide apart. */
  if (self->real_time || self->step_px < 34 || frame->arrows->len > 80)
    return;
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);
      const char *kind = conclave_event_store_str (frame->store, a->kind);
      int w, h;

      if (kind == NULL || a->style >= CONCLAVE_TIMELINE_ARROW_LOST)
        continue;
      pango_layout_set_text (self->small_layout, kind, -1);
      pango_layout_get_pixel_size (self->small_layout, &w, &h);
      arrow_color (frame, a, 1);
      cairo_move_to (frame->cr, (a->x1 + a->x2) / 2 + 3, (a->y1 + a->y2) / 2 - h);
      conclave_draw_layout (frame->cr, self->small_layout);
    }
}

static void
remember_arrows (ConclaveTimelineFrame *frame)
{
  g_array_set_size (frame->painter->hit_arrows, 0);
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);
      ConclaveHitArrow hit = { a->x1, a->y1, a->x2, a->y2, a->message };

      g_array_append_val (frame->painter->hit_arrows, hit);
    }
}

/* Too many to draw one by one: per row and BIN_PX-wide slice of time, a
 * bar above the lifeline for what it sent and one below for what it
 * received, its height growing with the log of the count; and a thin
 * sample of the arrows, so the direction of the traffic still shows. */
static void
add_bin_bar (ConclaveTimelineFrame *frame,
             guint                  count,
             double                 x,
             double                 y,
             double                 room,
             int                    direction)
{
  double h = MIN (room, (1 + log2 (count)) * 1.6);

  cairo_rectangle (frame->cr, x, direction < 0 ? y - h : y, BIN_PX - 1, h);
}

static void
draw_binned (ConclaveTimelineFrame *frame)
{
  guint n_bins = (guint) ((frame->x1 - frame->x0) / BIN_PX) + 2;
  g_autofree guint *sent = g_new0 (guint, (gsize) n_bins * frame->n_rows);
  g_autofree guint *received = g_new0 (guint, (gsize) n_bins * frame->n_rows);
  guint every = frame->arrows->len / BIN_SAMPLES + 1, used = 0;

  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);
      guint bs = CLAMP ((a->x1 - frame->x0) / BIN_PX, 0, n_bins - 1);
      guint br = CLAMP ((a->x2 - frame->x0) / BIN_PX, 0, n_bins - 1);

      sent[a->src_row * n_bins + bs]++;
      if (a->dst_row >= 0)
        received[a->dst_row * n_bins + br]++;
    }
  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_SERVER, 0.8);
  for (guint row = 0; row < frame->n_rows; row++)
    for (guint b = 0; b < n_bins; b++)
      {
        double x = frame->x0 + b * BIN_PX, y = frame->row_y[row], room = frame->row_h[row] * 0.45;

        if (sent[row * n_bins + b] > 0)
          add_bin_bar (frame, sent[row * n_bins + b], x, y - 2, room, -1), used++;
        if (received[row * n_bins + b] > 0)
          add_bin_bar (frame, received[row * n_bins + b], x, y + 2, room, 1), used++;
      }
  cairo_fill (frame->cr);
  cairo_set_line_width (frame->cr, 1);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.25);
  for (guint i = 0; i < frame->arrows->len; i += every)
    {
      const ConclaveTimelineArrow *a = &g_array_index (frame->arrows, ConclaveTimelineArrow, i);

      cairo_move_to (frame->cr, a->x1, a->y1);
      cairo_line_to (frame->cr, a->x2, a->y2);
    }
  cairo_stroke (frame->cr);
  frame->painter->stats.binned = frame->arrows->len;
  frame->painter->stats.bins = used;
}

void
_conclave_timeline_draw_arrows (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  guint from = 0;

  conclave_matcher_foreach_in_range (frame->matcher, frame->t_start, frame->t_end + 1,
                                     collect_arrow, frame);
  cairo_set_line_cap (frame->cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (frame->cr, self->presentation ? 2.2 : 1.4);
  if (frame->arrows->len > BIN_LIMIT)
    {
      g_array_set_size (self->hit_arrows, 0);
      draw_binned (frame);
      return;
    }
  g_array_sort (frame->arrows, compare_arrows);
  for (guint i = 1; i <= frame->arrows->len; i++)
    if (i == frame->arrows->len || compare_arrows (&g_array_index (frame->arrows, ConclaveTimelineArrow, from),
                                                   &g_array_index (frame->arrows, ConclaveTimelineArrow, i)) != 0)
      {
        draw_arrow_group (frame, from, i);
        from = i;
      }
  draw_lost_marks (frame);
  draw_arrow_labels (frame);
  remember_arrows (frame);
  self->stats.arrows = frame->arrows->len;
}

void
_conclave_timeline_draw_binned_note (ConclaveTimelineFrame *frame)
{
  g_autofree char *text = NULL;
  int w, h;

  if (frame->painter->stats.binned == 0)
    return;
  if (frame->painter->file)
    text = g_strdup_printf (_("%u messages: bars show how many each process sent (above) and received (below)"),
                            frame->painter->stats.binned);
  else
    text = g_strdup_printf (_("%u messages in view: bars show how many each process sent (above) "
                              "and received (below); zoom in for single arrows"),
                            frame->painter->stats.binned);
  pango_layout_set_text (frame->painter->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->painter->small_layout, &w, &h);
  /* On a plate, so it stays readable over the bars. */
  cairo_set_source_rgba (frame->cr, frame->dark ? 0.12 : 1, frame->dark ? 0.12 : 1, frame->dark ? 0.12 : 1, 0.9);
  conclave_draw_rounded_rect (frame->cr, frame->x1 - w - 8, frame->y0, w + 8, h + 4, 4);
  cairo_fill (frame->cr);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.85);
  cairo_move_to (frame->cr, frame->x1 - w - 4, frame->y0 + 2);
  conclave_draw_layout (frame->cr, frame->painter->small_layout);
}
