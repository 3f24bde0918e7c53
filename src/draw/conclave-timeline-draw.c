/* conclave-timeline-draw.c — one frame of the timeline.
 *
 * Collect: the events of the visible range (store range query), in time
 * order; in the logical layout, the latest N of them become N steps, in
 * causal order (a send before its receive, as the event log lists). Lay
 * out: rows, then x for a time or an event. Draw, into the cairo context
 * the owner gives (the widget's snapshot node or a file):
 * row backgrounds and lifelines here; arrows, markers and labels in their
 * own files (conclave-timeline-frame.h). Must never look outside the
 * visible range, except the process table for lifelines (one entry per
 * process, not per event).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "conclave-causal.h"
#include "conclave-drawing.h"
#include "conclave-palette.h"
#include "conclave-timeline-frame.h"

#define MAX_MARKS      200000   /* safety bound on one frame's events */

typedef struct {
  ConclaveTimelineFrame *frame;
  GArray                *marks;
} Collect;

/* Which events get a place on the timeline (and a step in the logical
 * layout): what a process did, and what was done to it. A crash shows once,
 * where the process died (its "exited" by a signal), not also where the
 * controller sent the signal. */
gboolean
conclave_timeline_painter_is_step (guint16 type)
{
  switch (type)
    {
    case CONCLAVE_EVENT_SEND:
    case CONCLAVE_EVENT_RECV:
    case CONCLAVE_EVENT_DROP:
    case CONCLAVE_EVENT_HELD:
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

static int
event_row (ConclaveTimelineFrame *frame,
           const ConclaveEvent   *event)
{
  int row = conclave_timeline_rows_for_proc (frame->painter->rows, event->proc);

  if (row < 0 && CONCLAVE_EVENT_IS_CONTROLLER (event->type) && conclave_event_node (event) != 0)
    row = conclave_timeline_rows_for_node (frame->painter->rows, conclave_event_node (event));
  /* The checker's violations belong to nobody: draw each on the lifeline
   * of the event that caused it. */
  if (row < 0 && event->type == CONCLAVE_EVENT_VIOLATION)
    {
      const ConclaveEvent *cause = conclave_event_store_get (frame->store, event->key);

      if (cause != NULL && cause->type != CONCLAVE_EVENT_VIOLATION)
        row = event_row (frame, cause);
    }
  return row;
}

static gboolean
collect_mark (const ConclaveEvent *event,
              guint64              index,
              gpointer             user_data)
{
  Collect *collect = user_data;
  ConclaveTimelineMark mark;

  if (!conclave_timeline_painter_is_step (event->type))
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
  const ConclaveTimelineMark *ma = a, *mb = b;

  if (ma->time_ns != mb->time_ns)
    return ma->time_ns < mb->time_ns ? -1 : 1;
  return ma->index < mb->index ? -1 : ma->index > mb->index;
}

static void
collect_range (ConclaveTimelineFrame *frame,
               gint64                 from,
               gint64                 to)
{
  Collect collect = { frame, frame->marks };

  g_array_set_size (frame->marks, 0);
  conclave_event_store_foreach_in_range (frame->store, from, to, collect_mark, &collect);
  g_array_sort (frame->marks, compare_marks);
}

/* Logical layout: the steps in causal order, as the event log lists them
 * (a send before its receive even when the receiver's clock is behind).
 * Skipped when the steps' store indices lie too far apart to order cheaply
 * (a process whose old lines arrived very late): time order then. */
#define MAX_CAUSAL_SPAN 20000

static void
order_causally (ConclaveTimelineFrame *frame)
{
  guint64 lo = G_MAXUINT64, hi = 0;
  g_autoptr(GArray) order = NULL;
  g_autoptr(GHashTable) rank = NULL;
  g_autoptr(GArray) sorted = NULL;

  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);

      lo = MIN (lo, mark->index);
      hi = MAX (hi, mark->index);
    }
  if (frame->marks->len < 2 || hi - lo > MAX_CAUSAL_SPAN)
    return;
  order = conclave_causal_order (frame->store, frame->matcher, lo, hi + 1);
  rank = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (guint i = 0; i < frame->marks->len; i++)
    g_hash_table_insert (rank, GSIZE_TO_POINTER ((gsize) g_array_index (frame->marks, ConclaveTimelineMark, i).index),
                         GUINT_TO_POINTER (i + 1));
  sorted = g_array_sized_new (FALSE, FALSE, sizeof (ConclaveTimelineMark), frame->marks->len);
  for (guint i = 0; i < order->len; i++)
    {
      guint at = GPOINTER_TO_UINT (g_hash_table_lookup (rank, GSIZE_TO_POINTER ((gsize) g_array_index (order, guint64, i))));

      if (at > 0)
        g_array_append_val (sorted, g_array_index (frame->marks, ConclaveTimelineMark, at - 1));
    }
  if (sorted->len == frame->marks->len)
    {
      g_array_set_size (frame->marks, 0);
      g_array_append_vals (frame->marks, sorted->data, sorted->len);
    }
}

