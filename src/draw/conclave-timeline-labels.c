/* conclave-timeline-labels.c — the timeline's words: the time axis (real
 * time, in seconds) or event numbers (logical: steps, never seconds), the gutter with each row's node and PID,
 * the note when arrows are binned, the empty state, and the line at now.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-drawing.h"
#include "conclave-palette.h"
#include "conclave-timeline-frame.h"

#define GUTTER_MAX     170

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
  int decimals = interval >= 1 ? 0 : (int) ceil (-log10 (interval) - 1e-9);

  /* Translators: a time on the timeline's axis, in seconds */
  return g_strdup_printf (_("%.*f s"), MIN (decimals, 6), seconds);
}

static int
label_width (ConclaveTimelineFrame *frame,
             const char            *text)
{
  int w;

  pango_layout_set_text (frame->painter->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->painter->small_layout, &w, NULL);
  return w;
}

/* A label centred under x unless it would run off the plot; skipped when it
 * would touch the one before (labels never overlap). Each drawn label is
 * kept for tests. */
static void
axis_label (ConclaveTimelineFrame *frame,
            double                 x,
            const char            *text,
            double                *right)
{
  ConclaveTimelineLabel label;
  int w, h;

  pango_layout_set_text (frame->painter->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->painter->small_layout, &w, &h);
  /* Inside the plot's clip (draw_plot): a label half cut off reads wrong. */
  label.x = CLAMP (x - w / 2.0, frame->x0 - 6, frame->x1 + 6 - w);
  if (label.x < *right + 8)
    return;
  label.y = frame->y1 + 2;
  label.width = w;
  label.height = h;
  label.text = g_strdup (text);
  g_array_append_val (frame->painter->axis_labels, label);
  *right = label.x + w;
  cairo_move_to (frame->cr, label.x, label.y);
  conclave_draw_layout (frame->cr, frame->painter->small_layout);
}

static const char *
axis_caption (ConclaveTimelineFrame *frame)
{
  /* Translators: the timeline's axis caption in the Logical layout: steps are event numbers */
  return frame->painter->real_time ? _("time") : _("event no.");
}

/* The first label starts right of the caption (a wide gutter word). */
static double
caption_right (ConclaveTimelineFrame *frame)
{
  return 8 + label_width (frame, axis_caption (frame));
}

static void
grid_line (ConclaveTimelineFrame *frame,
           double                 x)
{
  conclave_draw_set_color (frame->cr, &frame->fg, 0.08);
  cairo_rectangle (frame->cr, round (x), frame->y0, 1, frame->y1 - frame->y0);
  cairo_fill (frame->cr);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.6);
}

/* Real time: seconds since the run's first event, every label with its
 * unit, spaced so the widest label of the range fits between two ticks. */
void
_conclave_timeline_draw_time_axis (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  double interval = nice_interval (80 * self->ns_per_px / 1e9);
  double right = caption_right (frame);
  double first;

  for (int widen = 0; widen < 8; widen++)
    {
      double widest = (frame->t_end - self->origin_ns) / 1e9;
      g_autofree char *sample = format_seconds (-MAX (fabs (widest), 10) - interval, interval);

      if (interval * 1e9 / self->ns_per_px >= label_width (frame, sample) + 16)
        break;
      interval = nice_interval (interval * 1.5);
    }
  first = ceil ((frame->t_start - self->origin_ns) / 1e9 / interval) * interval;
  for (double t = first; (gint64) (t * 1e9) + self->origin_ns <= frame->t_end; t += interval)
    {
      double x = _conclave_timeline_time_x (frame, (gint64) (t * 1e9) + self->origin_ns);
      g_autofree char *label = format_seconds (fabs (t) < interval / 2 ? 0 : t, interval);

      grid_line (frame, x);
      axis_label (frame, x, label, &right);
    }
}

/* Logical: steps, never seconds. Each step is an event; the axis numbers
 * them by their event number in this run (the event log's order of
 * arrival), every so many steps that the labels fit. */
void
_conclave_timeline_draw_step_axis (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
  const ConclaveTimelineMark *last = &g_array_index (frame->marks, ConclaveTimelineMark, frame->n_steps - 1);
  g_autofree char *widest = g_strdup_printf ("#%" G_GUINT64_FORMAT, last->index + 1);
  guint every = MAX (1, (guint) ceil ((label_width (frame, widest) + 24) / self->step_px));
  guint next = (frame->n_steps - 1) % every;
  guint64 last_number = 0;
  double right = caption_right (frame);

  /* A line that arrived late has a smaller number than a step before it:
   * the axis labels the next step instead, so the numbers only grow. */
  for (guint step = next; step < frame->n_steps; step++)
    {
      const ConclaveTimelineMark *mark = &g_array_index (frame->marks, ConclaveTimelineMark, step);
      g_autofree char *label = NULL;
      double x;

      if (step < next || mark->index + 1 <= last_number)
        continue;
      label = g_strdup_printf ("#%" G_GUINT64_FORMAT, mark->index + 1);
      x = _conclave_timeline_step_x (frame, step);
      grid_line (frame, x);
      axis_label (frame, x, label, &right);
      last_number = mark->index + 1;
      next = step + every;
    }
}

