/* conclave-drawing.c — cairo shapes shared by the cluster view, the timeline
 * and the charts. Paths and strokes only; no state is kept between calls
 * (a text sink lives on the cairo_t it was set on).
 */
#include "conclave-drawing.h"

#include <math.h>

typedef struct {
  ConclaveTextSink sink;
  gpointer         user_data;
} TextSink;

static const cairo_user_data_key_t text_sink_key;

void
conclave_draw_set_color (cairo_t            *cr,
                         const ConclaveRgba *rgba,
                         double              alpha)
{
  cairo_set_source_rgba (cr, rgba->red, rgba->green, rgba->blue, rgba->alpha * alpha);
}

void
conclave_draw_set_text_sink (cairo_t          *cr,
                             ConclaveTextSink  sink,
                             gpointer          user_data)
{
  TextSink *text_sink = g_new (TextSink, 1);

  text_sink->sink = sink;
  text_sink->user_data = user_data;
  cairo_set_user_data (cr, &text_sink_key, text_sink, g_free);
}

/* The font the first run of a line is set in (attributes such as a scale
 * applied), and its size in pixels. */
static PangoFontDescription *
line_font (PangoLayoutLine *line,
           double          *size_px)
{
  PangoLayoutRun *run = line->runs ? line->runs->data : NULL;
  PangoFontDescription *font;

  if (run == NULL)
    return NULL;
  font = pango_font_describe_with_absolute_size (run->item->analysis.font);
  *size_px = pango_font_description_get_size (font) / (double) PANGO_SCALE;
  return font;
}

static void
send_lines (cairo_t     *cr,
            PangoLayout *layout,
            TextSink    *text_sink)
{
  const char *text = pango_layout_get_text (layout);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  double x0, y0, red = 0, green = 0, blue = 0, alpha = 1;
  ConclaveRgba color;

  cairo_get_current_point (cr, &x0, &y0);
  cairo_pattern_get_rgba (cairo_get_source (cr), &red, &green, &blue, &alpha);
  color = (ConclaveRgba) { red, green, blue, alpha };
  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      double size_px = 0, x, y;
      PangoFontDescription *font = line_font (line, &size_px);
      g_autofree char *part = g_strndup (text + line->start_index, line->length);

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      x = x0 + logical.x / (double) PANGO_SCALE;
      y = y0 + pango_layout_iter_get_baseline (iter) / (double) PANGO_SCALE;
      cairo_user_to_device (cr, &x, &y);
      if (font != NULL && *part != '\0')
        text_sink->sink (text_sink->user_data, part, x, y, font, size_px, &color);
      g_clear_pointer (&font, pango_font_description_free);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

void
conclave_draw_layout (cairo_t     *cr,
                      PangoLayout *layout)
{
  TextSink *text_sink = cairo_get_user_data (cr, &text_sink_key);

  if (text_sink == NULL)
    pango_cairo_show_layout (cr, layout);
  else
    send_lines (cr, layout, text_sink);
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
