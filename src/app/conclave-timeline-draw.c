/* conclave-timeline-draw.c — one frame of the timeline.
 *
 * Collect: the events of the visible range (store range query), in time
 * order; in the logical layout, the latest N of them become N steps. Lay
 * out: rows, then x for a time or an event. Draw, into one cairo node:
 * lifelines, arrows (batched by colour; past BIN_LIMIT, binned into traffic
 * bars per row and slice of time, with a sample of the arrows), markers,
 * labels. Must never look outside the visible range, except the process
 * table for lifelines (one entry per process, not per event).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "conclave-address.h"
#include "conclave-drawing.h"
#include "conclave-event-format.h"
#include "conclave-palette.h"
#include "conclave-timeline-private.h"

#define BIN_LIMIT      600      /* more arrows than this are drawn as bins */
#define BIN_PX         4        /* width of a bin's slice of time */
#define BIN_SAMPLES    150      /* arrows still drawn one by one when binning */
#define MAX_MARKS      200000   /* safety bound on one frame's events */
#define GUTTER_MAX     170

typedef struct {
  gint64  time_ns;
  guint64 index;
  int     row;
  guint16 type;
} Mark;

typedef enum {
  ARROW_SOLID,
  ARROW_DASHED,     /* in flight */
  ARROW_FAILED,     /* dropped: ends in a cross */
  ARROW_LOST,       /* lost: dashed, ends in a question mark */
} ArrowStyle;

typedef struct {
  float   x1, y1, x2, y2;
  gint16  src_row;
  gint16  dst_row;      /* -1 when not known */
  guint32 kind;
  guint8  style;
  guint64 message;
} Arrow;

typedef struct {
  ConclaveTimeline   *self;
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  gint64              now;
  gint64              t_start;
  gint64              t_end;
  double              x0, x1, y0, y1;   /* plot area */
  double              width, height;
  guint               n_rows;
  double             *row_y;
  double             *row_h;
  GArray             *marks;            /* Mark, time order */
  GHashTable         *step_of;          /* logical: event index → step + 1 */
  guint               n_steps;
  double              step_origin;      /* logical: x of step 0 */
  gboolean            dark;
  GdkRGBA             fg;
  GArray             *arrows;
  ConclaveKindColors *kind_colors;
  cairo_t            *cr;
} Frame;

/* Which events get a place on the timeline (and a step in the logical
 * layout): what a process did, and what was done to it. A crash shows once,
 * where the process died (its "exited" by a signal), not also where the
 * controller sent the signal. */
