/* conclave-palette.h — the colours and type every view agrees on.
 *
 * A message kind has the same colour in the cluster view, the timeline, the
 * charts, the event log and an exported picture; a server is always the
 * same blue; small print is the same size everywhere. Never draws: views
 * ask, then draw as they like. GTK-free (the widgets' side, a widget's own
 * foreground and dark mode, is in app/conclave-palette-widget.h).
 */
#pragma once

#include <pango/pango.h>

#include "conclave-event-store.h"

G_BEGIN_DECLS

/* The same fields as GdkRGBA (0–1 each), without GDK. */
typedef struct {
  float red;
  float green;
  float blue;
  float alpha;
} ConclaveRgba;

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
                                 ConclaveRgba *rgba);
/* A stable colour for a message kind ("hello", "reply", "vote" ...). */
void conclave_palette_kind      (const char   *kind,
                                 gboolean      dark,
                                 ConclaveRgba *rgba);
/* The same, dark enough to read as text on a light background. */
void conclave_palette_kind_text (const char   *kind,
                                 gboolean      dark,
                                 ConclaveRgba *rgba);

/* Kind colours by interned kind id, for one frame of a view: parsing a
 * colour per message would be waste, keeping them across frames would miss
 * a switch to dark mode. */
typedef struct _ConclaveKindColors ConclaveKindColors;

ConclaveKindColors *conclave_kind_colors_new    (ConclaveEventStore *store,
                                                 gboolean            dark);
void                conclave_kind_colors_free   (ConclaveKindColors *self);
const ConclaveRgba *conclave_kind_colors_lookup (ConclaveKindColors *self,
                                                 guint32             kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveKindColors, conclave_kind_colors_free)

/* A layout for a view's own drawing: the context's font scaled (0.8 for
 * small print), bold or not. */
PangoLayout *conclave_palette_layout_new  (PangoContext *context,
                                           double        scale,
                                           gboolean      bold);
/* Height of a line of text in layout's font, in pixels. */
double       conclave_palette_line_height (PangoLayout *layout);

G_END_DECLS