/* Logical layout: look back far enough for N steps (the span adapts from
 * frame to frame), keep the latest N, and give each its step. */
static void
collect_logical (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
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
      gint64 covered = frame->t_end - g_array_index (frame->marks, ConclaveTimelineMark, 0).time_ns;

      self->logical_span = MAX (covered + covered / 2, 1000000);
      frame->t_start = g_array_index (frame->marks, ConclaveTimelineMark, 0).time_ns;
    }
  else
    frame->t_start = frame->t_end - span;
  order_causally (frame);
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
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);

      /* Never decreasing, so times can be looked up by bisection even
       * where causal order put an earlier-stamped event later. */
      g_array_index (self->step_times, gint64, i) =
        i > 0 ? MAX (mark->time_ns, g_array_index (self->step_times, gint64, i - 1)) : mark->time_ns;
      g_hash_table_insert (frame->step_of, GSIZE_TO_POINTER ((gsize) mark->index), GUINT_TO_POINTER (i + 1));
    }
}

/* Layout: x for a step, a time, an event */

double
_conclave_timeline_step_x (ConclaveTimelineFrame *frame,
                           double                 step)
{
  return frame->step_origin + step * frame->painter->step_px;
}

double
_conclave_timeline_time_x (ConclaveTimelineFrame *frame,
                           gint64                 time_ns)
{
  GArray *times = frame->painter->step_times;
  guint lo = 0, hi;

  if (frame->painter->real_time)
    return CLAMP (frame->x1 - (frame->t_end - time_ns) / frame->painter->ns_per_px, frame->x0, frame->x1);
  if (frame->n_steps == 0)
    return frame->x1;
  if (time_ns <= g_array_index (times, gint64, 0))
    return MAX (_conclave_timeline_step_x (frame, 0) - frame->painter->step_px / 2, frame->x0);
  if (time_ns > g_array_index (times, gint64, frame->n_steps - 1))
    return MIN (_conclave_timeline_step_x (frame, frame->n_steps - 1) + frame->painter->step_px, frame->x1);
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
    return _conclave_timeline_step_x (frame, lo);
  return _conclave_timeline_step_x (frame, lo - 0.5);
}

double
_conclave_timeline_event_x (ConclaveTimelineFrame *frame,
                            guint64                index,
                            gint64                 time_ns)
{
  gpointer step;

  if (!frame->painter->real_time &&
      g_hash_table_lookup_extended (frame->step_of, GSIZE_TO_POINTER ((gsize) index), NULL, &step))
    return _conclave_timeline_step_x (frame, GPOINTER_TO_UINT (step) - 1);
  return _conclave_timeline_time_x (frame, time_ns);
}

