/* conclave-palette-widget.h — the palette's GTK side: a widget's own
 * foreground, dark mode, a layout in a widget's font, and the palette's
 * colours as GdkRGBA for GtkSnapshot. Everything else about colours and
 * type is in draw/conclave-palette.h, which the exports share.
 */
#pragma once

#include <gtk/gtk.h>

#include "conclave-palette.h"

G_BEGIN_DECLS

/* Opaque foreground of a widget, from its style. */
void         conclave_palette_widget_fg     (GtkWidget    *widget,
                                             ConclaveRgba *rgba);
gboolean     conclave_palette_is_dark       (void);
/* conclave_palette_layout_new in the widget's own font. */
PangoLayout *conclave_palette_widget_layout (GtkWidget    *widget,
                                             double        scale,
                                             gboolean      bold);

/* The same for GtkSnapshot, which takes GdkRGBA. */
void         conclave_palette_widget_fg_gdk (GtkWidget    *widget,
                                             GdkRGBA      *rgba);
void         conclave_palette_get_gdk       (ConclaveColor color,
                                             gboolean      dark,
                                             GdkRGBA      *rgba);

static inline GdkRGBA
conclave_rgba_to_gdk (const ConclaveRgba *rgba)
{
  return (GdkRGBA) { rgba->red, rgba->green, rgba->blue, rgba->alpha };
}

G_END_DECLS