static gboolean
is_marked (guint16 type)
{
  switch (type)
    {
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_HELLO:
    case CONCLAVE_EVENT_SOCKET:
    case CONCLAVE_EVENT_FORK:
    case CONCLAVE_EVENT_EXIT:
    case CONCLAVE_EVENT_STATE:
    case CONCLAVE_EVENT_DELIVER:
    case CONCLAVE_EVENT_ACKED:
    case CONCLAVE_EVENT_STOP:
    case CONCLAVE_EVENT_PAUSE:
    case CONCLAVE_EVENT_RESUME:
    case CONCLAVE_EVENT_EXITED:
    case CONCLAVE_EVENT_VIOLATION:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_controller_event (guint16 type)
{
  return type >= CONCLAVE_EVENT_SPAWN && type <= CONCLAVE_EVENT_FAULT;
}

static int
event_row (Frame               *frame,
           const ConclaveEvent *event)
{
  int row = conclave_timeline_rows_for_proc (frame->self->rows, event->proc);

  if (row < 0 && is_controller_event (event->type) && event->s[0] != 0)
    row = conclave_timeline_rows_for_node (frame->self->rows, event->s[0]);
  return row;
}

/* Collecting */

typedef struct {
  Frame  *frame;
  GArray *marks;
} Collect;

static gboolean
collect_mark (const ConclaveEvent *event,
              guint64              index,
              gpointer             user_data)
{
  Collect *collect = user_data;
  Mark mark;

  if (!is_marked (event->type))
    return TRUE;
  mark.row = event_row (collect->frame, event);
  if (mark.row < 0)
    return TRUE;
  mark.time_ns = event->time_ns;
  mark.index = index;
  mark.type = event->type;
  g_array_append_val (collect->marks, mark);
  return collect->marks->len < MAX_MARKS;
}

static int
compare_marks (gconstpointer a,
               gconstpointer b)
{
  const Mark *ma = a, *mb = b;

  if (ma->time_ns != mb->time_ns)
    return ma->time_ns < mb->time_ns ? -1 : 1;
  return ma->index < mb->index ? -1 : ma->index > mb->index;
}

static void
collect_range (Frame  *frame,
               gint64  from,
               gint64  to)
{
  Collect collect = { frame, frame->marks };

  g_array_set_size (frame->marks, 0);
  conclave_event_store_foreach_in_range (frame->store, from, to, collect_mark, &collect);
  g_array_sort (frame->marks, compare_marks);
}

/* Logical layout: look back far enough for N steps (the span adapts from
 * frame to frame), keep the latest N, and give each its step. */
static void
collect_logical (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  guint needed = MAX (2, (guint) ((frame->x1 - frame->x0) / self->step_px) + 1);
  gint64 oldest = conclave_event_store_get_min_time (frame->store);
  gint64 span = MAX (self->logical_span, 1000000);

  for (int attempt = 0; attempt < 12; attempt++)
    {
      collect_range (frame, frame->t_end - span, frame->t_end);
      if (frame->marks->len >= needed || frame->t_end - span <= oldest)
        break;
      span *= 4;
    }
  if (frame->marks->len > needed)
    g_array_remove_range (frame->marks, 0, frame->marks->len - needed);
  if (frame->marks->len > 0)
    {
      gint64 covered = frame->t_end - g_array_index (frame->marks, Mark, 0).time_ns;

      self->logical_span = MAX (covered + covered / 2, 1000000);
      frame->t_start = g_array_index (frame->marks, Mark, 0).time_ns;
    }
  else
    frame->t_start = frame->t_end - span;
  frame->n_steps = frame->marks->len;
  /* Few events yet: they start at the left and grow to the right; once the
   * width is full, the newest is at the right edge. */
  if (frame->n_steps < needed)
    frame->step_origin = frame->x0 + self->step_px / 2;
  else
    frame->step_origin = frame->x1 - (frame->n_steps - 1) * self->step_px;
  g_array_set_size (self->step_times, frame->n_steps);
  for (guint i = 0; i < frame->n_steps; i++)
    {
      const Mark *mark = &g_array_index (frame->marks, Mark, i);

      g_array_index (self->step_times, gint64, i) = mark->time_ns;
      g_hash_table_insert (frame->step_of, GSIZE_TO_POINTER ((gsize) mark->index), GUINT_TO_POINTER (i + 1));
    }
}

/* Layout: x for a step, a time, an event */

static double
step_x (Frame *frame,
        double step)
{
  return frame->step_origin + step * frame->self->step_px;
}

static double
time_x (Frame  *frame,
        gint64  time_ns)
{
  GArray *times = frame->self->step_times;
  guint lo = 0, hi;

  if (frame->self->real_time)
    return CLAMP (frame->x1 - (frame->t_end - time_ns) / frame->self->ns_per_px, frame->x0, frame->x1);
  if (frame->n_steps == 0)
    return frame->x1;
  if (time_ns <= g_array_index (times, gint64, 0))
    return MAX (step_x (frame, 0) - frame->self->step_px / 2, frame->x0);
  if (time_ns > g_array_index (times, gint64, frame->n_steps - 1))
    return MIN (step_x (frame, frame->n_steps - 1) + frame->self->step_px, frame->x1);
  /* The first step at or after time_ns, halfway from the one before. */
  hi = frame->n_steps - 1;
  while (lo < hi)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (times, gint64, mid) < time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (g_array_index (times, gint64, lo) == time_ns)
    return step_x (frame, lo);
  return step_x (frame, lo - 0.5);
}

static double
event_x (Frame  *frame,
         guint64 index,
         gint64  time_ns)
{
  gpointer step;

  if (!frame->self->real_time &&
      g_hash_table_lookup_extended (frame->step_of, GSIZE_TO_POINTER ((gsize) index), NULL, &step))
    return step_x (frame, GPOINTER_TO_UINT (step) - 1);
  return time_x (frame, time_ns);
}

static void
layout_rows (Frame *frame)
{
  ConclaveTimelineRows *rows = frame->self->rows;
  double line = frame->self->line_height;
  double total = 0, unit, y;

  frame->n_rows = conclave_timeline_rows_get_n (rows);
  frame->row_y = g_new (double, MAX (frame->n_rows, 1));
  frame->row_h = g_new (double, MAX (frame->n_rows, 1));
  for (guint i = 0; i < frame->n_rows; i++)
    total += conclave_timeline_rows_get (rows, i)->lane ? 0.62 : 1.0;
  unit = MIN ((frame->y1 - frame->y0) / MAX (total, 1), 3.0 * line);
  y = frame->y0;
  for (guint i = 0; i < frame->n_rows; i++)
    {
      double h = unit * (conclave_timeline_rows_get (rows, i)->lane ? 0.62 : 1.0);

      frame->row_y[i] = y + h / 2;
      frame->row_h[i] = h;
      y += h;
    }
}

/* Colours */

static const GdkRGBA *
kind_color (Frame   *frame,
            guint32  kind)
{
  return conclave_kind_colors_lookup (frame->kind_colors, kind);
}

static void
set_palette (Frame        *frame,
             ConclaveColor color,
             double        alpha)
{
  GdkRGBA rgba;

  conclave_palette_get (color, frame->dark, &rgba);
  conclave_draw_set_color (frame->cr, &rgba, alpha);
}

/* Rows and lifelines */

static const char *
node_name (Frame   *frame,
           guint32  node)
{
  const char *name = conclave_event_store_str (frame->store, node);

  return name ? name : "";
}

static void
draw_row_backgrounds (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  const char *selected = self->selected ? conclave_node_get_name (self->selected) : NULL;
  ConclaveNode *parent = self->selected ? conclave_node_get_parent (self->selected) : NULL;

  if (parent != NULL)
    selected = conclave_node_get_name (parent);
  for (guint i = 0; i < frame->n_rows; i++)
    {
      const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
      double top = frame->row_y[i] - frame->row_h[i] / 2;

      if (g_strcmp0 (selected, node_name (frame, row->node)) == 0)
        set_palette (frame, CONCLAVE_COLOR_SELECTION, 0.18);
      else if (row->lane == 0 && i % 2 == 0)
        conclave_draw_set_color (frame->cr, &frame->fg, 0.03);
      else
        continue;
      cairo_rectangle (frame->cr, 0, top, frame->width, frame->row_h[i]);
      cairo_fill (frame->cr);
    }
}

static void
draw_lifelines (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  guint n = conclave_event_store_get_n_processes (frame->store);
  double width = self->presentation ? 3.5 : 2.5;

  cairo_set_line_cap (frame->cr, CAIRO_LINE_CAP_BUTT);
  for (guint32 proc = 1; proc <= n; proc++)
    {
      ConclaveProcessInfo *process = conclave_event_store_get_process (frame->store, proc);
      int row = process ? conclave_timeline_rows_for_proc (self->rows, proc) : -1;
      const ConclaveTimelineRow *info;
      gint64 end;
      double xa, xb;

      if (row < 0)
        continue;
      end = process->connected ? frame->now : process->last_ns;
      if (end < frame->t_start || process->first_ns > frame->t_end)
        continue;
      info = conclave_timeline_rows_get (self->rows, row);
      xa = time_x (frame, process->first_ns);
      xb = process->connected ? frame->x1 : time_x (frame, end);
      set_palette (frame, info->lane ? CONCLAVE_COLOR_CHILD
                                     : info->server ? CONCLAVE_COLOR_SERVER : CONCLAVE_COLOR_CLIENT,
                   info->lane ? 0.75 : 1);
      cairo_set_line_width (frame->cr, info->lane ? width * 0.6 : width);
      cairo_move_to (frame->cr, xa, frame->row_y[row]);
      cairo_line_to (frame->cr, MAX (xb, xa + 1), frame->row_y[row]);
      cairo_stroke (frame->cr);
      self->stats.lifelines++;
      /* A child's PID where it was born (the gutter names the lane's latest). */
      if (info->lane > 0 && process->first_ns >= frame->t_start)
        {
          g_autofree char *pid = g_strdup_printf ("%d", process->pid);

          pango_layout_set_text (self->small_layout, pid, -1);
          cairo_move_to (frame->cr, xa + 3, frame->row_y[row] - frame->self->line_height * 0.95);
          pango_cairo_show_layout (frame->cr, self->small_layout);
        }
    }
}

/* Arrows */

/* A message whose receiver has not reported yet: the row of the node that
 * owns its destination address. */
static int
row_for_address (Frame                 *frame,
                 const ConclaveMessage *message)
{
  const ConclaveEvent *send = conclave_event_store_get (frame->store, message->send_index);
  ConclaveNode *node;
  ConclaveProcessInfo *process;

  if (send == NULL || send->s[2] == 0)
    return -1;
  node = conclave_address_find_node (frame->self->cluster, conclave_event_store_str (frame->store, send->s[2]));
  process = node ? conclave_event_store_find_process (frame->store, conclave_node_get_pid (node)) : NULL;
  return process ? conclave_timeline_rows_for_proc (frame->self->rows, process->index) : -1;
}

static gboolean
dropped_at_receiver (Frame                 *frame,
                     const ConclaveMessage *message)
{
  const ConclaveEvent *drop = conclave_event_store_get (frame->store, message->recv_index);

  return drop != NULL && (drop->flags & CONCLAVE_EVENT_FLAG_DIR_RECV) != 0;
}

static gboolean
collect_arrow (const ConclaveMessage *message,
               guint64                index,
               gpointer               user_data)
{
  Frame *frame = user_data;
  int src = conclave_timeline_rows_for_proc (frame->self->rows, message->src_proc);
  int dst = message->dst_proc ? conclave_timeline_rows_for_proc (frame->self->rows, message->dst_proc)
                              : row_for_address (frame, message);
  Arrow arrow = { 0, };
  double ys, yd;

  if (message->state == CONCLAVE_MESSAGE_UNSENT || src < 0)
    return TRUE;
  ys = frame->row_y[src];
  yd = dst >= 0 ? frame->row_y[dst] : ys + (frame->row_h[src]);
  arrow.x1 = event_x (frame, message->send_index, message->send_ns);
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
      arrow.x2 = event_x (frame, message->recv_index, message->recv_ns);
      arrow.y2 = yd;
      arrow.style = ARROW_SOLID;
      break;
    case CONCLAVE_MESSAGE_IN_FLIGHT:
      arrow.x2 = frame->self->real_time ? time_x (frame, frame->now) : frame->x1;
      arrow.y2 = ys + (yd - ys) * 0.5;
      arrow.style = ARROW_DASHED;
      break;
    case CONCLAVE_MESSAGE_DROPPED:
      arrow.x2 = event_x (frame, message->recv_index, message->recv_ns);
      arrow.y2 = ys + (yd - ys) * (dropped_at_receiver (frame, message) ? 0.85 : 0.4);
      arrow.style = ARROW_FAILED;
      break;
    case CONCLAVE_MESSAGE_LOST:
    default:
      arrow.x2 = frame->self->real_time ? time_x (frame, message->recv_ns)
                                        : MIN (arrow.x1 + 2 * frame->self->step_px, frame->x1);
      arrow.y2 = ys + (yd - ys) * 0.6;
      arrow.style = ARROW_LOST;
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
  const Arrow *aa = a, *ab = b;

  if (aa->style != ab->style)
    return aa->style - ab->style;
  return aa->kind < ab->kind ? -1 : aa->kind > ab->kind;
}

static void
arrow_color (Frame       *frame,
             const Arrow *arrow,
             double       alpha)
{
  if (arrow->style == ARROW_FAILED || arrow->style == ARROW_LOST)
    set_palette (frame, CONCLAVE_COLOR_FAILED, alpha);
  else
    conclave_draw_set_color (frame->cr, kind_color (frame, arrow->kind), alpha);
}

/* Shafts of one colour and style in one stroke, heads in one fill. */
static void
draw_arrow_group (Frame *frame,
                  guint  from,
                  guint  to)
{
  cairo_t *cr = frame->cr;
  const Arrow *first = &g_array_index (frame->arrows, Arrow, from);
  double head = MAX (frame->self->line_height * 0.42, 5);
  double dashes[] = { 4, 3 };

  arrow_color (frame, first, 0.95);
  cairo_set_dash (cr, dashes, first->style == ARROW_DASHED || first->style == ARROW_LOST ? 2 : 0, 0);
  for (guint i = from; i < to; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);
      double len = MAX (hypot (a->x2 - a->x1, a->y2 - a->y1), 1);

      cairo_move_to (cr, a->x1, a->y1);
      cairo_line_to (cr, a->x2 - (a->x2 - a->x1) / len * head * 0.8,
                     a->y2 - (a->y2 - a->y1) / len * head * 0.8);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  for (guint i = from; i < to; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);

      if (a->style == ARROW_FAILED)
        conclave_draw_cross (cr, a->x2, a->y2, head * 0.6);
      else if (a->style == ARROW_SOLID || a->style == ARROW_DASHED)
        {
          double len = MAX (hypot (a->x2 - a->x1, a->y2 - a->y1), 1);
          double ux = (a->x2 - a->x1) / len, uy = (a->y2 - a->y1) / len;

          cairo_move_to (cr, a->x2, a->y2);
          cairo_line_to (cr, a->x2 - ux * head - uy * head * 0.45, a->y2 - uy * head + ux * head * 0.45);
          cairo_line_to (cr, a->x2 - ux * head + uy * head * 0.45, a->y2 - uy * head - ux * head * 0.45);
          cairo_close_path (cr);
        }
    }
  cairo_fill (cr);
}

static void
draw_lost_marks (Frame *frame)
{
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);

      if (a->style != ARROW_LOST)
        continue;
      set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
      pango_layout_set_text (frame->self->layout, "?", -1);
      cairo_move_to (frame->cr, a->x2 + 2, a->y2 - frame->self->line_height / 2);
      pango_cairo_show_layout (frame->cr, frame->self->layout);
    }
}