static void
layout_rows (ConclaveTimelineFrame *frame)
{
  ConclaveTimelineRows *rows = frame->painter->rows;
  double line = frame->painter->line_height;
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

const ConclaveRgba *
_conclave_timeline_kind_color (ConclaveTimelineFrame *frame,
                               guint32                kind)
{
  return conclave_kind_colors_lookup (frame->kind_colors, kind);
}

void
_conclave_timeline_set_palette (ConclaveTimelineFrame *frame,
                                ConclaveColor          color,
                                double                 alpha)
{
  ConclaveRgba rgba;

  conclave_palette_get (color, frame->dark, &rgba);
  conclave_draw_set_color (frame->cr, &rgba, alpha);
}

const char *
_conclave_timeline_node_name (ConclaveTimelineFrame *frame,
                              guint32                node)
{
  const char *name = conclave_event_store_str (frame->store, node);

  return name ? name : "";
}

static void
draw_row_backgrounds (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  const char *selected = self->selected ? conclave_node_get_name (self->selected) : NULL;
  for (guint i = 0; i < frame->n_rows; i++)
    {
      const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
      double top = frame->row_y[i] - frame->row_h[i] / 2;

      if (g_strcmp0 (selected, _conclave_timeline_node_name (frame, row->node)) == 0)
        _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_SELECTION, 0.18);
      else if (row->lane == 0 && i % 2 == 0)
        conclave_draw_set_color (frame->cr, &frame->fg, 0.03);
      else
        continue;
      cairo_rectangle (frame->cr, 0, top, frame->width, frame->row_h[i]);
      cairo_fill (frame->cr);
    }
}

/* Each process's exit or crash mark in the visible range, by proc (NULL
 * when none). The controller records it after the process's last own line
 * (process->last_ns), so the lifeline must reach it, not stop at that line. */
static const ConclaveTimelineMark **
collect_ends (ConclaveTimelineFrame *frame,
              guint                  n)
{
  const ConclaveTimelineMark **ends = g_new0 (const ConclaveTimelineMark *, n + 1);

  for (guint i = 0; i < frame->marks->len; i++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, i);
      const ConclaveEvent *event;

      if (mark->type != CONCLAVE_EVENT_EXITED && mark->type != CONCLAVE_EVENT_EXIT)
        continue;
      event = conclave_event_store_get (frame->store, mark->index);
      if (event != NULL && event->proc >= 1 && event->proc <= n)
        ends[event->proc] = mark;
    }
  return ends;
}

/* x where a process's lifeline ends: the present while it is connected,
 * else its exit mark or its last line, whichever is later. */
static double
lifeline_end_x (ConclaveTimelineFrame      *frame,
                const ConclaveProcessInfo  *process,
                const ConclaveTimelineMark *end_mark)
{
  if (process->connected)
    return frame->x1;
  if (end_mark != NULL && end_mark->time_ns >= process->last_ns)
    return _conclave_timeline_event_x (frame, end_mark->index, end_mark->time_ns);
  return _conclave_timeline_time_x (frame, process->last_ns);
}

static void
draw_lifelines (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  guint n = conclave_event_store_get_n_processes (frame->store);
  double width = self->presentation ? 3.5 : 2.5;
  g_autofree const ConclaveTimelineMark **ends = collect_ends (frame, n);

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
      if (ends[proc] != NULL)
        end = MAX (end, ends[proc]->time_ns);
      if (end < frame->t_start || process->first_ns > frame->t_end)
        continue;
      info = conclave_timeline_rows_get (self->rows, row);
      xa = _conclave_timeline_time_x (frame, process->first_ns);
      xb = lifeline_end_x (frame, process, ends[proc]);
      _conclave_timeline_set_palette (frame, info->lane ? CONCLAVE_COLOR_CHILD
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
          cairo_move_to (frame->cr, xa + 3, frame->row_y[row] - frame->painter->line_height * 0.95);
          conclave_draw_layout (frame->cr, self->small_layout);
        }
    }
}

/* Without a widget's context (a file), GNOME's interface font. */
static void
ensure_layouts (ConclaveTimelinePainter *self)
{
  if (self->layout != NULL)
    return;
  if (self->context == NULL)
    {
      g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Cantarell, Sans 11");

      self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      pango_context_set_font_description (self->context, font);
    }
  self->layout = conclave_palette_layout_new (self->context, 1.0, FALSE);
  self->small_layout = conclave_palette_layout_new (self->context, 0.8, FALSE);
  self->line_height = conclave_palette_line_height (self->layout);
}

