/* conclave-timeline-labels.c — the timeline's words: the time axis (real
 * time) or step times (logical), the gutter with each row's node and PID,
 * the note when arrows are binned, the empty state, and the line at now.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "conclave-drawing.h"
#include "conclave-event-format.h"
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
  int decimals = interval >= 1 ? 0 : (int) ceil (-log10 (interval));

  /* Translators: a time on the timeline's axis, in seconds */
  return g_strdup_printf (_("%.*f s"), MIN (decimals, 6), seconds);
}

static void
axis_label (ConclaveTimelineFrame *frame,
            double                 x,
            const char            *text)
{
  int w, h;

  pango_layout_set_text (frame->self->small_layout, text, -1);
  pango_layout_get_pixel_size (frame->self->small_layout, &w, &h);
  cairo_move_to (frame->cr, CLAMP (x - w / 2.0, frame->x0 - 4, frame->width - w - 2), frame->y1 + 2);
  pango_cairo_show_layout (frame->cr, frame->self->small_layout);
}

void
_conclave_timeline_draw_time_axis (ConclaveTimelineFrame *frame)
{
  ConclaveTimeline *self = frame->self;
  double interval = nice_interval (100 * self->ns_per_px / 1e9);
  double first = ceil ((frame->t_start - self->origin_ns) / 1e9 / interval) * interval;

  for (double t = first; (gint64) (t * 1e9) + self->origin_ns <= frame->t_end; t += interval)
    {
      double x = _conclave_timeline_time_x (frame, (gint64) (t * 1e9) + self->origin_ns);
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
step_axis_resolution (ConclaveTimelineFrame *frame,
                      guint                  first,
                      guint                  every)
{
  GArray *times = frame->self->step_times;
  gint64 closest = G_MAXINT64;

  for (guint step = first + every; step < frame->n_steps; step += every)
    closest = MIN (closest, g_array_index (times, gint64, step) - g_array_index (times, gint64, step - every));
  if (closest == G_MAXINT64)
    return 0.001;
  return CLAMP (nice_interval (closest / 1e9 / 2), 1e-6, 0.001);
}

void
_conclave_timeline_draw_step_axis (ConclaveTimelineFrame *frame)
{
  ConclaveTimeline *self = frame->self;
  guint every = MAX (1, (guint) ceil (110 / self->step_px));
  guint first = (frame->n_steps - 1) % every;
  double resolution = step_axis_resolution (frame, first, every);

  for (guint step = first; step < frame->n_steps; step += every)
    {
      gint64 t = g_array_index (self->step_times, gint64, step);
      g_autofree char *label = format_seconds ((t - self->origin_ns) / 1e9, resolution);
      double x = _conclave_timeline_step_x (frame, step);

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
row_label (ConclaveTimelineFrame *frame,
           guint                  i)
{
  ConclaveTimeline *self = frame->self;
  const ConclaveTimelineRow *row = conclave_timeline_rows_get (self->rows, i);
  const char *name = _conclave_timeline_node_name (frame, row->node);
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

double
_conclave_timeline_gutter_width (ConclaveTimeline      *self,
                                 ConclaveTimelineFrame *frame)
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

void
_conclave_timeline_draw_gutter (ConclaveTimelineFrame *frame)
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
        _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_CHILD, 1);
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

void
_conclave_timeline_draw_status (ConclaveTimelineFrame *frame,
                                const char            *text)
{
  int w, h;

  pango_layout_set_text (frame->self->layout, text, -1);
  pango_layout_get_pixel_size (frame->self->layout, &w, &h);
  conclave_draw_set_color (frame->cr, &frame->fg, 0.55);
  cairo_move_to (frame->cr, (frame->width - w) / 2, (frame->height - h) / 2);
  pango_cairo_show_layout (frame->cr, frame->self->layout);
}

void
_conclave_timeline_draw_now (ConclaveTimelineFrame *frame)
{
  double x;

  if (!frame->self->real_time || frame->now > frame->t_end)
    return;
  x = _conclave_timeline_time_x (frame, frame->now);
  _conclave_timeline_set_palette (frame, CONCLAVE_COLOR_FAILED, 0.6);
  cairo_rectangle (frame->cr, round (x), frame->y0, 1.5, frame->y1 - frame->y0);
  cairo_fill (frame->cr);
}