static void
draw_arrow_labels (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  /* Name the kind on each arrow while they are few and wide apart. */
  if (self->real_time || self->step_px < 34 || frame->arrows->len > 80)
    return;
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);
      const char *kind = conclave_event_store_str (frame->store, a->kind);
      int w, h;

      if (kind == NULL || a->style == ARROW_LOST)
        continue;
      pango_layout_set_text (self->small_layout, kind, -1);
      pango_layout_get_pixel_size (self->small_layout, &w, &h);
      arrow_color (frame, a, 1);
      cairo_move_to (frame->cr, (a->x1 + a->x2) / 2 + 3, (a->y1 + a->y2) / 2 - h);
      pango_cairo_show_layout (frame->cr, self->small_layout);
    }
}

static void
remember_arrows (Frame *frame)
{
  g_array_set_size (frame->self->hit_arrows, 0);
  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);
      ConclaveHitArrow hit = { a->x1, a->y1, a->x2, a->y2, a->message };

      g_array_append_val (frame->self->hit_arrows, hit);
    }
}

/* Too many to draw one by one: per row and BIN_PX-wide slice of time, a
 * bar above the lifeline for what it sent and one below for what it
 * received, its height growing with the log of the count; and a thin
 * sample of the arrows, so the direction of the traffic still shows. */
