/* conclave-palette.h — the colours every view agrees on.
 *
 * A message kind has the same colour in the cluster view, the timeline, the
 * charts and the event log; a server is always the same blue. Only colours
 * live here, never drawing: views ask, then draw as they like.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  CONCLAVE_COLOR_SERVER,
  CONCLAVE_COLOR_CLIENT,
  CONCLAVE_COLOR_CHILD,
  CONCLAVE_COLOR_CRASHED,
  CONCLAVE_COLOR_FAILED,   /* dropped or lost messages, crash marks */
  CONCLAVE_COLOR_PAUSED,
  CONCLAVE_COLOR_LEADER,
  CONCLAVE_COLOR_SELECTION,
  CONCLAVE_N_COLORS
} ConclaveColor;

/* dark: for a dark background; contrast: presentation mode (stronger). */
void conclave_palette_get       (ConclaveColor color,
                                 gboolean      dark,
                                 GdkRGBA      *rgba);
/* A stable colour for a message kind ("hello", "reply", "vote" ...). */
void conclave_palette_kind      (const char   *kind,
                                 gboolean      dark,
                                 GdkRGBA      *rgba);
/* Opaque foreground and background of a widget, from its style. */
void conclave_palette_widget_fg (GtkWidget    *widget,
                                 GdkRGBA      *rgba);
gboolean conclave_palette_is_dark (void);

G_END_DECLS
