/* conclave-timeline-frame.h — one frame of the timeline painter, shared by
 * the files that draw it: conclave-timeline-draw.c (collecting the visible
 * range, layout, lifelines, the frame itself), conclave-timeline-arrows.c
 * (messages, binned when too many), conclave-timeline-marks.c (events and
 * leader periods) and conclave-timeline-labels.c (axis, gutter, notes).
 * Private to the painter; a frame lives for one drawing only.
 */
#pragma once

#include "conclave-palette.h"
#include "conclave-timeline-painter.h"

G_BEGIN_DECLS

/* One event drawn on a row. */
typedef struct {
  gint64  time_ns;
  guint64 index;
  int     row;
  guint16 type;
} ConclaveTimelineMark;

typedef enum {
  CONCLAVE_TIMELINE_ARROW_SOLID,
  CONCLAVE_TIMELINE_ARROW_DASHED,   /* in flight */
  CONCLAVE_TIMELINE_ARROW_HELD,     /* held by its receiver (step mode): ends in an open head there */
  CONCLAVE_TIMELINE_ARROW_FAILED,   /* dropped: ends in a cross */
  CONCLAVE_TIMELINE_ARROW_LOST,     /* lost: dashed, ends in a question mark */
  CONCLAVE_TIMELINE_ARROW_UNHEARD,  /* unheard or not read: dashed, quiet grey, no mark */
} ConclaveTimelineArrowStyle;

/* One message drawn as an arrow. */
typedef struct {
  float   x1, y1, x2, y2;
  gint16  src_row;
  gint16  dst_row;      /* -1 when not known */
  guint32 kind;
  guint8  style;
  guint64 message;
} ConclaveTimelineArrow;

typedef struct {
  ConclaveTimelinePainter *painter;
  ConclaveEventStore *store;
  ConclaveMatcher    *matcher;
  gint64              now;
  gint64              t_start;
  gint64              t_end;
  double              x0, x1, y0, y1;   /* plot area */
  double              width, height;
  guint               n_rows;
  double             *row_y;
  double             *row_h;
  GArray             *marks;            /* ConclaveTimelineMark: time order (logical: causal) */
  GHashTable         *step_of;          /* logical: event index → step + 1 */
  guint               n_steps;
  double              step_origin;      /* logical: x of step 0 */
  gboolean            dark;
  ConclaveRgba        fg;
  GArray             *arrows;
  ConclaveKindColors *kind_colors;
  cairo_t            *cr;
  const ConclaveTimelineLit *lit_only;  /* non-NULL: draw only the messages it lights */
} ConclaveTimelineFrame;

/* x of a step (logical), of a time, of an event (its step if it has one). */
double         _conclave_timeline_step_x            (ConclaveTimelineFrame *frame,
                                                     double                 step);
double         _conclave_timeline_time_x            (ConclaveTimelineFrame *frame,
                                                     gint64                 time_ns);
double         _conclave_timeline_event_x           (ConclaveTimelineFrame *frame,
                                                     guint64                index,
                                                     gint64                 time_ns);

/* Colours and names, looked up once per frame. */
const ConclaveRgba *_conclave_timeline_kind_color       (ConclaveTimelineFrame *frame,
                                                     guint32                kind);
void           _conclave_timeline_set_palette       (ConclaveTimelineFrame *frame,
                                                     ConclaveColor          color,
                                                     double                 alpha);
const char    *_conclave_timeline_node_name         (ConclaveTimelineFrame *frame,
                                                     guint32                node);

/* Each draws one layer of the frame into frame->cr. */
void           _conclave_timeline_draw_arrows       (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_binned_note  (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_markers      (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_leader_bands (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_focus        (ConclaveTimelineFrame *frame);
/* A message's causes or effects: the rest veiled (conclave-timeline-causal.c);
 * nothing unless the painter's `lit` is set. */
void           _conclave_timeline_draw_causal       (ConclaveTimelineFrame *frame);
/* The election's moments (conclave-timeline-story.c). */
void           _conclave_timeline_draw_story        (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_time_axis    (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_step_axis    (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_axis_caption (ConclaveTimelineFrame *frame);
double         _conclave_timeline_gutter_width      (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_gutter       (ConclaveTimelineFrame *frame);
void           _conclave_timeline_draw_status       (ConclaveTimelineFrame *frame,
                                                     const char            *text);
void           _conclave_timeline_draw_now          (ConclaveTimelineFrame *frame);
void           _conclave_timeline_label_clear       (gpointer               label);

G_END_DECLS