static void
add_bin_bar (Frame  *frame,
             guint   count,
             double  x,
             double  y,
             double  room,
             int     direction)
{
  double h = MIN (room, (1 + log2 (count)) * 1.6);

  cairo_rectangle (frame->cr, x, direction < 0 ? y - h : y, BIN_PX - 1, h);
}

static void
draw_binned (Frame *frame)
{
  guint n_bins = (guint) ((frame->x1 - frame->x0) / BIN_PX) + 2;
  g_autofree guint *sent = g_new0 (guint, (gsize) n_bins * frame->n_rows);
  g_autofree guint *received = g_new0 (guint, (gsize) n_bins * frame->n_rows);
  guint every = frame->arrows->len / BIN_SAMPLES + 1, used = 0;

  for (guint i = 0; i < frame->arrows->len; i++)
    {
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);
      guint bs = CLAMP ((a->x1 - frame->x0) / BIN_PX, 0, n_bins - 1);
      guint br = CLAMP ((a->x2 - frame->x0) / BIN_PX, 0, n_bins - 1);

      sent[a->src_row * n_bins + bs]++;
      if (a->dst_row >= 0)
        received[a->dst_row * n_bins + br]++;
    }
  set_palette (frame, CONCLAVE_COLOR_SERVER, 0.8);
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
      const Arrow *a = &g_array_index (frame->arrows, Arrow, i);

      cairo_move_to (frame->cr, a->x1, a->y1);
      cairo_line_to (frame->cr, a->x2, a->y2);
    }
  cairo_stroke (frame->cr);
  frame->self->stats.binned = frame->arrows->len;
  frame->self->stats.bins = used;
}

