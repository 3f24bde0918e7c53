/* conclave-export.c — SVG, PDF and PNG files through cairo (see the header). */
#include "config.h"

#include <glib/gi18n.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <string.h>

#include "conclave-drawing.h"
#include "conclave-export.h"

ConclaveExportFormat
conclave_export_format_for_path (const char *path)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, CONCLAVE_EXPORT_NONE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".svg"))
    return CONCLAVE_EXPORT_SVG;
  if (g_str_has_suffix (lower, ".pdf"))
    return CONCLAVE_EXPORT_PDF;
  if (g_str_has_suffix (lower, ".png"))
    return CONCLAVE_EXPORT_PNG;
  if (g_str_has_suffix (lower, ".shiviz"))
    return CONCLAVE_EXPORT_SHIVIZ;
  return CONCLAVE_EXPORT_NONE;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* One <text> per line of a layout: real, searchable words in the SVG. */
static void
collect_svg_text (gpointer                    user_data,
                  const char                 *text,
                  double                      x,
                  double                      y,
                  const PangoFontDescription *font,
                  double                      size_px,
                  const ConclaveRgba         *color)
{
  GString *out = user_data;
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *family = g_markup_escape_text (pango_font_description_get_family (font) ?: "sans-serif", -1);
  gboolean bold = pango_font_description_get_weight (font) >= PANGO_WEIGHT_BOLD;
  char sx[G_ASCII_DTOSTR_BUF_SIZE], sy[G_ASCII_DTOSTR_BUF_SIZE], ss[G_ASCII_DTOSTR_BUF_SIZE], so[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "<text x=\"%s\" y=\"%s\" font-family=\"%s, sans-serif\" font-size=\"%s\"%s "
                          "fill=\"#%02x%02x%02x\" fill-opacity=\"%s\" xml:space=\"preserve\">%s</text>\n",
                          g_ascii_formatd (sx, sizeof sx, "%.2f", x), g_ascii_formatd (sy, sizeof sy, "%.2f", y),
                          family, g_ascii_formatd (ss, sizeof ss, "%.2f", size_px),
                          bold ? " font-weight=\"bold\"" : "",
                          (guint) (color->red * 255 + 0.5), (guint) (color->green * 255 + 0.5),
                          (guint) (color->blue * 255 + 0.5),
                          g_ascii_formatd (so, sizeof so, "%.2f", color->alpha), escaped);
}

static void
draw_on_white (cairo_t                *cr,
               double                  width,
               double                  height,
               ConclaveExportDrawFunc  draw,
               gpointer                user_data)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  draw (cr, width, height, user_data);
}

static gboolean
finish (cairo_surface_t  *surface,
        cairo_t          *cr,
        const char       *path,
        GError          **error)
{
  cairo_status_t status = cairo_status (cr);

  cairo_destroy (cr);
  /* An image surface must stay open to be written out. */
  if (cairo_surface_get_type (surface) != CAIRO_SURFACE_TYPE_IMAGE)
    cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: an export failed: the file, then cairo's reason */
                   _("Could not draw %s: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* The SVG is drawn into memory first, so the collected text can go in
 * before its closing tag. */
static gboolean
export_svg (const char             *path,
            double                  width,
            double                  height,
            ConclaveExportDrawFunc  draw,
            gpointer                user_data,
            GError                **error)
{
  g_autoptr(GString) svg = g_string_new (NULL);
  g_autoptr(GString) text = g_string_new ("<g id=\"text\">\n");
  cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_bytes, svg, width, height);
  cairo_t *cr = cairo_create (surface);
  const char *end;
  gboolean ok;

  conclave_draw_set_text_sink (cr, collect_svg_text, text);
  draw_on_white (cr, width, height, draw, user_data);
  ok = finish (surface, cr, path, error);
  cairo_surface_destroy (surface);
  if (!ok)
    return FALSE;
  g_string_append (text, "</g>\n");
  end = g_strrstr (svg->str, "</svg>");
  if (end == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not draw %s: %s"), path, "no </svg>");
      return FALSE;
    }
  g_string_insert (svg, end - svg->str, text->str);
  return g_file_set_contents (path, svg->str, svg->len, error);
}

static gboolean
export_pdf (const char             *path,
            double                  width,
            double                  height,
            ConclaveExportDrawFunc  draw,
            gpointer                user_data,
            GError                **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, width, height);
  cairo_t *cr = cairo_create (surface);
  gboolean ok;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Conclave " PACKAGE_VERSION);
  draw_on_white (cr, width, height, draw, user_data);
  ok = finish (surface, cr, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

static gboolean
export_png (const char             *path,
            double                  width,
            double                  height,
            double                  scale,
            ConclaveExportDrawFunc  draw,
            gpointer                user_data,
            GError                **error)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) (width * scale + 0.5),
                                                         (int) (height * scale + 0.5));
  cairo_t *cr = cairo_create (surface);
  cairo_status_t status;
  gboolean ok;

  cairo_scale (cr, scale, scale);
  draw_on_white (cr, width, height, draw, user_data);
  ok = finish (surface, cr, path, error);
  if (ok && (status = cairo_surface_write_to_png (surface, path)) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write %s: %s"), path,
                   cairo_status_to_string (status));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
