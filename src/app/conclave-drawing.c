/* conclave-drawing.c — cairo shapes shared by the cluster view, the timeline
 * and the charts. Paths and strokes only; no state is kept between calls.
 */
#include "conclave-drawing.h"

#include <math.h>

void
conclave_draw_set_color (cairo_t       *cr,
                         const GdkRGBA *rgba,
                         double         alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

void
conclave_draw_arrow (cairo_t *cr,
                     double   x1,
                     double   y1,
                     double   x2,
                     double   y2,
                     double   head)
{
  double dx = x2 - x1;
  double dy = y2 - y1;
  double len = hypot (dx, dy);
  double ux, uy;

  if (len < 0.5)
    return;
  ux = dx / len;
  uy = dy / len;
  /* Stop the shaft under the head so a thick line does not poke through. */
  cairo_move_to (cr, x1, y1);
  cairo_line_to (cr, x2 - ux * head * 0.8, y2 - uy * head * 0.8);
  cairo_stroke (cr);
  cairo_move_to (cr, x2, y2);
  cairo_line_to (cr, x2 - ux * head - uy * head * 0.45, y2 - uy * head + ux * head * 0.45);
  cairo_line_to (cr, x2 - ux * head + uy * head * 0.45, y2 - uy * head - ux * head * 0.45);
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
conclave_draw_cross (cairo_t *cr,
                     double   x,
                     double   y,
                     double   r)
{
  cairo_move_to (cr, x - r, y - r);
  cairo_line_to (cr, x + r, y + r);
  cairo_move_to (cr, x + r, y - r);
  cairo_line_to (cr, x - r, y + r);
  cairo_stroke (cr);
}

void
conclave_draw_crown (cairo_t *cr,
                     double   x,
                     double   y,
                     double   w)
{
  double h = w * 0.6;
  double l = x - w / 2;

  cairo_move_to (cr, l, y);
  cairo_line_to (cr, l, y - h);
  cairo_line_to (cr, l + w * 0.25, y - h * 0.45);
  cairo_line_to (cr, x, y - h * 1.1);
  cairo_line_to (cr, l + w * 0.75, y - h * 0.45);
  cairo_line_to (cr, l + w, y - h);
  cairo_line_to (cr, l + w, y);
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
conclave_draw_pause (cairo_t *cr,
                     double   x,
                     double   y,
                     double   h)
{
  double bw = h * 0.3;

  cairo_rectangle (cr, x - bw * 1.3, y - h / 2, bw, h);
  cairo_rectangle (cr, x + bw * 0.3, y - h / 2, bw, h);
  cairo_fill (cr);
}

void
conclave_draw_rounded_rect (cairo_t *cr,
                            double   x,
                            double   y,
                            double   w,
                            double   h,
                            double   r)
{
  r = MIN (r, MIN (w, h) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

char *
conclave_format_node_label (const char *name,
                            gint        pid)
{
  if (pid <= 0)
    return g_strdup (name);
  return g_strdup_printf ("%s · %d", name, pid);
}