/* What the axis counts, in the gutter beside it. */
void
_conclave_timeline_draw_axis_caption (ConclaveTimelineFrame *frame)
{
  const char *text = axis_caption (frame);

  pango_layout_set_text (frame->painter->small_layout, text, -1);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.55);
  cairo_move_to (frame->cr, 8, frame->y1 + 2);
  conclave_draw_layout (frame->cr, frame->painter->small_layout);
}

/* A recording has no node models: the PID of the last process drawn on
 * the row (one export, one frame: the scan is once). */
static gint
recorded_pid (ConclaveTimelineFrame *frame,
              guint                  row)
{
  guint n = conclave_event_store_get_n_processes (frame->store);

  for (guint32 proc = n; proc >= 1; proc--)
    if (conclave_timeline_rows_for_proc (frame->painter->rows, proc) == (int) row)
      return conclave_event_store_get_process (frame->store, proc)->pid;
  return 0;
}

/* The gutter holds "name · PID" of each row; it also takes the row labels'
 * text, so both are made by one function. */
static char *
row_label (ConclaveTimelineFrame *frame,
           guint                  i)
{
  ConclaveTimelinePainter *self = frame->painter;
  const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
  const char *name = _conclave_timeline_node_name (frame, row->node);
  ConclaveNode *node;
  ConclaveProcessInfo *child;

  if (row->lane > 0)
    {
      child = conclave_event_store_get_process (frame->store, conclave_timeline_rows_get_lane_proc (self->rows, i));
      return child ? g_strdup_printf ("  ↳ %d", child->pid) : g_strdup ("  ↳");
    }
  if (self->cluster == NULL)
    return conclave_format_node_label (name, recorded_pid (frame, i));
  node = conclave_cluster_lookup (self->cluster, name);
  return conclave_format_node_label (name, node ? conclave_cluster_get_program_pid (self->cluster, node) : 0);
}

double
_conclave_timeline_gutter_width (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;
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

void
_conclave_timeline_draw_gutter (ConclaveTimelineFrame *frame)
{
  ConclaveTimelinePainter *self = frame->painter;

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
        _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_CHILD, 1);
      else
        conclave_draw_set_color (frame->cr, &frame->fg, 0.95);
      cairo_move_to (frame->cr, 8, frame->row_y[i] - h / 2.0);
      conclave_draw_layout (frame->cr, layout);
    }
  cairo_restore (frame->cr);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.15);
  cairo_rectangle (frame->cr, frame->x0 - 10, 0, 1, frame->height);
  cairo_fill (frame->cr);
}

void
_conclave_timeline_draw_status (ConclaveTimelineFrame *frame,
                                const char            *text)
{
  int w, h;

  pango_layout_set_text (frame->painter->layout, text, -1);
  pango_layout_get_pixel_size (frame->painter->layout, &w, &h);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.55);
  cairo_move_to (frame->cr, (frame->width - w) / 2, (frame->height - h) / 2);
  conclave_draw_layout (frame->cr, frame->painter->layout);
}

/* Scrubbed: the moment shown, a line in the foreground colour with its
 * time from the first event ("1:02.5", as the scrubber says it) in a box
 * at its top, in both layouts. Not drawn once scrolled past it. */
static void
draw_cursor (ConclaveTimelineFrame *frame)
{
  double seconds = MAX (frame->now - frame->painter->origin_ns, 0) / 1e9;
  int minutes = (int) (seconds / 60);
  char text[32];
  double x, box_x;
  int w, h;

  if (frame->now > frame->t_end || frame->now < frame->t_start)
    return;
  x = round (_conclave_timeline_time_x (frame, frame->now));
  frame->painter->cursor_x = x;
  conclave_draw_set_color (frame->cr, &frame->fg, 0.85);
  cairo_rectangle (frame->cr, x - 1, frame->y0, 2, frame->y1 - frame->y0);
  cairo_fill (frame->cr);
  g_snprintf (text, sizeof text, "%d:%04.1f", minutes, seconds - minutes * 60);
  pango_layout_set_text (frame->painter->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->painter->small_layout, &w, &h);
  box_x = CLAMP (x - w / 2.0 - 3, frame->x0, frame->x1 - w - 6);
  cairo_rectangle (frame->cr, box_x, frame->y0, w + 6, h + 2);
  cairo_fill (frame->cr);
  conclave_draw_set_color (frame->cr, &(ConclaveRgba) { frame->dark ? 0 : 1, frame->dark ? 0 : 1, frame->dark ? 0 : 1, 1 }, 1);
  cairo_move_to (frame->cr, box_x + 3, frame->y0 + 1);
  conclave_draw_layout (frame->cr, frame->painter->small_layout);
}

void
_conclave_timeline_draw_now (ConclaveTimelineFrame *frame)
{
  double x;

  if (frame->painter->scrubbed)
    {
      draw_cursor (frame);
      return;
    }
  /* A whole run ends where the recording does: no present to mark. */
  if (!frame->painter->real_time || frame->now > frame->t_end || frame->painter->fit_start > 0)
    return;
  x = _conclave_timeline_time_x (frame, frame->now);
  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, 0.6);
  cairo_rectangle (frame->cr, round (x), frame->y0, 1.5, frame->y1 - frame->y0);
  cairo_fill (frame->cr);
}

void
_conclave_timeline_label_clear (gpointer data)
{
  ConclaveTimelineLabel *label = data;

  g_clear_pointer (&label->text, g_free);
}