static void
draw_arrows (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
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
    if (i == frame->arrows->len || compare_arrows (&g_array_index (frame->arrows, Arrow, from),
                                                   &g_array_index (frame->arrows, Arrow, i)) != 0)
      {
        draw_arrow_group (frame, from, i);
        from = i;
      }
  draw_lost_marks (frame);
  draw_arrow_labels (frame);
  remember_arrows (frame);
  self->stats.arrows = frame->arrows->len;
}

/* Markers */

static void
marker_shape (Frame               *frame,
              const ConclaveEvent *event,
              double               x,
              double               y,
              double               r)
{
  cairo_t *cr = frame->cr;

  switch (event->type)
    {
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
      conclave_draw_set_color (cr, kind_color (frame, event->s[0]), 1);
      cairo_arc (cr, x, y, r * 0.55, 0, 2 * G_PI);
      cairo_fill (cr);
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
      if (event->lc != 0)
        {
          set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
          conclave_draw_cross (cr, x, y, r);
        }
      break;
    case CONCLAVE_EVENT_PAUSE:
      set_palette (frame, CONCLAVE_COLOR_PAUSED, 1);
      conclave_draw_pause (cr, x, y, 2 * r);
      break;
    case CONCLAVE_EVENT_RESUME:
      set_palette (frame, CONCLAVE_COLOR_PAUSED, 1);
      cairo_move_to (cr, x - r * 0.6, y - r);
      cairo_line_to (cr, x + r * 0.8, y);
      cairo_line_to (cr, x - r * 0.6, y + r);
      cairo_close_path (cr);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_STATE:
      set_palette (frame, CONCLAVE_COLOR_LEADER, 1);
      conclave_draw_crown (cr, x, y - r * 0.2, r * 1.6);
      break;
    case CONCLAVE_EVENT_DELIVER:
    case CONCLAVE_EVENT_ACKED:
      conclave_draw_set_color (cr, &frame->fg, 0.7);
      cairo_arc (cr, x, y, r * 0.4, 0, 2 * G_PI);
      cairo_fill (cr);
      break;
    case CONCLAVE_EVENT_VIOLATION:
      set_palette (frame, CONCLAVE_COLOR_FAILED, 1);
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
draw_fork (Frame               *frame,
           const ConclaveEvent *event,
           double               x,
           double               y)
{
  ConclaveProcessInfo *child = conclave_event_store_find_process (frame->store, event->num);
  int row = child ? conclave_timeline_rows_for_proc (frame->self->rows, child->index) : -1;
  double dots[] = { 1, 3 };

  if (row < 0)
    return;
  set_palette (frame, CONCLAVE_COLOR_CHILD, 0.9);
  cairo_set_dash (frame->cr, dots, 2, 0);
  cairo_move_to (frame->cr, x, y);
  cairo_line_to (frame->cr, x, frame->row_y[row]);
  cairo_stroke (frame->cr);
  cairo_set_dash (frame->cr, NULL, 0, 0);
}

static void
draw_socket_label (Frame               *frame,
                   const ConclaveEvent *event,
                   double               x,
                   double               y)
{
  const char *op = event->s[0] ? conclave_event_store_str (frame->store, event->s[0]) : NULL;

  if (op == NULL || frame->self->real_time || frame->self->step_px < 30)
    return;
  pango_layout_set_text (frame->self->small_layout, op, -1);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.7);
  cairo_move_to (frame->cr, x + 4, y + 1);
  pango_cairo_show_layout (frame->cr, frame->self->small_layout);
}

static void
draw_markers (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  double r = MAX (self->line_height * 0.32, 4);
  /* With thousands of events in view, message ends are just noise. */
  gboolean message_ends = frame->marks->len <= 1500;

  g_array_set_size (self->hit_markers, 0);
  cairo_set_line_width (frame->cr, self->presentation ? 2.5 : 1.6);
  for (guint i = 0; i < frame->marks->len; i++)
    {
      const Mark *mark = &g_array_index (frame->marks, Mark, i);
      const ConclaveEvent *event = conclave_event_store_get (frame->store, mark->index);
      gboolean message = conclave_event_type_is_message (mark->type);
      ConclaveHitMarker hit;
      double x, y;

      if (event == NULL || (message && !message_ends))
        continue;
      x = event_x (frame, mark->index, mark->time_ns);
      y = frame->row_y[mark->row];
      if (mark->type == CONCLAVE_EVENT_FORK)
        draw_fork (frame, event, x, y);
      marker_shape (frame, event, x, y, r);
      if (mark->type == CONCLAVE_EVENT_SOCKET)
        draw_socket_label (frame, event, x, y);
      hit.x = x;
      hit.y = y;
      hit.event = mark->index;
      g_array_append_val (self->hit_markers, hit);
      self->stats.markers++;
    }
}

/* Leader periods: a thick band on the lifeline from a "leader" state to the
 * next state change of that process. */
static void
draw_leader_bands (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  g_autofree double *since = g_new (double, MAX (frame->n_rows, 1));
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (frame->n_rows, 1));

  for (guint i = 0; i < frame->n_rows; i++)
    since[i] = -1;
  set_palette (frame, CONCLAVE_COLOR_LEADER, 0.55);
  for (guint i = 0; i < frame->marks->len; i++)
    {
      const Mark *mark = &g_array_index (frame->marks, Mark, i);
      const ConclaveEvent *event;
      const char *role;
      double x;

      if (mark->type != CONCLAVE_EVENT_STATE)
        continue;
      event = conclave_event_store_get (frame->store, mark->index);
      role = event && event->s[0] ? conclave_event_store_str (frame->store, event->s[0]) : NULL;
      x = event_x (frame, mark->index, mark->time_ns);
      seen[mark->row] = TRUE;
      if (since[mark->row] >= 0)
        cairo_rectangle (frame->cr, since[mark->row], frame->row_y[mark->row] - 3, x - since[mark->row], 6);
      since[mark->row] = g_strcmp0 (role, "leader") == 0 ? x : -1;
    }
  for (guint row = 0; row < frame->n_rows; row++)
    {
      const ConclaveTimelineRow *info = conclave_timeline_rows_get (self->rows, row);
      ConclaveNode *node;

      if (!seen[row] && info->lane == 0)
        {
          node = conclave_cluster_lookup (self->cluster, node_name (frame, info->node));
          if (node != NULL && conclave_node_is_leader (node))
            since[row] = frame->x0;
        }
      if (since[row] >= 0)
        cairo_rectangle (frame->cr, since[row], frame->row_y[row] - 3, frame->x1 - since[row], 6);
    }
  cairo_fill (frame->cr);
}

