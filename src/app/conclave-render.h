/* conclave-render.h — draws a widget, as it is now, into a texture with its
 * window's renderer, and counts the render nodes that took. For the UI tests
 * (is it blank? is there a server?) and the render benchmark. Never keeps
 * anything between calls.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Waits (running the main loop) for the widget's next frame, then renders
 * what that frame drew. NULL if the widget is not shown in a window or no
 * frame came within 3 s. n_nodes may be NULL. */
GdkTexture *conclave_render_widget      (GtkWidget     *widget,
                                         guint         *n_nodes);
guint       conclave_render_count_nodes (GskRenderNode *node);

/* Pixel statistics of a texture: how many distinct colours it has, and how
 * many pixels are within `tolerance` (0–255 per channel) of `color`. */
void        conclave_render_inspect     (GdkTexture    *texture,
                                         const GdkRGBA *color,
                                         guint          tolerance,
                                         guint         *n_colors,
                                         guint         *n_matching);

G_END_DECLS
