/* conclave-timeline-private.h — the timeline widget's insides, shared by
 * conclave-timeline.c (object, input, tooltips, snapshot) and
 * conclave-timeline-focus.c. One frame is drawn by the GTK-free painter
 * (draw/conclave-timeline-painter.h).
 */
#pragma once

#include "conclave-timeline.h"
#include "conclave-timeline-painter.h"

G_BEGIN_DECLS

struct _ConclaveTimeline
{
  GtkWidget                parent_instance;

  ConclaveSession         *session;       /* what is shown, and holds the cluster; the two below follow it */
  ConclaveNode            *selected;
  gboolean                 following;
  gint64                   t_end;         /* right edge when not following */
  guint                    tick_id;

  /* Draws it, and holds the zoom, the layout, and what the last frame drew. */
  ConclaveTimelinePainter *painter;
  /* While a message is explained: what the painter draws lit, from the
   * session's highlight (conclave-timeline-pick.c). */
  ConclaveTimelineLit      lit;
  /* A held message's menu (step mode; conclave-timeline-pick.c), or NULL. */
  GtkWidget               *menu;
};

/* The session holds the cluster; the view only asks. */
static inline ConclaveCluster *
timeline_cluster (ConclaveTimeline *self)
{
  return self->session != NULL ? conclave_session_get_cluster (self->session) : NULL;
}

void _conclave_timeline_set_following (ConclaveTimeline *self,
                                       gboolean          following);
/* Sets what the painter shows from the session and the widget's style. */
void _conclave_timeline_prepare_painter (ConclaveTimeline *self);
/* The session's focused event changed (conclave-timeline-focus.c). */
void _conclave_timeline_focus (gpointer view,
                               guint64  index);

/* Clicking a message explains it (conclave-timeline-pick.c). */
void    _conclave_timeline_init_pick     (ConclaveTimeline *self);
/* The painter's lit test from the session's highlight (NULL: nothing veiled). */
const ConclaveTimelineLit *_conclave_timeline_lit (ConclaveTimeline *self);
/* The event under a point of the last frame (see there); the arrow
 * nearest it within `within` pixels, -1 if none. */
guint64 _conclave_timeline_event_at      (ConclaveTimeline *self,
                                          double            x,
                                          double            y,
                                          gboolean         *is_marker);
gint64  _conclave_timeline_arrow_at      (ConclaveTimeline *self,
                                          double            x,
                                          double            y,
                                          double            within);
/* The held message (step mode) whose open head the last frame drew
 * nearest the point, within a few pixels: its id (the store index of its
 * `held` event), else G_MAXUINT64. */
guint64 _conclave_timeline_held_at       (ConclaveTimeline *self,
                                          double            x,
                                          double            y);
/* Opens the menu of the held message at the point; FALSE if none is there. */
gboolean _conclave_timeline_popup_held_menu (ConclaveTimeline *self,
                                             double            x,
                                             double            y);
/* Keeps the held message's menu where it points (the widget's size_allocate). */
void    _conclave_timeline_size_allocate (GtkWidget        *widget,
                                          int               width,
                                          int               height,
                                          int               baseline);

G_END_DECLS
