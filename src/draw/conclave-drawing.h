/* conclave-drawing.h — small cairo shapes the views share: arrows, crosses,
 * the leader's crown, the pause mark; and text, which an SVG export
 * collects as real text instead of glyph outlines.
 *
 * Plain functions on a cairo_t the caller set up; they never choose colours
 * (that is the palette's job) and never fill the background. GTK-free.
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

#include "conclave-palette.h"

G_BEGIN_DECLS

void conclave_draw_set_color    (cairo_t            *cr,
                                 const ConclaveRgba *rgba,
                                 double              alpha);
/* The layout with its top left at the current point, in the source colour:
 * pango_cairo_show_layout, unless a text sink is set on cr. */
void conclave_draw_layout       (cairo_t     *cr,
                                 PangoLayout *layout);

/* Where an SVG export collects text: each line of a layout, its baseline's
 * start in device units, the font and the colour. */
typedef void (*ConclaveTextSink) (gpointer                    user_data,
                                  const char                 *text,
                                  double                      x,
                                  double                      y,
                                  const PangoFontDescription *font,
                                  double                      size_px,
                                  const ConclaveRgba         *color);

void conclave_draw_set_text_sink (cairo_t          *cr,
                                  ConclaveTextSink  sink,
                                  gpointer          user_data);
/* A line from (x1,y1) to (x2,y2) ending in a filled head of size `head`. */
void conclave_draw_arrow        (cairo_t *cr,
                                 double   x1,
                                 double   y1,
                                 double   x2,
                                 double   y2,
                                 double   head);
/* An X of half-size r centred on (x, y), stroked. */
void conclave_draw_cross        (cairo_t *cr,
                                 double   x,
                                 double   y,
                                 double   r);
/* A three-pointed crown of width w whose base is centred on (x, y). */
void conclave_draw_crown        (cairo_t *cr,
                                 double   x,
                                 double   y,
                                 double   w);
/* Two vertical bars of height h centred on (x, y), filled. */
void conclave_draw_pause        (cairo_t *cr,
                                 double   x,
                                 double   y,
                                 double   h);
void conclave_draw_rounded_rect (cairo_t *cr,
                                 double   x,
                                 double   y,
                                 double   w,
                                 double   h,
                                 double   r);

/* "s1" or "s1 · 4711": the label a node carries everywhere. */
char *conclave_format_node_label (const char *name,
                                  gint        pid);

G_END_DECLS
