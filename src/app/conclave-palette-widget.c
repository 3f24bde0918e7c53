/* conclave-palette-widget.c — what only a widget knows about colours and
 * type: its style's foreground, its font, and whether the style is dark.
 */
#include "conclave-palette-widget.h"

#include <adwaita.h>

void
conclave_palette_widget_fg_gdk (GtkWidget *widget,
                                GdkRGBA   *rgba)
{
  /* gtk_widget_get_color() is 4.10; this is the 4.8 way. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), rgba);
}

void
conclave_palette_widget_fg (GtkWidget    *widget,
                            ConclaveRgba *rgba)
{
  GdkRGBA color;

  conclave_palette_widget_fg_gdk (widget, &color);
  *rgba = (ConclaveRgba) { color.red, color.green, color.blue, color.alpha };
}

void
conclave_palette_get_gdk (ConclaveColor color,
                          gboolean      dark,
                          GdkRGBA      *rgba)
{
  ConclaveRgba value;

  conclave_palette_get (color, dark, &value);
  *rgba = conclave_rgba_to_gdk (&value);
}

gboolean
conclave_palette_is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

PangoLayout *
conclave_palette_widget_layout (GtkWidget *widget,
                                double     scale,
                                gboolean   bold)
{
  return conclave_palette_layout_new (gtk_widget_get_pango_context (widget), scale, bold);
}