/* Axis and labels */

static double
nice_interval (double raw)
{
  double base = pow (10, floor (log10 (raw)));

  if (raw <= base)
    return base;
  if (raw <= 2 * base)
    return 2 * base;
  if (raw <= 5 * base)
    return 5 * base;
  return 10 * base;
}

static char *
format_seconds (double seconds,
                double interval)
{
  int decimals = interval >= 1 ? 0 : (int) ceil (-log10 (interval));

  /* Translators: a time on the timeline's axis, in seconds */
  return g_strdup_printf (_("%.*f s"), MIN (decimals, 6), seconds);
}

static void
axis_label (Frame      *frame,
            double      x,
            const char *text)
{
  int w, h;

  pango_layout_set_text (frame->self->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->self->small_layout, &w, &h);
  cairo_move_to (frame->cr, CLAMP (x - w / 2.0, frame->x0 - 4, frame->width - w - 2), frame->y1 + 2);
  pango_cairo_show_layout (frame->cr, frame->self->small_layout);
}

static void
draw_time_axis (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  double interval = nice_interval (100 * self->ns_per_px / 1e9);
  double first = ceil ((frame->t_start - self->origin_ns) / 1e9 / interval) * interval;

  for (double t = first; (gint64) (t * 1e9) + self->origin_ns <= frame->t_end; t += interval)
    {
      double x = time_x (frame, (gint64) (t * 1e9) + self->origin_ns);
      g_autofree char *label = format_seconds (t, interval);

      conclave_draw_set_color (frame->cr, &frame->fg, 0.08);
      cairo_rectangle (frame->cr, round (x), frame->y0, 1, frame->y1 - frame->y0);
      cairo_fill (frame->cr);
      conclave_draw_set_color (frame->cr, &frame->fg, 0.6);
      axis_label (frame, x, label);
    }
}