conclave_export_picture (const char             *path,
                         double                  width,
                         double                  height,
                         double                  scale,
                         ConclaveExportDrawFunc  draw,
                         gpointer                user_data,
                         GError                **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (conclave_export_format_for_path (path))
    {
    case CONCLAVE_EXPORT_SVG:
      return export_svg (path, width, height, draw, user_data, error);
    case CONCLAVE_EXPORT_PDF:
      return export_pdf (path, width, height, draw, user_data, error);
    case CONCLAVE_EXPORT_PNG:
      return export_png (path, width, height, MAX (scale, 0.1), draw, user_data, error);
    case CONCLAVE_EXPORT_SHIVIZ:
    case CONCLAVE_EXPORT_NONE:
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: a picture is saved as .svg, .pdf or .png"), path);
      return FALSE;
    }
}

typedef struct {
  ConclaveTimelinePainter *painter;
  gint64                   t_end;
  gint64                   now;
} TimelineDraw;

static void
draw_timeline (cairo_t  *cr,
               double    width,
               double    height,
               gpointer  user_data)
{
  TimelineDraw *draw = user_data;

  conclave_timeline_painter_draw (draw->painter, cr, width, height, draw->t_end, draw->now);
}

gboolean
conclave_export_timeline (ConclaveTimelinePainter *painter,
                          const char              *path,
                          double                   width,
                          double                   height,
                          gint64                   t_end,
                          gint64                   now,
                          GError                 **error)
{
  TimelineDraw draw = { painter, t_end, now };

  g_return_val_if_fail (painter != NULL, FALSE);

  painter->file = TRUE;
  return conclave_export_picture (path, width, height, 2, draw_timeline, &draw, error);
}

gboolean
conclave_export_timeline_run (ConclaveTimelinePainter *painter,
                              const char              *path,
                              double                   width,
                              GError                 **error)
{
  gint64 first, last;
  double height;
  guint n_rows;

  g_return_val_if_fail (painter != NULL && painter->store != NULL, FALSE);

  first = conclave_event_store_get_min_time (painter->store);
  last = MAX (conclave_event_store_get_max_time (painter->store), first + 1);
  conclave_timeline_rows_update (painter->rows, painter->store, painter->cluster);
  n_rows = conclave_timeline_rows_get_n (painter->rows);
  painter->real_time = TRUE;
  painter->dark = FALSE;
  painter->fg = (ConclaveRgba) { 0, 0, 0, 0.8 };
  painter->focused = G_MAXUINT64;
  painter->fit_start = first;
  /* Rows as high as the widget's largest, plus the axis. */
  height = MAX (200, n_rows * 44.0 + 40);
  return conclave_export_timeline (painter, path, width, height, last, last, error);
}