static void
frame_init (ConclaveTimelineFrame   *frame,
            ConclaveTimelinePainter *self,
            double                   width,
            double                   height,
            gint64                   t_end,
            gint64                   now_ns)
{
  memset (frame, 0, sizeof *frame);
  frame->painter = self;
  frame->store = self->store;
  frame->matcher = self->matcher;
  frame->now = now_ns;
  frame->width = width;
  frame->height = height;
  frame->dark = self->dark;
  frame->fg = self->fg;
  frame->marks = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineMark));
  frame->arrows = g_array_new (FALSE, FALSE, sizeof (ConclaveTimelineArrow));
  frame->step_of = g_hash_table_new (g_direct_hash, g_direct_equal);
  frame->kind_colors = conclave_kind_colors_new (frame->store, frame->dark);
  frame->t_end = t_end;
  if (self->origin_ns == 0 && conclave_event_store_get_end (frame->store) > 0)
    self->origin_ns = conclave_event_store_get_min_time (frame->store);
}

static void
frame_clear (ConclaveTimelineFrame *frame)
{
  g_array_unref (frame->marks);
  g_array_unref (frame->arrows);
  g_hash_table_unref (frame->step_of);
  conclave_kind_colors_free (frame->kind_colors);
  g_free (frame->row_y);
  g_free (frame->row_h);
}

static void
draw_plot (ConclaveTimelineFrame *frame)
{
  cairo_save (frame->cr);
  cairo_rectangle (frame->cr, frame->x0 - 6, 0, frame->x1 - frame->x0 + 12, frame->height);
  cairo_clip (frame->cr);
  g_array_set_size (frame->painter->axis_labels, 0);
  if (frame->painter->real_time)
    _conclave_timeline_draw_time_axis (frame);
  else if (frame->n_steps > 0)
    _conclave_timeline_draw_step_axis (frame);
  draw_lifelines (frame);
  _conclave_timeline_draw_leader_bands (frame);
  _conclave_timeline_draw_arrows (frame);
  _conclave_timeline_draw_markers (frame);
  _conclave_timeline_draw_causal (frame);
  _conclave_timeline_draw_focus (frame);
  _conclave_timeline_draw_story (frame);
  _conclave_timeline_draw_now (frame);
  cairo_restore (frame->cr);
}

void
conclave_timeline_painter_draw (ConclaveTimelinePainter *self,
                                cairo_t                 *cr,
                                double                   width,
                                double                   height,
                                gint64                   t_end,
                                gint64                   now)
{
  ConclaveTimelineFrame frame;

  g_return_if_fail (self != NULL);
  g_return_if_fail (cr != NULL);

  memset (&self->stats, 0, sizeof self->stats);
  self->cursor_x = -1;
  if (self->store == NULL || width < 80)
    return;
  ensure_layouts (self);
  conclave_timeline_rows_update (self->rows, self->store, self->cluster);
  frame_init (&frame, self, width, height, t_end, now);
  frame.n_rows = conclave_timeline_rows_get_n (self->rows);
  frame.x0 = _conclave_timeline_gutter_width (&frame) + 10;
  frame.x1 = frame.width - 16;
  frame.y0 = self->line_height * 0.4;
  frame.y1 = frame.height - self->line_height * 1.4;
  layout_rows (&frame);
  self->stats.rows = frame.n_rows;
  /* A whole run in one picture: the zoom that fits it. */
  if (self->real_time && self->fit_start > 0 && t_end > self->fit_start)
    self->ns_per_px = (t_end - self->fit_start) / MAX (frame.x1 - frame.x0, 1.0);
  if (self->real_time)
    {
      frame.t_start = frame.t_end - (gint64) ((frame.x1 - frame.x0) * self->ns_per_px);
      collect_range (&frame, frame.t_start, frame.t_end + 1);
    }
  else
    collect_logical (&frame);

  frame.cr = cr;
  cairo_save (cr);
  if (frame.n_rows == 0)
    _conclave_timeline_draw_status (&frame, _("Each process gets a lifeline here as soon as it starts."));
  else
    {
      draw_row_backgrounds (&frame);
      draw_plot (&frame);
      _conclave_timeline_draw_gutter (&frame);
      _conclave_timeline_draw_axis_caption (&frame);
      _conclave_timeline_draw_binned_note (&frame);
    }
  cairo_restore (cr);
  frame_clear (&frame);
}