/* Enough decimals that neighbouring labels differ (loopback is fast). */
static double
step_axis_resolution (Frame *frame,
                      guint  first,
                      guint  every)
{
  GArray *times = frame->self->step_times;
  gint64 closest = G_MAXINT64;

  for (guint step = first + every; step < frame->n_steps; step += every)
    closest = MIN (closest, g_array_index (times, gint64, step) - g_array_index (times, gint64, step - every));
  if (closest == G_MAXINT64)
    return 0.001;
  return CLAMP (nice_interval (closest / 1e9 / 2), 1e-6, 0.001);
}

static void
draw_step_axis (Frame *frame)
{
  ConclaveTimeline *self = frame->self;
  guint every = MAX (1, (guint) ceil (110 / self->step_px));
  guint first = (frame->n_steps - 1) % every;
  double resolution = step_axis_resolution (frame, first, every);

  for (guint step = first; step < frame->n_steps; step += every)
    {
      gint64 t = g_array_index (self->step_times, gint64, step);
      g_autofree char *label = format_seconds ((t - self->origin_ns) / 1e9, resolution);
      double x = step_x (frame, step);

      conclave_draw_set_color (frame->cr, &frame->fg, 0.08);
      cairo_rectangle (frame->cr, round (x), frame->y0, 1, frame->y1 - frame->y0);
      cairo_fill (frame->cr);
      conclave_draw_set_color (frame->cr, &frame->fg, 0.6);
      axis_label (frame, x, label);
    }
}

/* The gutter holds "name · PID" of each row; it also takes the row labels'
 * text, so both are made by one function. */
static char *
row_label (Frame *frame,
           guint  i)
{
  ConclaveTimeline *self = frame->self;
  const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
  const char *name = node_name (frame, row->node);
  ConclaveNode *node;
  ConclaveProcessInfo *child;

  if (row->lane > 0)
    {
      child = conclave_event_store_get_process (frame->store, conclave_timeline_rows_get_lane_proc (self->rows, i));
      return child ? g_strdup_printf ("  ↳ %d", child->pid) : g_strdup ("  ↳");
    }
  node = conclave_cluster_lookup (self->cluster, name);
  return conclave_format_node_label (name, node ? conclave_node_get_pid (node) : 0);
}

static double
gutter_width (ConclaveTimeline *self,
              Frame            *frame)
{
  int widest = 0;

  for (guint i = 0; i < frame->n_rows; i++)
    {
      g_autofree char *text = row_label (frame, i);
      int w;

      pango_layout_set_text (self->layout, text, -1);
      pango_layout_get_pixel_size (self->layout, &w, NULL);
      widest = MAX (widest, w);
    }
  return MIN (widest + 16, GUTTER_MAX);
}

static void
draw_gutter (Frame *frame)
{
  ConclaveTimeline *self = frame->self;

  cairo_save (frame->cr);
  cairo_rectangle (frame->cr, 0, 0, frame->x0 - 10, frame->height);
  cairo_clip (frame->cr);
  for (guint i = 0; i < frame->n_rows; i++)
    {
      const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
      g_autofree char *text = row_label (frame, i);
      PangoLayout *layout = row->lane ? self->small_layout : self->layout;
      int h;

      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, NULL, &h);
      if (row->lane > 0)
        set_palette (frame, CONCLAVE_COLOR_CHILD, 1);
      else
        conclave_draw_set_color (frame->cr, &frame->fg, 0.95);
      cairo_move_to (frame->cr, 8, frame->row_y[i] - h / 2.0);
      pango_cairo_show_layout (frame->cr, layout);
    }
  cairo_restore (frame->cr);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.15);
  cairo_rectangle (frame->cr, frame->x0 - 10, 0, 1, frame->height);
  cairo_fill (frame->cr);
}

static void
draw_status (Frame      *frame,
             const char *text)
{
  int w, h;

  pango_layout_set_text (frame->self->layout, text, -1);
  pango_layout_get_pixel_size (frame->self->layout, &w, &h);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.55);
  cairo_move_to (frame->cr, (frame->width - w) / 2, (frame->height - h) / 2);
  pango_cairo_show_layout (frame->cr, frame->self->layout);
}

