/* conclave-timeline-painter.h — draws the space-time diagram into any
 * cairo context: the timeline widget's snapshot, an SVG, PDF or PNG file.
 *
 * One lifeline per process (forked children in lanes under their parent),
 * an arrow from each send to its receive, lost and dropped messages and
 * crashes marked, leader bands and the election's moments. Two layouts:
 * logical (each event one step, in causal order) and real time. Reads only
 * the visible time range through the store's and the matcher's range
 * queries, and bins arrows when too many are visible to draw one by one.
 *
 * Plain data, GTK-free: the owner (the widget, an export) sets what to
 * show before each frame; the painter keeps the rows and the logical
 * layout's span between frames and what the last frame drew (for hovering
 * and tests). Never scrolls, never paces: that is the owner's.
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

#include "conclave-cluster.h"
#include "conclave-leaders.h"
#include "conclave-election-story.h"
#include "conclave-palette.h"
#include "conclave-timeline-rows.h"

G_BEGIN_DECLS

/* What the last frame drew (tests and the benchmark). */
typedef struct {
  guint arrows;       /* drawn one by one */
  guint binned;       /* messages drawn as bins */
  guint bins;
  guint markers;
  guint rows;
  guint lifelines;
} ConclaveTimelineStats;

/* A leader band the last frame drew. end_ns is G_MAXINT64 while the
 * process still leads. */
typedef struct {
  gint    pid;
  gint64  term;
  gint64  start_ns;
  gint64  end_ns;
  double  x_start;
  double  x_end;
  double  y;
} ConclaveTimelineBand;

/* An axis label the last frame drew. */
typedef struct {
  double  x, y, width, height;
  char   *text;
} ConclaveTimelineLabel;

/* A socket event's operation ("bind", "connect", "close") the last frame
 * drew beside its marker. */
typedef struct {
  double  x, y, width, height;
  guint64 event;
} ConclaveTimelineOpLabel;

/* Things drawn in the last frame, for hovering. */
typedef struct {
  float   x1, y1, x2, y2;
  guint64 message;
} ConclaveHitArrow;

typedef struct {
  float   x, y;
  guint64 event;
} ConclaveHitMarker;

/* While a message is explained (its causes or effects shown): what is
 * drawn at full strength; the rest of the plot is veiled. The owner
 * answers; the painter only asks. */
typedef struct {
  gboolean (*event_lit)   (gpointer data, guint32 proc, guint64 index);
  gboolean (*message_lit) (gpointer data, const ConclaveMessage *message, guint64 index);
  gpointer   data;
} ConclaveTimelineLit;

typedef struct {
  /* What to show: set by the owner before a frame (set_cluster or
   * set_recording, then these). */
  ConclaveCluster       *cluster;       /* NULL for a recording */
  ConclaveEventStore    *store;         /* NULL: nothing */
  ConclaveMatcher       *matcher;
  ConclaveLeaders       *leaders;
  ConclaveElectionStory *story;         /* NULL: no election markers */
  ConclaveNode          *selected;      /* its row is highlighted */
  guint64                focused;       /* ringed (G_MAXUINT64: none) */
  gboolean               presentation;
  gboolean               real_time;
  gboolean               show_unheard;
  gboolean               scrubbed;      /* now is a past moment shown: a cursor with its time */
  gboolean               dark;
  ConclaveRgba           fg;            /* text and lines */
  double                 ns_per_px;     /* real-time zoom */
  double                 step_px;       /* logical zoom */
  gint64                 fit_start;     /* real time: if > 0, ns_per_px is chosen so the plot starts here */
  gboolean               file;          /* for a file: no zooming to suggest */
  const ConclaveTimelineLit *lit;       /* NULL: nothing veiled */

  /* Kept between frames. */
  ConclaveTimelineRows  *rows;
  gint64                 origin_ns;     /* time 0 on the axis: the first event seen */
  gint64                 logical_span;  /* how far back the last logical frame had to look */
  GArray                *step_times;    /* gint64: time of each step of the last logical frame */
  PangoContext          *context;       /* NULL: a default font for files */
  PangoLayout           *layout;        /* made from the context on the next frame */
  PangoLayout           *small_layout;
  double                 line_height;

  /* What the last frame drew. */
  GArray                *hit_arrows;    /* ConclaveHitArrow */
  GArray                *hit_markers;   /* ConclaveHitMarker */
  GArray                *axis_labels;   /* ConclaveTimelineLabel */
  GArray                *op_labels;     /* ConclaveTimelineOpLabel */
  GArray                *bands;         /* ConclaveTimelineBand */
  GArray                *lit_events;    /* guint64: marks drawn lit while `lit` was set */
  GArray                *dimmed_events; /* guint64: marks veiled */
  gboolean               focus_drawn;   /* the focused event was in view, at focus_x */
  double                 focus_x;
  double                 cursor_x;      /* where the scrubbed moment was drawn; -1: not drawn */
  double                 last_x0;       /* the plot's left and right edge */
  double                 last_x1;
  gint64                 last_t_end;
  ConclaveTimelineStats  stats;
} ConclaveTimelinePainter;

#define CONCLAVE_TIMELINE_NS_PER_PX_DEFAULT  (10.0 * 1000 * 1000)     /* 10 ms per pixel */
#define CONCLAVE_TIMELINE_STEP_PX_DEFAULT    30.0

ConclaveTimelinePainter *conclave_timeline_painter_new          (void);
void                     conclave_timeline_painter_free         (ConclaveTimelinePainter *self);
/* Shows a live cluster (NULL: nothing); borrowed, not referenced. */
void                     conclave_timeline_painter_set_cluster  (ConclaveTimelinePainter *self,
                                                                 ConclaveCluster         *cluster);
/* Shows a recording read without a cluster (conclave-run --replay);
 * borrowed. */
void                     conclave_timeline_painter_set_recording (ConclaveTimelinePainter *self,
                                                                  ConclaveEventStore      *store,
                                                                  ConclaveMatcher         *matcher,
                                                                  ConclaveLeaders         *leaders);
/* A new cluster is a new picture: no row, no origin of the old one. */
void                     conclave_timeline_painter_reset        (ConclaveTimelinePainter *self);
/* Text in this context's font (the widget's, or a file's); the layouts are
 * made again on the next frame. */
void                     conclave_timeline_painter_set_context  (ConclaveTimelinePainter *self,
                                                                 PangoContext            *context);
/* One frame of width × height with its right edge at t_end; now is the
 * present (where lifelines of running processes and messages in flight
 * end). Draws nothing below 80 px wide. */
void                     conclave_timeline_painter_draw         (ConclaveTimelinePainter *self,
                                                                 cairo_t                 *cr,
                                                                 double                   width,
                                                                 double                   height,
                                                                 gint64                   t_end,
                                                                 gint64                   now);
/* Whether an event of this type is drawn on a lifeline (a step of the
 * logical layout). */
gboolean                 conclave_timeline_painter_is_step      (guint16                  type);
/* Where a time lies on the last frame's real-time axis. */
double                   conclave_timeline_painter_time_to_x    (ConclaveTimelinePainter *self,
                                                                 gint64                   time_ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConclaveTimelinePainter, conclave_timeline_painter_free)

G_END_DECLS
