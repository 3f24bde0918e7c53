/* conclave-timeline-private.h — the timeline's insides, shared by
 * conclave-timeline.c (object, input, tooltips) and conclave-timeline-draw.c
 * (one frame: collect the visible range, lay it out, draw it).
 */
#pragma once

#include "conclave-timeline.h"
#include "conclave-timeline-rows.h"

G_BEGIN_DECLS

/* Things drawn in the last frame, for hovering. */
typedef struct {
  float   x1, y1, x2, y2;
  guint64 message;
} ConclaveHitArrow;

typedef struct {
  float   x, y;
  guint64 event;
} ConclaveHitMarker;

struct _ConclaveTimeline
{
  GtkWidget              parent_instance;

  ConclaveSession       *session;       /* what is shown, and holds the cluster; the two below follow it */
  ConclaveNode          *selected;
  gboolean               presentation;
  gboolean               real_time;
  gboolean               following;

  ConclaveTimelineRows  *rows;
  gint64                 origin_ns;     /* time 0 on the axis: the first event seen */
  gint64                 t_end;         /* right edge when not following */
  double                 ns_per_px;     /* real-time zoom */
  double                 step_px;       /* logical zoom */
  gint64                 logical_span;  /* how far back the last logical frame had to look */
  GArray                *step_times;    /* gint64: time of each step of the last logical frame */

  GArray                *hit_arrows;
  GArray                *hit_markers;
  GArray                *axis_labels;   /* ConclaveTimelineLabel of the last frame */
  GArray                *bands;
  guint64                focused;       /* the session's focused event (G_MAXUINT64: none) */
  gboolean               focus_drawn;   /* it was in the last frame, at focus_x */
  double                 focus_x;         /* ConclaveTimelineBand of the last frame */
  double                 last_x0;       /* the last frame's plot and right edge */
  double                 last_x1;
  gint64                 last_t_end;
  ConclaveTimelineStats  stats;

  PangoLayout           *layout;
  PangoLayout           *small_layout;
  double                 line_height;
  guint                  tick_id;
};

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
timeline_cluster (ConclaveTimeline *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

void _conclave_timeline_label_clear (gpointer label);
void _conclave_timeline_set_following (ConclaveTimeline *self,
                                       gboolean          following);
/* The session's focused event changed (conclave-timeline-focus.c). */
/* Whether an event of this type is a step (a dot) on the timeline. */
gboolean _conclave_timeline_is_marked (guint16 type);
void _conclave_timeline_focus (gpointer view,
                               guint64  index);

void _conclave_timeline_draw (ConclaveTimeline *self,
                              GtkSnapshot      *snapshot,
                              gint64            now_ns);

G_END_DECLS