static void
draw_binned_note (Frame *frame)
{
  g_autofree char *text = NULL;
  int w, h;

  if (frame->self->stats.binned == 0)
    return;
  text = g_strdup_printf (_("%u messages in view: bars show how many each process sent (above) "
                            "and received (below); zoom in for single arrows"),
                          frame->self->stats.binned);
  pango_layout_set_text (frame->self->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->self->small_layout, &w, &h);
  /* On a plate, so it stays readable over the bars. */
  cairo_set_source_rgba (frame->cr, frame->dark ? 0.12 : 1, frame->dark ? 0.12 : 1, frame->dark ? 0.12 : 1, 0.9);
  conclave_draw_rounded_rect (frame->cr, frame->x1 - w - 8, frame->y0, w + 8, h + 4, 4);
  cairo_fill (frame->cr);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.85);
  cairo_move_to (frame->cr, frame->x1 - w - 4, frame->y0 + 2);
  pango_cairo_show_layout (frame->cr, frame->self->small_layout);
}

static void
draw_now (Frame *frame)
{
  double x;

  if (!frame->self->real_time || frame->now > frame->t_end)
    return;
  x = time_x (frame, frame->now);
  set_palette (frame, CONCLAVE_COLOR_FAILED, 0.6);
  cairo_rectangle (frame->cr, round (x), frame->y0, 1.5, frame->y1 - frame->y0);
  cairo_fill (frame->cr);
}

/* The frame */

static void
ensure_layouts (ConclaveTimeline *self)
{
  if (self->layout != NULL)
    return;
  self->layout = conclave_palette_layout_new (GTK_WIDGET (self), 1.0, FALSE);
  self->small_layout = conclave_palette_layout_new (GTK_WIDGET (self), 0.8, FALSE);
  self->line_height = conclave_palette_line_height (self->layout);
}

static void
frame_init (Frame            *frame,
            ConclaveTimeline *self,
            gint64            now_ns)
{
  memset (frame, 0, sizeof *frame);
  frame->self = self;
  frame->store = conclave_cluster_get_store (self->cluster);
  frame->matcher = conclave_cluster_get_matcher (self->cluster);
  frame->now = now_ns;
  frame->width = gtk_widget_get_width (GTK_WIDGET (self));
  frame->height = gtk_widget_get_height (GTK_WIDGET (self));
  frame->dark = conclave_palette_is_dark ();
  conclave_palette_widget_fg (GTK_WIDGET (self), &frame->fg);
  frame->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  frame->arrows = g_array_new (FALSE, FALSE, sizeof (Arrow));
  frame->step_of = g_hash_table_new (g_direct_hash, g_direct_equal);
  frame->kind_colors = conclave_kind_colors_new (frame->store, frame->dark);
  frame->t_end = self->following ? now_ns : self->t_end;
  if (self->origin_ns == 0 && conclave_event_store_get_end (frame->store) > 0)
    self->origin_ns = conclave_event_store_get_min_time (frame->store);
}

static void
frame_clear (Frame *frame)
{
  g_array_unref (frame->marks);
  g_array_unref (frame->arrows);
  g_hash_table_unref (frame->step_of);
  conclave_kind_colors_free (frame->kind_colors);
  g_free (frame->row_y);
  g_free (frame->row_h);
}

static void
draw_plot (Frame *frame)
{
  cairo_save (frame->cr);
  cairo_rectangle (frame->cr, frame->x0 - 6, 0, frame->x1 - frame->x0 + 12, frame->height);
  cairo_clip (frame->cr);
  if (frame->self->real_time)
    draw_time_axis (frame);
  else if (frame->n_steps > 0)
    draw_step_axis (frame);
  draw_lifelines (frame);
  draw_leader_bands (frame);
  draw_arrows (frame);
  draw_markers (frame);
  draw_now (frame);
  cairo_restore (frame->cr);
}

void
_conclave_timeline_draw (ConclaveTimeline *self,
                         GtkSnapshot      *snapshot,
                         gint64            now_ns)
{
  Frame frame;

  memset (&self->stats, 0, sizeof self->stats);
  if (self->cluster == NULL || gtk_widget_get_width (GTK_WIDGET (self)) < 80)
    return;
  ensure_layouts (self);
  conclave_timeline_rows_update (self->rows, self->cluster);
  frame_init (&frame, self, now_ns);
  frame.n_rows = conclave_timeline_rows_get_n (self->rows);
  frame.x0 = gutter_width (self, &frame) + 10;
  frame.x1 = frame.width - 16;
  frame.y0 = self->line_height * 0.4;
  frame.y1 = frame.height - self->line_height * 1.4;
  layout_rows (&frame);
  self->stats.rows = frame.n_rows;
  if (self->real_time)
    {
      frame.t_start = frame.t_end - (gint64) ((frame.x1 - frame.x0) * self->ns_per_px);
      collect_range (&frame, frame.t_start, frame.t_end + 1);
    }
  else
    collect_logical (&frame);

  frame.cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, frame.width, frame.height));
  if (frame.n_rows == 0)
    draw_status (&frame, _("Each process gets a lifeline here as soon as it starts."));
  else
    {
      draw_row_backgrounds (&frame);
      draw_plot (&frame);
      draw_gutter (&frame);
      draw_binned_note (&frame);
    }
  cairo_destroy (frame.cr);
  frame_clear (&frame);
}
