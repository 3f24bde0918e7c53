/* conclave-export.h — pictures into files: SVG, PDF or PNG by the file's
 * extension, through cairo's surfaces, with the drawing code the widgets
 * use. Vector files keep real text: PDF through cairo, SVG as <text>
 * elements (cairo's own SVG would turn every word into glyph outlines).
 *
 * GTK-free: the window exports a view through it, conclave-run a whole
 * run. Never changes what it draws; writes only the file it is given.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "conclave-timeline-painter.h"

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_EXPORT_NONE,
  CONCLAVE_EXPORT_SVG,
  CONCLAVE_EXPORT_PDF,
  CONCLAVE_EXPORT_PNG,
  CONCLAVE_EXPORT_SHIVIZ,
} ConclaveExportFormat;

/* By the name's extension (any case); NONE when it has none of these. */
ConclaveExportFormat conclave_export_format_for_path (const char *path);

/* Draws one picture of width × height (in points, pixels for PNG at
 * `scale`), on a white background. */
typedef void (*ConclaveExportDrawFunc) (cairo_t  *cr,
                                        double    width,
                                        double    height,
                                        gpointer  user_data);

gboolean conclave_export_picture (const char             *path,
                                  double                  width,
                                  double                  height,
                                  double                  scale,
                                  ConclaveExportDrawFunc  draw,
                                  gpointer                user_data,
                                  GError                **error);

/* The painter's picture as it is set up (its source, layout, zoom), with
 * its right edge at t_end. */
gboolean conclave_export_timeline (ConclaveTimelinePainter *painter,
                                   const char              *path,
                                   double                   width,
                                   double                   height,
                                   gint64                   t_end,
                                   gint64                   now,
                                   GError                 **error);

/* The whole run from its first event to its last in the real-time layout,
 * light, as wide as `width` and as high as its rows need. */
gboolean conclave_export_timeline_run (ConclaveTimelinePainter *painter,
                                       const char              *path,
                                       double                   width,
                                       GError                 **error);

G_END_DECLS
